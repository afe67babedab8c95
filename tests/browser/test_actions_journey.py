"""An anonymous visitor opens the public dashboard of SIP 2015, follows an action to its
recommendation and on to the forum thread it cites; the pages pass axe and fit a phone."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from sip.extensions import db
from tests.browser.conftest import LIVE, assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.browser


def _traced_action() -> tuple[str, str, str]:
    """(action, recommendation, thread) titles of a demo action whose recommendation cites
    a forum thread."""
    from sip.actions.models import Action
    from sip.forum.models import Thread
    from sip.working_groups.models import Evidence

    with LIVE["app"].app_context():
        for action in db.session.scalars(sa.select(Action).order_by(Action.id)):
            rec = action.resolution.recommendation
            link = next((e for e in rec.evidence if e.kind == "thread"), None) if rec else None
            if link is not None:
                thread = db.session.get(Thread, link.target_id)
                assert isinstance(link, Evidence)
                return action.title, rec.current.title, thread.title
    raise AssertionError("no demo action cites a thread")


def test_a_visitor_walks_from_the_dashboard_to_the_debate(new_page, live_server):
    action, recommendation, thread = _traced_action()
    urls = []
    page = new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Actions").click()
    page.get_by_role("link", name="Dashboard of SIP 2015").click()
    expect(page.get_by_role("heading", name="Dashboard of SIP 2015")).to_be_visible()
    expect(page.locator('#funnel tr[data-stage="adopted"] td')).not_to_have_text("0")
    assert_accessible(page)
    urls.append(page.url)

    page.get_by_role("link", name=action, exact=True).click()
    expect(page.get_by_role("heading", name=action, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="The general assembly's resolution")).to_be_visible()
    expect(page.get_by_role("heading", name="The evidence it cites")).to_be_visible()
    assert_accessible(page)
    urls.append(page.url)

    page.locator("#recommendation").get_by_role("link", name=recommendation).click()
    expect(page.get_by_role("heading", name=recommendation, level=1)).to_be_visible()
    page.get_by_role("link", name=thread).click()
    expect(page.get_by_role("heading", name=thread, level=1)).to_be_visible()
    expect(page.get_by_text("A recommendation cites this thread, so it is public")).to_be_visible()
    assert_accessible(page)
    urls.append(page.url)
    page.get_by_role("link", name="What did this lead to?").click()
    expect(page.get_by_role("link", name=action)).to_be_visible()
    assert_accessible(page)
    urls.append(page.url)

    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    for url in urls:
        phone.goto(url)
        assert_fits_a_phone(phone)


def test_a_follower_hears_of_an_update_and_chooses_email(new_page, live_server):
    from tests.browser.test_cycle_journey import log_in

    page = new_page()
    log_in(page, "member@example.org")  # follows the demo's SIP 2015 actions
    page.get_by_role("link", name="Notifications").click()
    notice = page.get_by_role("button", name="you follow has an update").first
    expect(notice).to_be_visible()
    assert_accessible(page)
    notice.click()
    expect(page.get_by_role("heading", name="Updates")).to_be_visible()
    page.get_by_role("button", name="Stop following").click()
    expect(page.get_by_text("You no longer follow this action.")).to_be_visible()
    page.get_by_role("button", name="Follow its updates").click()
    expect(page.get_by_text("You follow this action")).to_be_visible()

    page.goto("/notifications/preferences")
    assert_accessible(page)
    page.get_by_label("An update of an action I follow").select_option("email")
    page.get_by_role("button", name="Save my notification settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("An update of an action I follow")).to_have_value("email")
