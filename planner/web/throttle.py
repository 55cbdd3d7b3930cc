"""Sign-in throttling that slows guessing down without letting a guesser lock the owner out.

Three counts, kept with `limits` in memory or in a shared store (``PLANNER_RATELIMIT_STORAGE_URL``,
e.g. ``redis://…`` for several servers):

* every attempt per (account, client address) pair: one address guessing one password;
* every attempt per client address: one address guessing across many accounts;
* failed attempts per account, from anywhere: a guesser spread over many addresses. Past
  that limit the account backs off, but only for browsers it has never signed in from: a
  browser that signed in to the account before carries a signed *known browser* cookie and
  is never held back by the account's count, so failures made by someone else cannot keep
  the owner out. No CAPTCHA is involved.

The client address is ``remote_addr``, which `ProxyFix` (``PLANNER_TRUSTED_PROXIES``) takes
from ``X-Forwarded-For`` when the planner runs behind a proxy; otherwise every user would
share the proxy's address.

Only the sign-in form is throttled, so this is checked in that one view rather
than by a hook on every request (Flask-Limiter's hook cost every page ~0.1 ms).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

__all__ = ["KNOWN_BROWSER_COOKIE", "LoginThrottle", "SignInAttempt", "init_app", "is_known_browser", "login_throttle",
           "mark_known_browser"]

#: The cookie that marks a browser which signed in to an account before.
KNOWN_BROWSER_COOKIE = "planner_known_browser"
_KNOWN_BROWSER_DAYS = 90


@dataclass(frozen=True, slots=True)
class SignInAttempt:
    """Who is trying to sign in: the account as typed, and the client address."""

    account: str
    address: str

    @property
    def pair(self) -> str:
        return f"{self.account}|{self.address}"


class LoginThrottle:
    def __init__(self, *, pair_rate: str, address_rate: str, account_rate: str, storage_uri: str,
                 storage_options: dict | None = None) -> None:
        self.pair_limit, self.address_limit, self.account_limit = parse(pair_rate), parse(address_rate), parse(account_rate)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **(storage_options or {})))

    def _counts(self, attempt: SignInAttempt) -> list[tuple[RateLimitItem, str, str]]:
        return [(self.pair_limit, "login-pair", attempt.pair), (self.address_limit, "login-address", attempt.address)]

    def admit(self, attempt: SignInAttempt, *, known_browser: bool) -> int:
        """Count the attempt; 0 if it may go ahead, else the seconds to wait before trying again."""
        counts = self._counts(attempt)
        over = [(limit, kind, key) for limit, kind, key in counts if not self.limiter.hit(limit, kind, key)]
        if not known_browser and not self.limiter.test(self.account_limit, "login-failed", attempt.account):
            over.append((self.account_limit, "login-failed", attempt.account))
        if not over:
            return 0
        resets = [self.limiter.get_window_stats(limit, kind, key).reset_time for limit, kind, key in over]
        return max(1, int(max(resets) - time.time()))

    def failed(self, attempt: SignInAttempt) -> None:
        """Count a wrong password against the account, wherever it came from."""
        self.limiter.hit(self.account_limit, "login-failed", attempt.account)


def init_app(app: Flask) -> None:
    app.extensions["planner_login_throttle"] = LoginThrottle(
        pair_rate=app.config["LOGIN_RATE_LIMIT"], address_rate=app.config["LOGIN_ADDRESS_RATE_LIMIT"],
        account_rate=app.config["LOGIN_ACCOUNT_RATE_LIMIT"], storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        storage_options=app.config.get("RATELIMIT_STORAGE_OPTIONS"))


def login_throttle() -> LoginThrottle | None:
    """The app's throttle, or None when throttling is switched off (most tests)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return current_app.extensions["planner_login_throttle"]


def _browser_marks() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-browser")


def is_known_browser(request: Request, account: str) -> bool:
    """Whether this browser signed in to `account` (as typed, lower case) in the last 90 days."""
    mark = request.cookies.get(KNOWN_BROWSER_COOKIE)
    if not mark:
        return False
    try:
        return _browser_marks().loads(mark, max_age=_KNOWN_BROWSER_DAYS * 86400) == account
    except BadSignature:
        return False


def mark_known_browser(response: Response, account: str) -> None:
    """Remember on this browser that it signed in to `account`."""
    response.set_cookie(KNOWN_BROWSER_COOKIE, _browser_marks().dumps(account), max_age=_KNOWN_BROWSER_DAYS * 86400,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
