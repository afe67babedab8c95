"""A member appoints a proxy, the holder votes for both, the chair closes the vote, and
both read the result and find their receipts; the assembly's pages pass axe and fit a phone."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from sip.db import utcnow
from sip.extensions import db
from tests.browser.conftest import LIVE, assert_accessible, assert_fits_a_phone
from tests.browser.test_cycle_journey import log_in

pytestmark = pytest.mark.browser

TITLE = "General assembly 2026"
RESOLUTION = "Approve the accounts 2025"


def _receipt(page) -> str:
    return page.locator(".receipt code").inner_text().strip()


def test_a_proxy_votes_for_both_and_both_find_their_receipts(new_page, live_server):
    member = new_page()
    log_in(member, "member@example.org")
    member.get_by_role("link", name="Assemblies").click()
    member.get_by_role("link", name=TITLE).click()
    assert_accessible(member)
    member.get_by_label("Email of the member").fill("staff@example.org")
    member.get_by_role("button", name="Appoint this proxy").click()
    expect(member.get_by_text("Your proxy is asked: they must accept.")).to_be_visible()

    holder = new_page()
    log_in(holder, "staff@example.org")
    holder.get_by_role("link", name="Assemblies").click()
    holder.get_by_role("link", name=TITLE).click()
    holder.get_by_role("button", name="Accept: Marie Member").click()
    expect(holder.get_by_text("You will vote for this member.")).to_be_visible()
    card = holder.locator("article", has_text=RESOLUTION)
    card.get_by_role("button", name="Vote").click()
    assert_accessible(holder)
    holder.get_by_role("group", name="Your choice").first.get_by_label("For").check()
    holder.get_by_role("button", name="Cast my vote").click()
    own = _receipt(holder)
    holder.get_by_label("For").check()
    holder.get_by_role("button", name="Cast the vote of Marie Member").click()
    for_member = _receipt(holder)
    assert own != for_member
    expect(holder.get_by_text("Cast.")).to_have_count(2)

    # The assembly begins; the chair opens and closes the vote.
    with LIVE["app"].app_context():
        from sip.assembly.models import Assembly

        assembly = db.session.scalar(sa.select(Assembly).where(Assembly.title == TITLE))
        assembly.starts_at = utcnow() + timedelta(minutes=30)
        db.session.commit()
    chair = new_page()
    log_in(chair, "chair@example.org")
    chair.get_by_role("link", name="Assemblies").click()
    chair.get_by_role("link", name=TITLE).click()
    chair.get_by_role("button", name=f"Open the vote: {RESOLUTION}").click()
    expect(chair.get_by_text("The vote is open.")).to_be_visible()
    chair.get_by_role("button", name=f"Close the vote: {RESOLUTION}").click()
    expect(chair.get_by_text("The vote is closed and its result published.")).to_be_visible()
    assert_accessible(chair)

    for page, code in ((holder, own), (member, for_member)):
        page.goto(chair.url.replace(live_server, ""))
        expect(page.get_by_role("heading", name=RESOLUTION)).to_be_visible()
        page.get_by_label("Receipt code").fill(code)
        page.get_by_role("button", name="Check").click()
        expect(
            page.get_by_text("Your ballot is in the published list: it is counted.")
        ).to_be_visible()
    assert_accessible(member)


def test_assembly_pages_fit_a_phone(new_page, live_server):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    log_in(page, "member@example.org")
    with LIVE["app"].app_context():
        from sip.assembly.models import Assembly

        old = db.session.scalar(sa.select(Assembly).where(Assembly.title.like("%2016")))
        paths = [
            "/assemblies/",
            f"/assemblies/{old.id}",
            f"/assemblies/{old.id}/minutes",
            f"/assemblies/{old.id}/resolutions/{old.resolutions[0].id}/results",
        ]
    for path in paths:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        assert_fits_a_phone(page)
