"""Moderating the forum through its pages: the review queue, decisions on posts, thread
tools, posting suspensions, and what a working group's moderator may not do."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sip import mail
from sip.audit import AuditEntry
from sip.db import utcnow
from sip.extensions import db
from sip.forum import services
from sip.forum.models import (
    Flag,
    FlagReason,
    FlagResolution,
    Post,
    PostingSuspension,
    PostStatus,
    Thread,
    ThreadStatus,
)
from sip.notifications.models import Notification
from tests import factories

# -- helpers --------------------------------------------------------------------------------


def _switch(auth, member) -> None:
    auth.logout()
    auth.login_as(member)


def _audit(action: str, subject_id: int) -> list[AuditEntry]:
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == action, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.id)
    ).all()


def _notifications(member, kind: str) -> list[Notification]:
    return db.session.scalars(
        sa.select(Notification)
        .where(Notification.member_id == member.id, Notification.kind == kind)
        .order_by(Notification.id)
    ).all()


def _mails_to(member) -> list:
    return [m for m in mail.outbox() if m["To"] == member.email]


def _queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="post-(\d+)"', html)]


def _posts_in(thread) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == thread.id)
    )


def _flags(post) -> list[Flag]:
    return db.session.scalars(sa.select(Flag).where(Flag.post_id == post.id)).all()


def _new_member(w):
    return factories.member(w.colleges["A"], w.offices["BXL"])


# -- the review queue -----------------------------------------------------------------------


def test_queue_lists_pending_and_flagged_posts_by_how_long_they_have_waited(
    client, auth, forum_world
):
    w = forum_world
    now = utcnow()
    newcomer = _new_member(w)
    old_pending = factories.first_post(
        factories.thread(
            w.general,
            newcomer,
            "Old question",
            status=PostStatus.PENDING,
            created_at=now - timedelta(hours=3),
        )
    )
    # Written long ago, but flagged only two hours ago: it waits since its flag.
    flagged = factories.post(
        w.thread, w.board, "An old rude remark.", created_at=now - timedelta(hours=10)
    )
    db.session.add(
        Flag(
            post_id=flagged.id,
            member_id=w.member.id,
            reason=FlagReason.OFFENSIVE,
            created_at=now - timedelta(hours=2),
        )
    )
    flagged.open_flags, flagged.flagged_at = 1, now - timedelta(hours=2)
    recent_pending = factories.post(
        w.thread, newcomer, "A newer reply.", PostStatus.PENDING, now - timedelta(hours=1)
    )
    pending_opening = factories.first_post(w.pending_thread)
    auth.login_as(w.forum_moderator)

    response = client.get("/forum/queue")

    assert response.status_code == 200
    assert _queue_ids(response.get_data(as_text=True)) == [
        old_pending.id,
        flagged.id,
        recent_pending.id,
        pending_opening.id,
        w.group_pending.id,
    ]


def test_group_moderator_queue_shows_only_their_group_category(client, auth, forum_world):
    w = forum_world
    flagged = factories.post(w.thread, w.board, "Flagged in General.")
    services.flag_post(flagged, w.member, reason="spam")
    auth.login_as(w.moderator)

    response = client.get("/forum/queue")

    assert response.status_code == 200
    assert _queue_ids(response.get_data(as_text=True)) == [w.group_pending.id]


def test_member_without_moderation_cannot_open_the_queue(client, auth, forum_world):
    auth.login_as(forum_world.member)

    assert client.get("/forum/queue").status_code == 403


# -- approve and reject ---------------------------------------------------------------------


def test_approving_a_pending_reply_publishes_it_counts_it_and_tells_its_author(
    client, auth, forum_world
):
    w = forum_world
    pending = w.group_pending
    auth.login_as(w.board)
    assert "A pending idea." not in client.get(f"/forum/threads/{w.group_thread.id}").get_data(
        as_text=True
    )
    assert w.group_thread.reply_count == 0
    _switch(auth, w.moderator)

    response = client.post(f"/forum/posts/{pending.id}/approve")

    assert response.status_code == 303
    post = db.session.get(Post, pending.id)
    thread = db.session.get(Thread, w.group_thread.id)
    assert post.status == PostStatus.PUBLISHED
    assert thread.reply_count == 1
    assert thread.last_post_at == post.created_at
    assert thread.last_poster_id == w.group_member.id
    [note] = _notifications(w.group_member, "forum.approved")
    assert note.subject_id == post.id
    [entry] = _audit("forum.post_approved", post.id)
    assert entry.actor_id == w.moderator.id
    _switch(auth, w.board)
    assert "A pending idea." in client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)


def test_approving_a_pending_opening_post_publishes_its_thread(client, auth, forum_world):
    w = forum_world
    opening = factories.first_post(w.pending_thread)
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{opening.id}/approve")

    assert response.status_code == 303
    assert db.session.get(Post, opening.id).status == PostStatus.PUBLISHED
    assert db.session.get(Thread, w.pending_thread.id).status == ThreadStatus.PUBLISHED
    assert len(_notifications(w.author, "forum.approved")) == 1
    _switch(auth, w.member)
    listing = client.get(f"/forum/categories/{w.general.id}").get_data(as_text=True)
    assert "Waiting thread" in listing


def test_rejecting_with_a_reason_tells_the_author_in_the_app_and_by_mail(client, auth, forum_world):
    w = forum_world
    opening = factories.first_post(w.pending_thread)
    reason = "Please search first, this was discussed last month."
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{opening.id}/reject", data={"reject-reason": reason})

    assert response.status_code == 303
    post = db.session.get(Post, opening.id)
    assert post.status == PostStatus.REJECTED
    assert post.moderation_reason == reason
    assert db.session.get(Thread, w.pending_thread.id).status == ThreadStatus.REJECTED
    [note] = _notifications(w.author, "forum.rejected")
    assert note.params["reason"] == reason
    [message] = [m for m in _mails_to(w.author) if "Waiting thread" in m["Subject"]]
    assert reason in message.get_body(("plain",)).get_content()
    [entry] = _audit("forum.post_rejected", post.id)
    assert entry.actor_id == w.forum_moderator.id
    _switch(auth, w.author)
    assert reason in client.get("/notifications/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"reject-reason": "   "}, "Give a reason: the member will read it."),
    ],
)
def test_rejecting_without_a_reason_is_refused_and_changes_nothing(
    client, auth, forum_world, data, message
):
    w = forum_world
    opening = factories.first_post(w.pending_thread)
    mails_before = len(mail.outbox())
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{opening.id}/reject", data=data)

    assert response.status_code == 422
    assert f'class="field-error">{message}</small>' in response.get_data(as_text=True)
    post = db.session.get(Post, opening.id)
    assert post.status == PostStatus.PENDING
    assert post.moderation_reason == ""
    assert db.session.get(Thread, w.pending_thread.id).status == ThreadStatus.PENDING
    assert _notifications(w.author, "forum.rejected") == []
    assert len(mail.outbox()) == mails_before
    assert _audit("forum.post_rejected", post.id) == []


def test_approving_a_published_post_is_refused_with_a_message(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{w.reply.id}/approve")

    assert response.status_code == 422
    assert "Only a post waiting for a moderator can be approved." in response.get_data(as_text=True)
    post = db.session.get(Post, w.reply.id)
    assert post.status == PostStatus.PUBLISHED
    assert post.moderated_by_id is None
    assert _notifications(w.board, "forum.approved") == []
    assert _audit("forum.post_approved", post.id) == []


# -- hide and restore -----------------------------------------------------------------------


def test_hidden_post_shows_the_reason_instead_of_its_text_and_upholds_its_flags(
    client, auth, forum_world
):
    w = forum_world
    services.flag_post(w.reply, w.member, reason="offensive")
    services.flag_post(w.reply, w.group_member, reason="off_topic")
    reason = "Personal attack on another member."
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{w.reply.id}/hide", data={"hide-reason": reason})

    assert response.status_code == 303
    post = db.session.get(Post, w.reply.id)
    assert post.status == PostStatus.HIDDEN
    assert post.moderation_reason == reason
    assert post.open_flags == 0
    assert {f.resolution for f in _flags(post)} == {FlagResolution.UPHELD}
    assert len(_notifications(w.board, "forum.hidden")) == 1
    _switch(auth, w.board2)
    html = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert "A moderator hid this post." in html
    assert reason in html
    assert "The board votes the budget every year." not in html


def test_hiding_without_a_reason_is_refused(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{w.reply.id}/hide", data={"hide-reason": ""})

    assert response.status_code == 422
    assert db.session.get(Post, w.reply.id).status == PostStatus.PUBLISHED


def test_restoring_a_post_hidden_by_flags_shows_it_again_and_dismisses_the_flags(
    client, auth, forum_world, app, monkeypatch
):
    w = forum_world
    monkeypatch.setitem(app.config, "FORUM_FLAG_THRESHOLD", 2)
    services.flag_post(w.reply, w.member, reason="spam")
    services.flag_post(w.reply, w.group_member, reason="spam")
    assert w.reply.status == PostStatus.HIDDEN
    auth.login_as(w.forum_moderator)

    response = client.post(f"/forum/posts/{w.reply.id}/restore")

    assert response.status_code == 303
    post = db.session.get(Post, w.reply.id)
    assert post.status == PostStatus.PUBLISHED
    assert post.open_flags == 0
    assert {f.resolution for f in _flags(post)} == {FlagResolution.DISMISSED}
    assert len(_notifications(w.board, "forum.restored")) == 1
    _switch(auth, w.board2)
    html = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert "The board votes the budget every year." in html
    _switch(auth, w.forum_moderator)
    assert w.reply.id not in _queue_ids(client.get("/forum/queue").get_data(as_text=True))


def test_restoring_a_hidden_post_dismisses_the_flags_its_hiding_upheld(client, auth, forum_world):
    w = forum_world
    services.flag_post(w.reply, w.member, reason="offensive")
    auth.login_as(w.forum_moderator)
    client.post(f"/forum/posts/{w.reply.id}/hide", data={"hide-reason": "Too harsh."})

    response = client.post(f"/forum/posts/{w.reply.id}/restore")

    assert response.status_code == 303
    assert db.session.get(Post, w.reply.id).status == PostStatus.PUBLISHED
    # The moderator changed their mind: the post stands, so its flags are not upheld.
    assert {f.resolution for f in _flags(w.reply)} == {FlagResolution.DISMISSED}


def test_every_decision_on_a_post_is_audited_with_its_moderator(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    client.post(f"/forum/posts/{w.reply.id}/hide", data={"hide-reason": "Off topic."})
    client.post(f"/forum/posts/{w.reply.id}/restore", data={"restore-reason": "On second look."})
    opening = factories.first_post(w.pending_thread)
    client.post(f"/forum/posts/{opening.id}/reject", data={"reject-reason": "Duplicate."})
    _switch(auth, w.moderator)
    client.post(f"/forum/posts/{w.group_pending.id}/approve")

    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action.in_(
                [
                    "forum.post_hidden",
                    "forum.post_restored",
                    "forum.post_rejected",
                    "forum.post_approved",
                ]
            )
        )
        .order_by(AuditEntry.id)
    ).all()

    assert [(e.action, e.subject_id, e.actor_id) for e in entries] == [
        ("forum.post_hidden", w.reply.id, w.forum_moderator.id),
        ("forum.post_restored", w.reply.id, w.forum_moderator.id),
        ("forum.post_rejected", opening.id, w.forum_moderator.id),
        ("forum.post_approved", w.group_pending.id, w.moderator.id),
    ]
    assert entries[0].details["reason"] == "Off topic."


# -- thread tools ---------------------------------------------------------------------------


def test_locked_thread_refuses_a_member_reply_but_not_the_moderator(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    assert client.post(f"/forum/threads/{w.thread.id}/lock").status_code == 303
    assert db.session.get(Thread, w.thread.id).locked
    [entry] = _audit("forum.thread_locked", w.thread.id)
    assert entry.actor_id == w.forum_moderator.id
    before = _posts_in(w.thread)
    _switch(auth, w.member)

    response = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "One more thing."})

    assert response.status_code == 422
    assert "This thread is locked: a moderator closed it to new replies." in response.get_data(
        as_text=True
    )
    assert _posts_in(w.thread) == before
    _switch(auth, w.forum_moderator)
    response = client.post(
        f"/forum/threads/{w.thread.id}/reply", data={"body": "Closing words from the moderators."}
    )
    assert response.status_code == 303
    last = db.session.scalar(
        sa.select(Post).where(Post.thread_id == w.thread.id).order_by(Post.id.desc()).limit(1)
    )
    assert last.body == "Closing words from the moderators."
    assert last.status == PostStatus.PUBLISHED


def test_member_cannot_lock_a_thread(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)

    assert client.post(f"/forum/threads/{w.thread.id}/lock").status_code == 403
    assert not db.session.get(Thread, w.thread.id).locked


def test_pinned_thread_comes_first_in_its_category(client, auth, forum_world):
    w = forum_world
    fresh = factories.thread(w.general, w.board, "Fresh news", "Just now.")
    auth.login_as(w.member)

    def order() -> list[int]:
        html = client.get(f"/forum/categories/{w.general.id}").get_data(as_text=True)
        return [html.index(f'/forum/threads/{t.id}"') for t in (w.thread, fresh)]

    budget, news = order()
    assert news < budget  # the latest activity first
    _switch(auth, w.forum_moderator)
    assert client.post(f"/forum/threads/{w.thread.id}/pin").status_code == 303
    [entry] = _audit("forum.thread_pinned", w.thread.id)
    assert entry.actor_id == w.forum_moderator.id
    _switch(auth, w.member)

    budget, news = order()

    assert budget < news


def test_forum_moderator_moves_a_thread_to_another_category(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)

    response = client.post(
        f"/forum/threads/{w.thread.id}/move", data={"category": str(w.announcements.id)}
    )

    assert response.status_code == 303
    assert db.session.get(Thread, w.thread.id).category_id == w.announcements.id
    assert len(_notifications(w.member, "forum.moved")) == 1
    [entry] = _audit("forum.thread_moved", w.thread.id)
    assert entry.actor_id == w.forum_moderator.id
    _switch(auth, w.member)
    listing = client.get(f"/forum/categories/{w.announcements.id}").get_data(as_text=True)
    assert "Budget of the co-operative" in listing


def test_group_moderator_cannot_move_a_thread_out_of_their_category(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.moderator)

    response = client.post(
        f"/forum/threads/{w.group_thread.id}/move", data={"category": str(w.general.id)}
    )

    assert response.status_code == 422
    assert db.session.get(Thread, w.group_thread.id).category_id == w.group_category.id
    assert _audit("forum.thread_moved", w.group_thread.id) == []


# -- posting suspensions --------------------------------------------------------------------

REASON = "Insults towards other members."


def _suspend(client, member, days=7, reason=REASON):
    return client.post(f"/forum/members/{member.id}/suspend", data={"days": days, "reason": reason})


def _suspension_of(member) -> PostingSuspension | None:
    return db.session.scalar(
        sa.select(PostingSuspension).where(PostingSuspension.member_id == member.id)
    )


def test_suspended_member_is_told_why_in_the_app_and_by_mail(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)

    response = _suspend(client, w.member)

    assert response.status_code == 303
    suspension = _suspension_of(w.member)
    assert suspension.reason == REASON
    assert suspension.ends_at - suspension.starts_at == timedelta(days=7)
    [note] = _notifications(w.member, "forum.suspended")
    assert note.params["reason"] == REASON
    [message] = _mails_to(w.member)
    assert REASON in message.get_body(("plain",)).get_content()
    [entry] = _audit("forum.member_suspended", w.member.id)
    assert entry.actor_id == w.forum_moderator.id


def test_suspended_member_cannot_reply(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    _suspend(client, w.member)
    before = _posts_in(w.thread)
    _switch(auth, w.member)

    response = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "Still here."})

    assert REASON in response.get_data(as_text=True)
    assert _posts_in(w.thread) == before
    assert response.status_code == 422


def test_suspended_member_cannot_start_a_thread(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    _suspend(client, w.member)
    _switch(auth, w.member)

    response = client.post(
        f"/forum/categories/{w.general.id}/new",
        data={"title": "Something new", "body": "Let me talk."},
    )

    assert REASON in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Thread).where(Thread.title == "Something new")) is None
    # A refused post is a 422, like a refused reply (the browser tests and htmx rely on it).
    assert response.status_code == 422


@pytest.mark.parametrize("days", [0, 400])
def test_suspension_must_last_between_one_day_and_a_year(client, auth, forum_world, days):
    w = forum_world
    auth.login_as(w.forum_moderator)

    response = _suspend(client, w.member, days=days)

    assert response.status_code == 422
    assert "Between 1 and 365 days." in response.get_data(as_text=True)
    assert _suspension_of(w.member) is None
    assert _notifications(w.member, "forum.suspended") == []


def test_lifting_a_suspension_lets_the_member_post_again(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.forum_moderator)
    _suspend(client, w.member)
    suspension = _suspension_of(w.member)

    response = client.post(f"/forum/suspensions/{suspension.id}/lift")

    assert response.status_code == 303
    assert db.session.get(PostingSuspension, suspension.id).lifted_at is not None
    _switch(auth, w.member)
    response = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "Back again."})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Post).where(Post.body == "Back again.")).status == (
        PostStatus.PUBLISHED
    )


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_only_forum_moderators_suspend_members(client, auth, forum_world, who):
    w = forum_world
    auth.login_as(getattr(w, who))

    response = _suspend(client, w.board)

    assert response.status_code == 403
    assert _suspension_of(w.board) is None


# -- moderating without the right -----------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data"),
    [("approve", {}), ("hide", {"hide-reason": "Not welcome."})],
)
def test_group_moderator_cannot_moderate_the_general_category(
    client, auth, forum_world, action, data
):
    w = forum_world
    target = factories.first_post(w.pending_thread) if action == "approve" else w.reply
    status = target.status
    auth.login_as(w.moderator)

    response = client.post(f"/forum/posts/{target.id}/{action}", data=data)

    assert response.status_code == 403
    post = db.session.get(Post, target.id)
    assert post.status == status
    assert post.moderated_by_id is None
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.subject_type == "forum_post",
                AuditEntry.subject_id == target.id,
                AuditEntry.actor_id == w.moderator.id,
            )
        )
        == 0
    )


@pytest.mark.parametrize(
    ("action", "data"),
    [("approve", {}), ("hide", {"hide-reason": "Not welcome."})],
)
def test_group_moderator_cannot_moderate_another_group_category(
    client, auth, forum_world, action, data
):
    w = forum_world
    if action == "approve":
        target = factories.post(w.forming_thread, w.moderator2, "Pending.", PostStatus.PENDING)
    else:
        target = factories.first_post(w.forming_thread)
    status = target.status
    auth.login_as(w.moderator)

    response = client.post(f"/forum/posts/{target.id}/{action}", data=data)

    assert response.status_code == 403
    post = db.session.get(Post, target.id)
    assert post.status == status
    assert post.moderated_by_id is None
