"""Organisations and their users: what `planner org|users` and HR's user administration do.

Every change is audited. Changing an account's role and deactivating it end its
sessions at once; deactivation also revokes its API token. An organisation always
keeps at least one active HR account, so nobody can lock HR out by mistake.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlmodel import Session

from planner.db import repository
from planner.db.repository import Account, AccountListing, Organisation
from planner.db.tables import ROLES, UserRow
from planner.services.accounts import create_account
from planner.services.errors import NotFound, ServiceError
from planner.services.people import resolve_organisation
from planner.services.transactions import Actor, writing

__all__ = [
    "ROLE_NAMES",
    "account_status",
    "add_user",
    "create_organisation",
    "deactivate_user",
    "find_user",
    "list_users",
    "set_role",
    "user_detail",
]

ROLE_NAMES = {"hr": "HR", "manager": "Manager", "individual": "Individual"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def create_organisation(session: Session, *, name: str, actor: Actor) -> Organisation:
    """A new, empty organisation (its people come from `planner import`)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ServiceError("An organisation's name must have 1 to 200 characters.")
    with writing(session):
        if repository.find_organisation(session, name=name) is not None:
            raise ServiceError(f"There is already an organisation named {name!r}.")
        org = repository.add_organisation(session, name=name)
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=org.id,
                             action="organisation.create", entity="organisation", entity_id=str(org.id),
                             after={"name": name})
    return org


def add_user(session: Session, *, organisation: str | None, email: str, role: str, employee_id: str | None,
             password: str | None, actor: Actor) -> Account:
    """Create an account in the organisation called `organisation` (or the only one)."""
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise ServiceError(f"{email!r} is not an email address.")
    org = resolve_organisation(session, name=organisation)
    return create_account(session, organisation_id=org.id, email=email, password=password, role=role,
                          employee_id=employee_id, actor=actor)


def account_status(user: AccountListing) -> str:
    """"deactivated", "invited" (no password set yet) or "active"."""
    if not user.active:
        return "deactivated"
    return "active" if user.has_password else "invited"


def list_users(session: Session, *, organisation_id: int) -> list[AccountListing]:
    return repository.account_listings(session, organisation_id=organisation_id)


def user_detail(session: Session, *, organisation_id: int, account_id: int) -> AccountListing:
    found = [u for u in list_users(session, organisation_id=organisation_id) if u.id == account_id]
    if not found:
        raise NotFound("There is no such account in this organisation.")
    return found[0]


def find_user(session: Session, *, organisation_id: int | None, email: str) -> Account:
    """The account with this email (in the organisation, when one is given)."""
    account = repository.find_account(session, email=email)
    if account is None or (organisation_id is not None and account.organisation_id != organisation_id):
        raise NotFound(f"There is no account for {email.strip().lower()}.")
    return account


def _user(session: Session, organisation_id: int, account_id: int) -> Account:
    account = repository.find_account(session, account_id=account_id)
    if account is None or account.organisation_id != organisation_id:
        raise NotFound("There is no such account in this organisation.")
    return account


def _other_active_hr(session: Session, account: Account) -> int:
    return session.execute(select(func.count(UserRow.id)).where(
        UserRow.organisation_id == account.organisation_id, UserRow.role == "hr", UserRow.active.is_(True),
        UserRow.id != account.id)).scalar_one()


def deactivate_user(session: Session, *, organisation_id: int, account_id: int, actor: Actor) -> Account:
    """Deactivate an account: its sessions end and its API token stops working at once."""
    with writing(session):
        account = _user(session, organisation_id, account_id)
        if not account.active:
            return account
        if account.role == "hr" and not _other_active_hr(session, account):
            raise ServiceError(f"{account.email} is the only active HR account: make someone else HR first.")
        repository.update_account(session, account_id=account.id, end_sessions=True, active=False, token_hash=None)
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="account.deactivate", entity="user_account", entity_id=str(account.id),
                             before={"email": account.email, "active": True}, after={"active": False})
    return repository.find_account(session, account_id=account.id)


def set_role(session: Session, *, organisation_id: int, account_id: int, role: str, actor: Actor) -> Account:
    """Change an account's role; its sessions end, so the new role applies from its next sign-in."""
    if role not in ROLES:
        raise ServiceError(f"The role must be one of {', '.join(ROLES)}.")
    with writing(session):
        account = _user(session, organisation_id, account_id)
        if account.role == role:
            return account
        if account.role == "hr" and account.active and not _other_active_hr(session, account):
            raise ServiceError(f"{account.email} is the only active HR account: make someone else HR first.")
        if role != "hr" and account.employee_id is None:
            raise ServiceError(f"{account.email} is not linked to a person, so it can only be an HR account.")
        repository.update_account(session, account_id=account.id, end_sessions=True, role=role)
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="account.role", entity="user_account", entity_id=str(account.id),
                             before={"email": account.email, "role": account.role}, after={"role": role})
    return repository.find_account(session, account_id=account.id)
