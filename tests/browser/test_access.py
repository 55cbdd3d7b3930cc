"""Sign-in and access in the browser: other roles' pages refused, signing out, no way off the site."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


def test_an_individual_opening_the_org_page_gets_the_403_page_with_a_way_back(page, sign_in):
    sign_in("individual")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Organisation")).to_have_count(0)  # not offered either
    response = page.goto("/org")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Forbidden")
    expect(page.get_by_text("Your account's role does not give access to this page.")).to_be_visible()
    page.get_by_role("link", name="Go to my workspace").click()
    expect(page).to_have_url(re.compile(r"/me$"))


def test_a_manager_opening_someone_on_another_team_gets_the_404_page(page, sign_in):
    sign_in("manager")
    response = page.goto("/team/people/E1041")  # Dario Hughes, Data & Analytics
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    expect(page.get_by_text("There is nothing here, or it is outside what your account may see.")).to_be_visible()
    expect(page.get_by_text("Dario Hughes")).to_have_count(0)


def test_a_visitor_is_sent_to_sign_in_and_brought_back_to_the_page_they_asked_for(page, sign_in, live_server):
    page.goto("/hiring?target=4")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_text("Please sign in to continue.")).to_be_visible()
    sign_in("hr", start=page.url)
    expect(page).to_have_url(f"{live_server.url}/hiring?target=4")
    expect(page.get_by_label("Target stage")).to_have_value("4")


def test_signing_out_ends_the_session(page, sign_in):
    sign_in("manager")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/team")
    expect(page).to_have_url(re.compile(r"/login\?next=/team$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_signing_in_never_follows_a_next_address_off_the_site(page, sign_in, live_server, target):
    sign_in("individual", start=f"/login?next={target}")
    expect(page).to_have_url(f"{live_server.url}/me")  # the role's home instead


def test_a_wrong_password_keeps_the_visitor_on_the_sign_in_page_with_a_message(page):
    page.goto("/login")
    page.get_by_label("Email").fill("hr@meridian.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email and password do not match an account.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("hr@meridian.example")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
