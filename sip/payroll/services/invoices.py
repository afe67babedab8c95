"""Invoices and credit notes: drafts, gap-free numbers at issue, VAT and its legal
mentions, cancelling, and the client's payments (in several parts)."""

import contextlib
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import local_today, lock_row
from sip.errors import ServiceError
from sip.extensions import db
from sip.i18n import money as money_text
from sip.members.models import Member
from sip.payroll import rules
from sip.payroll.models import (
    INVOICE_STATE_LABELS,
    INVOICE_TRANSITIONS,
    Activity,
    Contract,
    ContractState,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceState,
    Movement,
    MovementKind,
    Payment,
)
from sip.payroll.services.activities import _locked, _move, _not_own, _reason, balance
from sip.payroll.services.amounts import MAX_AMOUNT, money
from sip.payroll.services.rates import schedule

#: The legal mention of a reverse-charged invoice (Belgian VAT Code art. 51 § 2; between EU
#: businesses, art. 196 of Directive 2006/112/EC).
REVERSE_CHARGE_BE = "Autoliquidation / Verlegging van heffing — art. 51, § 2, du Code de la TVA"
REVERSE_CHARGE_EU = "Reverse charge — Article 196, Directive 2006/112/EC"


def reverse_charge_mention(invoice: Invoice) -> str:
    if not invoice.reverse_charge:
        return ""
    return REVERSE_CHARGE_BE if invoice.client.country == "BE" else REVERSE_CHARGE_EU


def _lines(lines: list[dict], allowed: tuple[Decimal, ...], reverse_charge: bool) -> list:
    if not lines:
        raise ServiceError(_l("An invoice needs at least one line."), "lines")
    out = []
    for i, line in enumerate(lines):
        description = (line.get("description") or "").strip()
        if not description:
            raise ServiceError(_l("Each line needs a description."), "lines")
        try:
            quantity = Decimal(str(line.get("quantity")).replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ServiceError(_l("Each line needs a quantity, like 1 or 2.5."), "lines") from None
        if not quantity.is_finite() or quantity <= 0 or quantity > 100000:
            raise ServiceError(_l("Each line needs a quantity, like 1 or 2.5."), "lines")
        if quantity != quantity.quantize(Decimal("0.001")):
            raise ServiceError(_l("Each line needs a quantity, like 1 or 2.5."), "lines")
        price = money(line.get("unit_price"), "lines", allow_zero=True)
        try:
            rate = Decimal(str(line.get("vat_rate")))
        except (InvalidOperation, ValueError):
            rate = Decimal(-1)
        if not rate.is_finite() or rate not in allowed:
            raise ServiceError(
                _l(
                    "Choose a VAT rate among %(rates)s.",
                    rates=", ".join(f"{(r * 100).normalize():f} %" for r in allowed),
                ),
                "lines",
            )
        if quantity * price > MAX_AMOUNT:
            raise ServiceError(
                _l(
                    "A line comes to at most %(max)s euros: check the quantity and the price.",
                    max=format_decimal(MAX_AMOUNT),
                ),
                "lines",
            )
        if reverse_charge and rate != 0:
            raise ServiceError(_l("A reverse-charged invoice has 0 % VAT on every line."), "lines")
        out.append(
            InvoiceLine(
                position=i,
                description=description[:300],
                quantity=quantity,
                unit_price=price,
                vat_rate=rate,
            )
        )
    return out


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.state != InvoiceState.DRAFT:
        raise ServiceError(
            _l("An issued invoice cannot be changed: cancel it with a credit note instead.")
        )


def create_invoice(
    member: Member,
    contract: Contract,
    *,
    lines: list[dict],
    reverse_charge: bool = False,
) -> Invoice:
    """A draft invoice for a validated contract of the member's."""
    if contract.member_id != member.id:
        raise ServiceError(_l("This is not your contract."))
    if contract.state != ContractState.VALIDATED:
        raise ServiceError(_l("Invoice a contract once a payroll officer has validated it."))
    if reverse_charge and not contract.client.vat_number:
        raise ServiceError(
            _l("VAT is reverse-charged only to a client with a VAT number."), "reverse_charge"
        )
    rates = schedule().on(local_today())
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        member_id=member.id,
        activity_id=contract.activity_id,
        contract_id=contract.id,
        client_id=contract.client_id,
        reverse_charge=reverse_charge,
    )
    invoice.lines = _lines(lines, rates.vat_rates, reverse_charge)
    db.session.add(invoice)
    db.session.flush()
    audit.record("payroll.invoice_drafted", invoice, actor=member, contract=contract.id)
    return invoice


def update_draft(
    member: Member, invoice: Invoice, *, lines: list[dict], reverse_charge: bool = False
) -> None:
    _refuse_unless_draft(_locked(invoice))
    if reverse_charge and not invoice.client.vat_number:
        raise ServiceError(
            _l("VAT is reverse-charged only to a client with a VAT number."), "reverse_charge"
        )
    rates = schedule().on(local_today())
    new_lines = _lines(lines, rates.vat_rates, reverse_charge)
    invoice.lines.clear()
    db.session.flush()
    invoice.lines.extend(new_lines)
    invoice.reverse_charge = reverse_charge
    audit.record("payroll.invoice_edited", invoice, actor=member)


def _next_number(kind: InvoiceKind, year: int) -> int:
    """The next number of the year's series, taken under the sequence row's lock: two
    invoices issued at once get consecutive numbers, and a rolled-back issue gives its
    number back (the lock and the increment leave with the transaction)."""
    key = {"year": year, "kind": kind}
    if db.session.get(InvoiceSequence, (year, kind)) is None:
        # The first invoice of the year creates the row. When another request created it
        # first, this insert fails on the primary key (its savepoint only): the row exists.
        with contextlib.suppress(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.add(InvoiceSequence(**key, last=0))
    row = db.session.execute(
        sa.update(InvoiceSequence)
        .where(InvoiceSequence.year == year, InvoiceSequence.kind == kind)
        .values(last=InvoiceSequence.last + 1)
        .returning(InvoiceSequence.last)
    ).scalar_one()
    return row


def _totals(invoice: Invoice, on: date) -> rules.Totals:
    """The invoice's totals under the VAT rates of ``on`` (a credit note repeats its
    invoice's rates, even if they have changed since)."""
    allowed = (
        {Decimal(ln.vat_rate) for ln in invoice.lines}
        if invoice.kind == InvoiceKind.CREDIT_NOTE
        else schedule().on(on).vat_rates
    )
    try:
        return rules.totals(
            (rules.Line(ln.quantity, ln.unit_price, Decimal(ln.vat_rate)) for ln in invoice.lines),
            allowed,
        )
    except ValueError:
        raise ServiceError(
            _l(
                "A line's VAT rate no longer applies (the rates changed): change the draft "
                "and choose among %(rates)s.",
                rates=", ".join(f"{(r * 100).normalize():f} %" for r in sorted(allowed)),
            )
        ) from None


def _issue(invoice: Invoice, issued_on: date, due_on: date, totals=None) -> None:
    totals = totals or _totals(invoice, issued_on)
    invoice.year = issued_on.year
    invoice.number = _next_number(invoice.kind, issued_on.year)
    invoice.issued_on, invoice.due_on = issued_on, due_on
    invoice.net, invoice.vat, invoice.total = totals.net, totals.vat, totals.total
    invoice.state = InvoiceState.ISSUED


def issue_invoice(member: Member, invoice: Invoice, *, due_in_days: int = 30) -> None:
    """Number the invoice (gap-free in its year), fix its totals, credit the activity's
    budget with its amount excluding VAT and debit Smart's contribution."""
    if invoice.member_id != member.id:
        raise ServiceError(_l("This is not your invoice."))
    _refuse_unless_draft(_locked(invoice))
    if not 0 <= int(due_in_days) <= 120:
        raise ServiceError(_l("Payment within 0 to 120 days."), "due_in_days")
    today = local_today()
    totals = _totals(invoice, today)
    contract = _locked(invoice.contract)
    invoiced = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.net), 0)).where(
            Invoice.contract_id == contract.id,
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PAID]),
        )
    )
    if Decimal(invoiced) + totals.net > contract.amount:
        raise ServiceError(
            _l(
                "The contract's invoices would come to %(total)s euros excluding VAT, more than "
                "its agreed %(amount)s: declare the rest as a new contract.",
                total=money_text(Decimal(invoiced) + totals.net),
                amount=money_text(contract.amount),
            )
        )
    _issue(invoice, today, today + timedelta(days=int(due_in_days)), totals)
    rates = schedule().on(today)
    fee = rules.contribution(invoice.net, rates)
    activity = invoice.activity
    _move(activity, MovementKind.INVOICE, invoice.net, today, invoice_id=invoice.id)
    _move(activity, MovementKind.CONTRIBUTION, -fee, today, invoice_id=invoice.id)
    audit.record(
        "payroll.invoice_issued",
        invoice,
        actor=member,
        number=invoice.reference,
        net=invoice.net,
        vat=invoice.vat,
        total=invoice.total,
        contribution=fee,
    )


def discard_draft(member: Member, invoice: Invoice) -> None:
    """Throw away a draft: never numbered, it leaves no gap (an issued invoice is only
    cancelled by a credit note)."""
    if invoice.member_id != member.id:
        raise ServiceError(_l("This is not your invoice."))
    _refuse_unless_draft(_locked(invoice))
    audit.record(
        "payroll.draft_discarded",
        invoice,
        actor=member,
        contract=invoice.contract_id,
        lines=[ln.description for ln in invoice.lines],
    )
    db.session.delete(invoice)
    db.session.flush()


def cancel_invoice(actor: Member, invoice: Invoice, *, reason: str) -> Invoice:
    """Cancel an issued, unpaid invoice with a credit note: a document of its own, numbered
    in the credit notes' series, with the same lines at minus their quantity. The budget
    gives back the amount and receives back the contribution. Nothing is deleted."""
    from sip.payroll.permissions import is_officer

    reason = _reason(reason, _l("Say why the invoice is cancelled."))
    lock_row(Activity, invoice.activity_id)
    _locked(invoice)
    if invoice.kind != InvoiceKind.INVOICE:
        raise ServiceError(_l("A credit note is final: it cannot be cancelled."))
    if InvoiceState.CANCELLED not in INVOICE_TRANSITIONS[invoice.state]:
        raise ServiceError(
            _l(
                "An invoice that is “%(state)s” cannot be cancelled.",
                state=INVOICE_STATE_LABELS[invoice.state],
            )
        )
    if invoice.received:
        raise ServiceError(
            _l(
                "The client has already paid %(received)s euros of this invoice: it cannot be "
                "cancelled, and what is left stays due.",
                received=money_text(invoice.received),
            )
        )
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        member_id=invoice.member_id,
        activity_id=invoice.activity_id,
        contract_id=invoice.contract_id,
        client_id=invoice.client_id,
        credits_id=invoice.id,
        reverse_charge=invoice.reverse_charge,
    )
    note.lines = [
        InvoiceLine(
            position=ln.position,
            description=ln.description,
            quantity=-ln.quantity,
            unit_price=ln.unit_price,
            vat_rate=ln.vat_rate,
        )
        for ln in invoice.lines
    ]
    db.session.add(note)
    db.session.flush()
    today = local_today()
    _issue(note, today, today)
    invoice.state = InvoiceState.CANCELLED
    fee = -db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Movement.amount), 0)).where(
            Movement.invoice_id == invoice.id, Movement.kind == MovementKind.CONTRIBUTION
        )
    )
    activity = invoice.activity
    officer_for_another = is_officer(actor) and invoice.member_id != actor.id
    if Decimal(balance(activity)) + note.net + fee < 0 and not officer_for_another:
        # What the fund paid out of it stays paid: only an officer records that debt, and
        # never on their own activity (four eyes).
        raise ServiceError(
            _l(
                "The budget of this invoice has already been paid out: cancelling it would "
                "leave the activity in debt. Ask a payroll officer."
            )
        )
    _move(activity, MovementKind.CREDIT_NOTE, note.net, today, invoice_id=note.id)
    _move(activity, MovementKind.CONTRIBUTION_REFUND, fee, today, invoice_id=note.id)
    audit.record(
        "payroll.invoice_cancelled",
        invoice,
        actor=actor,
        credit_note=note.reference,
        reason=reason,
    )
    return note


def record_payment(
    officer: Member, invoice: Invoice, *, paid_on: date | None, amount=None
) -> Payment:
    """The client paid all or part of what is left: the payment is recorded, and the invoice
    is paid once the payments reach its total. No amount means all that is left."""
    _locked(invoice)
    _not_own(officer, invoice)
    if (
        invoice.kind != InvoiceKind.INVOICE
        or InvoiceState.PAID not in INVOICE_TRANSITIONS[invoice.state]
    ):
        raise ServiceError(
            _l(
                "An invoice that is “%(state)s” cannot be marked paid.",
                state=INVOICE_STATE_LABELS[invoice.state],
            )
        )
    if paid_on is None or paid_on < invoice.issued_on or paid_on > local_today():
        raise ServiceError(_l("The payment date is between the issue date and today."), "paid_on")
    last = db.session.scalar(
        sa.select(sa.func.max(Payment.paid_on)).where(Payment.invoice_id == invoice.id)
    )
    if last is not None and paid_on < last:
        raise ServiceError(
            _l(
                "Payments are recorded in order: this one is on or after the last one (%(date)s).",
                date=format_date(last),
            ),
            "paid_on",
        )
    left = invoice.left_to_pay
    received = left if amount in (None, "") else money(amount, "amount")
    if received > left:
        raise ServiceError(
            _l(
                "At most what is left to pay: %(left)s euros.",
                left=money_text(left),
            ),
            "amount",
        )
    payment = Payment(
        invoice_id=invoice.id, amount=received, paid_on=paid_on, recorded_by_id=officer.id
    )
    db.session.add(payment)
    invoice.received += received
    if invoice.received == invoice.total:
        invoice.state, invoice.paid_on = InvoiceState.PAID, paid_on
        audit.record(
            "payroll.invoice_paid", invoice, actor=officer, amount=received, paid_on=paid_on
        )
    else:
        audit.record(
            "payroll.invoice_part_paid",
            invoice,
            actor=officer,
            amount=received,
            paid_on=paid_on,
            left=invoice.left_to_pay,
        )
    db.session.flush()
    return payment
