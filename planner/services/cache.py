"""Per-process caches of what is computed from the database, valid for one data version.

The data version names the state of the data a transaction sees. It is the
change feed: the one row of the ``data_version`` table (`DataVersionRow`), whose
number every transaction that changes data moves on just before it commits
(`planner.services.transactions.writing` does it for every service). Reads that
leave a trace in the audit log (sign-ins, exports, denied requests) write with
``changes_data=False`` and leave it alone, so they never empty a cache. While the
version is the same, nothing has changed, and a stage, a plan, a signed-in scope
or a rendered page computed earlier is still right.

**The rule that keeps this correct:** a transaction that changes data commits
through `writing` (which moves the version). A change made any other way (SQL by
hand, a data migration) is not seen until the next write or a restart of the
web workers.

How it is read, and why a kept value is never older than its version:

* Before a session has read anything, the version comes from a pooled
  connection of its own, once: it is kept until the session begins a
  transaction (a request asks twice, for its signed-in user and for its page),
  and whatever the session reads afterwards is at least as new. Once the
  session is in a transaction, the version is read in that transaction, once
  (SQLite then reads one snapshot throughout). So a value kept under a version
  was computed from that data or newer, and once a write has committed, every
  version read afterwards is a different one.
* Inside a write transaction there is no version (None): what such a
  transaction reads may include its own uncommitted changes, so it is neither
  served from nor stored in a cache.
* Versions go up in commit order: SQLite lets one writer in at a time, and on
  PostgreSQL the update of the one row holds its lock until the commit, so a
  second writer moves the version on only from the first one's committed number.
* It is the number *and* the time it moved, so a number reached again (after a
  restored backup) never passes for the old one.
* It includes the database URL, so two databases in one process (tests) never
  share values.

Each cache holds the values of one version: storing a value of another version
empties it first, so it never holds more than `maxsize` values, all current.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from planner.db.engine import WRITE_INTENT

__all__ = ["VersionedCache", "clear_caches", "data_version"]

T = TypeVar("T")

_caches: weakref.WeakSet[VersionedCache] = weakref.WeakSet()

_MEMO = "planner_data_version"
_IDLE_MEMO = "planner_idle_data_version"
# A plain DB-API statement: this runs on every request, where SQLAlchemy's own execution costs
# several times the query. It reads the data_version table (`DataVersionRow`).
_DATA_VERSION = "SELECT version, changed_at FROM data_version WHERE id = 1"


def data_version(session: Session) -> Hashable | None:
    """The version of the data the session reads; None inside a write transaction.

    Outside a transaction, the version comes from a pooled connection of its own,
    once until the session begins one; whatever the session reads afterwards is
    at least as new. Once the session is in a transaction, the version is read in
    that transaction, once.
    """
    engine = session.get_bind()
    if not session.in_transaction():
        if _IDLE_MEMO not in session.info:
            connection = engine.raw_connection()
            try:
                session.info[_IDLE_MEMO] = _read_version(connection, engine)
            finally:
                connection.close()
        return session.info[_IDLE_MEMO]
    connection = session.connection()
    transaction = session.get_transaction()
    memo = session.info.get(_MEMO)
    if memo is not None and memo[0] is transaction:
        return memo[1]
    if connection.get_execution_options().get(WRITE_INTENT):
        return None
    version = _read_version(connection.connection, engine)
    session.info[_MEMO] = (transaction, version)
    return version


@event.listens_for(OrmSession, "after_transaction_create")
def _forget_idle_version(session: OrmSession, transaction) -> None:
    """A session that begins a transaction reads the version afresh next time it is idle (its own
    write, or anyone's, may have committed by then)."""
    if transaction.parent is None:
        session.info.pop(_IDLE_MEMO, None)


def _read_version(dbapi_connection, engine: Engine) -> Hashable:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_DATA_VERSION)
        number, changed_at = cursor.fetchone()
    finally:
        cursor.close()
    return (engine.url, number, changed_at)


class VersionedCache:
    """At most `maxsize` values computed at one data version; the least recently used go first.

    Safe to share between threads; two threads missing the same key both compute it.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._version: Hashable | None = None
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        _caches.add(self)

    def lookup(self, version: Hashable | None, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key` at `version`; on a miss, `compute()`, kept unless there is no version.

        None is never kept, so look-ups of made-up keys (a bad token) cannot push real values out.
        """
        if version is None:
            return compute()
        with self._lock:
            if version == self._version and key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
        value = compute()
        self.put(version, key, value)
        return value

    def put(self, version: Hashable | None, key: Hashable, value: object) -> None:
        if version is None or value is None:
            return
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._version = None


def clear_caches() -> None:
    """Empty every cache in this process (tests compare cached answers with fresh ones)."""
    for each in list(_caches):
        each.clear()
