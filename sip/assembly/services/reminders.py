"""Timed notifications, each sent once (run by ``flask --app sip send-mail``): advance
voting opens, and voting closes soon."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from sip.assembly.models import (
    Assembly,
    AssemblyParticipation,
    AssemblyState,
    Resolution,
    ResolutionState,
)
from sip.assembly.services.attendance import voting_themselves
from sip.extensions import db
from sip.members.models import Member
from sip.notifications.schedule import once
from sip.notifications.services import notify


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
            sa.select(Member.id).where(voting_themselves(assembly)),
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
            sa.select(Member.id).where(voting_themselves(assembly), missing),
            "assembly.closing_soon",
            assembly,
            title=assembly.title,
            until=assembly.starts_at.isoformat(),
        )
    return made
