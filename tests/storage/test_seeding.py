"""`planner seed` (run by every `make demo`) never undoes what users did: it only adds what is missing."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select, update

from planner.db import repository
from planner.db.tables import AssessmentRow, KpiReadingRow, PracticeAnswerRow, UserRow
from planner.loaders import seed_dir
from planner.services import roster
from planner.services.access import scope_for
from planner.services.accounts import authenticate
from planner.services.assessments import record_assessment
from planner.services.seeding import seed_demo
from planner.services.transactions import Actor, writing

from .support import TESTER

ORG = "Meridian Freight"
HR = "hr@meridian.example"


def seed(session, directory=None):
    return seed_demo(session, seed_dir=directory or seed_dir(), actor=TESTER)


def count(session, table) -> int:
    return session.execute(select(func.count()).select_from(table)).scalar_one()


def stored(session, org_id: int, employee_id: str):
    return repository.get_person(session, organisation_id=org_id, employee_id=employee_id, include_archived=True)


@pytest.fixture
def org_id(session) -> int:
    seed(session)
    return repository.find_organisation(session, name=ORG).id


def test_seeding_again_keeps_levels_details_leavers_team_names_and_history(session, org_id):
    hr = scope_for(session, repository.find_account(session, email=HR))
    # What people did in the browser after the first `make demo`:
    record_assessment(session, organisation_id=org_id, employee_id="E1014", expected_version=stored(
        session, org_id, "E1014").version, levels={"evaluation": 5}, kind="manager", evidence="Led the evals",
        actor=Actor("aisha.voss@meridian.example"))
    roster.update_person(session, hr, "E1015", expected_version=stored(session, org_id, "E1015").version,
                         changes={"name": "Uma Patel-Berg", "team": "data"})
    roster.archive_person(session, hr, "E1042", expected_version=stored(session, org_id, "E1042").version)
    data = next(t for t in roster.roster_teams(session, hr) if t.slug == "data")
    roster.rename_team(session, hr, "data", name="Data Science", expected_version=data.version)
    before = {e: stored(session, org_id, e) for e in ("E1014", "E1015", "E1042")}
    counts = {t.__tablename__: count(session, t) for t in (AssessmentRow, PracticeAnswerRow, KpiReadingRow)}

    result = seed(session)

    assert (result.people.created, result.kept, result.history_added) == (0, 80, 0)
    assert {e: stored(session, org_id, e) for e in before} == before
    assert stored(session, org_id, "E1014").person.profile.get("evaluation") == 5
    assert roster.roster_person(session, hr, "E1042").archived_at is not None
    assert {t.slug: t.name for t in roster.roster_teams(session, hr)}["data"] == "Data Science"
    assert {t.__tablename__: count(session, t) for t in (AssessmentRow, PracticeAnswerRow, KpiReadingRow)} == counts


def test_seeding_again_leaves_accounts_and_their_passwords_alone(session, org_id):
    with writing(session):  # stands for a password change
        session.execute(update(UserRow).where(UserRow.email == HR)
                        .values(password_hash=UserRow.password_hash.op("||")("x")))
    seed(session)
    assert authenticate(session, email=HR, password="planner-demo") is None, "the changed password stays changed"


def test_seeding_again_adds_the_people_the_organisation_lacks_with_their_demo_history(session, tmp_path):
    partial = shutil.copytree(seed_dir(), tmp_path / "seed")
    lines = (partial / "people.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (partial / "people.csv").write_text("".join(lines[:-1]), encoding="utf-8")  # without Wanda Ahmed, E1080
    assert seed(session, partial).people.created == 79
    org_id = repository.find_organisation(session, name=ORG).id

    result = seed(session)

    assert (result.people.created, result.kept) == (1, 79)
    wanda = stored(session, org_id, "E1080")
    history = repository.person_history(session, person_id=wanda.id, employee_id="E1080")
    assert wanda.person.name == "Wanda Ahmed" and wanda.person.manager_id == "E1063"
    assert {e.kind for e in history} >= {"manager"} and result.history_added == len(
        [e for e in history if e.kind != "import"])
