"""Notifications, each member's choice of how to receive each kind, and the mail outbox.

A notification: one event for one member, worded in their language when shown. How it
reaches them (``Channel``) is chosen per kind by the member (``NotificationPreference``),
else by the kind's default. Mail leaves through ``MailMessage``, an outbox that
``flask --app sip send-mail`` (or an RQ worker) empties, each message once.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db


class Channel(StrEnum):
    """How a member hears of a kind of notification."""

    NONE = "none"
    #: In the notification centre only.
    IN_APP = "in_app"
    #: In the centre, and an email straight away.
    EMAIL = "email"
    #: In the centre, and listed in one email a day.
    DIGEST = "digest"


CHANNEL_LABELS = {
    Channel.NONE: _l("Not at all"),
    Channel.IN_APP: _l("In the app"),
    Channel.EMAIL: _l("In the app and by email at once"),
    Channel.DIGEST: _l("In the app and in a daily email"),
}


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_member_unread", "member_id", "read_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id", ondelete="CASCADE"))
    #: Registered kind (``sip.notifications.kinds``), e.g. ``forum.reply``: its message and link.
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: What the event is about (a table name and id), for the link.
    subject_type: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    subject_id: so.Mapped[int | None] = so.mapped_column()
    #: Values the message is filled with (plain JSON, escaped when shown).
    params: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    #: The member's channel for this kind when it was made (never ``none``: nothing is made).
    channel: so.Mapped[Channel] = so.mapped_column(
        str_enum(Channel, 8), default=Channel.IN_APP, server_default=Channel.IN_APP.value
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class NotificationPreference(db.Model):
    """A member's channel for one kind; no row: the kind's default (``Kind.default``)."""

    __tablename__ = "notification_preference"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    channel: so.Mapped[Channel] = so.mapped_column(str_enum(Channel, 8))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class MailKind(StrEnum):
    #: Rendered when queued (a password reset link): subject and bodies are stored.
    MESSAGE = "message"
    #: One notification by email, rendered when sent.
    NOTIFICATION = "notification"
    #: A member's daily digest, rendered when sent from the notifications it covers.
    DIGEST = "digest"


class MailStatus(StrEnum):
    QUEUED = "queued"
    #: Claimed by one sender; never claimed again (at most once, even after a crash).
    SENDING = "sending"
    SENT = "sent"
    #: Every attempt failed (``MAIL_RETRY_DELAYS``); kept with the last error.
    FAILED = "failed"


class MailMessage(db.Model):
    """One outgoing email, from queued to sent (or failed).

    Notifications and digests are rendered when sent, not when queued: a fan-out to
    thousands is then one ``INSERT ... SELECT`` in the request, with nothing rendered there,
    and each email is worded in the recipient's language of the moment, to their current
    address, from the notification row that already holds everything the message needs.
    Other mail (a password reset) is rendered when queued, because what it says (a one-time
    link) exists only in the request that makes it.
    """

    __tablename__ = "mail_message"
    __table_args__ = (
        sa.Index("ix_mail_message_due", "status", "next_attempt_at"),
        sa.UniqueConstraint("member_id", "digest_day", name="uq_mail_message_digest_once"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[MailKind] = so.mapped_column(str_enum(MailKind, 16))
    #: The recipient when a member (notifications, digests); their address is read at sending.
    member_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    #: The address and language of a message rendered when queued.
    to_address: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    subject: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    body_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The notification an email of kind ``notification`` carries.
    notification_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("notification.id", ondelete="CASCADE"), unique=True
    )
    #: A digest: the local day it is for, and the notifications it lists (made in that span).
    digest_day: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    period_start: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    period_end: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    status: so.Mapped[MailStatus] = so.mapped_column(
        str_enum(MailStatus, 16), default=MailStatus.QUEUED
    )
    #: Attempts so far, counted when a sender claims the message.
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: Not sent before then: now when queued, later after a failure (growing back-off).
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    member = so.relationship("Member")
    notification: so.Mapped[Notification | None] = so.relationship()


class DeliveryMarker(db.Model):
    """A scheduled delivery done once (a day's digests, an assembly's reminder).

    Its key is the primary key: of two passes that race, the second's insert fails and
    it sends nothing.
    """

    __tablename__ = "delivery_marker"

    key: so.Mapped[str] = so.mapped_column(sa.String(120), primary_key=True)
    done_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
