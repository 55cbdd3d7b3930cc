"""Shared pytest fixtures."""

from __future__ import annotations

import itertools
import os
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from planner.db.engine import make_engine
from planner.db.migrate import upgrade
from planner.domain.model import Person, Profile
from planner.loaders import PROJECT_ROOT, load_rubric, read_toml

# ---------------------------------------------------------------------------
# Domain fixtures: the shipped rubric and people built in memory (no app, no database)
# ---------------------------------------------------------------------------

SHIPPED_RUBRIC = PROJECT_ROOT / "rubrics" / "eaism.toml"


@pytest.fixture(scope="session")
def rubric():
    """The shipped EAISM rubric, loaded once (it is immutable)."""
    return load_rubric(SHIPPED_RUBRIC)


@pytest.fixture(scope="session")
def shipped_rubric_path():
    return SHIPPED_RUBRIC


@pytest.fixture
def rubric_data():
    """The shipped rubric's parsed TOML, freshly read, for a test to mutate."""
    return read_toml(SHIPPED_RUBRIC)


@pytest.fixture
def make_person():
    """Factory: ``make_person(track="software_engineer", employee_id=None, **levels)``.

    Domains not given are not assessed; ids run E001, E002, ... unless given.
    """
    counter = itertools.count(1)

    def make(track: str = "software_engineer", employee_id: str | None = None, **levels: int | None) -> Person:
        n = next(counter)
        return Person(employee_id or f"E{n:03d}", f"Person {n}", track, Profile.from_mapping(levels))

    return make


@pytest.fixture
def make_org(rubric, make_person):
    """Factory: ``make_org({level: how_many}, track="software_engineer")``.

    Each person has the track's typical profile for their level (level 0: all zero).
    """

    def make(counts: dict[int, int], track: str = "software_engineer") -> list[Person]:
        spec = rubric.track(track)
        return [
            make_person(track, **{**Profile.zero().as_dict(), **spec.expected(level)})
            for level, n in counts.items()
            for _ in range(n)
        ]

    return make


# ---------------------------------------------------------------------------
# Database fixtures: a fresh database per test, on SQLite and on PostgreSQL
#
# Every test that asks for `database_url` (or `migrated_url`, `engine`, `session`)
# runs twice: on an SQLite file in its tmp_path, and on a PostgreSQL schema of its
# own when PLANNER_TEST_POSTGRES_URL names a server (skipped otherwise; failed
# instead when PLANNER_TEST_REQUIRE_POSTGRES=1, as in CI). A test that only makes
# sense on SQLite narrows the backend with
# ``@pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)``.
# ---------------------------------------------------------------------------

POSTGRES_URL_ENV = "PLANNER_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "PLANNER_TEST_REQUIRE_POSTGRES"


def _postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        reason = f"PostgreSQL tests need {POSTGRES_URL_ENV}=postgresql://user@host:port/database"
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def make_database_url(request, tmp_path):
    """Factory: each call returns the URL of another empty database on the test's backend.

    On PostgreSQL each one is a new schema, selected through the connection's
    search_path and dropped (with everything in it) when the test ends.
    """
    if request.param == "sqlite":
        numbers = itertools.count(1)
        yield lambda: f"sqlite:///{tmp_path / f'planner-{next(numbers)}.sqlite'}"
        return
    server = make_engine(_postgres_server_url())
    schemas: list[str] = []

    def make() -> str:
        schema = f"test_{uuid.uuid4().hex[:16]}"
        with server.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        url = make_url(server.url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield make
    with server.begin() as connection:
        # Fail rather than hang if a test leaked a connection that still holds locks.
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        for schema in schemas:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    server.dispose()


@pytest.fixture
def database_url(make_database_url):
    """An empty database (not migrated): one SQLite file, or one PostgreSQL schema."""
    return make_database_url()


@pytest.fixture
def migrated_url(database_url):
    """`database_url` with every Alembic migration applied."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def engine(migrated_url):
    """An engine on the migrated database, configured as the app configures it."""
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session on the migrated database; services called with it own their commits."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
