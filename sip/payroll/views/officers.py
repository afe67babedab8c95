"""The payroll officers' office: every queue, oldest first."""

import sqlalchemy as sa

from sip.access import allowed, require
from sip.db import local_today
from sip.extensions import db
from sip.payroll import bp
from sip.payroll.models import (
    Contract,
    ContractState,
    Expense,
    ExpenseState,
    Invoice,
    InvoiceKind,
    InvoiceState,
    Salary,
    SalaryState,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.views.common import LABELS
from sip.web import render

#: How many rows each queue of the payroll office shows, oldest (or most urgent) first.
OFFICE_ROWS = 50


@bp.get("/office")
@require(P.OFFICE)
def office():
    """What waits for a payroll officer, oldest first: declarations, expenses, salaries to
    validate, and unpaid invoices; each queue shows ``OFFICE_ROWS`` and counts them all."""
    waiting = {
        "declared": (
            sa.select(Contract).where(Contract.state == ContractState.DECLARED),
            (Contract.id,),
        ),
        "expenses": (
            sa.select(Expense).where(Expense.state == ExpenseState.SUBMITTED),
            (Expense.id,),
        ),
        "salaries": (
            sa.select(Salary).where(Salary.state == SalaryState.REQUESTED),
            (Salary.pay_by, Salary.id),
        ),
        "unpaid": (
            sa.select(Invoice).where(
                Invoice.state == InvoiceState.ISSUED, Invoice.kind == InvoiceKind.INVOICE
            ),
            (Invoice.due_on, Invoice.id),
        ),
    }
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()
                for query, _order in waiting.values()
            )
        )
    ).one()
    return render(
        "payroll/office.html",
        **{
            key: db.session.scalars(query.order_by(*order).limit(OFFICE_ROWS)).all()
            for key, (query, order) in waiting.items()
        },
        counts=dict(zip(waiting, counts, strict=True)),
        can_rates=allowed(P.RATES),
        today=local_today(),
        **LABELS,
    )
