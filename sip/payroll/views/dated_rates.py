"""The dated payroll rates: set ahead by an officer or an admin, withdrawn while unused."""

from decimal import Decimal

import sqlalchemy as sa
from flask import flash, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
from sip.payroll.forms import (
    BRACKETS,
    RatesForm,
)
from sip.payroll.models import (
    PayrollRates,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.permissions import is_officer
from sip.web import render, report, run_form, see_other


def _pct(rate) -> str:
    """0.065 -> "6.5" (as typed in the form)."""
    return f"{(Decimal(str(rate)) * 100).normalize():f}"


def _posted_brackets() -> list[dict]:
    rows = []
    for i in range(BRACKETS):
        row = {k: (request.form.get(f"bracket-{i}-{k}") or "").strip() for k in ("up_to", "rate")}
        if row["up_to"] or row["rate"]:
            rows.append(row)
    return rows


def _set_rates(form: RatesForm, brackets: list[dict]) -> PayrollRates:
    if not brackets:
        raise ServiceError(_("Give the withholding scale: at least one bracket."), "withholding")
    scale = []
    for row in brackets:
        up_to = services.money(row["up_to"], "withholding") if row["up_to"] else None
        scale.append((up_to, services.percent(row["rate"], "withholding")))
    vats = (form.vat_rates.data or "").replace(";", " ").split()
    return services.set_rates(
        current_user,
        valid_from=form.valid_from.data,
        contribution=services.percent(form.contribution.data, "contribution"),
        employer_ssc=services.percent(form.employer_ssc.data, "employer_ssc"),
        employee_ssc=services.percent(form.employee_ssc.data, "employee_ssc"),
        vat_rates=[services.percent(v, "vat_rates") for v in vats],
        withholding=scale,
        guarantee_days=form.guarantee_days.data,
    )


@bp.route("/rates", methods=["GET", "POST"])
@require(P.RATES)
def rates():
    """The dated rates: which are in force, which were, which are scheduled; and new rates
    from a day on (today or later), so that past payslips keep theirs."""
    form = RatesForm()
    brackets = _posted_brackets()
    scale_error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            _set_rates(form, brackets)
            db.session.commit()
            flash(
                _("The new rates apply from %(date)s.", date=format_date(form.valid_from.data)),
                "success",
            )
            return see_other(url_for("payroll.rates"))
        except ServiceError as error:
            db.session.rollback()
            if error.field == "withholding":
                scale_error = error.message
            else:
                report(error, form)
    if request.method == "GET":
        return _rates_page(form, [], prefill=True)
    return _rates_page(form, brackets, scale_error, 422)


def _rates_page(
    form: RatesForm, brackets: list[dict], scale_error=None, status: int = 200, prefill=False
):
    rows = db.session.scalars(sa.select(PayrollRates).order_by(PayrollRates.valid_from)).all()
    today = local_today()
    current = next((r for r in reversed(rows) if r.valid_from <= today), None)
    if prefill and current is not None:
        # The form starts from the rates in force: change what changes.
        form.contribution.data = _pct(current.contribution)
        form.employer_ssc.data = _pct(current.employer_ssc)
        form.employee_ssc.data = _pct(current.employee_ssc)
        form.vat_rates.data = " ".join(_pct(v) for v in current.vat_rates)
        form.guarantee_days.data = current.guarantee_days
        brackets = [{"up_to": up or "", "rate": _pct(rate)} for up, rate in current.withholding]
    return render(
        "payroll/rates.html",
        rows=list(reversed(rows)),
        current=current,
        today=today,
        form=form,
        brackets=(brackets + [{"up_to": "", "rate": ""}] * BRACKETS)[:BRACKETS],
        scale_error=scale_error,
        pct=_pct,
        officer=is_officer(current_user),
        confirm_form=ConfirmForm(),
        status=status,
    )


@bp.post("/rates/<int:rates_id>/withdraw")
@require(P.RATES)
def withdraw_rates(rates_id: int):
    """Withdraw scheduled rates before their day (those in force or past stay)."""
    row = db.get_or_404(PayrollRates, rates_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.withdraw_rates(current_user, row),
        _("The scheduled rates are withdrawn."),
        url_for("payroll.rates"),
    )
    return done or _rates_page(RatesForm(formdata=None), [], status=422, prefill=True)
