"""An action follows an adopted resolution: owner, due date, status, progress and dated
updates. Members follow actions to hear of their updates."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from sip.assembly.models import Resolution
from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.members.models import Member


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


#: planned → in_progress → done, or dropped (with a reason) from either; a dropped action
#: may be taken up again. Services refuse every other change.
ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PLANNED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.DROPPED: frozenset({ActionStatus.PLANNED}),
}

ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: _l("Planned"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.DROPPED: _l("Dropped"),
}

#: Statuses in which an action can still be late.
OPEN_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


class Action(db.Model):
    __tablename__ = "action"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        sa.CheckConstraint("(owner_id IS NULL) <> (owner_team = '')", name="one_owner"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The adopted resolution this action carries out.
    resolution_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("resolution.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Markdown; reaches a page only through render_markdown.
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The owner: a member, or a team named in words (exactly one of the two).
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    owner_team: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    due_on: so.Mapped[date]
    status: so.Mapped[ActionStatus] = so.mapped_column(
        str_enum(ActionStatus, 16), default=ActionStatus.PLANNED, index=True
    )
    #: Percent done, 0 to 100 (100 when done).
    progress: so.Mapped[int] = so.mapped_column(default=0)
    #: Why the action was dropped (required then).
    drop_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    resolution: so.Mapped[Resolution] = so.relationship(lazy="joined", innerjoin=True)
    owner: so.Mapped[Member | None] = so.relationship(foreign_keys=[owner_id], lazy="joined")
    updates: so.Mapped[list["ActionUpdate"]] = so.relationship(
        back_populates="action", lazy="raise", order_by="ActionUpdate.id"
    )

    def overdue(self, today: date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < today

    @property
    def owner_name(self) -> str:
        return self.owner.name if self.owner is not None else self.owner_team


class ActionUpdate(db.Model):
    """A dated report on an action, in Markdown, with the status and progress it set."""

    __tablename__ = "action_update"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The status and progress after this update (a status change is an update too).
    status: so.Mapped[ActionStatus] = so.mapped_column(str_enum(ActionStatus, 16))
    progress: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    action: so.Mapped[Action] = so.relationship(back_populates="updates")
    author: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class ActionFollow(db.Model):
    """A member follows an action: its updates notify them."""

    __tablename__ = "action_follow"

    action_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
