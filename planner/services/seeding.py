"""Load the demo organisation from ``seed_data/``; running it again never undoes what users did.

People, their earlier assessment history and self-assessments, practice answers,
KPI readings and the demo sign-ins. Seeding an organisation that exists only adds
what it lacks (`make demo` runs it on every start).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from planner.db import repository
from planner.db.tables import AuditRow
from planner.domain.model import DOMAINS
from planner.loaders import read_answers, read_kpi_series, read_team_answers, read_toml
from planner.services.accounts import create_account
from planner.services.maturity import ORGANISATION, practice_rubric
from planner.services.imports import ImportResult, import_people
from planner.services.rubrics import ensure_rubric_version
from planner.services.transactions import Actor, writing

__all__ = ["DemoAccount", "SeedResult", "seed_demo"]

_SEED_ACTION = "demo.seed"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    email: str
    role: str
    employee_id: str | None


@dataclass(frozen=True, slots=True)
class SeedResult:
    organisation: str
    people: ImportResult
    accounts: tuple[DemoAccount, ...]
    password: str
    history_added: int
    #: People already in the organisation, left as they were.
    kept: int


def _history_rows(path: Path, ids: dict[str, int], rubric_version: int) -> list[dict]:
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            if record["employee_id"] in ids and record["domain"] in DOMAINS:
                moment = datetime.fromisoformat(record["recorded_on"]).replace(hour=9, tzinfo=UTC)
                rows.append({"person_id": ids[record["employee_id"]], "domain": record["domain"],
                             "level": int(record["level"]), "kind": record["kind"], "evidence": "Quarterly review",
                             "assessor": "demo data", "rubric_version_id": rubric_version, "created_at": moment})
    return rows


def _self_rows(path: Path, ids: dict[str, int], rubric_version: int, actor: Actor) -> list[dict]:
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            for domain in DOMAINS:
                if record["employee_id"] in ids and record.get(domain, "").strip():
                    rows.append({"person_id": ids[record["employee_id"]], "domain": domain,
                                 "level": int(record[domain]), "kind": "self", "evidence": "Self-assessment",
                                 "assessor": actor.label, "rubric_version_id": rubric_version})
    return rows


def _seed_practices(session: Session, seed_dir: Path, organisation_id: int, actor: Actor) -> None:
    """The demo's questionnaire answers (organisation-wide and per team) and KPI readings."""
    rubric = practice_rubric()
    teams = repository.team_ids(session, organisation_id=organisation_id)
    by_scope = {ORGANISATION: read_answers(seed_dir / "practices.json", rubric),
                **read_team_answers(seed_dir / "practices_by_team.json", rubric)}
    repository.add_answers(session, rows=[
        {"organisation_id": organisation_id, "team_id": teams.get(scope), "practice_id": pid, "answer": str(answer),
         "answered_by": actor.label}
        for scope, answers in by_scope.items() if scope == ORGANISATION or scope in teams
        for pid, answer in answers.items()
    ])
    readings = []
    for series in read_kpi_series(seed_dir / "kpis.csv", rubric):
        points = [(series.baseline, True), *((r, False) for r in series.readings)]
        readings += [{"organisation_id": organisation_id, "team_id": teams.get(series.scope), "kpi": series.kpi.slug,
                      "recorded_on": r.recorded_on, "value": r.value, "is_baseline": flag, "recorded_by": actor.label}
                     for r, flag in points]
    repository.add_kpi_readings(session, rows=readings)


def _missing_rows(raw: bytes, present: set[str]) -> tuple[bytes, set[str]]:
    """The people file cut down to its header and the people not `present`, and their employee ids."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    header = next(reader)
    column = header.index("employee_id")
    missing = [row for row in reader if row and row[column] not in present]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([header, *missing])
    return buffer.getvalue().encode("utf-8"), {row[column] for row in missing}


def seed_demo(session: Session, *, seed_dir: Path, actor: Actor) -> SeedResult:
    """Load the demo organisation, or add to it what it lacks; never change what is there.

    On an organisation that exists, the people in it (leavers included) keep their
    levels, details and history, teams keep their names and accounts their
    passwords: only missing people (with their demo history), teams and accounts
    are added. Practice answers and KPI readings come with the first seeding only.
    """
    config = read_toml(seed_dir / "organisation.toml")
    name = config["organisation"]["name"]
    org = repository.find_organisation(session, name=name)
    present: set[str] = set()
    known_teams: set[str] = set()
    if org is not None:
        present = {r.employee_id for r in repository.roster_rows(session, organisation_id=org.id, archived=None)}
        known_teams = set(repository.team_ids(session, organisation_id=org.id))
    raw, missing = _missing_rows((seed_dir / "people.csv").read_bytes(), present)
    people = ImportResult(name, 0, 0, 0, 0, 0, hashlib.sha256(raw).hexdigest(), dry_run=False)
    if missing:
        team_names = {t["slug"]: t["name"] for t in config.get("teams", []) if t["slug"] not in known_teams}
        people = import_people(session, source="people.csv", raw=raw, organisation=name, actor=actor,
                               team_names=team_names)
        org = repository.find_organisation(session, name=name)
    first = session.execute(
        select(AuditRow.id).where(AuditRow.organisation_id == org.id, AuditRow.action == _SEED_ACTION)
    ).first() is None
    history_added = 0
    if missing or first:
        with writing(session):
            ids = {s.person.employee_id: s.id for s in repository.stored_people(session, organisation_id=org.id)
                   if s.person.employee_id in missing}
            version = ensure_rubric_version(session, organisation_id=org.id)
            rows = _history_rows(seed_dir / "assessment_history.csv", ids, version)
            rows += [{**r, "created_at": datetime.now(UTC)} for r in _self_rows(seed_dir / "self_assessments.csv", ids,
                                                                                 version, actor)]
            repository.add_assessments(session, rows=rows)
            history_added = len(rows)
            if first:
                _seed_practices(session, seed_dir, org.id, actor)
            repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=org.id,
                                 action=_SEED_ACTION, entity="organisation", entity_id=str(org.id),
                                 details={"people_added": len(missing), "history_rows": history_added,
                                          "practices": first})
    demo = config.get("demo", {})
    accounts = []
    for entry in demo.get("accounts", []):
        account = DemoAccount(entry["email"], entry["role"], entry.get("person"))
        if repository.find_account(session, email=account.email) is None:
            create_account(session, organisation_id=org.id, email=account.email, password=demo["password"],
                           role=account.role, employee_id=account.employee_id, actor=actor)
        accounts.append(account)
    return SeedResult(name, people, tuple(accounts), demo.get("password", ""), history_added, len(present))
