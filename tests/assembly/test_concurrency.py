"""Concurrent ballots on a committed database (PostgreSQL under CI's second run, SQLite in
the first): fifty ballots of one member store exactly one; a ballot cast while the chair
closes the resolution is counted and acknowledged, or refused — never lost or counted
silently."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from sip.assembly import services
from sip.assembly.models import (
    AssemblyParticipation,
    Ballot,
    Resolution,
    ResolutionKind,
)
from sip.db import local_today, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from tests import factories
from tests.conftest import migrated_app, scratch_database


def _world(app, voters: int = 0):
    with app.app_context():
        w = factories.build_world()
        assembly = services.create_assembly(
            w.chair,
            title="Race",
            kind="ordinary",
            starts_at=utcnow() + timedelta(hours=2),
            convocation_on=local_today() - timedelta(days=20),
        )
        resolution = services.add_resolution(
            assembly, w.chair, kind=ResolutionKind.ORDINARY, title="Race", text="Go."
        )
        services.convene(assembly, w.chair)
        assembly.starts_at = utcnow() - timedelta(minutes=1)
        services.open_resolution(resolution, w.chair)
        people = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(voters)]
        db.session.commit()
        return resolution.id, w.member.id, w.chair.id, [p.id for p in people]


def _run(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def test_fifty_concurrent_ballots_of_one_member_store_one(tmp_path):
    with scratch_database("ballot_race", tmp_path) as url:
        # A connection for each of the fifty requests, as fifty app workers would have.
        app = migrated_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 55, "max_overflow": 5})
        resolution_id, member_id, _chair, _people = _world(app)
        barrier = threading.Barrier(50)
        outcomes: list[str] = []

        def vote():
            with app.app_context():
                resolution = db.session.get(Resolution, resolution_id)
                member = db.session.get(Member, member_id)
                _ = resolution.assembly.resolutions  # load before the race
                barrier.wait(timeout=60)
                try:
                    services.cast(resolution, member, member, choice="for")
                    db.session.commit()
                    outcomes.append("stored")
                except (sa.exc.IntegrityError, sa.exc.OperationalError, ServiceError):
                    db.session.rollback()
                    outcomes.append("refused")
                finally:
                    db.session.remove()

        _run([threading.Thread(target=vote) for _ in range(50)])
        with app.app_context():
            ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))
            votes = db.session.scalar(sa.select(sa.func.count()).select_from(AssemblyParticipation))
            db.session.remove()
            db.engine.dispose()
        assert outcomes.count("stored") == 1 and len(outcomes) == 50
        assert (ballots, votes) == (1, 1)


def test_ballots_racing_the_close_are_counted_or_refused(tmp_path):
    with scratch_database("close_race", tmp_path) as url:
        app = migrated_app(url)
        resolution_id, _member, chair_id, people = _world(app, voters=12)
        barrier = threading.Barrier(len(people) + 1)
        acknowledged: list[int] = []

        def vote(person_id):
            with app.app_context():
                resolution = db.session.get(Resolution, resolution_id)
                person = db.session.get(Member, person_id)
                _ = resolution.assembly.resolutions
                barrier.wait(timeout=60)
                try:
                    services.cast(resolution, person, person, choice="for")
                    db.session.commit()
                    acknowledged.append(person_id)
                except (sa.exc.OperationalError, ServiceError):
                    db.session.rollback()
                finally:
                    db.session.remove()

        def close():
            with app.app_context():
                resolution = db.session.get(Resolution, resolution_id)
                chair = db.session.get(Member, chair_id)
                barrier.wait(timeout=60)
                for _attempt in range(20):  # SQLite: the writer lock may be busy a moment
                    try:
                        services.close_resolution(resolution, chair)
                        db.session.commit()
                        break
                    except sa.exc.OperationalError:
                        db.session.rollback()
                db.session.remove()

        _run(
            [threading.Thread(target=vote, args=(p,)) for p in people]
            + [threading.Thread(target=close)]
        )
        with app.app_context():
            resolution = db.session.get(Resolution, resolution_id)
            published = resolution.result["ballots"]
            stored = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Ballot)
                .where(Ballot.resolution_id == resolution_id)
            )
            db.session.remove()
            db.engine.dispose()
        # Every acknowledged ballot is counted; nothing is counted that was not acknowledged.
        assert published == stored == len(acknowledged)
