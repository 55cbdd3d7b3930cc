"""Importing, exporting and reading an organisation's people.

An import is all-or-nothing: the whole file is validated before anything is
written, and the write is one transaction. Levels that change add assessment
history; nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from planner.collector import collector_paused
from planner.db import repository
from planner.db.repository import Organisation
from planner.db.tables import utcnow
from planner.domain.model import DOMAINS, Person
from planner.domain.staging import OrgAssessment, assess_org
from planner.loaders import COLUMNS, OPTIONAL_COLUMNS, parse_people_file
from planner.reports import write_csv
from planner.services.errors import NotFound
from planner.services.rubrics import ensure_rubric_version, organisation_rubric
from planner.services.transactions import Actor, writing

__all__ = [
    "ImportResult",
    "export_people",
    "import_people",
    "organisation_assessment",
    "resolve_organisation",
]

Progress = Callable[[int], None]
_CHUNK = 20_000


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


def resolve_organisation(session: Session, *, name: str | None) -> Organisation:
    """The organisation called `name`, or the only one when no name is given."""
    org = repository.find_organisation(session, name=name)
    if org is not None:
        return org
    if name is not None:
        raise NotFound(f"no organisation named {name!r}")
    known = repository.list_organisations(session)
    if not known:
        raise NotFound("the database has no organisation yet: run `planner seed` or `planner import FILE --org NAME`")
    raise NotFound(f"several organisations ({', '.join(o.name for o in known)}): choose one with --org")


def organisation_assessment(session: Session, *, organisation_id: int,
                            people: list[Person] | None = None) -> OrgAssessment:
    """Score the organisation's current profiles against its active rubric."""
    rubric = organisation_rubric(session, organisation_id=organisation_id).rubric
    if people is None:
        people = repository.load_people(session, organisation_id=organisation_id)
    with collector_paused():
        return assess_org(rubric, people)


def _person_columns(person: Person, team_id: int | None) -> dict:
    return {"employee_id": person.employee_id, "name": person.name, "email": person.email,
            "track": person.track, "team_id": team_id}


def import_people(
    session: Session,
    *,
    source: str,
    raw: bytes,
    organisation: str | None,
    actor: Actor,
    dry_run: bool = False,
    team_names: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    at: datetime | None = None,
) -> ImportResult:
    """Validate a people file completely, then write it in one transaction.

    Raises `planner.loaders.InputErrors` listing every problem (nothing written),
    or `NotFound` when the organisation is ambiguous. New people are created,
    changed fields updated (bumping their version), and every level that differs
    from the current one appended to the assessment history as an import.
    """
    digest = hashlib.sha256(raw).hexdigest()
    now = at or utcnow()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "assessments": 0}
    # Everything, from reading what exists to the last write, happens under the write lock:
    # an edit committed while the file was being validated cannot be worked against stale data.
    with writing(session, commit=not dry_run):
        org = repository.find_organisation(session, name=organisation) if organisation else None
        if org is None and organisation is None:
            org = resolve_organisation(session, name=None)
        # Leavers too: a file naming one must update their row, not insert a second.
        existing = ({s.person.employee_id: s for s in repository.stored_people(session, organisation_id=org.id,
                                                                                include_archived=True)}
                    if org else {})
        parsed = parse_people_file(source, raw, json_format=source.lower().endswith(".json"), known_ids=existing)
        people = parsed.people
        if org is None:
            org = repository.add_organisation(session, name=organisation)
        current_names = {t.slug: t.name for t in repository.load_teams(session, organisation_id=org.id)}
        # A team's name comes from the caller, else the file, else what it is called now, else its slug.
        given = {**parsed.team_names, **(team_names or {})}
        names = {p.team: given.get(p.team) or current_names.get(p.team)
                 or p.team.replace("-", " ").replace("_", " ").title() for p in people if p.team}
        teams = repository.ensure_teams(session, organisation_id=org.id, names=names)
        new = [p for p in people if p.employee_id not in existing]
        ids = repository.insert_people(session, organisation_id=org.id, rows=[
            {**_person_columns(p, teams.get(p.team)), **p.profile.as_dict(), "updated_at": now} for p in new])
        counts["created"] = len(new)
        changes, manager_links, history = [], [], []
        rubric_version = ensure_rubric_version(session, organisation_id=org.id)
        for person in people:
            stored = existing.get(person.employee_id)
            pid = ids[person.employee_id]
            wanted_manager = ids.get(person.manager_id) if person.manager_id else None
            old_levels = stored.person.profile.levels if stored else (None,) * len(DOMAINS)
            changed_levels = {d: lv for d, lv, old in zip(DOMAINS, person.profile.levels, old_levels)
                              if lv is not None and lv != old}
            history += [{"person_id": pid, "domain": d, "level": lv, "kind": "import",
                         "evidence": f"Imported from {source}", "assessor": actor.label,
                         "assessor_user_id": actor.user_id, "rubric_version_id": rubric_version, "created_at": now}
                        for d, lv in changed_levels.items()]
            if stored is None:
                if wanted_manager is not None:
                    manager_links.append({"id": pid, "manager_id": wanted_manager})
                continue
            before = _person_columns(stored.person, teams.get(stored.person.team))
            after = _person_columns(person, teams.get(person.team))
            change = {k: v for k, v in after.items() if before[k] != v}
            current_manager = ids.get(stored.person.manager_id) if stored.person.manager_id else None
            if wanted_manager != current_manager:
                change["manager_id"] = wanted_manager
            if change or changed_levels:
                changes.append({"id": pid, **change, **changed_levels})
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        repository.update_people(session, changes=changes)
        repository.update_people(session, changes=manager_links, bump_version=False)
        for start in range(0, len(history), _CHUNK):
            repository.add_assessments(session, rows=history[start:start + _CHUNK])
            if progress:
                progress(len(history[start:start + _CHUNK]))
        counts["assessments"] = len(history)
        repository.rebuild_team_managers(session, organisation_id=org.id)
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=org.id,
                             action="people.import", entity="organisation", entity_id=str(org.id),
                             details={"file": source, "sha256": digest, "rows": len(people), **counts}, at=now)
    return ImportResult(org.name, len(people), sha256=digest, dry_run=dry_run, **counts)


def export_people(session: Session, *, organisation_id: int, fmt: str, actor: Actor) -> str:
    """The organisation's people, current levels and team names as CSV or JSON, in the import format.

    CSV cells that a spreadsheet would run as formulas are neutralised; importing
    the file again restores them exactly.
    """
    people = repository.load_people(session, organisation_id=organisation_id)
    team_names = {t.slug: t.name for t in repository.load_teams(session, organisation_id=organisation_id)}
    records = [
        {"employee_id": p.employee_id, "name": p.name, "email": p.email, "team": p.team, "track": p.track,
         "manager_id": p.manager_id or "", **p.profile.as_dict(), "team_name": team_names.get(p.team, "")}
        for p in people
    ]
    if fmt == "json":
        text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        columns = (*COLUMNS, *OPTIONAL_COLUMNS)
        text = write_csv(columns, ([("" if r[c] is None else r[c]) for c in columns] for r in records))
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    with writing(session):
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="people.export", entity="organisation", entity_id=str(organisation_id),
                             details={"format": fmt, "rows": len(records),
                                      "sha256": hashlib.sha256(text.encode()).hexdigest()})
    return text
