"""How an import writes: validated and staged without the write lock, applied in one transaction, planned again
when someone edits a person under it, and followed by fresh statistics on PostgreSQL."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from planner.db import repository
from planner.domain.model import DOMAINS
from planner.services.assessments import record_assessment

from .support import TESTER, import_bytes, people_csv, row_counts, synthetic_people

PEOPLE = synthetic_people(40)


@pytest.fixture
def org_id(session):
    import_bytes(session, people_csv(PEOPLE))
    return repository.find_organisation(session, name="Acme").id


def with_prompting(employee_id: str, level: int) -> list[dict]:
    return [{**p, "prompting": level} if p["employee_id"] == employee_id else p for p in PEOPLE]


def stored(session, org_id: int, employee_id: str):
    return repository.get_person(session, organisation_id=org_id, employee_id=employee_id)


@pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)
def test_another_user_writes_without_waiting_while_an_import_is_validated_and_staged(session, engine, migrated_url,
                                                                                      org_id):
    database = make_url(migrated_url).database
    written = []

    def write_beside(_count: int) -> None:
        # timeout=0: if the import held the write lock now, this would fail at once with "database is locked".
        with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE person SET email = 'moved@acme.example' WHERE employee_id = 'P000039'")
            other.execute("COMMIT")
        written.append(True)

    bigger = synthetic_people(400)
    result = import_bytes(session, people_csv(bigger), progress=write_beside)
    assert written and result.created == len(bigger) - len(PEOPLE)
    assert stored(session, org_id, "P000399") is not None
    assert stored(session, org_id, "P000039").person.email == "moved@acme.example"


def test_a_person_edited_while_the_import_is_staged_is_planned_again_from_the_edit(session, engine, org_id):
    before = stored(session, org_id, "P000003")
    level = (before.person.profile.get("prompting") + 1) % 6
    edited = []

    def edit_meanwhile(_count: int) -> None:
        if edited:
            return
        with Session(engine, expire_on_commit=False) as other:
            record_assessment(other, organisation_id=org_id, employee_id="P000003", expected_version=before.version,
                              levels={"prompting": level}, kind="manager", evidence="review", actor=TESTER)
        edited.append(True)

    result = import_bytes(session, people_csv(with_prompting("P000003", level)), progress=edit_meanwhile)
    # Planned again after the edit: the level the file sets is already there, so nothing is added twice.
    assert edited and (result.updated, result.unchanged, result.assessments) == (0, len(PEOPLE), 0)
    after = stored(session, org_id, "P000003")
    assert (after.version, after.person.profile.get("prompting")) == (before.version + 1, level)
    history = repository.person_history(session, person_id=after.id, employee_id="P000003")
    assert [(e.kind, e.level) for e in history if e.domain == "prompting"][-1] == ("manager", level)
    assert [e.kind for e in history].count("import") == len(DOMAINS)  # the first import's, and no more


def test_an_import_that_fails_while_it_is_applied_writes_nothing(session, engine, org_id, monkeypatch):
    from planner.db import staging

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(staging, "apply_levels", broken)
    before = row_counts(engine)
    with pytest.raises(RuntimeError):
        import_bytes(session, people_csv([*with_prompting("P000001", 5), *synthetic_people(60)[40:]]))
    assert row_counts(engine) == before


@pytest.mark.parametrize("make_database_url", ["postgresql"], indirect=True)
def test_a_postgresql_import_leaves_fresh_statistics_on_the_tables_it_filled(session, engine, org_id):
    with engine.connect() as connection:
        estimates = dict(connection.execute(text(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('person', 'assessment') "
            "AND relnamespace = current_schema()::regnamespace")).all())
    counts = row_counts(engine)
    assert estimates == {"person": counts["person"], "assessment": counts["assessment"]}
