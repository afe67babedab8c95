"""Every change to working groups, meetings, documents and recommendations, audited.

Composition rules (config ``WG_*``) are checked when a group is activated and on
every membership change while it is active, drafting or submitted.
"""

from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from sip import audit, events
from sip.cycles import services as cycles
from sip.cycles.models import Phase, Topic, TopicStatus
from sip.cycles.services import require_phase
from sip.db import local_today, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.facts import eligible_moderator, is_board_member
from sip.members.models import Member, MemberStatus, Office, Role
from sip.notifications.services import notify
from sip.working_groups.models import (
    COMPOSED_STATES,
    EDITABLE_STATES,
    GROUP_STATE_LABELS,
    GROUP_TRANSITIONS,
    OPEN_STATES,
    RECOMMENDATION_STATE_LABELS,
    RECOMMENDATION_TRANSITIONS,
    Document,
    DocumentRevision,
    Evidence,
    GroupMembership,
    GroupRole,
    GroupState,
    Meeting,
    MeetingKind,
    MeetingRegistration,
    MembershipStatus,
    Recommendation,
    RecommendationState,
    RecommendationVersion,
    SpecialistKind,
    SpecialistRequest,
    WorkingGroup,
)

#: Phases of the cycle in which groups form and write: a group may be selected during the call.
WORKING_PHASES = (Phase.CALL_FOR_TOPICS, Phase.WORKING_GROUPS)

# -- groups and their composition ----------------------------------------------------------


def select_topic(
    topic: Topic,
    actor: Member,
    *,
    name: str,
    mandate: str,
    deadline: date,
    moderator: Member | None,
):
    """The board selects a topic: it becomes a working group with a mandate, a deadline
    and its moderator (a permanent employee with the moderator role). Here, not in
    ``sip.cycles``: groups build on cycles, never the other way round."""
    cycles.require_phase(topic.cycle, Phase.CALL_FOR_TOPICS, Phase.WORKING_GROUPS)
    if topic.status != TopicStatus.PROPOSED:
        raise ServiceError(_l("Only proposed topics can be selected."))
    limit = current_app.config["WG_MAX_GROUPS_PER_CYCLE"]
    if limit and cycles.selected_count(topic.cycle) >= limit:
        raise ServiceError(
            _l("This cycle has %(n)d working groups already, the most it may have.", n=limit)
        )
    if deadline <= local_today():
        raise ServiceError(_l("The deadline must be in the future."), "deadline")
    if not eligible_moderator(moderator):
        raise ServiceError(
            _l("The moderator must be an active permanent employee with the moderator role."),
            "moderator",
        )
    topic.status = TopicStatus.SELECTED
    audit.record("topic.selected", topic, actor=actor, title=topic.title)
    return create_group(
        topic.cycle,
        actor,
        topic=topic,
        name=name,
        mandate=mandate,
        deadline=deadline,
        moderator=moderator,
    )


def create_group(
    cycle, actor: Member, *, topic, name: str, mandate: str, deadline: date, moderator: Member
):
    group = WorkingGroup(
        cycle_id=cycle.id, topic=topic, name=name, mandate=mandate, deadline=deadline
    )
    db.session.add(group)
    group.memberships.append(
        GroupMembership(
            member=moderator,
            role=GroupRole.MODERATOR,
            status=MembershipStatus.ACCEPTED,
            decided_at=utcnow(),
        )
    )
    db.session.flush()
    audit.record("group.created", group, actor=actor, name=name, moderator_id=moderator.id)
    events.group_created.send(group)  # the forum opens the group's category
    return group


def composition_problems(group: WorkingGroup, members: list[GroupMembership] | None = None) -> list:
    """The composition rules this group (or this list of members) does not meet, in words."""
    cfg = current_app.config
    members = group.members if members is None else members
    moderators = [m for m in members if m.role == GroupRole.MODERATOR]
    board = [m for m in members if m.role == GroupRole.BOARD and is_board_member(m.member)]
    community = [m for m in members if m.role == GroupRole.COMMUNITY]
    problems = []
    if len(moderators) != cfg["WG_MODERATORS"]:
        problems.append(
            _l(
                "The group needs exactly %(n)d moderator (it has %(has)d).",
                n=cfg["WG_MODERATORS"],
                has=len(moderators),
            )
        )
    elif not all(eligible_moderator(m.member) for m in moderators):
        problems.append(_l("The moderator must be a permanent employee with the moderator role."))
    if len(board) < cfg["WG_MIN_BOARD_MEMBERS"]:
        problems.append(
            _l(
                "The group needs at least %(n)d board members (it has %(has)d).",
                n=cfg["WG_MIN_BOARD_MEMBERS"],
                has=len(board),
            )
        )
    if len(community) < cfg["WG_MIN_COMMUNITY_MEMBERS"]:
        problems.append(
            _l(
                "The group needs at least %(n)d community members (it has %(has)d).",
                n=cfg["WG_MIN_COMMUNITY_MEMBERS"],
                has=len(community),
            )
        )
    return problems


def _refuse_if_breaks_composition(group: WorkingGroup, without: GroupMembership) -> None:
    if group.state not in COMPOSED_STATES:
        return
    remaining = [m for m in group.members if m.id != without.id]
    problems = composition_problems(group, remaining)
    if problems:
        raise ServiceError(
            _l(
                "Refused: without this member, %(problems)s",
                problems=" ".join(str(p) for p in problems),
            )
        )


def groups_needing(member: Member, *, as_board_member: bool) -> list[WorkingGroup]:
    """Groups whose composition rules need this member (as moderator, or as a board member)."""
    role = GroupRole.BOARD if as_board_member else GroupRole.MODERATOR
    memberships = db.session.scalars(
        sa.select(GroupMembership)
        .join(WorkingGroup, WorkingGroup.id == GroupMembership.group_id)
        .where(
            GroupMembership.member_id == member.id,
            GroupMembership.status == MembershipStatus.ACCEPTED,
            GroupMembership.role == role,
            WorkingGroup.state.in_(COMPOSED_STATES),
        )
    ).all()
    needed = []
    for ms in memberships:
        remaining = [m for m in ms.group.members if m.id != ms.id]
        if composition_problems(ms.group, remaining):
            needed.append(ms.group)
    return needed


def transition(group: WorkingGroup, to: GroupState, actor: Member) -> None:
    """Move a group along its transition table; activation checks the composition,
    submission submits the group's recommendations to the board."""
    if to not in GROUP_TRANSITIONS[group.state]:
        raise ServiceError(
            _l(
                "A group that is “%(current)s” cannot become “%(target)s”.",
                current=GROUP_STATE_LABELS[group.state],
                target=GROUP_STATE_LABELS[to],
            )
        )
    if to == GroupState.ACTIVE and group.state == GroupState.FORMING:
        problems = composition_problems(group)
        if problems:
            raise ServiceError(
                _l(
                    "The group cannot be activated: %(problems)s",
                    problems=" ".join(str(p) for p in problems),
                )
            )
    if to == GroupState.SUBMITTED:
        require_phase(group.cycle, *WORKING_PHASES, Phase.BOARD_REVIEW)
        _submit_recommendations(group, actor)
    before = group.state
    group.state = to
    audit.record("group.state_changed", group, actor=actor, before=before, after=to)


def update_group(
    group: WorkingGroup, actor: Member, *, name: str, mandate: str, deadline: date
) -> None:
    if group.state in (GroupState.SUBMITTED, GroupState.CLOSED):
        raise ServiceError(_l("A submitted or closed group can no longer change its mandate."))
    if deadline != group.deadline and deadline <= local_today():
        raise ServiceError(_l("The deadline must be in the future."), "deadline")
    group.name, group.mandate, group.deadline = name, mandate, deadline
    audit.record("group.updated", group, actor=actor, name=name, deadline=deadline.isoformat())


def request_to_join(group: WorkingGroup, member: Member, message: str = "") -> GroupMembership:
    """A member asks to join; the moderator accepts or declines."""
    if group.state not in OPEN_STATES:
        raise ServiceError(_l("This group does not take new members now."))
    require_phase(group.cycle, *WORKING_PHASES)
    existing = group.membership_of(member)
    if existing is not None and existing.status == MembershipStatus.ACCEPTED:
        raise ServiceError(_l("You are already a member of this group."))
    if existing is not None and existing.status == MembershipStatus.REQUESTED:
        raise ServiceError(_l("You have already asked to join this group."))
    role = GroupRole.BOARD if is_board_member(member) else GroupRole.COMMUNITY
    if existing is None:
        existing = GroupMembership(member=member, role=role)
        group.memberships.append(existing)
    existing.role, existing.status, existing.message = role, MembershipStatus.REQUESTED, message
    existing.reason, existing.requested_at, existing.decided_at = "", utcnow(), None
    db.session.flush()
    audit.record("group.join_requested", group, actor=member, membership_id=existing.id)
    return existing


def accept_request(membership: GroupMembership, actor: Member) -> None:
    if membership.status != MembershipStatus.REQUESTED:
        raise ServiceError(_l("This request has already been answered."))
    if membership.member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Only active members can join a group."))
    membership.status, membership.decided_at = MembershipStatus.ACCEPTED, utcnow()
    audit.record(
        "group.member_accepted",
        membership.group,
        actor=actor,
        member_id=membership.member_id,
        role=membership.role,
    )
    notify(
        [membership.member_id], "group.join_accepted", membership.group, group=membership.group.name
    )


def decline_request(membership: GroupMembership, actor: Member, reason: str) -> None:
    if membership.status != MembershipStatus.REQUESTED:
        raise ServiceError(_l("This request has already been answered."))
    if not reason.strip():
        raise ServiceError(_l("Say why the request is declined."), "reason")
    membership.status, membership.reason, membership.decided_at = (
        MembershipStatus.DECLINED,
        reason,
        utcnow(),
    )
    audit.record(
        "group.member_declined",
        membership.group,
        actor=actor,
        member_id=membership.member_id,
        reason=reason,
    )
    notify(
        [membership.member_id],
        "group.join_declined",
        membership.group,
        group=membership.group.name,
        reason=reason,
    )


def invite_expert(group: WorkingGroup, member: Member, actor: Member) -> None:
    """Experts are invited by the moderator; they see only this group."""
    if member.status != MemberStatus.ACTIVE or Role.EXPERT not in member.roles:
        raise ServiceError(
            _l("Only active accounts with the expert role can be invited as experts."), "email"
        )
    if group.state not in OPEN_STATES:
        raise ServiceError(_l("This group does not take new members now."))
    existing = group.membership_of(member)
    if existing is not None and existing.status == MembershipStatus.ACCEPTED:
        raise ServiceError(_l("This person is already a member of the group."), "email")
    if existing is None:
        existing = GroupMembership(member=member, role=GroupRole.EXPERT)
        group.memberships.append(existing)
    existing.role, existing.status, existing.decided_at = (
        GroupRole.EXPERT,
        MembershipStatus.ACCEPTED,
        utcnow(),
    )
    db.session.flush()
    audit.record("group.expert_invited", group, actor=actor, member_id=member.id)


def remove_member(membership: GroupMembership, actor: Member) -> None:
    """Remove a member (or leave); refused when the group would break its composition rules."""
    if membership.status != MembershipStatus.ACCEPTED:
        raise ServiceError(_l("This person is not a member of the group."))
    group = membership.group
    if membership.role == GroupRole.MODERATOR and group.state not in (GroupState.PROPOSED,):
        raise ServiceError(
            _l("The moderator cannot leave the group: an admin appoints another one first.")
        )
    _refuse_if_breaks_composition(group, membership)
    membership.status, membership.decided_at = MembershipStatus.LEFT, utcnow()
    action = "group.member_left" if actor.id == membership.member_id else "group.member_removed"
    audit.record(action, group, actor=actor, member_id=membership.member_id)


def appoint_moderator(group: WorkingGroup, member: Member, actor: Member) -> None:
    """An admin hands the group to another moderator; the previous one stays as a community member."""
    if not eligible_moderator(member):
        raise ServiceError(
            _l("The moderator must be an active permanent employee with the moderator role."),
            "email",
        )
    if group.moderator is not None and group.moderator.id == member.id:
        raise ServiceError(_l("This person is already the group's moderator."), "email")
    for ms in group.members:
        if ms.role == GroupRole.MODERATOR:
            ms.role = GroupRole.COMMUNITY
    ms = group.membership_of(member)
    if ms is None:
        ms = GroupMembership(member=member, role=GroupRole.MODERATOR)
        group.memberships.append(ms)
    ms.role, ms.status, ms.decided_at = GroupRole.MODERATOR, MembershipStatus.ACCEPTED, utcnow()
    if group.state in COMPOSED_STATES:
        problems = composition_problems(group)
        if problems:
            raise ServiceError(
                _l(
                    "Refused: with this change, %(problems)s",
                    problems=" ".join(str(p) for p in problems),
                ),
                "email",
            )
    db.session.flush()
    audit.record("group.moderator_appointed", group, actor=actor, member_id=member.id)


# -- meetings and small talks --------------------------------------------------------------


def _check_meeting(starts_at: datetime, ends_at: datetime, place: str, online_url: str) -> None:
    if ends_at <= starts_at:
        raise ServiceError(_l("The meeting must end after it starts."), "ends_at")
    if not place.strip() and not online_url.strip():
        raise ServiceError(_l("Give a place, an online link, or both."), "place")
    if online_url and urlsplit(online_url).scheme.lower() not in ("http", "https"):
        raise ServiceError(_l("Enter a full web address, starting with https://"), "online_url")


def schedule_meeting(
    actor: Member,
    *,
    group: WorkingGroup | None = None,
    office: Office | None = None,
    topic=None,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_url: str = "",
    agenda: str = "",
) -> Meeting:
    """A group meeting (group given) or a small talk in an office (office given)."""
    _check_meeting(starts_at, ends_at, place, online_url)
    if group is not None and group.state == GroupState.CLOSED:
        raise ServiceError(_l("A closed group holds no more meetings."))
    kind = MeetingKind.GROUP if group is not None else MeetingKind.SMALL_TALK
    meeting = Meeting(
        kind=kind,
        group=group,
        office=office,
        topic=topic,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_url=online_url,
        agenda=agenda,
        organiser=actor,
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "meeting.scheduled",
        meeting,
        actor=actor,
        kind=kind,
        title=title,
        starts_at=starts_at.isoformat(),
    )
    if meeting.ends_at > utcnow():
        _tell_about_meeting(meeting, actor, "group.meeting_scheduled")
    return meeting


#: What members are told again about when it changes.
MEETING_NOTICE_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url")


def update_meeting(meeting: Meeting, actor: Member, **values) -> None:
    """Change a meeting; its group's members (or the office's, for a small talk) and those
    registered are told when its title, time, place or link changed and it is still ahead."""
    _check_meeting(values["starts_at"], values["ends_at"], values["place"], values["online_url"])
    before = {key: getattr(meeting, key) for key in MEETING_NOTICE_FIELDS}
    for key, value in values.items():
        setattr(meeting, key, value)
    audit.record("meeting.updated", meeting, actor=actor, starts_at=values["starts_at"].isoformat())
    changed = any(getattr(meeting, key) != before[key] for key in MEETING_NOTICE_FIELDS)
    if changed and meeting.ends_at > utcnow():
        _tell_about_meeting(meeting, actor, "group.meeting_changed", registered=True)


def _tell_about_meeting(meeting: Meeting, actor: Member, kind: str, registered: bool = False):
    """Notify the group's members, or the active members of the small talk's office (and,
    if ``registered``, whoever registered), except the organiser who made the change."""
    if meeting.group_id is not None:
        audience = sa.select(GroupMembership.member_id).where(
            GroupMembership.group_id == meeting.group_id,
            GroupMembership.status == MembershipStatus.ACCEPTED,
            GroupMembership.member_id != actor.id,
        )
    else:
        audience = sa.select(Member.id).where(
            Member.office_id == meeting.office_id,
            Member.status == MemberStatus.ACTIVE,
            Member.id != actor.id,
        )
    if registered:
        audience = sa.union(
            audience,
            sa.select(MeetingRegistration.member_id).where(
                MeetingRegistration.meeting_id == meeting.id,
                MeetingRegistration.member_id != actor.id,
            ),
        )
        audience = sa.select(audience.subquery().c[0])
    office = meeting.office
    notify(
        audience,
        kind,
        meeting,
        title=meeting.title,
        starts=meeting.starts_at.isoformat(),
        group=meeting.group.name if meeting.group is not None else None,
        office=(
            {"en": office.name_en, "fr": office.name_fr, "nl": office.name_nl}
            if office is not None
            else None
        ),
    )


def register(meeting: Meeting, member: Member) -> None:
    if meeting.starts_at <= utcnow():
        raise ServiceError(_l("This meeting has started: registration is closed."))
    if any(r.member_id == member.id for r in meeting.registrations):
        raise ServiceError(_l("You are already registered."))
    meeting.registrations.append(MeetingRegistration(member=member))
    audit.record("meeting.registered", meeting, actor=member)


def unregister(meeting: Meeting, member: Member) -> None:
    registration = next((r for r in meeting.registrations if r.member_id == member.id), None)
    if registration is None:
        raise ServiceError(_l("You are not registered."))
    if meeting.starts_at <= utcnow():
        raise ServiceError(_l("This meeting has started: registration is closed."))
    meeting.registrations.remove(registration)
    db.session.delete(registration)
    audit.record("meeting.unregistered", meeting, actor=member)


def attendance_candidates(meeting: Meeting) -> list[Member]:
    """Who may be marked present: the registered, and the group's members."""
    people = {r.member_id: r.member for r in meeting.registrations}
    if meeting.group is not None:
        for ms in meeting.group.members:
            people.setdefault(ms.member_id, ms.member)
    return sorted(people.values(), key=lambda m: m.name)


def record_minutes(meeting: Meeting, actor: Member, *, minutes: str, present_ids: set[int]) -> None:
    """After the meeting, its organiser records who was there and the minutes."""
    if meeting.starts_at > utcnow():
        raise ServiceError(_l("Minutes and attendance are recorded once the meeting has started."))
    candidates = {m.id: m for m in attendance_candidates(meeting)}
    unknown = present_ids - set(candidates)
    if unknown:
        raise ServiceError(_l("Only registered people and group members can be marked present."))
    registered = {r.member_id: r for r in meeting.registrations}
    for member_id, member in candidates.items():
        present = member_id in present_ids
        if member_id in registered:
            registered[member_id].attended = present
        elif present:
            meeting.registrations.append(MeetingRegistration(member=member, attended=True))
    meeting.minutes = minutes
    audit.record("meeting.minutes_recorded", meeting, actor=actor, present=sorted(present_ids))


# -- documents and requests for specialists ------------------------------------------------


def _refuse_if_closed(group: WorkingGroup) -> None:
    if group.state in (GroupState.SUBMITTED, GroupState.CLOSED):
        raise ServiceError(_l("The group has submitted its work: its documents no longer change."))


def create_document(group: WorkingGroup, actor: Member, *, title: str, body: str) -> Document:
    _refuse_if_closed(group)
    document = Document(group=group)
    document.revisions.append(DocumentRevision(number=1, title=title, body=body, author=actor))
    db.session.add(document)
    db.session.flush()
    audit.record("document.created", document, actor=actor, group_id=group.id, title=title)
    return document


def edit_document(
    document: Document, actor: Member, *, title: str, body: str
) -> DocumentRevision | None:
    """Every save that changes something is a new revision; the others are kept."""
    _refuse_if_closed(document.group)
    current = document.current
    if (title, body) == (current.title, current.body):
        return None
    revision = DocumentRevision(number=current.number + 1, title=title, body=body, author=actor)
    document.revisions.append(revision)
    audit.record("document.revised", document, actor=actor, revision=revision.number)
    return revision


def request_specialist(
    group: WorkingGroup, actor: Member, *, kind: SpecialistKind, description: str
):
    _refuse_if_closed(group)
    request = SpecialistRequest(
        group_id=group.id, kind=kind, description=description, requested_by=actor
    )
    db.session.add(request)
    db.session.flush()
    audit.record("specialist.requested", request, actor=actor, group_id=group.id, kind=kind)
    return request


def record_specialist_outcome(request: SpecialistRequest, actor: Member, outcome: str) -> None:
    request.outcome, request.outcome_at = outcome, utcnow()
    audit.record("specialist.outcome_recorded", request, actor=actor)


# -- recommendations -----------------------------------------------------------------------


def create_recommendation(
    group: WorkingGroup, actor: Member, *, title: str, text: str, rationale: str
):
    if group.state not in (GroupState.ACTIVE, GroupState.DRAFTING):
        raise ServiceError(_l("Recommendations are written while the group is active or drafting."))
    require_phase(group.cycle, *WORKING_PHASES)
    rec = Recommendation(group=group)
    rec.versions.append(
        RecommendationVersion(number=1, title=title, text=text, rationale=rationale, author=actor)
    )
    db.session.add(rec)
    db.session.flush()
    audit.record("recommendation.created", rec, actor=actor, group_id=group.id, title=title)
    return rec


def revise_recommendation(
    rec: Recommendation, actor: Member, *, title: str, text: str, rationale: str
):
    """Every save that changes something is a new version, with its author and time."""
    if rec.state not in EDITABLE_STATES:
        raise ServiceError(
            _l("This recommendation has been submitted: only the board's decision changes it.")
        )
    if rec.state == RecommendationState.DRAFT:
        if rec.group.state not in (GroupState.ACTIVE, GroupState.DRAFTING):
            raise ServiceError(
                _l("Recommendations are written while the group is active or drafting.")
            )
        require_phase(rec.group.cycle, *WORKING_PHASES)
    current = rec.current
    if (title, text, rationale) == (current.title, current.text, current.rationale):
        return None
    version = RecommendationVersion(
        number=current.number + 1, title=title, text=text, rationale=rationale, author=actor
    )
    rec.versions.append(version)
    audit.record("recommendation.revised", rec, actor=actor, version=version.number)
    return version


def _submit_recommendations(group: WorkingGroup, actor: Member) -> None:
    drafts = db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.group_id == group.id, Recommendation.state == RecommendationState.DRAFT
        )
    ).all()
    if not drafts:
        raise ServiceError(_l("The group has no draft recommendation to submit."))
    now = utcnow()
    for rec in drafts:
        move_recommendation(rec, RecommendationState.SUBMITTED, actor)
        rec.submitted_at = now


def resubmit_recommendation(rec: Recommendation, actor: Member) -> None:
    """The group submits a recommendation the board returned, once it has answered."""
    if rec.state != RecommendationState.RETURNED:
        raise ServiceError(_l("Only a recommendation the board returned can be submitted again."))
    move_recommendation(rec, RecommendationState.SUBMITTED, actor)
    rec.submitted_at = utcnow()


def move_recommendation(
    rec: Recommendation, to: RecommendationState, actor: Member, **details
) -> None:
    """Move a recommendation along RECOMMENDATION_TRANSITIONS; every other move is refused."""
    if to not in RECOMMENDATION_TRANSITIONS[rec.state]:
        raise ServiceError(
            _l(
                "A recommendation that is “%(current)s” cannot become “%(target)s”.",
                current=RECOMMENDATION_STATE_LABELS[rec.state],
                target=RECOMMENDATION_STATE_LABELS[to],
            )
        )
    before = rec.state
    rec.state = to
    audit.record(
        "recommendation.state_changed",
        rec,
        actor=actor,
        before=before,
        after=to,
        version=rec.current.number,
        **details,
    )


def cite_evidence(
    rec: Recommendation, actor: Member, *, kind: str, target_id: int, note: str = ""
) -> Evidence:
    """Link a recommendation to what supports it; only targets the group may cite."""
    from sip import evidence

    if rec.state not in EDITABLE_STATES:
        raise ServiceError(
            _l("This recommendation has been submitted: only the board's decision changes it.")
        )
    registered = evidence.kinds().get(kind)
    if registered is None or target_id not in dict(registered.choices(rec)):
        raise ServiceError(_l("Choose evidence from the list."), "target")
    if any(e.kind == kind and e.target_id == target_id for e in rec.evidence):
        raise ServiceError(_l("This evidence is cited already."), "target")
    link = Evidence(kind=kind, target_id=target_id, note=note, added_by_id=actor.id)
    rec.evidence.append(link)
    db.session.flush()
    audit.record("recommendation.evidence_cited", rec, actor=actor, kind=kind, target_id=target_id)
    return link


def cite_evidence_unchecked(
    rec: Recommendation, actor: Member, kind: str, target_id: int
) -> Evidence:
    """For demo data and imports: link evidence whatever the recommendation's state."""
    link = Evidence(kind=kind, target_id=target_id, added_by_id=actor.id)
    rec.evidence.append(link)
    db.session.flush()
    return link


def remove_evidence(link: Evidence, actor: Member) -> None:
    rec = link.recommendation
    if rec.state not in EDITABLE_STATES:
        raise ServiceError(
            _l("This recommendation has been submitted: only the board's decision changes it.")
        )
    rec.evidence.remove(link)
    db.session.delete(link)
    audit.record(
        "recommendation.evidence_removed",
        rec,
        actor=actor,
        kind=link.kind,
        target_id=link.target_id,
    )
