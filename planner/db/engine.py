"""Create database engines: SQLite by default, PostgreSQL (psycopg 3) in production.

SQLite connections get foreign keys, WAL and a busy timeout on every connect, so
concurrent web workers wait for a lock instead of failing with "database is
locked". Pooled connections are pinged before use, so a PostgreSQL restart costs
one reconnect rather than a broken app.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from planner.loaders import PROJECT_ROOT

__all__ = ["DATABASE_URL_ENV", "WRITE_INTENT", "database_url", "default_sqlite_url", "make_engine", "session_at"]

DATABASE_URL_ENV = "PLANNER_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def default_sqlite_url(instance_path: str | os.PathLike | None = None) -> str:
    """An SQLite file in the app's instance folder (created if missing)."""
    folder = Path(instance_path) if instance_path else PROJECT_ROOT / "instance"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'planner.sqlite'}"


def database_url(instance_path: str | os.PathLike | None = None) -> str:
    """``PLANNER_DATABASE_URL`` if set, else the default SQLite file."""
    return os.environ.get(DATABASE_URL_ENV) or default_sqlite_url(instance_path)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Execution option a writing unit of work sets on its connection (see `planner.services.uow`).
WRITE_INTENT = "planner_write"


def _sqlite_begin(conn) -> None:
    # A writer takes the lock when its transaction starts, not at its first write:
    # two writers then queue on busy_timeout instead of one failing half-way with
    # "database is locked". Readers start deferred and never block anyone (WAL).
    mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_INTENT) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_read_only_is_a_disconnect(context) -> None:
    # A connection opened while the database file was read-only stays read-only after the file is
    # writable again. Count the error as a disconnect, so the pool replaces its connections.
    code = getattr(context.original_exception, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
        context.is_disconnect = True


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the connection settings this app relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling would defer BEGIN; let SQLAlchemy emit it.
        event.listen(engine, "connect", lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_read_only_is_a_disconnect)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


@contextmanager
def session_at(url: str) -> Iterator[Session]:
    """A session on an engine of its own for `url`, disposed of when the block ends.

    For one-off work (a CLI command, a script, a test's set-up), not for the web
    app, which keeps one engine for its life.
    """
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()
