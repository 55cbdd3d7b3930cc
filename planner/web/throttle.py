"""Sign-in throttling: attempts per client address and per account, counted with `limits`.

Only the sign-in form is throttled, so this is checked in that one view rather
than by a hook on every request (Flask-Limiter's hook cost every page ~0.1 ms).
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

__all__ = ["LoginThrottle", "init_app", "login_allowed"]


class LoginThrottle:
    def __init__(self, rate: str, storage_uri: str) -> None:
        self.limit = parse(rate)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def allow(self, *keys: str) -> bool:
        """Count one attempt against every key; allowed only if no key is over its limit."""
        return all([self.limiter.hit(self.limit, "login", key) for key in keys])

    def retry_after(self, *keys: str) -> int:
        """Seconds until the most throttled key may try again."""
        resets = [self.limiter.get_window_stats(self.limit, "login", key).reset_time for key in keys]
        return max(1, int(max(resets) - time.time()))


def init_app(app: Flask) -> None:
    app.extensions["planner_login_throttle"] = LoginThrottle(app.config["LOGIN_RATE_LIMIT"],
                                                             app.config["RATELIMIT_STORAGE_URI"])


def login_allowed(*keys: str) -> tuple[bool, int]:
    """(allowed, seconds to wait) for a sign-in attempt by these keys (address, account)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True, 0
    throttle: LoginThrottle = current_app.extensions["planner_login_throttle"]
    if throttle.allow(*keys):
        return True, 0
    return False, throttle.retry_after(*keys)
