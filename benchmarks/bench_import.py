"""Time importing people into SQLite, and reading them back to stage the organisation, against bare sqlite3.

Uses the seeded synthetic people CSV of ``bench_cli.py`` (default 100,000 people,
8 domain levels each, about 3% blank) and measures, side by side in one process:

(a) import: `planner.services.people.import_people` of the file into a freshly
    migrated database (decoding, validating every row, writing people, managers,
    teams and one assessment per level, commit) against a bare ``sqlite3``
    ``executemany`` of the same person rows and the same assessment rows into
    another freshly migrated database, in one transaction. The baseline's rows
    are built before its clock starts, so it times the inserts and nothing else.
(b) read + stage: what `planner.services.people.organisation_assessment` does (a
    new engine and session, load the people, score them and place the
    organisation on the stage ladder) against a bare ``SELECT`` of the same
    person rows. Loading and staging are timed apart, to show what staging alone costs.

Both sides use the app's connection settings (WAL, synchronous=NORMAL, foreign
keys on). Each repetition runs planner and baseline back to back; the medians of
``--repeat`` repetitions are compared. Every timed step starts after a full garbage
collection, so none pays for collections that the objects of the step before it
brought due (the bare SELECT sometimes took the planner's, 0.06 s of its 0.19 s).
Targets: import under 4x, read + stage under 3x.

    python benchmarks/bench_import.py [--people 100000] [--repeat 3] [--seed 2026]
"""

from __future__ import annotations

import csv
import gc
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from bench_cli import dataset_arguments, people_file
from planner.db.engine import make_engine, session_at
from planner.db.migrate import upgrade
from planner.db.repository import load_people
from planner.domain.model import DOMAINS
from planner.loaders import rubric_source
from planner.services.people import import_people, organisation_assessment
from planner.services.transactions import Actor

TARGETS = {"import": 4.0, "read + stage": 3.0}
ACTOR = Actor("benchmark")
PERSON_COLUMNS = ("organisation_id", "employee_id", "name", "email", "track", "team_id", "manager_id", "version",
                  "updated_at", *DOMAINS)
ASSESSMENT_COLUMNS = ("person_id", "domain", "level", "kind", "evidence", "assessor", "rubric_version_id",
                      "created_at")


def fresh_database(folder: Path, name: str) -> str:
    path = folder / f"{name}.sqlite"
    for leftover in folder.glob(f"{name}.sqlite*"):
        leftover.unlink()
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


def connect(url: str) -> sqlite3.Connection:
    """A bare sqlite3 connection with the app's settings, in manual transaction mode."""
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    connection.executescript("PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    return connection


def bare_rows(path: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Team, person and assessment rows as the importer writes them (ids assigned in file order)."""
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    now = datetime.now(UTC).isoformat(" ")
    teams = {slug: n for n, slug in enumerate(dict.fromkeys(r["team"] for r in records), 1)}
    ids = {r["employee_id"]: n for n, r in enumerate(records, 1)}
    people, assessments = [], []
    for person_id, r in enumerate(records, 1):
        levels = [int(r[d]) if r[d] else None for d in DOMAINS]
        people.append((1, r["employee_id"], r["name"], r["email"], r["track"], teams[r["team"]],
                       ids.get(r["manager_id"]), 1, now, *levels))
        assessments += [(person_id, d, lv, "import", f"Imported from {path.name}", ACTOR.label, 1, now)
                        for d, lv in zip(DOMAINS, levels) if lv is not None]
    return [(1, slug, slug.title(), 1) for slug in teams], people, assessments


def insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def bare_import(url: str, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
    teams, people, assessments = rows
    now = datetime.now(UTC).isoformat(" ")
    with closing(connect(url)) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO organisation (name, version, created_at) VALUES ('Bench', 1, ?)", (now,))
        db.execute("INSERT INTO rubric_version (organisation_id, label, sha256, content, active, created_at) "
                   "VALUES (1, 'bench', 'bench', ?, 1, ?)", (rubric_source(), now))
        db.executemany(insert("team", ("organisation_id", "slug", "name", "version")), teams)
        db.executemany(insert("person", PERSON_COLUMNS), people)
        db.executemany(insert("assessment", ASSESSMENT_COLUMNS), assessments)
        db.execute("COMMIT")


def planner_import(url: str, path: Path) -> None:
    with session_at(url) as session:
        import_people(session, source=path.name, raw=path.read_bytes(), organisation="Bench", actor=ACTOR)


def bare_read(url: str) -> None:
    columns = ", ".join(("id", "version", "employee_id", "name", "email", "track", "team_id", "manager_id", *DOMAINS))
    with closing(connect(url)) as db:
        db.execute(f"SELECT {columns} FROM person WHERE organisation_id = 1 ORDER BY employee_id").fetchall()


def planner_read(url: str) -> tuple[float, float]:
    """Seconds to load the people (with connecting) and to stage them: what the service does, timed in two parts."""
    gc.collect()  # see the module docstring: start without the previous step's collector debt
    start = time.perf_counter()
    engine = make_engine(url)
    with Session(engine) as session:
        people = load_people(session, organisation_id=1)
        loaded = time.perf_counter()
        organisation_assessment(session, organisation_id=1, people=people)
    engine.dispose()
    return loaded - start, time.perf_counter() - loaded


def seconds(action: Callable[[], object]) -> float:
    gc.collect()  # see the module docstring: start without the previous step's collector debt
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    args = dataset_arguments(__doc__.split("\n\n")[0], repeat=3)
    path = people_file(args.people, args.seed)
    rows = bare_rows(path)
    print(f"{path} ({args.people:,} people, {len(rows[2]):,} assessments, {path.stat().st_size / 2**20:.1f} MiB)")
    print(f"SQLite {sqlite3.sqlite_version}; median of {args.repeat} repetitions, planner and baseline back to back, "
          "each import into a freshly migrated database.")
    timings: dict[str, list[float]] = {k: [] for k in ("import", "executemany", "read + stage", "SELECT", "stage")}
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        folder = Path(tmp)
        for _ in range(args.repeat):
            planner_url, bare_url = fresh_database(folder, "planner"), fresh_database(folder, "bare")
            timings["import"].append(seconds(lambda: planner_import(planner_url, path)))
            timings["executemany"].append(seconds(lambda: bare_import(bare_url, rows)))
            load, stage = planner_read(planner_url)
            timings["read + stage"].append(load + stage)
            timings["stage"].append(stage)
            timings["SELECT"].append(seconds(lambda: bare_read(planner_url)))
    median = {label: statistics.median(values) for label, values in timings.items()}
    for label, baseline in (("import", "executemany"), ("read + stage", "SELECT")):
        ratio = median[label] / median[baseline]
        verdict = "ok" if ratio < TARGETS[label] else "OVER TARGET"
        print(f"  {label:<13} {median[label]:7.3f} s  vs bare {baseline:<11} {median[baseline]:7.3f} s  "
              f"= {ratio:4.2f}x  (target < {TARGETS[label]:g}x: {verdict})")
    stage = median["stage"]
    print(f"  of read + stage, staging alone (rubric lookup, planner.domain's assess_org) took {stage:.3f} s "
          f"= {stage / median['SELECT']:4.2f}x the bare SELECT")


if __name__ == "__main__":
    main()
