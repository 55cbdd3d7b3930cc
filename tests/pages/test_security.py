"""Sign-in, account and error pages, and the page-wide guarantees: CSRF, escaping, the CSP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from planner.db.tables import PersonRow

from .conftest import ACCOUNTS, DEMO_PASSWORD, TEAMMATE_ID, assessment_form, make_test_app, text_of

SCRIPT = "<script>alert(1)</script>"


def test_the_sign_in_page_is_a_form_with_the_demo_accounts_in_development(client):
    page = text_of(client.get("/login"))
    assert "<h1>Sign in to AI Skills Planner</h1>" in page
    assert 'autocomplete="current-password"' in page
    assert "Demo accounts" in page and "<code>aisha.voss@meridian.example</code>" in page


def test_the_sign_in_page_never_lists_demo_accounts_in_production(database):
    app = make_test_app(database, PLANNER_ENV="production", TRUSTED_HOSTS=["localhost"])
    page = text_of(app.test_client().get("/login", base_url="https://localhost"))
    assert "Sign in to AI Skills Planner" in page
    assert "Demo accounts" not in page and "planner-demo" not in page
    app.extensions["planner_engine"].dispose()


def test_a_wrong_password_is_refused_with_a_message_and_the_form_kept(client):
    response = client.post("/login", data={"email": ACCOUNTS["hr"], "password": "wrong-password"})
    assert response.status_code == 401
    page = text_of(response)
    assert "That email and password do not match an account." in page
    assert 'value="hr@meridian.example"' in page


def test_each_role_lands_in_its_own_workspace_after_signing_in(client):
    homes = {"hr": "/org", "manager": "/team", "individual": "/me"}
    for role, home in homes.items():
        response = client.post("/login", data={"email": ACCOUNTS[role], "password": DEMO_PASSWORD})
        assert response.headers["Location"] == home
        client.post("/logout")


def test_the_account_page_shows_a_new_api_token_once(login):
    client = login("manager")
    page = text_of(client.get("/account"))
    assert "Manager" in page and "Platform Engineering" in page and "Issue an API token" in page
    issued = text_of(client.post("/account"))
    token = re.search(r'id="new-token" class="token" type="text" value="([^"]+)"', issued).group(1)
    assert len(token) > 30 and "shown only this once" in issued
    assert token not in text_of(client.get("/account"))


def test_an_unknown_address_gets_the_error_page_with_a_way_back(login):
    response = login("individual").get("/no-such-page")
    assert response.status_code == 404
    page = text_of(response)
    assert "<h1>Page not found</h1>" in page and "Error 404" in page
    assert 'href="/">Go to my workspace</a>' in page
    assert "The requested URL was not found on the server" not in page  # Werkzeug's stock text, in no one's words


def test_a_form_posted_without_its_csrf_token_is_refused_and_writes_nothing(database, person, assessment_count):
    app = make_test_app(database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(client.get("/login"))).group(1)
    assert client.post("/login", data={"email": ACCOUNTS["manager"], "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    count = assessment_count()
    data = assessment_form(person(TEAMMATE_ID), evaluation=4)
    refused = client.post(f"/team/people/{TEAMMATE_ID}", data=data)
    assert refused.status_code == 400
    assert "The CSRF token is missing." in text_of(refused)
    assert assessment_count() == count
    form = text_of(client.get(f"/team/people/{TEAMMATE_ID}"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post(f"/team/people/{TEAMMATE_ID}", data={**data, "csrf_token": token}).status_code == 302
    assert client.post("/logout").status_code == 400  # signing out is a form too
    app.extensions["planner_engine"].dispose()


@pytest.mark.parametrize("path", ["/team?team=platform", f"/team/people/{TEAMMATE_ID}", "/hiring"])
def test_a_person_named_like_a_script_is_shown_as_text(login, db, path):
    db(lambda s: (s.execute(update(PersonRow).where(PersonRow.employee_id == TEAMMATE_ID).values(name=SCRIPT)),
                  s.commit()))
    page = text_of(login("hr").get(path))
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("path", ["/login", "/org", "/hiring", "/team", "/me", "/rubric", "/account"])
def test_every_page_carries_a_csp_without_inline_script_or_style(client, login, path):
    if path != "/login":
        login("hr")
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    page = text_of(response)
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
