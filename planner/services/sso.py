"""Single sign-on: who a verified identity from the organisation's OpenID provider is in the planner.

The provider vouches for an email; the roster says who that is. The role comes
from the roster (someone who manages a team is a manager, anyone else an
individual) unless the provider puts the person in the configured HR group. An
email the provider has not verified, or one that is neither on the roster nor an
existing account, is refused, and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from planner.db import repository
from planner.db.repository import Account
from planner.db.tables import PersonRow, TeamManagerRow, utcnow
from planner.services.accounts import create_account
from planner.services.errors import ServiceError
from planner.services.transactions import Actor, writing

__all__ = ["SsoRefused", "sso_sign_in"]


class SsoRefused(ServiceError):
    """The identity is not one the planner lets in; the message says why, for the person."""


def _refuse(session: Session, email: str, reason: str, message: str, remote_addr: str | None) -> SsoRefused:
    with writing(session):
        repository.add_audit(session, actor=email[:320] or "unknown", action="auth.sso_refused",
                             details={"reason": reason, "remote_addr": remote_addr})
    return SsoRefused(message)


def _roster_role(session: Session, person_id: int) -> str:
    manages = session.execute(select(func.count()).select_from(TeamManagerRow)
                              .where(TeamManagerRow.person_id == person_id)).scalar_one()
    return "manager" if manages else "individual"


def sso_sign_in(session: Session, *, claims: Mapping[str, Any], hr_group: str | None, groups_claim: str,
                remote_addr: str | None) -> Account:
    """The account the verified claims sign in to (made on first sign-in), with its role brought up to date."""
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise _refuse(session, "", "no_email", "Your identity provider did not give an email address.", remote_addr)
    if claims.get("email_verified") is not True:
        raise _refuse(session, email, "unverified_email",
                      f"Your identity provider has not verified {email}, so it cannot sign you in here.", remote_addr)
    groups = claims.get(groups_claim) or []
    is_hr = bool(hr_group) and isinstance(groups, list) and hr_group in groups
    account = repository.find_account(session, email=email)
    person = session.execute(select(PersonRow.id, PersonRow.employee_id, PersonRow.organisation_id).where(
        func.lower(PersonRow.email) == email, repository.active_people())).first()
    if account is not None and not account.active:  # deactivated, or the person has left
        raise _refuse(session, email, "deactivated", f"The account for {email} is deactivated: ask HR.", remote_addr)
    if account is None and person is None:
        raise _refuse(session, email, "unknown_email",
                      f"{email} is not on this organisation's roster, so it has no access to the planner. "
                      "Ask HR to add you.", remote_addr)
    actor = Actor(f"sso:{email}")
    if account is None:
        account = create_account(session, organisation_id=person.organisation_id, email=email, password=None,
                                 role="hr" if is_hr else _roster_role(session, person.id),
                                 employee_id=person.employee_id, actor=actor)
    role = "hr" if is_hr else (_roster_role(session, person.id) if person is not None else account.role)
    # Only a role the roster changed moves the data version; the sign-in stamp alone is no change.
    with writing(session, changes_data=role != account.role):
        values: dict[str, Any] = {"last_sign_in_at": utcnow()}
        if role != account.role:
            values["role"] = role
            repository.add_audit(session, actor=actor.label, organisation_id=account.organisation_id,
                                 action="account.role", entity="user_account", entity_id=str(account.id),
                                 before={"email": email, "role": account.role}, after={"role": role})
        repository.update_account(session, account_id=account.id, **values)
        repository.add_audit(session, actor=email, actor_user_id=account.id, organisation_id=account.organisation_id,
                             action="auth.login", details={"remote_addr": remote_addr, "via": "sso"})
    return repository.find_account(session, account_id=account.id)
