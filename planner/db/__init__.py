"""Storage: SQLModel tables, the engine, data access (never commits) and Alembic migrations."""
