"""The board's rules, pure: terms of office, quorum, the outcome of a vote, the gender
balance. No Flask and no database here, so every rule is tested exhaustively
(``tests/board/test_rules.py``) and read by an auditor; the services apply them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


def term_end(start: date, years: int) -> date:
    """The last day of a term of ``years`` starting on ``start`` (a 29 February start
    ends on 28 February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without one
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def has_quorum(present: int, filled: int, fraction: Decimal) -> bool:
    """Quorum: more than ``fraction`` of the filled seats are present (more than half by
    default). No seat filled, no quorum."""
    return filled > 0 and Decimal(present) > Decimal(filled) * fraction


def quorum_needed(filled: int, fraction: Decimal) -> int:
    """The fewest members present that make quorum."""
    return int(Decimal(filled) * fraction) + 1 if filled else 0


@dataclass(frozen=True)
class Outcome:
    votes_for: int
    votes_against: int
    abstentions: int
    carried: bool
    #: The votes were tied and the chair's vote decided.
    by_casting_vote: bool = False


def outcome(
    votes: Mapping[int, Choice], *, chair_id: int | None = None, casting_vote: bool = False
) -> Outcome:
    """A simple majority of those voting (abstentions do not count): carried when more are
    for than against. A tie is lost, unless ``casting_vote`` lets the chair's vote decide."""
    counted = list(votes.values())
    yes = counted.count(Choice.FOR)
    no = counted.count(Choice.AGAINST)
    abstain = counted.count(Choice.ABSTAIN)
    if yes != no:
        return Outcome(yes, no, abstain, yes > no)
    chair = votes.get(chair_id) if chair_id is not None else None
    if casting_vote and chair in (Choice.FOR, Choice.AGAINST) and yes > 0:
        return Outcome(yes, no, abstain, chair == Choice.FOR, by_casting_vote=True)
    return Outcome(yes, no, abstain, False)


@dataclass(frozen=True)
class GenderBalance:
    sitting: int
    counts: dict[str, int]
    undeclared: int
    #: Genders (female, male) whose share of the sitting members is below the minimum.
    below: tuple[tuple[str, Decimal], ...]

    def share(self, gender: str) -> Decimal:
        if not self.sitting:
            return Decimal("0.0")
        return (Decimal(self.counts.get(gender, 0)) * 100 / self.sitting).quantize(Decimal("0.1"))


def gender_balance(genders: list[str | None], minimum: Decimal | None) -> GenderBalance:
    """Each gender's share of the sitting members, and which of women and men fall below
    ``minimum`` (a fraction, 0.4 in Smart's statutes; None: no rule). Undeclared genders
    count among the sitting but in no gender."""
    counts: dict[str, int] = {}
    for g in genders:
        if g:
            counts[g] = counts.get(g, 0) + 1
    balance = GenderBalance(len(genders), counts, sum(1 for g in genders if not g), ())
    if minimum is None or not genders:
        return balance
    below = tuple(
        (g.value, balance.share(g))
        for g in (Gender.FEMALE, Gender.MALE)
        if Decimal(counts.get(g, 0)) < Decimal(len(genders)) * minimum
    )
    return GenderBalance(balance.sitting, counts, balance.undeclared, below)
