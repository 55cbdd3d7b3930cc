"""Error responses: JSON with a status and message under /api/, a readable page elsewhere."""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from planner.services.access import Forbidden, Hidden
from planner.services.errors import NotFound, StaleWrite
from planner.web.database import get_session
from planner.web.denied import audit_denied

__all__ = ["error_response", "init_app"]

log = logging.getLogger(__name__)

#: A database that cannot be reached or written: SQLAlchemy's error, or a driver's own from a raw connection.
DATABASE_UNAVAILABLE = (OperationalError, sqlite3.OperationalError, psycopg.OperationalError)


#: Page titles for HTTP errors, in place of Werkzeug's ("Not Found", "Request Entity Too Large").
PAGE_TITLES = {400: "Something was wrong with the request", 403: "Not allowed", 404: "Page not found",
               405: "Not allowed here", 413: "Too large to send", 429: "Too many attempts",
               500: "Something went wrong", 503: "Service unavailable"}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, title: str, detail: str, **extra):
    if _is_api():
        return jsonify({"error": {"status": status, "title": title, "detail": detail, **extra}}), status
    return render_template("error.html", status=status, title=title, detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 403:
            audit_denied()
        status = exc.code or 500
        if _is_api():
            response = make_response(error_response(status, exc.name, exc.description or ""))
        else:  # the page explains each status; Werkzeug's stock description adds nothing but jargon
            detail = "" if exc.description == type(exc).description else exc.description or ""
            response = make_response(error_response(status, PAGE_TITLES.get(status, exc.name), detail))
        for header in ("Retry-After", "Allow"):  # what a 429 or 405 tells the client to do next
            if header in (own := exc.get_response().headers):
                response.headers[header] = own[header]
        return response

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no page can link anywhere.
        return Response("This planner does not answer to that host name.\n", 400, mimetype="text/plain")

    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden):
        audit_denied()
        return error_response(403, "Forbidden", str(exc))

    @app.errorhandler(Hidden)
    def hidden(exc: Hidden):
        audit_denied()
        return error_response(404, "Not Found", str(exc))

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return error_response(404, "Not Found", str(exc))

    @app.errorhandler(StaleWrite)
    def stale(exc: StaleWrite):
        return error_response(409, "Conflict", str(exc), current_version=exc.current)

    def database_unavailable(exc: Exception):
        log.error("database error: %s", exc)
        get_session().rollback()
        if "_login_user" not in g:
            # Flask-Login has not loaded the user (that needs the database, which just failed): render the
            # page as to a visitor, or the page's own look-up of the user fails again and answers 500.
            g._login_user = current_app.login_manager.anonymous_user()
        return error_response(503, "Database unavailable",
                              "The database could not be written or reached (it may be read-only, full or "
                              "restarting). Nothing was saved; try again shortly.")

    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
