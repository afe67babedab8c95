"""Forum categories, threads and posts, with what moderation needs: flags, revisions,
suspensions; and what readers need: follows and read marks.

Search indexes live in migration ``0003`` (SQLite FTS5 table kept by triggers, PostgreSQL
GIN expression indexes) and are queried by ``sip.forum.search``.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.i18n import TranslatedNameMixin
from sip.members.models import Member


class Category(TranslatedNameMixin, db.Model):
    """A general category (admin-managed), or a working group's own (one per group)."""

    __tablename__ = "forum_category"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Set for a working group's category: its name, readers and writers follow the group.
    group_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("working_group.id"), unique=True
    )
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    name_fr: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    name_nl: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    #: Markdown, shown above the category's threads.
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: Only moderators start threads and reply here (announcements).
    moderators_only: so.Mapped[bool] = so.mapped_column(default=False)
    #: Every post here waits for a moderator's approval.
    premoderated: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    group = so.relationship("WorkingGroup", lazy="joined")

    @property
    def name(self) -> str:
        if self.group_id is not None:
            return self.group.name
        return super().name


class ThreadStatus(StrEnum):
    #: The opening post waits for a moderator: only its author and moderators see the thread.
    PENDING = "pending"
    PUBLISHED = "published"
    #: The opening post was rejected: only its author and moderators see why.
    REJECTED = "rejected"
    #: The author deleted the opening post before a moderator approved it.
    WITHDRAWN = "withdrawn"


class Thread(db.Model):
    __tablename__ = "forum_thread"
    __table_args__ = (sa.Index("ix_forum_thread_listing", "category_id", "pinned", "last_post_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forum_category.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    status: so.Mapped[ThreadStatus] = so.mapped_column(
        str_enum(ThreadStatus, 16), default=ThreadStatus.PUBLISHED, index=True
    )
    #: Pinned threads come first in their category.
    pinned: so.Mapped[bool] = so.mapped_column(default=False)
    #: Nobody but moderators may reply to a locked thread.
    locked: so.Mapped[bool] = so.mapped_column(default=False)
    #: Why a moderator locked it, shown on the thread.
    lock_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Time of the newest published post: the list's order and the unread markers.
    last_post_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Published replies, the opening post not counted (kept by ``services.refresh_thread``).
    reply_count: so.Mapped[int] = so.mapped_column(default=0)
    last_poster_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))

    category: so.Mapped[Category] = so.relationship(lazy="joined", innerjoin=True)
    author: so.Mapped[Member] = so.relationship(
        lazy="joined", innerjoin=True, foreign_keys=[author_id]
    )
    last_poster: so.Mapped[Member | None] = so.relationship(
        lazy="selectin", foreign_keys=[last_poster_id]
    )


class PostStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    DELETED = "deleted"


POST_STATUS_LABELS = {
    PostStatus.PENDING: _l("Waiting for a moderator"),
    PostStatus.PUBLISHED: _l("Published"),
    PostStatus.REJECTED: _l("Rejected"),
    PostStatus.HIDDEN: _l("Hidden"),
    PostStatus.DELETED: _l("Deleted"),
}

#: Posts every reader of the thread sees in place (hidden and deleted ones as a notice).
SHOWN_STATUSES = frozenset({PostStatus.PUBLISHED, PostStatus.HIDDEN, PostStatus.DELETED})


class Post(db.Model):
    __tablename__ = "forum_post"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forum_thread.id"), index=True)
    #: The thread's opening post (its title is searched with it).
    is_first: so.Mapped[bool] = so.mapped_column(default=False)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    #: Markdown; reaches a page only through render_markdown.
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[PostStatus] = so.mapped_column(
        str_enum(PostStatus, 16), default=PostStatus.PUBLISHED, index=True
    )
    #: The post this one quotes or answers (same thread).
    reply_to_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("forum_post.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Why a moderator rejected or hid the post: sent to the author, shown in its place.
    moderation_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: None on a hidden post means the flags hid it, waiting for review.
    moderated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    moderated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Unresolved flags by distinct members: the queue and the hiding threshold.
    open_flags: so.Mapped[int] = so.mapped_column(default=0)
    #: When the oldest unresolved flag came (the queue's order).
    flagged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    thread: so.Mapped[Thread] = so.relationship(lazy="joined", innerjoin=True)
    author: so.Mapped[Member] = so.relationship(
        lazy="joined", innerjoin=True, foreign_keys=[author_id]
    )
    reply_to: so.Mapped["Post | None"] = so.relationship(
        remote_side=[id], lazy="raise", foreign_keys=[reply_to_id]
    )

    @property
    def hidden_by_flags(self) -> bool:
        return self.status == PostStatus.HIDDEN and self.moderated_by_id is None


class PostRevision(db.Model):
    """A post's text before an edit: the history moderators read."""

    __tablename__ = "forum_post_revision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forum_post.id"), index=True)
    title: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: When this text was written (the post's creation or a previous edit).
    written_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    replaced_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    replaced_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))

    replaced_by: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class FlagReason(StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Spam"),
    FlagReason.OFFENSIVE: _l("Offensive"),
    FlagReason.OFF_TOPIC: _l("Off-topic"),
    FlagReason.OTHER: _l("Something else"),
}


class FlagResolution(StrEnum):
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Flag(db.Model):
    __tablename__ = "forum_flag"
    __table_args__ = (sa.UniqueConstraint("post_id", "member_id", name="uq_forum_flag_once"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forum_post.id"), index=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    reason: so.Mapped[FlagReason] = so.mapped_column(str_enum(FlagReason, 16))
    #: The flagger's words; required for "other".
    text: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    resolution: so.Mapped[FlagResolution | None] = so.mapped_column(str_enum(FlagResolution, 16))
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))

    member: so.Mapped[Member] = so.relationship(
        lazy="joined", innerjoin=True, foreign_keys=[member_id]
    )


class Subscription(db.Model):
    """A member follows a thread or a category: new posts there notify them."""

    __tablename__ = "forum_subscription"
    __table_args__ = (
        sa.CheckConstraint(
            "(thread_id IS NULL) <> (category_id IS NULL)", name="thread_or_category"
        ),
        sa.UniqueConstraint("member_id", "thread_id", name="uq_forum_subscription_thread"),
        sa.UniqueConstraint("member_id", "category_id", name="uq_forum_subscription_category"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    thread_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("forum_thread.id"), index=True
    )
    category_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("forum_category.id"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class ThreadRead(db.Model):
    """Until when a member has read a thread: newer posts make it unread."""

    __tablename__ = "forum_thread_read"

    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("forum_thread.id"), primary_key=True, index=True
    )
    read_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class PostingSuspension(db.Model):
    """A member may not post in the forum until ``ends_at``, for a reason they are shown."""

    __tablename__ = "forum_suspension"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    lifted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    lifted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))

    member: so.Mapped[Member] = so.relationship(
        lazy="joined", innerjoin=True, foreign_keys=[member_id]
    )
    created_by: so.Mapped[Member] = so.relationship(
        lazy="joined", innerjoin=True, foreign_keys=[created_by_id]
    )
