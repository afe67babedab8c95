"""What ``send-mail`` checks on every pass: the daily digests, and the timed notifications
features register (an assembly's advance voting opening or closing soon, a questionnaire
opening on its date).

Each is done once: it first inserts a ``DeliveryMarker`` whose key names it (the day, the
assembly), in the same transaction as its notifications. A second pass, or a second
sender racing this one, fails on that key and sends nothing.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from sip.db import local_zone, utcnow
from sip.extensions import db
from sip.members.models import Member
from sip.notifications.models import (
    Channel,
    DeliveryMarker,
    MailKind,
    MailMessage,
    MailStatus,
    Notification,
)

log = logging.getLogger("sip.mail")

#: Timed notifications: name -> function(now) returning how many notifications it made.
_TASKS: dict[str, Callable[[datetime], int]] = {}

#: Notifications made this close to a digest's run wait for the next one, so that a
#: transaction still open when it runs is not skipped.
DIGEST_MARGIN = timedelta(minutes=1)


def register_task(name: str, task: Callable[[datetime], int]) -> None:
    _TASKS[name] = task


def once(key: str) -> bool:
    """Mark ``key`` as done in this transaction; False if it was done already."""
    if db.session.get(DeliveryMarker, key) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(DeliveryMarker(key=key, done_at=utcnow()))
    except sa.exc.IntegrityError:
        return False
    return True


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Run what is due at ``now``, each task in a transaction of its own; a task that
    fails is logged and tried again on the next pass."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, task in {"digests": queue_digests, **_TASKS}.items():
        try:
            done[name] = task(now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("scheduled notifications: %s failed", name)
    return done


def queue_digests(now: datetime) -> int:
    """Once a day, from ``NOTIFICATIONS_DIGEST_HOUR`` (local time): one email for each
    member with ``digest`` notifications made since their last digest; nobody else.

    Two statements whatever the number of members; the emails are rendered when sent.
    """
    local = now.astimezone(local_zone())
    if local.hour < int(current_app.config["NOTIFICATIONS_DIGEST_HOUR"]):
        return 0
    day = local.date().isoformat()
    if not once(f"digest:{day}"):
        return 0
    cutoff = now - DIGEST_MARGIN
    table = MailMessage.__table__
    previous = (
        sa.select(sa.func.max(MailMessage.period_end))
        .where(MailMessage.member_id == Member.id, MailMessage.kind == MailKind.DIGEST)
        .correlate(Member)
        .scalar_subquery()
    )
    pending = sa.exists().where(
        Notification.member_id == Member.id,
        Notification.channel == Channel.DIGEST,
        Notification.created_at <= cutoff,
        sa.or_(previous.is_(None), Notification.created_at > previous),
    )
    when = sa.literal(utcnow(), table.c.created_at.type)
    insert = (
        sa.insert(MailMessage)
        .from_select(
            [
                "kind",
                "member_id",
                "digest_day",
                "period_start",
                "period_end",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
                "last_error",
            ],
            sa.select(
                sa.literal(MailKind.DIGEST.value, table.c.kind.type),
                Member.id,
                sa.literal(day),
                previous,
                sa.literal(cutoff, table.c.period_end.type),
                sa.literal(MailStatus.QUEUED.value, table.c.status.type),
                sa.literal(0),
                when,
                when,
                sa.literal(""),
            ).where(pending),
        )
        .returning(MailMessage.id)
    )
    ids = db.session.scalars(insert).all()
    log.info("daily digests for %s: %s queued", day, len(ids))
    return len(ids)
