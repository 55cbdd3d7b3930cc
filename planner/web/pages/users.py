"""User administration for HR: accounts, their role and status; invitations from the roster.

Every change goes through `planner.services.identity` or `planner.services.invitations`,
which audit it. Pages that show password links are never cached.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, make_response, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired

from planner.services.errors import ServiceError
from planner.services.identity import ROLE_NAMES, deactivate_user, list_users, set_role, user_detail
from planner.services.invitations import Invitation, invite_people, people_without_accounts, resend_link
from planner.services.workspaces import visible_teams
from planner.web.auth import current_scope, link_sender
from planner.web.database import get_session
from planner.web.pages.common import workspace_blueprint

__all__ = ["bp"]

bp = workspace_blueprint("users", __name__, "hr")


class InviteForm(FlaskForm):
    who = RadioField("Invite", choices=[SelectChoice("person", "One person"), SelectChoice("team", "A team"),
                                        SelectChoice("everyone", "Everyone without an account")],
                     default="person", validators=[DataRequired()])
    person = SelectField("Person", validate_choice=False)
    team = SelectField("Team", validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r, name) for r, name in ROLE_NAMES.items()],
                       validators=[DataRequired()])


class DeactivateForm(FlaskForm):
    confirm = BooleanField("Yes: sign this account out everywhere, stop its API token, and stop it signing in",
                           validators=[DataRequired("Tick the box to confirm.")])


class LinkForm(FlaskForm):
    """Carries only the CSRF token: sends a new password link."""


def _invite_form() -> InviteForm:
    session, scope = get_session(), current_scope()
    form = InviteForm()
    form.person.choices = [SelectChoice(p.employee_id, f"{p.name}, {p.team}" if p.team else p.name)
                           for p in people_without_accounts(session, organisation_id=scope.organisation_id)]
    form.team.choices = [SelectChoice(t.slug, t.name) for t in visible_teams(session, scope)]
    return form


def _links_page(title: str, invitations: tuple[Invitation, ...], skipped=()):
    response = make_response(render_template("users/links.html", title=title, invitations=invitations,
                                             skipped=skipped))
    response.headers["Cache-Control"] = "no-store"  # the page may show password links
    return response


@bp.get("/users")
def overview():
    """Every account with its role, linked person, status and last sign-in; the invitation form."""
    scope = current_scope()
    return render_template("users/overview.html", users=list_users(get_session(), organisation_id=scope.organisation_id),
                           invite_form=_invite_form(), role_names=ROLE_NAMES)


@bp.post("/users/invite")
def invite():
    """Invite one person, a team, or everyone of the roster without an account."""
    form = _invite_form()
    if not form.validate_on_submit():
        return redirect(url_for(".overview"))
    scope = current_scope()
    chosen = {"person": {"employee_ids": [form.person.data] if form.person.data else []},
              "team": {"team": form.team.data or ""}, "everyone": {"everyone": True}}[form.who.data]
    try:
        outcome = invite_people(get_session(), organisation_id=scope.organisation_id, sender=link_sender(),
                                actor=scope.actor, **chosen)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".overview"))
    return _links_page("Invitations", outcome.invited, outcome.skipped)


@bp.get("/users/<int:account_id>")
def detail(account_id: int):
    user = user_detail(get_session(), organisation_id=current_scope().organisation_id, account_id=account_id)
    return render_template("users/detail.html", user=user, role_names=ROLE_NAMES, role_form=RoleForm(role=user.role),
                           deactivate_form=DeactivateForm(), link_form=LinkForm())


def _change(account_id: int, change: Callable[[], str]):
    """Run a change of the account; flash what it did (or why not) and go back to the account."""
    try:
        flash(change(), "success")
    except ServiceError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".detail", account_id=account_id))


@bp.post("/users/<int:account_id>/role")
def change_role(account_id: int):
    form, scope = RoleForm(), current_scope()
    if not form.validate_on_submit():
        flash("Choose a role.", "error")
        return redirect(url_for(".detail", account_id=account_id))

    def change() -> str:
        account = set_role(get_session(), organisation_id=scope.organisation_id, account_id=account_id,
                           role=form.role.data, actor=scope.actor)
        return f"{account.email} is now {ROLE_NAMES[account.role]}, from its next sign-in."

    return _change(account_id, change)


@bp.post("/users/<int:account_id>/deactivate")
def deactivate(account_id: int):
    form, scope = DeactivateForm(), current_scope()
    if not form.validate_on_submit():
        flash("Tick the box to confirm the deactivation.", "error")
        return redirect(url_for(".detail", account_id=account_id))

    def change() -> str:
        account = deactivate_user(get_session(), organisation_id=scope.organisation_id, account_id=account_id,
                                  actor=scope.actor)
        return f"{account.email} is deactivated: its sessions and API token no longer work."

    return _change(account_id, change)


@bp.post("/users/<int:account_id>/link")
def send_link(account_id: int):
    """Send the account a new password link: its invitation again, or a password reset."""
    if not LinkForm().validate_on_submit():
        return redirect(url_for(".detail", account_id=account_id))
    scope = current_scope()
    try:
        invitation = resend_link(get_session(), organisation_id=scope.organisation_id, account_id=account_id,
                                 sender=link_sender(), actor=scope.actor)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".detail", account_id=account_id))
    return _links_page("Password link", (invitation,))
