"""Single sign-on with OpenID Connect (Authlib): `/login/sso` and its callback.

Configured by ``PLANNER_OIDC_ISSUER``, ``PLANNER_OIDC_CLIENT_ID`` and
``PLANNER_OIDC_CLIENT_SECRET``; HR is whoever the provider puts in the group
``PLANNER_OIDC_HR_GROUP`` (claim ``PLANNER_OIDC_GROUPS_CLAIM``, default
"groups"). Authlib checks the state, the nonce and the ID token (signature,
issuer, audience, expiry); the roster decides who the person is
(planner.services.sso). The client is registered on first use, so creating the
app never calls the provider.
"""

from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from joserfc.errors import JoseError
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, url_for

from planner.services.sso import SsoRefused, sso_sign_in
from planner.web.auth import begin_session, home_url
from planner.web.database import get_session

__all__ = ["bp", "init_app"]

bp = Blueprint("sso", __name__)
_CLIENT = "planner_oidc_client"


def _client():
    """The app's OpenID client, registered from its configuration on first use."""
    client = current_app.extensions.get(_CLIENT)
    if client is None:
        config = current_app.config
        oauth = OAuth(current_app)
        client = oauth.register(
            "oidc", client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": config["OIDC_SCOPE"]})
        current_app.extensions[_CLIENT] = client
    return client


def _refused(detail: str):
    return render_template("auth/sso_refused.html", detail=detail), 403


@bp.get("/login/sso")
def start():
    """Send the browser to the identity provider, with a fresh state and nonce."""
    if not current_app.config["OIDC_ISSUER"]:
        abort(404)
    return _client().authorize_redirect(url_for("sso.callback", _external=True))


@bp.get("/login/sso/callback")
def callback():
    """Back from the provider: check everything, then sign in the person the roster says this is."""
    if not current_app.config["OIDC_ISSUER"]:
        abort(404)
    client = _client()
    try:
        token = client.authorize_access_token()
        claims = dict(token["userinfo"])  # the checked ID token's claims
        # Many providers give the email only at the userinfo endpoint; it must be about the same subject.
        more = client.userinfo(token=token)
        if more.get("sub") == claims["sub"]:
            claims.update(more)
    except (AuthlibBaseError, JoseError, KeyError) as exc:  # Authlib checks ID tokens with joserfc
        current_app.logger.warning("single sign-on refused: %s", exc)
        return _refused("The answer from your identity provider could not be trusted (it may be old, meant for "
                        "another application, or already used). Please sign in again.")
    config = current_app.config
    try:
        account = sso_sign_in(get_session(), claims=claims, hr_group=config["OIDC_HR_GROUP"],
                              groups_claim=config["OIDC_GROUPS_CLAIM"], remote_addr=request.remote_addr)
    except SsoRefused as exc:
        return _refused(str(exc))
    return redirect(home_url(begin_session(account)))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
