"""Fixtures for the page tests: the web app fixtures, plus look-ups of what the database holds."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.conftest import (  # noqa: F401  (fixtures and demo ids shared with the API tests)
    ACCOUNTS,
    DEMO_PASSWORD,
    INDIVIDUAL_ID,
    MANAGER_ID,
    OTHER_TEAM_ID,
    TEAMMATE_ID,
    app,
    client,
    client_for,
    copy_database,
    database,
    login,
    make_test_app,
    seeded_database,
    smtp_server,
)
from planner.db import repository
from planner.db.tables import AssessmentRow, AuditRow
from planner.services.accounts import create_account
from planner.services.transactions import Actor
from planner.web.database import get_session

NEW_PASSWORD = "long-enough"


@pytest.fixture
def db(app):
    """Run a function against the test app's database: ``db(lambda session: ...)``."""

    def run(fn):
        with app.app_context():
            return fn(get_session())

    return run


@pytest.fixture
def new_account(client_for, db):
    """``new_account(email, role, employee_id)``: create a sign-in for the demo organisation; a client signed in to it."""

    def create(email: str, role: str, employee_id: str | None):
        def add(session):
            org = repository.list_organisations(session)[0]
            create_account(session, organisation_id=org.id, email=email, password=NEW_PASSWORD, role=role,
                           employee_id=employee_id, actor=Actor("test"))

        db(add)
        return client_for(email, NEW_PASSWORD)

    return create


@pytest.fixture
def person(db):
    """The stored person (version, profile) with an employee id, as the database holds it now."""

    def get(employee_id: str):
        def read(session):
            org = repository.list_organisations(session)[0]
            return repository.get_person(session, organisation_id=org.id, employee_id=employee_id)
        return db(read)

    return get


@pytest.fixture
def assessment_count(db):
    return lambda: db(lambda s: s.execute(select(func.count(AssessmentRow.id))).scalar_one())


@pytest.fixture
def audit(db):
    """Audit rows with an action, oldest first, as (actor, entity_id, details) tuples."""

    def rows(action: str):
        return db(lambda s: [tuple(r) for r in s.execute(
            select(AuditRow.actor, AuditRow.entity_id, AuditRow.details)
            .where(AuditRow.action == action).order_by(AuditRow.id))])

    return rows


def text_of(response) -> str:
    return response.get_data(as_text=True)


def between(html: str, start: str, end: str) -> str:
    """The part of `html` from the first `start` up to the next `end`."""
    part = html[html.index(start):]
    return part[:part.index(end)]


def heatmap_row(html: str, name: str) -> str:
    """The heatmap row (<tr>…</tr>) of the person called `name`."""
    table = html[html.index('id="team-heatmap"'):]
    match = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>" + re.escape(name) + r"</a>.*?</tr>", table, re.S)
    assert match, f"no heatmap row for {name}"
    return match.group(0)


def assessment_form(person, **changes) -> dict:
    """Form data that re-submits `person`'s current levels, with `changes`, at their current version."""
    levels = {d: "" if v is None else str(v) for d, v in person.person.profile.as_dict().items()}
    levels.update({d: str(v) for d, v in changes.items()})
    return {**{d: v for d, v in levels.items() if v != ""}, "version": str(person.version),
            "evidence": "Shipped the evaluation suite: https://example.org/pr/42"}
