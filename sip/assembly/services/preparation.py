"""Preparing an assembly: its dates and rules, documents, resolutions (from the board's
agenda or written by the chair), and the convocation."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.assembly import rules
from sip.assembly.models import (
    Assembly,
    AssemblyDocument,
    AssemblyParticipation,
    AssemblyState,
    Candidate,
    DocumentKind,
    Resolution,
    ResolutionKind,
)
from sip.assembly.services.voting_rules import _check_rules, default_rules
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.notifications.schedule import once
from sip.notifications.services import notify

FIELDS = (
    "title",
    "kind",
    "starts_at",
    "place",
    "online_url",
    "convocation_on",
    "second_convocation",
    "advance_voting_from",
    "proxy_deadline",
    "intro",
    "cycle_id",
)
RULES = (
    "scheme",
    "college_weights",
    "empty_college",
    "abstentions_count",
    "share_cap",
    "quorum_basis",
    "quorum_fraction",
    "proxy_cap",
)


def _check_dates(values: dict) -> None:
    starts = values["starts_at"]
    if values.get("advance_voting_from") and values["advance_voting_from"] >= starts:
        raise ServiceError(
            _l("Advance voting must open before the assembly starts."), "advance_voting_from"
        )
    if values.get("proxy_deadline") and values["proxy_deadline"] > starts:
        raise ServiceError(
            _l("Proxies must be settled by the start of the assembly."), "proxy_deadline"
        )
    if values["convocation_on"] > starts.date():
        raise ServiceError(_l("The convocation comes before the assembly."), "convocation_on")


def eligible():
    """Members who take part in assemblies: active, and not only invited experts."""
    from sip.members.models import Role, RoleGrant

    expert = sa.exists().where(RoleGrant.member_id == Member.id, RoleGrant.role == Role.EXPERT)
    other = sa.exists().where(RoleGrant.member_id == Member.id, RoleGrant.role != Role.EXPERT)
    return sa.and_(Member.status == MemberStatus.ACTIVE, sa.or_(~expert, other))


def create_assembly(actor: Member, **values) -> Assembly:
    """An assembly in draft, with the co-operative's default rules unless given."""
    merged = {**default_rules(), **{k: v for k, v in values.items() if k in RULES}}
    _check_dates(values)
    merged = _check_rules(merged)
    assembly = Assembly(
        created_by_id=actor.id,
        **{k: values[k] for k in FIELDS if k in values},
        **merged,
    )
    db.session.add(assembly)
    db.session.flush()
    audit.record("assembly.created", assembly, actor=actor, title=assembly.title)
    return assembly


def update_assembly(assembly: Assembly, actor: Member, **values) -> None:
    """Change the assembly's details; its rules only until the first ballot."""
    if assembly.state == AssemblyState.CERTIFIED:
        raise ServiceError(_l("This assembly is certified: nothing changes any more."))
    checked = _check_rules({**{k: getattr(assembly, k) for k in RULES}, **values})
    values = {**values, **{k: checked[k] for k in RULES if k in values}}
    frozen = (*RULES, "second_convocation", "advance_voting_from")
    changes = [k for k in frozen if k in values and values[k] != getattr(assembly, k)]
    if changes and has_ballots(assembly):
        raise ServiceError(
            _l("Members have voted: the rules, the convocation and the voting dates are fixed.")
        )
    _check_dates({**{k: getattr(assembly, k) for k in FIELDS}, **values})
    for k, v in values.items():
        if k in FIELDS or k in RULES:
            setattr(assembly, k, v)
    db.session.flush()
    audit.record("assembly.changed", assembly, actor=actor, fields=sorted(values))


def short_notice(assembly: Assembly) -> int | None:
    """Days of notice when fewer than ASSEMBLY_NOTICE_DAYS (a warning, not a refusal)."""
    days = (assembly.starts_at.date() - assembly.convocation_on).days
    return days if days < current_app.config["ASSEMBLY_NOTICE_DAYS"] else None


def has_ballots(assembly: Assembly) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AssemblyParticipation)
            .join(Resolution, Resolution.id == AssemblyParticipation.resolution_id)
            .where(Resolution.assembly_id == assembly.id)
        )
        > 0
    )


def _refuse_unless_draft(assembly: Assembly) -> None:
    if assembly.state != AssemblyState.DRAFT:
        raise ServiceError(_l("The members are convened: the agenda and documents are fixed."))


def add_document(
    assembly: Assembly,
    actor: Member,
    *,
    kind: DocumentKind,
    title: str,
    body: str = "",
    survey=None,
) -> AssemblyDocument:
    """A document: Markdown text, accounts (Markdown tables), or a questionnaire's results."""
    _refuse_unless_draft(assembly)
    if kind == DocumentKind.SURVEY and survey is None:
        raise ServiceError(_l("Choose the questionnaire whose results to attach."), "survey")
    if kind != DocumentKind.SURVEY and not body.strip():
        raise ServiceError(_l("This field is required."), "body")
    document = AssemblyDocument(
        kind=kind,
        title=title,
        body=body if kind != DocumentKind.SURVEY else "",
        survey_id=survey.id if survey is not None else None,
        position=len(assembly.documents),
    )
    assembly.documents.append(document)
    db.session.flush()
    audit.record("assembly.document_added", assembly, actor=actor, title=title, kind=kind)
    return document


def remove_document(document: AssemblyDocument, actor: Member) -> None:
    assembly = document.assembly
    _refuse_unless_draft(assembly)
    assembly.documents.remove(document)
    db.session.flush()
    audit.record("assembly.document_removed", assembly, actor=actor, title=document.title)


def agenda_recommendations() -> list:
    """Recommendations the board validated or amended, not yet on an agenda."""
    from sip.board.services import agenda_candidates

    taken = set(
        db.session.scalars(
            sa.select(Resolution.recommendation_id).where(Resolution.recommendation_id.is_not(None))
        )
    )
    return [r for r in agenda_candidates() if r.id not in taken]


def add_resolution(
    assembly: Assembly,
    actor: Member,
    *,
    kind: ResolutionKind,
    title: str = "",
    text: str = "",
    recommendation=None,
    seat_group=None,
    seats: int | None = None,
    candidates: list[Member] = (),
) -> Resolution:
    """A resolution on the agenda. A recommendation's text is the version the board approved
    (validated or amended); a board election names its seats and candidates."""
    from sip.working_groups.models import RecommendationState

    _refuse_unless_draft(assembly)
    resolution = Resolution(kind=kind, position=len(assembly.resolutions))
    if kind == ResolutionKind.RECOMMENDATION:
        if recommendation is None or recommendation.state not in (
            RecommendationState.VALIDATED,
            RecommendationState.AMENDED,
        ):
            raise ServiceError(
                _l("Only a recommendation the board validated or amended goes on the agenda."),
                "recommendation",
            )
        if recommendation.id in {
            r.recommendation_id for r in db.session.scalars(sa.select(Resolution))
        }:
            raise ServiceError(_l("This recommendation is on an agenda already."), "recommendation")
        version = recommendation.current
        resolution.recommendation_id, resolution.version_id = recommendation.id, version.id
        resolution.title, resolution.text = version.title, version.text
    elif kind == ResolutionKind.BOARD_ELECTION:
        if seat_group is None:
            raise ServiceError(_l("Choose the seats to elect."), "seat_group")
        if not seats or not 1 <= seats <= len(seat_group.seats):
            raise ServiceError(
                _l("Between %(min)s and %(max)s.", min=1, max=len(seat_group.seats)), "seats"
            )
        if not candidates:
            raise ServiceError(_l("Name at least one candidate."), "candidates")
        for member in candidates:
            if member.status != MemberStatus.ACTIVE or not seat_group.accepts(member):
                raise ServiceError(
                    _l("%(name)s cannot stand for these seats.", name=member.name), "candidates"
                )
        resolution.seat_group_id, resolution.seats = seat_group.id, seats
        resolution.title = title or str(
            _l("Election of the board: %(seats)s", seats=seat_group.name)
        )
        resolution.text = text
        resolution.candidates = [Candidate(member_id=m.id) for m in dict.fromkeys(candidates)]
    else:
        if not title.strip() or not text.strip():
            raise ServiceError(_l("This field is required."), "text")
        resolution.title, resolution.text = title.strip(), text.strip()
    assembly.resolutions.append(resolution)
    db.session.flush()
    audit.record(
        "assembly.resolution_added",
        assembly,
        actor=actor,
        resolution_id=resolution.id,
        kind=kind,
        title=resolution.title,
    )
    return resolution


def remove_resolution(resolution: Resolution, actor: Member) -> None:
    assembly = resolution.assembly
    _refuse_unless_draft(assembly)
    assembly.resolutions.remove(resolution)
    for i, r in enumerate(assembly.resolutions):
        r.position = i
    db.session.flush()
    audit.record("assembly.resolution_removed", assembly, actor=actor, title=resolution.title)


def convene(assembly: Assembly, actor: Member) -> int:
    """Convene every active member: they are notified and see the agenda, the documents and
    their weight. The recommendations on the agenda move to ``on_agenda``. Returns how many
    members were notified."""
    from sip.working_groups.models import RecommendationState
    from sip.working_groups.services import move_recommendation

    _refuse_unless_draft(assembly)
    if not assembly.resolutions:
        raise ServiceError(_l("Put at least one resolution on the agenda first."))
    for r in assembly.resolutions:
        if r.recommendation is not None:
            move_recommendation(
                r.recommendation, RecommendationState.ON_AGENDA, actor, assembly_id=assembly.id
            )
    assembly.state = AssemblyState.CONVENED
    assembly.convened_at = utcnow()
    active = sa.select(Member.id).where(eligible())
    count = notify(
        active,
        "assembly.convened",
        assembly,
        title=assembly.title,
        starts_at=assembly.starts_at.isoformat(),
    )
    if assembly.advance_voting_from is not None and assembly.advance_voting_from <= utcnow():
        # Voting is open already: the convocation says so; no separate announcement.
        once(f"assembly.voting_opened:{assembly.id}")
    audit.record("assembly.convened", assembly, actor=actor, notified=count)
    return count


def weight_of(assembly: Assembly, member: Member) -> int:
    return rules.ballot_weight(rules.Rules(scheme=assembly.scheme), member.shares)
