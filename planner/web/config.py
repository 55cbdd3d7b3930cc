"""Configuration: defaults, then ``PLANNER_*`` environment variables, then the test config.

Production (``PLANNER_ENV=production``) refuses to start without a SECRET_KEY
from the environment; development keeps a generated one in the instance folder
so sessions survive restarts and every gunicorn worker shares it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from planner.db.engine import database_url

__all__ = ["load_config"]

DEFAULTS: dict[str, Any] = {
    "PLANNER_ENV": "development",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # Sign-in throttling (planner/web/throttle.py): each server process counts on its own with
    # memory://; PLANNER_RATELIMIT_STORAGE_URL=redis://host:6379 shares the counts across servers.
    "RATELIMIT_STORAGE_URI": "memory://",
    #: Attempts per (account, address) pair; per address; failures per account before it backs off
    #: for browsers that never signed in to it.
    "LOGIN_RATE_LIMIT": "10 per minute",
    "LOGIN_ADDRESS_RATE_LIMIT": "60 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "30 per 15 minutes",
    # Denied requests written to the audit log per caller (planner/web/denied.py); the rest are not.
    "DENIED_AUDIT_RATE_LIMIT": "10 per minute",
    "FORCE_HTTPS": False,
    #: How many proxies in front of the planner set X-Forwarded-For/-Proto/-Host (PLANNER_TRUSTED_PROXIES).
    "TRUSTED_PROXIES": 0,
    # Outgoing mail for invitations and password resets (planner/services/mail.py); none: HR hands links over.
    "SMTP_URL": None,
    "MAIL_FROM": "AI Skills Planner <planner@localhost>",
    # Single sign-on with OpenID Connect (planner/web/sso.py): off without an issuer.
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_SCOPE": "openid email groups",
    "OIDC_HR_GROUP": None,
    "OIDC_GROUPS_CLAIM": "groups",
    # With single sign-on on, PLANNER_PASSWORD_SIGN_IN=0 switches password sign-in off.
    "PASSWORD_SIGN_IN": True,
}

#: Settings read from the environment when set: variable -> (config key, conversion).
ENVIRONMENT = {
    "PLANNER_TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "PLANNER_TRUSTED_HOSTS": ("TRUSTED_HOSTS", lambda text: [h.strip() for h in text.split(",") if h.strip()]),
    "PLANNER_RATELIMIT_STORAGE_URL": ("RATELIMIT_STORAGE_URI", str),
    **{f"PLANNER_{key}": (key, str) for key in ("SMTP_URL", "MAIL_FROM", "OIDC_ISSUER", "OIDC_CLIENT_ID",
                                                 "OIDC_CLIENT_SECRET", "OIDC_SCOPE", "OIDC_HR_GROUP",
                                                 "OIDC_GROUPS_CLAIM")},
    "PLANNER_PASSWORD_SIGN_IN": ("PASSWORD_SIGN_IN", lambda text: text != "0"),
}


def _secret_key(app: Flask) -> str:
    key = os.environ.get("PLANNER_SECRET_KEY") or os.environ.get("SECRET_KEY")
    if key:
        return key
    if app.config["PLANNER_ENV"] == "production":
        raise RuntimeError("PLANNER_SECRET_KEY must be set in production: refusing to start without a secret key")
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write a private temp file, then link it into place: the link fails if another
        # worker got there first, and nobody ever reads a half-written key.
        temp = path.with_name(f".secret_key.{os.getpid()}")
        temp.write_text(secrets.token_hex(32))
        temp.chmod(0o600)
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_text().strip()


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config["PLANNER_ENV"] = os.environ.get("PLANNER_ENV", DEFAULTS["PLANNER_ENV"])
    for variable, (key, convert) in ENVIRONMENT.items():
        if os.environ.get(variable):
            app.config[key] = convert(os.environ[variable])
    if test_config:
        app.config.from_mapping(test_config)
    production = app.config["PLANNER_ENV"] == "production"
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    # Flask already sets SESSION_COOKIE_SECURE (False), so setdefault would never apply: the cookies are
    # Secure in production unless the caller's own configuration says otherwise.
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if key not in (test_config or {}):
            app.config[key] = production
    if production:
        app.config["FORCE_HTTPS"] = os.environ.get("PLANNER_FORCE_HTTPS", "1") != "0"
        if app.config["FORCE_HTTPS"] and not app.config.get("TRUSTED_HOSTS"):
            # The redirect to HTTPS names a host; taken from the request's Host header, a forged header
            # would send people to another site (Host: evil.example -> https://evil.example/login).
            raise RuntimeError("PLANNER_TRUSTED_HOSTS must list the host names the planner answers to "
                               "(e.g. planner.example.com) when it redirects to HTTPS")
