"""Creating and reading notifications. Kinds register their message and link here.

Fan-out to many members is one ``INSERT ... SELECT`` (a category followed by thousands).
Issue 8 adds preferences per kind and email delivery on top of this.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString

from sip.db import utcnow
from sip.extensions import db
from sip.notifications.models import Notification


@dataclass(frozen=True)
class Kind:
    name: str
    #: The message, with ``%(name)s`` placeholders filled from the notification's params.
    message: LazyString | str
    #: notification -> the URL it leads to.
    url: Callable[[Notification], str]
    #: params -> params as shown (dates formatted in the reader's language and time zone).
    shown: Callable[[dict], dict] | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def message(notification: Notification) -> str:
    kind = _KINDS.get(notification.kind)
    if kind is None:
        return notification.kind
    params = dict(notification.params or {})
    if kind.shown is not None:
        params = kind.shown(params)
    try:
        return str(kind.message) % params
    except (KeyError, TypeError, ValueError):
        return str(kind.message)


def url(notification: Notification) -> str | None:
    kind = _KINDS.get(notification.kind)
    return kind.url(notification) if kind else None


def notify(member_ids, kind: str, subject: Any = None, **params: Any) -> int:
    """Notify each member of ``member_ids`` (ids, or a select of ids); return how many rows."""
    subject_type = getattr(subject, "__tablename__", None)
    subject_id = getattr(subject, "id", None)
    now = utcnow()
    if isinstance(member_ids, sa.Select):
        ids = member_ids.subquery()
        column = next(iter(ids.c))
        insert = sa.insert(Notification).from_select(
            ["member_id", "kind", "subject_type", "subject_id", "params", "created_at"],
            sa.select(
                column,
                sa.literal(kind),
                sa.literal(subject_type, sa.String),
                sa.literal(subject_id, sa.Integer),
                sa.literal(params, Notification.__table__.c.params.type),
                sa.literal(now, Notification.__table__.c.created_at.type),
            ),
        )
        return db.session.execute(insert).rowcount or 0
    rows = [
        Notification(
            member_id=member_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            params=params,
            created_at=now,
        )
        for member_id in dict.fromkeys(member_ids)
    ]
    db.session.add_all(rows)
    return len(rows)


def unread_count(member) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.member_id == member.id, Notification.read_at.is_(None))
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(member) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.member_id == member.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
