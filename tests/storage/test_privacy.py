"""Personal-data rights: a person downloads what is held about them; HR erases a person, keeping anonymous history."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from planner.db import repository
from planner.db.tables import AssessmentRow, AuditRow
from planner.loaders import seed_dir
from planner.services import privacy, roster
from planner.services.access import Forbidden, scope_for
from planner.services.accounts import account_for_token, authenticate, create_account, issue_token
from planner.services.assessments import record_assessment
from planner.services.errors import StaleWrite
from planner.services.people import organisation_assessment
from planner.services.roster import RosterConflict
from planner.services.seeding import seed_demo
from planner.services.transactions import Actor

from .support import TESTER

UMA = ("E1015", "Uma Patel", "uma.patel@meridian.example")
AISHA = "aisha.voss@meridian.example"


@pytest.fixture
def org_id(session) -> int:
    seed_demo(session, seed_dir=seed_dir(), actor=TESTER)
    return repository.list_organisations(session)[0].id


def scope(session, email: str):
    return scope_for(session, repository.find_account(session, email=email))


def version(session, org_id: int, employee_id: str) -> int:
    return repository.get_person(session, organisation_id=org_id, employee_id=employee_id,
                                 include_archived=True).version


def everything_stored(session) -> str:
    """Every assessment and audit row, as one text to search for personal data."""
    rows = [tuple(r) for r in session.execute(select(AssessmentRow.evidence, AssessmentRow.assessor))]
    rows += [tuple(r) for r in session.execute(select(AuditRow.actor, AuditRow.entity_id, AuditRow.before,
                                                      AuditRow.after, AuditRow.details))]
    return json.dumps(rows, default=str, ensure_ascii=False)


def test_a_person_downloads_their_record_history_accounts_and_activity(session, org_id):
    data = privacy.personal_data(session, scope(session, UMA[2]))
    assert data["person"]["employee_id"] == UMA[0] and data["person"]["name"] == UMA[1]
    assert data["person"]["team"] == "Platform Engineering" and data["person"]["manager"] == "Aisha Voss"
    assert data["assessments"] and {a["domain"] for a in data["assessments"]} <= set(data["person"]["levels"])
    assert [a["email"] for a in data["accounts"]] == [UMA[2]]
    assert any(a["action"] == "account.create" for a in data["activity"])
    assert "password" not in json.dumps(data) and "token" not in json.dumps(data)
    json.dumps(data)  # ready to download as JSON


def test_a_download_names_nobody_else_s_record(session, org_id):
    data = privacy.personal_data(session, scope(session, UMA[2]))
    assert "Daria Adeyemi" not in json.dumps(data, ensure_ascii=False)


def test_erasing_removes_every_trace_of_the_name_email_and_id_but_keeps_levels_as_anonymous_history(session, org_id):
    hr = scope(session, "hr@meridian.example")
    record_assessment(session, organisation_id=org_id, employee_id=UMA[0], expected_version=version(
        session, org_id, UMA[0]), levels={"evaluation": 3}, kind="manager", evidence=f"{UMA[1]} ran the evals",
        actor=Actor(AISHA))
    levels = repository.get_person(session, organisation_id=org_id, employee_id=UMA[0]).person.profile
    assessments = len(session.execute(select(AssessmentRow.id)).all())
    token = issue_token(session, account_id=repository.find_account(session, email=UMA[2]).id, actor=TESTER)

    pseudonym = privacy.erase_person(session, hr, UMA[0], expected_version=version(session, org_id, UMA[0]))

    stored = everything_stored(session)
    for personal in UMA:
        assert personal not in stored
    assert repository.get_person(session, organisation_id=org_id, employee_id=UMA[0], include_archived=True) is None
    erased = repository.get_person(session, organisation_id=org_id, employee_id=pseudonym, include_archived=True)
    assert erased.person.profile == levels and erased.person.name == privacy.ERASED_NAME
    assert len(session.execute(select(AssessmentRow.id)).all()) == assessments
    assert authenticate(session, email=UMA[2], password="planner-demo") is None
    assert account_for_token(session, token=token) is None
    assert organisation_assessment(session, organisation_id=org_id).total_headcount == 79


def test_the_erasure_is_audited_without_naming_what_was_erased(session, org_id):
    hr = scope(session, "hr@meridian.example")
    pseudonym = privacy.erase_person(session, hr, UMA[0], expected_version=version(session, org_id, UMA[0]))
    row = session.execute(select(AuditRow).where(AuditRow.action == "person.erase")).scalar_one()
    assert (row.actor, row.entity_id) == ("hr@meridian.example", pseudonym)
    assert not any(text in json.dumps([row.before, row.after, row.details]) for text in UMA)


def test_what_an_erased_manager_recorded_about_others_stays_but_no_longer_names_them(session, org_id):
    hr = scope(session, "hr@meridian.example")
    record_assessment(session, organisation_id=org_id, employee_id="E1014", expected_version=version(
        session, org_id, "E1014"), levels={"security": 4}, kind="manager", evidence="Threat model", actor=Actor(AISHA))
    privacy.erase_person(session, hr, "E1013", expected_version=version(session, org_id, "E1013"))
    history = repository.person_history(session, person_id=repository.get_person(
        session, organisation_id=org_id, employee_id="E1014").id, employee_id="E1014")
    recorded = [e for e in history if e.evidence == "Threat model"]
    assert [(e.level, e.assessor) for e in recorded] == [(4, privacy.ERASED_NAME)]
    assert AISHA not in everything_stored(session)


def test_an_erased_person_cannot_be_restored_edited_or_erased_again(session, org_id):
    hr = scope(session, "hr@meridian.example")
    pseudonym = privacy.erase_person(session, hr, UMA[0], expected_version=version(session, org_id, UMA[0]))
    current = version(session, org_id, pseudonym)
    with pytest.raises(RosterConflict):
        roster.restore_person(session, hr, pseudonym, expected_version=current)
    with pytest.raises(RosterConflict):
        privacy.erase_person(session, hr, pseudonym, expected_version=current)


def test_erasing_against_a_stale_version_erases_nothing(session, org_id):
    hr = scope(session, "hr@meridian.example")
    with pytest.raises(StaleWrite):
        privacy.erase_person(session, hr, UMA[0], expected_version=version(session, org_id, UMA[0]) + 1)
    assert repository.get_person(session, organisation_id=org_id, employee_id=UMA[0]).person.name == UMA[1]


def test_hr_cannot_erase_their_own_record(session, org_id):
    create_account(session, organisation_id=org_id, email="qing@meridian.example", password="long-enough",
                   role="hr", employee_id="E1001", actor=TESTER)
    hr = scope(session, "qing@meridian.example")
    with pytest.raises(RosterConflict):
        privacy.erase_person(session, hr, "E1001", expected_version=version(session, org_id, "E1001"))


def test_hr_downloads_a_leaver_s_data_and_nobody_else_downloads_another_s(session, org_id):
    hr = scope(session, "hr@meridian.example")
    roster.archive_person(session, hr, UMA[0], expected_version=version(session, org_id, UMA[0]))
    data = privacy.personal_data(session, hr, UMA[0])
    assert data["person"]["name"] == UMA[1] and data["person"]["left_on"]
    assert [a["email"] for a in data["accounts"]] == [UMA[2]]
    with pytest.raises(Forbidden):
        privacy.personal_data(session, scope(session, AISHA), "E1014")
