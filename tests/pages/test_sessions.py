"""Sessions end when they should: sign-out, password change, role change and deactivation end every session
of the account; a replayed session cookie is then refused. The CSRF secret is new at every sign-in."""

from __future__ import annotations

import re

import pytest

from planner.db import repository
from planner.services.identity import deactivate_user, set_role
from planner.services.transactions import Actor

from .conftest import ACCOUNTS, DEMO_PASSWORD, make_test_app, text_of


def replay(app, cookie: str):
    """A new client (another computer) that presents a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def account(db, who: str):
    return db(lambda s: repository.find_account(s, email=ACCOUNTS[who]))


def test_a_session_cookie_replayed_after_sign_out_is_sent_to_sign_in(app, client_for):
    client = client_for("manager")
    cookie = session_cookie(client)
    assert replay(app, cookie).get("/team").status_code == 200
    client.post("/logout")
    response = replay(app, cookie).get("/team")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/team"
    assert replay(app, cookie).get("/api/v1/people").status_code == 401


def test_a_session_cookie_replayed_after_deactivation_is_refused_and_the_token_stops_too(app, client_for, db):
    client = client_for("manager")
    cookie = session_cookie(client)
    token = re.search(r'id="new-token" class="token" type="text" value="([^"]+)"',
                      text_of(client.post("/account"))).group(1)
    assert app.test_client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    manager = account(db, "manager")
    db(lambda s: deactivate_user(s, organisation_id=manager.organisation_id, account_id=manager.id, actor=Actor("t")))
    assert replay(app, cookie).get("/team").status_code == 302
    assert client.get("/team").status_code == 302
    assert app.test_client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert app.test_client().post("/login", data={"email": ACCOUNTS["manager"],
                                                  "password": DEMO_PASSWORD}).status_code == 401


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, client_for):
    here, elsewhere = client_for("individual"), client_for("individual")
    old_cookie = session_cookie(here)
    response = here.post("/account/password", data={"current_password": DEMO_PASSWORD,
                                                     "new_password": "a new passphrase",
                                                     "repeat_password": "a new passphrase"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Your password is changed" in text_of(here.get("/account"))
    assert elsewhere.get("/me").status_code == 302
    assert replay(app, old_cookie).get("/me").status_code == 302
    assert client_for("individual", "a new passphrase").get("/me").status_code == 200


def test_a_password_change_needs_the_right_current_password(client_for):
    client = client_for("individual")
    response = client.post("/account/password", data={"current_password": "not my password",
                                                       "new_password": "a new passphrase",
                                                       "repeat_password": "a new passphrase"})
    assert response.status_code == 422
    assert "The current password is not right." in text_of(response)
    mismatch = client.post("/account/password", data={"current_password": DEMO_PASSWORD,
                                                       "new_password": "a new passphrase",
                                                       "repeat_password": "another passphrase"})
    assert mismatch.status_code == 422 and "The two passwords differ." in text_of(mismatch)
    assert client.get("/me").status_code == 200


def test_a_role_change_ends_the_accounts_sessions(app, client_for, db):
    client = client_for("manager")
    manager = account(db, "manager")
    db(lambda s: set_role(s, organisation_id=manager.organisation_id, account_id=manager.id, role="individual",
                          actor=Actor("t")))
    assert client.get("/team").status_code == 302
    assert client_for("manager").get("/team").status_code == 403  # signed in again, now as an individual


def test_the_csrf_secret_is_new_after_signing_in(database):
    app = make_test_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    form_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(client.get("/login"))).group(1)
    with client.session_transaction() as before:
        secret_before = before["csrf_token"]
    client.post("/login", data={"email": ACCOUNTS["hr"], "password": DEMO_PASSWORD, "csrf_token": form_token})
    client.get("/account")
    with client.session_transaction() as after:
        assert after["csrf_token"] != secret_before
    assert client.post("/account", data={"csrf_token": form_token}).status_code == 400  # the old token is dead
    app.extensions["planner_engine"].dispose()


@pytest.mark.parametrize("env, secure", [("production", True), ("development", False)])
def test_the_session_cookie_is_secure_in_production_only(database, env, secure):
    app = make_test_app(database, PLANNER_ENV=env, TRUSTED_HOSTS=["localhost"])
    assert app.config["SESSION_COOKIE_SECURE"] is secure and app.config["REMEMBER_COOKIE_SECURE"] is secure
    response = app.test_client().post("/login", data={"email": ACCOUNTS["hr"], "password": DEMO_PASSWORD},
                                      base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and ("; Secure" in cookie) is secure
    app.extensions["planner_engine"].dispose()


def test_a_bearer_token_cannot_mint_its_own_replacement_through_the_account_page(app, client_for, db):
    client = client_for("manager")
    token = re.search(r'value="([^"]+)" readonly', text_of(client.post("/account"))).group(1)
    bearer = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    refused = bearer.post("/account", data={"replace": "y"}, headers=headers)
    assert refused.status_code == 403
    assert bearer.post("/account/password", headers=headers, data={
        "current_password": DEMO_PASSWORD, "new_password": "x" * 12, "repeat_password": "x" * 12}).status_code == 403
    assert bearer.get("/api/v1/people", headers=headers).status_code == 200


def test_replacing_a_token_asks_first(app, client_for):
    client, program = client_for("manager"), app.test_client()
    first = re.search(r'value="([^"]+)" readonly', text_of(client.post("/account"))).group(1)
    page = text_of(client.get("/account"))
    assert "Replace my current token: programs that use it stop working" in page and "Replace my token" in page
    unconfirmed = client.post("/account")
    assert unconfirmed.status_code == 422 and "Tick the box to replace your current token." in text_of(unconfirmed)
    assert program.get("/api/v1/people", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    second = re.search(r'value="([^"]+)" readonly', text_of(client.post("/account", data={"replace": "y"}))).group(1)
    assert second != first
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert program.get("/api/v1/people", headers={"Authorization": f"Bearer {first}"}).status_code == 401


def test_with_single_sign_on_on_password_sign_in_can_be_switched_off(database):
    app = make_test_app(database, OIDC_ISSUER="https://id.example", OIDC_CLIENT_ID="planner",
                        OIDC_CLIENT_SECRET="secret", PASSWORD_SIGN_IN=False)
    client = app.test_client()
    page = text_of(client.get("/login"))
    assert "Sign in with your organisation account" in page and 'name="password"' not in page
    refused = client.post("/login", data={"email": ACCOUNTS["hr"], "password": DEMO_PASSWORD})
    assert refused.status_code == 403 and "Passwords are switched off here" in text_of(refused)
    assert client.get("/password/forgot").status_code == 403
    app.extensions["planner_engine"].dispose()


def test_without_single_sign_on_there_is_no_sso_button_and_its_routes_are_absent(client):
    assert "organisation account" not in text_of(client.get("/login"))
    assert client.get("/login/sso").status_code == 404
