"""The payroll officers' office: every queue, oldest first; requested salaries validated
many at once."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.db import local_today
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
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
from sip.web import render, see_other

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


#: Requested salaries a page of the bulk validation lists.
QUEUE_ROWS = 100


def _requested(day: date | None):
    """The requested salaries, of one guaranteed payment day or all, most urgent first."""
    query = sa.select(Salary).where(Salary.state == SalaryState.REQUESTED)
    if day is not None:
        query = query.where(Salary.pay_by == day)
    return query


def _day_arg(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _totals(query) -> tuple[int, Decimal, Decimal]:
    """How many salaries, their budgets and their net, in one query."""
    sub = query.subquery()
    count, budget, net = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sub.c.budget), 0),
            sa.func.coalesce(sa.func.sum(sub.c.net), 0),
        )
    ).one()
    return count, Decimal(budget), Decimal(net)


@bp.get("/office/salaries")
@require(P.OFFICE)
def salary_queue():
    """The requested salaries, by guaranteed payment day, to validate many at once."""
    day = _day_arg(request.args.get("day"))
    days = db.session.execute(
        sa.select(Salary.pay_by, sa.func.count())
        .where(Salary.state == SalaryState.REQUESTED)
        .group_by(Salary.pay_by)
        .order_by(Salary.pay_by)
    ).all()
    query = _requested(day)
    page = db.paginate(
        query.order_by(Salary.pay_by, Salary.id), per_page=QUEUE_ROWS, error_out=False
    )
    return render(
        "payroll/salary_queue.html",
        day=day,
        days=days,
        page=page,
        totals=_totals(query),
        form=ConfirmForm(),
        today=local_today(),
        **LABELS,
    )


@bp.post("/office/salaries/validate")
@require(P.OFFICE)
def validate_salaries():
    """Validate the salaries chosen (``salary`` boxes), or all of a day, or all requested.

    The first post shows what would be validated (how many, their budgets and net); the
    second, with ``confirm``, validates them and shows which were left, and why.
    """
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    scope = request.form.get("scope")
    day = _day_arg(request.form.get("day"))
    if scope == "selected":
        ids = sorted({i for i in request.form.getlist("salary", type=int) if 0 < i < 2**31})
        query = _requested(None).where(Salary.id.in_(ids))
    elif scope == "day" and day is None:
        abort(400)
    elif scope in ("day", "all"):
        query = _requested(day if scope == "day" else None)
        ids = None
    else:
        abort(400)
    if scope == "selected" and not ids:
        flash(_("Tick the salaries to validate first."), "error")
        return see_other(url_for("payroll.salary_queue", day=day.isoformat() if day else None))
    if not request.form.get("confirm"):
        return render(
            "payroll/salary_validate.html",
            scope=scope,
            day=day,
            ids=ids or [],
            totals=_totals(query),
            form=form,
        )
    chosen = ids if ids is not None else db.session.scalars(query.with_only_columns(Salary.id))
    outcome = services.validate_salaries(current_user, list(chosen))
    db.session.commit()
    return render(
        "payroll/salary_validated.html",
        outcome=outcome,
        net=sum((s.net for s in outcome.validated), Decimal(0)),
        day=day,
        **LABELS,
    )
