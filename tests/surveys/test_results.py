"""Results: the SQL aggregates equal tallies computed here from the answers given, for
everyone and by college; a constant number of queries whatever the number of responses."""

import random
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sip.db import local_today
from sip.extensions import db
from sip.surveys import results, services
from sip.surveys.models import Answer, Response
from sip.surveys.rules import Kind
from tests import factories


@pytest.fixture
def survey(world):
    w = world
    s = services.create_survey(w.moderator, title="Services 2016")
    w.q = {
        "single": services.add_question(
            s,
            w.moderator,
            kind=Kind.SINGLE,
            text="Office",
            options=["A", "B", "C"],
            allow_other=True,
        ),
        "multiple": services.add_question(
            s, w.moderator, kind=Kind.MULTIPLE, text="Used", options=["x", "y", "z"]
        ),
        "likert": services.add_question(s, w.moderator, kind=Kind.LIKERT, text="Satisfied"),
        "rating": services.add_question(s, w.moderator, kind=Kind.RATING, text="Recommend"),
        "number": services.add_question(s, w.moderator, kind=Kind.NUMBER, text="Invoices"),
        "date": services.add_question(s, w.moderator, kind=Kind.DATE, text="Since"),
        "text": services.add_question(s, w.moderator, kind=Kind.SHORT_TEXT, text="Word"),
        "ranking": services.add_question(
            s, w.moderator, kind=Kind.RANKING, text="Rank", options=["p", "q", "r"]
        ),
        "matrix": services.add_question(
            s, w.moderator, kind=Kind.MATRIX, text="Rate", rows=["speed", "price"]
        ),
    }
    services.publish(s, w.moderator)
    return s


def _random_answers(w, rng):
    q = w.q
    single = q["single"].choices
    raw = {
        q["multiple"].id: {"options": rng.sample([o.id for o in q["multiple"].choices], 2)},
        q["likert"].id: {"value": rng.randint(1, 5)},
        q["rating"].id: {"value": rng.randint(0, 10)},
        q["number"].id: {"value": str(rng.choice([0, 2, 5, 12]))},
        q["date"].id: {"value": rng.choice(["2015-01-01", "2016-03-01"])},
        q["text"].id: {"text": rng.choice(["good", "slow"])},
        q["ranking"].id: {"order": rng.sample([o.id for o in q["ranking"].choices], 3)},
        q["matrix"].id: {"rows": {r.id: rng.randint(1, 5) for r in q["matrix"].rows}},
    }
    if rng.random() < 0.2:
        raw[q["single"].id] = {"other": "Elsewhere"}
    else:
        raw[q["single"].id] = {"option": rng.choice(single).id}
    return raw


def test_results_equal_the_tallies_of_the_answers_given(world, survey):
    w = world
    rng = random.Random(4)
    people = [factories.member(w.colleges[c], w.offices["BXL"]) for c in "AAAABBC" * 3]
    given = {}
    for person in people:
        raw = _random_answers(w, rng)
        services.submit(survey, person, raw)
        given[person.id] = (person.college_id, raw)
    everyone = results.compute(survey)[None]
    assert everyone.responses == len(people)
    q = w.q

    def tally(pick, college=None):
        return Counter(
            v for c, raw in given.values() if college is None or c == college for v in pick(raw)
        )

    single = everyone.questions[q["single"].id]
    chosen = q["single"].id
    assert single.counts == dict(
        tally(lambda r: [r[chosen]["option"]] if "option" in r[chosen] else [])
    )
    assert single.other == sum(1 for _c, r in given.values() if "other" in r[q["single"].id])
    assert single.respondents == len(people)
    multiple = everyone.questions[q["multiple"].id]
    assert multiple.counts == dict(tally(lambda r: r[q["multiple"].id]["options"]))
    rating = everyone.questions[q["rating"].id]
    ratings = tally(lambda r: [r[q["rating"].id]["value"]])
    assert rating.distribution == dict(ratings)
    promoters = sum(n for v, n in ratings.items() if v >= 9)
    detractors = sum(n for v, n in ratings.items() if v <= 6)
    assert rating.nps == (Decimal(promoters - detractors) * 100 / len(people)).quantize(
        Decimal("0.1")
    )
    number = everyone.questions[q["number"].id]
    assert number.distribution == {
        Decimal(k): v for k, v in tally(lambda r: [int(r[q["number"].id]["value"])]).items()
    }
    dates = everyone.questions[q["date"].id]
    assert dates.distribution == {
        date.fromisoformat(k): v for k, v in tally(lambda r: [r[q["date"].id]["value"]]).items()
    }
    ranking = everyone.questions[q["ranking"].id]
    for option in q["ranking"].choices:
        positions = [r[q["ranking"].id]["order"].index(option.id) + 1 for _c, r in given.values()]
        expected = (Decimal(sum(positions)) / len(positions)).quantize(Decimal("0.01"))
        assert ranking.average_ranks[option.id] == expected
    matrix = everyone.questions[q["matrix"].id]
    speed = q["matrix"].rows[0].id
    assert matrix.row(speed) == dict(tally(lambda r: [r[q["matrix"].id]["rows"][speed]]))

    by_college = results.compute(survey, by="college")
    b = w.colleges["B"].id
    assert by_college[b].responses == sum(1 for c, _r in given.values() if c == b)
    assert by_college[b].questions[q["multiple"].id].counts == dict(
        tally(lambda r: r[q["multiple"].id]["options"], college=b)
    )
    assert sum(r.responses for r in by_college.values()) == len(people)
    # A filter keeps the same responses as that column of the breakdown.
    only_b = results.compute(survey, only=results.Only(college_id=b))[None]
    assert only_b.responses == by_college[b].responses
    assert (
        only_b.questions[q["multiple"].id].counts
        == by_college[b].questions[q["multiple"].id].counts
    )
    antwerp = results.Only(college_id=b, office_id=w.offices["ANT"].id)
    assert results.compute(survey, only=antwerp)[None].responses == 0
    assert results.compute(survey, by="office", only=antwerp) == {}


def test_no_response_gives_empty_results(world, survey):
    everyone = results.compute(survey)[None]
    assert everyone.responses == 0
    assert everyone.questions[world.q["rating"].id].nps is None


def test_texts_are_listed_a_page_at_a_time(world, survey):
    w = world
    rng = random.Random(1)
    for _ in range(5):
        services.submit(
            survey, factories.member(w.colleges["A"], w.offices["BXL"]), _random_answers(w, rng)
        )
    page, more = results.texts(w.q["text"], page=1, per_page=3)
    assert len(page) == 3 and more
    page, more = results.texts(w.q["text"], page=2, per_page=3)
    assert len(page) == 2 and not more


def _bulk_responses(survey, w, n):
    """``n`` responses written directly (the services' path is tested above)."""
    rng = random.Random(n)
    colleges = [c.id for c in w.colleges.values()]
    rating, multiple = w.q["rating"], w.q["multiple"]
    responses, answers = [], []
    for i in range(n):
        rid = f"{n:06d}{i:026d}"
        responses.append(
            {
                "id": rid,
                "survey_id": survey.id,
                "college_id": rng.choice(colleges),
                "office_id": w.offices["BXL"].id,
                "submitted_on": local_today(),
            }
        )
        answers.append({"response_id": rid, "question_id": rating.id, "number": rng.randint(0, 10)})
        answers.append(
            {"response_id": rid, "question_id": multiple.id, "option_id": multiple.choices[0].id}
        )
    db.session.execute(sa.insert(Response), responses)
    db.session.execute(sa.insert(Answer), answers)


@pytest.mark.parametrize("by", [None, "college", "office"])
def test_results_take_three_queries_at_50_and_at_2000_responses(world, survey, count_queries, by):
    _bulk_responses(survey, world, 50)
    with count_queries() as few:
        small = results.compute(survey, by=by)
    _bulk_responses(survey, world, 1950)
    with count_queries() as many:
        large = results.compute(survey, by=by)
    assert len(few) == len(many) == 3
    assert sum(r.responses for r in small.values()) == 50
    assert sum(r.responses for r in large.values()) == 2000


@pytest.mark.parametrize("by", ["college", "office"])
def test_a_breakdown_and_everyone_come_from_one_pass_and_agree(world, survey, count_queries, by):
    """The groups added up are everyone's results, to every count and respondent, in the
    three queries of one pass (not everyone's computed again)."""
    w = world
    rng = random.Random(7)
    offices = list(w.offices.values())
    for i, college in enumerate("AAAABBCC" * 3):
        person = factories.member(w.colleges[college], offices[i % len(offices)])
        services.submit(survey, person, _random_answers(w, rng))
    with count_queries() as statements:
        everyone, groups = results.compute_with_breakdown(survey, by)
    assert len(statements) == 3
    alone = results.compute(survey)[None]
    assert len(groups) > 1 and everyone.responses == alone.responses == 24
    for qid, expected in alone.questions.items():
        got = everyone.questions[qid]
        assert (got.respondents, got.counts, got.other, got.distribution, got.pairs) == (
            expected.respondents,
            expected.counts,
            expected.other,
            expected.distribution,
            expected.pairs,
        ), expected.question.kind


def test_the_results_page_by_office_runs_no_more_aggregates_than_without(
    client, auth, world, survey, count_queries
):
    _bulk_responses(survey, world, 60)
    auth.login_as(world.moderator)
    with count_queries() as plain:
        assert client.get(f"/surveys/{survey.id}/results").status_code == 200
    with count_queries() as by_office:
        page = client.get(f"/surveys/{survey.id}/results?by=office")
    assert page.status_code == 200

    def passes(statements):  # the costly part: aggregates over the answers
        return [s for s in statements if "GROUP BY" in s and "survey_answer" in s]

    assert len(passes(by_office)) == len(passes(plain)) == 2, passes(by_office)
