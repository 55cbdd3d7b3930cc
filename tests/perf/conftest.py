"""Fixtures for the cache tests: the web app fixtures, signed-in clients, and a people re-import."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest

from api.conftest import api, token_for, version_of  # noqa: F401  (fixtures shared with the API tests)
from app.conftest import (  # noqa: F401  (fixtures and demo ids shared with the page and API tests)
    ACCOUNTS,
    DEMO_PASSWORD,
    MANAGER_ID,
    OTHER_TEAM_ID,
    TEAMMATE_ID,
    app,
    client,
    client_for,
    database,
    login,
    make_test_app,
    seeded_database,
)
from planner.loaders import seed_dir
from planner.services.cache import clear_caches
from planner.services.imports import import_people
from planner.services.transactions import Actor
from planner.web.database import get_session

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_caches():
    """Every test starts (and ends) with empty caches, whatever ran before it in this process."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def csrf_app(database):
    """The app with CSRF protection on, as in production."""
    app = make_test_app(database, WTF_CSRF_ENABLED=True)
    yield app
    app.extensions["planner_engine"].dispose()


def csrf_token(html: str) -> str:
    return CSRF_FIELD.search(html).group(1)


def sign_in_with_csrf(app, role: str):
    """A client signed in through the real form: fetch the page for its CSRF token, then post."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": ACCOUNTS[role], "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


@pytest.fixture
def reimport(app) -> Callable[[Callable[[dict], dict]], None]:
    """``reimport(change)``: import the demo people file with `change` applied to each row, as `planner import` does."""

    def run(change: Callable[[dict], dict]) -> None:
        with open(seed_dir() / "people.csv", newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = [change(dict(row)) for row in reader]
            columns = reader.fieldnames
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        with app.app_context():
            import_people(get_session(), source="people.csv", raw=out.getvalue().encode(), organisation=None,
                          actor=Actor("test-import"))

    return run
