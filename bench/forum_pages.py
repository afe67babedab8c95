"""Benchmark: the forum at the scale of Smart.

Builds (on a temporary SQLite file, or BENCH_DATABASE_URL) the demo data, 25,000 members,
BENCH_THREADS threads and BENCH_POSTS posts in the general category (one thread of
BENCH_LONG_THREAD posts), then times the forum's pages and its search.

    make bench
"""

import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cycle_pages import MEMBERS, RUNS, add_members, demo_app, measure
from sip.db import utcnow
from sip.extensions import db
from sip.forum.models import Category, Post, Thread
from sip.forum.services import refresh_thread

THREADS = int(os.environ.get("BENCH_THREADS", "5000"))
POSTS = int(os.environ.get("BENCH_POSTS", "100000"))
LONG_THREAD = int(os.environ.get("BENCH_LONG_THREAD", "500"))


def build(url: str):
    app = demo_app(url)
    rng = random.Random(11)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(3, 9)))
        for _ in range(3000)
    ]
    with app.app_context():
        member_ids = add_members(MEMBERS)
        now = utcnow()
        general = db.session.scalar(sa.select(Category).where(Category.name_en == "General"))
        db.session.execute(
            sa.insert(Thread),
            [
                {
                    "category_id": general.id,
                    "title": " ".join(rng.choices(vocabulary, k=5)),
                    "author_id": rng.choice(member_ids),
                    "status": "published",
                    "pinned": False,
                    "locked": False,
                    "created_at": now - timedelta(minutes=i),
                    "last_post_at": now - timedelta(minutes=i),
                    "reply_count": 0,
                }
                for i in range(THREADS)
            ],
        )
        thread_ids = db.session.scalars(
            sa.select(Thread.id).where(Thread.category_id == general.id).order_by(Thread.id)
        ).all()
        long_thread = thread_ids[-1]

        def post(thread_id, first, minutes):
            words = rng.choices(vocabulary, k=rng.randint(20, 120))
            if rng.random() < 0.01:
                words.append("cooperative")
            return {
                "thread_id": thread_id,
                "is_first": first,
                "author_id": rng.choice(member_ids),
                "body": " ".join(words),
                "status": "published",
                "created_at": now - timedelta(minutes=minutes),
                "moderation_reason": "",
                "open_flags": 0,
            }

        rows = [post(t, True, 0) for t in thread_ids[-THREADS:]]
        rows += [post(long_thread, False, 0) for _ in range(LONG_THREAD)]
        rows += [
            post(rng.choice(thread_ids), False, rng.randint(0, 10000))
            for _ in range(max(0, POSTS - len(rows)))
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(Post), rows[start : start + 5000])
        refresh_thread(db.session.get(Thread, long_thread))
        # Every thread's counters in one statement (refresh_thread is for one thread).
        replies = (
            sa.select(sa.func.count())
            .where(Post.thread_id == Thread.id, Post.is_first.is_(False))
            .scalar_subquery()
        )
        db.session.execute(sa.update(Thread).values(reply_count=replies))
        db.session.commit()
        if url.startswith("postgres"):
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        return app, general.id, long_thread, vocabulary[7]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app, general_id, long_thread, word = build(url)
        elapsed = time.perf_counter() - started
        print(
            f"database: {url.split('@')[-1]}; {MEMBERS} members, {THREADS} threads, {POSTS} posts "
            f"(one thread of {LONG_THREAD}); built in {elapsed:.1f} s"
        )
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        client.post(
            "/auth/login", data={"email": "moderator@example.org", "password": "demo-password"}
        )
        last_page = LONG_THREAD // app.config["FORUM_POSTS_PER_PAGE"] + 1
        cases = {
            "forum index": "/forum/",
            "category, page 1": f"/forum/categories/{general_id}",
            "category, page 100": f"/forum/categories/{general_id}?page=100",
            f"thread of {LONG_THREAD}, page 1": f"/forum/threads/{long_thread}",
            f"thread of {LONG_THREAD}, last page": f"/forum/threads/{long_thread}?page={last_page}",
            "search, common word": f"/forum/search?q={word}",
            "search, rare word": "/forum/search?q=cooperative",
            "search, two words": f"/forum/search?q={word}+cooperative",
            "review queue": "/forum/queue",
        }
        print(f"{'case':30} {'median ms':>10} {'queries':>8}   ({RUNS} runs each)")
        for name, path in cases.items():
            ms, n = measure(app, client, path)
            print(f"{name:30} {ms:10.1f} {n:8d}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
