"""The dated payroll rates: the schedule in force on a day, setting rates ahead, and
withdrawing those no payslip used."""

from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import local_today
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.payroll import rules
from sip.payroll.models import (
    PayrollRates,
    Salary,
    SalaryState,
)


def _as_rules(row: PayrollRates) -> rules.Rates:
    return rules.Rates(
        valid_from=row.valid_from,
        contribution=Decimal(row.contribution),
        employer_ssc=Decimal(row.employer_ssc),
        employee_ssc=Decimal(row.employee_ssc),
        vat_rates=tuple(Decimal(r) for r in row.vat_rates),
        withholding=tuple(
            rules.Bracket(None if up is None else Decimal(up), Decimal(rate))
            for up, rate in row.withholding
        ),
        guarantee_days=row.guarantee_days,
    )


def schedule() -> rules.Schedule:
    """The dated rates, as the rules module takes them (one query)."""
    rows = db.session.scalars(sa.select(PayrollRates).order_by(PayrollRates.valid_from)).all()
    if not rows:
        raise ServiceError(_l("No payroll rates are configured."))
    return rules.Schedule(_as_rules(r) for r in rows)


def rates_json(rates: rules.Rates) -> dict:
    """The rates as kept on a payslip."""
    return {
        "valid_from": rates.valid_from.isoformat(),
        "contribution": str(rates.contribution),
        "employer_ssc": str(rates.employer_ssc),
        "employee_ssc": str(rates.employee_ssc),
        "vat_rates": [str(r) for r in rates.vat_rates],
        "withholding": [
            [None if b.up_to is None else str(b.up_to), str(b.rate)] for b in rates.withholding
        ],
        "guarantee_days": rates.guarantee_days,
    }


def _rate(value, field: str, top: Decimal = Decimal("1")) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("Enter a rate between 0 and 1, like 0.065."), field) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= top:
        raise ServiceError(_l("Enter a rate between 0 and 1, like 0.065."), field)
    return rate


def set_rates(
    actor: Member,
    *,
    valid_from: date,
    contribution,
    employer_ssc,
    employee_ssc,
    vat_rates,
    withholding,
    guarantee_days: int,
) -> PayrollRates:
    """New rates from ``valid_from`` on (today or later: what was paid keeps its rates)."""
    if valid_from is None or valid_from < local_today():
        raise ServiceError(_l("New rates apply from today or a later day."), "valid_from")
    if db.session.scalar(sa.select(PayrollRates.id).where(PayrollRates.valid_from == valid_from)):
        raise ServiceError(_l("Rates already start on that day."), "valid_from")
    vats = sorted({_rate(v, "vat_rates") for v in vat_rates}, reverse=True)
    if not vats:
        raise ServiceError(_l("Give at least one VAT rate."), "vat_rates")
    scale = []
    last = Decimal(0)
    for i, (up_to, rate) in enumerate(withholding):
        if up_to is None and i != len(withholding) - 1:
            raise ServiceError(_l("Only the last bracket has no upper limit."), "withholding")
        if up_to is not None:
            up = Decimal(str(up_to))
            if up <= last:
                raise ServiceError(_l("Brackets must rise."), "withholding")
            last = up
        scale.append([None if up_to is None else str(up_to), str(_rate(rate, "withholding"))])
    if scale and scale[-1][0] is not None:
        raise ServiceError(
            _l("The last bracket has no upper limit: leave its limit empty."), "withholding"
        )
    if not 1 <= int(guarantee_days) <= 60:
        raise ServiceError(_l("Between 1 and 60 working days."), "guarantee_days")
    row = PayrollRates(
        valid_from=valid_from,
        contribution=_rate(contribution, "contribution"),
        employer_ssc=_rate(employer_ssc, "employer_ssc"),
        employee_ssc=_rate(employee_ssc, "employee_ssc"),
        vat_rates=[str(v) for v in vats],
        withholding=scale,
        guarantee_days=int(guarantee_days),
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("payroll.rates_set", row, actor=actor, **rates_json(_as_rules(row)))
    return row


def percent(value, field: str) -> Decimal:
    """A rate typed as a percentage ("6.5" or "6,5") as the fraction kept (0.065)."""
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
    except (InvalidOperation, ValueError, AttributeError):
        number = Decimal(-1)
    if not number.is_finite() or not Decimal(0) <= number <= 100 or number.as_tuple()[2] < -2:
        raise ServiceError(
            _l("Enter a percentage between 0 and 100, like 6.5 (at most two decimals)."), field
        )
    return (number / 100).normalize()


def withdraw_rates(actor: Member, row: PayrollRates) -> None:
    """Withdraw rates that have not started yet and that no payslip was computed with (a
    salary may be asked for work ahead: its payslip keeps the rates it was shown)."""
    if row.valid_from <= local_today():
        raise ServiceError(
            _l("These rates are in force or were: they stay, for the payslips that used them.")
        )
    used = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Salary)
        .where(
            Salary.state != SalaryState.REFUSED,
            Salary.work_ends_on >= row.valid_from,
            # asked once these rates were scheduled: those asked before kept older ones
            Salary.created_at >= row.created_at,
        )
    )
    if used:
        raise ServiceError(
            _l(
                "Payslips were computed with these rates: they stay. To change them, "
                "schedule other rates from a later day."
            )
        )
    audit.record("payroll.rates_withdrawn", row, actor=actor, **rates_json(_as_rules(row)))
    db.session.delete(row)
    db.session.flush()
