"""`planner backup`: a verified copy through SQLite's online backup API, even while someone is writing."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from sqlalchemy.engine import make_url

from planner.loaders import seed_dir
from planner.services.seeding import seed_demo

from .support import TESTER, planner, row_counts


@pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)
def test_backup_copies_the_committed_database_and_verifies_it_while_a_write_is_in_progress(migrated_url, session,
                                                                                        tmp_path):
    seed_demo(session, seed_dir=seed_dir(), actor=TESTER)
    session.close()
    committed = row_counts(migrated_url)
    with closing(sqlite3.connect(make_url(migrated_url).database, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO organisation (name, version, created_at) VALUES ('Uncommitted', 1, '2026-01-01')")
        result = planner(migrated_url, "backup", str(tmp_path / "copy.sqlite"))
        writer.execute("ROLLBACK")
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.stdout
    with closing(sqlite3.connect(tmp_path / "copy.sqlite")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert row_counts(f"sqlite:///{tmp_path / 'copy.sqlite'}") == committed
    assert committed["person"] == 80


def test_backup_refuses_a_postgresql_database_with_one_clear_line():
    result = planner("postgresql://planner@db.invalid/planner", "backup", "copy.sqlite")
    assert result.exit_code == 2
    assert result.stderr == "planner: backup copies an SQLite database file; for PostgreSQL use pg_dump\n"
