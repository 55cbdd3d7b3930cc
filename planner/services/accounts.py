"""Sign-in accounts: creation, password checks and API tokens.

Passwords are hashed with werkzeug's scrypt; API tokens are random, shown once,
and stored only as a SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import update
from sqlmodel import Session
from werkzeug.security import check_password_hash, generate_password_hash

from planner.db import repository
from planner.db.repository import Account
from planner.db.tables import ROLES, UserRow
from planner.services.errors import NotFound, ServiceError
from planner.services.transactions import Actor, writing

__all__ = ["authenticate", "create_account", "issue_token", "account_for_token"]

# Checked against when the email is unknown, so both paths cost one scrypt.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(session: Session, *, organisation_id: int, email: str, password: str, role: str,
                   employee_id: str | None, actor: Actor) -> Account:
    """Create an account linked to a person of the organisation (HR may have none)."""
    if role not in ROLES:
        raise ServiceError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ServiceError("a password needs at least 8 characters")
    with writing(session):
        person_id = None
        if employee_id is not None:
            stored = repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
            if stored is None:
                raise NotFound(f"no person {employee_id!r} in this organisation")
            person_id = stored.id
        elif role != "hr":
            raise ServiceError("manager and individual accounts must be linked to a person")
        row = UserRow(organisation_id=organisation_id, email=email.strip().lower(), role=role, person_id=person_id,
                      password_hash=generate_password_hash(password, method="scrypt"))
        session.add(row)
        session.flush()
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="account.create", entity="user_account", entity_id=str(row.id),
                             after={"email": row.email, "role": role, "employee_id": employee_id})
    return repository.find_account(session, account_id=row.id)


def authenticate(session: Session, *, email: str, password: str) -> Account | None:
    """The active account with this email and password, or None (in constant-ish time)."""
    account = repository.find_account(session, email=email)
    if account is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password) or not account.active:
        return None
    return account


def issue_token(session: Session, *, account_id: int, actor: Actor) -> str:
    """Create a new API token for the account (replacing any old one) and return it once."""
    token = secrets.token_urlsafe(32)
    with writing(session):
        session.execute(update(UserRow).where(UserRow.id == account_id)
                        .values(token_hash=_token_digest(token), version=UserRow.version + 1))
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, action="account.token",
                             entity="user_account", entity_id=str(account_id))
    return token


def account_for_token(session: Session, *, token: str) -> Account | None:
    account = repository.find_account(session, token_hash=_token_digest(token))
    return account if account and account.active else None
