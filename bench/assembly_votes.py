"""Benchmark: general-assembly ballots over HTTP, and the tally of a large resolution.

1. Serves the app with gunicorn (BENCH_WORKERS processes), on a temporary SQLite file or
   BENCH_DATABASE_URL, with the demo data, BENCH_VOTERS members and an assembly whose
   advance voting is open; BENCH_CLIENTS concurrent clients each cast ballots (one per
   member) through ``POST /assemblies/<id>/resolutions/<rid>/vote``. Reports ballots per
   second and the p50/p95 latency, beside ``GET /healthz`` of the same server with the same
   clients in the same run: the ratio is the figure that matters.
2. Adds BENCH_TALLY_BALLOTS ballots (120,000: every member of Smart in all countries) to
   another resolution and times its close-time count (``compute_result``: SQL aggregates
   and the pure rules) beside the raw GROUP BY on the same data.

    make bench        # or: .venv/bin/python bench/assembly_votes.py
"""

import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cycle_pages import add_members, demo_app
from sip.assembly import services
from sip.assembly.models import Ballot, Resolution, ResolutionKind
from sip.db import local_today, utcnow
from sip.extensions import db
from sip.members.models import Member

VOTERS = int(os.environ.get("BENCH_VOTERS", "2000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
TALLY = int(os.environ.get("BENCH_TALLY_BALLOTS", "120000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
AGENT = "sip-bench"
RAW = (
    "SELECT college_id, choice, count(*), sum(weight) FROM ballot "
    "WHERE resolution_id = :r GROUP BY college_id, choice"
)


def build(url: str):
    app = demo_app(url)
    with app.app_context():
        have = len(add_members(0))  # the demo's members
        add_members(have + VOTERS)
        chair = db.session.scalar(sa.select(Member).where(Member.email == "chair@example.org"))
        now = utcnow()
        assembly = services.create_assembly(
            chair,
            title="Bench assembly",
            kind="ordinary",
            starts_at=now + timedelta(days=1),
            convocation_on=local_today() - timedelta(days=20),
            advance_voting_from=now - timedelta(hours=1),
        )
        vote = services.add_resolution(
            assembly, chair, kind=ResolutionKind.ORDINARY, title="Cast", text="Over HTTP."
        )
        tally = services.add_resolution(
            assembly, chair, kind=ResolutionKind.ORDINARY, title="Count", text="120,000."
        )
        services.convene(assembly, chair)
        voters = db.session.scalars(
            sa.select(Member)
            .where(Member.email.like("bench%@example.org"))
            .order_by(Member.id)
            .limit(VOTERS)
        ).all()
        cookies = _cookies(app, voters)
        db.session.commit()
        ids = assembly.id, vote.id, tally.id
        db.engine.dispose()
    return app, ids, cookies


def _cookies(app, members) -> list[tuple[int, str]]:
    """A logged-in session cookie per member, as the login page would give (bench only)."""
    from flask_login.utils import _create_identifier

    serializer = app.session_interface.get_signing_serializer(app)
    out = []
    with app.test_request_context(
        environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": AGENT}
    ):
        identifier = _create_identifier()
    for m in members:
        session = {"_user_id": m.get_id(), "_fresh": True, "_id": identifier}
        out.append((m.id, serializer.dumps(session)))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        SIP_SQLALCHEMY_DATABASE_URI=url,
        SIP_SECRET_KEY="bench",  # noqa: S106 - a throwaway database
        SIP_SESSION_COOKIE_SECURE="false",
        SIP_WTF_CSRF_ENABLED="false",
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "sip:create_app()",
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def request(port: int, method: str, path: str, cookie: str = "", body: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": AGENT, "Cookie": f"session={cookie}"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    return response.status, elapsed


def load(port: int, jobs) -> tuple[float, list[float], dict]:
    """Run the jobs with CLIENTS threads: (seconds, latencies, status counts)."""
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for status, elapsed in pool.map(lambda job: request(port, *job), jobs):
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(elapsed)
    return time.perf_counter() - started, latencies, statuses


def report(name: str, seconds: float, latencies: list[float], statuses: dict) -> float:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    rate = len(latencies) / seconds
    print(f"{name:26} {rate:10.1f} {p50:9.1f} {p95:9.1f}   {statuses}")
    return rate


def tally(app, resolution_id: int) -> tuple[float, float]:
    with app.app_context():
        colleges = [c for (c,) in db.session.execute(sa.text("SELECT id FROM college"))]
        rng = random.Random(120000)
        rows = [
            {
                "id": secrets.token_hex(16),
                "resolution_id": resolution_id,
                "college_id": rng.choices(colleges, weights=[85, 10, 5][: len(colleges)])[0],
                "choice": rng.choices(["for", "against", "abstain"], weights=[6, 3, 1])[0],
                "weight": 1,
                "receipt_hash": secrets.token_hex(32),
            }
            for _ in range(TALLY)
        ]
        for start in range(0, len(rows), 10000):
            db.session.execute(sa.insert(Ballot), rows[start : start + 10000])
        db.session.commit()
        resolution = db.session.get(Resolution, resolution_id)

        def timed(fn) -> float:
            runs = []
            for _ in range(RUNS):
                start = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - start)
            return statistics.median(runs) * 1000

        computed = timed(lambda: services.compute_result(resolution))
        raw = timed(lambda: db.session.execute(sa.text(RAW), {"r": resolution_id}).all())
        assert services.compute_result(resolution)["ballots"] == TALLY
        db.engine.dispose()
    return computed, raw


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app, (assembly_id, vote_id, tally_id), cookies = build(url)
        print(
            f"database: {url.split('@')[-1]}; {len(cookies)} voters; gunicorn {WORKERS} workers, "
            f"{CLIENTS} concurrent clients; built in {time.perf_counter() - started:.1f} s"
        )
        port = _free_port()
        server = serve(url, port)
        try:
            path = f"/assemblies/{assembly_id}/resolutions/{vote_id}/vote"
            votes = [
                ("POST", path, cookie, urlencode({"voter": member_id, "choice": "for"}))
                for member_id, cookie in cookies
            ]
            bare = [("GET", "/healthz")] * len(votes)
            load(port, bare[: CLIENTS * 4])  # warm the workers
            print(f"{'case':26} {'per second':>10} {'p50 ms':>9} {'p95 ms':>9}   statuses")
            health = report("GET /healthz", *load(port, bare))
            cast = report("POST a ballot", *load(port, votes))
        finally:
            server.terminate()
            server.wait(timeout=30)
        with app.app_context():
            stored = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Ballot)
                .where(Ballot.resolution_id == vote_id)
            )
            db.engine.dispose()
        print(
            f"ballots stored: {stored} of {len(votes)}; ballots per second / bare route: {cast / health:.2f}"
        )
        computed, raw = tally(app, tally_id)
        print(f"{'tally of ' + format(TALLY, ',') + ' ballots':26} {computed:10.1f} ms")
        print(f"{'the raw GROUP BY':26} {raw:10.1f} ms   ratio {computed / raw:.2f}")


if __name__ == "__main__":
    main()
