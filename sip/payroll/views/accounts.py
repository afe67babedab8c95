"""A member's payroll home: their activities with their budget account, and their clients."""

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.extensions import db
from sip.payroll import bp, services
from sip.payroll.forms import (
    ActivityForm,
    ClientForm,
)
from sip.payroll.models import (
    Activity,
    Client,
    Contract,
    Expense,
    Invoice,
    Movement,
    Salary,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.views.common import LABELS, _mine, _own
from sip.web import render, run_form, see_other


@bp.get("/")
@require(P.USE)
def index():
    """The member's activities with their budgets, contracts and invoices."""
    activities = _mine(Activity)
    balances = dict(
        db.session.execute(
            sa.select(Movement.activity_id, sa.func.sum(Movement.amount))
            .where(Movement.activity_id.in_([a.id for a in activities]))
            .group_by(Movement.activity_id)
        ).all()
    )
    return render(
        "payroll/index.html",
        activities=activities,
        balances=balances,
        contracts=_mine(Contract),
        invoices=_mine(Invoice),
        expenses=_mine(Expense),
        salaries=_mine(Salary),
        form=ActivityForm(formdata=None),
        **LABELS,
    )


@bp.post("/activities")
@require(P.USE)
def create_activity():
    form = ActivityForm()
    done = run_form(
        form,
        lambda: services.create_activity(
            current_user, name=form.name.data, description=form.description.data or ""
        ),
        _("The activity is created."),
        lambda activity: url_for("payroll.activity", activity_id=activity.id),
    )
    return done or see_other(url_for("payroll.index"))


@bp.get("/activities/<int:activity_id>")
@require(P.USE)
def activity(activity_id: int):
    """An activity's budget account: every movement, its running balance.

    :raise 404: for another member's activity.
    """
    item = _own(Activity, activity_id)
    movements = db.session.scalars(
        sa.select(Movement)
        .where(Movement.activity_id == item.id)
        .order_by(Movement.occurred_on, Movement.id)
    ).all()
    running, total = [], 0
    for m in movements:
        total += m.amount
        running.append((m, total))
    return render(
        "payroll/activity.html",
        activity=item,
        movements=running,
        balance=total,
        available=services.available(item),
        **LABELS,
    )


@bp.route("/clients", methods=["GET", "POST"])
@require(P.USE)
def clients():
    """The member's clients, and a form to add one (the VAT number is checked)."""
    form = ClientForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.create_client(
                current_user,
                name=form.name.data,
                address=form.address.data or "",
                country=form.country.data or "BE",
                vat_number=form.vat_number.data or "",
            ),
            _("The client is added."),
            url_for("payroll.clients"),
        )
        if done:
            return done
    return render(
        "payroll/clients.html",
        clients=_mine(Client),
        form=form,
        status=422 if request.method == "POST" else 200,
    )
