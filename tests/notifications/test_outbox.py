"""The outbox: every email is a row first, sent once after the transaction commits, with a
plain-text and an HTML part in the recipient's language, retried with back-off."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sip import mail
from sip.db import utcnow
from sip.extensions import db
from sip.forum import services as forum
from sip.notifications import outbox, services
from sip.notifications.models import MailKind, MailMessage, MailStatus
from tests import factories
from tests.notifications.helpers import html_of, mails_to, queued, text_of


@pytest.fixture
def w(forum_world):
    """``forum_world`` with an empty outbox (building it queued the author's suspension)."""
    db.session.execute(sa.delete(MailMessage))
    db.session.commit()
    outbox.dispatch()  # what building it queued is gone: nothing is sent
    return forum_world


def _reject(w, reason="Please search first.") -> None:
    """A moderator rejects the author's pending thread: mailed by default."""
    forum.reject_post(factories.first_post(w.pending_thread), w.forum_moderator, reason)


def test_a_message_is_queued_then_sent_once_after_the_commit(app, w):
    _reject(w)
    [row] = queued(w.author)
    assert row.status == MailStatus.QUEUED and row.kind == MailKind.NOTIFICATION
    assert mails_to(w.author) == []  # nothing leaves before the commit

    db.session.commit()
    outbox.dispatch()
    outbox.deliver()
    outbox.deliver()

    assert len(mails_to(w.author)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 1, "")
    assert row.sent_at is not None


def test_a_rolled_back_transaction_sends_nothing(app, w):
    db.session.commit()
    _reject(w)
    db.session.rollback()

    assert outbox.dispatch() == 0
    assert outbox.deliver().sent == 0
    assert mails_to(w.author) == []


def test_notification_email_has_text_and_html_parts_and_an_unsubscribe_link(app, w, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://sip.example.coop")
    _reject(w, reason="Too <b>loud</b> & rude")
    db.session.commit()

    outbox.deliver()

    [message] = mails_to(w.author)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Your post in “Waiting thread” was not published"
    text, html = text_of(message), html_of(message)
    assert (
        "A moderator rejected your post in “Waiting thread”. Reason: Too <b>loud</b> & rude" in text
    )
    assert "Too &lt;b&gt;loud&lt;/b&gt; &amp; rude" in html  # escaped: no markup from members
    assert "<b>loud</b>" not in html
    assert "SIP" in html
    post_id = factories.first_post(w.pending_thread).id
    assert f"https://sip.example.coop/forum/posts/{post_id}" in text
    assert f'href="https://sip.example.coop/forum/posts/{post_id}' in html
    unsubscribe = re.search(r"https://sip\.example\.coop/notifications/unsubscribe/\S+", text)
    assert unsubscribe, text
    assert message["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"
    assert f"List-Unsubscribe: <{unsubscribe.group(0)}>" in message.as_string()  # not encoded
    assert "<title>Your post in “Waiting thread” was not published</title>" in html
    assert f'href="{unsubscribe.group(0)}"' in html


def test_the_email_is_in_the_recipients_language_of_the_moment(app, w):
    _reject(w)
    w.author.language = "nl"  # changed after the event, before the sending
    db.session.commit()

    outbox.deliver()

    [message] = mails_to(w.author)
    assert message["Subject"] == "Uw bericht in „Waiting thread” werd niet gepubliceerd"
    assert "Hallo Au Thor," in text_of(message)
    assert "Een moderator heeft uw bericht in „Waiting thread” verworpen." in html_of(message)


def test_a_request_sends_its_mail_after_it_commits(client, world):
    response = client.post("/auth/forgot", data={"email": "member@test.example"})

    assert response.status_code == 303
    [message] = mails_to(world.member)
    assert message["Subject"] == "Choose a new password for SIP"
    link = re.search(r"http://localhost/auth/reset/\S+", text_of(message)).group(0)
    assert f'<a href="{link}">' in html_of(message)
    [row] = queued(world.member)
    assert (row.kind, row.status) == (MailKind.MESSAGE, MailStatus.SENT)


def test_without_inline_sending_send_mail_once_sends_what_waits(client, runner, world, monkeypatch):
    monkeypatch.setitem(client.application.config, "MAIL_INLINE_MAX", 0)
    client.post("/auth/forgot", data={"email": "member@test.example"})
    assert mails_to(world.member) == []
    [row] = queued(world.member)
    assert row.status == MailStatus.QUEUED

    result = runner.invoke(args=["send-mail", "--once"])

    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert len(mails_to(world.member)) == 1
    assert runner.invoke(args=["send-mail", "--once"]).output.startswith("sent 0, failed 0")


def _due_now(row) -> None:
    """Time passes: the retry is due."""
    db.session.execute(
        sa.update(MailMessage)
        .where(MailMessage.id == row.id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_a_failed_send_is_retried_with_growing_delays_then_given_up(app, w, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_DELAYS", (60, 300))
    failures = []

    def refuse(message):
        failures.append(message["To"])
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "transport", refuse)
    _reject(w)
    db.session.commit()

    assert outbox.deliver().retrying == 1
    [row] = queued(w.author)
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 1)
    assert row.last_error == "ConnectionRefusedError: smtp down"
    wait = row.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
    assert outbox.deliver().retrying == 0  # not due yet: not tried again

    _due_now(row)
    assert outbox.deliver().retrying == 1
    db.session.refresh(row)
    assert row.attempts == 2
    assert timedelta(seconds=290) < row.next_attempt_at - utcnow() <= timedelta(seconds=300)

    _due_now(row)
    assert outbox.deliver().failed == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (MailStatus.FAILED, 3)
    assert failures == [w.author.email] * 3

    monkeypatch.undo()
    assert outbox.deliver().sent == 0  # failed for good: never sent later
    assert mails_to(w.author) == []


def test_a_failure_then_a_success_sends_once(app, w, monkeypatch):
    real = mail.transport
    calls = []

    def flaky(message):
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("slow server")
        real(message)

    monkeypatch.setattr(mail, "transport", flaky)
    _reject(w)
    db.session.commit()
    outbox.deliver()
    [row] = queued(w.author)
    _due_now(row)

    assert outbox.deliver().sent == 1
    assert outbox.deliver().sent == 0
    assert len(mails_to(w.author)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 2, "")


def test_a_message_claimed_by_a_sender_that_died_is_never_sent_again(app, world, runner):
    message = outbox.send("someone@example.org", "Hello", "Body")
    db.session.commit()
    assert outbox.claim(10) == [message.id]  # a sender took it, then stopped
    db.session.execute(sa.update(MailMessage).values(claimed_at=utcnow() - timedelta(hours=2)))
    db.session.commit()

    result = runner.invoke(args=["send-mail", "--once"])

    assert "sent 0" in result.output
    assert "1 claimed over an hour ago and never recorded as sent" in result.output
    assert mail.outbox() == []


def test_claims_take_each_message_once(app, world):
    ids = [outbox.send(f"m{i}@example.org", "Hello", "Body").id for i in range(5)]
    db.session.commit()

    first, second = outbox.claim(3), outbox.claim(3)

    assert first == ids[:3] and second == ids[3:]
    assert outbox.claim(3) == []
    assert outbox.deliver(ids).sent == 0  # claimed: another sender holds them


@pytest.mark.parametrize("backend", ["console", "memory"])
def test_the_console_backend_writes_the_text_to_the_log(app, world, caplog, monkeypatch, backend):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", backend)
    outbox.send("someone@example.org", "Hello there", "The body.")
    db.session.commit()

    assert outbox.deliver().sent == 1

    if backend == "console":
        assert "mail to someone@example.org: Hello there" in caplog.text
        assert "The body." in caplog.text
        assert mail.outbox() == []
    else:
        assert [m["Subject"] for m in mail.outbox()] == ["Hello there"]


def test_unsubscribe_token_in_email_is_for_the_recipient_and_kind(app, w):
    _reject(w)
    db.session.commit()
    outbox.deliver()

    [message] = mails_to(w.author)
    token = re.search(r"/notifications/unsubscribe/(\S+)", text_of(message)).group(1)
    member, kind = services.read_unsubscribe_token(token)
    assert (member.id, kind) == (w.author.id, "forum.rejected")


def test_a_mail_server_down_does_not_break_the_page(client, world, monkeypatch):
    def refuse(message):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "transport", refuse)

    response = client.post("/auth/forgot", data={"email": "member@test.example"})

    assert response.status_code == 303
    [row] = queued(world.member)
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 1)  # retried by send-mail


def test_send_mail_loops_until_stopped(app, runner, world, monkeypatch):
    from sip.notifications import cli

    outbox.send("someone@example.org", "Hello", "Body")
    db.session.commit()
    naps = []

    def nap(seconds):
        naps.append(seconds)
        raise KeyboardInterrupt  # Ctrl-C during the first pause

    monkeypatch.setattr(cli.time, "sleep", nap)

    result = runner.invoke(args=["send-mail", "--interval", "5"])

    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert "send-mail: stopped." in result.output
    assert naps == [5.0]
    assert len(mail.outbox()) == 1
