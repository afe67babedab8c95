"""Benchmark: the public dashboard of a cycle at scale.

Builds (on a temporary SQLite file, or BENCH_DATABASE_URL) the demo data, members up to
BENCH_MEMBERS, and for SIP 2015: BENCH_POSTS forum posts in its groups' categories,
BENCH_RESPONSES responses to a questionnaire of one of its groups, BENCH_ATTENDANCE
attendances at its groups' meetings and BENCH_ACTIONS actions. Reports the median time and
the SQL queries of the dashboard page, its JSON export, and ``dashboard.dashboard`` alone.

    .venv/bin/python bench/dashboard.py
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cycle_pages import RUNS, add_members, demo_app, measure
from sip.extensions import db

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "25000"))
POSTS = int(os.environ.get("BENCH_POSTS", "100000"))
RESPONSES = int(os.environ.get("BENCH_RESPONSES", "25000"))
ATTENDANCE = int(os.environ.get("BENCH_ATTENDANCE", "5000"))
ACTIONS = int(os.environ.get("BENCH_ACTIONS", "200"))


def build(url: str):
    from sip.actions.models import Action
    from sip.assembly.models import Resolution
    from sip.cycles.models import Cycle
    from sip.db import utcnow
    from sip.forum.models import Category, Post, Thread
    from sip.surveys.models import Response, Survey
    from sip.working_groups.models import Meeting, MeetingRegistration, WorkingGroup

    app = demo_app(url)
    rng = random.Random(2015)
    with app.app_context():
        member_ids = add_members(MEMBERS)
        cycle = db.session.scalar(sa.select(Cycle).where(Cycle.name == "SIP 2015"))
        groups = db.session.scalars(
            sa.select(WorkingGroup.id).where(WorkingGroup.cycle_id == cycle.id)
        ).all()
        threads = db.session.scalars(
            sa.select(Thread.id).join(Category).where(Category.group_id.in_(groups))
        ).all()
        now = utcnow()
        posts = [
            {
                "thread_id": rng.choice(threads),
                "author_id": rng.choice(member_ids),
                "body": "A remark.",
                "status": "published",
                "created_at": now,
                "moderation_reason": "",
            }
            for _ in range(POSTS)
        ]
        for start in range(0, len(posts), 10000):
            db.session.execute(sa.insert(Post), posts[start : start + 10000])
        survey = Survey(
            title="Bench questionnaire", created_by_id=member_ids[0], group_id=groups[0]
        )
        db.session.add(survey)
        db.session.flush()
        responses = [
            {
                "id": f"d{i:031d}",
                "survey_id": survey.id,
                "college_id": rng.randint(1, 3),
                "office_id": rng.randint(1, 6),
                "submitted_on": date(2016, 2, 1),
            }
            for i in range(RESPONSES)
        ]
        for start in range(0, len(responses), 10000):
            db.session.execute(sa.insert(Response), responses[start : start + 10000])
        meetings = db.session.scalars(
            sa.select(Meeting.id).where(Meeting.group_id.in_(groups))
        ).all()
        have = {
            (m, p)
            for m, p in db.session.execute(
                sa.select(MeetingRegistration.meeting_id, MeetingRegistration.member_id)
            )
        }
        pairs = set()
        while len(pairs) < ATTENDANCE:
            pair = (rng.choice(meetings), rng.choice(member_ids))
            if pair not in have:
                pairs.add(pair)
        db.session.execute(
            sa.insert(MeetingRegistration),
            [
                {"meeting_id": m, "member_id": p, "registered_at": now, "attended": True}
                for m, p in pairs
            ],
        )
        resolution = db.session.scalar(sa.select(Action.resolution_id).order_by(Action.id).limit(1))
        statuses = ["planned", "in_progress", "done", "dropped"]
        db.session.execute(
            sa.insert(Action),
            [
                {
                    "resolution_id": resolution,
                    "title": f"Bench action {i}",
                    "description": "",
                    "owner_team": "Team",
                    "due_on": date(2016, 9, 1) + timedelta(days=i),
                    "status": statuses[i % 4],
                    "progress": 100 if statuses[i % 4] == "done" else i % 100,
                    "drop_reason": "Why." if statuses[i % 4] == "dropped" else "",
                    "created_by_id": member_ids[0],
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(ACTIONS)
            ],
        )
        db.session.commit()
        assert db.session.get(Resolution, resolution) is not None
        # As autovacuum would: without statistics, PostgreSQL plans the 100,000 posts as one.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return app, cycle.id


def main() -> None:
    from sip.actions import dashboard
    from sip.cycles.models import Cycle
    from sip.db import local_today

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app, cycle_id = build(url)
        print(
            f"database: {url.split('@')[-1]}; {MEMBERS} members; SIP 2015 with {POSTS} more "
            f"posts, {RESPONSES} responses, {ATTENDANCE} attendances, {ACTIONS} more actions; "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        client = app.test_client()
        cases = {
            "dashboard page (anonymous)": f"/actions/cycles/{cycle_id}",
            "dashboard.json": f"/actions/cycles/{cycle_id}/dashboard.json",
            "dashboard.csv": f"/actions/cycles/{cycle_id}/dashboard.csv",
        }
        print(f"{'case':30} {'median ms':>10} {'queries':>8}   ({RUNS} runs each)")
        for name, path in cases.items():
            ms, n = measure(app, client, path)
            print(f"{name:30} {ms:10.1f} {n:8d}")
        with app.app_context():
            cycle = db.session.get(Cycle, cycle_id)
            timings = []
            for _ in range(RUNS):
                start = time.perf_counter()
                dashboard.dashboard(cycle, local_today())
                timings.append(time.perf_counter() - start)
            print(f"{'dashboard.dashboard alone':30} {statistics.median(timings) * 1000:10.1f}")


if __name__ == "__main__":
    main()
