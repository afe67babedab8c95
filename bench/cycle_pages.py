"""Benchmark: the topics list and a working group's page at the scale of Smart.

Builds (on a temporary SQLite file, or BENCH_DATABASE_URL) the demo data plus a cycle
with BENCH_TOPICS topics supported by up to 25,000 members, and a working group with
BENCH_ITEMS meetings, documents and recommendations; then times the pages.

    make bench
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sip import create_app
from sip.cycles.models import Cycle, Topic, TopicSupport
from sip.db import utcnow
from sip.demo import load_demo
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.working_groups import services as wg
from sip.working_groups.models import Document, DocumentRevision, WorkingGroup

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "25000"))
TOPICS = int(os.environ.get("BENCH_TOPICS", "500"))
SUPPORTS = int(os.environ.get("BENCH_SUPPORTS", "100000"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "200"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def demo_app(url: str):
    """An app on an emptied database, migrated, with the demo data (call in its context)."""
    if url.startswith("postgres"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False}
    )


def add_members(total: int) -> list[int]:
    """Migrate, load the demo data, add active members up to ``total``; return every id."""
    flask_migrate.upgrade()
    load_demo()
    db.session.commit()
    have = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    hashed = generate_password_hash("bench-password", "pbkdf2:sha256:1000")
    now = utcnow()
    rows = [
        {
            "email": f"bench{i}@example.org",
            "name": f"Bench {i:06d}",
            "password_hash": hashed,
            "language": "en",
            "status": MemberStatus.ACTIVE.value,
            "college_id": 1,
            "office_id": 1,
            "shares": 1,
            "session_nonce": f"n{i}",
            "created_at": now,
        }
        for i in range(max(0, total - have))
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Member), rows[start : start + 5000])
    return db.session.scalars(sa.select(Member.id)).all()


def build(url: str):
    app = demo_app(url)
    rng = random.Random(7)
    with app.app_context():
        member_ids = add_members(MEMBERS)
        now = utcnow()
        cycle = db.session.scalar(sa.select(Cycle).where(Cycle.name == "SIP 2026"))
        topics = [
            {
                "cycle_id": cycle.id,
                "title": f"Topic {i}",
                "description": "Why.",
                "author_id": rng.choice(member_ids),
                "status": "proposed",
                "created_at": now - timedelta(minutes=i),
                "decision_note": "",
            }
            for i in range(TOPICS)
        ]
        db.session.execute(sa.insert(Topic), topics)
        topic_ids = db.session.scalars(sa.select(Topic.id).where(Topic.cycle_id == cycle.id)).all()
        existing = set(
            db.session.execute(sa.select(TopicSupport.topic_id, TopicSupport.member_id)).tuples()
        )
        pairs = set()
        while len(pairs) < SUPPORTS:
            pair = (rng.choice(topic_ids), rng.choice(member_ids))
            if pair not in existing:
                pairs.add(pair)
        supports = [{"topic_id": t, "member_id": m, "created_at": now} for t, m in pairs]
        for start in range(0, len(supports), 10000):
            db.session.execute(sa.insert(TopicSupport), supports[start : start + 10000])
        group = db.session.scalar(sa.select(WorkingGroup).order_by(WorkingGroup.id))
        moderator = group.moderator
        for i in range(ITEMS):
            wg.schedule_meeting(
                moderator,
                group=group,
                title=f"M{i}",
                starts_at=now,
                ends_at=now + timedelta(hours=1),
                place="x",
            )
            doc = Document(group=group)
            doc.revisions.append(
                DocumentRevision(number=1, title=f"D{i}", body="b", author=moderator)
            )
            db.session.add(doc)
        db.session.commit()
        return app, cycle.id, group.id


def measure(app, client, path: str) -> tuple[float, int]:
    timings, queries = [], []
    with app.app_context():
        engine = db.engine
    for _ in range(RUNS):
        statements: list[int] = []

        def count(*args, _statements=statements):
            _statements.append(1)

        sa.event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        sa.event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (path, response.status_code)
        queries.append(len(statements))
    return statistics.median(timings) * 1000, max(queries)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app, cycle_id, group_id = build(url)
        elapsed = time.perf_counter() - started
        print(
            f"database: {url.split('@')[-1]}; {MEMBERS} members, {TOPICS} topics, {SUPPORTS} supports, "
            f"{ITEMS} meetings and documents in a group; built in {elapsed:.1f} s"
        )
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        client.post("/auth/login", data={"email": "admin@example.org", "password": "demo-password"})
        cases = {
            "topics, by support": f"/cycles/{cycle_id}/topics",
            "topics, by date, page 10": f"/cycles/{cycle_id}/topics?sort=date&page=10",
            "working group page": f"/working-groups/{group_id}",
            "recommendations list": "/working-groups/recommendations",
        }
        print(f"{'case':30} {'median ms':>10} {'queries':>8}   ({RUNS} runs each)")
        for name, path in cases.items():
            ms, n = measure(app, client, path)
            print(f"{name:30} {ms:10.1f} {n:8d}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
