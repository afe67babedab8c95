"""Building a questionnaire in the pages: create, add questions and sections, reorder,
publish, correct texts after answers, new versions, exports."""

import csv
import io

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.extensions import db
from sip.surveys import services
from sip.surveys.models import Question, Survey, SurveyState
from sip.surveys.rules import Kind


def _create(client, title="Tools survey", **extra):
    data = {
        "title": title,
        "intro": "Why we ask.",
        "audience": "all",
        "anonymous": "y",
        "results_visibility": "after_close",
    }
    data.update(extra)
    return client.post("/surveys/new", data=data)


def test_a_moderator_builds_and_publishes_a_questionnaire(client, auth, world):
    w = world
    auth.login_as(w.moderator)
    response = _create(client)
    assert response.status_code == 303
    survey = db.session.scalar(sa.select(Survey).where(Survey.title == "Tools survey"))
    url = f"/surveys/{survey.id}"
    assert client.post(url + "/sections", data={"title": "Your activity"}).status_code == 303
    added = client.post(
        url + "/questions",
        data={
            "kind": "single",
            "text": "Do you invoice?",
            "options": "Yes\nNo\n",
            "required": "y",
            "section": "0",
            "condition": "0",
        },
    )
    assert added.status_code == 303
    first = db.session.scalar(sa.select(Question).where(Question.text == "Do you invoice?"))
    yes = first.choices[0]
    client.post(
        url + "/questions",
        data={
            "kind": "number",
            "text": "How many a year?",
            "min_value": "0",
            "section": "0",
            "condition": str(yes.id),
        },
    )
    client.post(
        url + "/questions",
        data={
            "kind": "matrix",
            "text": "Rate",
            "rows": "Speed\nPrice",
            "section": "0",
            "condition": "0",
        },
    )
    page = client.get(url + "/edit").get_data(as_text=True)
    assert "Do you invoice?" in page and "How many a year?" in page
    texts = [q.text for q in db.session.get(Survey, survey.id).questions]
    assert texts == ["Do you invoice?", "How many a year?", "Rate"]
    last = db.session.scalar(sa.select(Question).where(Question.text == "Rate"))
    assert client.post(f"{url}/questions/{last.id}/up").status_code == 303
    db.session.expire_all()
    assert [q.text for q in db.session.get(Survey, survey.id).questions] == [
        "Do you invoice?",
        "Rate",
        "How many a year?",
    ]
    assert client.post(url + "/publish").status_code == 303
    assert db.session.get(Survey, survey.id).state == SurveyState.PUBLISHED


def test_a_question_cannot_move_above_the_one_it_depends_on(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="T")
    first = services.add_question(
        survey, w.moderator, kind=Kind.SINGLE, text="A", options=["x", "y"]
    )
    second = services.add_question(
        survey, w.moderator, kind=Kind.SHORT_TEXT, text="B", condition=first.choices[0]
    )
    auth.login_as(w.moderator)
    response = client.post(f"/surveys/{survey.id}/questions/{second.id}/up")
    assert response.status_code == 422
    assert "must stay after the question it depends on" in response.get_data(as_text=True)


def _answer_page_order(client, survey, labels):
    """The labels, in the order the answer page shows them."""
    page = client.get(f"/surveys/{survey.id}/answer").get_data(as_text=True)
    return sorted(labels, key=page.index)


def test_options_move_by_buttons_and_by_a_dragged_order(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="Order")
    pick = services.add_question(
        survey, w.moderator, kind=Kind.SINGLE, text="Pick", options=["Alpha", "Bravo", "Charlie"]
    )
    rate = services.add_question(
        survey, w.moderator, kind=Kind.MATRIX, text="Rate", rows=["Speed", "Price"]
    )
    alpha, bravo, charlie = pick.choices
    auth.login_as(w.moderator)
    builder = client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert 'aria-label="Down: Alpha"' in builder and 'aria-label="Up: Alpha"' not in builder
    url = f"/surveys/{survey.id}/questions/{pick.id}/options"
    assert client.post(f"{url}/{alpha.id}/down").status_code == 303
    dragged = client.post(f"{url}/order", data={"order": f"{charlie.id},{alpha.id},{bravo.id}"})
    assert dragged.status_code == 303
    db.session.expire_all()
    assert [o.label for o in db.session.get(Question, pick.id).choices] == [
        "Charlie",
        "Alpha",
        "Bravo",
    ]
    speed, price = rate.rows
    rows_url = f"/surveys/{survey.id}/questions/{rate.id}/options"
    rows = client.post(f"{rows_url}/order", data={"order": f"{price.id},{speed.id}"})
    assert rows.status_code == 303
    services.publish(db.session.get(Survey, survey.id), w.moderator)
    db.session.commit()
    auth.login_as(w.member)
    assert _answer_page_order(client, survey, ["Alpha", "Bravo", "Charlie"]) == [
        "Charlie",
        "Alpha",
        "Bravo",
    ]
    assert _answer_page_order(client, survey, ["Speed", "Price"]) == ["Price", "Speed"]


def test_a_dragged_order_is_refused_unless_it_lists_each_item_once(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="Order")
    first = services.add_question(
        survey, w.moderator, kind=Kind.SINGLE, text="First", options=["x", "y"]
    )
    second = services.add_question(
        survey, w.moderator, kind=Kind.SHORT_TEXT, text="Second", condition=first.choices[0]
    )
    third = services.add_question(survey, w.moderator, kind=Kind.SHORT_TEXT, text="Third")
    other = services.create_survey(w.moderator, title="Other")
    foreign = services.add_question(other, w.moderator, kind=Kind.SHORT_TEXT, text="Elsewhere")
    auth.login_as(w.moderator)
    url = f"/surveys/{survey.id}/questions/order"
    for order in (
        f"{first.id},{third.id}",  # one missing
        f"{first.id},{second.id},{third.id},{third.id}",  # twice
        f"{first.id},{second.id},{foreign.id}",  # another questionnaire's
        f"{first.id},{second.id},nonsense",
        "",
    ):
        refused = client.post(url, data={"order": order})
        assert refused.status_code == 422, order
        assert "must list each item once" in refused.get_data(as_text=True)
    refused = client.post(url, data={"order": f"{second.id},{first.id},{third.id}"})
    assert refused.status_code == 422
    assert "must stay after the question it depends on" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [q.text for q in db.session.get(Survey, survey.id).questions] == [
        "First",
        "Second",
        "Third",
    ]
    moved = client.post(url, data={"order": f"{third.id},{first.id},{second.id}"})
    assert moved.status_code == 303
    db.session.expire_all()
    assert [q.text for q in db.session.get(Survey, survey.id).questions] == [
        "Third",
        "First",
        "Second",
    ]
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "survey.questions_reordered")
    )
    assert entry.details["after"] == [third.id, first.id, second.id]
    # Once answered, nothing moves any more.
    services.publish(db.session.get(Survey, survey.id), w.moderator)
    services.submit(db.session.get(Survey, survey.id), w.member, {})
    db.session.commit()
    frozen = client.post(
        f"/surveys/{survey.id}/questions/{first.id}/options/{first.choices[0].id}/down"
    )
    assert frozen.status_code == 422
    db.session.expire_all()
    assert [o.label for o in db.session.get(Question, first.id).choices] == ["x", "y"]


def test_bad_questions_are_refused_beside_their_fields(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="T")
    auth.login_as(w.moderator)
    response = client.post(
        f"/surveys/{survey.id}/questions",
        data={
            "kind": "single",
            "text": "Only one?",
            "options": "Alone",
            "section": "0",
            "condition": "0",
        },
    )
    assert response.status_code == 422
    assert "Give at least two options." in response.get_data(as_text=True)
    unknown = client.post(
        f"/surveys/{survey.id}/questions",
        data={"kind": "poem", "text": "?", "section": "0", "condition": "0"},
    )
    assert unknown.status_code == 422
    assert db.session.get(Survey, survey.id).questions == []


def test_after_answers_only_texts_change_and_a_new_version_copies_everything(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="Frozen")
    single = services.add_question(
        survey, w.moderator, kind=Kind.SINGLE, text="Pick", options=["Red", "Bleu"]
    )
    follow = services.add_question(
        survey, w.moderator, kind=Kind.SHORT_TEXT, text="Why red?", condition=single.choices[0]
    )
    services.publish(survey, w.moderator)
    services.submit(survey, w.member, {single.id: {"option": single.choices[0].id}})
    auth.login_as(w.moderator)
    refused = client.post(f"/surveys/{survey.id}/questions/{follow.id}/delete")
    assert refused.status_code == 422
    corrected = client.post(
        f"/surveys/{survey.id}/questions/{single.id}/texts",
        data={"text": "Pick a colour", "help": "", f"option-{single.choices[1].id}": "Blue"},
    )
    assert corrected.status_code == 303
    db.session.refresh(single)
    assert single.text == "Pick a colour"
    assert [o.label for o in single.choices] == ["Red", "Blue"]
    response = client.post(f"/surveys/{survey.id}/version")
    assert response.status_code == 303
    copy = db.session.scalar(sa.select(Survey).where(Survey.previous_id == survey.id))
    assert copy.state == SurveyState.DRAFT
    assert [q.text for q in copy.questions] == ["Pick a colour", "Why red?"]
    new_single, new_follow = copy.questions
    assert new_follow.condition_question_id == new_single.id
    assert new_follow.condition_option_id == new_single.choices[0].id


def test_exports_list_every_response_without_identity_when_anonymous(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="Export")
    single = services.add_question(
        survey, w.moderator, kind=Kind.SINGLE, text="Pick", options=["Red", "Blue"]
    )
    rank = services.add_question(
        survey, w.moderator, kind=Kind.RANKING, text="Order", options=["a", "b"]
    )
    services.publish(survey, w.moderator)
    for person, colour in ((w.member, 0), (w.board, 1)):
        services.submit(
            survey,
            person,
            {
                single.id: {"option": single.choices[colour].id},
                rank.id: {"order": [rank.choices[1].id, rank.choices[0].id]},
            },
        )
    auth.login_as(w.moderator)
    response = client.get(f"/surveys/{survey.id}/responses.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["response", "college", "office", "day", "Pick", "Order — a", "Order — b"]
    assert sorted(r[4] for r in rows[1:]) == ["Blue", "Red"]
    assert {(r[5], r[6]) for r in rows[1:]} == {("2", "1")}
    text = response.get_data(as_text=True)
    assert "Mem Ber" not in text and "member@test.example" not in text
    summary = list(
        csv.reader(
            io.StringIO(client.get(f"/surveys/{survey.id}/summary.csv").get_data(as_text=True))
        )
    )
    assert ["everyone", "Pick", "Red", "1", "50.0", "2"] in summary
    assert ["everyone", "Order", "a", "2.00", "", "2"] in summary
    survey.anonymous = False
    db.session.flush()
    named = client.get(f"/surveys/{survey.id}/responses.csv").get_data(as_text=True)
    assert "name,email" in named.splitlines()[0]


def test_only_organisers_build_and_export(client, auth, world):
    w = world
    survey = services.create_survey(w.moderator, title="Private")
    auth.login_as(w.member)
    assert client.get("/surveys/new").status_code == 403
    assert client.get(f"/surveys/{survey.id}/edit").status_code == 403
    assert client.get(f"/surveys/{survey.id}/responses.csv").status_code == 403
