"""Writing an import: stage its rows in temporary tables, then apply them with a few set-based statements
(and the two reads an import makes about the organisation's history).

Temporary tables belong to one connection and nobody else sees them. Filling them
takes no write lock on SQLite (they live outside the database file), so other
users keep signing in and saving while a large file is staged, chunk by chunk.
Applying the staged rows is one short transaction of ``INSERT ... SELECT`` and
``UPDATE ... FROM`` statements that run inside the database engine: it commits
the whole file or nothing. A process killed at any moment leaves nothing
behind, because temporary tables end with their connection.

On PostgreSQL the rows are staged with ``COPY`` (psycopg 3), and the tables an
import filled are analysed afterwards, so the first queries after a large import
get a good plan.

New people get their row ids before they are staged, so that managers and
history rows can point at them without a lookup: on PostgreSQL ids reserved
from the table's sequence, on SQLite numbers from 1 that are shifted past the
largest id when the rows are applied, under the write lock. Staged updates carry
the lock version they were planned from: applying one whose version has moved
on changes fewer rows than were staged, and the caller starts again.

Nothing here commits or rolls back; the service owns the transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, and_, insert, literal, select, update
from sqlalchemy.sql import func

from planner.db.tables import AssessmentRow, AuditRow, PersonRow, TeamRow
from planner.domain.model import DOMAINS

__all__ = [
    "IMPORT_ACTION",
    "STAGED_LEVEL_COLUMNS",
    "STAGED_PERSON_COLUMNS",
    "analyze",
    "apply_changed_people",
    "apply_levels",
    "apply_new_people",
    "create_staging",
    "drop_staging",
    "id_shift",
    "last_import_at",
    "levels_recorded_since",
    "new_person_ids",
    "stage_levels",
    "stage_people",
]

_metadata = MetaData()

#: A person as the file wants them. `new` is 1 for someone to create, whose `id` is then one of
#: `new_person_ids`; likewise `manager_new` for a manager who is new. `team` is the team's slug.
STAGED_PERSON_COLUMNS: tuple[str, ...] = ("seq", "id", "new", "version", "employee_id", "name", "email", "track",
                                          "team", "manager_id", "manager_new", *DOMAINS)
_people = Table(
    "import_person", _metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("id", Integer, nullable=False),
    Column("new", Integer, nullable=False),
    Column("version", Integer),  # the lock version an update was planned from
    Column("employee_id", String, nullable=False),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
    Column("track", String, nullable=False),
    Column("team", String, nullable=False),
    Column("manager_id", Integer),
    Column("manager_new", Integer, nullable=False),
    *(Column(d, Integer) for d in DOMAINS),
    prefixes=["TEMPORARY"],
)

#: One level to append to a person's assessment history, in file order (`seq`).
STAGED_LEVEL_COLUMNS: tuple[str, ...] = ("seq", "person_id", "new", "domain", "level")
_levels = Table(
    "import_level", _metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("person_id", Integer, nullable=False),
    Column("new", Integer, nullable=False),
    Column("domain", String, nullable=False),
    Column("level", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)
_TABLES = (_people, _levels)
#: The audit action of an import (what `last_import_at` looks for).
IMPORT_ACTION = "people.import"
_POSTGRESQL = "postgresql"


def _temporary_schema(connection: Connection) -> str:
    return "pg_temp" if connection.dialect.name == _POSTGRESQL else "temp"


def drop_staging(connection: Connection) -> None:
    """Drop this connection's staging tables, if it has them."""
    schema = _temporary_schema(connection)
    for table in _TABLES:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {schema}.{table.name}")


def create_staging(connection: Connection) -> None:
    """Create empty staging tables on this connection (dropping any left from an earlier import on it)."""
    drop_staging(connection)
    for table in _TABLES:
        table.create(connection, checkfirst=False)


def new_person_ids(connection: Connection, *, count: int) -> list[int]:
    """Row ids for `count` new people: reserved from PostgreSQL's sequence, or SQLite's 1..count (see `id_shift`)."""
    if connection.dialect.name != _POSTGRESQL or not count:
        return list(range(1, count + 1))
    return list(connection.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, %(count)s)",
        {"count": count}).scalars())


def id_shift(connection: Connection) -> int:
    """What to add to the ids of `new_person_ids` when applying: SQLite's largest id so far (call under the lock)."""
    if connection.dialect.name == _POSTGRESQL:
        return 0
    person = PersonRow.__table__
    return connection.execute(select(func.coalesce(func.max(person.c.id), 0))).scalar_one()


def _stage(connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    if connection.dialect.name == _POSTGRESQL:
        cursor = connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    rows = list(rows)
    if rows:  # one executemany of plain tuples: the driver binds them without SQLAlchemy's per-row work
        # The table and column names are our own staging table's, never input: values are bound.
        placeholders = ", ".join("?" * len(columns))
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"  # nosec B608
        connection.exec_driver_sql(statement, rows)


def stage_people(connection: Connection, *, rows: Iterable[Sequence]) -> None:
    """Add people to the staging table, as tuples in `STAGED_PERSON_COLUMNS` order."""
    _stage(connection, _people, STAGED_PERSON_COLUMNS, rows)


def stage_levels(connection: Connection, *, rows: Iterable[Sequence]) -> None:
    """Add history levels to the staging table, as tuples in `STAGED_LEVEL_COLUMNS` order."""
    _stage(connection, _levels, STAGED_LEVEL_COLUMNS, rows)


def _manager_id(shift: int):
    return _people.c.manager_id + _people.c.manager_new * shift


def apply_new_people(connection: Connection, *, organisation_id: int, shift: int, at: datetime) -> None:
    """Insert the staged people who are new, in file order, with their managers and teams."""
    person, team = PersonRow.__table__, TeamRow.__table__
    columns = ("id", "organisation_id", "employee_id", "name", "email", "track", "team_id", "manager_id", "version",
               "updated_at", *DOMAINS)
    rows = (
        select(_people.c.id + shift, literal(organisation_id), _people.c.employee_id, _people.c.name,
               _people.c.email, _people.c.track, team.c.id, _manager_id(shift), literal(1),
               literal(at, person.c.updated_at.type), *(_people.c[d] for d in DOMAINS))
        .outerjoin(team, and_(team.c.organisation_id == organisation_id, team.c.slug == _people.c.team))
        .where(_people.c.new == 1).order_by(_people.c.seq)
    )
    connection.execute(insert(person).from_select(columns, rows))


def apply_changed_people(connection: Connection, *, organisation_id: int, shift: int) -> int:
    """Update the staged people who exist, where their version is still the planned one; return how many were."""
    person, team = PersonRow.__table__, TeamRow.__table__
    team_id = (select(team.c.id).where(team.c.organisation_id == organisation_id, team.c.slug == _people.c.team)
               .scalar_subquery())
    statement = (
        update(person)
        .where(person.c.id == _people.c.id, _people.c.new == 0, person.c.version == _people.c.version)
        .values(name=_people.c.name, email=_people.c.email, track=_people.c.track, team_id=team_id,
                manager_id=_manager_id(shift), version=person.c.version + 1, updated_at=func.current_timestamp(),
                **{d: _people.c[d] for d in DOMAINS})
    )
    return connection.execute(statement).rowcount


def apply_levels(connection: Connection, *, shift: int, evidence: str, assessor: str, assessor_user_id: int | None,
                 rubric_version_id: int, at: datetime) -> None:
    """Append the staged levels to the assessment history, as an import, in file order."""
    history = AssessmentRow.__table__
    rows = (
        select(_levels.c.person_id + _levels.c.new * shift, _levels.c.domain, _levels.c.level, literal("import"),
               literal(evidence), literal(assessor), literal(assessor_user_id, Integer), literal(rubric_version_id),
               literal(at, history.c.created_at.type))
        .order_by(_levels.c.seq)
    )
    connection.execute(insert(history).from_select(
        ("person_id", "domain", "level", "kind", "evidence", "assessor", "assessor_user_id", "rubric_version_id",
         "created_at"), rows))


def last_import_at(connection: Connection, *, organisation_id: int) -> datetime | None:
    """When the organisation's latest import was written (None if it never had one)."""
    return connection.execute(select(func.max(AuditRow.at)).where(AuditRow.organisation_id == organisation_id,
                                                                AuditRow.action == IMPORT_ACTION)).scalar_one()


def levels_recorded_since(connection: Connection, *, organisation_id: int, since: datetime) -> set[tuple[int, str]]:
    """``(person id, domain)`` of every level recorded in the planner (by a person or a manager) after `since`."""
    person, history = PersonRow.__table__, AssessmentRow.__table__
    return set(connection.execute(
        select(history.c.person_id, history.c.domain).distinct()
        .join(person, person.c.id == history.c.person_id)
        .where(person.c.organisation_id == organisation_id, history.c.kind != "import", history.c.created_at > since)
    ).all())


def analyze(connection: Connection) -> None:
    """Refresh PostgreSQL's statistics of the tables an import fills (SQLite keeps none unless asked)."""
    if connection.dialect.name == _POSTGRESQL:
        for table in (TeamRow.__table__, PersonRow.__table__, AssessmentRow.__table__):
            connection.exec_driver_sql(f"ANALYZE {table.name}")
