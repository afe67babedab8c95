"""Answering and reading results through the pages."""

import pytest
import sqlalchemy as sa

from sip.db import utcnow
from sip.extensions import db
from sip.surveys import services
from sip.surveys.models import Draft, Response, ResultsVisibility
from sip.surveys.rules import Kind


@pytest.fixture
def survey(world):
    w = world
    s = services.create_survey(
        w.moderator,
        title="Quality of our services",
        intro="Tell us **honestly**.",
        results_visibility=ResultsVisibility.AFTER_ANSWER,
    )
    w.used = services.add_question(
        s,
        w.moderator,
        kind=Kind.SINGLE,
        text="Did you use the toolbox?",
        options=["Yes", "No"],
        required=True,
        allow_other=True,
    )
    w.why = services.add_question(
        s,
        w.moderator,
        kind=Kind.LONG_TEXT,
        text="What did you like?",
        condition=w.used.choices[0],
        required=True,
    )
    w.many = services.add_question(
        s,
        w.moderator,
        kind=Kind.MULTIPLE,
        text="Which tools?",
        options=["Invoices", "Expenses", "Contracts"],
        max_choices=2,
    )
    w.likert = services.add_question(s, w.moderator, kind=Kind.LIKERT, text="Satisfied?")
    w.score = services.add_question(s, w.moderator, kind=Kind.RATING, text="Recommend us?")
    w.amount = services.add_question(s, w.moderator, kind=Kind.NUMBER, text="Invoices a year")
    w.since = services.add_question(s, w.moderator, kind=Kind.DATE, text="Member since")
    w.word = services.add_question(s, w.moderator, kind=Kind.SHORT_TEXT, text="One word")
    w.rank = services.add_question(
        s, w.moderator, kind=Kind.RANKING, text="Rank", options=["Speed", "Price", "Advice"]
    )
    w.matrix = services.add_question(
        s, w.moderator, kind=Kind.MATRIX, text="Rate", rows=["Website", "Office"]
    )
    services.publish(s, w.moderator)
    return s


def _form(w, **changes):
    speed, price, advice = (o.id for o in w.rank.choices)
    data = {
        f"q{w.used.id}": str(w.used.choices[0].id),
        f"q{w.why.id}": "The advice.",
        f"q{w.many.id}": [str(w.many.choices[0].id), str(w.many.choices[2].id)],
        f"q{w.likert.id}": "4",
        f"q{w.score.id}": "9",
        f"q{w.amount.id}": "12,5",
        f"q{w.since.id}": "2015-06-01",
        f"q{w.word.id}": "Solidarity",
        f"q{w.rank.id}-{speed}": "2",
        f"q{w.rank.id}-{price}": "3",
        f"q{w.rank.id}-{advice}": "1",
        f"q{w.matrix.id}-{w.matrix.rows[0].id}": "5",
        f"q{w.matrix.id}-{w.matrix.rows[1].id}": "3",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_member_answers_every_kind_and_reads_the_results(client, auth, world, survey):
    w = world
    auth.login_as(w.member)
    page = client.get(f"/surveys/{survey.id}/answer").get_data(as_text=True)
    assert "<strong>honestly</strong>" in page
    assert "Only if you answered “Yes” to “Did you use the toolbox?”." in page
    response = client.post(f"/surveys/{survey.id}/answer", data=_form(w, submit="1"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/surveys/{survey.id}/results")
    results = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 response" in results
    assert "<svg" in results
    assert "Net Promoter Score" in results
    by_college = client.get(f"/surveys/{survey.id}/results?by=college").get_data(as_text=True)
    assert "A en" in by_college
    again = client.get(f"/surveys/{survey.id}/answer").get_data(as_text=True)
    assert "You have answered this questionnaire" in again


def test_refused_answers_are_shown_beside_their_questions(client, auth, world, survey):
    w = world
    auth.login_as(w.member)
    response = client.post(
        f"/surveys/{survey.id}/answer",
        data=_form(
            w,
            submit="1",
            **{
                f"q{w.score.id}": "11",
                f"q{w.why.id}": None,
                f"q{w.many.id}": [str(o.id) for o in w.many.choices],
                f"q{w.amount.id}": "many",
            },
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a value between 0 and 10." in html
    assert "This question needs an answer." in html
    assert "Choose at most 2." in html
    assert "Give a number, such as 12 or 12.5." in html
    assert 'value="Solidarity"' in html  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_saving_keeps_the_answers_for_later(client, auth, world, survey):
    w = world
    auth.login_as(w.member)
    response = client.post(
        f"/surveys/{survey.id}/answer", data={f"q{w.word.id}": "Later", "save": "1"}
    )
    assert response.status_code == 303
    assert db.session.get(Draft, {"survey_id": survey.id, "member_id": w.member.id})
    page = client.get(f"/surveys/{survey.id}/answer").get_data(as_text=True)
    assert 'value="Later"' in page
    assert "Answers saved" in page


def test_results_wait_for_an_answer_and_closed_questionnaires_take_none(
    client, auth, world, survey
):
    w = world
    auth.login_as(w.member)
    assert client.get(f"/surveys/{survey.id}/results").status_code == 403
    survey.closes_at = utcnow()
    db.session.flush()
    response = client.post(f"/surveys/{survey.id}/answer", data=_form(w, submit="1"))
    assert response.status_code == 422
    assert "This questionnaire is closed" in response.get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}/results").status_code == 200  # closed: readable


def test_the_list_shows_what_is_open_and_what_can_be_read(client, auth, world, survey):
    auth.login_as(world.member)
    html = client.get("/surveys/").get_data(as_text=True)
    assert f'href="/surveys/{survey.id}/answer"' in html


def test_texts_are_listed(client, auth, world, survey):
    w = world
    auth.login_as(w.member)
    client.post(f"/surveys/{survey.id}/answer", data=_form(w, submit="1"))
    html = client.get(f"/surveys/{survey.id}/questions/{w.word.id}/texts").get_data(as_text=True)
    assert "Solidarity" in html
    assert client.get(f"/surveys/{survey.id}/questions/999999/texts").status_code == 404


def _bulk(survey, w, n):
    from sip.db import local_today
    from sip.surveys.models import Answer

    colleges = [c.id for c in w.colleges.values()]
    responses = [
        {
            "id": f"{n:06d}{i:026d}",
            "survey_id": survey.id,
            "college_id": colleges[i % 3],
            "office_id": w.offices["BXL"].id,
            "submitted_on": local_today(),
        }
        for i in range(n)
    ]
    db.session.execute(sa.insert(Response), responses)
    db.session.execute(
        sa.insert(Answer),
        [
            {"response_id": r["id"], "question_id": w.score.id, "number": i % 11}
            for i, r in enumerate(responses)
        ]
        + [
            {
                "response_id": r["id"],
                "question_id": w.many.id,
                "option_id": w.many.choices[i % 3].id,
            }
            for i, r in enumerate(responses)
        ],
    )


@pytest.mark.parametrize("by", ["", "college", "office"])
def test_the_results_page_runs_as_many_queries_at_50_and_2000_responses(
    client, auth, world, survey, count_queries, by
):
    w = world
    auth.login_as(w.moderator)
    _bulk(survey, w, 50)
    with count_queries() as few:
        html = client.get(f"/surveys/{survey.id}/results?by={by}").get_data(as_text=True)
    assert "50 responses" in html
    _bulk(survey, w, 1950)
    with count_queries() as many:
        html = client.get(f"/surveys/{survey.id}/results?by={by}").get_data(as_text=True)
    assert "2000 responses" in html
    assert len(many) == len(few)


def _spread(survey, w, groups):
    """Responses (score 9, 12 invoices, a date, a ranking, a matrix) in the given
    (college code, office code, how many) groups."""
    from datetime import date

    from sip.db import local_today
    from sip.surveys.models import Answer

    responses, answers = [], []
    for college, office, n in groups:
        for i in range(n):
            rid = f"{college}{office}{i:028d}"
            responses.append(
                {
                    "id": rid,
                    "survey_id": survey.id,
                    "college_id": w.colleges[college].id,
                    "office_id": w.offices[office].id,
                    "submitted_on": local_today(),
                }
            )
            answers += [
                {"response_id": rid, "question_id": w.score.id, "number": 9},
                {"response_id": rid, "question_id": w.amount.id, "number": 10 + i},
                {"response_id": rid, "question_id": w.since.id, "day": date(2015, 1 + i, 3)},
                {"response_id": rid, "question_id": w.matrix.id, "option_id": w.matrix.rows[0].id}
                | {"number": 4},
            ]
            answers += [
                {"response_id": rid, "question_id": w.rank.id, "option_id": o.id, "number": p}
                for p, o in enumerate(w.rank.choices, start=1)
            ]
    db.session.execute(sa.insert(Response), responses)
    db.session.execute(sa.insert(Answer), answers)


def _summary(client, survey, query=""):
    import csv
    import io

    text = client.get(f"/surveys/{survey.id}/summary.csv{query}").get_data(as_text=True)
    return list(csv.reader(io.StringIO(text)))


def test_results_filter_by_category_and_office_and_withhold_small_groups(
    client, auth, world, survey
):
    w = world
    survey.anonymous = True
    _spread(survey, w, [("A", "BXL", 6), ("B", "BXL", 2), ("C", "ANT", 4)])
    db.session.commit()
    auth.login_as(w.moderator)
    url = f"/surveys/{survey.id}/results"

    only_a = client.get(f"{url}?college={w.colleges['A'].id}").get_data(as_text=True)
    assert "6 responses" in only_a and "Only the responses of:" in only_a
    addressed = services.audience_size(survey, w.colleges["A"].id)
    assert f"of {addressed} members addressed" in only_a

    # Antwerp has four responses: fewer than five, so its results are not shown.
    antwerp = client.get(f"{url}?office={w.offices['ANT'].id}").get_data(as_text=True)
    assert "Fewer than 5 responses match this filter" in antwerp
    assert "Net Promoter Score" not in antwerp
    assert _summary(client, survey, f"?office={w.offices['ANT'].id}")[1:] == []

    # Side by side: A is shown with its response rate; B (2) and C (4) are withheld.
    by_college = client.get(f"{url}?by=college").get_data(as_text=True)
    assert "Responses by member category" in by_college
    assert "Not shown apart, with fewer than 5 responses each" in by_college
    assert "B en, C en" in by_college
    groups = {row[0] for row in _summary(client, survey, "?by=college")[1:]}
    assert groups == {"everyone", "A en"}

    # A filter and a breakdown together: Brussels by category.
    brussels = client.get(f"{url}?office={w.offices['BXL'].id}&by=college")
    assert "8 responses" in brussels.get_data(as_text=True)

    # Every kind has its chart: a histogram of numbers, dates by month, stacked bars for the
    # ranking and the matrix.
    everyone = client.get(url).get_data(as_text=True)
    for q in (w.score, w.amount, w.since, w.rank, w.matrix):
        assert f'id="chart-{q.id}-title"' in everyone, q.text
    assert "Rank 1" in everyone and "Jan 2015" in everyone


def test_organisers_of_a_named_questionnaire_see_every_group(client, auth, world, survey):
    w = world
    survey.anonymous = False
    _spread(survey, w, [("A", "BXL", 6), ("B", "BXL", 2)])
    db.session.commit()
    url = f"/surveys/{survey.id}/results?by=college"
    auth.login_as(w.moderator)
    organiser = client.get(url).get_data(as_text=True)
    assert "Not shown apart" not in organiser
    assert {row[0] for row in _summary(client, survey, "?by=college")[1:]} == {
        "everyone",
        "A en",
        "B en",
    }
    # A member who answered sees the results, but not a group of two apart.
    services.submit(survey, w.member, {w.used.id: {"option": w.used.choices[1].id}})
    db.session.commit()
    auth.logout()
    auth.login_as(w.member)
    member = client.get(url).get_data(as_text=True)
    assert "Not shown apart" in member and "B en" in member.split("Not shown apart")[1]
