"""With ``REDIS_URL`` set, a request enqueues its mail on RQ and the worker sends it, once
even if the job runs twice or send-mail gets there too. Needs the Redis server of the
machine; skipped without one only outside CI."""

import os
import uuid

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker

from sip.extensions import db
from sip.notifications import outbox, queue
from sip.notifications.models import MailStatus
from tests.notifications.helpers import mails_to, queued

REDIS_URL = os.environ.get("SIP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def rq_app(app, monkeypatch):
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI runs this test)")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"sip-test-{uuid.uuid4().hex}")
    yield app
    queue.mail_queue().delete(delete_jobs=True)


def _work() -> None:
    """Run the queued jobs in this process and this app context (the test's database)."""
    SimpleWorker([queue.mail_queue()], connection=queue.connection()).work(burst=True)


def test_a_requests_mail_is_sent_by_the_rq_worker_once(rq_app, client, runner, world):
    response = client.post("/auth/forgot", data={"email": "member@test.example"})

    assert response.status_code == 303
    assert mails_to(world.member) == []  # enqueued, not sent by the request
    [row] = queued(world.member)
    assert row.status == MailStatus.QUEUED
    assert queue.mail_queue().count == 1

    _work()

    assert len(mails_to(world.member)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (MailStatus.SENT, 1)

    queue.enqueue([row.id])  # the same job again, and send-mail too: nothing more leaves
    _work()
    assert runner.invoke(args=["send-mail", "--once"]).output.startswith("sent 0, failed 0")
    assert len(mails_to(world.member)) == 1


def test_the_rq_worker_command_needs_redis(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)

    result = runner.invoke(args=["rq-worker", "--burst"])

    assert result.exit_code != 0
    assert "Set SIP_REDIS_URL" in result.output


def test_the_rq_worker_command_runs_the_jobs(rq_app, runner, world):
    from sip import mail

    message = outbox.send("someone@example.org", "Queued", "Body")
    db.session.commit()
    queue.enqueue([message.id])

    result = runner.invoke(args=["rq-worker", "--burst"])

    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in mail.outbox()] == ["Queued"]


def test_with_redis_down_the_page_works_and_the_mail_waits_for_send_mail(
    client, runner, world, monkeypatch
):
    monkeypatch.setitem(client.application.config, "REDIS_URL", "redis://127.0.0.1:1/0")

    response = client.post("/auth/forgot", data={"email": "member@test.example"})

    assert response.status_code == 303
    assert mails_to(world.member) == []
    monkeypatch.setitem(client.application.config, "REDIS_URL", None)
    assert runner.invoke(args=["send-mail", "--once"]).output.startswith("sent 1, failed 0")
    assert len(mails_to(world.member)) == 1
