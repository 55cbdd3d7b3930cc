"""Sign-in: sessions for people, bearer tokens for programs, throttled and CSRF-protected."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length

from planner.db import repository
from planner.db.repository import Account
from planner.services.access import Scope, scope_for
from planner.services.accounts import account_for_token, authenticate, issue_token
from planner.services.cache import VersionedCache, data_version
from planner.services.transactions import writing
from planner.web import throttle
from planner.web.database import get_session
from planner.web.errors import error_response
from planner.web.throttle import SignInAttempt, is_known_browser, login_throttle, mark_known_browser

__all__ = ["SignedIn", "bp", "current_scope", "init_app", "safe_next"]

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

#: Where each role lands after signing in (endpoints of the workspace blueprints).
HOME_BY_ROLE = {"hr": "org.stage", "manager": "team.overview", "individual": "me.roadmap"}


class SignedIn(UserMixin):
    """The signed-in account and its access scope."""

    def __init__(self, account: Account, scope: Scope) -> None:
        self.account = account
        self.scope = scope

    def get_id(self) -> str:
        return str(self.account.id)


def current_scope() -> Scope:
    """The scope of the signed-in user (callers are behind login_required)."""
    return current_user.scope


def _signed_in(account: Account | None) -> SignedIn | None:
    if account is None or not account.active:
        return None
    return SignedIn(account, scope_for(get_session(), account))


#: Signed-in accounts and their scopes at the current data version (see planner.services.cache):
#: while nothing changes, loading the user costs the version look-up, not the account and scope queries.
_signed_in_cache = VersionedCache(maxsize=1024)


@login_manager.user_loader
def _load_user(user_id: str) -> SignedIn | None:
    if not user_id.isdigit():
        return None
    session = get_session()
    return _signed_in_cache.lookup(data_version(session), ("session", int(user_id)),
                                   lambda: _signed_in(repository.find_account(session, account_id=int(user_id))))


@login_manager.request_loader
def _load_token_user(req) -> SignedIn | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    session = get_session()
    key = ("token", hashlib.sha256(token.encode()).hexdigest())  # the raw token is not kept in memory
    return _signed_in_cache.lookup(data_version(session), key,
                                   lambda: _signed_in(account_for_token(session, token=token)))


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target


def home_url(user: SignedIn) -> str:
    return url_for(HOME_BY_ROLE[user.account.role])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])
    next = HiddenField()


class SignOutForm(FlaskForm):
    """Carries only the CSRF token: signing out is a POST."""


class TokenForm(FlaskForm):
    """Carries only the CSRF token for issuing an API token."""


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_url(current_user))
    attempt, throttle = None, login_throttle()
    if request.method == "POST" and throttle is not None:
        # See planner/web/throttle.py: neither one address nor many can guess on, and nobody can lock the owner out.
        attempt = SignInAttempt((request.form.get("email") or "").strip().lower()[:320], request.remote_addr or "")
        wait = throttle.admit(attempt, known_browser=is_known_browser(request, attempt.account))
        if wait:
            raise TooManyRequests(f"Too many sign-in attempts: try again in {wait} seconds.",
                                  retry_after=wait)
    form = LoginForm(next=request.args.get("next", ""))
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        session = get_session()
        account = authenticate(session, email=form.email.data, password=form.password.data)
        with writing(session):
            repository.add_audit(session, actor=form.email.data.strip().lower()[:320],
                                 actor_user_id=account.id if account else None,
                                 organisation_id=account.organisation_id if account else None,
                                 action="auth.login" if account else "auth.login_failed",
                                 details={"remote_addr": request.remote_addr})
        if account is not None:
            user = _signed_in(account)
            login_user(user)
            response = redirect(safe_next(form.next.data) or home_url(user))
            if attempt is not None:
                mark_known_browser(response, attempt.account)
            return response
        if attempt is not None:
            throttle.failed(attempt)
        flash("That email and password do not match an account.", "error")
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if not SignOutForm().validate_on_submit():
        abort(400)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The signed-in account, and a one-time view of a new API token."""
    form = TokenForm()
    token = None
    if form.validate_on_submit():
        token = issue_token(get_session(), account_id=current_user.account.id, actor=current_scope().actor)
    return render_template("auth/account.html", form=form, token=token, scope=current_scope())


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return redirect(url_for("auth.login"))


def _unauthorized():
    """API callers get 401 JSON; people get the sign-in page, coming back here afterwards."""
    if request.path.startswith("/api/"):
        response = error_response(401, "Unauthorized", "Sign in, or send 'Authorization: Bearer <token>'.")
        response[0].headers["WWW-Authenticate"] = 'Bearer realm="planner"'
        return response
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    throttle.init_app(app)
    app.register_blueprint(bp)

    @app.context_processor
    def account_context() -> dict:
        user = current_user if current_user.is_authenticated else None
        # formdata=None: the sign-out form only needs its token; reading the request body here would raise
        # again on an error page answering that very body (413 for one too large).
        return {"signed_in": user, "sign_out_form": SignOutForm(formdata=None) if user else None}
