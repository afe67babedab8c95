"""Creating and reading notifications, and each member's choice of channel per kind.

Kinds register their message, link and default channel here. Fan-out to many members is
one ``INSERT ... SELECT`` joined with the preferences (a category followed by thousands):
members who chose ``none`` get nothing, and those who chose ``email`` also get a row in
the mail outbox (a second ``INSERT ... SELECT``), sent after the request commits.
"""

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.notifications.kinds import (  # noqa: F401 - the kinds' API, re-exported
    _KINDS,
    DIGEST,
    GROUPS,
    Kind,
    kind_of,
    kinds,
    message,
    read_unsubscribe_token,
    register,
    sections,
    unsubscribe_token,
    url,
)
from sip.notifications.models import (
    Channel,
    MailKind,
    MailMessage,
    MailStatus,
    Notification,
    NotificationPreference,
)

# -- notifying ------------------------------------------------------------------------------


def notify(member_ids, kind: str, subject: Any = None, **params: Any) -> int:
    """Notify each member of ``member_ids`` (ids, or a select of ids) by the channel they
    chose for ``kind``; return how many notifications were made.

    Two statements whatever the number of members: the notifications (``INSERT ... SELECT``
    joined with the preferences, leaving out ``none``), then one outbox row for each of
    them that goes by email. The emails leave once the transaction commits.
    """
    subject_type = getattr(subject, "__tablename__", None)
    subject_id = getattr(subject, "id", None)
    now = utcnow()
    registered = _KINDS.get(kind)
    default = registered.default if registered is not None else Channel.IN_APP
    if isinstance(member_ids, sa.Select):
        ids = member_ids.subquery()
        column = next(iter(ids.c))
    else:
        wanted = [int(i) for i in dict.fromkeys(member_ids)]
        if not wanted:
            return 0
        ids = sa.select(Member.id).where(Member.id.in_(wanted)).subquery()
        column = ids.c.id
    recipients = sa.select(column.label("member_id")).distinct().subquery()
    pref = NotificationPreference
    channel = sa.func.coalesce(pref.channel, sa.literal(default.value, pref.channel.type))
    table = Notification.__table__
    insert = sa.insert(Notification).from_select(
        ["member_id", "kind", "subject_type", "subject_id", "params", "channel", "created_at"],
        sa.select(
            recipients.c.member_id,
            sa.literal(kind),
            sa.literal(subject_type, sa.String),
            sa.literal(subject_id, sa.Integer),
            sa.literal(params, table.c.params.type),
            channel,
            sa.literal(now, table.c.created_at.type),
        )
        .select_from(recipients)
        .outerjoin(pref, sa.and_(pref.member_id == recipients.c.member_id, pref.kind == kind))
        .where(channel != Channel.NONE.value),
    )
    # Core, keeping the driver's row count (SQLAlchemy keeps it for INSERT only if asked).
    result = db.session.connection().execute(insert.execution_options(preserve_rowcount=True))
    count = max(result.rowcount, 0)
    if count:
        _queue_emails(kind, subject_type, subject_id, now)
    return count


def notify_each(kind: str, items: list[tuple[int, Any, dict]]) -> int:
    """One notification of ``kind`` for each (member id, subject, params), each with its
    own subject and message (a batch of decisions, each about its own row), by the channel
    each member chose. A fixed number of statements per thousand items: the members'
    choices, the notifications, then one outbox row for each that goes by email (one
    subject type per call). Returns how many notifications were made."""
    if not items:
        return 0
    registered = _KINDS.get(kind)
    default = registered.default if registered is not None else Channel.IN_APP
    subject_type = getattr(items[0][1], "__tablename__", None)
    now = utcnow()
    made = 0
    for start in range(0, len(items), _BATCH):
        chunk = items[start : start + _BATCH]
        chosen = dict(
            db.session.execute(
                sa.select(NotificationPreference.member_id, NotificationPreference.channel).where(
                    NotificationPreference.kind == kind,
                    NotificationPreference.member_id.in_({m for m, _s, _p in chunk}),
                )
            ).all()
        )
        rows = [
            {
                "member_id": member_id,
                "kind": kind,
                "subject_type": subject_type,
                "subject_id": getattr(subject, "id", None),
                "params": params,
                "channel": chosen.get(member_id, default),
                "created_at": now,
            }
            for member_id, subject, params in chunk
            if chosen.get(member_id, default) != Channel.NONE
        ]
        if rows:
            db.session.execute(sa.insert(Notification), rows)
            made += len(rows)
    if made:
        _queue_emails(kind, subject_type, None, now, any_subject=True)
    return made


#: Rows a statement of ``notify_each`` handles (SQLite takes up to 32,766 parameters).
_BATCH = 1000


def _queue_emails(kind: str, subject_type, subject_id, created_at, any_subject=False) -> None:
    """One outbox row for each notification just made (same kind, subject and instant;
    ``any_subject``: any subject of that type) whose channel is ``email``; rendered and
    sent later (``sip.notifications.outbox``)."""
    from sip.notifications import outbox

    n = Notification
    same_subject = [
        n.subject_type.is_(None) if subject_type is None else n.subject_type == subject_type,
    ]
    if not any_subject:
        same_subject.append(
            n.subject_id.is_(None) if subject_id is None else n.subject_id == subject_id
        )
    table = MailMessage.__table__
    when = sa.literal(created_at, table.c.created_at.type)
    insert = (
        sa.insert(MailMessage)
        .from_select(
            [
                "kind",
                "member_id",
                "notification_id",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
                "last_error",
            ],
            sa.select(
                sa.literal(MailKind.NOTIFICATION.value, table.c.kind.type),
                n.member_id,
                n.id,
                sa.literal(MailStatus.QUEUED.value, table.c.status.type),
                sa.literal(0),
                when,
                when,
                sa.literal(""),
            ).where(
                n.kind == kind,
                n.created_at == created_at,
                n.channel == Channel.EMAIL,
                *same_subject,
                ~sa.exists().where(MailMessage.notification_id == n.id),
            ),
        )
        .returning(MailMessage.id)
    )
    outbox.after_commit_send(db.session.scalars(insert).all())


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


# -- preferences ----------------------------------------------------------------------------


def channels(member_id: int) -> dict[str, Channel]:
    """The member's channel for every registered kind (their choice, else the default)."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.channel).where(
                NotificationPreference.member_id == member_id
            )
        ).all()
    )
    return {k.name: Channel(chosen.get(k.name, k.default)) for k in _KINDS.values()}


def _channel(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise ServiceError(
            _l("“%(value)s” is not a way to be notified. Nothing was changed.", value=value[:40])
        ) from None


def save_preferences(member_id: int, choices: dict[str, str]) -> int:
    """Set the member's channel per kind; return how many changed.

    Every kind and channel is checked before anything is written: one unknown and nothing
    changes. A choice equal to the kind's default removes the member's row, so that they
    follow the default; an unchanged choice writes nothing.
    """
    checked: dict[str, Channel] = {}
    for name, value in choices.items():
        if name not in _KINDS:
            raise ServiceError(
                _l(
                    "“%(kind)s” is not a kind of notification. Nothing was changed.",
                    kind=name[:40],
                )
            )
        checked[name] = _channel(value)
    current = channels(member_id)
    changed = 0
    for name, channel in checked.items():
        if current[name] == channel:
            continue
        _set(member_id, name, channel)
        changed += 1
    return changed


def _set(member_id: int, kind: str, channel: Channel) -> None:
    row = db.session.get(NotificationPreference, (member_id, kind))
    if channel == _KINDS[kind].default:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(NotificationPreference(member_id=member_id, kind=kind, channel=channel))
    else:
        row.channel, row.updated_at = channel, utcnow()
    db.session.flush()


def unsubscribe(token: str) -> list[str]:
    """Stop the emails a link is about: its kind (or every kind in the daily digest) goes
    to ``in_app``, so that the notifications still reach the centre. Returns the kinds
    changed (none when they were not sent by email already)."""
    member, kind = read_unsubscribe_token(token)
    current = channels(member.id)
    mailed = (Channel.EMAIL, Channel.DIGEST)
    if kind == DIGEST:
        names = [name for name, channel in current.items() if channel == Channel.DIGEST]
    else:
        names = [kind] if current[kind] in mailed else []
    for name in names:
        _set(member.id, name, Channel.IN_APP)
    return names
