"""General assemblies: their rules, documents and agenda of resolutions; proxies and
attendance; and the secret ballot, kept in two tables that nothing links.

- ``AssemblyParticipation`` says who voted on a resolution, acting for whom, and when: its
  primary key (resolution, voter) makes one vote per member and per represented member.
- ``Ballot`` holds the vote: choice, college, weight and the hash of the voter's receipt,
  under a random id, with no timestamp, no member and no foreign key to the participation.
  SQLite stores it without a rowid, in the order of its random ids.
"""

import secrets
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from sip.assembly.rules import Choice, EmptyCollege, QuorumBasis, Scheme
from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.members.models import Member

if TYPE_CHECKING:
    from sip.working_groups.models import Recommendation, RecommendationVersion


class AssemblyKind(StrEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"


class AssemblyState(StrEnum):
    #: Being prepared: rules, documents, agenda.
    DRAFT = "draft"
    #: Members are convened: proxies, attendance and voting follow the dates.
    CONVENED = "convened"
    #: The chair certified the results.
    CERTIFIED = "certified"


class Assembly(db.Model):
    __tablename__ = "assembly"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[AssemblyKind] = so.mapped_column(str_enum(AssemblyKind, 16))
    state: so.Mapped[AssemblyState] = so.mapped_column(
        str_enum(AssemblyState, 16), default=AssemblyState.DRAFT, index=True
    )
    cycle_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cycle.id"))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    online_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    convocation_on: so.Mapped[date]
    #: A second convocation: no quorum.
    second_convocation: so.Mapped[bool] = so.mapped_column(default=False)
    #: Members vote on every resolution from then until the assembly starts.
    advance_voting_from: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Proxies are appointed and accepted until then.
    proxy_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    # -- the rules (from the co-operative's defaults, set per assembly) --------------------
    scheme: so.Mapped[Scheme] = so.mapped_column(str_enum(Scheme, 24))
    #: {college id (as text): weight as text}, for ``college_weighted``.
    college_weights: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    empty_college: so.Mapped[EmptyCollege] = so.mapped_column(str_enum(EmptyCollege, 16))
    abstentions_count: so.Mapped[bool] = so.mapped_column(default=False)
    share_cap: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 4))
    quorum_basis: so.Mapped[QuorumBasis] = so.mapped_column(str_enum(QuorumBasis, 8))
    #: None: no quorum.
    quorum_fraction: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 4))
    proxy_cap: so.Mapped[int] = so.mapped_column(default=1)

    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    convened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    certified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    certified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))

    documents: so.Mapped[list["AssemblyDocument"]] = so.relationship(
        back_populates="assembly",
        lazy="selectin",
        order_by="AssemblyDocument.position",
        cascade="all, delete-orphan",
    )
    resolutions: so.Mapped[list["Resolution"]] = so.relationship(
        back_populates="assembly",
        lazy="selectin",
        order_by="Resolution.position",
        cascade="all, delete-orphan",
    )
    certified_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[certified_by_id])


class DocumentKind(StrEnum):
    TEXT = "text"
    ACCOUNTS = "accounts"
    SURVEY = "survey"


class AssemblyDocument(db.Model):
    __tablename__ = "assembly_document"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assembly_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assembly.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[DocumentKind] = so.mapped_column(str_enum(DocumentKind, 16))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Markdown (texts, accounts).
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: A questionnaire whose results are attached.
    survey_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("survey.id"))
    position: so.Mapped[int] = so.mapped_column(default=0)

    assembly: so.Mapped[Assembly] = so.relationship(back_populates="documents")


class ResolutionKind(StrEnum):
    RECOMMENDATION = "recommendation"
    ORDINARY = "ordinary"
    STATUTE_CHANGE = "statute_change"
    CHANGE_OF_PURPOSE = "change_of_purpose"
    BOARD_ELECTION = "board_election"


class ResolutionState(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    #: A board election: the candidates with the most approvals are elected.
    ELECTED = "elected"


class Resolution(db.Model):
    __tablename__ = "resolution"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assembly_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assembly.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[ResolutionKind] = so.mapped_column(str_enum(ResolutionKind, 24))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: A recommendation's resolution: the recommendation, and the version the board approved.
    recommendation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("recommendation.id"), index=True
    )
    version_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("recommendation_version.id"))
    #: A board election: the seats of this group, and how many are to be filled.
    seat_group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("seat_group.id"))
    seats: so.Mapped[int | None]
    state: so.Mapped[ResolutionState] = so.mapped_column(
        str_enum(ResolutionState, 16), default=ResolutionState.PENDING
    )
    opened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    outcome: so.Mapped[Outcome | None] = so.mapped_column(str_enum(Outcome, 16))
    #: The published result, computed once at the close (results.json; recount compares).
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)

    assembly: so.Mapped[Assembly] = so.relationship(back_populates="resolutions")
    #: Loaded when asked for (results and timelines), not with every ballot.
    recommendation: so.Mapped["Recommendation | None"] = so.relationship()
    version: so.Mapped["RecommendationVersion | None"] = so.relationship()
    candidates: so.Mapped[list["Candidate"]] = so.relationship(
        back_populates="resolution",
        lazy="selectin",
        order_by="Candidate.id",
        cascade="all, delete-orphan",
    )


class Candidate(db.Model):
    __tablename__ = "candidate"
    __table_args__ = (
        sa.UniqueConstraint("resolution_id", "member_id", name="uq_candidate_resolution_member"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    resolution_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("resolution.id", ondelete="CASCADE")
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))

    resolution: so.Mapped[Resolution] = so.relationship(back_populates="candidates")
    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class ProxyState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Proxy(db.Model):
    """A member's appointment of another as proxy for one assembly."""

    __tablename__ = "proxy"
    __table_args__ = (
        # One live appointment per member and assembly, checked by the database too.
        sa.Index(
            "uq_proxy_live_grantor",
            "assembly_id",
            "grantor_id",
            unique=True,
            sqlite_where=sa.text("state IN ('pending', 'accepted')"),
            postgresql_where=sa.text("state IN ('pending', 'accepted')"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assembly_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assembly.id", ondelete="CASCADE"), index=True
    )
    grantor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    state: so.Mapped[ProxyState] = so.mapped_column(
        str_enum(ProxyState, 16), default=ProxyState.PENDING
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    grantor: so.Mapped[Member] = so.relationship(foreign_keys=[grantor_id], lazy="joined")
    holder: so.Mapped[Member] = so.relationship(foreign_keys=[holder_id], lazy="joined")


class AttendanceMode(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class AssemblyAttendance(db.Model):
    __tablename__ = "assembly_attendance"

    assembly_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assembly.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    mode: so.Mapped[AttendanceMode] = so.mapped_column(str_enum(AttendanceMode, 16))
    checked_in_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))


class AssemblyParticipation(db.Model):
    """Who voted on a resolution (``voter_id``: the member whose vote it is), who cast it
    (``acting_id``: the voter, or their proxy) and when. Never which way."""

    __tablename__ = "assembly_participation"

    resolution_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("resolution.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    acting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    cast_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


def new_ballot_id() -> str:
    return secrets.token_hex(16)


class Ballot(db.Model):
    """A secret ballot: which way, the voter's college and weight, and the hash of the
    receipt given to the voter. No member, no time, no sequence."""

    __tablename__ = "ballot"
    __table_args__ = {"sqlite_with_rowid": False}

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True, default=new_ballot_id)
    resolution_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("resolution.id", ondelete="CASCADE"), index=True
    )
    college_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("college.id"))
    #: None for a board election (the approvals are in ``BallotApproval``).
    choice: so.Mapped[Choice | None] = so.mapped_column(str_enum(Choice, 8))
    weight: so.Mapped[int]
    receipt_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)


class BallotApproval(db.Model):
    """A candidate approved on a board election's ballot."""

    __tablename__ = "ballot_approval"
    __table_args__ = {"sqlite_with_rowid": False}

    ballot_id: so.Mapped[str] = so.mapped_column(
        sa.ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True
    )
