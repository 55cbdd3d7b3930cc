"""Online backups of the SQLite database, verified before they are trusted."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from planner.services.errors import ServiceError

__all__ = ["BackupResult", "backup_sqlite"]


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    tables: dict[str, int]
    bytes: int


def _counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    # Identifiers cannot be bound as parameters: these come from the file's own catalogue, quoted as SQL requires.
    quoted = {t: '"' + t.replace('"', '""') + '"' for t in tables}
    return {t: connection.execute(f"SELECT count(*) FROM {quoted[t]}").fetchone()[0] for t in tables}  # nosec B608


def backup_sqlite(url: str, target: str | os.PathLike) -> BackupResult:
    """Copy the live database with SQLite's online backup API, then verify the copy.

    The copy is written beside `target` and renamed into place only once
    `PRAGMA integrity_check` passes and every table's row count matches the
    snapshot it was taken from, so a failed backup never leaves a bad file behind.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ServiceError("backup copies an SQLite database file; for PostgreSQL use pg_dump")
    source_path = Path(parsed.database)
    if not source_path.exists():
        raise ServiceError(f"no database at {source_path}")
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(partial)) as copy:
        # Read the counts and copy inside one read transaction: both see the same snapshot.
        source.execute("BEGIN")
        expected = _counts(source)
        source.backup(copy)
        source.execute("COMMIT")
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        actual = _counts(copy)
    if problems != ["ok"] or actual != expected:
        partial.unlink(missing_ok=True)
        raise ServiceError(f"backup verification failed: integrity {problems[:3]}, counts {actual} != {expected}")
    os.replace(partial, target)
    return BackupResult(target, actual, target.stat().st_size)
