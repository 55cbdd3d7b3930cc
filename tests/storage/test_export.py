"""Exports round-trip through a fresh database, and CSV exports are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session

from planner.db import repository
from planner.db.engine import session_at
from planner.db.migrate import upgrade
from planner.services.people import export_people

from .support import SEED_PEOPLE, TESTER, import_bytes, people_csv

#: Values a spreadsheet would run as formulas, and a leading quote that is just data.
TRICKY = [
    {"employee_id": "@X1", "name": '=HYPERLINK("http://evil.example")', "email": "+x1@acme.example",
     "team": "-ops", "track": "business", "manager_id": "E1001", "prompting": 2},
    {"employee_id": "X2", "name": "-Minus Person", "email": "@x2@acme.example", "team": "-ops",
     "track": "data_professional", "manager_id": "@X1"},
    {"employee_id": "X3", "name": "'Tis O'Neil", "team": "=team", "track": "business", "manager_id": "X2"},
]


def fresh_database(make_database_url) -> str:
    """Another new, migrated database of the test's backend."""
    url = make_database_url()
    upgrade(url)
    return url


def organisation(session: Session) -> tuple:
    org_id = repository.find_organisation(session).id
    return (repository.load_people(session, organisation_id=org_id),
            repository.load_teams(session, organisation_id=org_id))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_a_fresh_database_gives_an_identical_organisation(session, make_database_url, fmt):
    """Identical down to the teams' display names, which exports carry in a team_name column."""
    seed = list(csv.DictReader(io.StringIO(SEED_PEOPLE.read_text())))
    import_bytes(session, people_csv([*seed, *TRICKY]),
                 team_names={"platform": "Platform Engineering", "strategy": "Strategy Office", "-ops": "=Ops"})
    exported = export_people(session, organisation_id=repository.find_organisation(session).id, fmt=fmt, actor=TESTER)
    with session_at(fresh_database(make_database_url)) as copy:
        import_bytes(copy, exported.encode(), source=f"export.{fmt}")
        assert organisation(copy) == organisation(session)
    people = organisation(session)[0]
    assert [p.name for p in people if p.employee_id in ("@X1", "X2", "X3")] == [r["name"] for r in TRICKY]


@pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("start", [*"=+-@\t\r"])
def test_csv_export_puts_a_quote_before_a_cell_a_spreadsheet_would_run(session, start):
    org = repository.add_organisation(session, name="Acme")
    repository.insert_people(session, organisation_id=org.id, rows=[
        {"employee_id": "E1", "name": f"{start}cmd|' /C calc'!A0", "email": f"{start}e1@acme.example",
         "track": "business"}])
    session.commit()
    exported = export_people(session, organisation_id=org.id, fmt="csv", actor=TESTER)
    [row] = csv.DictReader(io.StringIO(exported, newline=""))
    assert (row["name"], row["email"]) == (f"'{start}cmd|' /C calc'!A0", f"'{start}e1@acme.example")
