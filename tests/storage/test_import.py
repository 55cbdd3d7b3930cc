"""Importing people: all or nothing, history instead of overwrites, managers, JSON, and the audit trail."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from planner.db import repository
from planner.db.tables import AuditRow
from planner.domain.model import DOMAINS, Team
from planner.loaders import InputErrors
from planner.services.people import export_people

from .support import TESTER, import_bytes, people_csv, planner, row_counts


def person(employee_id: str, team: str, manager_id: str = "", level: int = 2, **levels: int) -> dict:
    return {"employee_id": employee_id, "name": f"Name {employee_id}", "email": f"{employee_id.lower()}@acme.example",
            "team": team, "track": "software_engineer", "manager_id": manager_id,
            **dict.fromkeys(DOMAINS, level), **levels}


#: Platform is led from inside; apps by B1, who reports outside it; data only reports outside.
ORG = [
    person("L1", "platform", level=4),
    person("A1", "platform", "L1"),
    person("A2", "platform", "L1"),
    person("B1", "apps", "L1", level=3),
    person("B2", "apps", "B1"),
    person("D1", "data", "L1", level=1),
]
BAD_ROWS = [
    person("L1", "platform", level=5),  # valid, and changed: still must not be written
    person("A1", "platform", "L1", prompting=7),
    {**person("A2", "platform", "L1"), "track": "wizard", "email": "not an email"},
    person("B1", "apps", "NOBODY"),
]
BAD_CELLS = [(3, "prompting"), (4, "email"), (4, "track"), (5, "manager_id")]


@pytest.fixture
def acme(session):
    """The organisation imported once; returns its id."""
    import_bytes(session, people_csv(ORG))
    return repository.find_organisation(session, name="Acme").id


def stored(session, org_id: int, employee_id: str):
    return repository.get_person(session, organisation_id=org_id, employee_id=employee_id)


def history(session, org_id: int, employee_id: str):
    return repository.person_history(session, person_id=stored(session, org_id, employee_id).id,
                                     employee_id=employee_id)


def test_a_file_with_several_bad_rows_lists_every_error_by_row_and_column_and_writes_nothing(session, engine, acme):
    before = row_counts(engine)
    with pytest.raises(InputErrors) as raised:
        import_bytes(session, people_csv(BAD_ROWS))
    assert [(e.row, e.column) for e in raised.value.errors] == BAD_CELLS
    assert row_counts(engine) == before


def test_the_cli_prints_each_import_error_on_its_own_line_and_exits_2_without_a_traceback(migrated_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(people_csv(BAD_ROWS))
    result = planner(migrated_url, "import", str(bad), "--org", "Acme")
    assert (result.exit_code, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert [line.split(": ")[:2] for line in lines] == [["planner", "bad.csv"]] * len(BAD_CELLS)
    assert [line.split(": ")[2] for line in lines] == [f"row {r}, column {c}" for r, c in BAD_CELLS]
    assert "Traceback" not in result.output
    assert set(row_counts(migrated_url).values()) == {0}


def test_a_dry_run_reports_what_would_change_but_writes_nothing(session, engine, acme):
    before = row_counts(engine)
    result = import_bytes(session, people_csv([*ORG, person("N1", "apps", "B1")]), dry_run=True)
    assert (result.created, result.dry_run) == (1, True)
    assert row_counts(engine) == before


def test_reimporting_changed_levels_appends_history_keeps_old_entries_and_bumps_versions(session, acme):
    old = history(session, acme, "A1")
    changed = [person("A1", "platform", "L1", prompting=3, security=4) if p["employee_id"] == "A1" else p for p in ORG]
    result = import_bytes(session, people_csv(changed))
    assert (result.updated, result.unchanged, result.assessments) == (1, len(ORG) - 1, 2)
    new = history(session, acme, "A1")
    assert new[:len(old)] == old
    assert [(e.domain, e.level, e.kind) for e in new[len(old):]] == [
        ("prompting", 3, "import"), ("security", 4, "import")]
    assert stored(session, acme, "A1").person.profile.get("prompting") == 3
    assert {p["employee_id"]: stored(session, acme, p["employee_id"]).version for p in ORG} == {
        **{p["employee_id"]: 1 for p in ORG}, "A1": 2}


def test_reimporting_identical_data_changes_nothing_but_the_audit_log(session, engine, acme):
    before = row_counts(engine)
    result = import_bytes(session, people_csv(ORG))
    assert (result.created, result.updated, result.unchanged, result.assessments) == (0, 0, len(ORG), 0)
    assert row_counts(engine) == {**before, "audit_log": before["audit_log"] + 1}
    assert {stored(session, acme, p["employee_id"]).version for p in ORG} == {1}


def test_team_managers_are_derived_from_reporting_lines_and_follow_changes(session, acme):
    people = repository.load_people(session, organisation_id=acme)
    assert {p.employee_id: p.manager_id for p in people} == {p["employee_id"]: p["manager_id"] or None for p in ORG}
    assert repository.load_teams(session, organisation_id=acme) == [
        Team("apps", "Apps", ("B1",)), Team("data", "Data", ("L1",)), Team("platform", "Platform", ("L1",))]
    moved = [{**p, "manager_id": "L1"} if p["employee_id"] == "B2" else p for p in ORG]
    import_bytes(session, people_csv(moved))
    assert stored(session, acme, "B2").person.manager_id == "L1"
    assert repository.load_teams(session, organisation_id=acme)[0] == Team("apps", "Apps", ("L1",))


def test_a_json_file_imports_the_same_people_as_the_csv_file(session, acme):
    as_json = [{**p, "manager_id": p["manager_id"] or None} for p in ORG]
    import_bytes(session, json.dumps(as_json).encode(), source="people.json", organisation="Acme JSON")
    json_org = repository.find_organisation(session, name="Acme JSON").id
    assert repository.load_people(session, organisation_id=json_org) == repository.load_people(
        session, organisation_id=acme)


def test_imports_and_exports_are_audited_with_actor_file_hash_and_row_count(session):
    raw = people_csv(ORG)
    import_bytes(session, raw)
    org_id = repository.find_organisation(session, name="Acme").id
    text = export_people(session, organisation_id=org_id, fmt="json", actor=TESTER)
    audits = session.exec(select(AuditRow).order_by(AuditRow.id)).scalars().all()
    assert [(a.action, a.actor, a.organisation_id) for a in audits] == [
        ("people.import", TESTER.label, org_id), ("people.export", TESTER.label, org_id)]
    imported = audits[0].details
    assert (imported["file"], imported["sha256"], imported["rows"]) == (
        "people.csv", hashlib.sha256(raw).hexdigest(), len(ORG))
    assert audits[1].details == {"format": "json", "rows": len(ORG),
                                 "sha256": hashlib.sha256(text.encode()).hexdigest()}


def test_a_reimport_keeps_the_display_names_teams_were_given(session, acme):
    import_bytes(session, people_csv(ORG), team_names={"platform": "Platform Engineering"})
    import_bytes(session, people_csv(ORG))
    names = {t.slug: t.name for t in repository.load_teams(session, organisation_id=acme)}
    assert names == {"apps": "Apps", "data": "Data", "platform": "Platform Engineering"}


def test_a_file_that_names_one_team_two_ways_is_refused_at_the_second_row(session, engine, acme):
    named = [{**p, "team_name": "Platform" if i == 0 else "Platform Team"} for i, p in enumerate(ORG[:2])]
    before = row_counts(engine)
    with pytest.raises(InputErrors) as refused:
        import_bytes(session, people_csv(named))
    (error,) = refused.value.errors
    assert (error.row, error.column) == (3, "team_name") and "already named 'Platform'" in error.reason
    assert row_counts(engine) == before
