"""The app factory, settings, cookies, security headers, error pages and languages."""

import re

import pytest
import sqlalchemy as sa

from sip import create_app, database_url
from sip.extensions import db


def test_database_url_uses_psycopg3_and_instance_folder():
    assert database_url("postgresql://u@h/db", "/i") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db", "/i") == "postgresql+psycopg://u@h/db"
    assert (
        database_url("sqlite:///sip.sqlite3", "/srv/instance")
        == "sqlite:////srv/instance/sip.sqlite3"
    )
    assert database_url("sqlite:////abs/x.db", "/i") == "sqlite:////abs/x.db"


def test_settings_come_from_sip_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("SIP_MEMBERS_PER_PAGE", "7")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app({"TESTING": True})
    assert app.config["MEMBERS_PER_PAGE"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_session_cookie_is_secure_outside_debug(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    app.debug = True
    debug_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db", "DEBUG": True})
    assert debug_app.config["SESSION_COOKIE_SECURE"] is False


def test_login_sets_httponly_samesite_cookie(client, world):
    response = client.post(
        "/auth/login", data={"email": "member@test.example", "password": "correct horse battery"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_send_security_headers(client, world):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_health_check_reaches_database(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_unknown_page_is_a_translated_404(client, world):
    response = client.get("/nowhere", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_unknown_member_is_404_not_500(client, auth, world):
    auth.login_as(world.admin)
    assert client.get("/members/999999").status_code == 404
    assert client.post("/members/999999/approve").status_code == 404


def test_forbidden_page_is_a_translated_403(client, auth, world):
    world.member.language = "nl"
    auth.login_as(world.member)
    response = client.get("/members/")
    assert response.status_code == 403
    assert "Je mag dit niet doen" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_with_400_and_changes_nothing(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(f"/members/{world.applicant.id}/approve", csrf=False)
    assert response.status_code == 400
    assert "expired or was sent from elsewhere" in response.get_data(as_text=True)
    db.session.refresh(world.applicant)
    assert world.applicant.status == "applicant"


def test_htmx_requests_carry_the_csrf_token_in_a_header(client, world):
    html = client.get("/").get_data(as_text=True)
    match = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert match, "the body must carry the CSRF token for htmx"
    response = client.post(
        "/language", data={"lang": "fr"}, headers={"X-CSRFToken": match.group(1)}, csrf=False
    )
    assert response.status_code == 303


def test_server_error_page_is_styled_and_translated(app, client, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    app.view_functions["main.healthz"], original = boom, app.view_functions["main.healthz"]
    try:
        response = client.get("/healthz", headers={"Accept-Language": "nl"})
    finally:
        app.view_functions["main.healthz"] = original
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)


def test_oversized_request_is_refused_with_413(app, client, world):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/auth/register", data={"name": "x" * too_big})
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-BE,nl;q=0.9", "Inloggen"),
        ("fr-BE,fr;q=0.8,en;q=0.5", "Se connecter"),
        ("de, en;q=0.5", "Log in"),
        ("", "Log in"),
    ],
)
def test_language_negotiated_from_accept_language(client, header, expected):
    html = client.get("/auth/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in html


def test_language_switch_on_every_page_for_visitors(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'name="lang" value="nl"' in html
    response = client.post("/language", data={"lang": "nl", "next": "/auth/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"
    assert "<h1>Inloggen</h1>" in client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="nl"' in client.get("/").get_data(as_text=True)


def test_language_switch_is_saved_on_the_member(client, auth, world):
    auth.login_as(world.member)
    client.post("/language", data={"lang": "fr", "next": "/"})
    db.session.refresh(world.member)
    assert world.member.language == "fr"
    # The member's choice wins over the browser's.
    html = client.get("/auth/account", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Mon compte" in html


def test_language_switch_refuses_unknown_language_and_foreign_redirects(client):
    assert client.post("/language", data={"lang": "de"}).status_code == 400
    response = client.post("/language", data={"lang": "fr", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    response = client.post("/language", data={"lang": "fr", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_every_table_is_created_by_migrations(app):
    inspector = sa.inspect(db.session.connection())
    assert {
        "member",
        "college",
        "office",
        "role_grant",
        "audit_entry",
        "seat_group",
        "board_seat",
    } <= set(inspector.get_table_names())


def test_home_page_gathers_the_members_cycles_groups_and_meetings(client, auth, groups_world):
    w = groups_world
    auth.login_as(w.group_member)
    client.post(f"/working-groups/meetings/{w.future_meeting.id}/register")
    html = client.get("/").get_data(as_text=True)
    assert "SIP Test" in html and "propose or support topics" in html
    assert "Becoming a co-operative" in html and "Community members" in html
    assert "Second meeting" in html
    assert "Small talk in Brussels" in html  # an invitation: the member's office


def test_home_page_queries_do_not_grow(client, auth, groups_world, count_queries):
    from tests import factories

    w = groups_world
    auth.login_as(w.group_member)
    with count_queries() as few:
        client.get("/")
    for i in range(8):
        factories.group(w.cycle, w.moderator, name=f"G{i}", members=[(w.group_member, "community")])
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few)
