"""Alembic environment: migrates the database named by the config's ``sqlalchemy.url``.

Run through `planner db upgrade` (see planner/db/migrate.py), which builds the
config in code, so no alembic.ini is needed.
"""

from alembic import context
from sqlmodel import SQLModel

import planner.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from planner.db.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection) -> None:
    # Batch mode lets SQLite, which cannot ALTER most things, recreate tables instead.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
