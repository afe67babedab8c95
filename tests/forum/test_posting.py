"""Writing in the forum: threads, replies, quotes, edits, deletion, pre-moderation, follows."""

from datetime import timedelta

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.db import utcnow
from sip.extensions import db
from sip.forum.models import Post, PostRevision, PostStatus, Thread, ThreadStatus
from sip.forum.services import follow
from sip.notifications.models import Notification
from tests import factories


def _posts(thread_id: int) -> list[Post]:
    return db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread_id).order_by(Post.id)
    ).all()


def _newcomer(w):
    return factories.member(w.colleges["A"], w.offices["BXL"], name="Nina Newcomer")


def test_member_starts_a_thread_that_is_published_and_followed(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    response = client.post(
        f"/forum/categories/{w.general.id}/new",
        data={"title": "Office hours", "body": "When is the **Ghent** office open?"},
    )
    assert response.status_code == 303
    thread = db.session.scalar(sa.select(Thread).where(Thread.title == "Office hours"))
    assert thread.status == ThreadStatus.PUBLISHED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Ghent</strong>" in page
    assert "Stop following" in page  # authors follow their threads
    listing = client.get(f"/forum/categories/{w.general.id}").get_data(as_text=True)
    assert "Office hours" in listing


def test_empty_or_oversized_posts_are_refused_and_nothing_is_created(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    empty = client.post(
        f"/forum/categories/{w.general.id}/new", data={"title": "Empty", "body": "   "}
    )
    assert empty.status_code == 422
    assert "Write something before posting." in empty.get_data(as_text=True)
    missing = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": ""})
    assert missing.status_code == 422
    assert "This field is required." in missing.get_data(as_text=True)
    huge = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "x" * 20001})
    assert huge.status_code == 422
    assert "At most 20000 characters." in huge.get_data(as_text=True)
    long_title = client.post(
        f"/forum/categories/{w.general.id}/new", data={"title": "t" * 201, "body": "Body"}
    )
    assert long_title.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == before


def test_a_service_limit_below_the_form_limit_is_also_refused(
    app, client, auth, forum_world, monkeypatch
):
    w = forum_world
    monkeypatch.setitem(app.config, "FORUM_POST_MAX_LENGTH", 50)
    auth.login_as(w.member)
    response = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "y" * 60})
    assert response.status_code == 422
    assert "A post has at most 50 characters (this one has 60)." in response.get_data(as_text=True)


def test_new_members_first_posts_wait_and_only_author_and_moderators_see_them(
    client, auth, forum_world
):
    w = forum_world
    newcomer = _newcomer(w)
    auth.login_as(newcomer)
    response = client.post(
        f"/forum/categories/{w.general.id}/new",
        data={"title": "Hello from Namur", "body": "My first post."},
    )
    assert response.status_code == 303
    thread = db.session.scalar(sa.select(Thread).where(Thread.title == "Hello from Namur"))
    assert thread.status == ThreadStatus.PENDING
    mine = client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    assert "My first post." in mine
    assert "until a moderator approves it" in mine
    assert "Hello from Namur" in client.get(f"/forum/categories/{w.general.id}").get_data(
        as_text=True
    )
    auth.logout()
    auth.login_as(w.member)
    assert client.get(f"/forum/threads/{thread.id}").status_code == 403
    assert "Hello from Namur" not in client.get(f"/forum/categories/{w.general.id}").get_data(
        as_text=True
    )
    auth.logout()
    auth.login_as(w.forum_moderator)
    assert "My first post." in client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)


def test_after_enough_approved_posts_a_member_posts_directly(client, auth, forum_world):
    w = forum_world
    newcomer = _newcomer(w)
    auth.login_as(newcomer)
    for i in range(2):
        client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": f"Reply {i}"})
    pending = [p for p in _posts(w.thread.id) if p.author_id == newcomer.id]
    assert [p.status for p in pending] == [PostStatus.PENDING, PostStatus.PENDING]
    auth.logout()
    auth.login_as(w.forum_moderator)
    for p in pending:
        assert client.post(f"/forum/posts/{p.id}/approve").status_code == 303
    auth.logout()
    auth.login_as(newcomer)
    client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "Third reply"})
    third = _posts(w.thread.id)[-1]
    assert (third.body, third.status) == ("Third reply", PostStatus.PUBLISHED)


def test_every_post_waits_in_a_premoderated_category_except_moderators(client, auth, forum_world):
    w = forum_world
    ideas = factories.category("Ideas", premoderated=True)
    auth.login_as(w.member)  # has published posts already
    client.post(f"/forum/categories/{ideas.id}/new", data={"title": "Idea", "body": "An idea."})
    assert db.session.scalar(sa.select(Thread.status).where(Thread.title == "Idea")) == "pending"
    auth.logout()
    auth.login_as(w.forum_moderator)
    client.post(f"/forum/categories/{ideas.id}/new", data={"title": "Rules", "body": "Be kind."})
    assert db.session.scalar(sa.select(Thread.status).where(Thread.title == "Rules")) == "published"


def test_quoting_a_post_prefills_the_reply_and_links_to_it(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    form = client.get(f"/forum/threads/{w.thread.id}/reply?quote={w.reply.id}")
    html = form.get_data(as_text=True)
    assert "&gt; **Bo Ard**:" in html
    assert "&gt; The board votes the budget every year." in html
    response = client.post(
        f"/forum/threads/{w.thread.id}/reply",
        data={"body": "> The board votes\n\nAnd who prepares it?", "reply_to": str(w.reply.id)},
    )
    assert response.status_code == 303
    created = _posts(w.thread.id)[-1]
    assert created.reply_to_id == w.reply.id
    page = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert f'href="/forum/posts/{w.reply.id}"' in page
    assert "<blockquote>" in page


def test_quoting_a_post_of_another_thread_is_not_found(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    other = factories.first_post(w.public_thread)
    assert client.get(f"/forum/threads/{w.thread.id}/reply?quote={other.id}").status_code == 404
    response = client.post(
        f"/forum/threads/{w.thread.id}/reply", data={"body": "Hi", "reply_to": str(other.id)}
    )
    assert response.status_code == 422
    assert "You can only answer a post of this thread." in response.get_data(as_text=True)


def test_author_edits_within_the_time_limit_and_moderators_read_the_history(
    client, auth, forum_world
):
    w = forum_world
    auth.login_as(w.member)
    response = client.post(
        f"/forum/posts/{w.own_post.id}/edit",
        data={"title": "Budget of the co-operative (2026)", "body": "How is the budget voted?"},
    )
    assert response.status_code == 303
    db.session.refresh(w.own_post)
    assert w.own_post.body == "How is the budget voted?"
    assert w.own_post.edited_at is not None
    assert db.session.get(Thread, w.thread.id).title == "Budget of the co-operative (2026)"
    revision = db.session.scalar(
        sa.select(PostRevision).where(PostRevision.post_id == w.own_post.id)
    )
    assert revision.body == "How is the budget made?"
    assert revision.title == "Budget of the co-operative"
    assert client.get(f"/forum/posts/{w.own_post.id}/history").status_code == 403
    auth.logout()
    auth.login_as(w.forum_moderator)
    history = client.get(f"/forum/posts/{w.own_post.id}/history").get_data(as_text=True)
    assert "How is the budget made?" in history
    assert "How is the budget voted?" in history
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(
            AuditEntry.action == "forum.post_edited", AuditEntry.subject_id == w.own_post.id
        )
    )


def test_editing_after_the_time_limit_is_refused_with_a_message(
    app, client, auth, forum_world, monkeypatch
):
    w = forum_world
    monkeypatch.setitem(app.config, "FORUM_EDIT_WINDOW_MINUTES", 60)
    auth.login_as(w.member)
    page = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert f"/forum/posts/{w.old_post.id}/edit" not in page  # two hours old: no Edit link
    assert f"/forum/posts/{w.member_reply.id}/edit" in page
    response = client.post(f"/forum/posts/{w.old_post.id}/edit", data={"body": "Changed"})
    assert response.status_code == 422
    assert "can be edited for 60 minutes" in response.get_data(as_text=True)
    db.session.refresh(w.old_post)
    assert w.old_post.body == "An old remark."
    assert w.old_post.edited_at is None


def test_editing_someone_elses_post_is_forbidden(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    response = client.post(f"/forum/posts/{w.reply.id}/edit", data={"body": "Vandalised"})
    assert response.status_code == 403
    db.session.refresh(w.reply)
    assert w.reply.body == "The board votes the budget every year."


def test_author_deletes_a_post_and_a_notice_stays_in_its_place(client, auth, forum_world):
    w = forum_world
    replies_before = db.session.get(Thread, w.thread.id).reply_count
    auth.login_as(w.member)
    assert client.post(f"/forum/posts/{w.member_reply.id}/delete").status_code == 303
    assert db.session.get(Post, w.member_reply.id).status == PostStatus.DELETED
    assert db.session.get(Thread, w.thread.id).reply_count == replies_before - 1
    auth.logout()
    auth.login_as(w.board)
    page = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert "This post was deleted by its author." in page
    assert "Thank you for the answer." not in page
    response = client.post(
        f"/forum/threads/{w.thread.id}/reply",
        data={"body": "Answering", "reply_to": str(w.member_reply.id)},
    )
    assert response.status_code == 422
    assert "hidden or deleted" in response.get_data(as_text=True)


def test_no_javascript_preview_shows_the_rendered_post_and_creates_nothing(
    client, auth, forum_world
):
    w = forum_world
    auth.login_as(w.member)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    response = client.post(
        f"/forum/categories/{w.general.id}/new",
        data={"title": "Draft", "body": "*Emphasis* <script>alert(1)</script>", "preview": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<em>Emphasis</em>" in html
    assert "<script>alert(1)" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == before


def test_live_preview_renders_sanitised_markdown(client, auth, forum_world):
    auth.login_as(forum_world.member)
    response = client.post(
        "/forum/preview",
        data={"body": "# Title\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert "<h1>Title</h1>" in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_unread_markers_follow_what_the_member_has_read(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.board)
    listing = client.get(f"/forum/categories/{w.general.id}").get_data(as_text=True)
    assert 'class="unread"' in listing
    client.get(f"/forum/threads/{w.thread.id}")
    listing = client.get(f"/forum/categories/{w.general.id}").get_data(as_text=True)
    row = listing.split(f'href="/forum/threads/{w.thread.id}"')[0].rsplit("<tr", 1)[1]
    assert "unread" not in row
    factories.post(w.thread, w.member, "Something new")
    db.session.get(Thread, w.thread.id).last_post_at = utcnow() + timedelta(seconds=1)
    db.session.flush()
    listing = client.get(f"/forum/categories/{w.general.id}").get_data(as_text=True)
    row = listing.split(f'href="/forum/threads/{w.thread.id}"')[0].rsplit("<tr", 1)[1]
    assert 'class="unread"' in row


def test_followers_of_a_category_and_a_thread_are_notified_of_new_posts(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.board)
    client.post(f"/forum/categories/{w.general.id}/follow")
    client.post(f"/forum/threads/{w.thread.id}/follow")
    auth.logout()
    auth.login_as(w.member)
    client.post(f"/forum/categories/{w.general.id}/new", data={"title": "Fresh", "body": "News"})
    client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "One more thing"})
    kinds = db.session.scalars(
        sa.select(Notification.kind)
        .where(Notification.member_id == w.board.id, Notification.kind.startswith("forum."))
        .order_by(Notification.id)
    ).all()
    assert kinds == ["forum.new_thread", "forum.reply"]
    auth.logout()
    auth.login_as(w.board)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Mem Ber started a thread: “Fresh”." in page
    assert "Mem Ber replied in “Budget of the co-operative”." in page
    note = db.session.scalar(
        sa.select(Notification).where(
            Notification.member_id == w.board.id, Notification.kind == "forum.reply"
        )
    )
    opened = client.post(f"/notifications/{note.id}/open")
    assert opened.headers["Location"].endswith(f"/forum/posts/{note.subject_id}")
    assert db.session.get(Notification, note.id).read_at is not None
    client.post(f"/forum/threads/{w.thread.id}/unfollow")
    auth.logout()
    auth.login_as(w.member)
    client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "And another"})
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.member_id == w.board.id, Notification.kind == "forum.reply")
        )
        == 1
    )


def test_pending_posts_notify_followers_only_once_approved(client, auth, forum_world):
    w = forum_world
    follow(w.member, thread=w.thread)
    newcomer = _newcomer(w)
    auth.login_as(newcomer)
    client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": "Waiting reply"})
    notified = sa.select(sa.func.count()).where(
        Notification.member_id == w.member.id, Notification.kind == "forum.reply"
    )
    before = db.session.scalar(notified)
    assert before == 1  # the world's own notification only
    pending = _posts(w.thread.id)[-1]
    auth.logout()
    auth.login_as(w.forum_moderator)
    client.post(f"/forum/posts/{pending.id}/approve")
    assert db.session.scalar(notified) == 2


def test_a_working_group_gets_its_category_when_created(app, groups_world):
    from sip.forum.models import Category
    from sip.working_groups import services as wg

    w = groups_world
    group = wg.create_group(
        w.cycle,
        w.admin,
        topic=w.topic,
        name="Shared tools",
        mandate="Which tools?",
        deadline=(utcnow() + timedelta(days=60)).date(),
        moderator=w.moderator,
    )
    category = db.session.scalar(sa.select(Category).where(Category.group_id == group.id))
    assert category is not None
    assert category.name == "Shared tools"


def test_a_closed_groups_category_is_read_only(client, auth, forum_world):
    from sip.working_groups.models import GroupState

    w = forum_world
    w.group.state = GroupState.CLOSED
    db.session.flush()
    auth.login_as(w.group_member)
    assert client.get(f"/forum/threads/{w.group_thread.id}").status_code == 200
    response = client.post(f"/forum/threads/{w.group_thread.id}/reply", data={"body": "Late"})
    assert response.status_code == 403
