"""Forum pages: bounded queries whatever the number of rows, neutralised user text,
and the SQL visibility rules agreeing with the per-object ones."""

import pytest
import sqlalchemy as sa

from sip.extensions import db
from sip.forum.models import Category, Post, Thread
from sip.forum.permissions import (
    can_read,
    can_see_thread,
    moderated_categories,
    moderates,
    readable_categories,
    visible_threads,
)
from tests import factories
from tests.test_markdown import DANGEROUS, XSS_PAYLOADS


def _fill(thread, authors, n):
    for i in range(n):
        factories.post(thread, authors[i % len(authors)], f"Post number {i}")


def test_a_thread_page_runs_as_many_queries_with_10_and_200_posts(
    client, auth, forum_world, count_queries
):
    w = forum_world
    small = factories.thread(w.general, w.member, "Small thread")
    large = factories.thread(w.general, w.member, "Large thread")
    authors = [w.member, w.board, w.chair, w.payroll, w.group_member]
    _fill(small, authors, 9)
    _fill(large, authors, 199)
    auth.login_as(w.board)
    with count_queries() as few:
        assert client.get(f"/forum/threads/{small.id}").status_code == 200
    with count_queries() as many:
        html = client.get(f"/forum/threads/{large.id}?page=10").get_data(as_text=True)
    assert html.count('class="post post-') == 20  # one page of posts
    assert len(many) == len(few)
    # A first page of many does not mark the thread read: one upsert less.
    with count_queries() as first:
        client.get(f"/forum/threads/{large.id}")
    assert len(first) == len(few) - 1


def test_a_category_page_runs_as_many_queries_with_5_and_50_threads(
    client, auth, forum_world, count_queries
):
    w = forum_world
    few_cat, many_cat = factories.category("Few"), factories.category("Many")
    people = [w.member, w.board, w.chair]
    for i in range(5):
        factories.thread(few_cat, people[i % 3], f"Few {i}")
    for i in range(50):
        factories.thread(many_cat, people[i % 3], f"Many {i}")
    auth.login_as(w.group_member)
    with count_queries() as few:
        client.get(f"/forum/categories/{few_cat.id}")
    with count_queries() as many:
        html = client.get(f"/forum/categories/{many_cat.id}").get_data(as_text=True)
    assert html.count("/forum/threads/") == 25
    assert len(many) == len(few)


def test_the_review_queue_runs_as_many_queries_with_3_and_30_items(
    client, auth, forum_world, count_queries
):
    w = forum_world
    auth.login_as(w.forum_moderator)
    with count_queries() as few:
        client.get("/forum/queue")
    people = [w.member, w.board, w.chair, w.payroll]
    for i in range(30):
        factories.post(w.thread, people[i % 4], f"Waiting {i}", status="pending")
    with count_queries() as many:
        html = client.get("/forum/queue").get_data(as_text=True)
    assert html.count('class="queue-item"') == 25
    assert len(many) == len(few)


@pytest.mark.parametrize("payload", XSS_PAYLOADS[::3])
def test_xss_payloads_in_posts_are_neutralised(client, auth, forum_world, payload):
    w = forum_world
    auth.login_as(w.member)
    response = client.post(f"/forum/threads/{w.thread.id}/reply", data={"body": payload})
    assert response.status_code == 303
    created = db.session.scalar(sa.select(Post).order_by(Post.id.desc()).limit(1))
    html = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    article = html.split(f'<article id="post-{created.id}"', 1)[1].split("</article>", 1)[0]
    body = article.split('<div class="post-body">', 1)[1].split("<footer", 1)[0]
    for pattern in DANGEROUS:
        assert pattern.search(body) is None, f"{pattern.pattern} survived: {payload!r}"


def test_thread_titles_are_escaped(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    title = '<img src=x onerror="alert(1)">'
    client.post(f"/forum/categories/{w.general.id}/new", data={"title": title, "body": "Body"})
    thread = db.session.scalar(sa.select(Thread).where(Thread.title == title))
    html = client.get(f"/forum/threads/{thread.id}").get_data(as_text=True)
    assert title not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_sql_visibility_rules_agree_with_the_per_object_rules(forum_world):
    w = forum_world
    people = [
        w.member,
        w.group_member,
        w.board,
        w.moderator,
        w.moderator2,
        w.chair,
        w.payroll,
        w.expert,
        w.forum_moderator,
        w.admin,
        w.author,
    ]
    categories = db.session.scalars(sa.select(Category)).all()
    threads = db.session.scalars(sa.select(Thread)).all()
    for person in people:
        readable = set(
            db.session.scalars(sa.select(Category.id).where(readable_categories(person)))
        )
        moderated = set(
            db.session.scalars(sa.select(Category.id).where(moderated_categories(person)))
        )
        visible = set(
            db.session.scalars(
                sa.select(Thread.id)
                .join(Category, Category.id == Thread.category_id)
                .where(visible_threads(person))
            )
        )
        assert readable == {c.id for c in categories if can_read(person, c)}, person.name
        assert moderated == {c.id for c in categories if moderates(person, c)}, person.name
        assert visible == {t.id for t in threads if can_see_thread(person, t)}, person.name
