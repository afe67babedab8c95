"""Contracts: declared by the member, validated or sent back by a payroll officer."""

from datetime import date

from flask_babel import lazy_gettext as _l

from sip import audit
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.payroll.models import (
    CONTRACT_STATE_LABELS,
    CONTRACT_TRANSITIONS,
    Activity,
    Client,
    Contract,
    ContractState,
)
from sip.payroll.services.activities import _decided, _locked, _not_own, _reason
from sip.payroll.services.amounts import money


def _contract_values(
    member: Member,
    activity: Activity,
    client: Client,
    starts_on: date | None,
    ends_on: date | None,
    days_worked,
    description: str,
    amount,
) -> dict:
    if activity.member_id != member.id:
        raise ServiceError(_l("Choose one of your activities."), "activity")
    if client.member_id != member.id:
        raise ServiceError(_l("Choose one of your clients."), "client")
    if starts_on is None:
        raise ServiceError(_l("This field is required."), "starts_on")
    if ends_on is None:
        raise ServiceError(_l("This field is required."), "ends_on")
    if ends_on < starts_on:
        raise ServiceError(_l("The period cannot end before it starts."), "ends_on")
    if (ends_on - starts_on).days > 366:
        raise ServiceError(_l("Declare at most a year at a time."), "ends_on")
    try:
        days = int(days_worked)
    except (TypeError, ValueError):
        raise ServiceError(_l("Enter a whole number of days."), "days_worked") from None
    if not 1 <= days <= (ends_on - starts_on).days + 1:
        raise ServiceError(_l("Between 1 and the number of days of the period."), "days_worked")
    description = (description or "").strip()
    if not description:
        raise ServiceError(_l("This field is required."), "description")
    return {
        "activity_id": activity.id,
        "client_id": client.id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "days_worked": days,
        "description": description,
        "amount": money(amount, "amount"),
    }


def declare_contract(
    member: Member,
    *,
    activity: Activity,
    client: Client,
    starts_on: date | None,
    ends_on: date | None,
    days_worked,
    description: str,
    amount,
) -> Contract:
    """A member declares a contract; a payroll officer validates it or returns it."""
    values = _contract_values(
        member, activity, client, starts_on, ends_on, days_worked, description, amount
    )
    contract = Contract(member_id=member.id, **values)
    db.session.add(contract)
    db.session.flush()
    audit.record("payroll.contract_declared", contract, actor=member, amount=contract.amount)
    return contract


def _move_contract(contract: Contract, to: ContractState) -> None:
    if to not in CONTRACT_TRANSITIONS[contract.state]:
        raise ServiceError(
            _l(
                "A contract that is “%(current)s” cannot become “%(target)s”.",
                current=CONTRACT_STATE_LABELS[contract.state],
                target=CONTRACT_STATE_LABELS[to],
            )
        )
    contract.state = to


def redeclare_contract(member: Member, contract: Contract, **values) -> None:
    """Correct a returned declaration and declare it again."""
    if contract.member_id != member.id:
        raise ServiceError(_l("This is not your contract."))
    checked = _contract_values(member, **values)
    _move_contract(_locked(contract), ContractState.DECLARED)
    for key, value in checked.items():
        setattr(contract, key, value)
    audit.record("payroll.contract_declared", contract, actor=member, amount=contract.amount)


def validate_contract(officer: Member, contract: Contract) -> None:
    _not_own(officer, contract)
    _move_contract(_locked(contract), ContractState.VALIDATED)
    _decided(contract, officer, ContractState.VALIDATED, "payroll.contract_validated")


def return_contract(officer: Member, contract: Contract, reason: str) -> None:
    _not_own(officer, contract)
    reason = _reason(reason, _l("Say why the declaration is returned."))
    _move_contract(_locked(contract), ContractState.RETURNED)
    _decided(contract, officer, ContractState.RETURNED, "payroll.contract_returned", reason)
