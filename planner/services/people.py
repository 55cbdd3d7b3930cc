"""Exporting and reading an organisation's people (importing them is `planner.services.imports`)."""

from __future__ import annotations

import hashlib
import json

from sqlmodel import Session

from planner.collector import collector_paused
from planner.db import repository
from planner.db.repository import Organisation
from planner.domain.model import Person
from planner.domain.staging import OrgAssessment, assess_org
from planner.loaders import COLUMNS, OPTIONAL_COLUMNS
from planner.reports import write_csv
from planner.services.errors import NotFound
from planner.services.rubrics import organisation_rubric
from planner.services.transactions import Actor, writing

__all__ = [
    "export_people",
    "organisation_assessment",
    "resolve_organisation",
]


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
    with writing(session, changes_data=False):  # an export is a read: it leaves the caches alone
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="people.export", entity="organisation", entity_id=str(organisation_id),
                             details={"format": fmt, "rows": len(records),
                                      "sha256": hashlib.sha256(text.encode()).hexdigest()})
    return text
