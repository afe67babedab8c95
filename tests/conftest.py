"""Fixtures: an app on a migrated database, each test in a transaction rolled back after it.

SQLite by default; PostgreSQL when ``SIP_TEST_DATABASE_URL`` is set.
"""

import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FSASession
from itsdangerous import URLSafeTimedSerializer

from sip import ROOT, create_app
from sip.extensions import db, limiter
from tests import factories

TEST_DATABASE_URL = os.environ.get("SIP_TEST_DATABASE_URL")
#: Receipts uploaded by tests go here, never into instance/.
RECEIPTS_DIR = tempfile.mkdtemp(prefix="sip-test-receipts-")


def compile_translations() -> None:
    """Compile the catalogues, as `make translations` does, so that pytest alone works."""
    for po in (ROOT / "sip" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f)
            with mo.open("wb") as f:
                write_mo(f, catalog)


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def scratch_database(name: str, tmp_path: Path):
    """A new, empty database beside the test one: a file on SQLite, a database on PostgreSQL."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        return
    base = sa.engine.make_url(TEST_DATABASE_URL)
    scratch = f"{base.database}_{name}"
    server = sa.create_engine(
        base.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{scratch}"')
    try:
        yield base.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        server.dispose()


def app_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_BACKEND": "memory",
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PAYROLL_RECEIPTS_DIR": RECEIPTS_DIR,
    }


def migrated_app(url: str, **config):
    """A new app on an empty database brought to the latest migration."""
    if url.startswith("postgres"):
        reset_postgres(url)
    app = create_app({**app_config(url), **config})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    compile_translations()
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = migrated_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()


class _TestSession(FSASession):
    """Every query of the test goes through the test's connection (and its transaction)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture
def app(_app):
    """The app, with the database in a transaction rolled back after the test."""
    with _app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _TestSession,
            }
        )
        limiter.reset()
        _app.extensions.pop("sip_outbox", None)
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every state change, unless told not to.

    Each request runs in an app context of its own, as in production: its own ``g``,
    its own database session (on the test's connection). The test's pending changes
    are flushed before, and its objects expired after, so that both sides agree.
    """

    def csrf_token(self) -> str:
        with self.application.app_context(), self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        outer = has_app_context()
        if outer:
            db.session.flush()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = CSRFClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        return self.client.post("/auth/login", data={"email": email, "password": password})

    def login_as(self, member):
        response = self.login(member.email)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def world(app):
    """Colleges A, B (staff), C; offices; one active member of each role; seats."""
    return factories.build_world()


@pytest.fixture
def groups_world(world):
    """``world`` with a cycle in its call for topics, groups, meetings, documents, recommendations."""
    factories.build_groups(world)
    return world


@pytest.fixture
def forum_world(groups_world):
    """``groups_world`` with forum categories, threads and posts in every state."""
    factories.build_forum(groups_world)
    return groups_world


@pytest.fixture
def full_world(forum_world):
    """``forum_world`` with a published questionnaire: every feature's objects."""
    factories.build_surveys(forum_world)
    factories.build_board(forum_world)
    factories.build_assemblies(forum_world)
    return forum_world


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:`` collects the SQL run inside the block."""

    @contextmanager
    def counter():
        statements: list[str] = []
        db.session.flush()  # the test's own pending rows are not the page's queries

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counter


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite'}"
