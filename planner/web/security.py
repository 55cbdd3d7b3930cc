"""Security headers and CSRF protection for every response and form; the proxy in front, if any.

Behind ``PLANNER_TRUSTED_PROXIES`` proxies, werkzeug's `ProxyFix` takes the client
address, scheme and host from their ``X-Forwarded-*`` headers (and only theirs).
Flask's ``TRUSTED_HOSTS`` (``PLANNER_TRUSTED_HOSTS``) answers 400 to any other Host,
so the redirect to HTTPS can only ever name one of them.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

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


def _no_store(response: Response) -> Response:
    """Pages, answers and downloads are personal data (and may show a new API token): no cache keeps them."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_oversized_bodies() -> None:
    """A body over MAX_CONTENT_LENGTH is 413 on every route, whether or not the route would read it."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized_bodies)
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.after_request(_no_store)
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
