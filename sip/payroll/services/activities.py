"""Activities and their budget (movements in, out), and what every officer's decision
shares: the row locked and read again, four eyes, a reason, the audit entry."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.db import lock_row, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.notifications.services import notify
from sip.payroll import notifications as notices
from sip.payroll import rules
from sip.payroll.models import (
    Activity,
    Movement,
    MovementKind,
    Salary,
    SalaryState,
)


def create_activity(member: Member, *, name: str, description: str = "") -> Activity:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("This field is required."), "name")
    activity = Activity(member=member, name=name[:120], description=(description or "").strip())
    db.session.add(activity)
    db.session.flush()
    audit.record("payroll.activity_created", activity, actor=member, name=activity.name)
    return activity


def balance(activity: Activity) -> Decimal:
    """The activity's budget: the sum of its movements."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Movement.amount), 0)).where(
            Movement.activity_id == activity.id
        )
    ) or Decimal("0.00")


def _move(activity: Activity, kind: MovementKind, amount: Decimal, day: date, **refs) -> None:
    db.session.add(
        Movement(activity_id=activity.id, kind=kind, amount=amount, occurred_on=day, **refs)
    )


def _locked(row):
    """The row, locked until the transaction ends (PostgreSQL) and read again: a decision
    taken at the same time by another request is seen, not taken twice."""
    lock_row(type(row), row.id)
    db.session.refresh(row)
    return row


def _not_own(officer: Member, row) -> None:
    """Four eyes: a payroll officer does not decide on their own contract, expense, salary
    or invoice; another officer does."""
    if row.member_id == officer.id:
        raise ServiceError(_l("Another payroll officer decides on your own rows."))


def _reason(reason: str | None, message) -> str:
    """A refusal's reason, required: the member reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(message, "reason")
    return reason


def _decided(row, officer: Member, state, action: str, reason: str = "", **details) -> None:
    """A payroll officer's decision on a declaration, an expense or a salary: its new state,
    who decided and when, the reason if any; and the audit entry."""
    row.state, row.reason = state, reason
    row.decided_by_id, row.decided_at = officer.id, utcnow()
    if reason:
        details["reason"] = reason
    audit.record(action, row, actor=officer, **details)
    # The member hears of it (the kind is named as the audit action).
    notify([row.member_id], action, row, **notices.params(row, reason))


def available(activity: Activity) -> Decimal:
    """The budget left for salaries: the balance less the salaries asked and not decided."""
    asked = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Salary.budget), 0)).where(
            Salary.activity_id == activity.id, Salary.state == SalaryState.REQUESTED
        )
    )
    return rules.cents(Decimal(balance(activity)) - Decimal(asked or 0))
