"""Column types and helpers shared by every feature's models."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """The co-operative's time zone (BABEL_DEFAULT_TIMEZONE, Europe/Brussels by default)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive time typed in the co-operative's time zone, as an aware UTC datetime."""
    return value.replace(tzinfo=local_zone()).astimezone(UTC) if value else None


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored UTC datetime as the naive local time a form field shows."""
    return value.astimezone(local_zone()).replace(tzinfo=None) if value else None


def local_today() -> date:
    """Today in the co-operative's time zone: phases and deadlines are local dates."""
    return datetime.now(local_zone()).date()


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back as an aware UTC datetime.

    SQLite has no time zones; PostgreSQL has them. This type behaves the same on both.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls, length: int = 32) -> sa.Enum:
    """Store a ``StrEnum`` as its value in a VARCHAR with a CHECK constraint, on every database."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: write-ahead log for concurrent readers, and enforce foreign keys."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy, not pysqlite, decide where transactions begin (savepoints need it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@sa.event.listens_for(sa.Engine, "begin")
def _sqlite_begin(conn):
    """SQLite has one writer. A request that changes something takes the write lock at its
    first statement (BEGIN IMMEDIATE, waiting up to busy_timeout for the current writer):
    a transaction that read first and wrote later would fail at once ("database is locked")
    when another wrote in between. Pages that only read begin as readers, side by side.
    Outside a request, ``session.connection(execution_options={"sqlite_begin_immediate":
    True})`` asks for the same (the mail outbox's claim)."""
    if conn.dialect.name == "sqlite":
        from flask import has_request_context, request

        writes = conn.get_execution_options().get("sqlite_begin_immediate") or (
            has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        )
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


#: Schema objects that only migrations manage (search indexes), which models do not describe.
MIGRATION_ONLY = ("forum_post_fts", "ix_forum_post_search", "ix_forum_thread_search")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate: leave the search tables and indexes of migration 0003 alone."""
    return not (name or "").startswith(MIGRATION_ONLY)


def lock_rows(model, row_ids) -> None:
    """``lock_row`` for many rows, in the order of their ids (two batches never wait for
    each other in a circle), a thousand at a time."""
    from sip.extensions import db

    ids = sorted(set(row_ids))
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the writing request holds the database's one write lock
    for start in range(0, len(ids), 1000):
        db.session.execute(
            sa.select(model.id)
            .where(model.id.in_(ids[start : start + 1000]))
            .order_by(model.id)
            .with_for_update()
        )


def lock_row(model, row_id: int) -> None:
    """Take the row's lock until the transaction ends (PostgreSQL; SQLite has one writer).

    Two requests changing the same row then run one after the other, and the second one
    reads what the first one wrote: no lost update, no decision taken twice.
    """
    from sip.extensions import db  # sip.extensions builds on this module

    db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())
