"""An import killed half-way (kill -9) leaves the SQLite database exactly as it was, and intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session

from planner.db.engine import DATABASE_URL_ENV, make_engine

from .support import import_bytes, people_csv, row_counts, synthetic_people

pytestmark = pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)

#: Enough people that writing them takes seconds, long after the first megabyte reaches the WAL.
BIG_IMPORT = 30_000
MIDWAY_WAL_BYTES = 1_000_000
DEADLINE_SECONDS = 120


def wait_until_the_import_is_writing(process: subprocess.Popen, wal: Path) -> None:
    """Poll until the uncommitted transaction has spilled MIDWAY_WAL_BYTES into the WAL (bounded wait)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the import ended (exit {process.returncode}) before it could be interrupted; "
                        f"stderr: {process.stderr.read()!r}")
        if wal.exists() and wal.stat().st_size >= MIDWAY_WAL_BYTES:
            return
        time.sleep(0.01)
    pytest.fail(f"the import wrote no {MIDWAY_WAL_BYTES:,} bytes to the WAL within {DEADLINE_SECONDS}s")


def test_killing_an_import_midway_leaves_the_database_unchanged_and_intact(migrated_url, tmp_path):
    database = Path(make_url(migrated_url).database)
    engine = make_engine(migrated_url)
    with Session(engine) as session:
        import_bytes(session, people_csv(synthetic_people(25)))
    before = row_counts(engine)
    engine.dispose()  # the last connection closes, so the WAL is checkpointed and removed
    big = tmp_path / "big.csv"
    big.write_bytes(people_csv(synthetic_people(BIG_IMPORT)))

    process = subprocess.Popen(
        [sys.executable, "-c", "from planner.cli import main; main()", "import", str(big), "--org", "Acme"],
        env={**os.environ, DATABASE_URL_ENV: migrated_url}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_the_import_is_writing(process, database.with_name(f"{database.name}-wal"))
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert row_counts(migrated_url) == before
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
