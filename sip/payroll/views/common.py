"""What every payroll page shares: the state labels, a row the member may see (else
404), the member's own rows, and an officer's decision with its message."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.payroll.models import (
    CONTRACT_STATE_LABELS,
    EXPENSE_STATE_LABELS,
    INVOICE_STATE_LABELS,
    MOVEMENT_LABELS,
    SALARY_STATE_LABELS,
)
from sip.payroll.permissions import sees
from sip.web import run_form

LABELS = {
    "contract_state_labels": CONTRACT_STATE_LABELS,
    "invoice_state_labels": INVOICE_STATE_LABELS,
    "movement_labels": MOVEMENT_LABELS,
    "salary_state_labels": SALARY_STATE_LABELS,
    "expense_state_labels": EXPENSE_STATE_LABELS,
}


def _own(model, row_id: int):
    """The row, if the member may see it; else 404 (not even whether it exists)."""
    row = db.session.get(model, row_id)
    if row is None or not sees(current_user, row):
        abort(404)
    return row


def _row(model, row_id):
    """The row a form's choice names, or None (no such row, or a number no row has)."""
    if not isinstance(row_id, int) or not 0 < row_id < 2**31:
        return None
    return db.session.get(model, row_id)


def _mine_only(model, row_id: int):
    """The member's own row (an officer sees others' but does not act for them); else 404."""
    row = db.session.get(model, row_id)
    if row is None or row.member_id != current_user.id:
        abort(404)
    return row


def _mine(model) -> list:
    return list(
        db.session.scalars(
            sa.select(model).where(model.member_id == current_user.id).order_by(model.id.desc())
        )
    )


def _decide(call, message: str, target: str, page, form=None):
    """A payroll officer's decision on a row: run it, or show the row's page again (422)."""
    done = run_form(form or ConfirmForm(), call, message, target)
    if done:
        return done
    return page(status=422, **({"reason_form": form} if form is not None else {}))
