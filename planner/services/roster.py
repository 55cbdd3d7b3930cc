"""Roster administration (HR only): people joining, changing team or manager, leaving and coming back; teams.

Every write is one transaction with an audit row naming what changed, and checks
the version the caller read (`StaleWrite` otherwise, nothing written). Team
managers stay derived from reporting lines. Leavers are archived, never deleted:
they keep their history and leave the stage, plans, heatmaps, counts and lists,
and their accounts cannot sign in (see `repository.active_people`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from planner.db import repository
from planner.db.repository import RosterRow, TeamRecord
from planner.db.tables import utcnow
from planner.domain.model import TRACKS
from planner.services.access import Scope
from planner.services.errors import NotFound, ServiceError, StaleWrite
from planner.services.transactions import writing

__all__ = [
    "EDITABLE",
    "RosterConflict",
    "RosterError",
    "add_person",
    "add_team",
    "archive_person",
    "rename_team",
    "restore_person",
    "roster",
    "roster_person",
    "roster_teams",
    "slug_for",
    "update_person",
]

#: What HR edits on a person: who they are, their track, their team and their manager.
EDITABLE = ("name", "email", "track", "team", "manager_id")
_NO_CONTROLS = re.compile(r"^[^\x00-\x1f\x7f]+$")


class RosterConflict(ServiceError):
    """The change clashes with what is there: an employee id or team taken, a leaver edited, a restore of someone here."""


class RosterError(ServiceError):
    """A roster change that cannot be made; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def slug_for(name: str) -> str:
    """The team slug a name gives: lower case, words joined by hyphens ("Data & ML" -> "data-ml").

    Letters of any script count; a name with none at all gives "team".
    """
    return "-".join(re.findall(r"[^\W_]+", name.lower()))[:100].strip("-") or "team"


def _text(field: str, value: Any, *, maximum: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise RosterError(field, "must be text")
    value = value.strip()
    if required and not value:
        raise RosterError(field, "cannot be empty")
    if len(value) > maximum:
        raise RosterError(field, f"is longer than {maximum} characters")
    if value and not _NO_CONTROLS.match(value):
        raise RosterError(field, "contains control characters")
    return value


def _clean(field: str, value: Any) -> Any:
    """One editable field, checked on its own (references to teams and managers are checked in `_resolve`)."""
    if field == "name":
        return _text(field, value, maximum=200)
    if field == "email":
        email = _text(field, value, maximum=320, required=False)
        if email and ("@" not in email or any(c.isspace() for c in email)):
            raise RosterError(field, "is not an email address")
        return email
    if field == "track":
        if value not in TRACKS:
            raise RosterError(field, f"must be one of {', '.join(TRACKS)}")
        return value
    if value in (None, ""):
        return None
    return _text(field, value, maximum=100)


def _resolve(session: Session, organisation_id: int, person_id: int | None, values: Mapping[str, Any]) -> dict:
    """Checked field values as person columns: the team slug as its id, the manager's employee id as theirs."""
    columns: dict[str, Any] = {}
    for field, value in values.items():
        if field not in EDITABLE:
            raise RosterError(field, "cannot be changed here")
        columns[field] = _clean(field, value)
    if "team" in columns:
        slug = columns.pop("team")
        teams = repository.team_ids(session, organisation_id=organisation_id)
        if slug is not None and slug not in teams:
            raise RosterError("team", f"there is no team {slug!r}")
        columns["team_id"] = teams.get(slug) if slug else None
    if "manager_id" in columns and columns["manager_id"] is not None:
        columns["manager_id"] = _manager(session, organisation_id, person_id, columns["manager_id"])
    return columns


def _manager(session: Session, organisation_id: int, person_id: int | None, employee_id: str) -> int:
    """The person id of a manager still here, refusing a reporting line that would loop back to `person_id`."""
    manager = repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
    if manager is None:
        raise RosterError("manager_id", f"there is nobody {employee_id!r} still here to report to")
    lines = repository.reporting_lines(session, organisation_id=organisation_id)
    seen, above = set(), manager.id
    while above is not None and above not in seen:
        if above == person_id:
            raise RosterError("manager_id", "would make the person report to themselves, directly or through others")
        seen.add(above)
        above = lines.get(above)
    return manager.id


def _row(session: Session, organisation_id: int, employee_id: str) -> RosterRow:
    rows = repository.roster_rows(session, organisation_id=organisation_id, archived=None, employee_id=employee_id)
    if not rows:
        raise NotFound(f"no person {employee_id!r}")
    return rows[0]


def _shown(row: RosterRow) -> dict[str, Any]:
    """The editable fields of a row as the caller names them (for audit before/after)."""
    return {"name": row.name, "email": row.email, "track": row.track, "team": row.team, "manager_id": row.manager_id}


def _audit(session: Session, scope: Scope, action: str, entity: str, entity_id: str, **values: Any) -> None:
    repository.add_audit(session, actor=scope.actor.label, actor_user_id=scope.account_id,
                         organisation_id=scope.organisation_id, action=action, entity=entity, entity_id=entity_id,
                         **values)


# --- reading -------------------------------------------------------------------------

def roster(session: Session, scope: Scope, *, archived: bool = False) -> list[RosterRow]:
    """Everyone still here, or (`archived`) everyone who has left."""
    scope.require_role("hr")
    return repository.roster_rows(session, organisation_id=scope.organisation_id, archived=archived)


def roster_person(session: Session, scope: Scope, employee_id: str) -> RosterRow:
    """One person, still here or not (`NotFound` for nobody)."""
    scope.require_role("hr")
    return _row(session, scope.organisation_id, employee_id)


def roster_teams(session: Session, scope: Scope) -> list[TeamRecord]:
    scope.require_role("hr")
    return repository.team_records(session, organisation_id=scope.organisation_id)


# --- people ----------------------------------------------------------------------------

def add_person(session: Session, scope: Scope, *, employee_id: str, values: Mapping[str, Any]) -> RosterRow:
    """A new person (name and track required; email, team and manager optional), not yet assessed."""
    scope.require_role("hr")
    employee_id = _text("employee_id", employee_id, maximum=100)
    for required in ("name", "track"):
        if required not in values:
            raise RosterError(required, "is required")
    with writing(session):
        if repository.roster_rows(session, organisation_id=scope.organisation_id, archived=None,
                                  employee_id=employee_id):
            raise RosterConflict(f"{employee_id!r} is already someone's employee id (perhaps someone who has left)")
        columns = _resolve(session, scope.organisation_id, None, values)
        repository.add_person(session, organisation_id=scope.organisation_id,
                              values={"employee_id": employee_id, "email": "", **columns})
        repository.rebuild_team_managers(session, organisation_id=scope.organisation_id)
        row = _row(session, scope.organisation_id, employee_id)
        _audit(session, scope, "person.add", "person", employee_id, after=_shown(row))
    return row


def _write(session: Session, scope: Scope, employee_id: str, expected_version: int, action: str,
           change: Mapping[str, Any], *, must_be_here: bool | None) -> RosterRow:
    """Compare-and-set `change` (person columns) on one person, audit it, and return the person as now stored.

    `must_be_here`: True to refuse a leaver, False to refuse someone still here, None for either.
    """
    with writing(session):
        before = _row(session, scope.organisation_id, employee_id)
        if before.erased_at is not None:
            raise RosterConflict("this person's personal data was erased: the record stays as it is")
        here = before.archived_at is None
        if must_be_here is not None and here != must_be_here:
            raise RosterConflict(f"{before.name} has left; restore them first" if must_be_here
                                 else f"{before.name} has not left")
        columns = _resolve(session, scope.organisation_id, before.id, change) if action == "person.update" else change
        if not repository.bump_person_version(session, person_id=before.id, expected_version=expected_version,
                                              values=columns):
            raise StaleWrite("person", employee_id, expected_version, before.version)
        repository.rebuild_team_managers(session, organisation_id=scope.organisation_id)
        after = _row(session, scope.organisation_id, employee_id)
        old, new = _shown(before), _shown(after)
        changed = [k for k in old if old[k] != new[k]]
        _audit(session, scope, action, "person", employee_id, before={k: old[k] for k in changed} or None,
               after={k: new[k] for k in changed} or None, details={"version": after.version})
    return after


def update_person(session: Session, scope: Scope, employee_id: str, *, expected_version: int,
                  changes: Mapping[str, Any]) -> RosterRow:
    """Edit someone still here: any of `EDITABLE` (moving team and changing manager included)."""
    scope.require_role("hr")
    return _write(session, scope, employee_id, expected_version, "person.update", changes, must_be_here=True)


def archive_person(session: Session, scope: Scope, employee_id: str, *, expected_version: int) -> RosterRow:
    """Record that someone has left: history kept, gone from every current view, their account refused."""
    scope.require_role("hr")
    return _write(session, scope, employee_id, expected_version, "person.archive", {"archived_at": utcnow()},
                  must_be_here=True)


def restore_person(session: Session, scope: Scope, employee_id: str, *, expected_version: int) -> RosterRow:
    """Bring a leaver back, with their history and levels as they were."""
    scope.require_role("hr")
    return _write(session, scope, employee_id, expected_version, "person.restore", {"archived_at": None},
                  must_be_here=False)


# --- teams -------------------------------------------------------------------------------

def _team(session: Session, organisation_id: int, slug: str) -> TeamRecord:
    team = next((t for t in repository.team_records(session, organisation_id=organisation_id) if t.slug == slug), None)
    if team is None:
        raise NotFound(f"no team {slug!r}")
    return team


def add_team(session: Session, scope: Scope, *, name: str) -> TeamRecord:
    """A new, empty team; its slug (in links and files) is made from its name."""
    scope.require_role("hr")
    name = _text("name", name, maximum=200)
    slug = slug_for(name)
    with writing(session):
        if slug in repository.team_ids(session, organisation_id=scope.organisation_id):
            raise RosterConflict(f"there is already a team {slug!r}")
        repository.add_team(session, organisation_id=scope.organisation_id, slug=slug, name=name)
        team = _team(session, scope.organisation_id, slug)
        _audit(session, scope, "team.add", "team", slug, after={"name": name})
    return team


def rename_team(session: Session, scope: Scope, slug: str, *, name: str, expected_version: int) -> TeamRecord:
    """Give a team a new name (its slug stays, so links and files keep working)."""
    scope.require_role("hr")
    name = _text("name", name, maximum=200)
    with writing(session):
        before = _team(session, scope.organisation_id, slug)
        if not repository.rename_team(session, team_id=before.id, expected_version=expected_version, name=name):
            raise StaleWrite("team", slug, expected_version, before.version)
        team = _team(session, scope.organisation_id, slug)
        _audit(session, scope, "team.rename", "team", slug, before={"name": before.name}, after={"name": name},
               details={"version": team.version})
    return team
