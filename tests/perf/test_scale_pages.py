"""At 10,000 people, pages stay small, and a request runs as many SQL statements as at 120 people.

Two organisations are imported once for the module (the import is a bulk insert):
one of 120 people and one of 10,000, in teams of ten, each with an HR account and
a manager account (the lead of the first team). Sizes are measured, never times.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event

from app.conftest import make_test_app
from planner.db import repository
from planner.db.engine import session_at
from planner.db.migrate import upgrade
from planner.services.accounts import create_account
from planner.services.cache import clear_caches
from storage.support import TESTER, import_bytes, people_csv, synthetic_people

PASSWORD = "scale-test-password"
BUDGET_BYTES = 300 * 1024
#: Pages and API routes, with what the manager of team-0 (P000000) may open; HR opens them all.
ROUTES = ["/org", "/hiring", "/hiring/print", "/directory", "/directory?domain=evaluation&min_level=3&team=team-0",
          "/team", "/team/people/P000001", "/me", "/api/v1/people", "/api/v1/people?q=person+1",
          "/api/v1/org/stage", "/api/v1/org/plan", "/api/v1/teams", "/api/v1/teams/team-0",
          "/api/v1/people/P000001", "/api/v1/people/P000001/roadmap", "/rubric"]
MANAGER_ROUTES = ["/directory", "/team", "/team/people/P000001", "/me", "/api/v1/people", "/api/v1/teams",
                  "/api/v1/teams/team-0"]


def build(tmp_path_factory, people: int):
    path = tmp_path_factory.mktemp(f"org-{people}") / "planner.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    with session_at(url) as session:
        import_bytes(session, people_csv(synthetic_people(people)))
        org = repository.find_organisation(session, name="Acme")
        for role, employee_id in (("hr", None), ("manager", "P000000")):
            create_account(session, organisation_id=org.id, email=f"{role}@acme.example", password=PASSWORD,
                           role=role, employee_id=employee_id, actor=TESTER)
    app = make_test_app(path)
    yield app
    app.extensions["planner_engine"].dispose()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    yield from build(tmp_path_factory, 120)


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    yield from build(tmp_path_factory, 10_000)


def client(app, role: str):
    signed_in = app.test_client()
    response = signed_in.post("/login", data={"email": f"{role}@acme.example", "password": PASSWORD})
    assert response.status_code == 302
    return signed_in


def statements(app, role: str, path: str) -> tuple[int, int]:
    """(SQL statements run, bytes sent) for one request with empty caches."""
    reader = client(app, role)
    clear_caches()
    counted = Counter()

    def count(*_args) -> None:
        counted["statements"] += 1

    engine = app.extensions["planner_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = reader.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (path, response.status_code)
    return counted["statements"], len(response.get_data())


@pytest.mark.parametrize(("role", "path"), [("hr", p) for p in ROUTES] + [("manager", p) for p in MANAGER_ROUTES])
def test_a_page_of_a_ten_thousand_person_organisation_stays_under_300_kb_and_its_queries_do_not_grow(
        small, large, role, path):
    few, _ = statements(small, role, path)
    many, size = statements(large, role, path)
    assert size <= BUDGET_BYTES, f"{path} as {role}: {size / 1024:.0f} KB"
    assert many == few, f"{path} as {role}: {few} statements at 120 people, {many} at 10,000"
