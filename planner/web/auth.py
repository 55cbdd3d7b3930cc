"""Sign-in: sessions for people, bearer tokens for programs, throttled and CSRF-protected."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as browser_session
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from planner.db import repository
from planner.db.repository import Account
from planner.services import accounts
from planner.services.access import Forbidden, Scope, scope_for
from planner.services.accounts import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    account_for_token,
    account_view,
    end_sessions,
    has_token,
    issue_token,
    sign_in,
)
from planner.services.errors import ServiceError
from planner.services.invitations import LinkSender, request_reset
from planner.services.mail import mailer_from_url
from planner.services.password_links import LinkError, read_link, redeem_link
from planner.services.cache import VersionedCache, data_version
from planner.web import throttle
from planner.web.database import get_session
from planner.web.errors import error_response
from planner.web.throttle import SignInAttempt, is_known_browser, login_throttle, mark_known_browser

__all__ = ["SignedIn", "begin_session", "bp", "current_scope", "home_url", "init_app", "link_sender", "safe_next"]

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

#: Where each role lands after signing in (endpoints of the workspace blueprints).
HOME_BY_ROLE = {"hr": "org.stage", "manager": "team.overview", "individual": "me.roadmap"}


class SignedIn(UserMixin):
    """The signed-in account and its access scope; `by_token` when a bearer token, not a session, signed it in."""

    def __init__(self, account: Account, scope: Scope, *, by_token: bool = False) -> None:
        self.account = account
        self.scope = scope
        self.by_token = by_token

    def get_id(self) -> str:
        # The session keeps "<account id>.<session epoch>": a session from an earlier epoch is over
        # (Flask-Login's "alternative token"), so ending sessions is one update of the account.
        return f"{self.account.id}.{self.account.session_epoch}"


def current_scope() -> Scope:
    """The scope of the signed-in user (callers are behind login_required)."""
    return current_user.scope


def _signed_in(account: Account | None, *, by_token: bool = False) -> SignedIn | None:
    if account is None or not account.active:
        return None
    return SignedIn(account, scope_for(get_session(), account), by_token=by_token)


#: Signed-in accounts and their scopes at the current data version (see planner.services.cache):
#: while nothing changes, loading the user costs the version look-up, not the account and scope queries.
_signed_in_cache = VersionedCache(maxsize=1024)


@login_manager.user_loader
def _load_user(user_id: str) -> SignedIn | None:
    account_id, _, epoch = user_id.partition(".")
    if not (account_id.isdigit() and epoch.isdigit()):
        return None
    session = get_session()
    user = _signed_in_cache.lookup(data_version(session), ("session", int(account_id)),
                                   lambda: _signed_in(repository.find_account(session, account_id=int(account_id))))
    return user if user is not None and user.account.session_epoch == int(epoch) else None


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
                                   lambda: _signed_in(account_for_token(session, token=token), by_token=True))


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
    """Issuing an API token; replacing one that exists needs `replace` ticked."""

    replace = BooleanField("Replace my current token: programs that use it stop working")


def _new_password_fields(label: str):
    return (PasswordField(label, validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)]),
            PasswordField("Repeat the new password",
                          validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")]))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new_password, repeat_password = _new_password_fields("New password")


class SetPasswordForm(FlaskForm):
    new_password, repeat_password = _new_password_fields("Password")


def begin_session(account: Account) -> SignedIn:
    """Sign `account` in on this browser: a fresh session (no fixation) with a new CSRF secret."""
    browser_session.clear()
    user = _signed_in(account)
    login_user(user)
    return user


def password_sign_in() -> bool:
    """Whether people may sign in with a password (it may be switched off when single sign-on is on)."""
    config = current_app.config
    return not config["OIDC_ISSUER"] or config["PASSWORD_SIGN_IN"]


def _password_only() -> None:
    if not password_sign_in():
        raise Forbidden("Passwords are switched off here: sign in with your organisation's single sign-on.")


def _admit(what: str) -> SignInAttempt | None:
    """Count a posted attempt (see planner/web/throttle.py: neither one address nor many can guess on, and nobody
    can lock the owner out); None when throttling is off."""
    throttle = login_throttle()
    if throttle is None:
        return None
    attempt = SignInAttempt((request.form.get("email") or "").strip().lower()[:320], request.remote_addr or "")
    wait = throttle.admit(attempt, known_browser=is_known_browser(request, attempt.account))
    if wait:
        raise TooManyRequests(f"{what}: try again in {wait} seconds.", retry_after=wait)
    return attempt


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_url(current_user))
    attempt = None
    if request.method == "POST":
        _password_only()
        attempt = _admit("Too many sign-in attempts")
    form = LoginForm(next=request.args.get("next", ""))
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        account = sign_in(get_session(), email=form.email.data, password=form.password.data,
                          remote_addr=request.remote_addr)
        if account is not None:
            user = begin_session(account)
            response = redirect(safe_next(form.next.data) or home_url(user))
            if attempt is not None:
                mark_known_browser(response, attempt.account)
            return response
        if attempt is not None:
            login_throttle().failed(attempt)
        flash("That email and password do not match an account.", "error")
        status = 401
    return render_template("auth/login.html", form=form, sso=bool(current_app.config["OIDC_ISSUER"]),
                           passwords=password_sign_in()), status


@bp.post("/logout")
@login_required
def logout():
    if not SignOutForm().validate_on_submit():
        abort(400)
    if not current_user.by_token:
        end_sessions(get_session(), account_id=current_user.account.id, actor=current_scope().actor, reason="logout")
    logout_user()
    browser_session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _account_page(status: int = 200, **context):
    """The account page; never cached, since it may show a new API token."""
    context.setdefault("form", TokenForm())
    context.setdefault("password_form", PasswordChangeForm())
    response = make_response(render_template("auth/account.html", account_view=account_view(
        get_session(), account_id=current_user.account.id), **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _session_only() -> None:
    """Changing the account itself needs a signed-in browser: a bearer token may not replace itself."""
    if current_user.by_token:
        raise Forbidden("An API token cannot change its account: sign in with a browser to do this.")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The signed-in account, and a one-time view of a new API token."""
    if request.method == "GET":
        return _account_page()
    _session_only()
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    if has_token(get_session(), account_id=current_user.account.id) and not form.replace.data:
        form.replace.errors = ["Tick the box to replace your current token."]
        return _account_page(422, form=form)
    token = issue_token(get_session(), account_id=current_user.account.id, actor=current_scope().actor)
    return _account_page(form=TokenForm(formdata=None), token=token)


@bp.post("/account/password")
@login_required
def change_password():
    """Change the password (the current one is needed); every other session of the account ends."""
    _session_only()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(get_session(), account_id=current_user.account.id,
                                     current=form.current_password.data, new=form.new_password.data,
                                     actor=current_scope().actor)
        except ServiceError as exc:
            form.current_password.errors = [str(exc)]
        else:
            begin_session(repository.find_account(get_session(), account_id=current_user.account.id))
            flash("Your password is changed. Any other place you were signed in has been signed out.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(422, password_form=form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Set a password from an invitation or reset link, then sign in."""
    secret = current_app.config["SECRET_KEY"]
    try:
        link = read_link(get_session(), token=token, secret_key=secret)
    except LinkError as exc:
        return render_template("auth/link_invalid.html", detail=str(exc)), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            account = redeem_link(get_session(), token=token, secret_key=secret, password=form.new_password.data)
        except LinkError as exc:
            return render_template("auth/link_invalid.html", detail=str(exc)), 410
        user = begin_session(account)
        flash("Your password is set, and you are signed in.", "success")
        return redirect(home_url(user))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/set_password.html", form=form, link=link), status


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])


def link_sender() -> LinkSender:
    """How this app sends password links: signed with its key, to its own page, by its mailer (if configured)."""
    config = current_app.config
    return LinkSender(secret_key=config["SECRET_KEY"],
                      url_for_token=lambda token: url_for("auth.set_password", token=token, _external=True),
                      mailer=mailer_from_url(config["SMTP_URL"], sender=config["MAIL_FROM"]))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by mail; the answer is the same whether or not the email has an account."""
    _password_only()
    form = ForgotPasswordForm()
    if request.method == "POST":
        _admit("Too many attempts")
    if form.validate_on_submit():
        sender = link_sender()
        request_reset(get_session(), email=form.email.data, sender=sender, remote_addr=request.remote_addr)
        if sender.mailer is None:
            flash("This planner cannot send mail: ask HR for a link to set a new password.", "info")
        else:
            flash("If that email has an account, a link to set a new password is on its way. "
                  "It works once, within two hours.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if request.method == "POST" else 200


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
