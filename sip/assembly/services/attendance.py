"""Attendance and quorum: members checked in (present, online, represented), who takes
part, the turnout by college and each resolution's quorum."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.assembly import rules
from sip.assembly.models import (
    Assembly,
    AssemblyAttendance,
    AssemblyParticipation,
    AttendanceMode,
    Proxy,
    ProxyState,
    Resolution,
)
from sip.assembly.rules import QuorumBasis
from sip.assembly.services.preparation import eligible
from sip.assembly.services.proxies import _refuse_unless_convened
from sip.assembly.services.voting_rules import quorum_rule
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus


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


def voting_themselves(assembly: Assembly):
    """Members who vote themselves at this assembly: eligible, and no accepted proxy given."""
    gave_proxy = sa.exists().where(
        Proxy.assembly_id == assembly.id,
        Proxy.grantor_id == Member.id,
        Proxy.state == ProxyState.ACCEPTED,
    )
    return sa.and_(eligible(), ~gave_proxy)


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
