"""Where an action comes from, and what a piece of evidence led to.

Forwards: action → the assembly's resolution (its result per college) → the board's
decisions (motivation, named votes, the amendment as a diff) → every version of the working
group's recommendation → the evidence it cites. A fixed number of queries.

Backwards: a forum thread, a questionnaire, minutes or a document → the recommendations
citing it → their resolutions → their actions.
"""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from sip import evidence
from sip.actions.models import Action
from sip.assembly.models import Resolution, ResolutionState
from sip.extensions import db
from sip.working_groups.models import EDITABLE_STATES, Evidence, Recommendation


@dataclass
class Provenance:
    action: Action
    resolution: Resolution
    recommendation: Recommendation | None = None
    #: Board decisions, oldest first, each with the versions it compared when it amended.
    decisions: list[dict] = field(default_factory=list)
    #: (link, kind label, title, url) of each piece of evidence that still exists.
    citations: list[tuple[Any, str, str, str]] = field(default_factory=list)


def provenance(action: Action) -> Provenance:
    from sip.board.models import BoardDecision, DecisionKind
    from sip.working_groups.diff import render_sides

    resolution = action.resolution
    out = Provenance(action=action, resolution=resolution)
    rec = resolution.recommendation
    if rec is None:
        return out
    out.recommendation = rec
    versions = {v.id: v for v in rec.versions}
    decisions = db.session.scalars(
        sa.select(BoardDecision)
        .where(BoardDecision.recommendation_id == rec.id)
        .options(so.selectinload(BoardDecision.votes))
        .order_by(BoardDecision.id)
    ).all()
    for d in decisions:
        entry: dict[str, Any] = {"decision": d, "diff": None}
        board_version = versions.get(d.version_id) if d.version_id else None
        if d.kind == DecisionKind.AMEND and d.carried and board_version is not None:
            group_version = rec.version(d.decided_version)
            if group_version is not None:
                entry["diff"] = {
                    "from": group_version,
                    "to": board_version,
                    "title": render_sides(group_version.title, board_version.title),
                    "text": render_sides(group_version.text, board_version.text),
                }
        out.decisions.append(entry)
    out.citations = evidence.resolve(rec.evidence)
    return out


@dataclass
class Outcome:
    recommendation: Recommendation
    resolutions: list[Resolution]
    actions: list[Action]


def led_to(kind: str, target_id: int) -> list[Outcome]:
    """What citing this target led to: public recommendations (submitted or later) citing it,
    with their closed resolutions and those resolutions' actions. Three queries."""
    recs = db.session.scalars(
        sa.select(Recommendation)
        .join(Evidence, Evidence.recommendation_id == Recommendation.id)
        .where(
            Evidence.kind == kind,
            Evidence.target_id == target_id,
            Recommendation.state.not_in(EDITABLE_STATES),
        )
        .distinct()
        .order_by(Recommendation.id)
    ).all()
    if not recs:
        return []
    resolutions = db.session.scalars(
        sa.select(Resolution)
        .where(
            Resolution.recommendation_id.in_([r.id for r in recs]),
            Resolution.state == ResolutionState.CLOSED,
        )
        .options(so.joinedload(Resolution.assembly).lazyload("*"))
        .order_by(Resolution.closed_at)
    ).all()
    actions = (
        db.session.scalars(
            sa.select(Action)
            .where(Action.resolution_id.in_([r.id for r in resolutions]))
            .options(so.lazyload(Action.resolution), so.lazyload(Action.owner))
            .order_by(Action.due_on, Action.id)
        ).all()
        if resolutions
        else []
    )
    out = []
    for rec in recs:
        mine = [r for r in resolutions if r.recommendation_id == rec.id]
        ids = {r.id for r in mine}
        out.append(Outcome(rec, mine, [a for a in actions if a.resolution_id in ids]))
    return out


def cited_publicly(kind: str, target_id: int) -> bool:
    """Whether a recommendation the public can read (submitted or later) cites the target."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists()
                .where(Evidence.kind == kind, Evidence.target_id == target_id)
                .where(Evidence.recommendation_id == Recommendation.id)
                .where(Recommendation.state.not_in(EDITABLE_STATES))
            )
        )
    )


def actions_of_recommendation(rec: Recommendation) -> list[Action]:
    """The actions carrying out a recommendation the assembly adopted, by due date."""
    return list(
        db.session.scalars(
            sa.select(Action)
            .join(Resolution, Resolution.id == Action.resolution_id)
            .where(Resolution.recommendation_id == rec.id)
            .order_by(Action.due_on, Action.id)
        )
    )
