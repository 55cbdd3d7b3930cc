"""Fixtures for API tests: the web app fixtures, plus clients signed in by token or session, and versions."""

from __future__ import annotations

import re

import pytest

from app.conftest import (  # noqa: F401  (fixtures and demo ids shared with the page tests)
    ACCOUNTS,
    INDIVIDUAL_ID,
    MANAGER_ID,
    OTHER_TEAM_ID,
    TEAMMATE_ID,
    app,
    client,
    database,
    login,
    make_test_app,
    seeded_database,
)
from planner.db import repository
from planner.services.accounts import issue_token
from planner.services.transactions import Actor
from planner.web.database import get_session

ROLES = tuple(ACCOUNTS)
MANAGER_TEAM = "platform"
OTHER_TEAM = "data"


def token_for(app, role: str) -> str:
    """Issue a fresh API token for the demo account of `role`."""
    with app.app_context():
        session = get_session()
        account = repository.find_account(session, email=ACCOUNTS[role])
        return issue_token(session, account_id=account.id, actor=Actor("test"))


@pytest.fixture
def api(app):
    """``api(role)``: a test client whose every request carries that role's bearer token."""

    def client_for(role: str):
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(app, role)}"
        return client

    return client_for


@pytest.fixture
def version_of(app):
    """``version_of(employee_id)``: the person's current lock version, read from the database."""

    def read(employee_id: str) -> int:
        with app.app_context():
            org = repository.find_organisation(get_session())
            return repository.get_person(get_session(), organisation_id=org.id, employee_id=employee_id).version

    return read


def sign_in_session(app, client, role: str) -> str:
    """Sign `client` in as `role` through its session cookie; return the CSRF token for that session.

    Works with CSRF protection on (the sign-in form would want a token first):
    the token comes from the API docs page, as a browser client gets it.
    """
    with app.app_context():
        account = repository.find_account(get_session(), email=ACCOUNTS[role])
    with client.session_transaction() as session:
        session["_user_id"] = f"{account.id}.{account.session_epoch}"  # as SignedIn.get_id() keeps it
        session["_fresh"] = True
    page = client.get("/api/v1/swagger").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_app(database):
    """The app with CSRF protection on, as in production."""
    app = make_test_app(database, WTF_CSRF_ENABLED=True)
    yield app
    app.extensions["planner_engine"].dispose()
