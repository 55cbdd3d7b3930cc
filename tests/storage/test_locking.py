"""Optimistic locking: a write based on a stale version is refused, never silently lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session

from planner.db import repository
from planner.services.assessments import record_assessment
from planner.services.errors import StaleWrite

from .support import TESTER, import_bytes, people_csv, row_counts

ADA = {"employee_id": "E1", "name": "Ada", "track": "business", "prompting": 1}


@pytest.fixture
def org_id(session):
    import_bytes(session, people_csv([ADA]))
    return repository.find_organisation(session, name="Acme").id


def assess(session: Session, org_id: int, version: int, level: int):
    return record_assessment(session, organisation_id=org_id, employee_id="E1", expected_version=version,
                             levels={"prompting": level}, kind="manager", evidence=f"review {level}", actor=TESTER)


def manager_history(session: Session, org_id: int) -> list[tuple[int, str]]:
    stored = repository.get_person(session, organisation_id=org_id, employee_id="E1")
    return [(e.level, e.evidence) for e in repository.person_history(session, person_id=stored.id, employee_id="E1")
            if e.kind == "manager"]


def test_an_assessment_against_a_stale_version_raises_stale_write_and_writes_nothing(session, engine, org_id):
    assert assess(session, org_id, version=1, level=2).version == 2
    before = row_counts(engine)
    with pytest.raises(StaleWrite) as raised:
        assess(session, org_id, version=1, level=4)
    assert (raised.value.expected, raised.value.current) == (1, 2)
    assert row_counts(engine) == before
    assert repository.get_person(session, organisation_id=org_id, employee_id="E1").person.profile.get("prompting") == 2


def test_of_two_sessions_racing_on_one_person_exactly_one_wins_and_only_its_history_is_kept(engine, session, org_id):
    start = threading.Barrier(2)

    def attempt(level: int):
        with Session(engine, expire_on_commit=False) as own:
            version = repository.get_person(own, organisation_id=org_id, employee_id="E1").version
            own.rollback()  # both have read version 1; now write at (nearly) the same moment
            start.wait(timeout=30)
            try:
                return assess(own, org_id, version, level)
            except StaleWrite as exc:
                return exc

    with ThreadPoolExecutor(2) as pool:
        outcomes = dict(zip((3, 4), pool.map(attempt, (3, 4))))
    losers = [level for level, outcome in outcomes.items() if isinstance(outcome, StaleWrite)]
    assert len(losers) == 1, outcomes
    [winner] = set(outcomes) - set(losers)
    assert outcomes[winner].version == 2
    assert outcomes[winner].person.profile.get("prompting") == winner
    session.rollback()  # leave the snapshot this session read before the race
    assert manager_history(session, org_id) == [(winner, f"review {winner}")]
