"""Building and answering questionnaires through the services: once, in time, for the
audience, every answer checked, and anonymous responses that name nobody."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.db import utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.surveys import services
from sip.surveys.models import (
    Answer,
    Audience,
    Draft,
    Participation,
    Response,
    Survey,
    SurveyState,
)
from sip.surveys.rules import Kind


@pytest.fixture
def survey(world):
    """A published anonymous questionnaire with a conditional question and a ranking."""
    w = world
    s = services.create_survey(w.moderator, title="Quality of our services", intro="Tell us.")
    w.used = services.add_question(
        s,
        w.moderator,
        kind=Kind.SINGLE,
        text="Did you use the toolbox?",
        options=["Yes", "No"],
        required=True,
    )
    yes = w.used.choices[0]
    w.why = services.add_question(
        s,
        w.moderator,
        kind=Kind.LONG_TEXT,
        text="What did you like?",
        condition=yes,
        required=True,
    )
    w.score = services.add_question(s, w.moderator, kind=Kind.RATING, text="Recommend us?")
    w.rank = services.add_question(
        s, w.moderator, kind=Kind.RANKING, text="Rank", options=["Speed", "Price", "Advice"]
    )
    services.publish(s, w.moderator)
    return s


def _answers(w, used="Yes", **extra):
    option = next(o.id for o in w.used.choices if o.label == used)
    raw = {w.used.id: {"option": option}, w.score.id: {"value": "9"}}
    if used == "Yes":
        raw[w.why.id] = {"text": "The advice."}
    raw.update(extra)
    return raw


def test_a_member_answers_once_and_the_answers_are_stored(world, survey):
    w = world
    response = services.submit(survey, w.member, _answers(w))
    rows = db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)).all()
    assert {(a.question_id, a.option_id, a.number, a.text) for a in rows} == {
        (w.used.id, w.used.choices[0].id, None, None),
        (w.why.id, None, None, "The advice."),
        (w.score.id, None, Decimal(9), None),
    }
    with pytest.raises(ServiceError, match="answered this questionnaire already"):
        services.submit(survey, w.member, _answers(w))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_an_anonymous_response_names_nobody_and_is_not_audited(world, survey):
    w = world
    response = services.submit(survey, w.member, _answers(w))
    assert response.member_id is None
    assert len(response.id) == 32  # a random id, not a sequence
    participation_columns = {c.name for c in Participation.__table__.columns}
    assert participation_columns == {"survey_id", "member_id"}
    response_columns = {c.name for c in Response.__table__.columns}
    assert "submitted_at" not in response_columns  # the day only
    assert not db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.action == "survey.answered")
    )


def test_a_named_response_names_its_member_and_is_audited(world, survey):
    w = world
    survey.anonymous = False
    response = services.submit(survey, w.member, _answers(w))
    assert response.member_id == w.member.id
    assert (
        db.session.scalar(
            sa.select(AuditEntry.actor_id).where(AuditEntry.action == "survey.answered")
        )
        == w.member.id
    )


def test_a_hidden_questions_answer_is_not_stored(world, survey):
    w = world
    raw = _answers(w, used="No")
    raw[w.why.id] = {"text": "Should be ignored"}
    response = services.submit(survey, w.member, raw)
    texts = db.session.scalars(
        sa.select(Answer.text).where(Answer.response_id == response.id, Answer.text.is_not(None))
    ).all()
    assert texts == []


def test_refused_answers_store_nothing_and_say_why_by_question(world, survey):
    w = world
    raw = _answers(w)
    raw[w.score.id] = {"value": "11"}
    raw[w.rank.id] = {"order": [w.rank.options[0].id]}
    del raw[w.why.id]
    with pytest.raises(services.AnswerProblems) as refused:
        services.submit(survey, w.member, raw)
    assert {q: p.code for q, p in refused.value.problems.items()} == {
        w.score.id: "out_of_range",
        w.rank.id: "rank_all",
        w.why.id: "required",
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0


def test_a_ranking_stores_each_items_rank(world, survey):
    w = world
    speed, price, advice = (o.id for o in w.rank.options)
    raw = _answers(w)
    raw[w.rank.id] = {"order": [advice, speed, price]}
    response = services.submit(survey, w.member, raw)
    ranks = dict(
        db.session.execute(
            sa.select(Answer.option_id, Answer.number).where(
                Answer.response_id == response.id, Answer.question_id == w.rank.id
            )
        ).all()
    )
    assert ranks == {advice: 1, speed: 2, price: 3}


def test_answers_are_refused_before_opening_and_after_closing(world, survey):
    w = world
    survey.opens_at = utcnow() + timedelta(days=1)
    survey.closes_at = utcnow() + timedelta(days=2)
    with pytest.raises(ServiceError, match="not open"):
        services.submit(survey, w.member, _answers(w))
    survey.opens_at = utcnow() - timedelta(days=2)
    survey.closes_at = utcnow() - timedelta(days=1)
    with pytest.raises(ServiceError, match="closed"):
        services.submit(survey, w.member, _answers(w))


def test_only_the_audience_answers(world, survey):
    w = world
    survey.audience = Audience.COLLEGES
    survey.colleges = [w.colleges["B"]]
    with pytest.raises(ServiceError, match="not addressed to you"):
        services.submit(survey, w.member, _answers(w))  # college A
    services.submit(survey, w.moderator, _answers(w))  # college B


def test_a_draft_is_kept_until_submission(world, survey):
    w = world
    services.save_draft(survey, w.member, {w.score.id: {"value": "3"}, 9999: {"text": "x"}})
    draft = db.session.get(Draft, {"survey_id": survey.id, "member_id": w.member.id})
    assert draft.answers == {str(w.score.id): {"value": "3"}}
    services.submit(survey, w.member, _answers(w))
    assert db.session.get(Draft, {"survey_id": survey.id, "member_id": w.member.id}) is None


def test_structure_is_frozen_once_answered(world, survey):
    w = world
    services.add_question(survey, w.moderator, kind=Kind.SHORT_TEXT, text="Before answers")
    services.submit(survey, w.member, _answers(w))
    with pytest.raises(ServiceError, match="only its texts"):
        services.add_question(survey, w.moderator, kind=Kind.SHORT_TEXT, text="Too late")
    with pytest.raises(ServiceError, match="only its texts"):
        services.change_settings(survey, w.moderator, anonymous=False)


def test_bad_structure_is_refused(world):
    w = world
    s = services.create_survey(w.moderator, title="T")
    with pytest.raises(ServiceError, match="at least two options"):
        services.add_question(s, w.moderator, kind=Kind.SINGLE, text="Q", options=["Only"])
    with pytest.raises(ServiceError, match="must not exceed"):
        services.add_question(
            s, w.moderator, kind=Kind.NUMBER, text="Q", min_value=Decimal(5), max_value=Decimal(1)
        )
    other = services.create_survey(w.moderator, title="Other")
    single = services.add_question(
        other, w.moderator, kind=Kind.SINGLE, text="Q", options=["a", "b"]
    )
    with pytest.raises(ServiceError, match="earlier single-choice"):
        services.add_question(
            s, w.moderator, kind=Kind.SHORT_TEXT, text="Q", condition=single.options[0]
        )
    with pytest.raises(ServiceError, match="at least one question"):
        services.publish(s, w.moderator)
    assert db.get_or_404(Survey, s.id).state == SurveyState.DRAFT
    with pytest.raises(ServiceError, match="close after it opens"):
        services.change_settings(
            s, w.moderator, opens_at=utcnow(), closes_at=utcnow() - timedelta(hours=1)
        )
