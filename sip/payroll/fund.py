"""The mutual guarantee fund, as payroll officers watch it: salaries due by date, client
invoices still unpaid, and how much the fund has advanced to activities whose clients have
not paid yet (its exposure). A fixed number of queries whatever the data."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from sip.extensions import db
from sip.payroll.models import (
    Activity,
    Invoice,
    InvoiceKind,
    InvoiceState,
    Movement,
    MovementKind,
    Salary,
    SalaryState,
)

ZERO = Decimal("0.00")


@dataclass
class Advance:
    activity: Activity
    #: Salaries and reimbursed expenses paid out of the activity's budget.
    spent: Decimal
    #: What its clients have paid (excluding VAT, less Smart's contribution).
    collected: Decimal

    @property
    def exposure(self) -> Decimal:
        return max(ZERO, self.spent - self.collected)


@dataclass
class Fund:
    due: list[Salary]
    outstanding: list[Invoice]
    advances: list[Advance]

    @property
    def exposure(self) -> Decimal:
        return sum((a.exposure for a in self.advances), ZERO)

    @property
    def outstanding_total(self) -> Decimal:
        return sum((i.total for i in self.outstanding), ZERO)

    def overdue(self, today: date) -> list[Invoice]:
        return [i for i in self.outstanding if i.due_on and i.due_on < today]


def fund() -> Fund:
    due = db.session.scalars(
        sa.select(Salary)
        .where(Salary.state == SalaryState.VALIDATED)
        .order_by(Salary.pay_by, Salary.id)
    ).all()
    outstanding = db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.state == InvoiceState.ISSUED)
        .order_by(Invoice.due_on, Invoice.id)
    ).all()
    paid_invoice = sa.and_(
        Movement.kind.in_([MovementKind.INVOICE, MovementKind.CONTRIBUTION]),
        Invoice.state == InvoiceState.PAID,
    )
    out_of_budget = Movement.kind.in_([MovementKind.SALARY, MovementKind.EXPENSE])
    rows = db.session.execute(
        sa.select(
            Movement.activity_id,
            sa.func.coalesce(sa.func.sum(sa.case((out_of_budget, -Movement.amount), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((paid_invoice, Movement.amount), else_=0)), 0),
        )
        .outerjoin(Invoice, Invoice.id == Movement.invoice_id)
        .group_by(Movement.activity_id)
    ).all()
    spending = {a: (Decimal(s), Decimal(c)) for a, s, c in rows if Decimal(s) > Decimal(c)}
    activities = (
        db.session.scalars(sa.select(Activity).where(Activity.id.in_(list(spending)))).all()
        if spending
        else []
    )
    advances = sorted(
        (Advance(a, *spending[a.id]) for a in activities),
        key=lambda adv: adv.exposure,
        reverse=True,
    )
    return Fund(due=list(due), outstanding=list(outstanding), advances=advances)
