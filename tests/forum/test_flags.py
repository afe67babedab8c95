"""Members flag posts for the moderators; enough flags hide a post until it is reviewed;
hidden and deleted posts cannot be answered or quoted."""

import re

import pytest
import sqlalchemy as sa

from sip.extensions import db
from sip.forum.models import Flag, FlagReason, Post, PostStatus, Thread
from sip.notifications.models import Notification
from tests import factories

BODY = "The board votes the budget every year."  # w.reply, by w.board
FLAGS_NOTICE = (
    "This post is hidden because several members flagged it, until a moderator reviews it."
)
REFUSED_QUOTE = "This post is hidden or deleted: you cannot answer or quote it."


def _switch(auth, member) -> None:
    auth.logout()
    auth.login_as(member)


def _flag(client, auth, member, post, reason="offensive", text=""):
    _switch(auth, member)
    return client.post(f"/forum/posts/{post.id}/flag", data={"reason": reason, "text": text})


def _flags(post) -> list[Flag]:
    return db.session.scalars(
        sa.select(Flag).where(Flag.post_id == post.id).order_by(Flag.id)
    ).all()


def _posts_in(thread) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == thread.id)
    )


def _thread_page(client, auth, member, thread) -> str:
    _switch(auth, member)
    return client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)


# -- flagging -------------------------------------------------------------------------------


def test_member_flags_a_post_with_a_reason(client, auth, forum_world):
    w = forum_world

    response = _flag(client, auth, w.member, w.reply, "off_topic", "Nothing to do with the budget.")

    assert response.status_code == 303
    [flag] = _flags(w.reply)
    assert (flag.member_id, flag.reason, flag.text) == (
        w.member.id,
        FlagReason.OFF_TOPIC,
        "Nothing to do with the budget.",
    )
    assert flag.resolution is None
    post = db.session.get(Post, w.reply.id)
    assert post.open_flags == 1
    assert post.status == PostStatus.PUBLISHED
    html = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert "You flagged this post." in html


def test_member_cannot_flag_the_same_post_twice(client, auth, forum_world):
    w = forum_world
    assert _flag(client, auth, w.member, w.reply).status_code == 303

    response = client.post(f"/forum/posts/{w.reply.id}/flag", data={"reason": "spam"})

    assert response.status_code == 422
    assert "You have flagged this post already." in response.get_data(as_text=True)
    assert len(_flags(w.reply)) == 1
    assert db.session.get(Post, w.reply.id).open_flags == 1


def test_member_cannot_flag_their_own_post(client, auth, forum_world):
    w = forum_world

    response = _flag(client, auth, w.member, w.own_post)

    assert response.status_code == 403
    assert _flags(w.own_post) == []


def test_flag_for_something_else_needs_an_explanation(client, auth, forum_world):
    w = forum_world

    response = _flag(client, auth, w.member, w.reply, "other", "   ")

    assert response.status_code == 422
    assert "Say what is wrong with this post." in response.get_data(as_text=True)
    assert _flags(w.reply) == []
    response = client.post(
        f"/forum/posts/{w.reply.id}/flag",
        data={"reason": "other", "text": "It gives a wrong date."},
    )
    assert response.status_code == 303
    assert [f.text for f in _flags(w.reply)] == ["It gives a wrong date."]


# -- the threshold --------------------------------------------------------------------------


def test_post_stays_published_until_the_threshold_of_distinct_members(client, auth, forum_world):
    w = forum_world
    for flagger in (w.member, w.group_member):
        assert _flag(client, auth, flagger, w.reply).status_code == 303

    post = db.session.get(Post, w.reply.id)
    assert post.status == PostStatus.PUBLISHED
    assert post.open_flags == 2
    assert BODY in _thread_page(client, auth, w.chair, w.thread)
    assert (
        db.session.scalar(
            sa.select(Notification).where(
                Notification.member_id == w.board.id, Notification.kind == "forum.hidden_by_flags"
            )
        )
        is None
    )


def test_third_flag_hides_the_post_until_a_moderator_reviews_it(client, auth, forum_world):
    w = forum_world
    replies_before = db.session.get(Thread, w.thread.id).reply_count
    for flagger in (w.member, w.group_member, w.board2):
        assert _flag(client, auth, flagger, w.reply).status_code == 303

    post = db.session.get(Post, w.reply.id)
    assert post.status == PostStatus.HIDDEN
    assert post.hidden_by_flags
    assert db.session.get(Thread, w.thread.id).reply_count == replies_before - 1
    html = _thread_page(client, auth, w.chair, w.thread)
    assert FLAGS_NOTICE in html
    assert BODY not in html
    [note] = db.session.scalars(
        sa.select(Notification).where(
            Notification.member_id == w.board.id, Notification.kind == "forum.hidden_by_flags"
        )
    ).all()
    assert note.subject_id == post.id
    _switch(auth, w.forum_moderator)
    queue = client.get("/forum/queue").get_data(as_text=True)
    assert post.id in [int(i) for i in re.findall(r'id="post-(\d+)"', queue)]


def test_flag_threshold_follows_the_configuration(client, auth, forum_world, app, monkeypatch):
    w = forum_world
    monkeypatch.setitem(app.config, "FORUM_FLAG_THRESHOLD", 2)
    assert _flag(client, auth, w.member, w.reply).status_code == 303
    assert db.session.get(Post, w.reply.id).status == PostStatus.PUBLISHED

    assert _flag(client, auth, w.group_member, w.reply).status_code == 303

    post = db.session.get(Post, w.reply.id)
    assert post.status == PostStatus.HIDDEN
    assert post.hidden_by_flags
    assert FLAGS_NOTICE in _thread_page(client, auth, w.chair, w.thread)


def test_flags_of_new_members_count_towards_the_threshold(client, auth, forum_world):
    w = forum_world
    newcomers = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(3)]
    for flagger in newcomers:
        assert _flag(client, auth, flagger, w.reply, "spam").status_code == 303

    assert db.session.get(Post, w.reply.id).status == PostStatus.HIDDEN


# -- answering hidden and deleted posts -----------------------------------------------------


@pytest.fixture
def deleted_post(forum_world):
    return factories.post(
        forum_world.thread, forum_world.board, "Withdrawn.", status=PostStatus.DELETED
    )


@pytest.mark.parametrize("which", ["hidden", "deleted"])
def test_replying_to_a_hidden_or_deleted_post_is_refused(
    client, auth, forum_world, deleted_post, which
):
    w = forum_world
    target = w.hidden_post if which == "hidden" else deleted_post
    before = _posts_in(w.thread)
    auth.login_as(w.member)

    response = client.post(
        f"/forum/threads/{w.thread.id}/reply",
        data={"body": "I answer this.", "reply_to": str(target.id)},
    )

    assert response.status_code == 422
    assert REFUSED_QUOTE in response.get_data(as_text=True)
    assert _posts_in(w.thread) == before


@pytest.mark.parametrize("which", ["hidden", "deleted"])
def test_quoting_a_hidden_or_deleted_post_sends_back_to_the_thread(
    client, auth, forum_world, deleted_post, which
):
    w = forum_world
    target = w.hidden_post if which == "hidden" else deleted_post
    auth.login_as(w.member)

    response = client.get(f"/forum/threads/{w.thread.id}/reply?quote={target.id}")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/forum/threads/{w.thread.id}")
    assert REFUSED_QUOTE in client.get(response.headers["Location"]).get_data(as_text=True)


def test_quoting_a_published_post_fills_the_reply_with_it(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)

    response = client.get(f"/forum/threads/{w.thread.id}/reply?quote={w.reply.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"&gt; {BODY}" in html
    assert f'name="reply_to" type="hidden" value="{w.reply.id}"' in html
