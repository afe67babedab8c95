"""Two senders over one outbox, each with its own connection, as two ``send-mail``
processes (or RQ workers) would be: every message leaves exactly once. On the database the
suite runs on: SQLite (``BEGIN IMMEDIATE`` claims) or PostgreSQL (``SKIP LOCKED``)."""

import threading
import time
from collections import Counter

import sqlalchemy as sa

from sip import mail
from sip.extensions import db
from sip.notifications import outbox
from sip.notifications.models import MailMessage, MailStatus
from tests.conftest import migrated_app, scratch_database

MESSAGES = 60


def _fill(app) -> list[int]:
    with app.app_context():
        ids = [outbox.send(f"m{i}@example.org", f"Message {i}", "Body").id for i in range(MESSAGES)]
        db.session.commit()
        db.session.info.clear()  # left to the senders below, not sent by this context
        db.session.remove()
        return ids


def _run(threads) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def test_two_senders_at_once_send_every_message_exactly_once(tmp_path, monkeypatch):
    with scratch_database("outbox_race", tmp_path) as url:
        app = migrated_app(url, MAIL_BATCH_SIZE=4)
        _fill(app)
        delivered: list[tuple[str, str]] = []

        def slow_transport(message):
            time.sleep(0.002)  # an SMTP round trip, so that both senders overlap
            delivered.append((threading.current_thread().name, message["Subject"]))

        monkeypatch.setattr(mail, "transport", slow_transport)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def sender():
            with app.app_context():
                barrier.wait(timeout=60)
                try:
                    outbox.deliver()
                except BaseException as error:  # reported below, not lost in the thread
                    errors.append(error)
                finally:
                    db.session.remove()

        _run([threading.Thread(target=sender, name=f"sender-{i}") for i in range(2)])
        with app.app_context():
            statuses = Counter(db.session.scalars(sa.select(MailMessage.status)))
            attempts = set(db.session.scalars(sa.select(MailMessage.attempts)))
            db.session.remove()
            db.engine.dispose()

        assert errors == []
        subjects = Counter(subject for _thread, subject in delivered)
        assert len(subjects) == MESSAGES
        assert set(subjects.values()) == {1}  # none twice
        assert statuses == {MailStatus.SENT: MESSAGES}
        assert attempts == {1}


def test_racing_claims_never_take_the_same_message(tmp_path):
    with scratch_database("claim_race", tmp_path) as url:
        app = migrated_app(url)
        ids = _fill(app)
        barrier = threading.Barrier(2)
        claims: list[list[int]] = []

        def claimer():
            with app.app_context():
                barrier.wait(timeout=60)
                try:
                    while batch := outbox.claim(7):
                        claims.append(batch)
                finally:
                    db.session.remove()

        _run([threading.Thread(target=claimer) for _ in range(2)])
        with app.app_context():
            db.engine.dispose()

        taken = [i for batch in claims for i in batch]
        assert sorted(taken) == sorted(ids)  # all taken, none twice
