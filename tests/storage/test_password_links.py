"""Password links are signed, expire, and work once; any password change ends the older ones."""

from __future__ import annotations

import pytest
import time

from itsdangerous.timed import TimestampSigner

from planner.db import repository
from planner.services.accounts import create_account, set_password
from planner.services.identity import create_organisation, deactivate_user
from planner.services.password_links import INVITE, RESET, LinkError, link_token, read_link, redeem_link
from planner.services.transactions import Actor

KEY = "link-test-key"
ACTOR = Actor("tester")


def later(monkeypatch, seconds: int) -> None:
    """Read links as if `seconds` had passed since they were signed (the signer's clock, moved on)."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + seconds)


@pytest.fixture
def invited(session):
    org = create_organisation(session, name="Acme", actor=ACTOR)
    create_account(session, organisation_id=org.id, email="boss@acme.example", password="long-enough", role="hr",
                   employee_id=None, actor=ACTOR)
    return create_account(session, organisation_id=org.id, email="new@acme.example", password=None, role="hr",
                          employee_id=None, actor=ACTOR)


def test_an_invitation_link_sets_the_password_once(session, invited):
    token = link_token(invited, purpose=INVITE, secret_key=KEY)
    assert read_link(session, token=token, secret_key=KEY).purpose == INVITE
    account = redeem_link(session, token=token, secret_key=KEY, password="a long passphrase")
    assert account.password_hash and account.session_epoch == invited.session_epoch + 1
    with pytest.raises(LinkError, match="already been used"):
        redeem_link(session, token=token, secret_key=KEY, password="another passphrase")


def test_a_link_signed_with_another_key_or_altered_is_not_valid(session, invited):
    token = link_token(invited, purpose=INVITE, secret_key=KEY)
    for bad in (link_token(invited, purpose=INVITE, secret_key="other-key"), token[:-2] + "xx", "nonsense"):
        with pytest.raises(LinkError, match="not valid"):
            read_link(session, token=bad, secret_key=KEY)


def test_a_reset_link_expires_after_two_hours(session, invited, monkeypatch):
    token = link_token(invited, purpose=RESET, secret_key=KEY)
    later(monkeypatch, 2 * 3600 + 5)
    with pytest.raises(LinkError, match="expired"):
        read_link(session, token=token, secret_key=KEY)


def test_an_invitation_still_works_after_two_hours_but_not_after_a_week(session, invited, monkeypatch):
    token = link_token(invited, purpose=INVITE, secret_key=KEY)
    later(monkeypatch, 3 * 3600)
    assert read_link(session, token=token, secret_key=KEY).account.id == invited.id
    later(monkeypatch, 7 * 86400 + 5)
    with pytest.raises(LinkError, match="expired"):
        read_link(session, token=token, secret_key=KEY)


def test_a_password_change_or_deactivation_ends_every_older_link(session, invited):
    token = link_token(invited, purpose=INVITE, secret_key=KEY)
    set_password(session, account_id=invited.id, password="set by other means", actor=ACTOR)
    with pytest.raises(LinkError, match="already been used"):
        read_link(session, token=token, secret_key=KEY)
    account = repository.find_account(session, account_id=invited.id)
    reset = link_token(account, purpose=RESET, secret_key=KEY)
    deactivate_user(session, organisation_id=account.organisation_id, account_id=account.id, actor=ACTOR)
    with pytest.raises(LinkError):
        read_link(session, token=reset, secret_key=KEY)
