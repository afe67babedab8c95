"""The payroll notifications: a payroll officer's decision on a member's declaration,
expense or salary, and a salary paid. Each kind is named as the decision's audit action."""

import contextlib
from datetime import date

from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from sip.notifications import services as notifications
from sip.notifications.models import Channel


def _url(endpoint: str, key: str):
    def url(notification) -> str:
        return url_for(endpoint, **{key: notification.subject_id})

    return url


def _shown(params: dict) -> dict:
    from decimal import InvalidOperation

    from sip.i18n import money

    with contextlib.suppress(KeyError, TypeError, ValueError):
        params["pay_by"] = format_date(date.fromisoformat(params["pay_by"]))
    with contextlib.suppress(KeyError, TypeError, ValueError, InvalidOperation):
        params["net"] = money(params["net"])
    return params


_contract = _url("payroll.contract", "contract_id")
_expense = _url("payroll.expense", "expense_id")
_salary = _url("payroll.salary", "salary_id")

#: (name, message, url, label, default channel): a refusal asks the member to act, and a
#: salary's date matters, so they go by email unless the member chose otherwise.
KINDS = [
    (
        "payroll.contract_validated",
        _l("Your contract with %(client)s is validated: you can invoice it."),
        _contract,
        _l("My contract declaration is validated"),
        Channel.IN_APP,
    ),
    (
        "payroll.contract_returned",
        _l("Your contract declaration with %(client)s is returned to you: %(reason)s"),
        _contract,
        _l("My contract declaration is returned to me"),
        Channel.EMAIL,
    ),
    (
        "payroll.expense_accepted",
        _l("Your expense “%(description)s” is accepted and reimbursed from your budget."),
        _expense,
        _l("My expense is accepted"),
        Channel.IN_APP,
    ),
    (
        "payroll.expense_refused",
        _l("Your expense “%(description)s” is refused: %(reason)s"),
        _expense,
        _l("My expense is refused"),
        Channel.EMAIL,
    ),
    (
        "payroll.salary_validated",
        _l("Your salary from “%(activity)s” is validated: %(net)s euros net, paid by %(pay_by)s."),
        _salary,
        _l("My salary is validated"),
        Channel.EMAIL,
    ),
    (
        "payroll.salary_refused",
        _l("Your salary request from “%(activity)s” is refused: %(reason)s"),
        _salary,
        _l("My salary request is refused"),
        Channel.EMAIL,
    ),
    (
        "payroll.salary_paid",
        _l("Your salary from “%(activity)s” is paid: %(net)s euros net."),
        _salary,
        _l("My salary is paid"),
        Channel.IN_APP,
    ),
]


def register_kinds() -> None:
    for name, message, url, label, default in KINDS:
        notifications.register(
            notifications.Kind(name, message, url, _shown, label=label, default=default)
        )


def params(row, reason: str = "") -> dict:
    """What a decision's message names: the client, the expense or the salary."""
    from sip.payroll.models import Contract, Expense

    if isinstance(row, Contract):
        found = {"client": row.client.name}
    elif isinstance(row, Expense):
        found = {"description": row.description}
    else:
        found = {"activity": row.activity.name, "net": f"{row.net:.2f}"}
        found["pay_by"] = row.pay_by.isoformat()
    return {**found, "reason": reason}
