"""Two submissions of the same member at the same moment store exactly one response.

Runs on its own committed database (the other tests roll back one shared transaction, in
which nothing can race): PostgreSQL under CI's second run, SQLite in the first.
"""

import threading

import sqlalchemy as sa

from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member
from sip.surveys import services
from sip.surveys.models import Participation, Response, Survey
from sip.surveys.rules import Kind
from tests import factories
from tests.conftest import migrated_app, scratch_database


def test_two_concurrent_submissions_store_one_response(tmp_path):
    with scratch_database("race", tmp_path) as url:
        app = migrated_app(url)
        with app.app_context():
            world = factories.build_world()
            survey = services.create_survey(world.moderator, title="Race")
            question = services.add_question(
                survey, world.moderator, kind=Kind.RATING, text="Score", required=True
            )
            services.publish(survey, world.moderator)
            db.session.commit()
            ids = survey.id, world.member.id, question.id
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def submit():
            with app.app_context():
                survey_id, member_id, question_id = ids
                survey = db.session.get(Survey, survey_id)
                member = db.session.get(Member, member_id)
                services.specs(survey)  # load everything before the race
                barrier.wait()
                try:
                    services.submit(survey, member, {question_id: {"value": "7"}})
                    db.session.commit()
                    outcomes.append("stored")
                except (sa.exc.IntegrityError, sa.exc.OperationalError, ServiceError):
                    db.session.rollback()
                    outcomes.append("refused")
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with app.app_context():
            responses = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
            participations = db.session.scalar(
                sa.select(sa.func.count()).select_from(Participation)
            )
            db.session.remove()
            db.engine.dispose()
        assert sorted(outcomes) == ["refused", "stored"]
        assert (responses, participations) == (1, 1)
