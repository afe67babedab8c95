"""A new member's first thread waits in the review queue, a moderator approves it, it appears."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_a_phone
from tests.browser.test_cycle_journey import log_in

pytestmark = pytest.mark.browser

TITLE = "A bicycle repair workshop in Brussels"


def test_new_members_post_waits_for_a_moderator_then_appears(new_page, live_server):
    # Paula has never posted: her first thread waits for a moderator.
    author = new_page()
    log_in(author, "partner@example.org")
    author.get_by_role("link", name="Forum").click()
    expect(author.get_by_role("heading", name="Forum", exact=True)).to_be_visible()
    assert_accessible(author)
    author.get_by_role("link", name="General", exact=True).click()
    author.get_by_role("button", name="Start a thread").click()
    author.get_by_label("Title").fill(TITLE)
    author.get_by_label("Your post (Markdown)").fill(
        "Who would help **every Thursday**?\n\n- tools\n- a room"
    )
    # The live preview renders the Markdown as she types (htmx).
    expect(author.locator("#body-preview strong")).to_have_text("every Thursday")
    assert_accessible(author)
    author.get_by_role("button", name="Publish").click()
    expect(author.get_by_text("waits for a moderator's approval")).to_be_visible()
    expect(author.get_by_text("until a moderator approves it")).to_be_visible()
    assert_accessible(author)

    # Other members do not see it yet.
    reader = new_page()
    log_in(reader, "member@example.org")
    reader.goto("/forum/")
    reader.get_by_role("link", name="General", exact=True).click()
    expect(reader.get_by_role("heading", name="General")).to_be_visible()
    expect(reader.get_by_role("link", name=TITLE)).to_have_count(0)

    # The forum moderator finds it in the review queue and approves it.
    moderator = new_page()
    log_in(moderator, "moderator@example.org")
    moderator.goto("/forum/")
    moderator.get_by_role("link", name="Review queue").click()
    item = moderator.locator("article.queue-item", has_text=TITLE)
    expect(item).to_be_visible()
    expect(item.get_by_text("Waiting for approval")).to_be_visible()
    assert_accessible(moderator)
    item.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_text("The post is approved and published.")).to_be_visible()
    expect(moderator.locator("article.queue-item", has_text=TITLE)).to_have_count(0)

    # Now every member sees it, and Paula is told.
    reader.reload()
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(reader.locator(".post-body strong")).to_have_text("every Thursday")
    assert_accessible(reader)
    author.goto("/notifications/")
    expect(author.get_by_text(f"A moderator approved your post in “{TITLE}”")).to_be_visible()
    assert_accessible(author)


def test_forum_pages_fit_a_phone(new_page, live_server):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    log_in(page, "moderator@example.org")
    for path in ("/forum/", "/forum/queue", "/forum/search?q=fund"):
        page.goto(path)
        assert_fits_a_phone(page)
        assert_accessible(page)
    page.goto("/forum/")
    page.get_by_role("link", name="General", exact=True).click()
    assert_fits_a_phone(page)
    page.get_by_role("link", name="How is the mutual guarantee fund financed?").click()
    expect(page.get_by_text("A moderator hid this post.")).to_be_visible()
    expect(page.get_by_text("Advertising is not allowed in the forum.")).to_be_visible()
    assert_fits_a_phone(page)
    assert_accessible(page)


def test_moderation_pages_are_accessible(new_page, live_server):
    import sqlalchemy as sa

    from sip.extensions import db
    from sip.forum.models import Post, PostStatus
    from sip.members.models import Member
    from tests.browser.conftest import LIVE

    with LIVE["app"].app_context():
        flagged = db.session.scalar(sa.select(Post.id).where(Post.open_flags > 0).limit(1))
        hidden = db.session.scalar(
            sa.select(Post.id).where(Post.status == PostStatus.HIDDEN).limit(1)
        )
        member = db.session.scalar(sa.select(Member.id).where(Member.email == "member@example.org"))
    page = new_page()
    log_in(page, "admin@example.org")
    for path in (
        f"/forum/posts/{flagged}/moderate",
        f"/forum/posts/{hidden}/moderate",
        f"/forum/posts/{flagged}/flag",
        f"/forum/members/{member}/suspend",
        "/forum/categories",
        "/forum/categories/new",
        "/notifications/",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
    page.goto(f"/forum/posts/{flagged}/moderate")
    page.get_by_text("Hide…").click()
    page.get_by_role("button", name="Hide", exact=True).click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert_accessible(page)
