"""The board: seats configured per group of colleges, each held by at most one member for
a term; observers; meetings with attendance; decisions on recommendations with named votes."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from sip.board.rules import Choice
from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.i18n import TranslatedNameMixin
from sip.members.models import College, Member

if TYPE_CHECKING:
    from sip.working_groups.models import Recommendation

seat_group_college = sa.Table(
    "seat_group_college",
    db.metadata,
    sa.Column(
        "seat_group_id", sa.ForeignKey("seat_group.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("college_id", sa.ForeignKey("college.id"), primary_key=True),
)


class SeatGroup(TranslatedNameMixin, db.Model):
    """A set of board seats open to members of some colleges (e.g. 12 seats for college A)."""

    __tablename__ = "seat_group"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_fr: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_nl: so.Mapped[str] = so.mapped_column(sa.String(80))
    position: so.Mapped[int] = so.mapped_column(default=0)

    colleges: so.Mapped[list[College]] = so.relationship(
        secondary=seat_group_college, lazy="selectin", order_by=College.position
    )
    seats: so.Mapped[list["BoardSeat"]] = so.relationship(
        back_populates="group",
        lazy="selectin",
        order_by="BoardSeat.number",
        cascade="all, delete-orphan",
    )

    def accepts(self, member: Member) -> bool:
        return any(c.id == member.college_id for c in self.colleges)


class BoardSeat(db.Model):
    __tablename__ = "board_seat"
    __table_args__ = (sa.UniqueConstraint("group_id", "number", name="uq_board_seat_group_number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("seat_group.id", ondelete="CASCADE"))
    #: Seat number within its group, from 1.
    number: so.Mapped[int] = so.mapped_column()
    #: The sitting member; a member holds at most one seat.
    holder_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"), unique=True)
    assigned_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    group: so.Mapped[SeatGroup] = so.relationship(back_populates="seats")
    holder: so.Mapped[Member | None] = so.relationship(lazy="selectin")


class BoardTerm(db.Model):
    """A member's term on a seat: from ``starts_on`` to ``ends_on``; ``ended_on`` when it
    ended (vacated early, or renewed into the next term). Kept forever: the term limit
    counts them."""

    __tablename__ = "board_term"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seat_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("board_seat.id", ondelete="CASCADE"), index=True
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date]
    ended_on: so.Mapped[date | None]

    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class BoardObserver(db.Model):
    """A staff representative attending board meetings without a vote."""

    __tablename__ = "board_observer"

    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    since: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


board_meeting_item = sa.Table(
    "board_meeting_item",
    db.metadata,
    sa.Column(
        "meeting_id", sa.ForeignKey("board_meeting.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("recommendation_id", sa.ForeignKey("recommendation.id"), primary_key=True),
)


class BoardMeeting(db.Model):
    __tablename__ = "board_meeting"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    agenda: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    minutes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The board member chairing; with BOARD_CHAIR_CASTING_VOTE their vote breaks ties.
    chair_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    chair: so.Mapped[Member | None] = so.relationship(foreign_keys=[chair_id], lazy="joined")
    recommendations: so.Mapped[list["Recommendation"]] = so.relationship(
        secondary=board_meeting_item, lazy="selectin", order_by="Recommendation.id"
    )
    attendance: so.Mapped[list["BoardAttendance"]] = so.relationship(
        back_populates="meeting", lazy="selectin", cascade="all, delete-orphan"
    )


class BoardAttendance(db.Model):
    """Who was present: board members (who vote) and observers (who do not)."""

    __tablename__ = "board_attendance"

    meeting_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("board_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    #: Present as an observer, without a vote.
    observer: so.Mapped[bool] = so.mapped_column(default=False)

    meeting: so.Mapped[BoardMeeting] = so.relationship(back_populates="attendance")
    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class DecisionKind(StrEnum):
    VALIDATE = "validate"
    AMEND = "amend"
    REJECT = "reject"
    RETURN = "return"


class BoardDecision(db.Model):
    """A motion on a submitted recommendation, voted in a meeting with quorum. Carried, it
    moves the recommendation; lost, it is kept and the recommendation waits for another."""

    __tablename__ = "board_decision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recommendation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recommendation.id"), index=True
    )
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("board_meeting.id"), index=True)
    kind: so.Mapped[DecisionKind] = so.mapped_column(str_enum(DecisionKind, 16))
    motivation: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The board's version, for an amendment.
    version_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("recommendation_version.id"))
    #: The group's version the board decided on.
    decided_version: so.Mapped[int]
    votes_for: so.Mapped[int]
    votes_against: so.Mapped[int]
    abstentions: so.Mapped[int]
    carried: so.Mapped[bool]
    by_casting_vote: so.Mapped[bool] = so.mapped_column(default=False)
    #: Filled seats and board members present when it was decided (the quorum's figures).
    seats_filled: so.Mapped[int]
    present: so.Mapped[int]
    decided_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    meeting: so.Mapped[BoardMeeting] = so.relationship(lazy="joined", innerjoin=True)
    votes: so.Mapped[list["BoardVote"]] = so.relationship(
        back_populates="decision", lazy="selectin", cascade="all, delete-orphan"
    )


class BoardVote(db.Model):
    """A board member's named vote on a motion."""

    __tablename__ = "board_vote"

    decision_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("board_decision.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    choice: so.Mapped[Choice] = so.mapped_column(str_enum(Choice, 8))

    decision: so.Mapped[BoardDecision] = so.relationship(back_populates="votes")
    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)
