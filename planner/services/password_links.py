"""Password links: signed, expiring, single-use links to set a password (invitations and resets).

A link carries the account id and a stamp of its password hash, signed with the
app's secret key (itsdangerous). Setting the password changes the hash, so a link
works once; the signature's timestamp makes it expire; and any change to the
password (or a new link's use) makes every older link stop working.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from planner.db import repository
from planner.db.repository import Account
from planner.services.accounts import set_password
from planner.services.errors import ServiceError
from planner.services.transactions import Actor

__all__ = ["INVITE", "LinkError", "PasswordLink", "RESET", "link_token", "redeem_link", "read_link"]

INVITE = "invite"
RESET = "reset"
#: How long each kind of link works, in seconds: an invitation for a week, a reset for two hours.
MAX_AGE = {INVITE: 7 * 24 * 3600, RESET: 2 * 3600}
_SALT = "planner.password-link"


class LinkError(ServiceError):
    """The link is not valid: expired, already used, or not one of ours."""


@dataclass(frozen=True, slots=True)
class PasswordLink:
    """A valid link: whose account it opens, and whether it is an invitation or a reset."""

    account: Account
    purpose: str


def _stamp(account: Account) -> str:
    return hashlib.sha256(f"{account.password_hash}:{account.active}".encode()).hexdigest()[:20]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def link_token(account: Account, *, purpose: str, secret_key: str) -> str:
    """The signed token of a password link for `account` (invitations for accounts with no password yet)."""
    return _serializer(secret_key).dumps({"account": account.id, "stamp": _stamp(account), "purpose": purpose})


def read_link(session: Session, *, token: str, secret_key: str) -> PasswordLink:
    """The account a link opens, or LinkError saying why it does not."""
    serializer = _serializer(secret_key)
    try:
        _, data = serializer.loads_unsafe(token)
        if not isinstance(data, dict) or data.get("purpose") not in MAX_AGE:
            raise BadSignature("not a password link")
        data = serializer.loads(token, max_age=MAX_AGE[data["purpose"]])
    except SignatureExpired as exc:
        raise LinkError("This link has expired. Ask HR for a new one, or request a new reset link.") from exc
    except BadSignature as exc:
        raise LinkError("This link is not valid. Check that the whole link was copied.") from exc
    account = repository.find_account(session, account_id=data["account"]) if isinstance(data["account"], int) else None
    if account is None or not account.active or _stamp(account) != data.get("stamp"):
        raise LinkError("This link has already been used, or the account has changed since it was sent.")
    return PasswordLink(account, data["purpose"])


def redeem_link(session: Session, *, token: str, secret_key: str, password: str) -> Account:
    """Set the password a link asks for; the link stops working. Returns the account, ready to sign in."""
    link = read_link(session, token=token, secret_key=secret_key)
    action = "account.invite_accepted" if link.purpose == INVITE else "account.password_reset"
    set_password(session, account_id=link.account.id, password=password,
                 actor=Actor(link.account.email, link.account.id), action=action, signing_in=True)
    return repository.find_account(session, account_id=link.account.id)
