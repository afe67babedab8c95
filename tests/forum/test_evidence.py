"""Threads as evidence: a recommendation cites its group's or the general forum's threads,
and a thread shows the recommendations citing it."""

import sqlalchemy as sa

from sip.extensions import db
from sip.working_groups.models import Evidence


def test_a_group_cites_its_thread_and_the_thread_shows_the_recommendation(
    client, auth, forum_world
):
    w = forum_world
    auth.login_as(w.group_member)
    page = client.get(f"/working-groups/recommendations/{w.draft.id}").get_data(as_text=True)
    assert "Forum thread: Our first meeting" in page
    assert "Forum thread: Budget of the co-operative" in page  # the general forum
    assert "Forum thread: Forming thread" not in page  # another group's
    response = client.post(
        f"/working-groups/recommendations/{w.draft.id}/evidence",
        data={"target": f"thread:{w.group_thread.id}", "note": "The agenda discussion"},
    )
    assert response.status_code == 303
    rec_page = client.get(f"/working-groups/recommendations/{w.draft.id}").get_data(as_text=True)
    assert f'href="/forum/threads/{w.group_thread.id}"' in rec_page
    thread_page = client.get(f"/forum/threads/{w.group_thread.id}").get_data(as_text=True)
    assert "Cited by recommendations" in thread_page
    assert "Open the co-operative" in thread_page


def test_another_groups_thread_cannot_be_cited(client, auth, forum_world):
    w = forum_world
    auth.login_as(w.group_member)
    response = client.post(
        f"/working-groups/recommendations/{w.draft.id}/evidence",
        data={"target": f"thread:{w.forming_thread.id}"},
    )
    assert response.status_code == 422
    assert not db.session.scalar(
        sa.select(Evidence.id).where(
            Evidence.kind == "thread", Evidence.target_id == w.forming_thread.id
        )
    )


def test_a_draft_citing_a_thread_is_listed_only_to_those_who_see_the_draft(
    client, auth, forum_world
):
    w = forum_world
    auth.login_as(w.group_member)
    client.post(
        f"/working-groups/recommendations/{w.draft.id}/evidence",
        data={"target": f"thread:{w.thread.id}"},
    )
    assert "Open the co-operative" in client.get(f"/forum/threads/{w.thread.id}").get_data(
        as_text=True
    )
    auth.logout()
    auth.login_as(w.member)  # not in the group: the draft is not theirs to see
    page = client.get(f"/forum/threads/{w.thread.id}").get_data(as_text=True)
    assert "Open the co-operative" not in page
    assert "Cited by recommendations" not in page
