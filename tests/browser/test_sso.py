"""Single sign-on in the browser against a real OpenID provider (npm `oidc-provider`, tests/node/oidc_provider.mjs):
the roster says who signs in and with which role, HR comes from a group, and an answer from the provider that
cannot be trusted (meant for another application, a wrong nonce, expired, or a replayed state) signs nobody in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from planner.db.tables import AuditRow
from planner.loaders import PROJECT_ROOT
from planner.web.database import get_session

NODE_DIR = PROJECT_ROOT / "tests" / "node"
CLIENT_ID, CLIENT_SECRET = "planner", "planner-test-client-secret"
USERS = [
    {"email": "dario.hughes@meridian.example", "email_verified": True, "groups": []},
    {"email": "qing.dunn@meridian.example", "email_verified": True, "groups": ["planner-hr"]},
    {"email": "stranger@elsewhere.example", "email_verified": True, "groups": []},
]
UNTRUSTED = "The answer from your identity provider could not be trusted"


@dataclass
class IdentityProvider:
    issuer: str

    def misbehave(self, mode: str) -> None:
        assert requests.post(f"{self.issuer}/test/mode", json={"mode": mode}, timeout=10).json() == {"mode": mode}


@pytest.fixture
def identity_provider(live_server) -> Iterator[IdentityProvider]:
    """The provider, with the live server as its client; the live server's single sign-on points at it."""
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "oidc-provider").exists():
        reason = "single sign-on tests need Node and `npm ci --prefix tests/node`"
        if os.environ.get("PLANNER_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    env = {**os.environ, "PLANNER_OIDC_CLIENT_ID": CLIENT_ID, "PLANNER_OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "PLANNER_OIDC_REDIRECT_URI": f"{live_server.url}/login/sso/callback", "PLANNER_OIDC_USERS": json.dumps(USERS)}
    process = subprocess.Popen([node, str(NODE_DIR / "oidc_provider.mjs")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        first = process.stdout.readline()
        assert first, "the OpenID provider did not start"
        provider = IdentityProvider(json.loads(first)["issuer"])
        live_server.app.config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID,
                                      OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_HR_GROUP="planner-hr")
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_with_sso(tab, email: str) -> None:
    tab.goto("/login")
    tab.get_by_role("link", name="Sign in with your organisation account").click()
    expect(tab.get_by_role("heading", name="Test identity provider")).to_be_visible()
    tab.get_by_label("Email").fill(email)
    tab.get_by_role("button", name="Continue").click()


def audited(live_server, action: str) -> list[tuple[str, dict]]:
    with live_server.app.app_context():
        return [tuple(row) for row in get_session().execute(
            select(AuditRow.actor, AuditRow.details).where(AuditRow.action == action).order_by(AuditRow.id))]


def test_a_manager_on_the_roster_signs_in_through_the_provider_and_lands_on_their_team(page, live_server,
                                                                                       identity_provider):
    sign_in_with_sso(page, "dario.hughes@meridian.example")
    expect(page).to_have_url(f"{live_server.url}/team")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data & Analytics")
    assert ("dario.hughes@meridian.example", {"remote_addr": "127.0.0.1", "via": "sso"}) in audited(live_server,
                                                                                                   "auth.login")


def test_the_hr_group_of_the_provider_makes_an_hr_account(page, live_server, identity_provider):
    sign_in_with_sso(page, "qing.dunn@meridian.example")
    expect(page).to_have_url(f"{live_server.url}/org")


def test_an_email_not_on_the_roster_is_refused_with_a_clear_page_and_an_audit_row(page, live_server,
                                                                                 identity_provider):
    sign_in_with_sso(page, "stranger@elsewhere.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in here")
    expect(page.get_by_text("stranger@elsewhere.example is not on this organisation's roster")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert audited(live_server, "auth.sso_refused") == [
        ("stranger@elsewhere.example", {"reason": "unknown_email", "remote_addr": "127.0.0.1"})]


@pytest.mark.parametrize("mode", ["wrong-audience", "wrong-nonce", "expired"])
def test_an_id_token_that_cannot_be_trusted_signs_nobody_in(page, live_server, identity_provider, mode):
    identity_provider.misbehave(mode)
    sign_in_with_sso(page, "dario.hughes@meridian.example")
    expect(page.get_by_text(UNTRUSTED)).to_be_visible()
    page.goto("/team")
    expect(page).to_have_url(f"{live_server.url}/login?next=/team")
    assert audited(live_server, "auth.login") == []


def test_an_id_token_re_signed_unchanged_still_signs_in(page, live_server, identity_provider):
    """The control for the test above: re-signing by itself is not what gets a token refused."""
    identity_provider.misbehave("re-signed")
    sign_in_with_sso(page, "dario.hughes@meridian.example")
    expect(page).to_have_url(f"{live_server.url}/team")


def test_a_replayed_callback_with_a_used_state_signs_nobody_in(page, new_page, live_server, identity_provider):
    callbacks = []
    page.on("request", lambda request: "/login/sso/callback" in request.url and callbacks.append(request.url))
    sign_in_with_sso(page, "dario.hughes@meridian.example")
    expect(page).to_have_url(f"{live_server.url}/team")
    elsewhere = new_page()
    elsewhere.goto(callbacks[0])
    expect(elsewhere.get_by_text(UNTRUSTED)).to_be_visible()
    page.goto(callbacks[0])  # the same browser, the state already spent
    expect(page.get_by_text(UNTRUSTED)).to_be_visible()
