"""Sign-in accounts: creation, passwords, sign-in, sessions and API tokens.

Passwords are hashed with werkzeug's scrypt; API tokens are random, shown once,
and stored only as a SHA-256 digest. An account created without a password (an
invitation) cannot sign in until its holder sets one through a password link.

Every session of an account belongs to its *session epoch*: signing out,
changing the password or the role, and deactivation move the account to a new
epoch, which ends all its sessions at once (see planner.web.auth).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session
from werkzeug.security import check_password_hash, generate_password_hash

from planner.db import repository
from planner.db.repository import Account
from planner.db.tables import ROLES, PersonRow, TeamManagerRow, TeamRow, UserRow, utcnow
from planner.services.errors import NotFound, ServiceError
from planner.services.transactions import Actor, writing

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountView",
    "account_for_token",
    "account_view",
    "authenticate",
    "change_password",
    "check_new_password",
    "create_account",
    "end_sessions",
    "has_token",
    "issue_token",
    "set_password",
    "sign_in",
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 500

# Checked against when the email is unknown, so both paths cost one scrypt.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_new_password(password: str) -> None:
    """Refuse a password too short or too long to be set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError(f"A password may have at most {MAX_PASSWORD_LENGTH} characters.")


def create_account(session: Session, *, organisation_id: int, email: str, password: str | None, role: str,
                   employee_id: str | None, actor: Actor) -> Account:
    """Create an account linked to a person of the organisation (HR may have none).

    With no password the account is invited: it signs in once its holder has set
    a password through a password link (planner.services.invitations).
    """
    if role not in ROLES:
        raise ServiceError(f"The role must be one of {', '.join(ROLES)}.")
    if password is not None:
        check_new_password(password)
    email = email.strip().lower()
    with writing(session):
        if repository.find_account(session, email=email) is not None:
            raise ServiceError(f"There is already an account for {email}.")
        person_id = None
        if employee_id is not None:
            stored = repository.get_person(session, organisation_id=organisation_id, employee_id=employee_id)
            if stored is None:
                raise NotFound(f"There is no person {employee_id} in this organisation.")
            person_id = stored.id
        elif role != "hr":
            raise ServiceError("A manager or individual account must be linked to a person of the roster.")
        row = UserRow(organisation_id=organisation_id, email=email, role=role, person_id=person_id,
                      password_hash=_hash(password) if password is not None else "")
        session.add(row)
        session.flush()
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, organisation_id=organisation_id,
                             action="account.create", entity="user_account", entity_id=str(row.id),
                             after={"email": row.email, "role": role, "employee_id": employee_id,
                                    "invited": password is None})
    return repository.find_account(session, account_id=row.id)


def authenticate(session: Session, *, email: str, password: str) -> Account | None:
    """The active account with this email and password, or None (in constant-ish time)."""
    account = repository.find_account(session, email=email)
    if account is None or not account.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password) or not account.active:
        return None
    return account


def sign_in(session: Session, *, email: str, password: str, remote_addr: str | None) -> Account | None:
    """Authenticate, and audit the attempt; a success also records the time of the sign-in."""
    account = authenticate(session, email=email, password=password)
    label = email.strip().lower()[:320]
    # Neither outcome changes data a cached stage, plan or scope rests on: a failure is only
    # audited, and a sign-in stamps the account's last sign-in (shown fresh on the users pages).
    with writing(session, changes_data=False):
        if account is not None:
            repository.update_account(session, account_id=account.id, last_sign_in_at=utcnow())
        repository.add_audit(session, actor=label, actor_user_id=account.id if account else None,
                             organisation_id=account.organisation_id if account else None,
                             action="auth.login" if account else "auth.login_failed",
                             details={"remote_addr": remote_addr})
    return repository.find_account(session, account_id=account.id) if account else None


def end_sessions(session: Session, *, account_id: int, actor: Actor, reason: str) -> None:
    """End every session of the account (signing out ends them on every device)."""
    with writing(session):
        repository.update_account(session, account_id=account_id, end_sessions=True)
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, action=f"auth.{reason}",
                             entity="user_account", entity_id=str(account_id))


def set_password(session: Session, *, account_id: int, password: str, actor: Actor,
                 action: str = "account.password_set", signing_in: bool = False) -> None:
    """Set a new password and end the account's sessions (`signing_in`: its holder signs in with it now)."""
    check_new_password(password)
    values = {"password_hash": _hash(password), **({"last_sign_in_at": utcnow()} if signing_in else {})}
    with writing(session):
        repository.update_account(session, account_id=account_id, end_sessions=True, **values)
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, action=action,
                             entity="user_account", entity_id=str(account_id))


def change_password(session: Session, *, account_id: int, current: str, new: str, actor: Actor) -> None:
    """Change the password of a signed-in account: the current one must be given and right."""
    account = repository.find_account(session, account_id=account_id)
    if account is None or not account.password_hash or not check_password_hash(account.password_hash, current):
        raise ServiceError("The current password is not right.")
    if new == current:
        raise ServiceError("The new password must differ from the current one.")
    set_password(session, account_id=account_id, password=new, actor=actor, action="account.password_change")


def has_token(session: Session, *, account_id: int) -> bool:
    return session.execute(select(UserRow.token_hash).where(UserRow.id == account_id)).scalar_one() is not None


def issue_token(session: Session, *, account_id: int, actor: Actor) -> str:
    """Create a new API token for the account (replacing any old one) and return it once."""
    token = secrets.token_urlsafe(32)
    with writing(session):
        repository.update_account(session, account_id=account_id, token_hash=_token_digest(token))
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id, action="account.token",
                             entity="user_account", entity_id=str(account_id))
    return token


def account_for_token(session: Session, *, token: str) -> Account | None:
    account = repository.find_account(session, token_hash=_token_digest(token))
    return account if account and account.active else None


@dataclass(frozen=True, slots=True)
class AccountView:
    """What the account page shows: the linked person by name, the teams managed by name, and whether a token exists."""

    email: str
    role: str
    person_name: str | None
    managed_teams: tuple[str, ...]
    has_token: bool


def account_view(session: Session, *, account_id: int) -> AccountView:
    email, role, person_id, person_name, token_hash = session.execute(
        select(UserRow.email, UserRow.role, UserRow.person_id, PersonRow.name, UserRow.token_hash)
        .outerjoin(PersonRow, PersonRow.id == UserRow.person_id).where(UserRow.id == account_id)).one()
    teams: tuple[str, ...] = ()
    if person_id is not None and role == "manager":
        teams = tuple(session.execute(
            select(TeamRow.name).join(TeamManagerRow, TeamManagerRow.team_id == TeamRow.id)
            .where(TeamManagerRow.person_id == person_id).order_by(TeamRow.name)).scalars())
    return AccountView(email, role, person_name, teams, token_hash is not None)
