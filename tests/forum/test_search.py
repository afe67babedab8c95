"""Search: ranked, highlighted, one page per query, and only what the member may read."""

import pytest

from sip.forum.models import PostStatus
from sip.forum.search import search
from tests import factories


def _titles(results) -> list[str]:
    return [str(h.title).replace("<mark>", "").replace("</mark>", "") for h in results.hits]


def test_finds_posts_by_their_words_and_threads_by_their_title(forum_world):
    w = forum_world
    results = search(w.member, "budget")
    assert results.hits
    assert {h.thread_id for h in results.hits} == {w.thread.id}
    assert any("<mark>" in str(h.excerpt) for h in results.hits)
    by_title = search(w.member, "co-operative")
    assert w.thread.id in {h.thread_id for h in by_title.hits}
    assert any("<mark>" in str(h.title) for h in by_title.hits)


def test_a_title_match_ranks_before_a_passing_mention(forum_world):
    w = forum_world
    factories.thread(
        w.general,
        w.board,
        "A pension scheme",
        "Should the co-operative offer a collective top-up?",
    )
    mention = factories.thread(w.general, w.board, "Holidays", "Long text " * 30 + "pension.")
    results = search(w.member, "pension")
    assert [h.thread_id for h in results.hits][-1] == mention.id
    assert _titles(results)[0] == "A pension scheme"


def test_only_published_posts_are_found(forum_world):
    w = forum_world
    assert not search(w.forum_moderator, "watches").hits  # the hidden post
    factories.post(w.thread, w.author, "A secret proposal about zeppelins", PostStatus.PENDING)
    assert not search(w.forum_moderator, "zeppelins").hits
    assert not search(w.member, "Waiting thread").hits  # a pending thread


def test_a_forming_groups_posts_are_found_by_the_group_only(forum_world):
    w = forum_world
    factories.post(w.forming_thread, w.moderator2, "Confidential charter draft")
    assert not search(w.member, "charter").hits
    assert not search(w.moderator, "charter").hits  # moderates another group only
    assert search(w.moderator2, "charter").hits
    assert search(w.forum_moderator, "charter").hits


def test_experts_find_their_groups_posts_but_not_the_general_forum(forum_world):
    w = forum_world
    assert not search(w.expert, "budget").hits
    assert search(w.expert, "agenda").hits  # "Agenda ideas." in the group's thread


def test_results_come_one_page_at_a_time(forum_world):
    w = forum_world
    for i in range(25):
        factories.post(w.thread, w.board, f"Lighthouse remark number {i}")
    first = search(w.member, "lighthouse", page=1, per_page=20)
    second = search(w.member, "lighthouse", page=2, per_page=20)
    assert (len(first.hits), first.has_next) == (20, True)
    assert (len(second.hits), second.has_next) == (5, False)
    assert not {h.post_id for h in first.hits} & {h.post_id for h in second.hits}


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "budget OR", "NOT", "a*b(c)", "-budget", "title:budget", "NEAR(a b)", "'';--"],
)
def test_search_syntax_from_visitors_never_breaks_a_query(forum_world, query):
    results = search(forum_world.member, query)
    assert isinstance(results.hits, list)


def test_user_text_in_results_is_escaped(forum_world):
    w = forum_world
    factories.post(w.thread, w.board, "<script>alert(1)</script> kangaroo <b>bold</b>")
    hits = search(w.member, "kangaroo").hits
    excerpt = str(hits[0].excerpt)
    # Escaped (SQLite) or dropped by ts_headline's parser (PostgreSQL): never markup.
    assert "<script" not in excerpt
    assert "<b>" not in excerpt
    assert "<mark>kangaroo</mark>" in excerpt


def test_the_search_page_shows_results_and_an_empty_message(client, auth, forum_world):
    auth.login_as(forum_world.member)
    html = client.get("/forum/search?q=budget").get_data(as_text=True)
    assert "<mark>" in html
    assert "Budget of the co-operative" in html.replace("<mark>", "").replace("</mark>", "")
    nothing = client.get("/forum/search?q=xylophone").get_data(as_text=True)
    assert "No post matches “xylophone”." in nothing
    partial = client.get("/forum/search?q=budget", headers={"HX-Request": "true"})
    assert "<html" not in partial.get_data(as_text=True)


def test_search_index_follows_edits_and_title_changes(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.member)
    client.post(
        f"/forum/posts/{w.own_post.id}/edit",
        data={"title": "Annual accounts", "body": "How are the accounts audited?"},
    )
    assert search(w.board, "audited").hits
    assert not search(w.board, "made").hits
    assert w.thread.id in {h.thread_id for h in search(w.board, "annual").hits}
