"""A SIP cycle runs through dated phases; members propose and support topics."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.members.models import Member


class Phase(StrEnum):
    UPCOMING = "upcoming"
    CALL_FOR_TOPICS = "call_for_topics"
    WORKING_GROUPS = "working_groups"
    BOARD_REVIEW = "board_review"
    GENERAL_ASSEMBLY = "general_assembly"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"


PHASE_LABELS = {
    Phase.UPCOMING: _l("Not started"),
    Phase.CALL_FOR_TOPICS: _l("Call for topics"),
    Phase.WORKING_GROUPS: _l("Working groups"),
    Phase.BOARD_REVIEW: _l("Board review"),
    Phase.GENERAL_ASSEMBLY: _l("General assembly"),
    Phase.IMPLEMENTATION: _l("Implementation"),
    Phase.CLOSED: _l("Closed"),
}

#: The dated phases, in order; each lasts from its start date to the next one's.
PHASES = (
    Phase.CALL_FOR_TOPICS,
    Phase.WORKING_GROUPS,
    Phase.BOARD_REVIEW,
    Phase.GENERAL_ASSEMBLY,
    Phase.IMPLEMENTATION,
)


class Cycle(db.Model):
    """One yearly round of Smart in Progress, e.g. "SIP 2026"."""

    __tablename__ = "cycle"
    __table_args__ = (
        sa.CheckConstraint(
            "topics_from < groups_from AND groups_from < review_from AND review_from < assembly_from"
            " AND assembly_from < implementation_from AND implementation_from < ends_on",
            name="phases_in_order",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: First day of each phase (Europe/Brussels dates); a phase ends the day before the next.
    topics_from: so.Mapped[date]
    groups_from: so.Mapped[date]
    review_from: so.Mapped[date]
    assembly_from: so.Mapped[date]
    implementation_from: so.Mapped[date]
    #: The day after the implementation phase ends.
    ends_on: so.Mapped[date]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    topics: so.Mapped[list["Topic"]] = so.relationship(back_populates="cycle", lazy="raise")

    def phase_dates(self) -> list[tuple[Phase, date, date]]:
        """(phase, first day, day after the last) for each dated phase."""
        starts = [
            self.topics_from,
            self.groups_from,
            self.review_from,
            self.assembly_from,
            self.implementation_from,
            self.ends_on,
        ]
        return [(p, starts[i], starts[i + 1]) for i, p in enumerate(PHASES)]

    def phase_on(self, day: date) -> Phase:
        if day < self.topics_from:
            return Phase.UPCOMING
        for phase, start, end in self.phase_dates():
            if start <= day < end:
                return phase
        return Phase.CLOSED


class TopicStatus(StrEnum):
    PROPOSED = "proposed"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"


TOPIC_STATUS_LABELS = {
    TopicStatus.PROPOSED: _l("Proposed"),
    TopicStatus.SELECTED: _l("Selected"),
    TopicStatus.NOT_SELECTED: _l("Not selected"),
    TopicStatus.WITHDRAWN: _l("Withdrawn"),
}


class Topic(db.Model):
    """A question a member puts forward for a working group."""

    __tablename__ = "topic"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    cycle_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cycle.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Markdown, rendered through render_markdown.
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    status: so.Mapped[TopicStatus] = so.mapped_column(
        str_enum(TopicStatus, 16), default=TopicStatus.PROPOSED, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Why the board did not select it (shown on the topic).
    decision_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    cycle: so.Mapped[Cycle] = so.relationship(back_populates="topics")
    author: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class TopicSupport(db.Model):
    """One member's support of a topic: at most one per member and topic."""

    __tablename__ = "topic_support"
    __table_args__ = (sa.UniqueConstraint("topic_id", "member_id", name="uq_topic_support_once"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    topic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("topic.id", ondelete="CASCADE"))
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
