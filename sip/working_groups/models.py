"""Working groups and what they produce: meetings, documents, recommendations."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.members.models import Member, Office


class GroupState(StrEnum):
    PROPOSED = "proposed"
    FORMING = "forming"
    ACTIVE = "active"
    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    CLOSED = "closed"


#: Allowed moves of a group; services refuse every other (DESIGN.md, "The cycle and its states").
GROUP_TRANSITIONS: dict[GroupState, frozenset[GroupState]] = {
    GroupState.PROPOSED: frozenset({GroupState.FORMING}),
    GroupState.FORMING: frozenset({GroupState.ACTIVE}),
    GroupState.ACTIVE: frozenset({GroupState.DRAFTING}),
    GroupState.DRAFTING: frozenset({GroupState.ACTIVE, GroupState.SUBMITTED}),
    GroupState.SUBMITTED: frozenset({GroupState.CLOSED}),
    GroupState.CLOSED: frozenset(),
}

GROUP_STATE_LABELS = {
    GroupState.PROPOSED: _l("Proposed"),
    GroupState.FORMING: _l("Forming"),
    GroupState.ACTIVE: _l("Active"),
    GroupState.DRAFTING: _l("Drafting"),
    GroupState.SUBMITTED: _l("Submitted"),
    GroupState.CLOSED: _l("Closed"),
}

#: States in which the composition rules must hold.
COMPOSED_STATES = frozenset({GroupState.ACTIVE, GroupState.DRAFTING, GroupState.SUBMITTED})
#: States in which members may ask to join.
OPEN_STATES = frozenset({GroupState.FORMING, GroupState.ACTIVE, GroupState.DRAFTING})
#: States in which everything of the group is public.
PUBLIC_STATES = frozenset({GroupState.SUBMITTED, GroupState.CLOSED})


class GroupRole(StrEnum):
    MODERATOR = "moderator"
    BOARD = "board"
    COMMUNITY = "community"
    EXPERT = "expert"


GROUP_ROLE_LABELS = {
    GroupRole.MODERATOR: _l("Moderator"),
    GroupRole.BOARD: _l("Board members"),
    GroupRole.COMMUNITY: _l("Community members"),
    GroupRole.EXPERT: _l("Experts"),
}


class MembershipStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"


class WorkingGroup(db.Model):
    __tablename__ = "working_group"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    cycle_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cycle.id"), index=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topic.id"), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: The question the group must answer (Markdown).
    mandate: so.Mapped[str] = so.mapped_column(sa.Text)
    deadline: so.Mapped[date]
    state: so.Mapped[GroupState] = so.mapped_column(
        str_enum(GroupState, 16), default=GroupState.PROPOSED, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    cycle = so.relationship("Cycle", lazy="joined")
    topic = so.relationship("Topic", lazy="select")
    memberships: so.Mapped[list["GroupMembership"]] = so.relationship(
        back_populates="group", lazy="selectin", order_by="GroupMembership.id"
    )

    @property
    def members(self) -> list["GroupMembership"]:
        return [m for m in self.memberships if m.status == MembershipStatus.ACCEPTED]

    def membership_of(self, member) -> "GroupMembership | None":
        member_id = getattr(member, "id", None)
        return next((m for m in self.memberships if m.member_id == member_id), None)

    def role_of(self, member) -> GroupRole | None:
        ms = self.membership_of(member)
        return ms.role if ms is not None and ms.status == MembershipStatus.ACCEPTED else None

    @property
    def moderator(self) -> Member | None:
        return next((m.member for m in self.members if m.role == GroupRole.MODERATOR), None)

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES


class GroupMembership(db.Model):
    """A member's place in a group, from the request to join to leaving."""

    __tablename__ = "group_membership"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "member_id", name="uq_group_membership_once"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("working_group.id"), index=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    role: so.Mapped[GroupRole] = so.mapped_column(str_enum(GroupRole, 16))
    status: so.Mapped[MembershipStatus] = so.mapped_column(str_enum(MembershipStatus, 16))
    #: Why the member wants to join (request) or why the moderator declined.
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    group: so.Mapped[WorkingGroup] = so.relationship(back_populates="memberships")
    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class MeetingKind(StrEnum):
    GROUP = "group"
    SMALL_TALK = "small_talk"


class Meeting(db.Model):
    """A working-group meeting, or a small talk open to the members of an office."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "(kind = 'group' AND group_id IS NOT NULL) OR (kind = 'small_talk' AND office_id IS NOT NULL)",
            name="group_or_office",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[MeetingKind] = so.mapped_column(str_enum(MeetingKind, 16))
    group_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("working_group.id"), index=True
    )
    office_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("office.id"), index=True)
    #: The topic a small talk is about (optional).
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topic.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    online_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    agenda: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    minutes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    organiser_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    group: so.Mapped[WorkingGroup | None] = so.relationship(lazy="selectin")
    office: so.Mapped[Office | None] = so.relationship(lazy="joined")
    topic = so.relationship("Topic", lazy="selectin")
    organiser: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)
    registrations: so.Mapped[list["MeetingRegistration"]] = so.relationship(
        back_populates="meeting", lazy="selectin", order_by="MeetingRegistration.id"
    )


class MeetingRegistration(db.Model):
    __tablename__ = "meeting_registration"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "member_id", name="uq_meeting_registration_once"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting.id"), index=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    registered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Recorded by the organiser after the meeting; None until then.
    attended: so.Mapped[bool | None] = so.mapped_column()

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="registrations")
    member: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class Document(db.Model):
    """A written page of a group; every save is a revision."""

    __tablename__ = "group_document"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("working_group.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    group: so.Mapped[WorkingGroup] = so.relationship(lazy="joined")
    revisions: so.Mapped[list["DocumentRevision"]] = so.relationship(
        back_populates="document", lazy="selectin", order_by="DocumentRevision.number"
    )

    @property
    def current(self) -> "DocumentRevision":
        return self.revisions[-1]


class DocumentRevision(db.Model):
    __tablename__ = "document_revision"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "number", name="uq_document_revision_number"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("group_document.id"))
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    document: so.Mapped[Document] = so.relationship(back_populates="revisions")
    author: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class SpecialistKind(StrEnum):
    EXPERT_OPINION = "expert_opinion"
    STUDY_VISIT = "study_visit"


SPECIALIST_KIND_LABELS = {
    SpecialistKind.EXPERT_OPINION: _l("Expert opinion"),
    SpecialistKind.STUDY_VISIT: _l("Study visit"),
}


class SpecialistRequest(db.Model):
    """A group's request for an expert opinion or a study visit, and what came of it."""

    __tablename__ = "specialist_request"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("working_group.id"), index=True)
    kind: so.Mapped[SpecialistKind] = so.mapped_column(str_enum(SpecialistKind, 16))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Markdown; empty while the request is open.
    outcome: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    outcome_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    requested_by: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class RecommendationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    AMENDED = "amended"
    REJECTED = "rejected"
    RETURNED = "returned"
    ON_AGENDA = "on_agenda"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"
    IN_PROGRESS = "in_progress"
    DONE = "done"


#: DESIGN.md: draft → submitted → (validated | amended | rejected | returned) → on_agenda →
#: (adopted | not_adopted) → in_progress → done. This issue moves draft → submitted; the
#: board, the assembly and the actions move the rest.
RECOMMENDATION_TRANSITIONS: dict[RecommendationState, frozenset[RecommendationState]] = {
    RecommendationState.DRAFT: frozenset({RecommendationState.SUBMITTED}),
    RecommendationState.SUBMITTED: frozenset(
        {
            RecommendationState.VALIDATED,
            RecommendationState.AMENDED,
            RecommendationState.REJECTED,
            RecommendationState.RETURNED,
        }
    ),
    RecommendationState.RETURNED: frozenset({RecommendationState.SUBMITTED}),
    RecommendationState.VALIDATED: frozenset({RecommendationState.ON_AGENDA}),
    RecommendationState.AMENDED: frozenset({RecommendationState.ON_AGENDA}),
    RecommendationState.REJECTED: frozenset(),
    RecommendationState.ON_AGENDA: frozenset(
        {RecommendationState.ADOPTED, RecommendationState.NOT_ADOPTED}
    ),
    RecommendationState.ADOPTED: frozenset({RecommendationState.IN_PROGRESS}),
    RecommendationState.NOT_ADOPTED: frozenset(),
    RecommendationState.IN_PROGRESS: frozenset({RecommendationState.DONE}),
    #: An action reopened: the recommendation is in progress again.
    RecommendationState.DONE: frozenset({RecommendationState.IN_PROGRESS}),
}

RECOMMENDATION_STATE_LABELS = {
    RecommendationState.DRAFT: _l("Draft"),
    RecommendationState.SUBMITTED: _l("Submitted to the board"),
    RecommendationState.VALIDATED: _l("Validated"),
    RecommendationState.AMENDED: _l("Amended"),
    RecommendationState.REJECTED: _l("Rejected"),
    RecommendationState.RETURNED: _l("Returned to the group"),
    RecommendationState.ON_AGENDA: _l("On the assembly's agenda"),
    RecommendationState.ADOPTED: _l("Adopted"),
    RecommendationState.NOT_ADOPTED: _l("Not adopted"),
    RecommendationState.IN_PROGRESS: _l("In progress"),
    RecommendationState.DONE: _l("Done"),
}

#: States in which the group may still edit a recommendation.
EDITABLE_STATES = frozenset({RecommendationState.DRAFT, RecommendationState.RETURNED})


class Recommendation(db.Model):
    __tablename__ = "recommendation"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("working_group.id"), index=True)
    state: so.Mapped[RecommendationState] = so.mapped_column(
        str_enum(RecommendationState, 16), default=RecommendationState.DRAFT, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    group: so.Mapped[WorkingGroup] = so.relationship(lazy="joined")
    versions: so.Mapped[list["RecommendationVersion"]] = so.relationship(
        back_populates="recommendation", lazy="selectin", order_by="RecommendationVersion.number"
    )
    evidence: so.Mapped[list["Evidence"]] = so.relationship(
        back_populates="recommendation", lazy="selectin", order_by="Evidence.id"
    )

    @property
    def current(self) -> "RecommendationVersion":
        return self.versions[-1]

    def version(self, number: int) -> "RecommendationVersion | None":
        return next((v for v in self.versions if v.number == number), None)


class RecommendationVersion(db.Model):
    """Every save of a recommendation: kept forever, compared as diffs."""

    __tablename__ = "recommendation_version"
    __table_args__ = (
        sa.UniqueConstraint("recommendation_id", "number", name="uq_recommendation_version_number"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recommendation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("recommendation.id"))
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    rationale: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Written by the board when it amended the recommendation (not by the group).
    by_board: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    recommendation: so.Mapped[Recommendation] = so.relationship(back_populates="versions")
    author: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)


class Evidence(db.Model):
    """A recommendation's citation of something else in SIP: a generic (kind, id) link.

    Kinds are registered by the features that own the targets (``sip.working_groups.evidence``).
    """

    __tablename__ = "evidence"
    __table_args__ = (
        sa.UniqueConstraint("recommendation_id", "kind", "target_id", name="uq_evidence_once"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recommendation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recommendation.id"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    target_id: so.Mapped[int]
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    added_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    recommendation: so.Mapped[Recommendation] = so.relationship(back_populates="evidence")

    __table_args__ = (
        *__table_args__,
        sa.Index("ix_evidence_target", "kind", "target_id"),
    )
