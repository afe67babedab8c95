"""Benchmark: the admin's member list and search with Smart's 25,000 active members.

Measures the time and the number of SQL queries of /members/ (first page, a page
deep in the list, a search, a filter) on SQLite by default, or on the database in
BENCH_DATABASE_URL (PostgreSQL: postgresql://postgres@127.0.0.1:5432/bench).

    make bench                      # 25,000 members on SQLite
    BENCH_MEMBERS=120000 make bench # Smart across nine countries
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sip import create_app
from sip.db import utcnow
from sip.demo import load_demo
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "25000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def build(url: str):
    if url.startswith("postgres"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False}
    )
    with app.app_context():
        flask_migrate.upgrade()
        load_demo()
        colleges = db.session.scalars(sa.select(College.id)).all()
        offices = db.session.scalars(sa.select(Office.id)).all()
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
        now = utcnow()
        hashed = generate_password_hash("bench-password", "pbkdf2:sha256:1000")
        rows = [
            {
                "email": f"bench{i}@example.org",
                "name": f"Bench Member {i:06d}",
                "password_hash": hashed,
                "language": ("fr", "nl", "en")[i % 3],
                "status": MemberStatus.ACTIVE.value,
                "college_id": colleges[i % len(colleges)],
                "office_id": offices[i % len(offices)],
                "shares": 1 + i % 5,
                "session_nonce": f"n{i}",
                "created_at": now,
            }
            for i in range(max(0, MEMBERS - have))
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(Member), rows[start : start + 5000])
        db.session.commit()
    return app


def measure(client, url: str) -> tuple[float, int]:
    timings, queries = [], []
    for _ in range(RUNS):
        statements: list[int] = []

        def count(*args, _statements=statements):
            _statements.append(1)

        with client.application.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        sa.event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
        queries.append(len(statements))
    return statistics.median(timings) * 1000, max(queries)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app = build(url)
        elapsed = time.perf_counter() - started
        print(f"database: {url.split('@')[-1]}; {MEMBERS} members built in {elapsed:.1f} s")
        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False  # the benchmark logs in without reading a form
        client.post("/auth/login", data={"email": "admin@example.org", "password": "demo-password"})
        cases = {
            "first page": "/members/",
            "page 500": "/members/?page=500",
            "search 'member 0123'": "/members/?q=member+0123",
            "filter college+office+status": "/members/?college=1&office=2&status=active",
        }
        print(f"{'case':34} {'median ms':>10} {'queries':>8}   ({RUNS} runs each)")
        for name, path in cases.items():
            ms, n = measure(client, path)
            print(f"{name:34} {ms:10.1f} {n:8d}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
