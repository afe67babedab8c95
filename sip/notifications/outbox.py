"""The mail outbox: every email is a ``MailMessage`` row first, then sent exactly once.

Sending claims rows atomically and marks them ``sending`` in the same short transaction:
on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` (two senders take different rows), on
SQLite a ``BEGIN IMMEDIATE`` transaction (one claim at a time). A claimed row is never
claimed again: after a crash between sending and recording it stays ``sending`` (at most
once, never twice). A failure puts it back in the queue later (``MAIL_RETRY_DELAYS``), and
after the last attempt it is ``failed``.

Who sends: ``flask --app sip send-mail`` (a loop, or ``--once``); and, right after a
request commits, the request itself (up to ``MAIL_INLINE_MAX`` messages) or, when
``REDIS_URL`` is set, an RQ job per batch, run by ``flask --app sip rq-worker``. All call
``deliver``, so the claim keeps each message to one sender whoever runs.
"""

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urljoin

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_request_context, render_template, url_for
from flask import request as flask_request
from flask_babel import force_locale, ngettext
from jinja2 import TemplateNotFound

from sip import mail
from sip.db import utcnow
from sip.extensions import db
from sip.notifications import kinds, queue
from sip.notifications.models import Channel, MailKind, MailMessage, MailStatus, Notification

log = logging.getLogger("sip.mail")

_PENDING = "sip_mail_pending"
_READY = "sip_mail_ready"


# -- queueing -------------------------------------------------------------------------------


def queue_message(
    to: str, language: str, subject: str, text: str, html: str, member_id: int | None = None
) -> MailMessage:
    """Put a rendered message in the outbox; it leaves once the transaction commits."""
    message = MailMessage(
        kind=MailKind.MESSAGE,
        member_id=member_id,
        to_address=to,
        language=language,
        subject=" ".join(subject.split())[:300],
        body_text=text,
        body_html=html,
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    db.session.add(message)
    db.session.flush()
    after_commit_send([message.id])
    return message


def send_template(to: str, language: str, template: str, member_id: int | None = None, **context):
    """Render ``templates/<template>.txt`` (first line: subject) and its HTML twin
    ``<template>.html`` if there is one (else the text, escaped) in ``language``, and queue
    it in the outbox. Returns the outbox row."""
    with force_locale(language):
        text = render_template(f"{template}.txt", **context)
        subject, _, body = text.partition("\n")
        body = body.strip() + "\n"
        try:
            html = render_template(f"{template}.html", subject=subject.strip(), **context)
        except TemplateNotFound:
            html = render_template(
                "mail/text.html", subject=subject.strip(), body=mail.text_to_html(body)
            )
    return queue_message(to, language, subject.strip(), body, html, member_id=member_id)


def send(to: str, subject: str, body: str, language: str = "en"):
    """Queue a plain message (the HTML part is the text, escaped)."""
    with force_locale(language):
        html = render_template("mail/text.html", subject=subject, body=mail.text_to_html(body))
    return queue_message(to, language, subject, body, html)


def after_commit_send(ids: Iterable[int]) -> None:
    """Send these messages once the session's transaction commits (see ``dispatch``); if
    the transaction, or the savepoint they were queued in, rolls back, forget them."""
    ids = list(ids)
    if ids:
        session = db.session()
        within = session.get_nested_transaction() or session.get_transaction()
        session.info.setdefault(_PENDING, []).append((within, ids))


def _inside(transaction, outer) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [
            (tx, ids) for tx, ids in pending if not _inside(tx, previous_transaction)
        ]


@sa.event.listens_for(so.Session, "after_commit")
def _committed(session) -> None:
    """The outermost transaction committed (not a savepoint): the messages may leave."""
    if session.get_nested_transaction() is None:
        pending = session.info.pop(_PENDING, None)
        if pending:
            session.info.setdefault(_READY, []).extend(i for _tx, ids in pending for i in ids)


def dispatch() -> int:
    """Hand the messages committed by this session to a sender: an RQ job per batch when
    ``REDIS_URL`` is set, else this process, for at most ``MAIL_INLINE_MAX`` of them (the
    others wait for ``send-mail``). Returns how many were handed over."""
    ids = db.session.info.pop(_READY, None)
    if not ids:
        return 0
    cfg = current_app.config
    if cfg["REDIS_URL"]:
        return queue.enqueue(ids)
    ids = ids[: int(cfg["MAIL_INLINE_MAX"])]
    if ids:
        deliver(ids)
    return len(ids)


def init_app(app: Flask) -> None:
    @app.after_request
    def _send_after_commit(response):
        if db.session.registry.has() and db.session.info.get(_READY):
            try:
                dispatch()
            except Exception:  # the page must not fail: send-mail retries what is queued
                log.exception("mail: dispatch after the request failed")
                db.session.rollback()
        return response


# -- sending --------------------------------------------------------------------------------


@dataclass
class Delivery:
    sent: int = 0
    #: Failed for good (after the last attempt).
    failed: int = 0
    #: Failed this time, queued again for later.
    retrying: int = 0

    def add(self, other: "Delivery") -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retrying += other.retrying


def _begin_write() -> None:
    """End the session's transaction and begin one that writes: on SQLite it takes the
    write lock first (``BEGIN IMMEDIATE``), so that it waits for another writer instead of
    failing when its snapshot is stale."""
    db.session.commit()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.connection(execution_options={"sqlite_begin_immediate": True})


def claim(limit: int, ids: Iterable[int] | None = None) -> list[int]:
    """Take up to ``limit`` due messages (of ``ids`` if given) for this sender, in a
    transaction of its own (the session is committed first), and return their ids.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so that another sender skips the rows this one
    holds and takes others. SQLite: ``BEGIN IMMEDIATE``, so that claims run one at a time.
    Either way the rows leave ``queued`` in the same transaction: nobody claims them again.
    """
    _begin_write()
    now = utcnow()
    query = sa.select(MailMessage.id).where(
        MailMessage.status == MailStatus.QUEUED, MailMessage.next_attempt_at <= now
    )
    if ids is not None:
        query = query.where(MailMessage.id.in_(list(ids)))
    query = (
        query.order_by(MailMessage.next_attempt_at, MailMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = list(db.session.scalars(query))
    if claimed:
        db.session.execute(
            sa.update(MailMessage)
            .where(MailMessage.id.in_(claimed), MailMessage.status == MailStatus.QUEUED)
            .values(status=MailStatus.SENDING, attempts=MailMessage.attempts + 1, claimed_at=now)
        )
    db.session.commit()
    return claimed


def deliver(ids: Iterable[int] | None = None, batch: int | None = None) -> Delivery:
    """Send the due messages (only ``ids`` if given), claiming ``batch`` at a time, until
    none is left."""
    wanted = None if ids is None else list(ids)
    batch = batch or int(current_app.config["MAIL_BATCH_SIZE"])
    total = Delivery()
    while True:
        claimed = claim(batch, wanted)
        if not claimed:
            return total
        for message_id in claimed:
            total.add(send_claimed(message_id))


def send_claimed(message_id: int) -> Delivery:
    """Render and send one claimed message, and record what happened.

    Rendering reads; sending holds no transaction (an SMTP server may be slow); recording
    is a short write of its own.
    """
    message = db.session.get(MailMessage, message_id)
    if message is None or message.status != MailStatus.SENDING:
        db.session.commit()
        return Delivery()
    try:
        email = render(message)
    except Exception as error:  # a bug or missing data: retried like a refused send
        db.session.rollback()
        return _failed(message_id, error)
    db.session.commit()
    try:
        mail.transport(email)
    except Exception as error:  # any refusal of the transport is retried
        return _failed(message_id, error)
    _begin_write()
    db.session.execute(
        sa.update(MailMessage)
        .where(MailMessage.id == message_id)
        .values(status=MailStatus.SENT, sent_at=utcnow(), last_error="")
    )
    db.session.commit()
    log.info("mail %s sent to %s", message_id, email["To"])
    return Delivery(sent=1)


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the ``attempts``-th failure; None: no more attempts."""
    delays = current_app.config["MAIL_RETRY_DELAYS"]
    if attempts > len(delays):
        return None
    return timedelta(seconds=int(delays[attempts - 1]))


def _failed(message_id: int, error: Exception) -> Delivery:
    _begin_write()
    attempts = db.session.scalar(
        sa.select(MailMessage.attempts).where(MailMessage.id == message_id)
    )
    values = {"last_error": f"{type(error).__name__}: {error}"[:2000]}
    delay = retry_delay(attempts)
    if delay is None:
        values["status"] = MailStatus.FAILED
        log.error("mail %s failed for good after %s attempts: %s", message_id, attempts, error)
        outcome = Delivery(failed=1)
    else:
        values.update(status=MailStatus.QUEUED, next_attempt_at=utcnow() + delay)
        log.warning(
            "mail %s failed (attempt %s), retried in %s: %s", message_id, attempts, delay, error
        )
        outcome = Delivery(retrying=1)
    db.session.execute(sa.update(MailMessage).where(MailMessage.id == message_id).values(**values))
    db.session.commit()
    return outcome


def stuck(older_than: timedelta = timedelta(hours=1)) -> int:
    """Messages claimed long ago and never recorded as sent (a sender died while sending):
    not sent again automatically, since they may have left; an operator looks."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(MailMessage)
        .where(
            MailMessage.status == MailStatus.SENDING,
            MailMessage.claimed_at < utcnow() - older_than,
        )
    )


# -- rendering ------------------------------------------------------------------------------


def base_url() -> str:
    """Where links in emails point: ``BASE_URL``, else the current request's host (for
    development), else http://localhost:5000/."""
    configured = current_app.config["BASE_URL"]
    if configured:
        return configured.rstrip("/") + "/"
    if has_request_context():
        return flask_request.url_root
    return "http://localhost:5000/"


def absolute(path: str) -> str:
    return urljoin(base_url(), path)


@contextmanager
def url_context():
    """``url_for`` works in here, in a request or not (a worker, the CLI)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=base_url()):
        yield


def render(message: MailMessage) -> EmailMessage:
    """The email a message stands for, in its recipient's language, with absolute links."""
    if message.kind == MailKind.MESSAGE:
        return mail.build(message.to_address, message.subject, message.body_text, message.body_html)
    member = message.member
    with url_context(), force_locale(member.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if message.kind == MailKind.NOTIFICATION:
            return _notification_email(member, message.notification)
        return _digest_email(member, message)


def _unsubscribe(member, kind: str) -> str:
    return absolute(
        url_for("notifications.unsubscribe", token=kinds.unsubscribe_token(member.id, kind))
    )


def _links(member, kind: str) -> dict:
    return {
        "unsubscribe_url": _unsubscribe(member, kind),
        "preferences_url": absolute(url_for("notifications.preferences")),
    }


def _target(notification: Notification) -> str:
    return absolute(kinds.url(notification) or url_for("notifications.index"))


def _notification_email(member, notification: Notification) -> EmailMessage:
    kind = kinds.kind_of(notification.kind)
    context = {
        "member": member,
        "subject": kinds.subject(notification),
        "message": kinds.message(notification),
        "link": _target(notification),
        "kind_label": kind.title if kind else notification.kind,
        **_links(member, notification.kind),
    }
    return mail.build(
        member.email,
        context["subject"],
        render_template("notifications/email.txt", **context),
        render_template("notifications/email.html", **context),
        list_unsubscribe=context["unsubscribe_url"],
    )


def _digest_email(member, message: MailMessage) -> EmailMessage:
    query = sa.select(Notification).where(
        Notification.member_id == member.id,
        Notification.channel == Channel.DIGEST,
        Notification.created_at <= message.period_end,
    )
    if message.period_start is not None:
        query = query.where(Notification.created_at > message.period_start)
    notes = db.session.scalars(query.order_by(Notification.created_at, Notification.id)).all()
    items = [
        {"message": kinds.message(n), "link": _target(n), "created_at": n.created_at} for n in notes
    ]
    subject = ngettext(
        "Your daily summary: %(num)d notification",
        "Your daily summary: %(num)d notifications",
        len(items),
    )
    context = {
        "member": member,
        "subject": subject,
        "items": items,
        **_links(member, kinds.DIGEST),
    }
    return mail.build(
        member.email,
        subject,
        render_template("notifications/digest.txt", **context),
        render_template("notifications/digest.html", **context),
        list_unsubscribe=context["unsubscribe_url"],
    )
