"""Salaries: asked for from a budget, validated, refused or marked paid; the guarantee fund."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
from sip.payroll.forms import (
    PaidOnForm,
    ReasonForm,
    SalaryForm,
)
from sip.payroll.models import (
    Activity,
    Salary,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.permissions import is_officer
from sip.payroll.views.common import LABELS, _decide, _mine, _own, _row
from sip.web import render, report, run_form, see_other


@bp.route("/salaries/new", methods=["GET", "POST"])
@require(P.USE)
def new_salary():
    """Ask for a salary: the first submit shows the breakdown and the guaranteed payment date,
    the second (``confirm``) sends the request."""
    form = SalaryForm()
    form.activity.choices = [(a.id, a.name) for a in _mine(Activity)]
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        activity = _row(Activity, form.activity.data)
        values = {
            "activity": activity,
            "budget": form.budget.data,
            "work_starts_on": form.work_starts_on.data,
            "work_ends_on": form.work_ends_on.data,
        }
        try:
            if activity is None or activity.member_id != current_user.id:
                raise ServiceError(_("Choose one of your activities."), "activity")
            # What the breakdown was shown for: a confirmation asks for exactly that.
            seen = "|".join(map(str, (activity.id, *list(values.values())[1:])))
            if request.form.get("confirm") and request.form.get("seen") != seen:
                # Changed after the breakdown: show the new one before asking.
                flash(_("The values changed: check the new breakdown, then confirm."), "info")
            elif request.form.get("confirm"):
                salary = services.request_salary(current_user, **values)
                db.session.commit()
                flash(_("Your salary is asked: a payroll officer will validate it."), "success")
                return see_other(url_for("payroll.salary", salary_id=salary.id))
            plan = services.schedule()
            amount = services.check_salary(current_user, **values, plan=plan)
            breakdown, pay_by, _used = services.preview_salary(
                amount, form.work_starts_on.data, form.work_ends_on.data, plan
            )
            preview = {"salary": breakdown, "pay_by": pay_by, "seen": seen}
        except ServiceError as error:
            db.session.rollback()
            report(error, form)
    return render(
        "payroll/salary_form.html",
        form=form,
        preview=preview,
        available={a.id: services.available(a) for a in _mine(Activity)},
        activities={a.id: a for a in _mine(Activity)},
        status=422 if request.method == "POST" and preview is None else 200,
    )


@bp.get("/salaries/<int:salary_id>")
@require(P.USE)
def salary(salary_id: int):
    """The payslip: the breakdown, the rates used, the guaranteed payment date.

    :raise 404: for another member's salary.
    """
    return _salary_page(_own(Salary, salary_id))


def _salary_page(item: Salary, status: int = 200, reason_form=None, paid_form=None):
    return render(
        "payroll/salary.html",
        salary=item,
        officer=is_officer(current_user),
        reason_form=reason_form or ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
        paid_form=paid_form or PaidOnForm(formdata=None, paid_on=local_today()),
        today=local_today(),
        status=status,
        **LABELS,
    )


@bp.post("/salaries/<int:salary_id>/validate")
@require(P.OFFICE)
def validate_salary(salary_id: int):
    item = db.get_or_404(Salary, salary_id)
    return _decide(
        lambda: services.validate_salary(current_user, item),
        _("The salary is validated: pay it by the date shown."),
        url_for("payroll.salary", salary_id=item.id),
        lambda **kw: _salary_page(item, **kw),
    )


@bp.post("/salaries/<int:salary_id>/refuse")
@require(P.OFFICE)
def refuse_salary(salary_id: int):
    item = db.get_or_404(Salary, salary_id)
    form = ReasonForm()
    return _decide(
        lambda: services.refuse_salary(current_user, item, form.reason.data),
        _("The salary is refused; the member reads your reason."),
        url_for("payroll.salary", salary_id=item.id),
        lambda **kw: _salary_page(item, **kw),
        form,
    )


@bp.post("/salaries/<int:salary_id>/paid")
@require(P.OFFICE)
def salary_paid(salary_id: int):
    """Record that a validated salary was paid (late if after its guaranteed date)."""
    item = db.get_or_404(Salary, salary_id)
    form = PaidOnForm()
    done = run_form(
        form,
        lambda: services.mark_salary_paid(current_user, item, paid_on=form.paid_on.data),
        _("The salary is recorded as paid."),
        url_for("payroll.salary", salary_id=item.id),
    )
    return done or _salary_page(item, status=422, paid_form=form)


@bp.get("/office/fund")
@require(P.OFFICE)
def guarantee_fund():
    """The mutual guarantee fund: salaries due by date, unpaid invoices, the exposure."""
    from sip.payroll.fund import fund

    today = local_today()
    return render("payroll/fund.html", fund=fund(today), today=today, **LABELS)
