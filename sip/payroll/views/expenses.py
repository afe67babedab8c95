"""Expenses and their receipts: submitted by the member, accepted or refused by an officer."""

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
from sip.payroll.forms import (
    ExpenseForm,
    ReasonForm,
)
from sip.payroll.models import (
    EXPENSE_CATEGORY_LABELS,
    Activity,
    Expense,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.permissions import is_officer
from sip.payroll.views.common import LABELS, _decide, _mine, _own, _row
from sip.web import render, run_form


@bp.route("/expenses/new", methods=["GET", "POST"])
@require(P.USE)
def new_expense():
    """Record an expense with its receipt (checked by its content, kept outside the web
    root), for a payroll officer to accept."""
    form = ExpenseForm()
    form.activity.choices = [(a.id, a.name) for a in _mine(Activity)]
    if request.method == "POST":
        upload = request.files.get("receipt")

        def submit():
            activity = _row(Activity, form.activity.data)
            if activity is None:
                raise ServiceError(_("Choose one of your activities."), "activity")
            return services.submit_expense(
                current_user,
                activity=activity,
                spent_on=form.spent_on.data,
                description=form.description.data,
                category=form.category.data,
                amount=form.amount.data,
                vat=form.vat.data or "0",
                receipt=upload.read() if upload else b"",
                receipt_name=upload.filename if upload else "",
            )

        done = run_form(
            form,
            submit,
            _("The expense is recorded: a payroll officer will check it."),
            lambda expense: url_for("payroll.expense", expense_id=expense.id),
        )
        if done:
            return done
    return render(
        "payroll/expense_form.html", form=form, status=422 if request.method == "POST" else 200
    )


@bp.get("/expenses/<int:expense_id>")
@require(P.USE)
def expense(expense_id: int):
    """An expense and its decision; for an officer, accept or refuse it.

    :raise 404: for another member's expense.
    """
    return _expense_page(_own(Expense, expense_id))


def _expense_page(item: Expense, status: int = 200, reason_form=None):
    return render(
        "payroll/expense.html",
        expense=item,
        officer=is_officer(current_user),
        category_labels=EXPENSE_CATEGORY_LABELS,
        **LABELS,
        reason_form=reason_form or ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
        status=status,
    )


@bp.get("/expenses/<int:expense_id>/receipt")
@require(P.USE)
def receipt(expense_id: int):
    """The receipt, as a download (never shown inline: it is not our content).

    :raise 404: for another member's expense.
    """
    import io

    from flask import send_file

    item = _own(Expense, expense_id)
    # Read whole (at most PAYROLL_RECEIPT_MAX_BYTES): no file handle outlives the request.
    return send_file(
        io.BytesIO(services.receipt_path(item).read_bytes()),
        mimetype=item.receipt_type,
        as_attachment=True,
        download_name=item.receipt_name,
    )


@bp.post("/expenses/<int:expense_id>/accept")
@require(P.OFFICE)
def accept_expense(expense_id: int):
    item = db.get_or_404(Expense, expense_id)
    return _decide(
        lambda: services.accept_expense(current_user, item),
        _("The expense is accepted and reimbursed from the activity's budget."),
        url_for("payroll.expense", expense_id=item.id),
        lambda **kw: _expense_page(item, **kw),
    )


@bp.post("/expenses/<int:expense_id>/refuse")
@require(P.OFFICE)
def refuse_expense(expense_id: int):
    item = db.get_or_404(Expense, expense_id)
    form = ReasonForm()
    return _decide(
        lambda: services.refuse_expense(current_user, item, form.reason.data),
        _("The expense is refused; the member reads your reason."),
        url_for("payroll.expense", expense_id=item.id),
        lambda **kw: _expense_page(item, **kw),
        form,
    )
