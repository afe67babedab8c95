"""What people could break on purpose or by accident: odd input, edits that dodge
moderation, deletions that hide from it, and notifications to the wrong people."""

import pytest
import sqlalchemy as sa

from sip import mail
from sip.extensions import db
from sip.forum import services
from sip.forum.models import Flag, Post, PostStatus, Thread, ThreadStatus
from sip.notifications.models import Notification
from tests import factories


def _newcomer(w):
    return factories.member(w.colleges["A"], w.offices["BXL"], name="Nina Newcomer")


def test_a_title_with_line_breaks_is_one_line_and_its_rejection_is_mailed(
    client, auth, forum_world
):
    w = forum_world
    newcomer = _newcomer(w)
    auth.login_as(newcomer)
    client.post(
        f"/forum/categories/{w.general.id}/new", data={"title": "Hello\rworld\nagain", "body": "B"}
    )
    thread = db.session.scalar(sa.select(Thread).where(Thread.author_id == newcomer.id))
    assert thread.title == "Hello world again"
    auth.logout()
    auth.login_as(w.forum_moderator)
    opening = factories.first_post(thread)
    response = client.post(f"/forum/posts/{opening.id}/reject", data={"reject-reason": "Test"})
    assert response.status_code == 303
    assert mail.outbox()[-1]["Subject"] == "Your post in “Hello world again” was not published"


@pytest.mark.parametrize("query", ["x%00y", "%00", "budget%00"])
def test_a_nul_character_in_a_search_is_ignored(client, auth, forum_world, query):
    auth.login_as(forum_world.member)
    assert client.get(f"/forum/search?q={query}").status_code == 200


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-1", "1e3"])
def test_odd_post_ids_in_a_reply_are_refused_not_a_crash(client, auth, forum_world, value):
    w = forum_world
    auth.login_as(w.member)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    response = client.post(
        f"/forum/threads/{w.thread.id}/reply", data={"body": "Hi", "reply_to": value}
    )
    # Not a digit string: no reply_to at all (a plain reply); a digit string too large: 422.
    assert response.status_code in (303, 422)
    quoted = client.get(f"/forum/threads/{w.thread.id}/reply?quote={value}")
    assert quoted.status_code == 404
    after = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    assert after - before == (1 if response.status_code == 303 else 0)


def test_a_huge_id_in_a_url_is_not_found(client, auth, forum_world):
    auth.login_as(forum_world.member)
    assert client.get("/forum/posts/99999999999999999999").status_code == 404
    assert client.get("/forum/threads/99999999999999999999").status_code == 404


def test_an_edit_in_a_premoderated_category_waits_for_a_moderator_again(client, auth, forum_world):
    w = forum_world
    ideas = factories.category("Ideas", premoderated=True)
    thread = factories.thread(ideas, w.member, "An approved idea", "A fine idea.")
    opening = factories.first_post(thread)
    auth.login_as(w.member)
    response = client.post(
        f"/forum/posts/{opening.id}/edit",
        data={"title": "An approved idea", "body": "Now with a spam link http://x.example"},
    )
    assert response.status_code == 303
    assert db.session.get(Post, opening.id).status == PostStatus.PENDING
    assert db.session.get(Thread, thread.id).status == ThreadStatus.PENDING
    auth.logout()
    auth.login_as(w.board)
    assert client.get(f"/forum/threads/{thread.id}").status_code == 403


def test_a_suspended_member_cannot_edit_either(client, auth, forum_world):
    w = forum_world
    services.suspend_member(w.member, w.admin, days=2, reason="Cooling off.")
    auth.login_as(w.member)
    response = client.post(f"/forum/posts/{w.member_reply.id}/edit", data={"body": "Sneaky"})
    assert response.status_code == 422
    assert "Cooling off." in response.get_data(as_text=True)
    assert db.session.get(Post, w.member_reply.id).body == "Thank you for the answer."


def test_an_author_cannot_delete_a_post_moderators_are_reviewing(client, auth, forum_world):
    w = forum_world
    for flagger in (w.board, w.chair):
        services.flag_post(w.member_reply, flagger, reason="offensive")
    auth.login_as(w.member)
    response = client.post(f"/forum/posts/{w.member_reply.id}/delete")
    assert response.status_code == 422
    assert "Moderators are reviewing this post" in response.get_data(as_text=True)
    post = db.session.get(Post, w.member_reply.id)
    assert post.status == PostStatus.PUBLISHED
    assert post.open_flags == 2
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Flag)
            .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        )
        == 2
    )


def test_withdrawing_a_pending_thread_is_not_a_rejection(client, auth, forum_world):
    w = forum_world
    newcomer = _newcomer(w)
    auth.login_as(newcomer)
    client.post(f"/forum/categories/{w.general.id}/new", data={"title": "Oops", "body": "Wrong"})
    thread = db.session.scalar(sa.select(Thread).where(Thread.title == "Oops"))
    opening = factories.first_post(thread)
    assert client.post(f"/forum/posts/{opening.id}/delete").status_code == 303
    assert db.session.get(Thread, thread.id).status == ThreadStatus.WITHDRAWN
    page = client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    assert "Withdrawn by its author" in page
    assert "Rejected" not in page


def test_invited_experts_following_a_general_category_are_not_notified(forum_world):
    w = forum_world
    services.follow(w.expert, category=w.general)
    services.follow(w.board, category=w.general)
    services.start_thread(w.general, w.member, title="For members", body="Hello")
    notified = set(
        db.session.scalars(
            sa.select(Notification.member_id).where(Notification.kind == "forum.new_thread")
        )
    )
    assert notified == {w.board.id}


def test_moving_a_thread_tells_its_author_only_where_they_can_read(forum_world):
    w = forum_world
    services.move_thread(w.thread, w.forum_moderator, w.forming_category, "Belongs there")
    assert not db.session.scalar(
        sa.select(Notification.id).where(
            Notification.member_id == w.member.id, Notification.kind == "forum.moved"
        )
    )
    services.move_thread(w.thread, w.forum_moderator, w.announcements, "Belongs here")
    note = db.session.scalar(
        sa.select(Notification).where(
            Notification.member_id == w.member.id, Notification.kind == "forum.moved"
        )
    )
    assert note.params["reason"] == "Belongs here"


def test_a_lock_reason_shows_on_the_thread_and_reaches_its_author(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    response = client.post(
        f"/forum/threads/{w.thread.id}/lock", data={"reason": "The question is *answered*."}
    )
    assert response.status_code == 303
    auth.logout()
    auth.login_as(w.member)
    page = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page
    assert "The question is <em>answered</em>." in page
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "A moderator locked your thread “Budget of the co-operative”" in notes


def test_a_cited_thread_moved_into_a_forming_groups_category_is_no_longer_shown(
    client, forum_world
):
    from sip.working_groups.services import cite_evidence_unchecked

    w = forum_world
    cite_evidence_unchecked(w.submitted, w.moderator2, "thread", w.thread.id)
    page = client.get(f"/working-groups/recommendations/{w.submitted.id}").get_data(as_text=True)
    assert "Budget of the co-operative" in page  # public: anyone sees the citation
    services.move_thread(w.thread, w.forum_moderator, w.forming_category)
    page = client.get(f"/working-groups/recommendations/{w.submitted.id}").get_data(as_text=True)
    assert "Budget of the co-operative" not in page


def test_a_link_to_someone_elses_pending_post_is_not_found(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.board)
    assert client.get(f"/forum/posts/{w.group_pending.id}").status_code == 404
    auth.logout()
    auth.login_as(w.group_member)  # its author
    assert client.get(f"/forum/posts/{w.group_pending.id}").status_code == 303
