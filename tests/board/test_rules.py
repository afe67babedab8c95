"""The board's pure rules: terms, quorum, the outcome of a vote, the gender balance."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sip.board.rules import (
    Choice,
    gender_balance,
    has_quorum,
    outcome,
    quorum_needed,
    term_end,
)

HALF = Decimal("0.5")


def test_a_term_ends_the_day_before_its_anniversary():
    assert term_end(date(2026, 6, 1), 4) == date(2030, 5, 31)
    assert term_end(date(2024, 2, 29), 4) == date(2028, 2, 28)  # 2028 has a 29th: no matter
    assert term_end(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_quorum_is_more_than_half_of_the_filled_seats():
    assert not has_quorum(9, 18, HALF)
    assert has_quorum(10, 18, HALF)
    assert not has_quorum(8, 17, HALF) and has_quorum(9, 17, HALF)
    assert not has_quorum(0, 0, HALF)
    assert quorum_needed(18, HALF) == 10 and quorum_needed(17, HALF) == 9
    assert has_quorum(12, 18, Decimal("0.66")) and not has_quorum(11, 18, Decimal("0.66"))


@given(st.integers(0, 200), st.integers(0, 200))
def test_quorum_needed_is_the_fewest_present_that_make_quorum(present, filled):
    needed = quorum_needed(filled, HALF)
    assert has_quorum(present, filled, HALF) == (filled > 0 and present >= needed)


def test_a_simple_majority_of_those_voting_carries():
    votes = {1: Choice.FOR, 2: Choice.FOR, 3: Choice.AGAINST, 4: Choice.ABSTAIN, 5: Choice.ABSTAIN}
    result = outcome(votes)
    assert (result.votes_for, result.votes_against, result.abstentions) == (2, 1, 2)
    assert result.carried and not result.by_casting_vote


def test_a_tie_is_lost_unless_the_chair_has_a_casting_vote():
    tie = {1: Choice.FOR, 2: Choice.AGAINST, 3: Choice.ABSTAIN}
    assert not outcome(tie).carried
    assert not outcome(tie, chair_id=1).carried  # no casting vote configured
    carried = outcome(tie, chair_id=1, casting_vote=True)
    assert carried.carried and carried.by_casting_vote
    lost = outcome(tie, chair_id=2, casting_vote=True)
    assert not lost.carried and lost.by_casting_vote
    # A chair who abstains has no casting vote to give; nobody voting is no majority.
    assert not outcome(tie, chair_id=3, casting_vote=True).carried
    assert not outcome({1: Choice.ABSTAIN}, chair_id=1, casting_vote=True).carried


@given(
    st.dictionaries(st.integers(1, 30), st.sampled_from(list(Choice)), max_size=18),
    st.integers(1, 30),
    st.booleans(),
)
def test_the_outcome_is_a_majority_of_for_over_against(votes, chair, casting):
    result = outcome(votes, chair_id=chair, casting_vote=casting)
    yes = sum(1 for v in votes.values() if v == Choice.FOR)
    no = sum(1 for v in votes.values() if v == Choice.AGAINST)
    assert result.votes_for + result.votes_against + result.abstentions == len(votes)
    if yes != no:
        assert result.carried == (yes > no) and not result.by_casting_vote
    elif result.carried:
        assert casting and votes.get(chair) == Choice.FOR


def test_the_gender_rule_reports_each_gender_below_its_share():
    sitting = ["female"] * 6 + ["male"] * 10 + [None, "other"]
    balance = gender_balance(sitting, Decimal("0.4"))
    assert balance.sitting == 18 and balance.undeclared == 1
    assert balance.share("female") == Decimal("33.3")
    assert balance.below == (("female", Decimal("33.3")),)
    assert gender_balance(["female"] * 8 + ["male"] * 10, Decimal("0.4")).below == ()
    assert gender_balance(sitting, None).below == ()
    assert gender_balance([], Decimal("0.4")).below == ()
