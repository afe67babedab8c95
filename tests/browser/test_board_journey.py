"""The board amends a recommendation in a meeting with quorum, and a member reads the
group's text and the board's side by side; the board's pages pass axe and fit a phone."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from sip.db import utcnow
from sip.extensions import db
from tests.browser.conftest import LIVE, assert_accessible, assert_fits_a_phone
from tests.browser.test_cycle_journey import log_in

pytestmark = pytest.mark.browser

TITLE = "Publish the fund's yearly report"


def _prepare() -> tuple[int, int, list[str]]:
    """A submitted recommendation of a SIP 2015 group, and a meeting where the chair,
    board@example.org, and nine more directors are present."""
    from sip.board import services
    from sip.board.models import BoardSeat
    from sip.members.models import Member
    from sip.working_groups.models import (
        Recommendation,
        RecommendationState,
        RecommendationVersion,
        WorkingGroup,
    )

    with LIVE["app"].app_context():
        group = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.id)).first()
        rec = Recommendation(
            group=group, state=RecommendationState.SUBMITTED, submitted_at=utcnow()
        )
        rec.versions.append(
            RecommendationVersion(
                number=1,
                title=TITLE,
                text="The fund publishes a report every year.",
                author=group.moderator,
            )
        )
        db.session.add(rec)
        db.session.flush()
        chair = db.session.scalar(sa.select(Member).where(Member.email == "board@example.org"))
        holders = db.session.scalars(
            sa.select(Member).join(BoardSeat, BoardSeat.holder_id == Member.id).order_by(Member.id)
        ).all()
        present = [chair, *[h for h in holders if h.id != chair.id][:9]]
        meeting = services.schedule_meeting(
            chair,
            title="Board meeting on the fund",
            starts_at=utcnow() + timedelta(hours=1),
            chair=chair,
            recommendations=[rec],
        )
        services.record_attendance(meeting, chair, {m.id for m in present})
        db.session.commit()
        return meeting.id, rec.id, [m.name for m in present]


def test_the_board_amends_and_a_member_sees_the_diff(new_page, live_server):
    _meeting, rec_id, present = _prepare()
    page = new_page()
    log_in(page, "board@example.org")
    page.get_by_role("link", name="Board", exact=True).click()
    page.get_by_role("link", name="Board meetings and decisions").click()
    assert_accessible(page)
    page.get_by_role("link", name="Board meeting on the fund").click()
    expect(page.get_by_text("10 board members present of 18 filled seats")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Put a motion to the vote").click()
    page.get_by_label("Amend: the board's version goes to the general assembly").check()
    page.get_by_label("Motivation (Markdown)").fill("The assembly must see the report too.")
    page.get_by_label("Amended text (Markdown), for an amendment").fill(
        "The fund publishes a report every year, presented to the general assembly."
    )
    for i, name in enumerate(present):
        page.get_by_label(f"{name}: {'Against' if i == 9 else 'For'}").check()
    assert_accessible(page)
    page.get_by_role("button", name="Record the vote").click()
    expect(page.get_by_text("The motion is carried.")).to_be_visible()
    expect(page.get_by_text("for 9, against 1, abstaining 0")).to_be_visible()

    member = new_page()
    log_in(member, "member@example.org")
    member.goto(f"/working-groups/recommendations/{rec_id}")
    expect(member.get_by_text("The board amended this recommendation")).to_be_visible()
    member.get_by_role(
        "link", name="Compare the group's text with the board's, side by side"
    ).click()
    expect(member.get_by_role("heading", name="Version 1: the group's text").first).to_be_visible()
    expect(member.get_by_role("heading", name="Version 2: the board's text").first).to_be_visible()
    expect(member.locator("ins", has_text="presented to the general assembly")).to_be_visible()
    assert_accessible(member)


def test_board_pages_are_accessible_and_fit_a_phone(new_page, live_server):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    log_in(page, "admin@example.org")
    for path in (
        "/board/",
        "/board/seats",
        "/board/meetings",
        "/board/meetings/1",
        "/board/meetings/new",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        if path != "/board/seats":
            assert_fits_a_phone(page)
