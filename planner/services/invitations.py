"""Invitations and password resets: who gets a password link, and the mail that carries it.

HR invites people of the roster (one person, a team, or everyone without an
account): each gets an account with no password yet, its role from the roster (a
person who manages a team is a manager, anyone else an individual), and a link
to choose a password. With a mailer the link goes by mail; without one (or when
sending fails) HR is shown the link to hand over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from planner.db import repository
from planner.db.repository import Account
from planner.db.tables import PersonRow, TeamManagerRow, TeamRow, UserRow
from planner.services.accounts import create_account
from planner.services.errors import NotFound, ServiceError
from planner.services.mail import MailError, Mailer
from planner.services.password_links import INVITE, MAX_AGE, RESET, link_token
from planner.services.transactions import Actor, writing

__all__ = [
    "Invitation",
    "InviteOutcome",
    "Invitee",
    "LinkSender",
    "invite_people",
    "people_without_accounts",
    "request_reset",
    "resend_link",
]

APP_NAME = "AI Skills Planner"


@dataclass(frozen=True, slots=True)
class LinkSender:
    """What sending a password link needs: the key that signs it, how a token becomes a URL, and the mailer (if any)."""

    secret_key: str
    url_for_token: Callable[[str], str]
    mailer: Mailer | None


@dataclass(frozen=True, slots=True)
class Invitation:
    """A password link made for someone: sent by mail, or (`sent` false) to be handed over by HR."""

    name: str
    email: str
    url: str
    sent: bool
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class InviteOutcome:
    invited: tuple[Invitation, ...]
    #: (name, why not) of the people who were not invited.
    skipped: tuple[tuple[str, str], ...]


def _message(purpose: str, name: str, url: str, by: str | None) -> tuple[str, str]:
    days = MAX_AGE[INVITE] // 86400
    if purpose == INVITE:
        who = f"{by} has invited you" if by else "You are invited"
        return (f"You are invited to {APP_NAME}",
                f"Hello {name},\n\n{who} to {APP_NAME}, where you can see your skills, your roadmap and, "
                f"for managers, your team.\n\nChoose your password here within {days} days:\n\n{url}\n\n"
                "The link works once. If you did not expect this, you can ignore this message.\n")
    hours = MAX_AGE[RESET] // 3600
    return (f"Set a new password for {APP_NAME}",
            f"Hello {name},\n\nSomeone asked to set a new password for your {APP_NAME} account.\n\n"
            f"Choose a new password here within {hours} hours:\n\n{url}\n\n"
            "The link works once. If you did not ask for this, ignore this message: your password stays as it is.\n")


def _send_link(account: Account, name: str, sender: LinkSender, by: str | None) -> Invitation:
    purpose = RESET if account.password_hash else INVITE
    url = sender.url_for_token(link_token(account, purpose=purpose, secret_key=sender.secret_key))
    if sender.mailer is None:
        return Invitation(name, account.email, url, sent=False)
    subject, body = _message(purpose, name, url, by)
    try:
        sender.mailer.send(to=account.email, subject=subject, body=body)
    except MailError as exc:
        return Invitation(name, account.email, url, sent=False, problem=str(exc))
    return Invitation(name, account.email, url, sent=True)


def _audit_link(session: Session, account: Account, invitation: Invitation, action: str, actor: Actor) -> None:
    with writing(session):
        repository.add_audit(session, actor=actor.label, actor_user_id=actor.user_id,
                             organisation_id=account.organisation_id, action=action, entity="user_account",
                             entity_id=str(account.id), details={"mailed": invitation.sent})


def invite_people(session: Session, *, organisation_id: int, sender: LinkSender, actor: Actor,
                  employee_ids: Sequence[str] = (), team: str | None = None, everyone: bool = False) -> InviteOutcome:
    """Invite the chosen people of the roster who have no account yet (or a pending invitation: sent again)."""
    query = (select(PersonRow.id, PersonRow.employee_id, PersonRow.name, PersonRow.email, UserRow.id)
             .outerjoin(UserRow, UserRow.person_id == PersonRow.id)
             .where(PersonRow.organisation_id == organisation_id, repository.active_people())
             .order_by(PersonRow.name))
    if team is not None:
        team_id = repository.team_ids(session, organisation_id=organisation_id).get(team)
        if team_id is None:
            raise NotFound("There is no such team.")
        query = query.where(PersonRow.team_id == team_id)
    elif not everyone:
        if not employee_ids:
            raise ServiceError("Choose someone to invite.")
        query = query.where(PersonRow.employee_id.in_(list(employee_ids)))
    rows = session.execute(query).all()
    if not everyone and team is None and len(rows) < len(set(employee_ids)):
        raise NotFound("Someone chosen is not on the roster.")
    managers = set(session.execute(select(TeamManagerRow.person_id).join(TeamRow, TeamRow.id == TeamManagerRow.team_id)
                                   .where(TeamRow.organisation_id == organisation_id)).scalars())
    invited, skipped = [], []
    for person_id, employee_id, name, email, account_id in rows:
        account = repository.find_account(session, account_id=account_id) if account_id else None
        if account is not None and (account.password_hash or not account.active):
            if not everyone:
                skipped.append((name, "already has an account"))
            continue
        if account is None:
            if not email:
                skipped.append((name, "has no email address on the roster"))
                continue
            if repository.find_account(session, email=email) is not None:
                skipped.append((name, f"{email} is already used by another account"))
                continue
            account = create_account(session, organisation_id=organisation_id, email=email, password=None,
                                     role="manager" if person_id in managers else "individual",
                                     employee_id=employee_id, actor=actor)
        invitation = _send_link(account, name, sender, actor.label)
        _audit_link(session, account, invitation, "account.invite", actor)
        invited.append(invitation)
    return InviteOutcome(tuple(invited), tuple(skipped))


def _person_name(session: Session, account: Account) -> str:
    if account.employee_id is None:
        return account.email
    return session.execute(select(PersonRow.name).join(UserRow, UserRow.person_id == PersonRow.id)
                           .where(UserRow.id == account.id)).scalar_one()


def resend_link(session: Session, *, organisation_id: int, account_id: int, sender: LinkSender,
                actor: Actor) -> Invitation:
    """Send an account a new password link: an invitation if it has no password yet, else a reset."""
    account = repository.find_account(session, account_id=account_id)
    if account is None or account.organisation_id != organisation_id:
        raise NotFound("There is no such account in this organisation.")
    if not account.active:
        raise ServiceError(f"{account.email} is deactivated: it cannot be sent a password link.")
    invitation = _send_link(account, _person_name(session, account), sender, actor.label)
    _audit_link(session, account, invitation, "account.invite" if not account.password_hash else "account.reset_link",
                actor)
    return invitation


def request_reset(session: Session, *, email: str, sender: LinkSender, remote_addr: str | None) -> None:
    """Mail a reset link to the account with this email, if there is an active one (saying nothing either way)."""
    account = repository.find_account(session, email=email)
    exists_and_active = account is not None and account.active
    if exists_and_active and sender.mailer is not None:
        invitation = _send_link(account, _person_name(session, account), sender, None)
        _audit_link(session, account, invitation, "account.reset_requested", Actor(account.email, account.id))
        return
    with writing(session):
        repository.add_audit(session, actor=email.strip().lower()[:320], action="account.reset_requested",
                             details={"remote_addr": remote_addr, "sent": False})



@dataclass(frozen=True, slots=True)
class Invitee:
    """A person of the roster without an account yet: someone HR may invite."""

    employee_id: str
    name: str
    team: str
    email: str


def people_without_accounts(session: Session, *, organisation_id: int) -> list[Invitee]:
    query = (select(PersonRow.employee_id, PersonRow.name, TeamRow.name, PersonRow.email)
             .outerjoin(TeamRow, TeamRow.id == PersonRow.team_id)
             .outerjoin(UserRow, UserRow.person_id == PersonRow.id)
             .where(PersonRow.organisation_id == organisation_id, UserRow.id.is_(None), repository.active_people())
             .order_by(PersonRow.name))
    return [Invitee(employee_id, name, team or "", email) for employee_id, name, team, email in session.execute(query)]
