"""Roster administration: leavers leave every current view but keep their history; edits are locked and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.db import repository
from planner.db.tables import AuditRow
from planner.services import roster
from planner.services.access import Forbidden, Scope, scope_for
from planner.services.accounts import account_for_token, authenticate, create_account, issue_token
from planner.services.errors import StaleWrite
from planner.services.people import organisation_assessment

from .support import SEED_PEOPLE, TESTER, import_bytes, people_csv, row_counts

PASSWORD = "long-enough"
MANAGER, REPORT = "E1013", "E1014"


@pytest.fixture
def org_id(session) -> int:
    import_bytes(session, SEED_PEOPLE.read_bytes())
    return repository.find_organisation(session, name="Acme").id


@pytest.fixture
def hr(session, org_id) -> Scope:
    account = create_account(session, organisation_id=org_id, email="hr@acme.example", password=PASSWORD, role="hr",
                             employee_id=None, actor=TESTER)
    return scope_for(session, account)


def version(session, org_id: int, employee_id: str) -> int:
    return repository.get_person(session, organisation_id=org_id, employee_id=employee_id,
                                 include_archived=True).version


def ids(people) -> set[str]:
    return {p.employee_id for p in people}


def test_a_leaver_leaves_the_stage_the_lists_and_the_team_managers_and_comes_back_on_restore(session, org_id, hr):
    before = organisation_assessment(session, organisation_id=org_id)
    roster.archive_person(session, hr, MANAGER, expected_version=version(session, org_id, MANAGER))

    after = organisation_assessment(session, organisation_id=org_id)
    assert after.total_headcount == before.total_headcount - 1
    assert MANAGER not in ids(repository.load_people(session, organisation_id=org_id))
    assert repository.get_person(session, organisation_id=org_id, employee_id=MANAGER) is None
    platform = next(t for t in repository.load_teams(session, organisation_id=org_id) if t.slug == "platform")
    assert MANAGER not in platform.manager_ids
    report = repository.get_person(session, organisation_id=org_id, employee_id=REPORT).person
    assert report.manager_id is None, "a manager who has left is nobody's manager"
    assert [r.employee_id for r in roster.roster(session, hr, archived=True)] == [MANAGER]
    assert MANAGER not in {r.employee_id for r in roster.roster(session, hr)}

    roster.restore_person(session, hr, MANAGER, expected_version=version(session, org_id, MANAGER))
    restored = organisation_assessment(session, organisation_id=org_id)
    assert restored.total_headcount == before.total_headcount and restored.stage == before.stage
    assert repository.get_person(session, organisation_id=org_id, employee_id=REPORT).person.manager_id == MANAGER


def test_a_leaver_keeps_their_history_and_levels(session, org_id, hr):
    stored = repository.get_person(session, organisation_id=org_id, employee_id=REPORT)
    history = repository.person_history(session, person_id=stored.id, employee_id=REPORT)
    roster.archive_person(session, hr, REPORT, expected_version=stored.version)
    kept = repository.get_person(session, organisation_id=org_id, employee_id=REPORT, include_archived=True)
    assert kept.person.profile == stored.person.profile
    assert repository.person_history(session, person_id=stored.id, employee_id=REPORT) == history
    assert roster.roster_person(session, hr, REPORT).archived_at is not None


def test_a_leaver_cannot_sign_in_with_a_password_a_token_or_an_open_session(session, org_id, hr):
    account = create_account(session, organisation_id=org_id, email="daria@acme.example", password=PASSWORD,
                             role="individual", employee_id=REPORT, actor=TESTER)
    token = issue_token(session, account_id=account.id, actor=TESTER)
    roster.archive_person(session, hr, REPORT, expected_version=version(session, org_id, REPORT))
    assert authenticate(session, email="daria@acme.example", password=PASSWORD) is None
    assert account_for_token(session, token=token) is None
    assert not repository.find_account(session, account_id=account.id).active

    roster.restore_person(session, hr, REPORT, expected_version=version(session, org_id, REPORT))
    assert authenticate(session, email="daria@acme.example", password=PASSWORD).id == account.id


def test_archiving_against_a_stale_version_changes_nothing(session, engine, org_id, hr):
    read = version(session, org_id, REPORT)
    roster.update_person(session, hr, REPORT, expected_version=read, changes={"name": "Daria A."})
    before = row_counts(engine)
    with pytest.raises(StaleWrite):
        roster.archive_person(session, hr, REPORT, expected_version=read)
    assert row_counts(engine) == before
    assert repository.get_person(session, organisation_id=org_id, employee_id=REPORT) is not None


def test_archiving_and_restoring_are_audited_with_who_and_whom(session, org_id, hr):
    roster.archive_person(session, hr, REPORT, expected_version=version(session, org_id, REPORT))
    roster.restore_person(session, hr, REPORT, expected_version=version(session, org_id, REPORT))
    rows = session.execute(select(AuditRow.actor, AuditRow.action, AuditRow.entity_id)
                           .where(AuditRow.action.like("person.%")).order_by(AuditRow.id)).all()
    assert [tuple(r) for r in rows] == [("hr@acme.example", "person.archive", REPORT),
                                        ("hr@acme.example", "person.restore", REPORT)]


def test_only_hr_administers_the_roster(session, org_id):
    account = create_account(session, organisation_id=org_id, email="aisha@acme.example", password=PASSWORD,
                             role="manager", employee_id=MANAGER, actor=TESTER)
    manager = scope_for(session, account)
    with pytest.raises(Forbidden):
        roster.archive_person(session, manager, REPORT, expected_version=version(session, org_id, REPORT))
    with pytest.raises(Forbidden):
        roster.roster(session, manager)


def test_importing_a_file_that_names_a_leaver_updates_them_instead_of_failing(session, org_id, hr):
    roster.archive_person(session, hr, REPORT, expected_version=version(session, org_id, REPORT))
    result = import_bytes(session, people_csv([{"employee_id": REPORT, "name": "Daria Adeyemi",
                                                "track": "software_engineer", "team": "platform", "prompting": 5}]))
    assert (result.created, result.updated) == (0, 1)
