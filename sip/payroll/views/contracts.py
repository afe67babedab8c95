"""Contracts: declared and corrected by the member, validated or sent back by an officer."""

import sqlalchemy as sa
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.payroll import bp, services
from sip.payroll.forms import (
    ContractForm,
    ReasonForm,
)
from sip.payroll.models import (
    Activity,
    Client,
    Contract,
    ContractState,
    Invoice,
)
from sip.payroll.permissions import PayrollPermission as P
from sip.payroll.permissions import is_officer
from sip.payroll.views.common import LABELS, _decide, _mine, _own, _row
from sip.web import render, run_form


def _contract_form(form: ContractForm) -> ContractForm:
    form.activity.choices = [(a.id, a.name) for a in _mine(Activity)]
    form.client.choices = [(c.id, c.name) for c in _mine(Client)]
    return form


def _contract_values(form: ContractForm) -> dict:
    activity = _row(Activity, form.activity.data)
    client = _row(Client, form.client.data)
    if activity is None or activity.member_id != current_user.id:
        raise ServiceError(_("Choose one of your activities."), "activity")
    if client is None or client.member_id != current_user.id:
        raise ServiceError(_("Choose one of your clients."), "client")
    return {
        "activity": activity,
        "client": client,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "days_worked": form.days_worked.data,
        "description": form.description.data,
        "amount": form.amount.data,
    }


@bp.route("/contracts/new", methods=["GET", "POST"])
@require(P.USE)
def declare():
    """Declare a contract: client, activity, period, days worked, amount excluding VAT."""
    form = _contract_form(ContractForm())
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.declare_contract(current_user, **_contract_values(form)),
            _("The contract is declared: a payroll officer will check it."),
            lambda contract: url_for("payroll.contract", contract_id=contract.id),
        )
        if done:
            return done
    return render(
        "payroll/contract_form.html",
        form=form,
        contract=None,
        status=422 if request.method == "POST" else 200,
    )


@bp.get("/contracts/<int:contract_id>")
@require(P.USE)
def contract(contract_id: int):
    """A contract, its state, its invoices; for an officer, validate or return it.

    :raise 404: for another member's contract.
    """
    return _contract_page(_own(Contract, contract_id))


def _contract_page(item: Contract, status: int = 200, reason_form=None):
    invoices = db.session.scalars(
        sa.select(Invoice).where(Invoice.contract_id == item.id).order_by(Invoice.id)
    ).all()
    return render(
        "payroll/contract.html",
        contract=item,
        invoices=invoices,
        officer=is_officer(current_user),
        mine=item.member_id == current_user.id,
        reason_form=reason_form or ReasonForm(formdata=None),
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@require(P.USE)
def edit_contract(contract_id: int):
    """Correct a returned declaration and declare it again.

    :raise 404: for another member's contract, or one that is not returned.
    """
    item = _own(Contract, contract_id)
    if item.member_id != current_user.id or item.state != ContractState.RETURNED:
        abort(404)
    if request.method == "GET":
        form = _contract_form(
            ContractForm(
                activity=item.activity_id,
                client=item.client_id,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
                days_worked=item.days_worked,
                description=item.description,
                amount=f"{item.amount:.2f}",
            )
        )
    else:
        form = _contract_form(ContractForm())
        done = run_form(
            form,
            lambda: services.redeclare_contract(current_user, item, **_contract_values(form)),
            _("The contract is declared again."),
            url_for("payroll.contract", contract_id=item.id),
        )
        if done:
            return done
    return render(
        "payroll/contract_form.html",
        form=form,
        contract=item,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/contracts/<int:contract_id>/validate")
@require(P.OFFICE)
def validate_contract(contract_id: int):
    item = db.get_or_404(Contract, contract_id)
    return _decide(
        lambda: services.validate_contract(current_user, item),
        _("The contract is validated: the member can invoice it."),
        url_for("payroll.contract", contract_id=item.id),
        lambda **kw: _contract_page(item, **kw),
    )


@bp.post("/contracts/<int:contract_id>/return")
@require(P.OFFICE)
def return_contract(contract_id: int):
    item = db.get_or_404(Contract, contract_id)
    form = ReasonForm()
    return _decide(
        lambda: services.return_contract(current_user, item, form.reason.data),
        _("The declaration is returned to the member with your reason."),
        url_for("payroll.contract", contract_id=item.id),
        lambda **kw: _contract_page(item, **kw),
        form,
    )
