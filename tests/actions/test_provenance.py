"""Traceability: an action's provenance, forwards to the evidence and backwards from it."""

import re

import sqlalchemy as sa

from sip.actions.models import Action
from sip.extensions import db


def test_an_actions_page_shows_its_whole_provenance_in_order(client, actions_world):
    w = actions_world
    page = client.get(f"/actions/{w.action.id}").get_data(as_text=True)
    provenance = page[page.index('id="provenance"') :]
    order = [
        "The general assembly's resolution",
        "The board's decision: Amendment",
        "Publish the fund's rules too.",  # the motivation
        "The amendment",
        "The working group's recommendation",
        "The evidence it cites",
    ]
    positions = [provenance.index(text) for text in order]
    assert positions == sorted(positions)
    # The result per member category, the named votes, the diff, the versions, the thread.
    assert '<th scope="row">A</th>' in provenance
    assert "Bo Ard: for" in provenance and "Bea Board: for" in provenance
    assert "<ins>" in provenance and "publish its rules" in provenance
    assert "Version 1: Mutual fund" in provenance and "Version 2: Mutual fund, public" in provenance
    assert f'href="/forum/threads/{w.public_thread.id}"' in provenance


def test_a_visitor_follows_an_action_to_its_recommendation_and_the_thread_it_cites(
    client, actions_world
):
    w = actions_world
    page = client.get(f"/actions/{w.action.id}").get_data(as_text=True)
    links = set(re.findall(r'href="(/[^"#]*)', page[page.index('id="provenance"') :]))
    assert f"/working-groups/recommendations/{w.submitted.id}" in links
    assert f"/forum/threads/{w.public_thread.id}" in links
    for link in links:
        assert client.get(link).status_code == 200, link
    thread = client.get(f"/forum/threads/{w.public_thread.id}").get_data(as_text=True)
    assert "Our report." in thread and "Reply" not in thread
    # A thread nobody cites stays for members.
    assert client.get(f"/forum/threads/{w.group_thread.id}").status_code == 302


def test_the_walk_backwards_from_a_thread(client, auth, actions_world):
    w = actions_world
    trace = client.get(f"/actions/trace/thread/{w.public_thread.id}")
    assert trace.status_code == 200
    text = trace.get_data(as_text=True)
    assert "Mutual fund, public" in text  # the recommendation, in the board's words
    assert "Assembly of the cycle" in text and "adopted" in text
    assert (
        f'href="/actions/{w.action.id}"' in text and f'href="/actions/{w.late_action.id}"' in text
    )
    # From the thread itself.
    auth.login_as(w.member)
    thread = client.get(f"/forum/threads/{w.public_thread.id}").get_data(as_text=True)
    assert f'href="/actions/trace/thread/{w.public_thread.id}"' in thread


def test_the_walk_backwards_hides_what_no_public_recommendation_cites(client, auth, actions_world):
    w = actions_world
    assert client.get(f"/actions/trace/thread/{w.group_thread.id}").status_code == 404
    assert client.get("/actions/trace/thread/999999").status_code == 404
    assert client.get(f"/actions/trace/nonsense/{w.group_thread.id}").status_code == 404
    auth.login_as(w.member)
    page = client.get(f"/actions/trace/thread/{w.thread.id}").get_data(as_text=True)
    assert "No submitted recommendation cites it yet." in page


def test_the_provenance_of_a_demo_action_is_complete_and_every_link_resolves(client, auth, app):
    from sip.demo import load_demo

    load_demo()
    action = db.session.scalar(
        sa.select(Action).where(Action.title == "Make the mutual guarantee fund's rules public")
    )
    auth.login("admin@example.org", "demo-password")  # reads English
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    provenance = page[page.index('id="provenance"') :]
    for heading in (
        "The general assembly's resolution",
        "The board's decision",
        "The working group's recommendation",
        "The evidence it cites",
    ):
        assert heading in provenance, heading
    links = set(re.findall(r'href="(/[^"#]*)', provenance))
    kinds = {link.split("/")[1] for link in links}
    assert {"assemblies", "board", "working-groups", "forum"} <= kinds, kinds
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_recommendation_and_the_result_lead_forwards_to_the_actions(
    client, auth, actions_world
):
    w = actions_world
    rec = client.get(f"/working-groups/recommendations/{w.submitted.id}").get_data(as_text=True)
    assert f'href="/actions/{w.action.id}"' in rec and f'href="/actions/{w.late_action.id}"' in rec
    results = f"/assemblies/{w.cycle_assembly.id}/resolutions/{w.adopted.id}/results"
    page = client.get(results).get_data(as_text=True)  # published results are public
    assert f'href="/actions/{w.action.id}"' in page
    assert f'href="/actions/resolutions/{w.adopted.id}/new"' not in page
    auth.login_as(w.board)
    page = client.get(results).get_data(as_text=True)
    assert f'href="/actions/resolutions/{w.adopted.id}/new"' in page
    cycle = client.get(f"/cycles/{w.cycle.id}").get_data(as_text=True)
    assert f'href="/actions/cycles/{w.cycle.id}"' in cycle
