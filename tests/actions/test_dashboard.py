"""The public dashboard of a cycle: its figures against counts made here independently,
its exports, and a number of queries that does not grow with the data."""

import csv
import io
import json
from collections import Counter

import sqlalchemy as sa

from sip.actions import services
from sip.actions.models import Action
from sip.assembly.models import (
    Assembly,
    AssemblyAttendance,
    AssemblyParticipation,
    Proxy,
    Resolution,
)
from sip.board.models import BoardDecision
from sip.cycles.models import Cycle, Topic
from sip.extensions import db
from sip.forum.models import Post
from sip.members.models import College, Member, Office
from sip.surveys.models import Response, Survey
from sip.working_groups.models import MeetingRegistration, Recommendation, WorkingGroup
from tests import factories


def _all(model):
    return db.session.scalars(sa.select(model)).all()


def expected_figures(cycle: Cycle) -> dict:
    """The dashboard's figures counted in Python from every row, not with the app's SQL."""
    groups = {g.id for g in _all(WorkingGroup) if g.cycle_id == cycle.id}
    topics = [t for t in _all(Topic) if t.cycle_id == cycle.id]
    recs = [r for r in _all(Recommendation) if r.group_id in groups and r.submitted_at]
    rec_ids = {r.id for r in recs}
    endorsed = {
        d.recommendation_id
        for d in _all(BoardDecision)
        if d.recommendation_id in rec_ids and d.carried and d.kind in ("validate", "amend")
    }
    resolutions = [r for r in _all(Resolution) if r.assembly.cycle_id == cycle.id]
    adopted = {
        r.recommendation_id
        for r in resolutions
        if r.recommendation_id in rec_ids and r.outcome == "adopted"
    }
    actions = [a for a in _all(Action) if a.resolution.assembly.cycle_id == cycle.id]
    members = {m.id: m for m in _all(Member)}

    def by(ids_or_pairs):
        colleges, offices = Counter(), Counter()
        for college, office in ids_or_pairs:
            colleges[college] += 1
            offices[office] += 1
        return colleges, offices

    posts = [
        (p.author.college.code, p.author.office.code)
        for p in _all(Post)
        if p.status == "published" and p.thread.category.group_id in groups
    ]
    college_codes = {c.id: c.code for c in _all(College)}
    office_codes = {o.id: o.code for o in _all(Office)}
    survey_groups = {s.id: s.group_id for s in _all(Survey)}
    responses = [
        (college_codes[r.college_id], office_codes[r.office_id])
        for r in _all(Response)
        if survey_groups[r.survey_id] in groups
    ]
    topic_ids = {t.id for t in topics}
    attendance = [
        (r.member.college.code, r.member.office.code)
        for r in _all(MeetingRegistration)
        if r.attended and (r.meeting.group_id in groups or r.meeting.topic_id in topic_ids)
    ]
    assemblies = {a.id for a in _all(Assembly) if a.cycle_id == cycle.id}
    turnout = {}
    for assembly_id in assemblies:
        present = {a.member_id for a in _all(AssemblyAttendance) if a.assembly_id == assembly_id}
        represented = {
            p.grantor_id
            for p in _all(Proxy)
            if p.assembly_id == assembly_id and p.state == "accepted" and p.holder_id in present
        }
        voted = {
            p.voter_id
            for p in _all(AssemblyParticipation)
            if db.session.get(Resolution, p.resolution_id).assembly_id == assembly_id
        }
        people = present | represented | voted
        turnout[assembly_id] = by((members[i].college.code, members[i].office.code) for i in people)
    return {
        "funnel": {
            "topics": len(topics),
            "selected": sum(1 for t in topics if t.status == "selected"),
            "groups": len(groups),
            "recommendations": len(recs),
            "endorsed": len(endorsed),
            "adopted": len(adopted),
            "actions": len(actions),
            "done": sum(1 for a in actions if a.status == "done"),
        },
        "posts": by(posts),
        "responses": by(responses),
        "attendance": by(attendance),
        "turnout": turnout,
    }


def _check(data: dict, expected: dict) -> None:
    assert data["funnel"] == expected["funnel"]
    for key in ("posts", "responses", "attendance"):
        colleges, offices = expected[key]
        figures = data["participation"][key]
        assert figures["total"] == sum(colleges.values()), key
        assert {k: v for k, v in figures["by_college"].items() if v} == dict(colleges), key
        assert {k: v for k, v in figures["by_office"].items() if v} == dict(offices), key
    assert {a["id"] for a in data["assemblies"]} == set(expected["turnout"])
    for a in data["assemblies"]:
        colleges, offices = expected["turnout"][a["id"]]
        assert {k: v for k, v in a["present"]["by_college"].items() if v} == dict(colleges)
        assert {k: v for k, v in a["present"]["by_office"].items() if v} == dict(offices)


def test_the_dashboards_figures_equal_counts_made_independently(client, actions_world):
    w = actions_world
    w.past_meeting.registrations.append(MeetingRegistration(member=w.group_member, attended=True))
    db.session.flush()
    data = json.loads(client.get(f"/actions/cycles/{w.cycle.id}/dashboard.json").data)
    expected = expected_figures(w.cycle)
    _check(data, expected)
    assert data["funnel"]["adopted"] == 1 and data["funnel"]["actions"] == 2
    assert data["participation"]["attendance"]["total"] == 1
    assert data["actions"]["overdue"] == 1
    assert data["actions"]["progress"] == 0  # two planned actions
    page = client.get(f"/actions/cycles/{w.cycle.id}").get_data(as_text=True)
    assert 'data-stage="adopted"' in page and "Publish the fund" in page


def test_the_demo_dashboard_of_sip_2015_is_filled_and_correct(client, app):
    from sip.demo import load_demo

    load_demo()
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.name == "SIP 2015"))
    data = json.loads(client.get(f"/actions/cycles/{cycle.id}/dashboard.json").data)
    _check(data, expected_figures(cycle))
    funnel = data["funnel"]
    assert funnel["topics"] >= funnel["selected"] >= funnel["groups"] > 0
    assert funnel["adopted"] >= 4 and funnel["actions"] >= 6 and funnel["done"] >= 3
    statuses = {item["status"] for item in data["actions"]["items"]}
    assert statuses == {"planned", "in_progress", "done", "dropped"}
    assert data["participation"]["posts"]["total"] > 0
    assert data["assemblies"] and data["assemblies"][0]["present"]["total"] > 1000


def test_the_exports_hold_the_same_figures(client, actions_world):
    w = actions_world
    data = json.loads(client.get(f"/actions/cycles/{w.cycle.id}/dashboard.json").data)
    response = client.get(f"/actions/cycles/{w.cycle.id}/dashboard.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    funnel = {r["measure"]: int(r["value"]) for r in rows if r["section"] == "funnel"}
    assert funnel == data["funnel"]
    posts = {
        r["group"]: int(r["value"])
        for r in rows
        if r["section"] == "participation"
        and r["measure"] == "posts"
        and r["breakdown"] == "office"
    }
    assert posts == data["participation"]["posts"]["by_office"]
    actions = list(
        csv.DictReader(io.StringIO(client.get(f"/actions/cycles/{w.cycle.id}/actions.csv").text))
    )
    assert [a["title"] for a in actions] == [i["title"] for i in data["actions"]["items"]]
    assert {a["overdue"] for a in actions} == {"True", "False"}
    assert client.get("/actions/cycles/999999/dashboard.csv").status_code == 404


def _grow(w, n: int) -> None:
    """n more topics, threads with posts, and actions."""
    from datetime import timedelta

    from sip.db import local_today

    for i in range(n):
        factories.topic(w.cycle, w.member, f"Topic {i}")
        thread = factories.thread(w.public_category, w.moderator2, f"Thread {i}")
        factories.post(thread, w.board, f"Reply {i}")
        services.create_action(
            w.adopted,
            w.admin,
            title=f"Action {i}",
            owner_team="Team",
            due_on=local_today() + timedelta(days=i),
        )
    db.session.flush()


def test_the_dashboards_queries_do_not_grow_with_the_data(client, count_queries, actions_world):
    w = actions_world
    _grow(w, 3)
    with count_queries() as small:
        assert client.get(f"/actions/cycles/{w.cycle.id}").status_code == 200
    _grow(w, 40)
    with count_queries() as large:
        page = client.get(f"/actions/cycles/{w.cycle.id}")
    assert page.status_code == 200 and "Action 39" in page.get_data(as_text=True)
    assert len(large) == len(small), (len(small), len(large))
    assert len(small) <= 20, small


def test_the_actions_list_and_the_walk_back_do_not_grow_with_the_data(
    client, count_queries, actions_world
):
    w = actions_world
    # Each route served once first: a route's first request in a process loads the
    # thread's group and members eagerly, later ones lazily (one more statement), and
    # the test compares equals with equals, whatever ran before it on this worker.
    client.get("/actions/")
    client.get(f"/actions/trace/thread/{w.public_thread.id}")
    _grow(w, 3)
    with count_queries() as small:
        assert client.get("/actions/").status_code == 200
    with count_queries() as small_trace:
        assert client.get(f"/actions/trace/thread/{w.public_thread.id}").status_code == 200
    _grow(w, 45)
    with count_queries() as large:
        page = client.get("/actions/")
    assert "Action 20" in page.get_data(as_text=True)  # a full page of 25
    with count_queries() as large_trace:
        trace = client.get(f"/actions/trace/thread/{w.public_thread.id}")
    assert "Action 44" in trace.get_data(as_text=True)
    assert len(large) == len(small), (len(small), len(large))
    assert len(large_trace) == len(small_trace), (len(small_trace), len(large_trace))
