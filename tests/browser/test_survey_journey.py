"""A member answers a questionnaire with a conditional question and reads the results once
it has closed; the pages pass axe and fit a phone."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from sip.db import utcnow
from sip.extensions import db
from sip.surveys.models import Survey
from tests.browser.conftest import LIVE, assert_accessible, assert_fits_a_phone
from tests.browser.test_cycle_journey import log_in

pytestmark = pytest.mark.browser

TITLE = "SIP 2026: what should the co-operative work on?"


def _survey_id(title: str) -> int:
    with LIVE["app"].app_context():
        return db.session.scalar(sa.select(Survey.id).where(Survey.title == title))


def test_member_answers_with_a_conditional_question_and_reads_results_after_closing(
    new_page, live_server
):
    page = new_page()
    log_in(page, "member@example.org")
    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    assert_accessible(page)
    # "Yes" makes the themes question required; forgetting it is refused beside it.
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("This question needs an answer.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_label("Mentoring").check()
    page.get_by_label("Fair prices").check()
    page.locator("input[name$='-v9'], input[id$='-v9']").first.check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Thank you: your answers are recorded.")).to_be_visible()

    # The questionnaire closes; its results are then there for the member.
    with LIVE["app"].app_context():
        survey = db.session.get(Survey, _survey_id(TITLE))
        survey.opens_at = utcnow() - timedelta(hours=1)
        survey.closes_at = utcnow() - timedelta(minutes=1)
        survey.results_visibility = "after_close"
        db.session.commit()
    page.goto(f"/surveys/{_survey_id(TITLE)}/results")
    expect(page.get_by_role("heading", name=f"Results: {TITLE}")).to_be_visible()
    expect(page.get_by_text("1 response", exact=False).first).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    assert_accessible(page)


def test_results_and_builder_pages_are_accessible_and_fit_a_phone(new_page, live_server):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    log_in(page, "moderator@example.org")
    survey_id = _survey_id("Quality of Smart's services (2016)")
    for path in (
        f"/surveys/{survey_id}/results",
        f"/surveys/{survey_id}/results?by=college",
        f"/surveys/{survey_id}/results?by=office",
        f"/surveys/{survey_id}/results?college=1&by=office",
        f"/surveys/{survey_id}/edit",
        "/surveys/new",
        "/surveys/",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        if "by=" not in path:
            assert_fits_a_phone(page)
    page.goto(f"/surveys/{survey_id}/results")
    expect(page.get_by_text("800 responses")).to_be_visible()


def test_conditional_questions_show_and_hide_as_the_member_answers(new_page, live_server):
    page = new_page()
    log_in(page, "board@example.org")
    page.goto(f"/surveys/{_survey_id('Mentoring newcomers: what would help you?')}/answer")
    hours = page.get_by_role("group", name="How many hours a month could you give?")
    expect(hours).to_be_hidden()
    page.get_by_label("Yes").check()
    expect(hours).to_be_visible()
    page.get_by_label("How many hours a month could you give?").fill("4")
    page.get_by_label("Not this year").check()
    expect(hours).to_be_hidden()
    assert_accessible(page)


def test_a_moderator_reorders_options_by_drag_and_by_buttons(new_page, live_server):
    from sip.members.models import Member
    from sip.surveys import services
    from sip.surveys.models import Question
    from sip.surveys.rules import Kind

    with LIVE["app"].app_context():
        moderator = db.session.scalar(
            sa.select(Member).where(Member.email == "moderator@example.org")
        )
        survey = services.create_survey(moderator, title="Drag me")
        question = services.add_question(
            survey, moderator, kind=Kind.SINGLE, text="Pick", options=["Alpha", "Bravo", "Charlie"]
        )
        services.add_question(survey, moderator, kind=Kind.SHORT_TEXT, text="Why?")
        db.session.commit()
        survey_id, question_id = survey.id, question.id

    def labels():
        with LIVE["app"].app_context():
            return [o.label for o in db.session.get(Question, question_id).choices]

    page = new_page()
    log_in(page, "moderator@example.org")
    page.goto(f"/surveys/{survey_id}/edit")
    options = page.get_by_role("list", name="Options")
    handle = options.locator("li", has_text="Charlie").locator(".option-handle")
    handle.drag_to(options.locator("li", has_text="Alpha").locator(".option-handle"))
    expect(page.get_by_text("The options are reordered.")).to_be_visible()
    assert labels() == ["Charlie", "Alpha", "Bravo"]
    # The buttons do the same, from the keyboard too.
    page.get_by_role("button", name="Down: Charlie").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The option is moved.")).to_be_visible()
    assert labels() == ["Alpha", "Charlie", "Bravo"]
    # Questions move by their own handle.
    questions = page.locator("ol.builder")
    questions.locator("li[data-id]", has_text="Why?").locator(".question-handle").drag_to(
        questions.locator("li[data-id]", has_text="Pick").first.locator(".question-handle")
    )
    expect(page.get_by_text("The questions are reordered.")).to_be_visible()
    with LIVE["app"].app_context():
        from sip.surveys.models import Survey as S

        assert [q.text for q in db.session.get(S, survey_id).questions] == ["Why?", "Pick"]
    assert_accessible(page)
