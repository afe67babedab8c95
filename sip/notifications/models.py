"""A notification: one event for one member, worded in their language when shown."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from sip.db import UTCDateTime, utcnow
from sip.extensions import db


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
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
