"""Salaries: previewed, asked for from an activity's budget, validated (paid within the
guarantee fund's working days), refused or marked paid."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from sip import audit
from sip.db import local_today, lock_row, lock_rows, utc_to_local, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.i18n import money as money_text
from sip.members.models import Member
from sip.notifications.services import notify, notify_each
from sip.payroll import notifications as notices
from sip.payroll import rules
from sip.payroll.models import (
    Activity,
    Movement,
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


@dataclass
class BulkValidation:
    """What a bulk validation did: the salaries validated, and those left as they were with
    the reason (the salary, or None for an id no salary has; the message)."""

    validated: list[Salary] = field(default_factory=list)
    refused: list[tuple[Salary | None, str]] = field(default_factory=list)


def validate_salaries(officer: Member, salary_ids) -> BulkValidation:
    """Validate many requested salaries in one action (the payroll office's bulk action).

    Each is checked and kept as ``validate_salary`` keeps one: four eyes, still requested
    (read again under lock), its activity's budget covers it, with the budget's other
    salaries of the batch taken in order of their guaranteed payment date; then the
    movement out of the budget, who decided and when, the audit entry and the member's
    notification. The others are left as they are, each with its reason. A fixed number
    of statements per thousand salaries, whatever their number.
    """
    ids = sorted({int(i) for i in salary_ids})
    outcome = BulkValidation()
    found: list[Salary] = []
    # Every activity locked first, in one order of ids across the whole batch (two bulk
    # validations never wait for each other in a circle), then the salaries.
    activities: set[int] = set()
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        activities.update(
            db.session.scalars(sa.select(Salary.activity_id).where(Salary.id.in_(chunk)))
        )
    lock_rows(Activity, activities)
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        query = (
            sa.select(Salary)
            .where(Salary.id.in_(chunk))
            .options(so.selectinload(Salary.activity))
            .execution_options(populate_existing=True)  # read again, under the lock
        )
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=Salary)
        found += db.session.scalars(query).all()
    missing = set(ids) - {s.id for s in found}
    outcome.refused += [(None, str(_l("No salary has this number."))) for _ in sorted(missing)]
    left = _balances({s.activity_id for s in found})
    today, now = local_today(), utcnow()
    for salary in sorted(found, key=lambda s: (s.pay_by, s.id)):
        if salary.member_id == officer.id:
            outcome.refused.append(
                (salary, str(_l("Another payroll officer decides on your own rows.")))
            )
        elif salary.state != SalaryState.REQUESTED:
            outcome.refused.append((salary, str(_l("This salary has been decided already."))))
        elif left[salary.activity_id] < salary.budget:
            outcome.refused.append(
                (salary, str(_l("The activity's budget no longer covers this salary.")))
            )
        else:
            left[salary.activity_id] -= salary.budget
            outcome.validated.append(salary)
    done = outcome.validated
    for start in range(0, len(done), _BATCH):
        chunk = done[start : start + _BATCH]
        db.session.execute(
            sa.insert(Movement),
            [
                {
                    "activity_id": s.activity_id,
                    "kind": MovementKind.SALARY,
                    "amount": -s.budget,
                    "occurred_on": today,
                    "salary_id": s.id,
                    "created_at": now,
                }
                for s in chunk
            ],
        )
        db.session.execute(
            sa.update(Salary)
            .where(Salary.id.in_([s.id for s in chunk]))
            .values(
                state=SalaryState.VALIDATED, reason="", decided_by_id=officer.id, decided_at=now
            )
            .execution_options(synchronize_session=False)
        )
    for salary in done:
        for key, value in (
            ("state", SalaryState.VALIDATED),
            ("reason", ""),
            ("decided_by_id", officer.id),
            ("decided_at", now),
        ):
            set_committed_value(salary, key, value)
    action = "payroll.salary_validated"
    audit.record_many(
        action, [(s, {"pay_by": s.pay_by, "bulk": True}) for s in done], actor=officer
    )
    notify_each(action, [(s.member_id, s, notices.params(s)) for s in done])
    return outcome


#: Salaries a statement of ``validate_salaries`` handles.
_BATCH = 1000


def _balances(activity_ids: set[int]) -> dict[int, Decimal]:
    """Each activity's balance (the sum of its movements), a thousand activities a query."""
    ids = sorted(activity_ids)
    out = dict.fromkeys(ids, Decimal("0.00"))
    for start in range(0, len(ids), _BATCH):
        rows = db.session.execute(
            sa.select(Movement.activity_id, sa.func.sum(Movement.amount))
            .where(Movement.activity_id.in_(ids[start : start + _BATCH]))
            .group_by(Movement.activity_id)
        )
        out.update({a: Decimal(total) for a, total in rows})
    return out


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
