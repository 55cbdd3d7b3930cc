"""Security headers and CSRF protection for every response and form."""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

__all__ = ["CSP", "DOCS_CSP", "csrf", "init_app", "talisman"]

csrf = CSRFProtect()
talisman = Talisman()

#: No inline script anywhere; styles only from our own files.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
#: The vendored Swagger UI sets inline styles as it renders; scripts stay 'self' only.
DOCS_CSP = {**CSP, "style-src": "'self' 'unsafe-inline'"}


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="same-origin",
    )
