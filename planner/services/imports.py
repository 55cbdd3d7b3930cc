"""Importing people and levels from a CSV or JSON file: every row or none.

An import runs in three steps, so that a large file never makes other users wait
for long and never lands half-way:

1. **Validate and plan** (reads only, no lock). The whole file is validated;
   any problem raises `InputErrors` listing each one by row and column, and
   nothing is written. The people in the file are then compared with the people
   as stored: who is new, who changed, which levels to add to the history.
2. **Stage** (no lock). The new and changed people and the history levels are
   written to temporary tables of the import's own connection
   (`planner.db.staging`), in chunks; nobody else sees them. On PostgreSQL
   they go in with ``COPY``.
3. **Apply** (one short write transaction). A handful of set-based statements
   copy the staged rows into the real tables, check that nobody changed the
   people being updated since step 1 (their lock versions), add the audit row
   and commit. If somebody did, the transaction is rolled back and the import
   plans again from the new state; its last attempt holds the write lock from
   the start, so it cannot be overtaken.

Every write to the real tables is in step 3's transaction, so a failure or a
killed process at any moment leaves the database exactly as it was: the
temporary tables end with the connection. On SQLite, steps 1 and 2 take no
lock at all, and step 3 holds the write lock only while the database copies
the staged rows into place (README, Performance: the longest wait of another
writer beside an import). On PostgreSQL the tables the import filled are
analysed after it commits.

Two choices a file does not make alone:

* **Newer levels.** A level the file would change that was recorded in the
  planner after the file was exported (by default: after the organisation's
  previous import, as the nightly export of an HR system knows nothing of what
  managers recorded since) is kept and reported, never silently reverted;
  ``overwrite`` applies the file's level instead.
* **Sync.** With ``sync`` the file is the whole organisation: everyone still
  here whom it leaves out is archived as a leaver (`repository.archive_people`,
  the roster's own mechanism), history kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from planner.db import repository, staging
from planner.db.engine import WRITE_INTENT
from planner.db.repository import Organisation, StoredPerson
from planner.db.tables import utcnow
from planner.domain.model import DOMAINS, Person
from planner.loaders import PeopleFile, parse_people_file
from planner.services.access import Scope
from planner.services.errors import ServiceError
from planner.services.people import resolve_organisation
from planner.services.rubrics import ensure_rubric_version
from planner.services.transactions import Actor, writing

__all__ = ["ImportResult", "NewerLevel", "import_into_organisation", "import_people"]

Progress = Callable[[int], None]
#: Rows staged per statement: the progress bar moves once per chunk.
_CHUNK = 20_000
#: Plans made before giving up on people being edited under the import; the last holds the write lock throughout.
_ATTEMPTS = 3
_NOT_ASSESSED = (None,) * len(DOMAINS)


@dataclass(frozen=True, slots=True)
class NewerLevel:
    """A level the file would change that was recorded in the planner after the file was exported."""

    employee_id: str
    name: str
    domain: str
    current: int | None
    in_file: int


@dataclass(frozen=True, slots=True)
class ImportResult:
    organisation: str
    rows: int
    created: int
    updated: int
    unchanged: int
    assessments: int
    sha256: str
    dry_run: bool
    #: People not in the file who are (or, in a dry run, would be) archived: sync mode only.
    archived: int = 0
    #: Levels recorded after the file was exported that the file would change: kept unless `overwritten`.
    newer_levels: tuple[NewerLevel, ...] = ()
    overwritten: bool = False


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What a plan reads: everyone stored (leavers too), who is still here, and which levels are newer than the file."""

    existing: Mapping[str, StoredPerson]
    here: frozenset[int]
    newer: frozenset[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class _Plan:
    """What applying a file would do to the organisation as it was read."""

    organisation_id: int | None
    #: New and changed people, as `staging.STAGED_PERSON_COLUMNS` tuples.
    people: list[tuple]
    #: Levels to append to the history, as `staging.STAGED_LEVEL_COLUMNS` tuples.
    levels: list[tuple]
    created: int
    updated: int
    unchanged: int
    #: Row ids of the people still here whom the file leaves out (archived in sync mode).
    absent: list[int]
    newer_levels: list[NewerLevel]


class _Overtaken(Exception):
    """Someone changed the organisation's people between planning and applying."""


def _stored(session: Session, organisation: Organisation | None) -> dict[str, StoredPerson]:
    """Everyone the organisation has, leavers too: a file naming one must update their row, not add a second."""
    if organisation is None:
        return {}
    return {s.person.employee_id: s for s in repository.stored_people(session, organisation_id=organisation.id,
                                                                          include_archived=True)}


def _snapshot(session: Session, organisation: Organisation | None, exported_at: datetime | None) -> _Snapshot:
    """Read what a plan needs. Levels count as newer than the file when recorded after `exported_at`, or,
    when that is not known, after the organisation's previous import (the file then is the next export)."""
    existing = _stored(session, organisation)
    if organisation is None:
        return _Snapshot(existing, frozenset(), frozenset())
    connection = session.connection()
    here = frozenset(repository.reporting_lines(session, organisation_id=organisation.id))
    since = exported_at or staging.last_import_at(connection, organisation_id=organisation.id)
    newer = (staging.levels_recorded_since(connection, organisation_id=organisation.id, since=since)
             if since is not None else set())
    return _Snapshot(existing, here, frozenset(newer))


def _find(session: Session, name: str | None) -> Organisation | None:
    """The organisation to import into: `name` (None if it is new), or the only one there is."""
    if name is None:
        return resolve_organisation(session, name=None)
    return repository.find_organisation(session, name=name)


def _plan(organisation: Organisation | None, snapshot: _Snapshot, people: list[Person],
          new_ids: Callable[[int], list[int]], *, overwrite: bool) -> _Plan:
    """Compare the file with the people as stored; `new_ids(n)` numbers the n new people (see `staging`).

    A level the file changes but that was recorded after the file was exported is kept as it is, and
    listed, unless `overwrite`.
    """
    existing = snapshot.existing
    fresh = [p.employee_id for p in people if p.employee_id not in existing]
    created_id = dict(zip(fresh, new_ids(len(fresh))))
    staged: list[tuple] = []
    levels: list[tuple] = []
    newer_levels: list[NewerLevel] = []
    updated = unchanged = 0
    for seq, person in enumerate(people):
        employee_id, manager = person.employee_id, person.manager_id
        stored = existing.get(employee_id)
        person_id, new = (created_id[employee_id], 1) if stored is None else (stored.id, 0)
        wanted = person.profile.levels
        was = stored.person.profile.levels if stored else _NOT_ASSESSED
        # A blank cell keeps the level as it is; a level that differs is added to the history.
        changed = [(d, level) for d, level, old in zip(DOMAINS, wanted, was) if level is not None and level != old]
        if changed and snapshot.newer and not new:
            newer = [(d, level) for d, level in changed if (person_id, d) in snapshot.newer]
            newer_levels += [NewerLevel(employee_id, person.name, d, stored.person.profile.get(d), level)
                             for d, level in newer]
            if newer and not overwrite:
                held = dict(newer)
                changed = [(d, level) for d, level in changed if d not in held]
                wanted = tuple(None if d in held else level for d, level in zip(DOMAINS, wanted))
        levels += [(len(levels) + n, person_id, new, d, level) for n, (d, level) in enumerate(changed)]
        fields = (person.name, person.email, person.track, person.team)
        if stored is not None:
            current = stored.person
            if not changed and fields == (current.name, current.email, current.track, current.team) \
                    and manager == current.manager_id:
                unchanged += 1
                continue
            updated += 1
            wanted = tuple(old if level is None else level for level, old in zip(wanted, was))
        manager_id, manager_new = ((created_id[manager], 1) if manager in created_id
                                   else (existing[manager].id, 0) if manager else (None, 0))
        staged.append((seq, person_id, new, stored.version if stored else None, employee_id, *fields,
                       manager_id, manager_new, *wanted))
    named = {p.employee_id for p in people}
    absent = sorted(s.id for s in existing.values() if s.id in snapshot.here and s.person.employee_id not in named)
    return _Plan(organisation.id if organisation else None, staged, levels, len(fresh), updated, unchanged, absent,
                 newer_levels)


def _chunks(rows: list[tuple]) -> Iterator[list[tuple]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start:start + _CHUNK]


def _stage(session: Session, plan: _Plan, progress: Progress | None) -> None:
    """Fill the staging tables of the session's connection (temporary tables: no lock, nothing visible)."""
    connection = session.connection()
    staging.create_staging(connection)
    staging.stage_people(connection, rows=plan.people)
    for chunk in _chunks(plan.levels):
        staging.stage_levels(connection, rows=chunk)
        if progress:
            progress(len(chunk))


def _team_names(session: Session, organisation_id: int, parsed: PeopleFile,
                given: Mapping[str, str] | None) -> dict[str, str]:
    """A team's name comes from the caller, else the file, else what it is called now, else its slug."""
    current = {t.slug: t.name for t in repository.load_teams(session, organisation_id=organisation_id)}
    named = {**parsed.team_names, **(given or {})}
    return {p.team: named.get(p.team) or current.get(p.team) or p.team.replace("-", " ").replace("_", " ").title()
            for p in parsed.people if p.team}


def _apply(session: Session, plan: _Plan, *, name: str | None, parsed: PeopleFile, source: str, digest: str,
           actor: Actor, team_names: Mapping[str, str] | None, sync: bool, overwrite: bool,
           at: datetime) -> Organisation:
    """Copy the staged rows into the real tables: call inside the write transaction."""
    organisation = repository.find_organisation(session, organisation_id=plan.organisation_id) \
        if plan.organisation_id is not None else repository.find_organisation(session, name=name)
    if plan.organisation_id is None:
        if organisation is not None:
            raise _Overtaken  # created by someone else since the plan was made
        organisation = repository.add_organisation(session, name=name)
    org_id = organisation.id
    repository.ensure_teams(session, organisation_id=org_id, names=_team_names(session, org_id, parsed, team_names))
    rubric_version = ensure_rubric_version(session, organisation_id=org_id)
    connection = session.connection()
    shift = staging.id_shift(connection)
    staging.apply_new_people(connection, organisation_id=org_id, shift=shift, at=at)
    if staging.apply_changed_people(connection, organisation_id=org_id, shift=shift) != plan.updated:
        raise _Overtaken
    staging.apply_levels(connection, shift=shift, evidence=f"Imported from {source}", assessor=actor.label,
                         assessor_user_id=actor.user_id, rubric_version_id=rubric_version, at=at)
    if sync:  # the people the file leaves out have left: archived, as HR archives a leaver (teams re-derived too)
        repository.archive_people(session, organisation_id=org_id, person_ids=plan.absent, at=at)
    else:
        repository.rebuild_team_managers(session, organisation_id=org_id)
    counts = {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged,
              "assessments": len(plan.levels), "archived": len(plan.absent) if sync else 0,
              "newer_levels": len(plan.newer_levels), "overwritten": overwrite and bool(plan.newer_levels)}
    repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=org_id,
                         action=staging.IMPORT_ACTION, entity="organisation", entity_id=str(org_id),
                         details={"file": source, "sha256": digest, "rows": len(parsed.people), **counts}, at=at)
    return organisation


@contextmanager
def _own_connection(session: Session) -> Iterator[Session]:
    """A session on a connection of the import's own, which its temporary tables live on, for its whole run."""
    if session.in_transaction():
        session.commit()
    with session.get_bind().connect() as connection, Session(bind=connection, expire_on_commit=False) as own:
        try:
            yield own
        finally:
            own.rollback()
            staging.drop_staging(connection)
            connection.commit()


@contextmanager
def _write(session: Session) -> Iterator[None]:
    """`writing` on the import's own connection, which then goes back to reading (the option sticks to it)."""
    try:
        with writing(session):
            yield
    finally:
        session.connection().execution_options(**{WRITE_INTENT: False})


def import_people(
    session: Session,
    *,
    source: str,
    raw: bytes,
    organisation: str | None,
    actor: Actor,
    dry_run: bool = False,
    sync: bool = False,
    overwrite: bool = False,
    exported_at: datetime | None = None,
    team_names: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    at: datetime | None = None,
) -> ImportResult:
    """Validate a people file completely, then write all of it in one short transaction (see the module).

    Raises `planner.loaders.InputErrors` listing every problem (nothing written),
    or `NotFound` when the organisation is ambiguous. New people are created,
    changed fields updated (bumping their version), and every level that differs
    from the current one appended to the assessment history as an import.

    A level recorded in the planner after the file was exported (`exported_at`,
    by default the organisation's previous import) is never silently reverted:
    it is kept and listed in `ImportResult.newer_levels`, unless `overwrite`.
    With `sync`, the file is the whole organisation: everyone still here whom it
    leaves out is archived, as a leaver. A dry run validates and plans, and writes nothing.
    """
    digest = hashlib.sha256(raw).hexdigest()
    now = at or utcnow()
    found = _find(session, organisation)
    snapshot = _snapshot(session, found, exported_at)
    session.commit()  # validating a large file takes a while: hold no snapshot open meanwhile
    parsed = parse_people_file(source, raw, json_format=source.lower().endswith(".json"), known_ids=snapshot.existing)

    def result(name: str, plan: _Plan) -> ImportResult:
        return ImportResult(name, len(parsed.people), plan.created, plan.updated, plan.unchanged, len(plan.levels),
                            sha256=digest, dry_run=dry_run, archived=len(plan.absent) if sync else 0,
                            newer_levels=tuple(plan.newer_levels), overwritten=overwrite and bool(plan.newer_levels))

    if dry_run:
        return result(found.name if found else organisation,
                      _plan(found, snapshot, parsed.people, _numbers, overwrite=overwrite))

    def plan_on(own: Session, again: Organisation | None, read: _Snapshot) -> _Plan:
        connection = own.connection()
        return _plan(again, read, parsed.people, lambda count: staging.new_person_ids(connection, count=count),
                     overwrite=overwrite)

    def apply(own: Session, plan: _Plan) -> Organisation:
        return _apply(own, plan, name=organisation, parsed=parsed, source=source, digest=digest, actor=actor,
                      team_names=team_names, sync=sync, overwrite=overwrite, at=now)

    with _own_connection(session) as own:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                if attempt < _ATTEMPTS:
                    if attempt > 1:
                        found = _find(own, organisation)
                        snapshot = _snapshot(own, found, exported_at)
                    plan = plan_on(own, found, snapshot)
                    _stage(own, plan, progress)
                    own.commit()
                    with _write(own):
                        written = apply(own, plan)
                else:
                    with _write(own):  # the last attempt plans under the write lock: nobody can overtake it
                        found = _find(own, organisation)
                        plan = plan_on(own, found, _snapshot(own, found, exported_at))
                        _stage(own, plan, progress)
                        written = apply(own, plan)
            except _Overtaken:
                continue
            staging.analyze(own.connection())
            own.commit()
            return result(written.name, plan)
    raise ServiceError("people were changed by someone else all through the import; nothing was imported: "
                       "run it again")


def _numbers(count: int) -> list[int]:
    return list(range(1, count + 1))


def import_into_organisation(session: Session, scope: Scope, *, source: str, raw: bytes, dry_run: bool,
                             sync: bool = False, overwrite: bool = False) -> ImportResult:
    """Import a people file into the signed-in user's organisation (HR only), or only preview it with `dry_run`."""
    scope.require_role("hr")
    organisation = repository.find_organisation(session, organisation_id=scope.organisation_id)
    return import_people(session, source=source, raw=raw, organisation=organisation.name, actor=scope.actor,
                         dry_run=dry_run, sync=sync, overwrite=overwrite)
