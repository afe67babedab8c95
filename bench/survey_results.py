"""Benchmark: a questionnaire's results page at 25,000 responses, against the raw aggregate.

Builds (on a temporary SQLite file, or BENCH_DATABASE_URL) the demo data and BENCH_RESPONSES
responses to the 2016 demo questionnaire (all its question kinds), then reports the median
time of: the results page (compute and render), ``results.compute`` alone, and the same
GROUP BY run as one raw SQL query — with the ratio of the page to the raw query; and
everyone's results with a breakdown by college and by office (``compute_with_breakdown``,
one pass over the answers) beside the raw GROUP BY by office.

    make bench
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cycle_pages import RUNS, add_members, demo_app, measure
from sip.extensions import db
from sip.members.models import College
from sip.surveys import results
from sip.surveys.models import Answer, Response, Survey
from sip.surveys.rules import Kind

RESPONSES = int(os.environ.get("BENCH_RESPONSES", "25000"))
RAW = """
SELECT a.question_id, a.option_id, a.number, a.day, a.text IS NOT NULL, count(*)
FROM survey_answer a JOIN survey_response r ON r.id = a.response_id
WHERE r.survey_id = :survey
GROUP BY a.question_id, a.option_id, a.number, a.day, a.text IS NOT NULL
"""
#: The same, by office: what a breakdown's one pass over the answers must at least do.
RAW_BY_OFFICE = """
SELECT r.office_id, a.question_id, a.option_id, a.number, a.day, a.text IS NOT NULL, count(*)
FROM survey_answer a JOIN survey_response r ON r.id = a.response_id
WHERE r.survey_id = :survey
GROUP BY r.office_id, a.question_id, a.option_id, a.number, a.day, a.text IS NOT NULL
"""


def build(url: str):
    app = demo_app(url)
    rng = random.Random(25)
    with app.app_context():
        add_members(2000)
        survey = db.session.scalar(
            sa.select(Survey).where(Survey.title == "Quality of Smart's services (2016)")
        )
        have = db.session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        responses, answers = [], []
        for i in range(max(0, RESPONSES - have)):
            rid = f"b{i:031d}"
            responses.append(
                {
                    "id": rid,
                    "survey_id": survey.id,
                    "college_id": rng.randint(1, 3),
                    "office_id": rng.randint(1, 7),
                    "submitted_on": date(2016, 4, 1),
                }
            )
            for q in survey.questions:
                row = {"response_id": rid, "question_id": q.id}
                if q.kind in (Kind.SINGLE, Kind.MULTIPLE):
                    answers.append({**row, "option_id": rng.choice(q.choices).id})
                elif q.kind in (Kind.LIKERT, Kind.MATRIX):
                    targets = q.rows if q.kind == Kind.MATRIX else [None]
                    for target in targets:
                        answers.append(
                            {
                                **row,
                                "option_id": target.id if target else None,
                                "number": rng.randint(1, 5),
                            }
                        )
                elif q.kind == Kind.RATING:
                    answers.append({**row, "number": rng.randint(0, 10)})
                elif q.kind == Kind.NUMBER:
                    answers.append({**row, "number": rng.randint(0, 60)})
                elif q.kind == Kind.RANKING:
                    for rank, o in enumerate(rng.sample(q.choices, len(q.choices)), start=1):
                        answers.append({**row, "option_id": o.id, "number": rank})
                elif q.kind == Kind.DATE:
                    answers.append({**row, "day": date(rng.randint(2000, 2015), 1, 1)})
                else:
                    answers.append({**row, "text": rng.choice(["ok", "slow", "fine"])})
        for start in range(0, len(responses), 5000):
            db.session.execute(sa.insert(Response), responses[start : start + 5000])
        for start in range(0, len(answers), 20000):
            db.session.execute(sa.insert(Answer), answers[start : start + 20000])
        db.session.commit()
        if url.startswith("postgres"):
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        return app, survey.id, len(answers)


def timed(fn) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        app, survey_id, answers = build(url)
        print(
            f"database: {url.split('@')[-1]}; {RESPONSES} responses, {answers} answers added; "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        client.post(
            "/auth/login", data={"email": "moderator@example.org", "password": "demo-password"}
        )
        with app.app_context():
            college = db.session.scalar(sa.select(College.id).order_by(College.position))
        print(f"{'case':34} {'median ms':>10} {'queries':>8}   ({RUNS} runs each)")
        page_ms = {}
        for name, path in {
            "results page": f"/surveys/{survey_id}/results",
            "results page, by college": f"/surveys/{survey_id}/results?by=college",
            "results page, by office": f"/surveys/{survey_id}/results?by=office",
            "one category, by office": f"/surveys/{survey_id}/results?college={college}&by=office",
        }.items():
            ms, n = measure(app, client, path)
            page_ms[name] = ms
            print(f"{name:34} {ms:10.1f} {n:8d}")
        with app.app_context():
            survey = db.session.get(Survey, survey_id)
            compute_ms = timed(lambda: results.compute(survey))
            by_ms = {
                by: timed(lambda by=by: results.compute_with_breakdown(survey, by))
                for by in ("college", "office")
            }
            raw_ms = timed(lambda: db.session.execute(sa.text(RAW), {"survey": survey_id}).all())
            raw_office_ms = timed(
                lambda: db.session.execute(sa.text(RAW_BY_OFFICE), {"survey": survey_id}).all()
            )
            db.engine.dispose()
        print(f"{'results.compute':34} {compute_ms:10.1f}")
        for by, ms in by_ms.items():
            print(f"{'everyone and by ' + by + ', one pass':34} {ms:10.1f}")
        print(f"{'the raw GROUP BY':34} {raw_ms:10.1f}")
        print(f"{'the raw GROUP BY, by office':34} {raw_office_ms:10.1f}")
        print(
            f"ratio page / raw query: {page_ms['results page'] / raw_ms:.1f}; "
            f"compute / raw query: {compute_ms / raw_ms:.1f}; "
            f"by office / raw by office: {by_ms['office'] / raw_office_ms:.1f}"
        )


if __name__ == "__main__":
    main()
