"""Salaries: previewed, asked for from an activity's budget, validated (paid within the
guarantee fund's working days), refused or marked paid."""

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import local_today, lock_row, utc_to_local
from sip.errors import ServiceError
from sip.extensions import db
from sip.i18n import money as money_text
from sip.members.models import Member
from sip.notifications.services import notify
from sip.payroll import notifications as notices
from sip.payroll import rules
from sip.payroll.models import (
    Activity,
    MovementKind,
    Salary,
    SalaryState,
)
from sip.payroll.services.activities import (
    _decided,
    _locked,
    _move,
    _not_own,
    _reason,
    available,
    balance,
)
from sip.payroll.services.amounts import money
from sip.payroll.services.rates import rates_json, schedule


def _work_period(starts_on: date | None, ends_on: date | None, plan: rules.Schedule) -> None:
    if starts_on is None:
        raise ServiceError(_l("This field is required."), "work_starts_on")
    if ends_on is None:
        raise ServiceError(_l("This field is required."), "work_ends_on")
    if ends_on < starts_on:
        raise ServiceError(_l("The period cannot end before it starts."), "work_ends_on")
    if (ends_on - starts_on).days > 366:
        raise ServiceError(_l("At most a year at a time."), "work_ends_on")
    if ends_on > local_today() + timedelta(days=366):
        raise ServiceError(_l("The work ends within a year from today."), "work_ends_on")
    first = plan.rates[0].valid_from
    if starts_on < first:
        raise ServiceError(
            _l("No payroll rates applied before %(date)s.", date=format_date(first)),
            "work_starts_on",
        )


def preview_salary(
    budget: Decimal, starts_on: date, ends_on: date, plan: rules.Schedule | None = None
) -> tuple:
    """(salary, guaranteed payment date, rates used) for a budget and a work period."""
    if plan is None:
        plan = schedule()
    breakdown = rules.salary_over(budget, starts_on, ends_on, plan)
    used = [rates_json(r) for r, _first, _last in plan.periods(starts_on, ends_on)]
    last = plan.on(ends_on)
    return breakdown, rules.working_days_after(ends_on, last.guarantee_days), used


def check_salary(
    member: Member,
    *,
    activity: Activity,
    budget,
    work_starts_on: date | None,
    work_ends_on: date | None,
    plan: rules.Schedule | None = None,
) -> Decimal:
    """What a salary request checks (own activity, amount, period, budget left); the amount."""
    if activity.member_id != member.id:
        raise ServiceError(_l("Choose one of your activities."), "activity")
    amount = money(budget, "budget")
    _work_period(work_starts_on, work_ends_on, schedule() if plan is None else plan)
    left = available(activity)
    if amount > left:
        raise ServiceError(
            _l(
                "The activity's budget has %(left)s euros for salaries: ask for at most that.",
                left=money_text(left),
            ),
            "budget",
        )
    return amount


def request_salary(
    member: Member,
    *,
    activity: Activity,
    budget,
    work_starts_on: date | None,
    work_ends_on: date | None,
) -> Salary:
    """Ask for a salary from the activity's budget; a payroll officer validates it."""
    plan = schedule()
    amount = check_salary(
        member,
        activity=activity,
        budget=budget,
        work_starts_on=work_starts_on,
        work_ends_on=work_ends_on,
        plan=plan,
    )
    breakdown, pay_by, used = preview_salary(amount, work_starts_on, work_ends_on, plan)
    salary = Salary(
        member_id=member.id,
        activity_id=activity.id,
        work_starts_on=work_starts_on,
        work_ends_on=work_ends_on,
        **{f: getattr(breakdown, f) for f in rules.SALARY_FIELDS},
        rates=used,
        pay_by=pay_by,
    )
    db.session.add(salary)
    db.session.flush()
    audit.record(
        "payroll.salary_requested",
        salary,
        actor=member,
        budget=salary.budget,
        net=salary.net,
        pay_by=pay_by,
    )
    return salary


def _refuse_unless_requested(salary) -> None:
    if salary.state != SalaryState.REQUESTED:
        raise ServiceError(_l("This salary has been decided already."))


def validate_salary(officer: Member, salary) -> None:
    """The payslip stands: the budget it uses leaves the activity."""
    _not_own(officer, salary)
    lock_row(Activity, salary.activity_id)
    _refuse_unless_requested(_locked(salary))
    if Decimal(balance(salary.activity)) < salary.budget:
        raise ServiceError(_l("The activity's budget no longer covers this salary."))
    _move(salary.activity, MovementKind.SALARY, -salary.budget, local_today(), salary_id=salary.id)
    _decided(
        salary, officer, SalaryState.VALIDATED, "payroll.salary_validated", pay_by=salary.pay_by
    )


def refuse_salary(officer: Member, salary, reason: str) -> None:
    _not_own(officer, salary)
    reason = _reason(reason, _l("Say why the salary is refused."))
    _refuse_unless_requested(_locked(salary))
    _decided(salary, officer, SalaryState.REFUSED, "payroll.salary_refused", reason)


def mark_salary_paid(officer: Member, salary, *, paid_on: date | None) -> None:
    _locked(salary)
    _not_own(officer, salary)
    if salary.state != SalaryState.VALIDATED:
        raise ServiceError(_l("Only a validated salary is paid."))
    validated_on = utc_to_local(salary.decided_at).date()
    if paid_on is None or not validated_on <= paid_on <= local_today():
        # Not before the validation either: a payment dated back would hide that it was late.
        raise ServiceError(
            _l(
                "The payment date is between the day the salary was validated (%(date)s) "
                "and today.",
                date=format_date(validated_on),
            ),
            "paid_on",
        )
    salary.state, salary.paid_on = SalaryState.PAID, paid_on
    audit.record(
        "payroll.salary_paid", salary, actor=officer, paid_on=paid_on, late=paid_on > salary.pay_by
    )
    notify([salary.member_id], "payroll.salary_paid", salary, **notices.params(salary))
