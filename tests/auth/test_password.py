"""Forgotten passwords (signed, expiring, single-use links) and the account page."""

import re
import time

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.extensions import db
from sip.mail import outbox
from tests.factories import PASSWORD


def reset_link(app) -> str:
    message = outbox()[-1]
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://localhost(/auth/reset/\S+)", text)
    assert match, text
    return match.group(1)


def test_reset_link_is_mailed_in_the_members_language_and_works_once(app, client, auth, world):
    world.member.language = "nl"
    response = client.post("/auth/forgot", data={"email": "MEMBER@test.example"})
    assert response.status_code == 303
    message = outbox()[-1]
    assert message["To"] == "member@test.example"
    assert message["Subject"] == "Kies een nieuw wachtwoord voor SIP"
    link = reset_link(app)

    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "my new password", "confirm": "my new password"})
    assert response.status_code == 303
    assert auth.login("member@test.example", "my new password").status_code == 303
    auth.logout()

    # The same link does nothing a second time.
    response = client.post(
        link, data={"password": "another password", "confirm": "another password"}
    )
    assert response.status_code == 400
    assert "Deze herstellink werd al gebruikt." in response.get_data(as_text=True)  # her language
    assert auth.login("member@test.example", "another password").status_code == 422
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "auth.password_reset")
    )


def test_unknown_address_gets_the_same_answer_and_no_mail(client, world):
    response = client.post(
        "/auth/forgot", data={"email": "nobody@test.example"}, follow_redirects=True
    )
    assert "If an account uses this address" in response.get_data(as_text=True)
    assert outbox() == []


def test_tampered_link_says_so_and_changes_nothing(app, client, auth, world):
    client.post("/auth/forgot", data={"email": "member@test.example"})
    link = reset_link(app)
    tampered = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    response = client.post(
        tampered, data={"password": "hijacked password", "confirm": "hijacked password"}
    )
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert auth.login("member@test.example", PASSWORD).status_code == 303


def test_expired_link_says_so_and_changes_nothing(app, client, auth, world, monkeypatch):
    client.post("/auth/forgot", data={"email": "member@test.example"})
    link = reset_link(app)
    real_time = time.time
    monkeypatch.setattr(
        time, "time", lambda: real_time() + app.config["PASSWORD_RESET_MAX_AGE"] + 5
    )
    response = client.post(
        link,
        data={"password": "too late password", "confirm": "too late password"},
        headers={"Accept-Language": "fr"},
    )
    monkeypatch.setattr(time, "time", real_time)
    assert response.status_code == 400
    assert "Ce lien de réinitialisation a expiré" in response.get_data(as_text=True)
    assert auth.login("member@test.example", PASSWORD).status_code == 303


def test_reset_form_refuses_a_weak_password(app, client, world):
    client.post("/auth/forgot", data={"email": "member@test.example"})
    response = client.post(reset_link(app), data={"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)


def test_member_changes_password_with_the_current_one(client, auth, world):
    auth.login_as(world.member)
    response = client.post(
        "/auth/account/password",
        data={
            "pw-current": "not my password",
            "pw-password": "a new password!",
            "pw-confirm": "a new password!",
        },
    )
    assert response.status_code == 422
    assert "The current password is wrong." in response.get_data(as_text=True)
    response = client.post(
        "/auth/account/password",
        data={
            "pw-current": PASSWORD,
            "pw-password": "a new password!",
            "pw-confirm": "a new password!",
        },
    )
    assert response.status_code == 303
    auth.logout()
    assert auth.login("member@test.example", PASSWORD).status_code == 422
    assert auth.login("member@test.example", "a new password!").status_code == 303


def test_member_changes_language(client, auth, world):
    auth.login_as(world.member)
    response = client.post("/auth/account/language", data={"lang-language": "nl"})
    assert response.status_code == 303
    assert "Mijn account" in client.get("/auth/account").get_data(as_text=True)
    response = client.post("/auth/account/language", data={"lang-language": "xx"})
    assert response.status_code == 422
    db.session.refresh(world.member)
    assert world.member.language == "nl"


def test_smtp_backend_sends_through_the_configured_server(app, monkeypatch, world):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, msg):
            sent.append(("send", msg["To"]))

    import smtplib

    from sip import mail

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_PORT", 587)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "sip")
    mail.transport(mail.build("x@example.org", "Subject", "Body", "<p>Body</p>"))
    assert sent == [
        ("connect", "smtp.example.org", 587),
        ("starttls",),
        ("login", "sip"),
        ("send", "x@example.org"),
    ]
