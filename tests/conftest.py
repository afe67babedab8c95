"""Fixtures: an app on a migrated database, each test in a transaction rolled back after it.

SQLite by default; PostgreSQL when ``SIP_TEST_DATABASE_URL`` is set. Each pytest-xdist
worker has databases of its own, made and dropped by the suite: SQLite files in the
worker's temporary folder, or PostgreSQL databases named after ``SIP_TEST_DATABASE_URL``'s
with the worker's id (``sip_ci_gw0``, ``sip_ci_gw0_w1``...).

The worlds (``world``, ``groups_world``... see ``WORLDS``) are built once per worker, each
into a database of its own, and committed there. A test that asks for one runs in a
transaction on that database, rolled back after it, and reads the world's rows again by
their ids in its own session: the same rows, without building them again for each test.
A world older than ``WORLD_MAX_AGE`` seconds is built again, so that "ten minutes ago"
at build time is still about ten minutes ago when a test reads it.
"""

import os
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

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
#: The pytest-xdist worker this process is ("gw0", "gw1"...), or "main" without xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
#: Receipts uploaded by tests go here, never into instance/.
RECEIPTS_DIR = tempfile.mkdtemp(prefix="sip-test-receipts-")
#: Seconds after which a world is built again (its "now" drifts from the tests' "now").
WORLD_MAX_AGE = 240


def compile_translations() -> None:
    """Compile the catalogues, as `make translations` does, so that pytest alone works."""
    for po in (ROOT / "sip" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f)
            tmp = mo.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo)  # atomic: another process never reads half a catalogue


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # once, in the process that starts the workers
        compile_translations()


def pytest_collection_modifyitems(config, items):
    """Keep each browser module on one worker: its live server and demo data are built once."""
    for item in items:
        if item.get_closest_marker("browser") or "/browser/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


# -- databases ---------------------------------------------------------------------------


def _psycopg(url) -> sa.URL:
    return sa.engine.make_url(url).set(drivername="postgresql+psycopg")


@contextmanager
def _postgres_server(url):
    """An AUTOCOMMIT connection to the server's ``postgres`` database, to create and drop."""
    server = sa.create_engine(_psycopg(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            yield conn
    finally:
        server.dispose()


def create_postgres_database(url, name: str, template: str | None = None) -> str:
    """A new PostgreSQL database ``name`` on ``url``'s server (a copy of ``template``)."""
    with _postgres_server(url) as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
    return _psycopg(url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url, name: str) -> None:
    with _postgres_server(url) as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(_psycopg(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database_name() -> str:
    return f"{sa.engine.make_url(TEST_DATABASE_URL).database}_{WORKER}"


@contextmanager
def scratch_database(name: str, tmp_path: Path):
    """A new, empty database beside the test one: a file on SQLite, a database on PostgreSQL."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        return
    scratch = f"{_worker_database_name()}_{name}"
    try:
        yield create_postgres_database(TEST_DATABASE_URL, scratch)
    finally:
        drop_postgres_database(TEST_DATABASE_URL, scratch)


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


class Databases:
    """This worker's databases: one migrated template, copied for the tests and each world."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: list[str] = []
        if TEST_DATABASE_URL:
            self.template = f"{_worker_database_name()}_tpl"
            url = create_postgres_database(TEST_DATABASE_URL, self.template)
            self.made.append(self.template)
        else:
            self.template = str(folder / "template.sqlite3")
            url = f"sqlite:///{self.template}"
        migrated_app(url)  # its engine is disposed: the template has no open connection

    def copy(self, name: str, of: str | None = None) -> str:
        """A new database, a copy of the migrated template (or of the database at URL
        ``of``, which no connection may hold open); its URL."""
        if TEST_DATABASE_URL:
            template = sa.engine.make_url(of).database if of else self.template
            name = f"{_worker_database_name()}_{name}" if name else _worker_database_name()
            url = create_postgres_database(TEST_DATABASE_URL, name, template=template)
            self.made.append(name)
            return url
        path = self.folder / f"{name or 'test'}.sqlite3"
        path.unlink(missing_ok=True)
        source_path = sa.engine.make_url(of).database if of else self.template
        with sqlite3.connect(source_path) as source, sqlite3.connect(path) as target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        if TEST_DATABASE_URL:
            name = sa.engine.make_url(url).database
            drop_postgres_database(TEST_DATABASE_URL, name)
            self.made.remove(name)
        else:
            Path(sa.engine.make_url(url).database).unlink(missing_ok=True)

    def drop_all(self) -> None:
        for name in list(self.made):
            drop_postgres_database(TEST_DATABASE_URL, name)
        self.made.clear()


@pytest.fixture(scope="session")
def _databases(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("db"))
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def _app(_databases):
    app = create_app(app_config(_databases.copy("")))
    yield app
    with app.app_context():
        db.engine.dispose()


# -- the test's transaction ----------------------------------------------------------------


class _TestSession(FSASession):
    """Every query of the test goes through the test's connection (and its transaction)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@contextmanager
def _session_on(connection):
    """``db.session`` on ``connection``: what it commits is a savepoint of the caller's."""
    original = db.session
    db.session = db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _TestSession}
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = original


#: The connection of the test that runs now (``count_queries`` listens on its engine).
_CURRENT: dict = {}


@pytest.fixture
def app(_app, _world_snapshot):
    """The app, with the database in a transaction rolled back after the test.

    A test that asks for a world runs on that world's database; the others on an empty one.
    """
    with _app.app_context():
        engine = _world_snapshot.engine if _world_snapshot else db.engine
        connection = engine.connect()
        transaction = connection.begin()
        limiter.reset()
        _app.extensions.pop("sip_outbox", None)
        _CURRENT["connection"] = connection
        try:
            with _session_on(connection):
                yield _app
        finally:
            _CURRENT.clear()
            transaction.rollback()
            connection.close()


# -- worlds built once per worker ---------------------------------------------------------


def _full(w) -> None:
    factories.build_surveys(w)
    factories.build_board(w)
    factories.build_assemblies(w)


@dataclass(frozen=True)
class World:
    """A world fixture: the one it builds on, and what it adds."""

    parent: str | None
    build: Callable[[SimpleNamespace], None]


#: Every world a test may ask for, by fixture name. A feature's world is added here (its
#: fixture in the feature's conftest returns ``world_of(request)``).
WORLDS: dict[str, World] = {
    "world": World(None, lambda w: None),
    "groups_world": World("world", factories.build_groups),
    "forum_world": World("groups_world", factories.build_forum),
    "full_world": World("forum_world", _full),
    "actions_world": World("full_world", factories.build_actions),
    "payroll_world": World("world", factories.build_payroll),
    # the role table's: an action of the member's, and their payroll rows
    "access_action_world": World("full_world", factories.simple_action),
    "access_payroll_world": World("full_world", factories.payroll_for_access),
}


def _chain(name: str) -> list[str]:
    out = []
    while name:
        out.insert(0, name)
        name = WORLDS[name].parent
    return out


def _ref(value):
    """What a world holds, with every row replaced by (class, primary key)."""
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _ref(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return {k: _ref(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_ref(v) for v in value)
    if isinstance(value, db.Model):
        return _Row(type(value), sa.inspect(value).identity)
    return value


@dataclass(frozen=True)
class _Row:
    model: type
    identity: tuple


def _load(value):
    if isinstance(value, _Row):
        return db.session.get(value.model, value.identity)
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _load(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return {k: _load(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_load(v) for v in value)
    return value


class LoadedWorld:
    """A world read again in the test's session: each attribute loaded when first used."""

    def __init__(self, refs: dict):
        object.__setattr__(self, "_refs", refs)

    def __getattr__(self, name):
        refs = object.__getattribute__(self, "_refs")
        if name not in refs:
            raise AttributeError(name)
        value = _load(refs[name])
        object.__setattr__(self, name, value)
        return value


@dataclass
class _Snapshot:
    url: str
    engine: sa.Engine
    refs: dict
    built: float
    #: What tests derive from the world alone, kept as long as the world (``world_cache``).
    cache: dict = field(default_factory=dict)


class _Snapshots:
    """The worlds this worker built, by the tuple of builders they ran."""

    def __init__(self, app, databases: Databases):
        self.app = app
        self.databases = databases
        self.built: dict[tuple[str, ...], _Snapshot] = {}

    def get(self, key: tuple[str, ...]) -> _Snapshot:
        snapshot = self.built.get(key)
        if snapshot and time.monotonic() - snapshot.built > WORLD_MAX_AGE:
            self._drop(snapshot)
            snapshot = None
        if snapshot is None:
            snapshot = self.built[key] = self._build(key)
        return snapshot

    def _build(self, key: tuple[str, ...]) -> _Snapshot:
        url = self.databases.copy(f"w{len(self.built)}_{secrets.token_hex(3)}")
        engine = sa.create_engine(url)
        with self.app.app_context(), engine.connect() as connection:
            transaction = connection.begin()
            with _session_on(connection):
                w = factories.build_world()
                for name in key[1:]:
                    WORLDS[name].build(w)
                db.session.flush()
                refs = vars(_ref(w))
                db.session.commit()
            transaction.commit()
        return _Snapshot(url, engine, refs, time.monotonic())

    def _drop(self, snapshot: _Snapshot) -> None:
        snapshot.engine.dispose()
        self.databases.drop(snapshot.url)

    def close(self) -> None:
        for snapshot in self.built.values():
            self._drop(snapshot)
        self.built.clear()


@pytest.fixture(scope="session")
def _snapshots(_app, _databases):
    snapshots = _Snapshots(_app, _databases)
    yield snapshots
    snapshots.close()


@pytest.fixture
def _world_snapshot(request, _snapshots):
    """The world this test asks for (through any of its fixtures, or ``@pytest.mark.world``)."""
    wanted = [name for name in request.fixturenames if name in WORLDS]
    wanted += [m.args[0] for m in request.node.iter_markers("world")]
    if not wanted:
        return None
    steps = {step for name in wanted for step in _chain(name)}
    key = tuple(name for name in WORLDS if name in steps)  # in WORLDS' order
    return _snapshots.get(key)


def world_of(request) -> LoadedWorld:
    """The test's world, read in its session (one object for all the world fixtures)."""
    loaded = request.node.stash.get(_LOADED, None)
    if loaded is None:
        request.getfixturevalue("app")
        snapshot = request.getfixturevalue("_world_snapshot")
        loaded = LoadedWorld(dict(snapshot.refs))
        request.node.stash[_LOADED] = loaded
    return loaded


_LOADED = pytest.StashKey[LoadedWorld]()


def world_cache(request) -> dict:
    """A dict that lives as long as the test's world: for what is derived from it alone."""
    request.getfixturevalue("app")
    return request.getfixturevalue("_world_snapshot").cache


@pytest.fixture
def world(request, app):
    """Colleges A, B (staff), C; offices; one active member of each role; seats."""
    return world_of(request)


@pytest.fixture
def groups_world(request, world):
    """``world`` with a cycle in its call for topics, groups, meetings, documents, recommendations."""
    return world_of(request)


@pytest.fixture
def forum_world(request, groups_world):
    """``groups_world`` with forum categories, threads and posts in every state."""
    return world_of(request)


@pytest.fixture
def full_world(request, forum_world):
    """``forum_world`` with a published questionnaire: every feature's objects."""
    return world_of(request)


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
def count_queries(app):
    """``with count_queries() as statements:`` collects the SQL run inside the block."""

    @contextmanager
    def counter():
        statements: list[str] = []
        db.session.flush()  # the test's own pending rows are not the page's queries
        engine = _CURRENT["connection"].engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite'}"
