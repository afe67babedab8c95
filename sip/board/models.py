"""Board seats: configured per group of colleges, each held by at most one member."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from sip.db import UTCDateTime
from sip.extensions import db
from sip.i18n import TranslatedNameMixin
from sip.members.models import College, Member

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
