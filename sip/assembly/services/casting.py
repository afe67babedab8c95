"""Casting: the voting window, whom a member votes for, the secret ballot and its receipt,
and opening a resolution to votes."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from sip import audit
from sip.assembly import rules
from sip.assembly.models import (
    Assembly,
    AssemblyParticipation,
    AssemblyState,
    Ballot,
    BallotApproval,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionKind,
    ResolutionState,
)
from sip.assembly.rules import Choice
from sip.assembly.services.attendance import voting_themselves
from sip.assembly.services.voting_rules import resolution_rules
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.notifications.services import notify


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
        sa.select(Member.id).where(voting_themselves(assembly), not_voted),
        "assembly.resolution_opened",
        resolution,
        title=resolution.title,
    )
