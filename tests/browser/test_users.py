"""Adopting the planner in the browser: the first HR account from the command line signs in; HR invites a
manager by mail and the manager sets a password from the link in the mailbox and lands on their team."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from planner.cli import cli
from planner.db.engine import DATABASE_URL_ENV

PASSWORD = "a long passphrase"


@pytest.fixture
def live_server_config(smtp_server) -> dict:
    return {"SMTP_URL": smtp_server.url}


def choose_password(tab) -> None:
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_label("Repeat the new password").fill(PASSWORD)
    tab.get_by_role("button", name="Set password and sign in").click()


def test_the_first_hr_account_made_on_the_command_line_signs_in_from_its_link(page, live_server):
    created = CliRunner().invoke(cli, ["users", "create", "boss@meridian.example", "--role", "hr",
                                       "--base-url", live_server.url],
                                 env={DATABASE_URL_ENV: live_server.app.config["DATABASE_URL"],
                                      "PLANNER_SECRET_KEY": live_server.app.config["SECRET_KEY"]})
    assert created.exit_code == 0, created.output
    link = re.search(r"http://127\.0\.0\.1:\d+/password/set/\S+", created.stdout).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome: choose a password")
    choose_password(page)
    expect(page).to_have_url(f"{live_server.url}/org")
    expect(page.get_by_text("Your password is set, and you are signed in.")).to_be_visible()


def test_hr_invites_a_manager_who_sets_a_password_from_the_mail_and_lands_on_their_team(
        page, new_page, sign_in, live_server, smtp_server):
    sign_in("hr")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    page.get_by_label("One person").check()
    page.get_by_label("Person", exact=True).select_option(label="Dario Hughes, Data & Analytics")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("1 sent by mail")).to_be_visible()
    (link,) = smtp_server.links("dario.hughes@meridian.example")

    manager = new_page()
    manager.goto(link)
    choose_password(manager)
    expect(manager).to_have_url(f"{live_server.url}/team")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Data & Analytics")

    page.goto("/users")
    row = page.get_by_role("row").filter(has_text="dario.hughes@meridian.example")
    expect(row.get_by_text("Active")).to_be_visible()
    expect(row.get_by_text("Manager")).to_be_visible()
    expect(row.get_by_text("Never")).to_have_count(0)  # setting the password from the link signed in
