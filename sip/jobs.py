"""The jobs an RQ worker runs, named by ``sip.notifications.queue.JOB``.

An entry point like the CLI: it builds on the app factory and the outbox, and nothing in
``sip`` imports it (the queue names the job as a string).
"""

from flask import has_app_context

from sip.notifications.outbox import deliver


def send_mail(message_ids: list[int]) -> dict:
    """Send these messages (those still queued and due), in an app context of their own
    unless the worker gave one (``flask --app sip rq-worker`` does)."""
    if has_app_context():
        return _send(message_ids)
    from sip import create_app

    with create_app().app_context():
        return _send(message_ids)


def _send(message_ids: list[int]) -> dict:
    done = deliver(message_ids)
    return {"sent": done.sent, "failed": done.failed, "retrying": done.retrying}
