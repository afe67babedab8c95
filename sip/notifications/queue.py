"""Sending mail on a job queue (RQ on Redis) when ``REDIS_URL`` is set.

After a request commits, its messages are enqueued as jobs of ``MAIL_BATCH_SIZE`` ids;
``flask --app sip rq-worker`` runs them, each in an app context of its own. A job calls
``outbox.deliver`` with its ids, which claims them as any sender does: a message that
``send-mail`` took first (or a job enqueued twice) is skipped, never sent twice.
"""

import logging

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker

log = logging.getLogger("sip.mail")


def connection() -> Redis:
    """One Redis client per app (it pools its connections)."""
    clients = current_app.extensions.setdefault("sip_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in clients:
        clients[url] = Redis.from_url(url)
    return clients[url]


def mail_queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=connection())


def enqueue(ids: list[int]) -> int:
    """One job per batch of ids; returns how many ids were enqueued (0 if Redis is down:
    the messages stay queued and ``send-mail`` sends them)."""
    size = int(current_app.config["MAIL_BATCH_SIZE"])
    jobs = [
        Queue.prepare_data(
            "sip.notifications.queue.send_job",
            args=(ids[start : start + size],),
            result_ttl=0,
            failure_ttl=7 * 24 * 3600,
        )
        for start in range(0, len(ids), size)
    ]
    try:
        mail_queue().enqueue_many(jobs)  # one round trip (a pipeline), however many jobs
    except Exception:  # Redis unreachable: not the request's problem
        log.exception("mail: could not enqueue %s messages on RQ", len(ids))
        return 0
    return len(ids)


def send_job(message_ids: list[int]) -> dict:
    """The RQ job: send these messages (those still queued and due)."""
    if has_app_context():
        return _send(message_ids)
    from sip import create_app

    with create_app().app_context():
        return _send(message_ids)


def _send(message_ids: list[int]) -> dict:
    from sip.notifications.outbox import deliver

    done = deliver(message_ids)
    return {"sent": done.sent, "failed": done.failed, "retrying": done.retrying}


class AppWorker(SimpleWorker):
    """An RQ worker that runs each job in the process (no fork: the database pool is not
    shared with a child) and in a fresh app context of its own."""

    def __init__(self, *args, app: Flask, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def perform_job(self, *args, **kwargs):
        with self.app.app_context():
            return super().perform_job(*args, **kwargs)


def worker(app: Flask) -> AppWorker:
    with app.app_context():
        redis = connection()
        queue = mail_queue()
    return AppWorker([queue], connection=redis, app=app)
