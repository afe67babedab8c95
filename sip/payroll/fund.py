"""The mutual guarantee fund, as payroll officers watch it: salaries due by date, client
invoices still unpaid, and how much the fund has advanced to activities whose clients have
not paid yet (its exposure). A fixed number of queries whatever the data; the lists show
the most urgent rows, the totals count every row."""

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
from sip.payroll.rules import cents

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
    #: The first ``ROWS`` of each list (most urgent first); the totals count them all.
    due: list[Salary]
    outstanding: list[Invoice]
    advances: list[Advance]
    due_count: int = 0
    due_total: Decimal = ZERO
    outstanding_count: int = 0
    outstanding_total: Decimal = ZERO
    overdue_count: int = 0
    exposure: Decimal = ZERO
    advances_count: int = 0


#: How many rows each list shows: the fund's totals are over every row.
ROWS = 100


def fund(today: date, rows: int = ROWS) -> Fund:
    """The fund on ``today``: six queries whatever the number of rows."""
    due = db.session.scalars(
        sa.select(Salary)
        .where(Salary.state == SalaryState.VALIDATED)
        .order_by(Salary.pay_by, Salary.id)
        .limit(rows)
    ).all()
    due_count, due_total = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Salary.net), 0)).where(
            Salary.state == SalaryState.VALIDATED
        )
    ).one()
    unpaid = sa.and_(Invoice.kind == InvoiceKind.INVOICE, Invoice.state == InvoiceState.ISSUED)
    outstanding = db.session.scalars(
        sa.select(Invoice).where(unpaid).order_by(Invoice.due_on, Invoice.id).limit(rows)
    ).all()
    count, total, overdue = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Invoice.total - Invoice.received), 0),
            sa.func.coalesce(sa.func.sum(sa.case((Invoice.due_on < today, 1), else_=0)), 0),
        ).where(unpaid)
    ).one()
    invoice_movement = Movement.kind.in_([MovementKind.INVOICE, MovementKind.CONTRIBUTION])
    out_of_budget = Movement.kind.in_([MovementKind.SALARY, MovementKind.EXPENSE])
    # What the clients paid, less the contribution: an invoice paid in part counts for the
    # part received (a credit note's and a draft's received is 0).
    collected = sa.case(
        (sa.and_(invoice_movement, Invoice.state == InvoiceState.PAID), Movement.amount),
        (
            sa.and_(invoice_movement, Invoice.received > 0),
            Movement.amount * Invoice.received / Invoice.total,
        ),
        else_=0,
    )
    rows_by_activity = db.session.execute(
        sa.select(
            Movement.activity_id,
            sa.func.coalesce(sa.func.sum(sa.case((out_of_budget, -Movement.amount), else_=0)), 0),
            # A part paid is not a whole number of cents. Unscaled, SQLite's float sum is
            # not rounded to the cent before ``cents`` rounds it half up, as PostgreSQL's
            # exact sum is.
            sa.func.coalesce(sa.func.sum(sa.type_coerce(collected, sa.Numeric())), 0),
        )
        .outerjoin(Invoice, Invoice.id == Movement.invoice_id)
        .group_by(Movement.activity_id)
    ).all()
    sums = ((a, cents(s), cents(c)) for a, s, c in rows_by_activity)
    spending = {a: (s, c) for a, s, c in sums if s > c}
    largest = sorted(spending, key=lambda a: spending[a][0] - spending[a][1], reverse=True)
    shown = largest[:rows]
    activities = (
        {a.id: a for a in db.session.scalars(sa.select(Activity).where(Activity.id.in_(shown)))}
        if shown
        else {}
    )
    return Fund(
        due=list(due),
        outstanding=list(outstanding),
        advances=[Advance(activities[a], *spending[a]) for a in shown],
        due_count=due_count,
        due_total=Decimal(due_total),
        outstanding_count=count,
        outstanding_total=Decimal(total),
        overdue_count=int(overdue),
        exposure=sum((s - c for s, c in spending.values()), ZERO),
        advances_count=len(spending),
    )
