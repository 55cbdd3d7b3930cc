"""Data access: keyword-only functions that read and write rows and return domain objects.

Nothing here commits or rolls back; the service layer owns transactions. Bulk
paths use SQLAlchemy Core statements so a 100,000-person import stays close to a
bare ``executemany``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    Table,
    bindparam,
    cast,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlmodel import Session

from planner.collector import collector_paused
from planner.db.tables import (
    AssessmentRow,
    AuditRow,
    DataVersionRow,
    KpiReadingRow,
    OrganisationRow,
    PersonRow,
    PracticeAnswerRow,
    RubricVersionRow,
    TeamManagerRow,
    TeamRow,
    UserRow,
)
from planner.domain.assessments import AssessmentEntry
from planner.domain.model import DOMAINS, Person, Profile, Team

__all__ = [
    "Account",
    "AccountListing",
    "Organisation",
    "PeopleFilter",
    "RosterRow",
    "StoredPerson",
    "TeamRecord",
    "account_listings",
    "add_answers",
    "add_assessments",
    "add_audit",
    "add_kpi_readings",
    "add_organisation",
    "add_person",
    "add_team",
    "audit_rows_naming",
    "close_account",
    "active_people",
    "active_rubric_version",
    "add_rubric_version",
    "archive_people",
    "bump_data_version",
    "bump_person_version",
    "count_assessments",
    "count_people",
    "current_answers",
    "ensure_teams",
    "erase_assessment_text",
    "find_account",
    "find_organisation",
    "get_person",
    "insert_people",
    "kpi_readings",
    "list_accounts",
    "list_organisations",
    "linked_accounts",
    "load_people",
    "load_teams",
    "page_of_people",
    "person_history",
    "profile_counts",
    "rebuild_team_managers",
    "rename_team",
    "replace_author",
    "rewrite_audit_rows",
    "reporting_lines",
    "roster_rows",
    "stored_people",
    "team_ids",
    "team_records",
    "update_account",
    "update_people",
]


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Account:
    """A sign-in account and whom it is linked to (what access is scoped by)."""

    id: int
    organisation_id: int
    email: str
    role: str
    employee_id: str | None
    password_hash: str
    active: bool
    #: The account's session epoch: a session begun in an earlier one is over.
    session_epoch: int = 0


@dataclass(frozen=True, slots=True)
class AccountListing:
    """An account as HR's user administration shows it: whom it is linked to, and when it last signed in."""

    id: int
    email: str
    role: str
    employee_id: str | None
    person_name: str | None
    active: bool
    has_password: bool
    last_sign_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """A person as stored: the domain person plus the row id and lock version."""

    id: int
    version: int
    person: Person


@dataclass(frozen=True, slots=True)
class PeopleFilter:
    """Which people of an organisation a list shows (never those who have left); every condition given must hold.

    `domain` keeps people assessed in it, at `min_domain_level` or above if given; a
    `min_domain_level` without a domain keeps people at that level in any domain.
    `teams` and `me` say what the reader may see (None: everyone; else the people of
    those teams, and the person `me`). `profiles` keeps only people with one of these
    levels tuples (how a filter on the level held, which is scored, reaches SQL).
    """

    teams: frozenset[str] | None = None
    me: str | None = None
    name: str | None = None
    team: str | None = None
    track: str | None = None
    domain: str | None = None
    min_domain_level: int | None = None
    profiles: frozenset[tuple[int | None, ...]] | None = None


@dataclass(frozen=True, slots=True)
class RosterRow:
    """A person as HR administers them: who they are, where they sit, whether they have left."""

    id: int
    version: int
    employee_id: str
    name: str
    email: str
    track: str
    team: str
    team_name: str
    manager_id: str | None
    manager_name: str | None
    archived_at: datetime | None
    erased_at: datetime | None


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team as HR administers it, with how many people (still here) are on it."""

    id: int
    version: int
    slug: str
    name: str
    headcount: int


# --- who is still here ---------------------------------------------------------

def active_people(person: Table = PersonRow.__table__) -> ColumnElement[bool]:
    """The clause that keeps only people who have not left (not archived), on `person` or an alias of it.

    Leavers keep their rows and history, but every current view (stage, plan,
    heatmaps, counts, lists, team managers, sign-in) reads through this clause.
    """
    return person.c.archived_at.is_(None)


# --- organisations -----------------------------------------------------------

def find_organisation(session: Session, *, name: str | None = None, organisation_id: int | None = None) -> Organisation | None:
    """Find an organisation by name or id; with neither, the only one (None if 0 or several)."""
    query = select(OrganisationRow.id, OrganisationRow.name)
    if name is not None:
        query = query.where(OrganisationRow.name == name)
    if organisation_id is not None:
        query = query.where(OrganisationRow.id == organisation_id)
    rows = session.execute(query.limit(2)).all()
    return Organisation(*rows[0]) if len(rows) == 1 else None


def list_organisations(session: Session) -> list[Organisation]:
    return [Organisation(*row) for row in session.execute(select(OrganisationRow.id, OrganisationRow.name).order_by(OrganisationRow.name))]


def add_organisation(session: Session, *, name: str) -> Organisation:
    row = OrganisationRow(name=name)
    session.add(row)
    session.flush()
    return Organisation(row.id, row.name)


# --- teams -------------------------------------------------------------------

def team_ids(session: Session, *, organisation_id: int) -> dict[str, int]:
    """``{team slug: row id}`` for the organisation."""
    rows = session.execute(select(TeamRow.slug, TeamRow.id).where(TeamRow.organisation_id == organisation_id))
    return dict(rows.all())


def ensure_teams(session: Session, *, organisation_id: int, names: Mapping[str, str]) -> dict[str, int]:
    """Create missing teams (slug -> display name) and rename changed ones; return slug -> id."""
    existing = {slug: (tid, name) for tid, slug, name in session.execute(
        select(TeamRow.id, TeamRow.slug, TeamRow.name).where(TeamRow.organisation_id == organisation_id))}
    new = [{"organisation_id": organisation_id, "slug": s, "name": n, "version": 1}
           for s, n in names.items() if s not in existing]
    if new:  # on the table: an ORM bulk insert costs a second per 10,000 teams
        session.execute(insert(TeamRow.__table__), new)
    renamed = [{"b_id": existing[s][0], "b_name": n} for s, n in names.items() if s in existing and existing[s][1] != n]
    if renamed:
        table = TeamRow.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(name=bindparam("b_name"), version=table.c.version + 1),
            renamed,
        )
    return team_ids(session, organisation_id=organisation_id)


def load_teams(session: Session, *, organisation_id: int) -> list[Team]:
    managers: dict[int, list[str]] = defaultdict(list)
    for team_id, employee_id in session.execute(
        select(TeamManagerRow.team_id, PersonRow.employee_id)
        .join(PersonRow, PersonRow.id == TeamManagerRow.person_id)
        .where(PersonRow.organisation_id == organisation_id, active_people())
        .order_by(PersonRow.employee_id)
    ):
        managers[team_id].append(employee_id)
    rows = session.execute(
        select(TeamRow.id, TeamRow.slug, TeamRow.name).where(TeamRow.organisation_id == organisation_id).order_by(TeamRow.name)
    )
    return [Team(slug, name, tuple(managers[tid])) for tid, slug, name in rows]


def team_records(session: Session, *, organisation_id: int) -> list[TeamRecord]:
    """Every team of the organisation by name, with its headcount of people still here."""
    team, person = TeamRow.__table__, PersonRow.__table__
    headcount = (select(func.count(person.c.id)).where(person.c.team_id == team.c.id, active_people(person))
                 .scalar_subquery())
    rows = session.execute(select(team.c.id, team.c.version, team.c.slug, team.c.name, headcount)
                           .where(team.c.organisation_id == organisation_id).order_by(team.c.name, team.c.slug))
    return [TeamRecord(*row) for row in rows]


def add_team(session: Session, *, organisation_id: int, slug: str, name: str) -> int:
    row = TeamRow(organisation_id=organisation_id, slug=slug, name=name)
    session.add(row)
    session.flush()
    return row.id


def rename_team(session: Session, *, team_id: int, expected_version: int, name: str) -> bool:
    """Compare-and-set the team's name; False when its version is no longer `expected_version`."""
    table = TeamRow.__table__
    result = session.execute(update(table).where(table.c.id == team_id, table.c.version == expected_version)
                             .values(name=name, version=table.c.version + 1))
    return result.rowcount == 1


def rebuild_team_managers(session: Session, *, organisation_id: int) -> None:
    """Derive each team's managers from the reporting lines of the people still here.

    A team is managed by the team members its other members report to; a team
    whose members all report outside it is managed by whoever most of them report to.
    """
    rows = session.execute(
        select(PersonRow.id, PersonRow.team_id, PersonRow.manager_id)
        .where(PersonRow.organisation_id == organisation_id, active_people())
    ).all()
    team_of = {pid: tid for pid, tid, _ in rows}
    reports: dict[int, Counter] = defaultdict(Counter)
    for pid, tid, manager in rows:
        if tid is not None and manager in team_of:  # a manager who has left manages nobody
            reports[tid][manager] += 1
    pairs = []
    for tid, counts in reports.items():
        inside = [m for m in counts if team_of.get(m) == tid]
        chosen = inside or [counts.most_common(1)[0][0]]
        pairs += [{"team_id": tid, "person_id": m} for m in sorted(chosen)]
    org_teams = select(TeamRow.id).where(TeamRow.organisation_id == organisation_id)
    session.execute(delete(TeamManagerRow).where(TeamManagerRow.team_id.in_(org_teams)))
    if pairs:
        session.execute(insert(TeamManagerRow.__table__), pairs)


# --- people ------------------------------------------------------------------

def _people_query(organisation_id: int, include_archived: bool = False):
    """The organisation's people in employee-id order: the columns of `Person` in its field order, then the levels.

    The team's slug and the manager's employee id are joined in SQL (within the organisation),
    so building a person takes no lookups; a Core statement, so rows come back without ORM work.
    Only people still here, unless `include_archived`; a manager who has left is no one's manager.
    """
    person, team, manager = PersonRow.__table__, TeamRow.__table__, PersonRow.__table__.alias("manager")
    query = (
        select(person.c.id, person.c.version, person.c.employee_id, person.c.name, person.c.track, person.c.email,
               func.coalesce(team.c.slug, ""), manager.c.employee_id, *(person.c[d] for d in DOMAINS))
        .outerjoin(team, (team.c.id == person.c.team_id) & (team.c.organisation_id == organisation_id))
        .outerjoin(manager, (manager.c.id == person.c.manager_id) & (manager.c.organisation_id == organisation_id)
                   & active_people(manager))
        .where(person.c.organisation_id == organisation_id)
        .order_by(person.c.employee_id)
    )
    return query if include_archived else query.where(active_people(person))


def _read_people(session: Session, organisation_id: int, person_ids: Iterable[int] | None = None,
                 include_archived: bool = False) -> tuple[Sequence[int], Sequence[int], list[Person]]:
    """Row ids, lock versions and people of the organisation (or just `person_ids`), in employee-id order."""
    query = _people_query(organisation_id, include_archived)
    if person_ids is not None:
        query = query.where(PersonRow.__table__.c.id.in_(list(person_ids)))
    with collector_paused():
        rows = session.execute(query).all()  # one fetch, not a driver call per row
        if not rows:
            return (), (), []
        # Column by column: `map` builds the people without a Python loop over the rows.
        row_ids, versions, employee_ids, names, tracks, emails, teams, managers, *levels = zip(*rows)
        profiles = Profile.interned(zip(*levels))
        people = list(map(Person, employee_ids, names, tracks, profiles, emails, teams, managers))
    return row_ids, versions, people


def _filtered(query, people_filter: PeopleFilter):
    """`query` (over the person table, with the team joined as in `_people_query`) narrowed by `people_filter`."""
    person, team, f = PersonRow.__table__, TeamRow.__table__, people_filter
    if f.teams is not None:
        visible = team.c.slug.in_(sorted(f.teams))
        query = query.where(visible | (person.c.employee_id == f.me) if f.me else visible)
    if f.name:
        pattern = "%" + f.name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(func.lower(person.c.name).like(pattern, escape="\\")
                            | func.lower(person.c.employee_id).like(pattern, escape="\\"))
    if f.team:
        query = query.where(team.c.slug == f.team)
    if f.track:
        query = query.where(person.c.track == f.track)
    if f.domain:
        query = query.where(person.c[f.domain] >= (f.min_domain_level or 0))  # NULL (not assessed) never passes
    elif f.min_domain_level is not None:
        query = query.where(or_(*(person.c[d] >= f.min_domain_level for d in DOMAINS)))
    if f.profiles is not None:
        # COALESCE: a blank cell (NULL) equals nothing in SQL, but is a value of the profile here.
        levels = tuple_(*(func.coalesce(person.c[d], -1) for d in DOMAINS))
        wanted = sorted(tuple(-1 if v is None else v for v in p) for p in f.profiles)
        query = query.where(levels.in_(wanted) if wanted else false())
    return query


def _from_people(organisation_id: int, *columns):
    person, team = PersonRow.__table__, TeamRow.__table__
    return (select(*columns).select_from(person)
            .outerjoin(team, (team.c.id == person.c.team_id) & (team.c.organisation_id == organisation_id))
            .where(person.c.organisation_id == organisation_id, active_people(person)))


def count_people(session: Session, *, organisation_id: int, people_filter: PeopleFilter) -> int:
    """How many people of the organisation `people_filter` keeps."""
    query = _from_people(organisation_id, func.count())
    return session.execute(_filtered(query, people_filter)).scalar_one()


def page_of_people(session: Session, *, organisation_id: int, people_filter: PeopleFilter, offset: int,
                   limit: int) -> list[StoredPerson]:
    """One page of the people `people_filter` keeps, by name (then employee id)."""
    person = PersonRow.__table__
    query = (_filtered(_people_query(organisation_id), people_filter).order_by(None)
             .order_by(person.c.name, person.c.employee_id).offset(offset).limit(limit))
    with collector_paused():
        rows = session.execute(query).all()
    if not rows:
        return []
    row_ids, versions, employee_ids, names, tracks, emails, teams, managers, *levels = zip(*rows)
    people = map(Person, employee_ids, names, tracks, Profile.interned(zip(*levels)), emails, teams, managers)
    return list(map(StoredPerson, row_ids, versions, people))


def profile_counts(session: Session, *, organisation_id: int,
                   people_filter: PeopleFilter) -> list[tuple[tuple[int | None, ...], str, str, int]]:
    """``(levels, track, team slug, how many)`` per distinct group of the people `people_filter` keeps.

    Counted by the database (``GROUP BY`` the level columns, track and team): a large
    organisation has far fewer distinct profiles than people, so the domain scores each once.
    """
    person = PersonRow.__table__
    slug = func.coalesce(TeamRow.__table__.c.slug, "")
    groups = (person.c.track, slug, *(person.c[d] for d in DOMAINS))
    query = _filtered(_from_people(organisation_id, *groups, func.count()), people_filter).group_by(*groups)
    return [(tuple(levels), track, team, count) for track, team, *levels, count in session.execute(query)]


def stored_people(session: Session, *, organisation_id: int, person_ids: Iterable[int] | None = None,
                  include_archived: bool = False) -> list[StoredPerson]:
    """Every person still here (or just `person_ids`; leavers too with `include_archived`), in employee-id order."""
    return list(map(StoredPerson, *_read_people(session, organisation_id, person_ids, include_archived)))


def load_people(session: Session, *, organisation_id: int) -> list[Person]:
    """The organisation's people still here, with their current (scored) profiles."""
    return _read_people(session, organisation_id)[2]


def get_person(session: Session, *, organisation_id: int, employee_id: str,
               include_archived: bool = False) -> StoredPerson | None:
    """The person with this employee id; a leaver only with `include_archived`."""
    query = select(PersonRow.id).where(PersonRow.organisation_id == organisation_id,
                                       PersonRow.employee_id == employee_id)
    if not include_archived:
        query = query.where(active_people())
    row_id = session.execute(query).scalar_one_or_none()
    if row_id is None:
        return None
    return stored_people(session, organisation_id=organisation_id, person_ids=[row_id],
                        include_archived=include_archived)[0]


def roster_rows(session: Session, *, organisation_id: int, archived: bool | None = False,
                employee_id: str | None = None) -> list[RosterRow]:
    """People as HR administers them, in employee-id order: those still here, leavers (`archived`), or both (None)."""
    person, team, manager = PersonRow.__table__, TeamRow.__table__, PersonRow.__table__.alias("manager")
    query = (
        select(person.c.id, person.c.version, person.c.employee_id, person.c.name, person.c.email, person.c.track,
               func.coalesce(team.c.slug, ""), func.coalesce(team.c.name, ""), manager.c.employee_id,
               manager.c.name, person.c.archived_at, person.c.erased_at)
        .outerjoin(team, team.c.id == person.c.team_id)
        .outerjoin(manager, (manager.c.id == person.c.manager_id) & active_people(manager))
        .where(person.c.organisation_id == organisation_id)
        .order_by(person.c.employee_id)
    )
    if archived is not None:
        query = query.where(~active_people(person) if archived else active_people(person))
    if employee_id is not None:
        query = query.where(person.c.employee_id == employee_id)
    return [RosterRow(*row) for row in session.execute(query)]


def reporting_lines(session: Session, *, organisation_id: int) -> dict[int, int | None]:
    """``{person id: manager's person id}`` for the people still here (whom a new manager link must not loop through)."""
    return dict(session.execute(select(PersonRow.id, PersonRow.manager_id)
                                .where(PersonRow.organisation_id == organisation_id, active_people())).all())


def add_person(session: Session, *, organisation_id: int, values: Mapping[str, Any]) -> int:
    """Insert one person (columns as in `PersonRow`) and return its id."""
    row = PersonRow(organisation_id=organisation_id, **values)
    session.add(row)
    session.flush()
    return row.id


def insert_people(session: Session, *, organisation_id: int, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert person rows (columns as in `PersonRow`, the same keys in every row); return employee_id -> id."""
    if rows:
        # On the table, not the model: one executemany, where an ORM bulk insert regroups rows by their NULLs.
        session.execute(insert(PersonRow.__table__),
                        [{"organisation_id": organisation_id, "version": 1, **r} for r in rows])
    return dict(session.execute(
        select(PersonRow.employee_id, PersonRow.id).where(PersonRow.organisation_id == organisation_id)
    ).all())


def update_people(session: Session, *, changes: Sequence[Mapping[str, Any]], bump_version: bool = True) -> None:
    """Apply per-person column changes: each mapping has ``id`` plus the columns to set.

    Edits bump the lock version; completing a row created in the same transaction
    need not. Changes are grouped by the columns they touch, one executemany each.
    """
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        columns = tuple(sorted(k for k in change if k != "id"))
        groups[columns].append({"b_id": change["id"], **{f"b_{c}": change[c] for c in columns}})
    for columns, params in groups.items():
        # A Core statement on the table: an ORM bulk UPDATE would insist on "by primary key" mode.
        table = PersonRow.__table__
        statement = (
            update(table).where(table.c.id == bindparam("b_id"))
            .values(version=table.c.version + int(bump_version), updated_at=func.current_timestamp(),
                    **{c: bindparam(f"b_{c}") for c in columns})
        )
        session.execute(statement, params)


def bump_person_version(session: Session, *, person_id: int, expected_version: int,
                        values: Mapping[str, Any] | None = None) -> bool:
    """Compare-and-set: bump the version (and set the columns in `values`) only if it is still `expected_version`.

    Returns False when someone else wrote first: the caller must refuse the stale write.
    """
    result = session.execute(
        update(PersonRow)
        .where(PersonRow.id == person_id, PersonRow.version == expected_version)
        .values(version=PersonRow.version + 1, updated_at=func.current_timestamp(), **dict(values or {}))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def archive_people(session: Session, *, organisation_id: int, person_ids: Iterable[int], at: datetime | None) -> None:
    """Mark people as having left at `at` (None: restore them), bump their versions, re-derive team managers."""
    ids = list(person_ids)
    if ids:
        session.execute(
            update(PersonRow.__table__)
            .where(PersonRow.__table__.c.id.in_(ids), PersonRow.__table__.c.organisation_id == organisation_id)
            .values(archived_at=at, version=PersonRow.__table__.c.version + 1, updated_at=func.current_timestamp())
        )
    rebuild_team_managers(session, organisation_id=organisation_id)


# --- assessments -------------------------------------------------------------

def add_assessments(session: Session, *, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append assessment history rows, the same keys in each (never updates existing ones)."""
    if rows:
        session.execute(insert(AssessmentRow.__table__), list(rows))


def person_history(session: Session, *, person_id: int, employee_id: str) -> list[AssessmentEntry]:
    """Every assessment of a person, oldest first, with the rubric version each used."""
    rows = session.execute(
        select(AssessmentRow.domain, AssessmentRow.level, AssessmentRow.kind, AssessmentRow.created_at,
               AssessmentRow.evidence, AssessmentRow.assessor, RubricVersionRow.label)
        .outerjoin(RubricVersionRow, RubricVersionRow.id == AssessmentRow.rubric_version_id)
        .where(AssessmentRow.person_id == person_id)
        .order_by(AssessmentRow.created_at, AssessmentRow.id)
    )
    return [AssessmentEntry(employee_id, d, lv, k, at, ev, who, rv) for d, lv, k, at, ev, who, rv in rows]


def count_assessments(session: Session, *, organisation_id: int) -> int:
    return session.execute(
        select(func.count(AssessmentRow.id)).join(PersonRow, PersonRow.id == AssessmentRow.person_id)
        .where(PersonRow.organisation_id == organisation_id)
    ).scalar_one()


# --- rubric versions -----------------------------------------------------------

def add_rubric_version(session: Session, *, organisation_id: int | None, label: str, sha256: str, content: str,
                       at: datetime) -> int:
    """Store a rubric text (deduplicated by hash) and make it the active one; return its id."""
    existing = session.execute(
        select(RubricVersionRow.id).where(RubricVersionRow.organisation_id == organisation_id,
                                          RubricVersionRow.sha256 == sha256)
    ).scalar_one_or_none()
    session.execute(update(RubricVersionRow).where(RubricVersionRow.organisation_id == organisation_id)
                    .values(active=False).execution_options(synchronize_session=False))
    if existing is not None:
        session.execute(update(RubricVersionRow).where(RubricVersionRow.id == existing).values(active=True)
                        .execution_options(synchronize_session=False))
        return existing
    row = RubricVersionRow(organisation_id=organisation_id, label=label, sha256=sha256, content=content,
                           active=True, created_at=at)
    session.add(row)
    session.flush()
    return row.id


def active_rubric_version(session: Session, *, organisation_id: int) -> tuple[int, str, str] | None:
    """``(id, label, content)`` of the organisation's active rubric, if it has uploaded one."""
    row = session.execute(
        select(RubricVersionRow.id, RubricVersionRow.label, RubricVersionRow.content)
        .where(RubricVersionRow.organisation_id == organisation_id, RubricVersionRow.active.is_(True))
    ).first()
    return tuple(row) if row else None


# --- accounts ------------------------------------------------------------------

def _account_query():
    """Accounts with their person's employee id; an account whose person has left is not active (cannot sign in)."""
    active = type_coerce(UserRow.active & active_people(), Boolean)
    return select(UserRow.id, UserRow.organisation_id, UserRow.email, UserRow.role, PersonRow.employee_id,
                  UserRow.password_hash, active, UserRow.session_epoch).outerjoin(PersonRow, PersonRow.id == UserRow.person_id)


def find_account(session: Session, *, email: str | None = None, account_id: int | None = None,
                 token_hash: str | None = None) -> Account | None:
    query = _account_query()
    if email is not None:
        query = query.where(func.lower(UserRow.email) == email.strip().lower())
    elif account_id is not None:
        query = query.where(UserRow.id == account_id)
    elif token_hash is not None:
        query = query.where(UserRow.token_hash == token_hash)
    else:
        return None
    row = session.execute(query).first()
    return Account(*row) if row else None


def list_accounts(session: Session, *, organisation_id: int) -> list[Account]:
    return [Account(*row) for row in session.execute(
        _account_query().where(UserRow.organisation_id == organisation_id).order_by(UserRow.role, UserRow.email))]


def account_listings(session: Session, *, organisation_id: int) -> list[AccountListing]:
    """Every account of the organisation with its linked person's name, by email."""
    active = type_coerce(UserRow.active & active_people(), Boolean)  # a leaver's account shows as inactive
    query = (select(UserRow.id, UserRow.email, UserRow.role, PersonRow.employee_id, PersonRow.name, active,
                    UserRow.password_hash != "", UserRow.last_sign_in_at)
             .outerjoin(PersonRow, PersonRow.id == UserRow.person_id)
             .where(UserRow.organisation_id == organisation_id).order_by(UserRow.email))
    return [AccountListing(*row) for row in session.execute(query)]


def update_account(session: Session, *, account_id: int, end_sessions: bool = False, **values: Any) -> None:
    """Change columns of an account; `end_sessions` also moves it to a new session epoch."""
    if end_sessions:
        values["session_epoch"] = UserRow.session_epoch + 1
    session.execute(update(UserRow).where(UserRow.id == account_id).values(version=UserRow.version + 1, **values))


# --- audit ---------------------------------------------------------------------

def add_audit(session: Session, *, actor: str, action: str, organisation_id: int | None = None,
              actor_user_id: int | None = None, entity: str = "", entity_id: str = "",
              before: dict | None = None, after: dict | None = None, details: dict | None = None,
              at: datetime | None = None) -> None:
    """Record who did what to which record; the caller's transaction decides if it sticks."""
    values = dict(actor=actor, action=action, organisation_id=organisation_id, actor_user_id=actor_user_id,
                  entity=entity, entity_id=str(entity_id), before=before, after=after, details=details)
    if at is not None:
        values["at"] = at
    session.add(AuditRow(**values))


# --- the change feed --------------------------------------------------------------

def bump_data_version(session: Session) -> None:
    """Move the data version on: the transaction changed data (see planner.services.cache).

    Its row lock orders concurrent writers on PostgreSQL, so versions go up in commit order.
    """
    table = DataVersionRow.__table__
    session.execute(update(table).where(table.c.id == 1)
                    .values(version=table.c.version + 1, changed_at=func.current_timestamp()))


# --- practice answers and KPI readings -------------------------------------------

def _team_slugs(session: Session, organisation_id: int) -> dict[int | None, str]:
    slugs: dict[int | None, str] = {tid: slug for slug, tid in team_ids(session, organisation_id=organisation_id).items()}
    slugs[None] = ""
    return slugs


def current_answers(session: Session, *, organisation_id: int) -> dict[str, dict[str, str]]:
    """``{team slug ("" = whole organisation): {practice id: latest answer}}``."""
    slugs = _team_slugs(session, organisation_id)
    answers: dict[str, dict[str, str]] = defaultdict(dict)
    for team_id, practice, answer in session.execute(
        select(PracticeAnswerRow.team_id, PracticeAnswerRow.practice_id, PracticeAnswerRow.answer)
        .where(PracticeAnswerRow.organisation_id == organisation_id).order_by(PracticeAnswerRow.id)
    ):
        answers[slugs[team_id]][practice] = answer
    return dict(answers)


def add_answers(session: Session, *, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append answers (never updates earlier ones)."""
    if rows:
        session.execute(insert(PracticeAnswerRow), list(rows))


def kpi_readings(session: Session, *, organisation_id: int) -> list[tuple[str, str, date, float, bool]]:
    """Every KPI reading as ``(team slug or "", kpi, recorded_on, value, is_baseline)``, oldest first."""
    slugs = _team_slugs(session, organisation_id)
    rows = session.execute(
        select(KpiReadingRow.team_id, KpiReadingRow.kpi, KpiReadingRow.recorded_on, KpiReadingRow.value,
               KpiReadingRow.is_baseline)
        .where(KpiReadingRow.organisation_id == organisation_id)
        .order_by(KpiReadingRow.recorded_on, KpiReadingRow.id)
    )
    return [(slugs[team_id], kpi, on, value, baseline) for team_id, kpi, on, value, baseline in rows]


def add_kpi_readings(session: Session, *, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        session.execute(insert(KpiReadingRow), list(rows))


# --- personal data (access and erasure) ------------------------------------------------

def linked_accounts(session: Session, *, person_id: int | None, account_id: int | None = None) -> list[dict[str, Any]]:
    """The sign-in accounts of a person (and `account_id`), without password or token digests."""
    condition = UserRow.person_id == person_id if person_id is not None else UserRow.id == account_id
    if person_id is not None and account_id is not None:
        condition = condition | (UserRow.id == account_id)
    rows = session.execute(select(UserRow.id, UserRow.email, UserRow.role, UserRow.active, UserRow.created_at)
                           .where(condition).order_by(UserRow.id))
    return [dict(row._mapping) for row in rows]


def audit_rows_naming(session: Session, *, organisation_id: int, account_ids: Sequence[int],
                      texts: Sequence[str]) -> list[dict[str, Any]]:
    """Audit rows acted by `account_ids`, or whose actor, record id or before/after/details contain any of `texts`."""
    table = AuditRow.__table__
    conditions = [table.c.actor_user_id.in_(list(account_ids)), table.c.actor.in_(list(texts)),
                  table.c.entity_id.in_(list(texts))]
    # JSON is stored as text with non-ASCII characters escaped: look for both spellings.
    spellings = {form for text in texts for form in (text, json.dumps(text)[1:-1])}
    for column in (table.c.before, table.c.after, table.c.details):
        conditions += [func.coalesce(cast(column, String), "").contains(text, autoescape=True) for text in spellings]
    rows = session.execute(select(table).where(table.c.organisation_id == organisation_id, or_(*conditions))
                           .order_by(table.c.id))
    return [dict(row._mapping) for row in rows]


def rewrite_audit_rows(session: Session, *, rows: Sequence[Mapping[str, Any]]) -> None:
    """Set new actor, entity id, before, after and details on audit rows (by ``id``): for erasure only."""
    table = AuditRow.__table__
    for row in rows:
        session.execute(update(table).where(table.c.id == row["id"]).values(
            actor=row["actor"], actor_user_id=row["actor_user_id"], entity_id=row["entity_id"],
            before=row["before"], after=row["after"], details=row["details"]))


def erase_assessment_text(session: Session, *, person_id: int) -> int:
    """Clear the evidence and assessor of every assessment of a person (levels and dates stay); how many."""
    table = AssessmentRow.__table__
    return session.execute(update(table).where(table.c.person_id == person_id)
                           .values(evidence="", assessor="", assessor_user_id=None)).rowcount


def replace_author(session: Session, *, account_ids: Sequence[int], labels: Sequence[str], label: str) -> None:
    """Where these accounts (or `labels`) recorded assessments, answers or KPI readings, name `label` instead."""
    assessment, answer, kpi = AssessmentRow.__table__, PracticeAnswerRow.__table__, KpiReadingRow.__table__
    ids, labels = list(account_ids), list(labels)
    session.execute(update(assessment).where(assessment.c.assessor_user_id.in_(ids) | assessment.c.assessor.in_(labels))
                    .values(assessor=label, assessor_user_id=None))
    session.execute(update(answer).where(answer.c.answered_by_user_id.in_(ids) | answer.c.answered_by.in_(labels))
                    .values(answered_by=label, answered_by_user_id=None))
    session.execute(update(kpi).where(kpi.c.recorded_by.in_(labels)).values(recorded_by=label))


def close_account(session: Session, *, account_id: int, email: str) -> None:
    """Deactivate an account for good: a new email, no usable password, no API token."""
    session.execute(update(UserRow.__table__).where(UserRow.__table__.c.id == account_id).values(
        email=email, password_hash="!", token_hash=None, active=False, version=UserRow.__table__.c.version + 1))
