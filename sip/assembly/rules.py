"""The voting engine's rules, pure (DESIGN.md, "Governance rules"): the weight of a ballot,
the tally of a resolution under each weighting scheme, quorum and majorities, and the
result of a board election.

No Flask and no database here, and no float anywhere: the arithmetic is exact, with
rational numbers (``fractions.Fraction``), so that shares sum to exactly 1 and a result at
the edge of a majority is never decided by a rounding. Every figure shown is a ``Decimal``.
The database gives the counts (``SUM`` of the weights per college and choice); this module
decides. ``tests/assembly/test_rules.py`` holds the worked example and the properties.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction


class Scheme(StrEnum):
    #: Every ballot weighs 1 (Smart Belgium's statutes).
    ONE_MEMBER_ONE_VOTE = "one_member_one_vote"
    #: Each college holds a configured share of the vote (French SCIC: 10 % to 50 % each).
    COLLEGE_WEIGHTED = "college_weighted"
    #: One vote per share, nobody above a cap (accredited Belgian co-operatives: 10 %).
    PER_SHARE_CAPPED = "per_share_capped"


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class EmptyCollege(StrEnum):
    """A college in which no vote counted, under ``college_weighted``."""

    #: Left out; the other colleges' weights are re-normalised to sum to 1.
    RENORMALISE = "renormalise"
    #: Its weight stays in the total: an absent college counts as not approving.
    NOT_APPROVING = "not_approving"


class Majority(StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    THREE_QUARTERS = "three_quarters"
    FOUR_FIFTHS = "four_fifths"


#: The share of the weighted votes "for" each majority needs: strictly more than a half for
#: a simple majority, at least the fraction for the others.
MAJORITY_FRACTIONS = {
    Majority.SIMPLE: Fraction(1, 2),
    Majority.TWO_THIRDS: Fraction(2, 3),
    Majority.THREE_QUARTERS: Fraction(3, 4),
    Majority.FOUR_FIFTHS: Fraction(4, 5),
}


class QuorumBasis(StrEnum):
    MEMBERS = "members"
    SHARES = "shares"


@dataclass(frozen=True)
class Rules:
    scheme: Scheme = Scheme.ONE_MEMBER_ONE_VOTE
    #: ``college_weighted``: each college's share of the vote (they need not sum to 1: they
    #: are normalised).
    college_weights: Mapping[object, Decimal] = field(default_factory=dict)
    empty_college: EmptyCollege = EmptyCollege.RENORMALISE
    #: ``per_share_capped``: nobody above this fraction of the shares voting (e.g. 0.10).
    share_cap: Decimal | None = None
    #: Abstentions count in the total (then they weigh like "against"); by default they count
    #: for neither side.
    abstentions_count: bool = False
    majority: Majority = Majority.SIMPLE


def _exact(value) -> Fraction:
    """An exact number from an int, a Decimal, a Fraction or a decimal string (never a float)."""
    if isinstance(value, float):
        raise TypeError("the voting engine takes no floats")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    return Fraction(Decimal(value))


def ballot_weight(rules: Rules, shares: int) -> int:
    """The weight a ballot carries when cast: 1, or the member's shares under
    ``per_share_capped`` (capped at the tally, when the total is known)."""
    return shares if rules.scheme == Scheme.PER_SHARE_CAPPED else 1


def share_cap(rules: Rules, total_shares: Decimal | int) -> Fraction | None:
    """The most any ballot may weigh under ``per_share_capped``: the cap times the shares of
    the ballots that count on the resolution (present or represented; abstentions only when
    they count, so that an abstention that does not count changes nothing)."""
    if rules.scheme != Scheme.PER_SHARE_CAPPED or rules.share_cap is None:
        return None
    return _exact(rules.share_cap) * _exact(total_shares)


def capped(weight: int | Decimal, cap: Fraction | None) -> Fraction:
    value = _exact(weight)
    return value if cap is None else min(value, cap)


@dataclass(frozen=True)
class CollegeTally:
    college: object
    #: Ballots per choice, and their weight per choice (after any cap).
    ballots: dict[Choice, int]
    weights: dict[Choice, Fraction]
    #: The college's weight in the result (``college_weighted``; else its share of the
    #: counted weight), 0 when it is left out.
    weight: Fraction
    #: Each choice's share of the college's counted votes.
    shares: dict[Choice, Fraction]

    @property
    def counted(self) -> bool:
        return self.weight > 0 or sum(self.shares.values()) > 0


@dataclass(frozen=True)
class Tally:
    rules: Rules
    colleges: list[CollegeTally]
    #: Each option's weighted share of the votes that count; with ``NOT_APPROVING`` empty
    #: colleges, "absent" holds their weight. They sum to exactly 1 when any vote counted.
    shares: dict[str, Fraction]
    #: The share "for" of the decisive total (for and against, and abstentions when they
    #: count, and absent colleges when they count as not approving).
    for_share: Fraction
    any_vote: bool
    majority_reached: bool

    @property
    def ballots(self) -> int:
        return sum(sum(c.ballots.values()) for c in self.colleges)


def _counted_choices(rules: Rules) -> tuple[Choice, ...]:
    if rules.abstentions_count:
        return (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN)
    return (Choice.FOR, Choice.AGAINST)


def tally(
    rules: Rules,
    counts: Mapping[object, Mapping[Choice, tuple[int, Fraction | Decimal | int]]],
) -> Tally:
    """The weighted result of one resolution from ``counts``: {college: {choice: (ballots,
    summed weight)}} (weights already capped under ``per_share_capped``; see
    ``capped_counts``). Colleges without any ballot may be given or not.

    - ``one_member_one_vote`` and ``per_share_capped``: each choice's share of the weight
      counted over every college.
    - ``college_weighted``: within a college, each choice's share of the college's counted
      votes times the college's weight, summed over the colleges; a college without a counted
      vote is left out (weights re-normalised) or counts as not approving.
    """
    counted = _counted_choices(rules)
    colleges = set(counts) | set(
        rules.college_weights if rules.scheme == Scheme.COLLEGE_WEIGHTED else ()
    )
    per_college: dict[object, dict[Choice, tuple[int, Fraction]]] = {}
    for college in colleges:
        given = counts.get(college, {})
        per_college[college] = {
            c: (int(given.get(c, (0, 0))[0]), _exact(given.get(c, (0, 0))[1])) for c in Choice
        }
    totals = {c: sum((per_college[k][c][1] for k in per_college), Fraction(0)) for c in Choice}
    results: list[CollegeTally] = []
    shares: dict[str, Fraction] = {c.value: Fraction(0) for c in counted}
    if rules.scheme == Scheme.COLLEGE_WEIGHTED:
        raw = {k: _exact(rules.college_weights.get(k, 0)) for k in per_college}
        base = {k: sum((per_college[k][c][1] for c in counted), Fraction(0)) for k in per_college}
        present = [k for k in per_college if base[k] > 0 and raw[k] > 0]
        if rules.empty_college == EmptyCollege.RENORMALISE:
            total_weight = sum((raw[k] for k in present), Fraction(0))
        else:
            total_weight = sum(raw.values(), Fraction(0))
        absent = Fraction(0)
        for k in sorted(per_college, key=str):
            weight = (
                raw[k] / total_weight
                if total_weight
                and (k in present or rules.empty_college == EmptyCollege.NOT_APPROVING)
                else Fraction(0)
            )
            college_shares = {
                c: (per_college[k][c][1] / base[k] if base[k] else Fraction(0)) for c in counted
            }
            if k in present:
                for c in counted:
                    shares[c.value] += weight * college_shares[c]
            else:
                absent += weight
            results.append(
                CollegeTally(
                    k,
                    {c: per_college[k][c][0] for c in Choice},
                    {c: per_college[k][c][1] for c in Choice},
                    weight if k in present else Fraction(0),
                    college_shares,
                )
            )
        any_vote = bool(present)
        if absent and any_vote:
            shares["absent"] = absent
    else:
        whole = sum((totals[c] for c in counted), Fraction(0))
        any_vote = whole > 0
        for c in counted:
            shares[c.value] = totals[c] / whole if whole else Fraction(0)
        for k in sorted(per_college, key=str):
            base = sum((per_college[k][c][1] for c in counted), Fraction(0))
            results.append(
                CollegeTally(
                    k,
                    {c: per_college[k][c][0] for c in Choice},
                    {c: per_college[k][c][1] for c in Choice},
                    base / whole if whole else Fraction(0),
                    {c: (per_college[k][c][1] / base if base else Fraction(0)) for c in counted},
                )
            )
    for_share = shares[Choice.FOR.value] if any_vote else Fraction(0)
    needed = MAJORITY_FRACTIONS[rules.majority]
    if rules.majority == Majority.SIMPLE:
        reached = any_vote and for_share > needed
    else:
        reached = any_vote and for_share >= needed
    if not any_vote:
        shares = {key: Fraction(0) for key in shares}
    return Tally(rules, results, shares, for_share, any_vote, reached)


def capped_counts(
    rules: Rules, ballots: list[tuple[object, Choice, int]]
) -> dict[object, dict[Choice, tuple[int, Fraction]]]:
    """Counts for ``tally`` from single ballots (college, choice, weight), each weight
    capped under ``per_share_capped``; the database does the same in one GROUP BY."""
    counted = _counted_choices(rules)
    cap = share_cap(rules, sum(w for _c, ch, w in ballots if ch in counted))
    out: dict[object, dict[Choice, tuple[int, Fraction]]] = {}
    for college, choice, weight in ballots:
        n, w = out.setdefault(college, {}).get(choice, (0, Fraction(0)))
        out[college][choice] = (n + 1, w + capped(weight, cap))
    return out


def quorum_reached(present: int | Decimal, total: int | Decimal, fraction: Decimal | None) -> bool:
    """Members (or shares) present or represented against all of them: at least ``fraction``.
    None: no quorum (a second convocation)."""
    if fraction is None:
        return True
    return total > 0 and _exact(present) >= _exact(fraction) * _exact(total)


def percent(value: Fraction, places: int = 2) -> Decimal:
    """A share as a percentage to show, rounded half up."""
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown_shares(shares: Mapping[str, Fraction], places: int = 2) -> dict[str, Decimal]:
    """Shares as percentages that still sum to exactly 100 (largest remainders get the
    rounding), or all zero when nothing counted."""
    if not shares or sum(shares.values()) == 0:
        return {k: Decimal(0).quantize(Decimal(1).scaleb(-places)) for k in shares}
    unit = Fraction(1, 100 * 10**places)
    floors = {k: (v // unit) for k, v in shares.items()}
    left = int(Fraction(1) / unit) - sum(floors.values())
    order = sorted(shares, key=lambda k: (shares[k] - floors[k] * unit, k), reverse=True)
    for k in order[:left]:
        floors[k] += 1
    step = Decimal(1).scaleb(-places)
    return {k: (Decimal(int(floors[k])) * step).quantize(step) for k in shares}


@dataclass(frozen=True)
class Election:
    #: Candidates in order of their weighted approvals, most first.
    ranking: list[tuple[object, Fraction]]
    elected: list[object]
    #: Candidates tied for the last seat (the assembly must decide between them).
    tied: list[object]


def elect(approvals: Mapping[object, Fraction | Decimal | int], seats: int) -> Election:
    """The ``seats`` candidates with the most (weighted) approvals; a tie for the last seat
    elects nobody among the tied and names them."""
    ranking = sorted(
        ((k, _exact(v)) for k, v in approvals.items()),
        key=lambda kv: (-kv[1], str(kv[0])),
    )
    if seats <= 0 or not ranking:
        return Election(ranking, [], [])
    if len(ranking) <= seats:
        return Election(ranking, [k for k, v in ranking if v > 0], [])
    last = ranking[seats - 1][1]
    above = [k for k, v in ranking if v > last]
    at_last = [k for k, v in ranking if v == last]
    if len(above) + len(at_last) <= seats:
        return Election(ranking, above + at_last, [])
    if last == 0:
        return Election(ranking, above, [])
    return Election(ranking, above, at_last)
