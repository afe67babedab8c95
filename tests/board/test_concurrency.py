"""Two board members recording a decision on the same recommendation at the same moment:
exactly one is recorded.

Runs on its own committed database (the other tests roll back one shared transaction, in
which nothing can race): PostgreSQL under CI's second run, SQLite in the first.
"""

import threading

import sqlalchemy as sa

from sip.board import services
from sip.board.models import BoardDecision, BoardMeeting, DecisionKind
from sip.board.rules import Choice
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.working_groups.models import Recommendation, RecommendationState
from tests import factories
from tests.conftest import migrated_app, scratch_database


def test_two_concurrent_decisions_record_one(tmp_path):
    with scratch_database("board_race", tmp_path) as url:
        app = migrated_app(url)
        with app.app_context():
            world = factories.build_world()
            factories.build_groups(world)
            factories.build_board(world)
            db.session.commit()
            ids = (
                world.board_meeting.id,
                world.submitted.id,
                world.board.id,
                world.board2.id,
            )
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def decide(actor_index: int, kind: DecisionKind):
            with app.app_context():
                meeting_id, rec_id, *voters = ids
                meeting = db.session.get(BoardMeeting, meeting_id)
                rec = db.session.get(Recommendation, rec_id)
                actor = db.session.get(Member, voters[actor_index])
                services.quorum(meeting)  # load everything before the race
                barrier.wait()
                try:
                    services.decide(
                        rec,
                        meeting,
                        actor,
                        kind=kind,
                        motivation="Decided.",
                        votes={voters[0]: Choice.FOR, voters[1]: Choice.FOR},
                    )
                    db.session.commit()
                    outcomes.append("recorded")
                except (sa.exc.IntegrityError, sa.exc.OperationalError, ServiceError):
                    db.session.rollback()
                    outcomes.append("refused")
                finally:
                    db.session.remove()

        threads = [
            threading.Thread(target=decide, args=(0, DecisionKind.VALIDATE)),
            threading.Thread(target=decide, args=(1, DecisionKind.REJECT)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with app.app_context():
            decisions = db.session.scalars(sa.select(BoardDecision)).all()
            state = db.session.get(Recommendation, ids[1]).state
            kinds = [d.kind for d in decisions]
            db.session.remove()
            db.engine.dispose()
        assert sorted(outcomes) == ["recorded", "refused"]
        assert len(kinds) == 1
        expected = {
            DecisionKind.VALIDATE: RecommendationState.VALIDATED,
            DecisionKind.REJECT: RecommendationState.REJECTED,
        }
        assert state == expected[kinds[0]]
