"""Logging in and out, throttling, and sessions."""

import uuid

import pytest
import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.extensions import db, limiter
from sip.members.models import MemberStatus
from tests.factories import PASSWORD


def test_member_logs_in_and_out(client, auth, world):
    response = auth.login("member@test.example")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Mem Ber" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/account").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/auth/account").status_code == 302
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.subject_id == world.member.id, AuditEntry.subject_type == "member"
        )
    ).all()
    assert "auth.login" in actions and "auth.logout" in actions


def test_login_follows_only_local_next(client, world):
    response = client.post(
        "/auth/login?next=/members/", data={"email": "admin@test.example", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/members/"
    client.post("/auth/logout")
    response = client.post(
        "/auth/login?next=https://evil.example/",
        data={"email": "admin@test.example", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_wrong_password_says_so_without_telling_which_part(client, auth, world):
    response = auth.login("member@test.example", "wrong password!")
    assert response.status_code == 422
    assert "Wrong email address or password." in response.get_data(as_text=True)
    response = auth.login("nobody@test.example", "wrong password!")
    assert "Wrong email address or password." in response.get_data(as_text=True)
    failures = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
    ).all()
    assert {f.details["email"] for f in failures} == {"member@test.example", "nobody@test.example"}


def test_suspended_member_cannot_log_in(client, auth, world):
    world.member.status = MemberStatus.SUSPENDED
    response = auth.login("member@test.example")
    assert response.status_code == 422
    assert "not active" in response.get_data(as_text=True)


def test_session_is_renewed_at_login(client, world):
    client.post("/language", data={"lang": "nl"})  # the visitor's session holds something
    with client.application.app_context(), client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        old_csrf = sess["csrf_token"]
    client.post("/auth/login", data={"email": "member@test.example", "password": PASSWORD})
    with client.application.app_context(), client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") != old_csrf
        assert sess["_user_id"].startswith(f"{world.member.id}:")


def test_password_change_ends_other_sessions(app, world):
    from tests.conftest import AuthActions, CSRFClient

    app.test_client_class = CSRFClient
    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop).login_as(world.member)
    AuthActions(phone).login_as(world.member)
    response = laptop.post(
        "/auth/account/password",
        data={
            "pw-current": PASSWORD,
            "pw-password": "a brand new password",
            "pw-confirm": "a brand new password",
        },
    )
    assert response.status_code == 303
    assert laptop.get("/auth/account").status_code == 200
    assert phone.get("/auth/account").status_code == 302


def test_five_failures_for_one_account_then_429(client, auth, world):
    for _ in range(5):
        assert auth.login("member@test.example", "wrong password!").status_code == 422
    response = auth.login("member@test.example", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_throttle_counts_per_account_from_several_addresses(client, auth, world):
    for i in range(5):
        client.post(
            "/auth/login",
            data={"email": "member@test.example", "password": "bad password"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        )
    response = client.post(
        "/auth/login",
        data={"email": "member@test.example", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429


def test_throttle_counts_per_address_across_accounts(client, auth, world):
    for i in range(5):
        auth.login(f"guess{i}@test.example", "bad password")
    assert auth.login("admin@test.example", PASSWORD).status_code == 429
    # Another address is not affected.
    response = client.post(
        "/auth/login",
        data={"email": "admin@test.example", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 303


def test_successful_logins_do_not_count(client, auth, world):
    for _ in range(7):
        auth.login_as(world.member)
        auth.logout()


def test_throttle_message_is_translated(client, auth, world):
    for _ in range(5):
        auth.login("member@test.example", "wrong password!")
    response = client.post(
        "/auth/login",
        data={"email": "member@test.example", "password": "x"},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_throttle_can_keep_its_counters_in_redis(tmp_path, _app):
    """With SIP_RATELIMIT_STORAGE_URI=redis://..., app servers share the counters."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is expected at 127.0.0.1:6379 on this machine and in CI")
    from sip import create_app
    from tests.conftest import CSRFClient, app_config, migrated_app

    url = f"sqlite:///{tmp_path}/redis.db"
    migrated_app(url)
    config = app_config(url) | {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "LOGIN_RATE_LIMIT": "5 per minute",
        # Our own keys, so that another run on the same Redis cannot disturb the count.
        "RATELIMIT_KEY_PREFIX": f"sip-test-{uuid.uuid4().hex}",
    }
    apps = [create_app(config), create_app(config)]  # two app servers
    try:
        with apps[0].app_context():
            limiter.reset()
        for n, app in enumerate(apps * 3):
            app.test_client_class = CSRFClient
            status = (
                app.test_client()
                .post(
                    "/auth/login", data={"email": "shared@test.example", "password": "bad password"}
                )
                .status_code
            )
            assert status == (422 if n < 5 else 429)
    finally:
        with apps[0].app_context():
            limiter.reset()
            db.engine.dispose()
        with apps[1].app_context():
            db.engine.dispose()
        limiter.init_app(
            _app
        )  # the limiter is shared: give the other tests their memory storage back
