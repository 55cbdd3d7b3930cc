"""Data access returns domain objects and leaves every commit to the services."""

from __future__ import annotations

from planner.db import repository
from planner.domain.assessments import AssessmentEntry
from planner.domain.model import Profile, Team
from planner.loaders import parse_people_bytes

from .support import SEED_PEOPLE, import_bytes, row_counts

RAW = SEED_PEOPLE.read_bytes()


def test_reads_return_the_same_domain_people_and_teams_that_were_imported(session):
    import_bytes(session, RAW)
    org = repository.find_organisation(session, name="Acme")
    people = repository.load_people(session, organisation_id=org.id)
    assert people == parse_people_bytes("people.csv", RAW, json_format=False)
    teams = repository.load_teams(session, organisation_id=org.id)
    assert {t.slug for t in teams} == {p.team for p in people}
    assert all(isinstance(t, Team) and t.manager_ids for t in teams)
    stored = repository.get_person(session, organisation_id=org.id, employee_id="E1002")
    history = repository.person_history(session, person_id=stored.id, employee_id="E1002")
    assert all(isinstance(entry, AssessmentEntry) for entry in history)
    assert Profile.from_mapping({e.domain: e.level for e in history}) == stored.person.profile


def test_repository_writes_are_undone_by_a_rollback_because_nothing_there_commits(session, engine):
    org = repository.add_organisation(session, name="Acme")
    teams = repository.ensure_teams(session, organisation_id=org.id, names={"core": "Core"})
    ids = repository.insert_people(session, organisation_id=org.id, rows=[
        {"employee_id": "E1", "name": "Ada", "track": "business", "team_id": teams["core"]},
        {"employee_id": "E2", "name": "Bo", "track": "business", "team_id": teams["core"]},
    ])
    repository.update_people(session, changes=[{"id": ids["E2"], "manager_id": ids["E1"], "prompting": 2}])
    repository.rebuild_team_managers(session, organisation_id=org.id)
    repository.add_assessments(session, rows=[{"person_id": ids["E2"], "domain": "prompting", "level": 2,
                                               "kind": "manager"}])
    repository.add_audit(session, actor="tester", action="test.write", organisation_id=org.id)
    session.flush()
    assert repository.count_assessments(session, organisation_id=org.id) == 1
    session.rollback()
    assert set(row_counts(engine).values()) == {0}
