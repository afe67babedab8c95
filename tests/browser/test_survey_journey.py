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
