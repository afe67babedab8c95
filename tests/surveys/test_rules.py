"""The pure rules of questionnaires: visibility, validation of every kind, statistics."""

import statistics
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sip.surveys.rules import (
    Kind,
    Problem,
    QuestionSpec,
    average_ranks,
    bins,
    check,
    mean,
    median,
    nps,
    percent,
    periods,
    shown,
    validate,
)

SINGLE = QuestionSpec(1, Kind.SINGLE, required=True, options=(10, 11, 12), allow_other=True)
#: Shown only when question 1 is answered with option 11.
FOLLOW_UP = QuestionSpec(2, Kind.SHORT_TEXT, required=True, condition=(1, 11))
#: Depends on the follow-up's being shown, through another single choice.
MULTIPLE = QuestionSpec(3, Kind.MULTIPLE, options=(20, 21, 22, 23), min_choices=1, max_choices=2)
NUMBER = QuestionSpec(4, Kind.NUMBER, min_value=Decimal(0), max_value=Decimal("100.5"))
RANKING = QuestionSpec(5, Kind.RANKING, options=(30, 31, 32))
MATRIX = QuestionSpec(6, Kind.MATRIX, required=True, rows=(40, 41))
LIKERT = QuestionSpec(7, Kind.LIKERT)
RATING = QuestionSpec(8, Kind.RATING)
DATE = QuestionSpec(9, Kind.DATE)
LONG = QuestionSpec(13, Kind.LONG_TEXT)
QUESTIONS = [SINGLE, FOLLOW_UP, MULTIPLE, NUMBER, RANKING, MATRIX, LIKERT, RATING, DATE, LONG]


def test_a_conditional_question_is_shown_only_for_its_option():
    assert 2 not in shown(QUESTIONS, {1: {"option": 10}})
    assert 2 in shown(QUESTIONS, {1: {"option": 11}})
    assert 2 not in shown(QUESTIONS, {})


def test_a_question_depending_on_a_hidden_question_is_hidden_too():
    second = QuestionSpec(20, Kind.SINGLE, options=(50, 51), condition=(1, 11))
    third = QuestionSpec(21, Kind.SHORT_TEXT, condition=(20, 50))
    questions = [SINGLE, second, third]
    assert 21 in shown(questions, {1: {"option": 11}, 20: {"option": 50}})
    assert 21 not in shown(questions, {1: {"option": 10}, 20: {"option": 50}})


def test_a_hidden_questions_answer_is_ignored_and_not_required():
    clean, problems = validate(
        QUESTIONS,
        {1: {"option": 10}, 2: {"text": "ignored"}, 6: {"rows": {40: 1, 41: 2}}},
    )
    assert 2 not in clean
    assert problems == {}


def test_a_shown_required_question_must_be_answered_on_submission_not_in_a_draft():
    raw = {1: {"option": 11}, 6: {"rows": {40: 1, 41: 2}}}
    _clean, problems = validate(QUESTIONS, raw)
    assert problems == {2: Problem("required")}
    _clean, draft_problems = validate(QUESTIONS, raw, final=False)
    assert draft_problems == {}


def test_answers_to_unknown_questions_are_dropped():
    clean, problems = validate(QUESTIONS, {999: {"text": "x"}, 1: {"option": 12}}, final=False)
    assert 999 not in clean
    assert problems == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"option": 11}, ({"option": 11}, None)),
        ({"option": "12"}, ({"option": 12}, None)),
        ({"option": 99}, (None, Problem("unknown_option"))),
        ({"other": "  A bakery  "}, ({"other": "A bakery"}, None)),
        ({"other": "x" * 301}, ({"other": "x" * 301}, Problem("too_long", {"max": 300}))),
        ("10", (None, Problem("invalid"))),
    ],
)
def test_single_choice(raw, expected):
    assert check(SINGLE, raw) == expected


def test_single_choice_without_other_refuses_words():
    q = QuestionSpec(1, Kind.SINGLE, options=(10,))
    assert check(q, {"other": "mine"}) == (None, Problem("unknown_option"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"options": [21, "20"]}, ({"options": [20, 21]}, None)),
        ({"options": [20, 21, 22]}, (None, Problem("too_many", {"max": 2}))),
        ({"options": [20, 20]}, (None, Problem("unknown_option"))),
        ({"options": [20, 77]}, (None, Problem("unknown_option"))),
        ({"options": "20"}, (None, Problem("invalid"))),
    ],
)
def test_multiple_choice(raw, expected):
    assert check(MULTIPLE, raw) == expected


def test_multiple_choice_minimum_counts_the_other_answer():
    q = QuestionSpec(3, Kind.MULTIPLE, options=(20, 21), allow_other=True, min_choices=2)
    assert check(q, {"options": [20]}) == (None, Problem("too_few", {"min": 2}))
    assert check(q, {"options": [20], "other": "Yoga"}) == (
        {"options": [20], "other": "Yoga"},
        None,
    )


@pytest.mark.parametrize(
    ("q", "value", "ok"),
    [
        (LIKERT, 1, True),
        (LIKERT, 5, True),
        (LIKERT, 0, False),
        (LIKERT, 6, False),
        (RATING, 0, True),
        (RATING, 10, True),
        (RATING, 11, False),
        (RATING, -1, False),
        (RATING, "7", True),
        (RATING, "7.5", False),
        (RATING, True, False),
    ],
)
def test_scales_accept_only_their_points(q, value, ok):
    answer, problem = check(q, {"value": value})
    assert (problem is None) == ok
    if ok:
        assert answer == {"value": int(value)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", ({"value": Decimal(42)}, None)),
        ("100,5", ({"value": Decimal("100.5")}, None)),
        ("100.6", (None, Problem("out_of_range", {"min": Decimal(0), "max": Decimal("100.5")}))),
        ("-1", (None, Problem("out_of_range", {"min": Decimal(0), "max": Decimal("100.5")}))),
        ("NaN", (None, Problem("not_a_number"))),
        ("Infinity", (None, Problem("not_a_number"))),
        ("1e400", (None, Problem("not_a_number"))),
        ("twelve", (None, Problem("not_a_number"))),
    ],
)
def test_numbers_within_their_bounds(value, expected):
    assert check(NUMBER, {"value": value}) == expected


def test_dates():
    assert check(DATE, {"value": "2016-05-12"}) == ({"value": date(2016, 5, 12)}, None)
    assert check(DATE, {"value": "12/05/2016"}) == (None, Problem("not_a_date"))
    assert check(DATE, {"value": "0001-01-01"}) == (None, Problem("not_a_date"))


def test_texts_are_trimmed_and_bounded():
    assert check(LONG, {"text": "  Yes.  "}) == ({"text": "Yes."}, None)
    assert check(LONG, {"text": "x" * 5001})[1] == Problem("too_long", {"max": 5000})


def test_ranking_must_order_every_option_once():
    assert check(RANKING, {"order": [32, 30, 31]}) == ({"order": [32, 30, 31]}, None)
    assert check(RANKING, {"order": [32, 30]}) == (None, Problem("rank_all"))
    assert check(RANKING, {"order": [32, 30, 30]}) == (None, Problem("rank_all"))
    assert check(RANKING, {"order": [32, 30, 99]}) == (None, Problem("rank_all"))


def test_a_required_matrix_rates_every_statement():
    assert check(MATRIX, {"rows": {"40": "5", "41": 1}}) == ({"rows": {40: 5, 41: 1}}, None)
    assert check(MATRIX, {"rows": {40: 5}}) == (None, Problem("rate_all"))
    assert check(MATRIX, {"rows": {40: 6, 41: 1}})[1].code == "out_of_range"
    assert check(MATRIX, {"rows": {99: 1}}) == (None, Problem("unknown_option"))


def test_nps_follows_its_definition():
    # 5 promoters, 3 passives, 2 detractors of 10: 50 % − 20 % = 30.
    counts = {10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1}
    assert nps(counts) == Decimal("30.0")
    assert nps({}) is None
    assert nps({10: 4}) == Decimal("100.0")
    assert nps({6: 4}) == Decimal("-100.0")


values = st.dictionaries(st.integers(0, 10), st.integers(1, 40), min_size=1)


@given(values)
def test_median_and_mean_equal_those_of_the_expanded_answers(counts):
    expanded = [v for v, c in counts.items() for _ in range(c)]
    assert median(counts) == Decimal(str(statistics.median(expanded))).quantize(Decimal("0.01"))
    assert abs(mean(counts) - Decimal(sum(expanded)) / len(expanded)) <= Decimal("0.005")


@given(values)
def test_nps_stays_between_minus_and_plus_100(counts):
    assert Decimal(-100) <= nps(counts) <= Decimal(100)


@given(st.lists(st.permutations([1, 2, 3, 4]), min_size=1, max_size=30))
def test_average_ranks_match_the_ballots_and_sum_to_the_triangle(orders):
    rank_counts: dict[tuple[int, int], int] = {}
    for order in orders:
        for rank, option in enumerate(order, start=1):
            rank_counts[(option, rank)] = rank_counts.get((option, rank), 0) + 1
    averages = average_ranks(rank_counts)
    for option in (1, 2, 3, 4):
        expected = Decimal(sum(o.index(option) + 1 for o in orders)) / len(orders)
        assert abs(averages[option] - expected) <= Decimal("0.005")
    assert abs(sum(averages.values()) - 10) <= Decimal("0.02")


def test_percent():
    assert percent(1, 3) == Decimal("33.3")
    assert percent(0, 0) == Decimal("0.0")


@given(st.dictionaries(st.integers(-1000, 100_000), st.integers(1, 50), min_size=1, max_size=60))
def test_whole_numbers_fall_each_in_one_histogram_bin(counts):
    found = bins(counts)
    assert 1 <= len(found) <= 10
    assert sum(n for _low, _high, n in found) == sum(counts.values())
    for value in counts:
        holding = [b for b in found if b[0] <= value <= b[1]]
        assert len(holding) == 1  # bins of whole numbers do not overlap
    assert found[0][0] == min(counts) and found[-1][1] >= max(counts)
    if len(counts) <= 10:
        assert [(low, n) for low, _high, n in found] == sorted(counts.items())


@given(
    st.dictionaries(
        st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
        st.integers(1, 9),
        min_size=11,
        max_size=40,
    )
)
def test_decimal_histograms_keep_every_answer_between_the_extremes(counts):
    found = bins(counts)
    assert len(found) <= 10
    assert sum(n for _low, _high, n in found) == sum(counts.values())
    assert found[0][0] == min(counts) and found[-1][1] == max(counts)


@given(
    st.dictionaries(st.dates(date(1900, 1, 1), date(9998, 12, 31)), st.integers(1, 9), min_size=1)
)
def test_dates_are_counted_by_period_without_loss(counts):
    unit, spans = periods(counts)
    assert sum(n for _first, _last, n in spans) == sum(counts.values())
    assert len(spans) <= (24 if unit == "month" else 30)
    for day in counts:
        assert len([s for s in spans if s[0] <= day <= s[1]]) == 1
    assert spans[0][2] > 0 and spans[-1][2] > 0


def test_dates_within_two_years_are_counted_by_month_with_empty_months():
    unit, spans = periods({date(2015, 11, 3): 2, date(2016, 2, 28): 1})
    assert unit == "month"
    assert [(first.isoformat(), n) for first, _last, n in spans] == [
        ("2015-11-01", 2),
        ("2015-12-01", 0),
        ("2016-01-01", 0),
        ("2016-02-01", 1),
    ]
    assert spans[-1][1] == date(2016, 2, 29)
