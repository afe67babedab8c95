"""Expenses with their receipt (checked by content, kept outside the web root), accepted
or refused by a payroll officer."""

from datetime import date

from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import local_today, lock_row
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.payroll.models import (
    Activity,
    Expense,
    ExpenseCategory,
    ExpenseState,
    MovementKind,
)
from sip.payroll.services.activities import _decided, _locked, _move, _not_own, _reason, available
from sip.payroll.services.amounts import money

#: What a receipt may be, recognised by its first bytes (not by its name or declared type).
RECEIPT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def receipt_type(head: bytes) -> str | None:
    for magic, mime in RECEIPT_TYPES:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def receipts_dir():
    from pathlib import Path

    from flask import current_app

    folder = current_app.config["PAYROLL_RECEIPTS_DIR"] or str(
        Path(current_app.instance_path) / "receipts"
    )
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def receipt_path(expense: Expense):
    return receipts_dir() / expense.receipt_key


def _store_receipt(data: bytes, filename: str) -> tuple[str, str, str, int]:
    """Check and keep a receipt outside the web root under a random name."""
    import secrets

    from flask import current_app

    limit = int(current_app.config["PAYROLL_RECEIPT_MAX_BYTES"])
    if not data:
        raise ServiceError(_l("Attach the receipt: a PDF or a photo."), "receipt")
    if len(data) > limit:
        raise ServiceError(
            _l("The receipt is too large: at most %(mb)s MB.", mb=f"{limit / 1_000_000:g}"),
            "receipt",
        )
    mime = receipt_type(data[:16])
    if mime is None:
        raise ServiceError(
            _l("The receipt must be a PDF or an image (JPEG, PNG or WebP)."), "receipt"
        )
    key = secrets.token_hex(16)
    (receipts_dir() / key).write_bytes(data)
    name = "".join(c for c in (filename or "receipt") if c.isprintable())[:200] or "receipt"
    return key, name, mime, len(data)


def submit_expense(
    member: Member,
    *,
    activity: Activity,
    spent_on: date | None,
    description: str,
    category,
    amount,
    vat="0",
    receipt: bytes,
    receipt_name: str = "",
) -> Expense:
    """An expense paid by the member, with its receipt, for a payroll officer to accept."""
    if activity.member_id != member.id:
        raise ServiceError(_l("Choose one of your activities."), "activity")
    if spent_on is None or spent_on > local_today():
        raise ServiceError(_l("The day of the expense, today or before."), "spent_on")
    description = (description or "").strip()
    if not description:
        raise ServiceError(_l("This field is required."), "description")
    try:
        category = ExpenseCategory(category)
    except ValueError:
        raise ServiceError(_l("Choose one of the options in the list."), "category") from None
    total = money(amount, "amount")
    tax = money(vat or "0", "vat", allow_zero=True)
    if tax >= total:
        raise ServiceError(_l("The VAT is part of the amount: it must be less."), "vat")
    key, name, mime, size = _store_receipt(receipt, receipt_name)
    expense = Expense(
        member_id=member.id,
        activity_id=activity.id,
        spent_on=spent_on,
        description=description[:300],
        category=category,
        amount=total,
        vat=tax,
        receipt_key=key,
        receipt_name=name,
        receipt_type=mime,
        receipt_size=size,
    )
    db.session.add(expense)
    db.session.flush()
    audit.record("payroll.expense_submitted", expense, actor=member, amount=total)
    return expense


def _refuse_unless_submitted(expense) -> None:
    if expense.state != ExpenseState.SUBMITTED:
        raise ServiceError(_l("This expense has been decided already."))


def accept_expense(officer: Member, expense) -> None:
    """Reimburse the expense: the member gets back what they paid; the activity's budget
    bears it without the VAT, which Smart deducts (refused if the budget is short)."""
    _not_own(officer, expense)
    lock_row(Activity, expense.activity_id)
    _refuse_unless_submitted(_locked(expense))
    if available(expense.activity) < expense.cost:
        raise ServiceError(
            _l("The activity's budget is too small to reimburse this expense for now.")
        )
    _move(
        expense.activity,
        MovementKind.EXPENSE,
        -expense.cost,
        local_today(),
        expense_id=expense.id,
    )
    _decided(
        expense,
        officer,
        ExpenseState.ACCEPTED,
        "payroll.expense_accepted",
        amount=expense.amount,
        charged=expense.cost,
    )


def refuse_expense(officer: Member, expense, reason: str) -> None:
    _not_own(officer, expense)
    reason = _reason(reason, _l("Say why the expense is refused."))
    _refuse_unless_submitted(_locked(expense))
    _decided(expense, officer, ExpenseState.REFUSED, "payroll.expense_refused", reason)
