"""Helpers for the storage tests: people files, row counts, and the `planner` command."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlmodel import Session, SQLModel

from planner.cli import cli
from planner.db.engine import DATABASE_URL_ENV, make_engine
from planner.domain.model import DOMAINS, TRACKS
from planner.loaders import COLUMNS, OPTIONAL_COLUMNS, PROJECT_ROOT
from planner.services.imports import ImportResult, import_people
from planner.services.transactions import Actor

SEED_PEOPLE = PROJECT_ROOT / "seed_data" / "people.csv"
TESTER = Actor("tester@example.com", user_id=None)


def people_csv(records: Iterable[Mapping[str, Any]]) -> bytes:
    """A people file in the import format; columns a record leaves out are blank (team_name only if used)."""
    records = list(records)
    columns = (*COLUMNS, *(c for c in OPTIONAL_COLUMNS if any(c in r for r in records)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([record.get(c, "") for c in columns] for record in records)
    return buffer.getvalue().encode()


def synthetic_people(count: int) -> list[dict[str, Any]]:
    """`count` valid people in teams of ten, each led by its first member, with varied levels."""
    return [
        {"employee_id": f"P{n:06d}", "name": f"Person {n}", "email": f"p{n}@example.com", "team": f"team-{n // 10}",
         "track": TRACKS[n % len(TRACKS)], "manager_id": "" if n % 10 == 0 else f"P{n - n % 10:06d}",
         **{d: (n + i) % 6 for i, d in enumerate(DOMAINS)}}
        for n in range(count)
    ]


def import_bytes(session: Session, raw: bytes, *, source: str = "people.csv", organisation: str | None = "Acme",
                 **options: Any) -> ImportResult:
    return import_people(session, source=source, raw=raw, organisation=organisation, actor=TESTER, **options)


def row_counts(bind: Engine | str) -> dict[str, int]:
    """Rows in every application table (not the data version, always one row), read on a connection of its own."""
    engine = make_engine(bind) if isinstance(bind, str) else bind
    try:
        with engine.connect() as connection:
            return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in SQLModel.metadata.tables.items() if name != "data_version"}
    finally:
        if isinstance(bind, str):
            engine.dispose()


def planner(url: str, *args: str) -> Result:
    """Run the `planner` command in-process against the database at `url`."""
    return CliRunner().invoke(cli, list(args), env={DATABASE_URL_ENV: url})
