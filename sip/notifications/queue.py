"""Sending mail on a job queue (RQ on Redis) when ``REDIS_URL`` is set.

After a request commits, its messages are enqueued as jobs of ``MAIL_BATCH_SIZE`` ids;
``flask --app sip rq-worker`` runs them, each in an app context of its own. A job
(``sip.jobs.send_mail``) calls ``outbox.deliver`` with its ids, which claims them as any sender does: a message that
``send-mail`` took first (or a job enqueued twice) is skipped, never sent twice.
"""

import logging

from flask import Flask, current_app
from redis import Redis
from rq import Queue, SimpleWorker

log = logging.getLogger("sip.mail")

#: The job, named rather than imported: it lives in ``sip.jobs``, beside the app factory
#: it needs in a worker that has no app of its own; this module knows nothing of the outbox.
JOB = "sip.jobs.send_mail"


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
            JOB,
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
