"""A recommendation's path, in order: its versions, each submission to the board, the
board's decisions with their motivation and named votes, and the general assembly's vote.

Read from the versions, the audit log's state changes, the board's decisions and the
assembly's closed resolutions: four queries whatever the length of the path.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.extensions import db
from sip.working_groups.models import Recommendation, RecommendationState


@dataclass
class Event:
    at: datetime
    #: "version", "submitted", "decision" or "assembly".
    kind: str
    version: Any = None
    actor: Any = None
    decision: Any = None
    extra: dict = field(default_factory=dict)


def timeline(rec: Recommendation) -> list[Event]:
    from sip.board.models import BoardDecision  # the board builds on working groups

    events = [
        Event(v.created_at, "version", version=v, actor=v.author)
        for v in rec.versions
        if not v.by_board  # the board's version shows with its decision
    ]
    submissions = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.subject_type == Recommendation.__tablename__,
            AuditEntry.subject_id == rec.id,
            AuditEntry.action == "recommendation.state_changed",
        )
        .order_by(AuditEntry.id)
    )
    for entry in submissions:
        if entry.details.get("after") == RecommendationState.SUBMITTED:
            again = entry.details.get("before") == RecommendationState.RETURNED
            events.append(
                Event(entry.created_at, "submitted", actor=entry.actor, extra={"again": again})
            )
    decisions = db.session.scalars(
        sa.select(BoardDecision)
        .where(BoardDecision.recommendation_id == rec.id)
        .order_by(BoardDecision.id)
    )
    versions = {v.id: v for v in rec.versions}
    for d in decisions:
        events.append(
            Event(d.decided_at, "decision", decision=d, version=versions.get(d.version_id))
        )
    from sip.assembly.models import Resolution, ResolutionState

    votes = db.session.scalars(
        sa.select(Resolution).where(
            Resolution.recommendation_id == rec.id, Resolution.state == ResolutionState.CLOSED
        )
    )
    for resolution in votes:
        events.append(Event(resolution.closed_at, "assembly", extra={"resolution": resolution}))
    order = {"version": 0, "submitted": 1, "decision": 2, "assembly": 3}
    return sorted(events, key=lambda e: (e.at, order[e.kind]))
