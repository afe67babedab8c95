"""The tally: each resolution's result from its anonymous ballots (per college, weighted by
the rules), closing, recounting and certifying."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.assembly import rules
from sip.assembly.models import (
    Assembly,
    AssemblyParticipation,
    AssemblyState,
    Ballot,
    BallotApproval,
    Outcome,
    Resolution,
    ResolutionKind,
    ResolutionState,
)
from sip.assembly.rules import Choice, EmptyCollege, Scheme
from sip.assembly.services.attendance import quorum_of
from sip.assembly.services.voting_rules import resolution_rules
from sip.db import lock_row, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import College, Member
from sip.notifications.services import notify


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
