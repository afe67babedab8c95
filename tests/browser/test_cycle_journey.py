"""A topic becomes an active working group, in the browser, with the demo data."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from sip.board.models import BoardSeat
from sip.db import local_today
from sip.extensions import db
from sip.members.models import Member
from tests.browser.conftest import LIVE, assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_role("button", name="English").click()  # demo members speak fr, nl or en
    expect(page.locator("html")).to_have_attribute("lang", "en")


def second_board_member() -> str:
    with LIVE["app"].app_context():
        return db.session.scalar(
            sa.select(Member.email)
            .join(BoardSeat, BoardSeat.holder_id == Member.id)
            .where(Member.email != "board@example.org")
            .order_by(BoardSeat.id)
        )


def test_topic_is_proposed_supported_selected_and_its_group_activated(new_page, live_server):
    # A member proposes a topic during the call for topics of SIP 2026.
    member = new_page()
    log_in(member, "member@example.org")
    member.get_by_role("link", name="Cycles").click()
    member.get_by_role("link", name="SIP 2026").click()
    expect(member.get_by_text("Call for topics").first).to_be_visible()
    member.get_by_role("button", name="Propose a topic").first.click()
    assert_accessible(member)
    member.get_by_label("Title").fill("A repair café in every office")
    member.get_by_label("Description (Markdown)").fill("Repair **together**, waste less.")
    member.get_by_role("button", name="Propose the topic").click()
    expect(member.get_by_role("heading", name="A repair café in every office")).to_be_visible()
    topic_url = member.url

    # Another member supports it.
    partner = new_page()
    log_in(partner, "partner@example.org")
    partner.goto(topic_url)
    partner.get_by_role("button", name="Support this topic").click()
    expect(partner.get_by_role("heading", name="1 support", exact=True)).to_be_visible()
    assert_accessible(partner)

    # A board member selects it: it becomes a working group with its moderator.
    board = new_page()
    log_in(board, "board@example.org")
    board.goto(topic_url)
    board.get_by_label("Name of the working group").fill("Repair cafés")
    board.get_by_label("Mandate: the question the group must answer (Markdown)").fill(
        "How do we open them?"
    )
    with LIVE["app"].app_context():
        deadline = local_today() + timedelta(days=150)
    board.get_by_label("Deadline").fill(deadline.isoformat())
    board.get_by_label("Moderator").select_option(label="Mona Moderator")
    board.get_by_role("button", name="Select: create the working group").click()
    expect(board.get_by_role("heading", name="Repair cafés")).to_be_visible()
    group_url = board.url

    # The moderator opens it; board members and a member ask to join.
    moderator = new_page()
    log_in(moderator, "moderator@example.org")
    moderator.goto(group_url)
    moderator.get_by_role("button", name="Move to “Forming”").click()
    expect(moderator.get_by_text("The group is now “Forming”.")).to_be_visible()

    other_board = new_page()
    log_in(other_board, second_board_member())
    for page in (board, other_board, member):
        page.goto(group_url)
        page.get_by_role("button", name="Ask to join the group").click()
        expect(page.get_by_text("Your request is sent to the group's moderator.")).to_be_visible()

    # Activation is refused until the composition rules are met, and says why.
    moderator.goto(group_url)
    moderator.get_by_role("button", name="Move to “Active”").click()
    expect(moderator.get_by_role("alert")).to_contain_text("at least 2 board members (it has 0)")
    for _ in range(3):
        moderator.get_by_role("button", name="Accept").first.click()
        expect(moderator.get_by_text("joins the group")).to_be_visible()
    assert_accessible(moderator)
    moderator.get_by_role("button", name="Move to “Active”").click()
    expect(moderator.get_by_text("The group is now “Active”.")).to_be_visible()
    expect(moderator.get_by_role("heading", name="Board members (2)")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/cycles/",
        "/working-groups/",
        "/working-groups/recommendations",
        "/working-groups/small-talks",
    ],
)
def test_cycle_pages_are_accessible_and_fit_a_phone(new_page, path):
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    log_in(page, "moderator@example.org")
    page.goto(path)
    assert_accessible(page)
    assert_fits_a_phone(page)
    links = page.locator("main a[href^='/cycles/'], main a[href^='/working-groups/']")
    if links.count():
        links.first.click()
        assert_accessible(page)
        assert_fits_a_phone(page)


def test_recommendation_diff_page_is_accessible(new_page):
    page = new_page()
    log_in(page, "member@example.org")
    page.goto("/working-groups/recommendations")
    page.get_by_role("link", name="Open membership to every user").click()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("ins").first).to_be_visible()
    assert_accessible(page)
