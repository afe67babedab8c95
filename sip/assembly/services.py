"""Every change of state of a general assembly, one function each; and the tally.

The secret ballot: ``cast`` writes the participation (who, acting for whom, when) and the
ballot (choice, college, weight, receipt hash) as two unrelated rows in one transaction;
the participation's primary key makes the vote once per member and resolution, also under
concurrent requests. A cast takes the resolution's row in share mode and a close takes it
exclusively, so that a ballot cast while the chair closes is either counted (the close
waits for it) or refused (it sees the resolution closed): never lost, never counted
silently.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from sip import audit
from sip.assembly import rules
from sip.assembly.models import (
    Assembly,
    AssemblyAttendance,
    AssemblyDocument,
    AssemblyParticipation,
    AssemblyState,
    AttendanceMode,
    Ballot,
    BallotApproval,
    Candidate,
    DocumentKind,
    Outcome,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionKind,
    ResolutionState,
)
from sip.assembly.rules import Choice, EmptyCollege, Majority, QuorumBasis, Scheme
from sip.db import lock_row, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus
from sip.notifications.schedule import once
from sip.notifications.services import notify

#: The majority each kind of resolution needs.
MAJORITIES = {
    ResolutionKind.RECOMMENDATION: Majority.SIMPLE,
    ResolutionKind.ORDINARY: Majority.SIMPLE,
    ResolutionKind.STATUTE_CHANGE: Majority.THREE_QUARTERS,
    ResolutionKind.CHANGE_OF_PURPOSE: Majority.FOUR_FIFTHS,
}
STATUTORY = frozenset({ResolutionKind.STATUTE_CHANGE, ResolutionKind.CHANGE_OF_PURPOSE})


# -- rules ----------------------------------------------------------------------------------


def default_rules() -> dict:
    """The co-operative's default rules (config ``ASSEMBLY_*``), college weights by id."""
    cfg = current_app.config
    codes = {c.code: c.id for c in db.session.scalars(sa.select(College))}
    weights = {
        str(codes[code]): str(Decimal(str(w)))
        for code, w in (cfg["ASSEMBLY_COLLEGE_WEIGHTS"] or {}).items()
        if code in codes
    }
    fraction = cfg["ASSEMBLY_QUORUM_FRACTION"]
    return {
        "scheme": Scheme(cfg["ASSEMBLY_SCHEME"]),
        "college_weights": weights,
        "empty_college": EmptyCollege(cfg["ASSEMBLY_EMPTY_COLLEGE"]),
        "abstentions_count": bool(cfg["ASSEMBLY_ABSTENTIONS_COUNT"]),
        "share_cap": Decimal(str(cfg["ASSEMBLY_SHARE_CAP"])) if cfg["ASSEMBLY_SHARE_CAP"] else None,
        "quorum_basis": QuorumBasis(cfg["ASSEMBLY_QUORUM_BASIS"]),
        "quorum_fraction": Decimal(str(fraction)) if fraction not in (None, "") else None,
        "proxy_cap": int(cfg["ASSEMBLY_PROXY_CAP"]),
    }


def resolution_rules(resolution: Resolution) -> rules.Rules:
    a = resolution.assembly
    return rules.Rules(
        scheme=a.scheme,
        college_weights={int(k): Decimal(v) for k, v in (a.college_weights or {}).items()},
        empty_college=a.empty_college,
        share_cap=a.share_cap,
        abstentions_count=a.abstentions_count,
        majority=MAJORITIES.get(resolution.kind, Majority.SIMPLE),
    )


def quorum_rule(resolution: Resolution) -> tuple[QuorumBasis, Decimal | None]:
    """The quorum a resolution needs: none at a second convocation; statute changes and
    changes of purpose need ASSEMBLY_STATUTE_QUORUM_* (half of the shares) at a first."""
    a = resolution.assembly
    if a.second_convocation:
        return a.quorum_basis, None
    if resolution.kind in STATUTORY:
        cfg = current_app.config
        fraction = cfg["ASSEMBLY_STATUTE_QUORUM_FRACTION"]
        statutory = Decimal(str(fraction)) if fraction not in (None, "") else None
        fractions = [f for f in (statutory, a.quorum_fraction) if f is not None]
        basis = QuorumBasis(cfg["ASSEMBLY_STATUTE_QUORUM_BASIS"])
        return basis, max(fractions) if fractions else None
    return a.quorum_basis, a.quorum_fraction


def _fraction_value(value, field: str, message) -> Decimal | None:
    """A fraction as typed: finite, kept to four decimals (what the database stores)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ServiceError(message, field) from None
    if not number.is_finite():
        raise ServiceError(message, field)
    number = number.quantize(Decimal("0.0001"))
    if not Decimal(0) <= number <= 1:
        raise ServiceError(message, field)
    return number


def _check_rules(values: dict) -> dict:
    """The rules, checked and normalised; refused with the field at fault."""
    out = dict(values)
    for key, enum in (
        ("scheme", Scheme),
        ("empty_college", EmptyCollege),
        ("quorum_basis", QuorumBasis),
    ):
        try:
            out[key] = enum(values[key])
        except (KeyError, ValueError):
            raise ServiceError(_l("Choose one of the options in the list."), key) from None
    values = out
    weights_message = _l(
        "Give each member category a weight between 0 and 1, with some weight in all."
    )
    if values.get("scheme") == Scheme.COLLEGE_WEIGHTED:
        colleges = {str(c) for c in db.session.scalars(sa.select(College.id))}
        given = values.get("college_weights") or {}
        if set(given) != colleges:
            raise ServiceError(weights_message, "college_weights")
        weights = {
            k: _fraction_value(v, "college_weights", weights_message) for k, v in given.items()
        }
        if any(w is None for w in weights.values()) or sum(weights.values()) <= 0:
            raise ServiceError(weights_message, "college_weights")
        out["college_weights"] = {k: str(w) for k, w in weights.items()}
    else:  # kept for a later switch to weighting; only sound values
        kept = {}
        for k, v in (values.get("college_weights") or {}).items():
            try:
                kept[k] = str(_fraction_value(v, "college_weights", weights_message))
            except ServiceError:
                continue
        out["college_weights"] = {k: v for k, v in kept.items() if v != "None"}
    cap_message = _l("Give the cap as a fraction between 0 and 1.")
    cap = _fraction_value(values.get("share_cap"), "share_cap", cap_message)
    if values.get("scheme") == Scheme.PER_SHARE_CAPPED and not cap:
        raise ServiceError(cap_message, "share_cap")
    out["share_cap"] = cap
    quorum_message = _l("Give the quorum as a fraction between 0 and 1.")
    fraction = _fraction_value(values.get("quorum_fraction"), "quorum_fraction", quorum_message)
    if fraction is not None and fraction <= 0:
        raise ServiceError(quorum_message, "quorum_fraction")
    out["quorum_fraction"] = fraction
    proxy_cap = values.get("proxy_cap", 1)
    if proxy_cap is None or not 0 <= int(proxy_cap) <= 20:
        raise ServiceError(_l("Between %(min)s and %(max)s.", min=0, max=20), "proxy_cap")
    return out


# -- the assembly ---------------------------------------------------------------------------


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


# -- proxies --------------------------------------------------------------------------------


def live_proxy(assembly: Assembly, grantor: Member) -> Proxy | None:
    return db.session.scalar(
        sa.select(Proxy).where(
            Proxy.assembly_id == assembly.id,
            Proxy.grantor_id == grantor.id,
            Proxy.state.in_([ProxyState.PENDING, ProxyState.ACCEPTED]),
        )
    )


def voting_opened(assembly: Assembly, now: datetime | None = None) -> bool:
    """Voting has opened: advance voting began, or the chair opened a resolution."""
    now = now or utcnow()
    if assembly.advance_voting_from is not None and now >= assembly.advance_voting_from:
        return True
    return any(r.state != ResolutionState.PENDING for r in assembly.resolutions)


def _refuse_unless_convened(assembly: Assembly) -> None:
    if assembly.state == AssemblyState.DRAFT:
        raise ServiceError(_l("The members are not convened yet."))
    if assembly.state == AssemblyState.CERTIFIED:
        raise ServiceError(_l("This assembly is certified: nothing changes any more."))


def _refuse_after_deadline(assembly: Assembly) -> None:
    now = utcnow()
    if (assembly.proxy_deadline and now > assembly.proxy_deadline) or now >= assembly.starts_at:
        raise ServiceError(_l("The deadline for proxies has passed."))


def voted_in(assembly: Assembly, member: Member) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AssemblyParticipation)
            .join(Resolution, Resolution.id == AssemblyParticipation.resolution_id)
            .where(
                Resolution.assembly_id == assembly.id, AssemblyParticipation.voter_id == member.id
            )
        )
        > 0
    )


def appoint_proxy(assembly: Assembly, grantor: Member, holder: Member | None) -> Proxy:
    """A member asks another active member to vote for them at this assembly."""
    _refuse_unless_convened(assembly)
    _refuse_after_deadline(assembly)
    if holder is None or holder.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Your proxy must be an active member of the co-operative."), "email")
    if holder.id == grantor.id:
        raise ServiceError(_l("You cannot be your own proxy."), "email")
    if live_proxy(assembly, grantor) is not None:
        raise ServiceError(_l("You have a proxy for this assembly already: withdraw it first."))
    if voted_in(assembly, grantor):
        raise ServiceError(_l("You have voted already: you cannot appoint a proxy any more."))
    if live_proxy(assembly, holder) is not None:
        raise ServiceError(
            _l(
                "%(name)s has given a proxy to someone else: they cannot hold yours.",
                name=holder.name,
            ),
            "email",
        )
    if held(assembly, grantor):
        raise ServiceError(_l("You vote for others at this assembly: you cannot give your proxy."))
    proxy = Proxy(assembly_id=assembly.id, grantor_id=grantor.id, holder_id=holder.id)
    db.session.add(proxy)
    db.session.flush()
    notify([holder.id], "assembly.proxy_asked", proxy, grantor=grantor.name, title=assembly.title)
    audit.record("assembly.proxy_appointed", assembly, actor=grantor, holder_id=holder.id)
    return proxy


def held(assembly: Assembly, holder: Member) -> list[Proxy]:
    """The proxies a member holds (accepted)."""
    return list(
        db.session.scalars(
            sa.select(Proxy)
            .where(
                Proxy.assembly_id == assembly.id,
                Proxy.holder_id == holder.id,
                Proxy.state == ProxyState.ACCEPTED,
            )
            .order_by(Proxy.id)
        )
    )


def accept_proxy(proxy: Proxy, holder: Member) -> None:
    """The holder accepts, within the proxy cap."""
    assembly = db.session.get(Assembly, proxy.assembly_id)
    if proxy.holder_id != holder.id or proxy.state != ProxyState.PENDING:
        raise ServiceError(_l("This proxy is not waiting for your answer."))
    _refuse_unless_convened(assembly)
    _refuse_after_deadline(assembly)
    lock_row(Member, holder.id)  # two acceptances at once: the cap still holds
    if voted_in(assembly, proxy.grantor):
        raise ServiceError(_l("This member has voted already: there is nothing left to vote for."))
    if live_proxy(assembly, holder) is not None:
        raise ServiceError(_l("You have given your own proxy: you cannot hold another's."))
    if len(held(assembly, holder)) >= assembly.proxy_cap:
        raise ServiceError(
            _l("You hold %(n)d proxies already, the most allowed.", n=assembly.proxy_cap)
        )
    proxy.state, proxy.decided_at = ProxyState.ACCEPTED, utcnow()
    db.session.flush()
    notify(
        [proxy.grantor_id],
        "assembly.proxy_accepted",
        proxy,
        holder=holder.name,
        title=assembly.title,
    )
    audit.record("assembly.proxy_accepted", assembly, actor=holder, grantor_id=proxy.grantor_id)


def decline_proxy(proxy: Proxy, holder: Member) -> None:
    if proxy.holder_id != holder.id or proxy.state != ProxyState.PENDING:
        raise ServiceError(_l("This proxy is not waiting for your answer."))
    proxy.state, proxy.decided_at = ProxyState.DECLINED, utcnow()
    assembly = db.session.get(Assembly, proxy.assembly_id)
    notify(
        [proxy.grantor_id],
        "assembly.proxy_declined",
        proxy,
        holder=holder.name,
        title=assembly.title,
    )
    audit.record("assembly.proxy_declined", assembly, actor=holder, grantor_id=proxy.grantor_id)


def withdraw_proxy(proxy: Proxy, grantor: Member) -> None:
    """The grantor takes the proxy back, until voting opens."""
    assembly = db.session.get(Assembly, proxy.assembly_id)
    if proxy.grantor_id != grantor.id or proxy.state not in (
        ProxyState.PENDING,
        ProxyState.ACCEPTED,
    ):
        raise ServiceError(_l("This proxy cannot be withdrawn."))
    if voting_opened(assembly):
        raise ServiceError(_l("Voting has opened: the proxy can no longer be withdrawn."))
    proxy.state, proxy.decided_at = ProxyState.WITHDRAWN, utcnow()
    db.session.flush()
    audit.record("assembly.proxy_withdrawn", assembly, actor=grantor, holder_id=proxy.holder_id)


# -- attendance and quorum ------------------------------------------------------------------


def check_in(
    assembly: Assembly,
    member: Member,
    *,
    mode: AttendanceMode = AttendanceMode.ONLINE,
    recorded_by: Member | None = None,
) -> AssemblyAttendance:
    """A member is present: they check in online once the assembly has begun (from an hour
    before), or the chair records them present in person."""
    _refuse_unless_convened(assembly)
    if member.status != MemberStatus.ACTIVE:
        raise ServiceError(_l("Only active members take part in the assembly."), "email")
    if recorded_by is None and utcnow() < assembly.starts_at - timedelta(hours=1):
        raise ServiceError(_l("Check-in opens an hour before the assembly starts."))
    present = db.session.get(
        AssemblyAttendance, {"assembly_id": assembly.id, "member_id": member.id}
    )
    if present is not None:
        raise ServiceError(
            _l("%(name)s is recorded as present already.", name=member.name), "email"
        )
    present = AssemblyAttendance(
        assembly_id=assembly.id,
        member_id=member.id,
        mode=mode,
        recorded_by_id=recorded_by.id if recorded_by else None,
    )
    db.session.add(present)
    db.session.flush()
    audit.record(
        "assembly.checked_in",
        assembly,
        actor=recorded_by or member,
        member_id=member.id,
        mode=mode,
    )
    return present


def eligible():
    """Members who take part in assemblies: active, and not only invited experts."""
    from sip.members.models import Role, RoleGrant

    expert = sa.exists().where(RoleGrant.member_id == Member.id, RoleGrant.role == Role.EXPERT)
    other = sa.exists().where(RoleGrant.member_id == Member.id, RoleGrant.role != Role.EXPERT)
    return sa.and_(Member.status == MemberStatus.ACTIVE, sa.or_(~expert, other))


def _taking_part(assembly: Assembly):
    """Ids of the members present or represented: checked in, represented by a holder who
    is present, or who voted (in advance, or through their proxy)."""
    present = sa.select(AssemblyAttendance.member_id).where(
        AssemblyAttendance.assembly_id == assembly.id
    )
    represented = (
        sa.select(Proxy.grantor_id)
        .where(Proxy.assembly_id == assembly.id, Proxy.state == ProxyState.ACCEPTED)
        .where(Proxy.holder_id.in_(present))
    )
    voted = (
        sa.select(AssemblyParticipation.voter_id)
        .join(Resolution, Resolution.id == AssemblyParticipation.resolution_id)
        .where(Resolution.assembly_id == assembly.id)
    )
    return sa.union(present, represented, voted).subquery()


def turnout(assembly: Assembly) -> dict:
    """Members and shares present or represented, per college and in all, against the
    active members: two GROUP BY queries. Reveals nothing of how anyone voted."""
    part = _taking_part(assembly)
    member_id = next(iter(part.c))
    rows = db.session.execute(
        sa.select(Member.college_id, sa.func.count(), sa.func.sum(Member.shares))
        .where(Member.id.in_(sa.select(member_id)), eligible())
        .group_by(Member.college_id)
    ).all()
    totals = db.session.execute(
        sa.select(Member.college_id, sa.func.count(), sa.func.sum(Member.shares))
        .where(eligible())
        .group_by(Member.college_id)
    ).all()
    colleges = {c.id: c for c in db.session.scalars(sa.select(College).order_by(College.position))}
    here = {k: (n, int(s or 0)) for k, n, s in rows}
    out = []
    for k, n, s in totals:
        present, shares = here.get(k, (0, 0))
        out.append(
            {
                "college": colleges[k],
                "present": present,
                "members": n,
                "present_shares": shares,
                "shares": int(s or 0),
            }
        )
    out.sort(key=lambda row: row["college"].position)
    return {
        "colleges": out,
        "present": sum(r["present"] for r in out),
        "members": sum(r["members"] for r in out),
        "present_shares": sum(r["present_shares"] for r in out),
        "shares": sum(r["shares"] for r in out),
    }


def quorum_of(resolution: Resolution, counts: dict | None = None) -> dict:
    basis, fraction = quorum_rule(resolution)
    counts = counts or turnout(resolution.assembly)
    present, total = (
        (counts["present"], counts["members"])
        if basis == QuorumBasis.MEMBERS
        else (counts["present_shares"], counts["shares"])
    )
    return {
        "basis": basis.value,
        "fraction": str(fraction) if fraction is not None else None,
        "present": present,
        "total": total,
        "reached": rules.quorum_reached(present, total, fraction),
    }


# -- voting ---------------------------------------------------------------------------------


def window_open(resolution: Resolution, now: datetime | None = None) -> bool:
    """Ballots are taken while the chair holds the resolution open, and before the assembly
    during advance voting."""
    now = now or utcnow()
    assembly = resolution.assembly
    if assembly.state != AssemblyState.CONVENED:
        return False
    if resolution.state == ResolutionState.OPEN:
        return True
    return (
        resolution.state == ResolutionState.PENDING
        and assembly.advance_voting_from is not None
        and assembly.advance_voting_from <= now < assembly.starts_at
    )


def may_vote_for(assembly: Assembly, acting: Member) -> list[Member]:
    """Whom a member votes for: themselves (unless they gave an accepted proxy) and each
    member whose proxy they accepted. One query."""
    proxies = db.session.scalars(
        sa.select(Proxy)
        .where(
            Proxy.assembly_id == assembly.id,
            sa.or_(
                sa.and_(
                    Proxy.grantor_id == acting.id,
                    Proxy.state.in_([ProxyState.PENDING, ProxyState.ACCEPTED]),
                ),
                sa.and_(Proxy.holder_id == acting.id, Proxy.state == ProxyState.ACCEPTED),
            ),
        )
        .order_by(Proxy.id)
    ).all()
    gave = any(p.grantor_id == acting.id and p.state == ProxyState.ACCEPTED for p in proxies)
    out = [acting] if acting.status == MemberStatus.ACTIVE and not gave else []
    out += [
        p.grantor
        for p in proxies
        if p.holder_id == acting.id and p.grantor.status == MemberStatus.ACTIVE
    ]
    return out


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_receipt() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def cast(
    resolution: Resolution,
    acting: Member,
    voter: Member,
    *,
    choice: str | None = None,
    approvals: list[int] = (),
) -> str:
    """Cast ``voter``'s ballot (``acting`` is the voter or their proxy); return the receipt
    code, shown once to the voter. Two unrelated rows: the participation and the ballot.

    :raise ServiceError: outside the window, for a member one does not represent, twice,
        with an unknown choice or too many candidates. Nothing is stored then.
    """
    # The resolution's state, read under a share lock that a close waits for (and taken as
    # the loaded value, not as a change to write).
    state = db.session.scalar(
        sa.select(Resolution.state).where(Resolution.id == resolution.id).with_for_update(read=True)
    )
    set_committed_value(resolution, "state", state)
    assembly = resolution.assembly
    if not window_open(resolution):
        raise ServiceError(_l("Voting on this resolution is not open."))
    if voter.id not in {m.id for m in may_vote_for(assembly, acting)}:
        raise ServiceError(_l("You do not vote for this member."))
    if resolution.kind == ResolutionKind.BOARD_ELECTION:
        ids = {c.id for c in resolution.candidates}
        chosen = list(dict.fromkeys(approvals))
        if any(a not in ids for a in chosen):
            raise ServiceError(_l("Choose among the candidates."))
        if len(chosen) > (resolution.seats or 0):
            raise ServiceError(_l("Approve at most %(n)d candidates.", n=resolution.seats or 0))
        value = None
    else:
        if choice not in {c.value for c in Choice}:
            raise ServiceError(_l("Choose for, against or abstain."))
        value, chosen = Choice(choice), []
    already = db.session.get(
        AssemblyParticipation, {"resolution_id": resolution.id, "voter_id": voter.id}
    )
    if already is not None:
        raise ServiceError(_l("This vote has been cast already."))
    code = new_receipt()
    db.session.add(
        AssemblyParticipation(resolution_id=resolution.id, voter_id=voter.id, acting_id=acting.id)
    )
    ballot = Ballot(
        resolution_id=resolution.id,
        college_id=voter.college_id,
        choice=value,
        weight=rules.ballot_weight(resolution_rules(resolution), voter.shares),
        receipt_hash=receipt_hash(code),
    )
    db.session.add(ballot)
    db.session.flush()  # the participation's key refuses a second vote here
    for candidate_id in chosen:
        db.session.add(BallotApproval(ballot_id=ballot.id, candidate_id=candidate_id))
    db.session.flush()
    return code


def voted(resolution: Resolution, member_ids) -> set[int]:
    return voted_in_each(resolution.assembly, member_ids).get(resolution.id, set())


def voted_in_each(assembly: Assembly, member_ids) -> dict[int, set[int]]:
    """{resolution id: those of ``member_ids`` who voted on it}, in one query."""
    rows = db.session.execute(
        sa.select(AssemblyParticipation.resolution_id, AssemblyParticipation.voter_id)
        .join(Resolution, Resolution.id == AssemblyParticipation.resolution_id)
        .where(
            Resolution.assembly_id == assembly.id,
            AssemblyParticipation.voter_id.in_(list(member_ids)),
        )
    )
    out: dict[int, set[int]] = {}
    for resolution_id, voter_id in rows:
        out.setdefault(resolution_id, set()).add(voter_id)
    return out


def open_resolution(resolution: Resolution, actor: Member) -> None:
    assembly = resolution.assembly
    if assembly.state != AssemblyState.CONVENED:
        raise ServiceError(_l("The members are not convened yet."))
    if resolution.state != ResolutionState.PENDING:
        raise ServiceError(_l("This resolution has been opened already."))
    if utcnow() < assembly.starts_at - timedelta(hours=1):
        raise ServiceError(_l("Resolutions open during the assembly."))
    resolution.state, resolution.opened_at = ResolutionState.OPEN, utcnow()
    audit.record("assembly.resolution_opened", assembly, actor=actor, resolution_id=resolution.id)
    not_voted = ~sa.exists().where(
        AssemblyParticipation.resolution_id == resolution.id,
        AssemblyParticipation.voter_id == Member.id,
    )
    notify(
        sa.select(Member.id).where(_voting_themselves(assembly), not_voted),
        "assembly.resolution_opened",
        resolution,
        title=resolution.title,
    )


# -- timed notifications (run by ``flask --app sip send-mail``, each once) ------------------


def _voting_themselves(assembly: Assembly):
    """Members who vote themselves at this assembly: eligible, and no accepted proxy given."""
    gave_proxy = sa.exists().where(
        Proxy.assembly_id == assembly.id,
        Proxy.grantor_id == Member.id,
        Proxy.state == ProxyState.ACCEPTED,
    )
    return sa.and_(eligible(), ~gave_proxy)


def _advance_voting_open(now: datetime):
    return sa.select(Assembly).where(
        Assembly.state == AssemblyState.CONVENED,
        Assembly.advance_voting_from.is_not(None),
        Assembly.advance_voting_from <= now,
        Assembly.starts_at > now,
    )


def announce_advance_voting(now: datetime) -> int:
    """Tell the members who vote themselves that advance voting has opened, once per
    assembly (not when it was open already at the convocation, which says so)."""
    made = 0
    for assembly in db.session.scalars(_advance_voting_open(now)).all():
        if not once(f"assembly.voting_opened:{assembly.id}"):
            continue
        made += notify(
            sa.select(Member.id).where(_voting_themselves(assembly)),
            "assembly.voting_opened",
            assembly,
            title=assembly.title,
            until=assembly.starts_at.isoformat(),
        )
    return made


def remind_before_close(now: datetime) -> int:
    """``ASSEMBLY_CLOSING_REMINDER_HOURS`` before advance voting closes (the assembly's
    start), remind the members who vote themselves and have not voted on every resolution
    still open to advance votes; once per assembly."""
    hours = timedelta(hours=float(current_app.config["ASSEMBLY_CLOSING_REMINDER_HOURS"]))
    made = 0
    for assembly in db.session.scalars(
        _advance_voting_open(now).where(Assembly.starts_at <= now + hours)
    ).all():
        if not once(f"assembly.closing_soon:{assembly.id}"):
            continue
        voted_on_it = (
            sa.select(AssemblyParticipation.voter_id)
            .where(
                AssemblyParticipation.resolution_id == Resolution.id,
                AssemblyParticipation.voter_id == Member.id,
            )
            .correlate(Resolution, Member)
        )
        missing = (
            sa.select(Resolution.id)
            .where(
                Resolution.assembly_id == assembly.id,
                Resolution.state == ResolutionState.PENDING,
                ~sa.exists(voted_on_it),
            )
            .correlate(Member)
            .exists()
        )
        made += notify(
            sa.select(Member.id).where(_voting_themselves(assembly), missing),
            "assembly.closing_soon",
            assembly,
            title=assembly.title,
            until=assembly.starts_at.isoformat(),
        )
    return made


# -- the tally ------------------------------------------------------------------------------


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class _Weights:
    """Summing ballot weights exactly, with the share cap applied to each ballot: SQL sums
    the weights under the cap and counts the ballots over it, in whole numbers on every
    database; ``value`` adds the capped ones back as exact fractions."""

    cap: Fraction | None
    sums: tuple

    def value(self, under, capped_ballots) -> Fraction:
        extra = self.cap * int(capped_ballots or 0) if self.cap else 0
        return Fraction(int(under or 0)) + extra


def _weights(rule: rules.Rules, *where) -> _Weights:
    cap, over = None, sa.literal(False)
    if rule.scheme == Scheme.PER_SHARE_CAPPED:
        total = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Ballot.weight), 0)).where(*where)
        )
        cap = rules.share_cap(rule, int(total))
        if cap is not None:
            # weight > cap, in whole numbers: weight × denominator > numerator.
            over = Ballot.weight * cap.denominator > cap.numerator
    sums = (
        sa.func.sum(sa.case((over, 0), else_=Ballot.weight)),
        sa.func.sum(sa.case((over, 1), else_=0)),
    )
    return _Weights(cap, sums)


def compute_result(resolution: Resolution) -> dict:
    """The result from the ballots, with SQL aggregates per college and choice (and per
    candidate for an election); ``rules`` decides. The same function serves the close and
    the recount."""
    rule = resolution_rules(resolution)
    colleges = {c.id: c for c in db.session.scalars(sa.select(College))}
    of = Ballot.resolution_id == resolution.id
    if resolution.kind == ResolutionKind.BOARD_ELECTION:
        return _election_result(resolution, rule, colleges)
    counted = [Choice.FOR, Choice.AGAINST] + ([Choice.ABSTAIN] if rule.abstentions_count else [])
    summing = _weights(rule, of, Ballot.choice.in_(counted))
    cap = summing.cap
    rows = db.session.execute(
        sa.select(Ballot.college_id, Ballot.choice, sa.func.count(), *summing.sums)
        .where(of)
        .group_by(Ballot.college_id, Ballot.choice)
    ).all()
    counts: dict[int, dict[Choice, tuple[int, Fraction]]] = {}
    for college_id, choice, n, under, capped_ballots in rows:
        counts.setdefault(college_id, {})[Choice(choice)] = (
            n,
            summing.value(under, capped_ballots),
        )
    tally = rules.tally(rule, counts)
    quorum = quorum_of(resolution)
    adopted = tally.majority_reached and quorum["reached"]
    return {
        "resolution": resolution.id,
        "title": resolution.title,
        "kind": resolution.kind.value,
        "rules": _rules_json(rule, colleges),
        "cap": _fraction(cap) if cap is not None else None,
        "ballots": tally.ballots,
        "colleges": [
            {
                "college": colleges[c.college].code,
                "weight": _fraction(c.weight),
                "ballots": {k.value: v for k, v in c.ballots.items()},
                "weights": {k.value: _fraction(v) for k, v in c.weights.items()},
                "shares": {k.value: _fraction(v) for k, v in c.shares.items()},
            }
            for c in sorted(tally.colleges, key=lambda c: colleges[c.college].position)
        ],
        "shares": {k: _fraction(v) for k, v in tally.shares.items()},
        "percent": {k: str(v) for k, v in rules.shown_shares(tally.shares).items()},
        "for_share": _fraction(tally.for_share),
        "majority": rule.majority.value,
        "majority_reached": tally.majority_reached,
        "quorum": quorum,
        "outcome": (Outcome.ADOPTED if adopted else Outcome.REJECTED).value,
    }


def _rules_json(rule: rules.Rules, colleges) -> dict:
    return {
        "scheme": rule.scheme.value,
        "college_weights": {
            colleges[k].code: str(v) for k, v in rule.college_weights.items() if k in colleges
        }
        if rule.scheme == Scheme.COLLEGE_WEIGHTED
        else {},
        "empty_college": rule.empty_college.value,
        "abstentions_count": rule.abstentions_count,
        "share_cap": str(rule.share_cap) if rule.scheme == Scheme.PER_SHARE_CAPPED else None,
    }


def _election_result(resolution: Resolution, rule: rules.Rules, colleges) -> dict:
    """Approvals per candidate, weighted as the scheme says; the most approved fill the
    seats; the board's gender rule is reported on those elected."""
    from sip.board import rules as board_rules

    of = Ballot.resolution_id == resolution.id
    summing = _weights(rule, of)
    cap, summed, weight = summing.cap, summing.sums, summing.value
    per_college = db.session.execute(
        sa.select(Ballot.college_id, sa.func.count(), *summed).where(of).group_by(Ballot.college_id)
    ).all()
    counts = {k: n for k, n, _u, _c in per_college}
    ballots = {k: weight(u, c) for k, _n, u, c in per_college}
    rows = db.session.execute(
        sa.select(BallotApproval.candidate_id, Ballot.college_id, *summed)
        .join(Ballot, Ballot.id == BallotApproval.ballot_id)
        .where(of)
        .group_by(BallotApproval.candidate_id, Ballot.college_id)
    ).all()
    score: dict[int, Fraction] = {c.id: Fraction(0) for c in resolution.candidates}
    if rule.scheme == Scheme.COLLEGE_WEIGHTED:
        raw = {k: Fraction(Decimal(v)) for k, v in rule.college_weights.items()}
        present = {k: w for k, w in raw.items() if ballots.get(k)}
        # An empty college is left out, or keeps its weight and approves nobody.
        base = present if rule.empty_college == EmptyCollege.RENORMALISE else raw
        total = sum(base.values(), Fraction(0))
        for candidate, college, u, c in rows:
            if college in present and total:
                score[candidate] += present[college] / total * (weight(u, c) / ballots[college])
    else:
        for candidate, _college, u, c in rows:
            score[candidate] += weight(u, c)
    quorum = quorum_of(resolution)
    result = rules.elect(score, resolution.seats or 0)
    if not quorum["reached"] or not counts:  # no quorum, no ballot: nobody is elected
        result = rules.Election(result.ranking, [], [])
    by_id = {c.id: c for c in resolution.candidates}
    elected = [by_id[i].member for i in result.elected]
    minimum = current_app.config.get("BOARD_GENDER_MIN_SHARE")
    balance = board_rules.gender_balance(
        [m.gender for m in elected], Decimal(str(minimum)) if minimum not in (None, "") else None
    )
    return {
        "resolution": resolution.id,
        "title": resolution.title,
        "kind": resolution.kind.value,
        "rules": _rules_json(rule, colleges),
        "ballots": sum(counts.values()),
        "seats": resolution.seats,
        "colleges": [
            {"college": colleges[k].code, "ballots": n} for k, n in sorted(counts.items())
        ],
        "candidates": [
            {
                "candidate": i,
                "name": by_id[i].member.name,
                "score": _fraction(v),
                "elected": i in result.elected,
                "tied": i in result.tied,
            }
            for i, v in result.ranking
        ],
        "gender_rule": {"below": [g for g, _share in balance.below]},
        "cap": _fraction(cap) if cap is not None else None,
        "quorum": quorum,
        "outcome": (Outcome.ELECTED if result.elected else Outcome.REJECTED).value,
    }


def close_resolution(resolution: Resolution, actor: Member) -> dict:
    """Close the vote and publish the result: counted once, kept as published. A
    recommendation moves to adopted or not adopted.

    :raise ServiceError: when it is not open (closed already, or never opened).
    """
    from sip.working_groups.models import RecommendationState
    from sip.working_groups.services import move_recommendation

    lock_row(Resolution, resolution.id)
    db.session.refresh(resolution)
    if resolution.state == ResolutionState.CLOSED:
        raise ServiceError(_l("This resolution is closed already."))
    if resolution.state != ResolutionState.OPEN:
        raise ServiceError(_l("Open the resolution before closing it."))
    resolution.state, resolution.closed_at = ResolutionState.CLOSED, utcnow()
    db.session.flush()
    result = compute_result(resolution)
    resolution.result = result
    resolution.outcome = Outcome(result["outcome"])
    if resolution.recommendation is not None:
        target = (
            RecommendationState.ADOPTED
            if resolution.outcome == Outcome.ADOPTED
            else RecommendationState.NOT_ADOPTED
        )
        move_recommendation(resolution.recommendation, target, actor, resolution_id=resolution.id)
    voters = sa.select(AssemblyParticipation.voter_id).where(
        AssemblyParticipation.resolution_id == resolution.id
    )
    notify(voters, "assembly.results", resolution.assembly, title=resolution.title)
    audit.record(
        "assembly.resolution_closed",
        resolution.assembly,
        actor=actor,
        resolution_id=resolution.id,
        outcome=resolution.outcome,
        ballots=result["ballots"],
    )
    return result


def _counted(result: dict) -> dict:
    """What a recount compares: the counts, shares and majority, not the names or the
    quorum (recorded at the close from the attendance, which ballots do not hold)."""
    out = {k: v for k, v in result.items() if k not in ("title", "quorum", "gender_rule")}
    if "candidates" in out:
        out["candidates"] = [{k: v for k, v in c.items() if k != "name"} for c in out["candidates"]]
    out.pop("outcome", None)  # follows from the counts and the quorum recorded at the close
    if "candidates" in out:
        out["candidates"] = [
            {k: v for k, v in c.items() if k not in ("elected", "tied")} for c in out["candidates"]
        ]
    return out


def recount(resolution: Resolution) -> tuple[dict, bool]:
    """The result recomputed from the ballots, and whether it matches the published one."""
    if resolution.result is None:
        raise ServiceError(_l("This resolution has no published result yet."))
    again = compute_result(resolution)
    return again, _counted(again) == _counted(resolution.result)


def certify(assembly: Assembly, actor: Member) -> None:
    if assembly.state != AssemblyState.CONVENED:
        raise ServiceError(_l("Only a convened assembly is certified, once."))
    if any(r.state != ResolutionState.CLOSED for r in assembly.resolutions):
        raise ServiceError(_l("Close every resolution before certifying the results."))
    assembly.state = AssemblyState.CERTIFIED
    assembly.certified_at, assembly.certified_by_id = utcnow(), actor.id
    audit.record("assembly.certified", assembly, actor=actor)
