"""The append-only audit log: every state change that matters is written here.

Append-only in three places: no code path updates or deletes an entry (the ORM
refuses it below), and the database refuses it with a trigger (migration
``0001``; PostgreSQL and SQLite alike).
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context, request
from flask_login import current_user

from sip.db import UTCDateTime, utcnow
from sip.extensions import db


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who acted; None for the system or an anonymous visitor.
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    #: Dotted verb, e.g. ``member.approved``, ``role.granted``, ``auth.login_failed``.
    action: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    subject_type: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    subject_id: so.Mapped[int | None] = so.mapped_column()
    #: What changed, as plain JSON values (never rendered as HTML).
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    ip_address: so.Mapped[str | None] = so.mapped_column(sa.String(45))

    #: selectin, not joined: an outer join to member (itself joined to college and office)
    #: makes SQLite scan every member.
    actor = so.relationship("Member", lazy="selectin")

    __table_args__ = (sa.Index("ix_audit_entry_subject", "subject_type", "subject_id"),)


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@sa.event.listens_for(so.Session, "do_orm_execute")
def _refuse_bulk_change(state: so.ORMExecuteState):
    if (state.is_update or state.is_delete) and state.bind_mapper is sa.inspect(AuditEntry):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


def record(
    action: str,
    subject: Any = None,
    *,
    actor: Any = None,
    **details: Any,
) -> AuditEntry:
    """Append one entry; ``actor`` defaults to the logged-in member.

    ``subject`` is any mapped object with an ``id``; its table name is kept as the type.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if subject is not None and getattr(subject, "id", None) is None:
        db.session.flush()
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_type=getattr(subject, "__tablename__", None),
        subject_id=getattr(subject, "id", None),
        details={k: _plain(v) for k, v in details.items()},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def record_many(action: str, entries: list[tuple[Any, dict]], *, actor: Any) -> int:
    """Append one entry per (subject, details), all by ``actor``: a batch of decisions,
    each kept as ``record`` keeps one, in one insert per thousand entries."""
    now = utcnow()
    address = request.remote_addr if has_request_context() else None
    rows = [
        {
            "action": action,
            "actor_id": getattr(actor, "id", None),
            "subject_type": getattr(subject, "__tablename__", None),
            "subject_id": getattr(subject, "id", None),
            "details": {k: _plain(v) for k, v in details.items()},
            "ip_address": address,
            "created_at": now,
        }
        for subject, details in entries
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(sa.insert(AuditEntry), rows[start : start + 1000])
    return len(rows)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
