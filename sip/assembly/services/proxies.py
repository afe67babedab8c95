"""Proxies: a member appoints another to vote for them; the holder accepts or declines;
the grantor withdraws until voting opens."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.assembly.models import (
    Assembly,
    AssemblyParticipation,
    AssemblyState,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionState,
)
from sip.db import lock_row, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.notifications.services import notify


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
