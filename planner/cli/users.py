"""Organisations and sign-in accounts: `planner org create` and `planner users ...`.

The first HR account of a real organisation comes from here: with
`--password-stdin` it reads a password, otherwise it prints a one-time link to set one.
"""

from __future__ import annotations

import os
import sys

import click

from planner.cli.common import fail
from planner.cli.database import db_session, organisation_or_fail

__all__ = ["org", "users"]

ROLE_CHOICE = click.Choice(["hr", "manager", "individual"])
base_url_option = click.option(
    "--base-url", default=lambda: os.environ.get("PLANNER_BASE_URL", "http://127.0.0.1:8000"),
    show_default="PLANNER_BASE_URL or http://127.0.0.1:8000", help="Where people open the planner (for links).")


def _actor():
    from planner.services.transactions import Actor

    return Actor.cli()


def _set_password_url(account, base_url: str) -> str:
    """A one-time link to set the account's password, signed with the web app's secret key."""
    from flask import url_for

    from planner.services.password_links import INVITE, RESET, link_token
    from planner.web import create_app

    app = create_app()
    token = link_token(account, purpose=RESET if account.password_hash else INVITE, secret_key=app.config["SECRET_KEY"])
    with app.test_request_context(base_url=base_url):
        return url_for("auth.set_password", token=token, _external=True)


@click.group()
def org() -> None:
    """Create organisations."""


@org.command("create")
@click.argument("name")
def org_create(name: str) -> None:
    """Create an empty organisation called NAME (load its people with `planner import FILE --org NAME`)."""
    from planner.services.errors import ServiceError
    from planner.services.identity import create_organisation

    with db_session() as session:
        try:
            created = create_organisation(session, name=name, actor=_actor())
        except ServiceError as exc:
            fail(str(exc))
    click.echo(f"created organisation {created.name}")


@click.group()
def users() -> None:
    """Create, list, deactivate sign-in accounts and change their role."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the account may see and do.")
@click.option("--employee", "employee_id", default=None, help="Link to this person of the roster (needed unless HR).")
@click.option("--org", "organisation", default=None, help="Organisation (default: the only one).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@base_url_option
def users_create(email: str, role: str, employee_id: str | None, organisation: str | None, password_stdin: bool,
                 base_url: str) -> None:
    """Create an account for EMAIL; without --password-stdin, print a one-time link to set its password."""
    from planner.services.errors import ServiceError
    from planner.services.identity import add_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with db_session() as session:
        try:
            account = add_user(session, organisation=organisation, email=email, role=role, employee_id=employee_id,
                               password=password, actor=_actor())
        except ServiceError as exc:
            fail(str(exc))
    click.echo(f"created {account.role} account {account.email}")
    if password is None:
        click.echo("It signs in once a password is set with this link (valid for 7 days, once):")
        click.echo(_set_password_url(account, base_url))


@users.command("list")
@click.option("--org", "organisation", default=None, help="Organisation (default: the only one).")
def users_list(organisation: str | None) -> None:
    """List the organisation's accounts: email, role, linked person, status, last sign-in."""
    from planner.services.identity import ROLE_NAMES, account_status, list_users

    with db_session() as session:
        found = organisation_or_fail(session, organisation)
        listings = list_users(session, organisation_id=found.id)
    for user in listings:
        status = account_status(user)
        person = f"{user.person_name} ({user.employee_id})" if user.employee_id else "-"
        last = user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "never"
        click.echo(f"{user.email:<40} {ROLE_NAMES[user.role]:<11} {status:<12} {last:<17} {person}")


@users.command("deactivate")
@click.argument("email")
@click.option("--org", "organisation", default=None, help="Organisation (default: the only one).")
def users_deactivate(email: str, organisation: str | None) -> None:
    """Deactivate EMAIL's account: its sessions end and its API token stops working."""
    from planner.services.errors import ServiceError
    from planner.services.identity import deactivate_user, find_user

    with db_session() as session:
        found = organisation_or_fail(session, organisation)
        try:
            account = find_user(session, organisation_id=found.id, email=email)
            deactivate_user(session, organisation_id=found.id, account_id=account.id, actor=_actor())
        except ServiceError as exc:
            fail(str(exc))
    click.echo(f"deactivated {account.email}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@click.option("--org", "organisation", default=None, help="Organisation (default: the only one).")
def users_set_role(email: str, role: str, organisation: str | None) -> None:
    """Give EMAIL's account the role ROLE (its sessions end; the new role applies at its next sign-in)."""
    from planner.services.errors import ServiceError
    from planner.services.identity import find_user, set_role

    with db_session() as session:
        found = organisation_or_fail(session, organisation)
        try:
            account = find_user(session, organisation_id=found.id, email=email)
            set_role(session, organisation_id=found.id, account_id=account.id, role=role, actor=_actor())
        except ServiceError as exc:
            fail(str(exc))
    click.echo(f"{account.email} is now {role}")
