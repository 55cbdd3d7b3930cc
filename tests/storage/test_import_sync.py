"""Sync imports archive the people a file leaves out; no import silently reverts a level recorded after the file."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.db import repository
from planner.db.tables import utcnow
from planner.services.assessments import record_assessment

from .support import TESTER, import_bytes, people_csv, planner, row_counts, synthetic_people

PEOPLE = synthetic_people(20)


@pytest.fixture
def org_id(session):
    import_bytes(session, people_csv(PEOPLE))
    return repository.find_organisation(session, name="Acme").id


def here(session, org_id: int) -> set[str]:
    return {p.employee_id for p in repository.load_people(session, organisation_id=org_id)}


def without(*employee_ids: str) -> list[dict]:
    return [p for p in PEOPLE if p["employee_id"] not in employee_ids]


def assess(session, org_id: int, employee_id: str, **levels: int) -> None:
    version = repository.get_person(session, organisation_id=org_id, employee_id=employee_id).version
    record_assessment(session, organisation_id=org_id, employee_id=employee_id, expected_version=version,
                      levels=levels, kind="manager", evidence="review", actor=TESTER)


def level(session, org_id: int, employee_id: str, domain: str) -> int | None:
    return repository.get_person(session, organisation_id=org_id, employee_id=employee_id).person.profile.get(domain)


def test_a_sync_import_archives_the_people_the_file_leaves_out_and_keeps_their_history(session, engine, org_id):
    before = row_counts(engine)
    result = import_bytes(session, people_csv(without("P000013", "P000017")), sync=True)
    assert (result.archived, result.unchanged) == (2, len(PEOPLE) - 2)
    assert here(session, org_id) == {p["employee_id"] for p in without("P000013", "P000017")}
    left = repository.get_person(session, organisation_id=org_id, employee_id="P000013", include_archived=True)
    assert repository.person_history(session, person_id=left.id, employee_id="P000013")
    assert row_counts(engine)["assessment"] == before["assessment"]


def test_without_sync_the_people_a_file_leaves_out_stay(session, org_id):
    result = import_bytes(session, people_csv(without("P000013")))
    assert result.archived == 0 and "P000013" in here(session, org_id)


def test_a_dry_run_of_a_sync_counts_who_would_be_archived_and_archives_nobody(session, org_id):
    result = import_bytes(session, people_csv(without("P000013")), sync=True, dry_run=True)
    assert result.archived == 1 and "P000013" in here(session, org_id)


def test_a_level_recorded_after_the_last_import_is_kept_and_reported_instead_of_reverted(session, org_id):
    was = level(session, org_id, "P000004", "evaluation")
    assess(session, org_id, "P000004", evaluation=(was + 1) % 6)
    nightly = [{**p, "security": (p["security"] + 1) % 6} if p["employee_id"] == "P000004" else p for p in PEOPLE]
    result = import_bytes(session, people_csv(nightly))  # still says the old evaluation: the HR system never knew
    assert [(n.employee_id, n.domain, n.current, n.in_file) for n in result.newer_levels] == [
        ("P000004", "evaluation", (was + 1) % 6, was)]
    assert level(session, org_id, "P000004", "evaluation") == (was + 1) % 6
    assert (result.updated, result.assessments) == (1, 1)  # the security change alone
    assert level(session, org_id, "P000004", "security") == (PEOPLE[4]["security"] + 1) % 6


def test_overwrite_applies_the_files_level_over_a_newer_one(session, org_id):
    was = level(session, org_id, "P000004", "evaluation")
    assess(session, org_id, "P000004", evaluation=(was + 1) % 6)
    result = import_bytes(session, people_csv(PEOPLE), overwrite=True)
    assert result.overwritten and len(result.newer_levels) == 1
    assert level(session, org_id, "P000004", "evaluation") == was


def test_a_level_recorded_before_the_file_was_exported_is_not_newer(session, org_id):
    was = level(session, org_id, "P000004", "evaluation")
    assess(session, org_id, "P000004", evaluation=(was + 1) % 6)
    result = import_bytes(session, people_csv(PEOPLE), exported_at=utcnow() + timedelta(seconds=1))
    assert result.newer_levels == () and level(session, org_id, "P000004", "evaluation") == was


def test_planner_import_sync_reports_archived_people_and_kept_levels(migrated_url, tmp_path):
    first, nightly = tmp_path / "first.csv", tmp_path / "nightly.csv"
    first.write_bytes(people_csv(PEOPLE))
    assert planner(migrated_url, "import", str(first), "--org", "Acme").exit_code == 0
    nightly.write_bytes(people_csv(without("P000013")))
    result = planner(migrated_url, "import", str(nightly), "--org", "Acme", "--sync")
    assert result.exit_code == 0, result.output
    assert "(0 new, 0 changed, 19 unchanged, 1 archived as not in the file)" in result.stdout


def test_planner_import_lists_each_newer_level_it_kept(migrated_url, tmp_path, engine, session):
    path = tmp_path / "people.csv"
    path.write_bytes(people_csv(PEOPLE))
    assert planner(migrated_url, "import", str(path), "--org", "Acme").exit_code == 0
    org_id = repository.find_organisation(session, name="Acme").id
    was = level(session, org_id, "P000004", "evaluation")
    assess(session, org_id, "P000004", evaluation=(was + 1) % 6)
    result = planner(migrated_url, "import", str(path), "--org", "Acme")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "kept 1 level recorded after the file was exported (--overwrite applies the file's levels instead):",
        f"  P000004 Person 4: evaluation L{(was + 1) % 6}, the file says L{was}"]
