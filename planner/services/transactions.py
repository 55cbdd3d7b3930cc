"""Transactions owned by services, and who is acting."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlmodel import Session

from planner.db import repository
from planner.db.engine import WRITE_INTENT

__all__ = ["Actor", "writing"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something: an account (web/API) or a shell user (CLI), for the audit log."""

    label: str
    user_id: int | None = None

    @classmethod
    def cli(cls) -> Actor:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(f"cli:{user}")


@contextmanager
def writing(session: Session, *, commit: bool = True, changes_data: bool = True) -> Iterator[Session]:
    """Run a block as one write transaction: commit if it finishes, roll back if it raises.

    Any read transaction already open on the session is closed first, so the write
    starts fresh (on SQLite it takes the write lock up front: see planner.db.engine).
    ``commit=False`` runs everything and then rolls back: a dry run.
    The commit moves the data version on, which empties the caches
    (planner.services.cache), unless ``changes_data=False``: a transaction that only
    records a read in the audit log (a sign-in, an export, a denied request).
    """
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_INTENT: True})
    try:
        yield session
        if commit and changes_data:
            # Last, just before the commit: on PostgreSQL its row lock is held only for the commit.
            repository.bump_data_version(session)
    except BaseException:
        session.rollback()
        raise
    if commit:
        session.commit()
    else:
        session.rollback()
