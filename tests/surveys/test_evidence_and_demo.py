"""Questionnaire results as evidence, and the demo questionnaires."""

import sqlalchemy as sa

from sip.db import utcnow
from sip.extensions import db
from sip.members.models import Member
from sip.surveys import results, services
from sip.surveys.models import Survey
from sip.surveys.rules import Kind


def test_a_recommendation_cites_a_questionnaires_results(client, auth, groups_world):
    w = groups_world
    survey = services.create_survey(w.moderator, title="Tools we use")
    services.add_question(survey, w.moderator, kind=Kind.RATING, text="Score")
    services.publish(survey, w.moderator)
    draft = services.create_survey(w.moderator, title="Not published")
    auth.login_as(w.group_member)
    page = client.get(f"/working-groups/recommendations/{w.draft.id}").get_data(as_text=True)
    assert "Questionnaire results: Tools we use" in page
    assert "Not published" not in page
    response = client.post(
        f"/working-groups/recommendations/{w.draft.id}/evidence",
        data={"target": f"survey:{survey.id}"},
    )
    assert response.status_code == 303
    page = client.get(f"/working-groups/recommendations/{w.draft.id}").get_data(as_text=True)
    assert f'href="/surveys/{survey.id}/results"' in page
    refused = client.post(
        f"/working-groups/recommendations/{w.draft.id}/evidence",
        data={"target": f"survey:{draft.id}"},
    )
    assert refused.status_code == 422


def test_the_demo_has_the_2016_survey_with_800_stable_responses(app):
    from sip.demo import load_demo

    load_demo()
    survey = db.session.scalar(
        sa.select(Survey).where(Survey.title == "Quality of Smart's services (2016)")
    )
    everyone = results.compute(survey)[None]
    assert everyone.responses == 800
    kinds = {q.kind for q in survey.questions}
    assert kinds == set(Kind)
    by_college = results.compute(survey, by="college")
    assert sum(r.responses for r in by_college.values()) == 800
    assert len(by_college) == 3
    recommend = next(q for q in survey.questions if q.kind == Kind.RATING)
    first = everyone.questions[recommend.id].nps
    load_demo()  # a second run changes nothing
    assert results.compute(survey)[None].questions[recommend.id].nps == first
    # SIP 2026's forming working group runs an open, named questionnaire for every member;
    # member@example.org may still answer it.
    group_survey = db.session.scalar(
        sa.select(Survey).where(Survey.title == "Mentoring newcomers: what would help you?")
    )
    assert group_survey.group is not None and group_survey.group.cycle.name == "SIP 2026"
    assert group_survey.is_open(utcnow()) and not group_survey.anonymous
    assert results.compute(group_survey)[None].responses == 40
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@example.org"))
    assert services.in_audience(group_survey, member)
    assert not services.has_answered(group_survey, member)
