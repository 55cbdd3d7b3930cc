"""The data version: what the caches are keyed by. It must change with every write, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from planner.db import repository
from planner.services.cache import VersionedCache, data_version
from planner.services.transactions import writing


def audited_write(session: Session, action: str = "test.write") -> None:
    with writing(session):
        repository.add_audit(session, actor="test", action=action)


def audited_read(session: Session, action: str = "test.read") -> None:
    """What a sign-in, an export or a denied request does: an audit row and no data changed."""
    with writing(session, changes_data=False):
        repository.add_audit(session, actor="test", action=action)


def test_the_version_changes_with_every_audited_write(engine):
    with Session(engine) as writer:
        seen = []
        for n in range(4):
            with Session(engine) as reader:  # a session per request, as the web app opens them
                seen.append(data_version(reader))
            audited_write(writer, f"test.write.{n}")
        assert len(set(seen)) == 4


def test_an_idle_session_reads_the_version_once_until_it_begins_a_transaction(engine):
    with Session(engine) as reader, Session(engine) as writer:
        first = data_version(reader)
        audited_write(writer)
        assert data_version(reader) == first  # what the request's first look saw, still
        reader.connection()  # a transaction: the version is read again, in it
        assert data_version(reader) != first


def test_a_session_sees_a_new_version_after_its_own_write(session):
    before = data_version(session)
    audited_write(session)
    assert data_version(session) != before


def test_a_transaction_keeps_the_version_it_started_with(engine):
    with Session(engine, expire_on_commit=False) as reader, Session(engine) as writer:
        reader.connection()  # a read transaction is open
        first = data_version(reader)
        audited_write(writer)
        assert data_version(reader) == first
        reader.commit()
        assert data_version(reader) != first


def test_there_is_no_version_inside_a_write_transaction(session):
    with writing(session):
        assert data_version(session) is None
    assert data_version(session) is not None


def test_two_databases_never_share_a_version(make_database_url):
    from planner.db.engine import session_at
    from planner.db.migrate import upgrade

    versions = []
    for _ in range(2):
        url = make_database_url()
        upgrade(url)
        with session_at(url) as session:
            versions.append(data_version(session))
    assert versions[0] != versions[1]


def test_an_audit_row_that_records_a_read_leaves_the_version_alone(session):
    before = data_version(session)
    for action in ("auth.login", "export.plan", "access.denied"):
        audited_read(session, action)
    assert data_version(session) == before


def test_a_rolled_back_write_leaves_the_version_alone(session):
    before = data_version(session)
    with writing(session, commit=False):
        repository.add_audit(session, actor="test", action="test.dry_run")
    assert data_version(session) == before


def test_concurrent_writers_each_move_the_version_on_once(engine):
    """On PostgreSQL the version row's lock queues the writers: none overwrites another's number."""
    def write(n: int) -> None:
        with Session(engine) as session:
            audited_write(session, f"test.concurrent.{n}")

    with Session(engine) as reader:
        start = data_version(reader)[1]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(12)))
    with Session(engine) as reader:
        assert data_version(reader)[1] == start + 12


class TestVersionedCache:
    def test_keeps_at_most_maxsize_values_dropping_the_least_recently_used(self):
        cache = VersionedCache(maxsize=2)
        cache.put(1, "a", "A")
        cache.put(1, "b", "B")
        assert cache.lookup(1, "a", lambda: "recomputed") == "A"  # "a" is now the most recent
        cache.put(1, "c", "C")
        assert cache.lookup(1, "a", lambda: "recomputed") == "A"
        assert cache.lookup(1, "c", lambda: "recomputed") == "C"
        assert cache.lookup(1, "b", lambda: "recomputed") == "recomputed"

    def test_a_new_version_drops_every_value_of_the_old_one(self):
        cache = VersionedCache(maxsize=8)
        cache.put(1, "a", "old")
        assert cache.lookup(2, "a", lambda: "new") == "new"
        assert cache.lookup(1, "a", lambda: "again") == "again"

    def test_keeps_nothing_without_a_version_and_never_keeps_none(self):
        cache = VersionedCache(maxsize=8)
        calls = []
        for _ in range(2):
            cache.lookup(None, "a", lambda: calls.append("a") or "A")
            cache.lookup(1, "missing", lambda: calls.append("missing"))
        assert calls == ["a", "missing", "a", "missing"]
