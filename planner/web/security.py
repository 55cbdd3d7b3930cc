"""Security headers and CSRF protection for every response and form."""

from __future__ import annotations

from flask import Flask, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

__all__ = ["CSP", "DOCS_CSP", "csrf", "init_app", "talisman"]


class _Talisman(Talisman):
    """Talisman, writing each policy header once instead of on every response.

    Talisman turns a policy into its header text per response, a measurable share
    of a cached page. Without nonces (we use none: no inline script at all) the
    text depends on the policy alone, so it is kept per policy.
    """

    def __init__(self) -> None:
        super().__init__()
        self._policy_texts: dict[object, str] = {}

    def _parse_policy(self, policy):
        if getattr(request, "csp_nonce", None):  # a nonce is per request: nothing to keep
            return super()._parse_policy(policy)
        key = policy if isinstance(policy, str) else tuple((k, str(v)) for k, v in policy.items())
        text = self._policy_texts.get(key)
        if text is None:
            text = self._policy_texts[key] = super()._parse_policy(policy)
        return text


csrf = CSRFProtect()
talisman = _Talisman()

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
