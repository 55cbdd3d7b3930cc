"""Time importing people into SQLite and PostgreSQL, and reading them back, against bare driver calls.

Uses the seeded synthetic people CSV of ``bench_cli.py`` (default 100,000 people,
8 domain levels each, about 3% blank) and measures, side by side in one process:

(a) import into SQLite: `planner.services.imports.import_people` of the file into a
    freshly migrated database (decoding, validating every row, planning, staging,
    writing people, managers, teams and one assessment per level, commit) against a
    bare ``sqlite3`` ``executemany`` of the same person rows and the same assessment
    rows into another freshly migrated database, in one transaction. The baseline's
    rows are built before its clock starts, so it times the inserts and nothing else.
(b) import into PostgreSQL (with ``--postgres URL``): the same import into a freshly
    migrated schema (it stages with ``COPY`` and ends with ``ANALYZE``) against a
    bare psycopg ``COPY`` of the same person and assessment rows into another one,
    in one transaction.
(c) read + stage: what `planner.services.people.organisation_assessment` does (a
    new engine and session, load the people, score them and place the
    organisation on the stage ladder) against a bare ``SELECT`` of the same
    person rows, on SQLite. Loading and staging are timed apart, to show what
    staging alone costs.
(d) other writers during an SQLite import: one more import runs while another
    connection adds an audit-log row (what a sign-in writes) every 50 ms with the
    app's busy timeout; the longest any of those writes waited is reported. The
    import holds the write lock only while it applies its staged rows.

Both SQLite sides use the app's connection settings (WAL, synchronous=NORMAL, foreign
keys on). Each repetition runs planner and baseline back to back; the medians of
``--repeat`` repetitions are compared. Every timed step starts after a full garbage
collection, so none pays for collections that the objects of the step before it
brought due (the bare SELECT sometimes took the planner's, 0.06 s of its 0.19 s).
Targets: import under 4x on SQLite and at most 3x on PostgreSQL, read + stage under
3x, no writer waiting more than 5 s.

    python benchmarks/bench_import.py [--people 100000] [--repeat 3] [--seed 2026] [--postgres URL]
"""

from __future__ import annotations

import csv
import gc
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench_cli import dataset_arguments, people_file
from planner.db.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine, session_at
from planner.db.migrate import upgrade
from planner.db.repository import load_people
from planner.domain.model import DOMAINS
from planner.loaders import rubric_source
from planner.services.imports import import_people
from planner.services.people import organisation_assessment
from planner.services.transactions import Actor

TARGETS = {"import": 4.0, "PostgreSQL import": 3.0, "read + stage": 3.0}
#: The longest another writer may wait behind an import, in seconds.
WRITER_WAIT_TARGET = 5.0
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


def copy(db: psycopg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with db.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copying:
        for row in rows:
            copying.write_row(row)


def bare_copy(server: str, schema: str, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
    """The same rows with psycopg's COPY, person ids given (the baseline's rows are numbered before its clock)."""
    teams, people, assessments = rows
    now = datetime.now(UTC)
    with psycopg.connect(server, options=f"-csearch_path={schema}") as db:  # one transaction, committed at the end
        db.execute("INSERT INTO organisation (name, version, created_at) VALUES ('Bench', 1, %s)", (now,))
        db.execute("INSERT INTO rubric_version (organisation_id, label, sha256, content, active, created_at) "
                   "VALUES (1, 'bench', 'bench', %s, true, %s)", (rubric_source(), now))
        db.cursor().executemany("INSERT INTO team (organisation_id, slug, name, version) VALUES (%s, %s, %s, %s)",
                                teams)
        copy(db, "person", ("id", *PERSON_COLUMNS), people)
        copy(db, "assessment", ASSESSMENT_COLUMNS, assessments)


@contextmanager
def postgres_schemas(server: str) -> Iterator[Callable[[], tuple[str, str]]]:
    """Factory of freshly migrated schemas on `server`: each call returns (schema, SQLAlchemy URL); all dropped after."""
    made: list[str] = []

    def make() -> tuple[str, str]:
        schema = f"bench_import_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f'CREATE SCHEMA "{schema}"')
        made.append(schema)
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        upgrade(url.render_as_string(hide_password=False))
        return schema, url.render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            for schema in made:
                for attempt in range(5):  # autovacuum may be analysing a table of it: it loses the deadlock, or we retry
                    try:
                        db.execute(f'DROP SCHEMA "{schema}" CASCADE')
                        break
                    except psycopg.errors.DeadlockDetected:
                        time.sleep(1 + attempt)


class Writer(threading.Thread):
    """Add an audit-log row every 50 ms on a connection of its own, as sign-ins do; keep the longest wait."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.done = threading.Event()
        self.waits: list[float] = []
        self.refused = 0

    def run(self) -> None:
        with closing(connect(self.url)) as db:
            db.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            while not self.done.is_set():
                start = time.perf_counter()
                try:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                               "VALUES (?, 'benchmark', 'benchmark.write', '', '')", (datetime.now(UTC).isoformat(" "),))
                    db.execute("COMMIT")
                    self.waits.append(time.perf_counter() - start)
                except sqlite3.OperationalError:  # busy for longer than the timeout: a user would have had a 503
                    self.refused += 1
                self.done.wait(0.05)


def writers_beside_an_import(url: str, path: Path) -> Writer:
    """Import while a `Writer` writes beside it; return the writer (waits and refusals)."""
    writer = Writer(url)
    writer.start()
    planner_import(url, path)
    writer.done.set()
    writer.join()
    return writer


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
    args = dataset_arguments(__doc__.split("\n\n")[0], repeat=3, postgres=True)
    path = people_file(args.people, args.seed)
    rows = bare_rows(path)
    numbered = (rows[0], [(n, *row) for n, row in enumerate(rows[1], 1)], rows[2])
    print(f"{path} ({args.people:,} people, {len(rows[2]):,} assessments, {path.stat().st_size / 2**20:.1f} MiB)")
    print(f"SQLite {sqlite3.sqlite_version}{'' if not args.postgres else ', ' + postgres_version(args.postgres)}; "
          f"median of {args.repeat} repetitions, planner and baseline back to back, each import into a freshly "
          "migrated database.")
    labels = ("import", "executemany", "PostgreSQL import", "COPY", "read + stage", "SELECT", "stage")
    timings: dict[str, list[float]] = {k: [] for k in labels}
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp, \
            (postgres_schemas(args.postgres) if args.postgres else nothing()) as schema:
        folder = Path(tmp)
        for _ in range(args.repeat):
            planner_url, bare_url = fresh_database(folder, "planner"), fresh_database(folder, "bare")
            timings["import"].append(seconds(lambda: planner_import(planner_url, path)))
            timings["executemany"].append(seconds(lambda: bare_import(bare_url, rows)))
            load, stage = planner_read(planner_url)
            timings["read + stage"].append(load + stage)
            timings["stage"].append(stage)
            timings["SELECT"].append(seconds(lambda: bare_read(planner_url)))
            if schema:
                (_, planner_pg), (bare_schema, _) = schema(), schema()
                timings["PostgreSQL import"].append(seconds(lambda: planner_import(planner_pg, path)))
                timings["COPY"].append(seconds(lambda: bare_copy(args.postgres, bare_schema, numbered)))
        writer = writers_beside_an_import(fresh_database(folder, "writers"), path)
    median = {label: statistics.median(values) for label, values in timings.items() if values}
    for label, baseline in (("import", "executemany"), ("PostgreSQL import", "COPY"), ("read + stage", "SELECT")):
        if label not in median:
            continue
        ratio = median[label] / median[baseline]
        verdict = "ok" if ratio <= TARGETS[label] else "OVER TARGET"
        print(f"  {label:<17} {median[label]:7.3f} s  vs bare {baseline:<11} {median[baseline]:7.3f} s  "
              f"= {ratio:4.2f}x  (target {'<' if label != 'PostgreSQL import' else '<='} {TARGETS[label]:g}x: "
              f"{verdict})")
    stage = median["stage"]
    print(f"  of read + stage, staging alone (rubric lookup, planner.domain's assess_org) took {stage:.3f} s "
          f"= {stage / median['SELECT']:4.2f}x the bare SELECT")
    longest = max(writer.waits, default=0.0)
    verdict = "ok" if longest <= WRITER_WAIT_TARGET and not writer.refused else "OVER TARGET"
    print(f"  beside one more SQLite import, {len(writer.waits)} writes of another connection waited at most "
          f"{longest:.3f} s (median {statistics.median(writer.waits or [0.0]) * 1000:.1f} ms), {writer.refused} "
          f"refused (target: at most {WRITER_WAIT_TARGET:g} s, none refused: {verdict})")


@contextmanager
def nothing() -> Iterator[None]:
    yield None


def postgres_version(server: str) -> str:
    with psycopg.connect(server) as db:
        return "PostgreSQL " + db.execute("SHOW server_version").fetchone()[0].split()[0]


if __name__ == "__main__":
    main()
