"""Alembic migrations: they apply, revert and re-apply, and build exactly the tables the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from planner.db import migrate
from planner.db.engine import make_engine

from .support import planner

APP_TABLES = set(SQLModel.metadata.tables)


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def migrate_with_api(url: str, revision: str) -> None:
    if revision == "base":
        migrate.downgrade(url, revision)
    else:
        migrate.upgrade(url, revision)


def migrate_with_cli(url: str, revision: str) -> None:
    result = planner(url, "db", "downgrade" if revision == "base" else "upgrade", revision)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"database at revision {revision}\n"


@pytest.mark.parametrize("migrate_to", [migrate_with_api, migrate_with_cli], ids=["api", "cli"])
def test_upgrade_then_downgrade_to_base_then_upgrade_again_rebuilds_every_table(database_url, migrate_to):
    head = migrate.head_revision()
    migrate_to(database_url, head)
    assert tables(database_url) == APP_TABLES
    migrate_to(database_url, "base")
    assert tables(database_url) == set()
    assert migrate.current_revision(database_url) is None
    migrate_to(database_url, head)
    assert tables(database_url) == APP_TABLES
    assert migrate.current_revision(database_url) == head


def test_migrated_schema_matches_the_models_exactly(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
