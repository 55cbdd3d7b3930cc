"""Denied requests in the audit log: every one answered alike, at most a few rows a minute per caller.

A forbidden page, or a record the caller may not see (answered 404, exactly like a
record that does not exist), is written to the audit log as ``access.denied``. A
caller probing ids would otherwise write a row per request (a flood), and the
write would make a hidden record answer slower than a missing one. So rows are
counted per caller (account, else address) with `limits`, in the same store as
sign-in throttling (``RATELIMIT_STORAGE_URI``: shared across servers through
Redis): the first ``DENIED_AUDIT_RATE_LIMIT`` denials of a window are written,
the last of them noting that later ones in the window are not; whether a row is
written depends on the caller's count only, never on whether the record exists.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app, request
from flask_login import current_user
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.exc import OperationalError

from planner.services.access import record_denied
from planner.web.database import get_session

__all__ = ["audit_denied", "init_app"]

log = logging.getLogger(__name__)


class DeniedLog:
    """Which denied requests get an audit row: the first `rate` of each window, per caller."""

    def __init__(self, rate: str, storage_uri: str, storage_options: dict | None = None) -> None:
        self.limit = parse(rate)
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_uri, **(storage_options or {})))

    def admit(self, caller: str) -> tuple[bool, int | None]:
        """(write a row?, when the window ends if this is its last row, as a Unix time)."""
        if not self.limiter.hit(self.limit, "denied", caller):
            return False, None
        if self.limiter.test(self.limit, "denied", caller):
            return True, None
        return True, int(self.limiter.get_window_stats(self.limit, "denied", caller).reset_time)


def init_app(app: Flask) -> None:
    app.extensions["planner_denied_log"] = DeniedLog(app.config["DENIED_AUDIT_RATE_LIMIT"],
                                                     app.config["RATELIMIT_STORAGE_URI"],
                                                     app.config.get("RATELIMIT_STORAGE_OPTIONS"))


def audit_denied() -> None:
    """Write the current request's denial to the audit log, unless its caller is over the rate."""
    scope = current_user.scope if current_user.is_authenticated else None
    caller = f"account:{scope.account_id}" if scope else f"address:{request.remote_addr}"
    write, quiet_until = current_app.extensions["planner_denied_log"].admit(caller)
    if not write:
        return
    try:
        record_denied(get_session(), scope=scope, what=f"{request.method} {request.path}",
                      remote_addr=request.remote_addr,
                      not_logged_until=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(quiet_until))
                      if quiet_until else None)
    except OperationalError:
        log.exception("could not write the denied access to the audit log")
