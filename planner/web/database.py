"""One database session per request, closed when the request ends."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from planner.db.engine import make_engine

__all__ = ["get_session", "init_app"]

log = logging.getLogger(__name__)


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["planner_engine"], expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except DBAPIError as exc:
            # The connection died after the answer was made (its closing ROLLBACK met a database that is
            # restarting): drop the connection, and let the answer stand instead of turning it into a 500.
            log.warning("discarding a broken database connection: %s", exc.orig)
            session.invalidate()


def init_app(app: Flask) -> None:
    app.extensions["planner_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
