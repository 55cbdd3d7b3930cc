"""Engine settings every connection relies on, and where the database lives by default."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from planner.db.engine import DATABASE_URL_ENV, SQLITE_BUSY_TIMEOUT_MS, database_url, make_engine
from planner.loaders import PROJECT_ROOT


@pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)
def test_every_sqlite_connection_enforces_foreign_keys_uses_wal_and_waits_for_locks(engine):
    for _ in range(2):  # a second, separately opened connection gets the same settings
        with engine.connect() as connection:
            settings = [connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                        for name in ("foreign_keys", "journal_mode", "busy_timeout")]
            connection.invalidate()
        assert settings == [1, "wal", SQLITE_BUSY_TIMEOUT_MS]


def test_a_row_pointing_at_a_missing_parent_is_refused(engine):
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO team (organisation_id, slug, name, version) VALUES (999, 'x', 'X', 1)"))


def test_postgresql_engine_uses_psycopg_3_and_pings_pooled_connections_before_use():
    engine = make_engine("postgresql://planner@db.invalid/planner")  # creating it does not connect
    assert (engine.dialect.driver, engine.pool._pre_ping) == ("psycopg", True)


def test_default_database_is_a_file_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert database_url(tmp_path / "instance") == f"sqlite:///{tmp_path / 'instance' / 'planner.sqlite'}"
    assert (tmp_path / "instance").is_dir()
    assert database_url() == f"sqlite:///{PROJECT_ROOT / 'instance' / 'planner.sqlite'}"


def test_planner_database_url_overrides_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://planner@db.invalid/planner")
    assert database_url(tmp_path) == "postgresql://planner@db.invalid/planner"
