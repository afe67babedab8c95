"""The voting engine's rules: the worked example of DESIGN.md, every scheme, empty colleges,
abstentions, quorum, majorities, elections, and the properties any count must keep."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from sip.assembly.rules import (
    Choice,
    EmptyCollege,
    Majority,
    Rules,
    Scheme,
    ballot_weight,
    capped,
    capped_counts,
    elect,
    percent,
    quorum_reached,
    share_cap,
    shown_shares,
    tally,
)

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
WEIGHTS = {"A": Decimal("0.5"), "B": Decimal("0.3"), "C": Decimal("0.2")}
#: DESIGN.md's worked example: (for, against, abstain) per college.
EXAMPLE = {"A": (1200, 800, 100), "B": (40, 60, 5), "C": (3, 7, 0)}


def counts(table):
    return {k: {F: (f, f), A: (a, a), X: (x, x)} for k, (f, a, x) in table.items()}


def test_the_worked_example_is_rejected_weighted_and_adopted_one_member_one_vote():
    weighted = tally(Rules(Scheme.COLLEGE_WEIGHTED, WEIGHTS), counts(EXAMPLE))
    by_college = {c.college: c for c in weighted.colleges}
    assert by_college["A"].shares[F] == Fraction(60, 100)
    assert by_college["B"].shares[F] == Fraction(40, 100)
    assert by_college["C"].shares[F] == Fraction(30, 100)
    assert weighted.shares == {"for": Fraction(48, 100), "against": Fraction(52, 100)}
    assert not weighted.majority_reached
    plain = tally(Rules(Scheme.ONE_MEMBER_ONE_VOTE), counts(EXAMPLE))
    assert percent(plain.for_share) == Decimal("58.91")
    assert plain.majority_reached
    statute = tally(
        Rules(majority=Majority.THREE_QUARTERS),
        {"A": {F: (900, 900), A: (280, 280), X: (120, 120)}},
    )
    assert percent(statute.for_share) == Decimal("76.27") and statute.majority_reached


def test_majorities_at_their_edges():
    def share(yes, no, majority):
        return tally(Rules(majority=majority), {"A": {F: (yes, yes), A: (no, no)}}).majority_reached

    assert not share(50, 50, Majority.SIMPLE) and share(51, 49, Majority.SIMPLE)
    assert share(2, 1, Majority.TWO_THIRDS) and not share(199, 101, Majority.TWO_THIRDS)
    assert share(3, 1, Majority.THREE_QUARTERS) and not share(74, 26, Majority.THREE_QUARTERS)
    assert share(4, 1, Majority.FOUR_FIFTHS) and not share(79, 21, Majority.FOUR_FIFTHS)
    nobody = tally(Rules(), {"A": {X: (10, 10)}})
    assert not nobody.any_vote and not nobody.majority_reached


def test_abstentions_count_only_when_the_rules_say_so():
    given_ = {"A": {F: (60, 60), A: (40, 40), X: (30, 30)}}
    assert tally(Rules(), given_).majority_reached  # 60 of 100
    counted = tally(Rules(abstentions_count=True), given_)
    assert counted.for_share == Fraction(60, 130) and not counted.majority_reached
    assert sum(counted.shares.values()) == 1


def test_a_college_without_votes_is_left_out_or_counts_as_not_approving():
    table = {"A": (30, 10, 0), "B": (0, 0, 4), "C": (6, 4, 0)}
    left_out = tally(Rules(Scheme.COLLEGE_WEIGHTED, WEIGHTS), counts(table))
    # A 0.5 and C 0.2 re-normalised to 5/7 and 2/7: 5/7 × 3/4 + 2/7 × 3/5.
    assert left_out.for_share == Fraction(5, 7) * Fraction(3, 4) + Fraction(2, 7) * Fraction(3, 5)
    assert left_out.majority_reached
    kept = tally(
        Rules(Scheme.COLLEGE_WEIGHTED, WEIGHTS, empty_college=EmptyCollege.NOT_APPROVING),
        counts(table),
    )
    assert kept.shares["absent"] == Fraction(3, 10)
    assert kept.for_share == Fraction(1, 2) * Fraction(3, 4) + Fraction(2, 10) * Fraction(3, 5)
    assert not kept.majority_reached  # 0.495
    assert sum(kept.shares.values()) == 1


def test_per_share_capped_weighs_shares_with_nobody_above_the_cap():
    rules = Rules(Scheme.PER_SHARE_CAPPED, share_cap=Decimal("0.10"))
    assert ballot_weight(rules, 7) == 7 and ballot_weight(Rules(), 7) == 1
    ballots = [("A", F, 500)] + [("A", A, 10)] * 40 + [("B", F, 5)] * 20
    # 1,000 shares vote: the cap is 100; the big holder weighs 100, not 500.
    assert share_cap(rules, 1000) == 100
    result = tally(rules, capped_counts(rules, ballots))
    assert result.for_share == Fraction(100 + 100, 100 + 400 + 100)
    assert not result.majority_reached


def test_quorum_by_members_or_shares_and_none_at_a_second_convocation():
    assert quorum_reached(50, 100, Decimal("0.5")) and not quorum_reached(49, 100, Decimal("0.5"))
    assert quorum_reached(3, 0, None)
    assert not quorum_reached(0, 0, Decimal("0.1"))
    assert quorum_reached(Decimal(1250), Decimal(2500), Decimal("0.5"))


def test_shares_shown_sum_to_one_hundred():
    thirds = {"for": Fraction(1, 3), "against": Fraction(1, 3), "abstain": Fraction(1, 3)}
    shown = shown_shares(thirds)
    assert sum(shown.values()) == Decimal("100.00")
    assert sorted(shown.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_an_election_fills_the_seats_and_names_a_tie_for_the_last():
    result = elect({"ann": 30, "bob": 20, "cid": 20, "dee": 5}, 2)
    assert result.elected == ["ann"] and result.tied == ["bob", "cid"]
    clear = elect({"ann": 30, "bob": 20, "cid": 10}, 2)
    assert clear.elected == ["ann", "bob"] and clear.tied == []
    assert elect({"ann": 3}, 2).elected == ["ann"]
    assert elect({"ann": 0, "bob": 0}, 1).elected == []


# -- properties ------------------------------------------------------------------------------

college = st.sampled_from(["A", "B", "C"])
choice = st.sampled_from(list(Choice))
ballots = st.lists(st.tuples(college, choice, st.integers(1, 50)), max_size=60)
weights = st.fixed_dictionaries(
    {k: st.decimals(min_value="0.1", max_value="0.5", places=2) for k in "ABC"}
)
schemes = st.sampled_from(list(Scheme))
majorities = st.sampled_from(list(Majority))


def cast(rules, given_ballots):
    """Counts from (college, choice, member's shares), each ballot weighing what the scheme
    gives it."""
    return capped_counts(rules, [(k, c, ballot_weight(rules, n)) for k, c, n in given_ballots])


def rules_for(scheme, college_weights, majority, abstentions=False, empty=EmptyCollege.RENORMALISE):
    return Rules(
        scheme,
        college_weights,
        empty_college=empty,
        share_cap=Decimal("0.10"),
        abstentions_count=abstentions,
        majority=majority,
    )


@given(ballots, schemes, weights, majorities, st.booleans(), st.sampled_from(list(EmptyCollege)))
def test_weighted_shares_sum_to_exactly_one(given_ballots, scheme, w, majority, abstain, empty):
    rules = rules_for(scheme, w, majority, abstain, empty)
    result = tally(rules, cast(rules, given_ballots))
    if result.any_vote:
        assert sum(result.shares.values()) == 1
        assert sum(shown_shares(result.shares).values()) == 100
    else:
        assert not result.majority_reached


@given(ballots, majorities)
def test_weights_proportional_to_college_sizes_give_the_same_outcome(given_ballots, majority):
    plain_rules = Rules(majority=majority)
    plain = tally(plain_rules, cast(plain_rules, given_ballots))
    sizes = {}
    for k, c, _w in given_ballots:
        if c != Choice.ABSTAIN:
            sizes[k] = sizes.get(k, 0) + 1
    assume(sizes)
    total = sum(sizes.values())
    # Weights exactly proportional to the counted votes of each college (as fractions).
    proportional = {k: Fraction(n, total) for k, n in sizes.items()}
    weighted_rules = Rules(Scheme.COLLEGE_WEIGHTED, proportional, majority=majority)
    weighted = tally(weighted_rules, cast(plain_rules, given_ballots))
    assert weighted.for_share == plain.for_share
    assert weighted.majority_reached == plain.majority_reached


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=80))
def test_nobody_weighs_more_than_the_cap(shares):
    rules = Rules(Scheme.PER_SHARE_CAPPED, share_cap=Decimal("0.10"))
    cap = share_cap(rules, sum(shares))
    assert all(capped(s, cap) <= cap for s in shares)
    assert all(capped(s, cap) == min(Fraction(s), cap) for s in shares)


@given(
    ballots,
    schemes,
    weights,
    majorities,
    st.integers(1, 30),
    college,
    st.sampled_from(list(EmptyCollege)),
    st.integers(1, 500),
)
def test_uncounted_abstentions_never_change_the_outcome(
    given_ballots, scheme, w, majority, extra, where, empty, shares
):
    rules = rules_for(scheme, w, majority, abstentions=False, empty=empty)
    before = tally(rules, cast(rules, given_ballots))
    after_ballots = given_ballots + [(where, Choice.ABSTAIN, shares)] * extra
    after = tally(rules, cast(rules, after_ballots))
    assert after.majority_reached == before.majority_reached
    assert after.for_share == before.for_share


@given(
    ballots,
    schemes,
    weights,
    majorities,
    st.booleans(),
    college,
    st.integers(1, 50),
    st.sampled_from(list(EmptyCollege)),
)
def test_one_more_ballot_for_never_turns_adopted_into_rejected(
    given_ballots, scheme, w, majority, abstain, where, weight, empty
):
    rules = rules_for(scheme, w, majority, abstain, empty)
    before = tally(rules, cast(rules, given_ballots))
    after = tally(rules, cast(rules, [*given_ballots, (where, F, weight)]))
    if before.majority_reached:
        assert after.majority_reached
    assert after.for_share >= before.for_share
