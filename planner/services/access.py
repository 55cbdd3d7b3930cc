"""Record-level access: the one place that decides who may see or assess whom.

Pages, the API, exports and aggregates all go through `Scope`, so a rule changed
here changes everywhere. Deny by default:

* HR sees the whole organisation;
* a manager sees the teams they manage (and themselves), and assesses those people;
* an individual sees only themselves, and may self-assess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from planner.db import repository
from planner.db.repository import Account
from planner.db.tables import PersonRow, TeamManagerRow, TeamRow
from planner.domain.model import Person
from planner.services.errors import NotFound, ServiceError
from planner.services.transactions import Actor, writing

__all__ = ["Forbidden", "Hidden", "Scope", "record_denied", "scope_for"]


class Forbidden(ServiceError):
    """The caller's role does not allow this at all."""


class Hidden(NotFound):
    """The record exists but is outside the caller's scope; answered exactly like a missing one."""


@dataclass(frozen=True, slots=True)
class Scope:
    account_id: int
    organisation_id: int
    role: str
    email: str
    employee_id: str | None
    managed_teams: frozenset[str]

    @property
    def actor(self) -> Actor:
        return Actor(self.email, self.account_id)

    @property
    def whole_organisation(self) -> bool:
        return self.role == "hr"

    def can_view(self, person: Person) -> bool:
        if self.role == "hr":
            return True
        if person.employee_id == self.employee_id:
            return True
        return self.role == "manager" and person.team in self.managed_teams

    def can_assess(self, person: Person) -> bool:
        """May record a manager assessment of `person` (never of themselves)."""
        return self.role == "manager" and person.team in self.managed_teams and person.employee_id != self.employee_id

    def can_self_assess(self, person: Person) -> bool:
        return person.employee_id == self.employee_id

    def can_view_team(self, slug: str) -> bool:
        return self.role == "hr" or (self.role == "manager" and slug in self.managed_teams)

    def visible(self, people: Iterable[Person]) -> list[Person]:
        return [p for p in people if self.can_view(p)]

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            names = {"hr": "HR", "manager": "manager", "individual": "individual"}
            raise Forbidden(f"This needs the {' or '.join(names[r] for r in roles)} role.")

    def require_view(self, person: Person) -> Person:
        if not self.can_view(person):
            raise Hidden(f"no person {person.employee_id!r}")
        return person


def scope_for(session: Session, account: Account) -> Scope:
    """Build the scope of a signed-in account from its role and the teams it manages."""
    managed: frozenset[str] = frozenset()
    if account.role == "manager" and account.employee_id:
        managed = frozenset(session.execute(
            select(TeamRow.slug)
            .join(TeamManagerRow, TeamManagerRow.team_id == TeamRow.id)
            .join(PersonRow, PersonRow.id == TeamManagerRow.person_id)
            .where(PersonRow.employee_id == account.employee_id,
                   PersonRow.organisation_id == account.organisation_id)
        ).scalars())
    return Scope(account.id, account.organisation_id, account.role, account.email, account.employee_id, managed)


def record_denied(session: Session, *, scope: Scope | None, what: str, remote_addr: str | None = None,
                  not_logged_until: str | None = None) -> None:
    """Write a denied access to the audit log, in its own transaction (which changes no data).

    `not_logged_until` (a UTC time) says that further denials of this caller until then are not written.
    """
    details = {k: v for k, v in (("remote_addr", remote_addr), ("not_logged_until", not_logged_until)) if v}
    with writing(session, changes_data=False):
        repository.add_audit(
            session,
            actor=scope.email if scope else "anonymous",
            actor_user_id=scope.account_id if scope else None,
            organisation_id=scope.organisation_id if scope else None,
            action="access.denied",
            entity="request",
            entity_id=what[:100],
            details=details or None,
        )
