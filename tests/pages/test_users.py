"""HR's user administration: accounts with role, person, status and last sign-in; invitations by mail or by
hand; role changes, deactivation and new password links, each audited; password resets by mail."""

from __future__ import annotations

import re

import pytest

from planner.db import repository

from .conftest import ACCOUNTS, DEMO_PASSWORD, make_test_app, text_of

NEW_PASSWORD = "a long passphrase"


def account_id(db, email: str) -> int:
    return db(lambda s: repository.find_account(s, email=email).id)


@pytest.fixture
def mail_app(database, smtp_server):
    app = make_test_app(database, SMTP_URL=smtp_server.url, MAIL_FROM="Planner <planner@acme.example>")
    yield app
    app.extensions["planner_engine"].dispose()


def hr_client(app):
    client = app.test_client()
    assert client.post("/login", data={"email": ACCOUNTS["hr"], "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_users_page_lists_accounts_with_role_person_status_and_last_sign_in(login):
    page = text_of(login("hr").get("/users"))
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>aisha\.voss@meridian\.example</a></th>.*?</tr>", page, re.S)
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert cells[:3] == ["Manager", "Aisha Voss", '<span class="badge badge-success">Active</span>']
    assert "Never" in cells[3]
    hr_row = re.search(r"hr@meridian\.example</a></th>.*?</tr>", page, re.S).group(0)
    assert "<time datetime=" in hr_row  # HR signed in to open the page
    assert "E1013" not in row.group(0)


def test_hr_invites_one_person_by_mail_and_they_set_a_password_and_land_on_their_workspace(mail_app, smtp_server,
                                                                                          audit):
    hr = hr_client(mail_app)
    result = hr.post("/users/invite", data={"who": "person", "person": "E1014"})
    assert result.status_code == 200 and result.headers["Cache-Control"] == "no-store"
    assert "1 sent by mail" in text_of(result)
    (message,) = smtp_server.messages
    assert message["To"] == "daria.adeyemi@meridian.example" and message["Subject"] == "You are invited to AI Skills Planner"
    assert message["From"] == "Planner <planner@acme.example>"
    (link,) = smtp_server.links("daria.adeyemi@meridian.example")
    path = link.split("localhost", 1)[1]
    invitee = mail_app.test_client()
    response = invitee.post(path, data={"new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert response.headers["Location"] == "/me"
    assert invitee.get(path).status_code == 410
    assert "Invited" not in text_of(hr.get("/users")).split("daria.adeyemi")[1].split("</tr>")[0]


def test_inviting_a_team_makes_its_manager_a_manager_and_skips_people_with_accounts(login, db):
    client = login("hr")
    page = text_of(client.post("/users/invite", data={"who": "team", "team": "data"}))
    links = re.findall(r'value="(http://localhost/password/set/[^"]+)"', page)
    assert len(links) == 12 and "Links to hand over" in page  # Data & Analytics: 12 people, none with an account
    roles = db(lambda s: {u.person_name: u.role for u in repository.account_listings(s, organisation_id=1)})
    assert roles["Dario Hughes"] == "manager" and roles["Hiro Berg"] == "individual"
    platform = text_of(client.post("/users/invite", data={"who": "team", "team": "platform"}))
    assert len(re.findall(r'value="http://localhost/password/set/', platform)) == 12  # 14, less Aisha and Uma


def test_inviting_everyone_invites_each_person_without_an_account_once(login):
    """80 on the roster, two with an account (Aisha Voss and Uma Patel; the HR account is nobody on it)."""
    client = login("hr")
    first = text_of(client.post("/users/invite", data={"who": "everyone"}))
    assert len(re.findall(r'value="http://localhost/password/set/', first)) == 78
    again = text_of(client.post("/users/invite", data={"who": "everyone"}))
    assert len(re.findall(r'value="http://localhost/password/set/', again)) == 78  # pending invitations, sent again
    assert text_of(client.get("/users")).count("badge-warning") == 78


def test_hr_changes_a_role_and_the_account_is_signed_out(login, client_for, db, audit):
    manager = client_for("manager")
    target = account_id(db, ACCOUNTS["manager"])
    response = login("hr").post(f"/users/{target}/role", data={"role": "individual"})
    assert response.headers["Location"] == f"/users/{target}"
    assert manager.get("/team").status_code == 302
    assert audit("account.role")[-1][:2] == (ACCOUNTS["hr"], str(target))


def test_deactivation_asks_for_confirmation_then_ends_the_account_at_once(login, client_for, db, audit):
    manager = client_for("manager")
    target = account_id(db, ACCOUNTS["manager"])
    hr = login("hr")
    hr.post(f"/users/{target}/deactivate", data={})
    assert "Tick the box to confirm the deactivation." in text_of(hr.get(f"/users/{target}"))
    assert manager.get("/team").status_code == 200
    hr.post(f"/users/{target}/deactivate", data={"confirm": "y"})
    assert manager.get("/team").status_code == 302
    assert "Deactivated" in text_of(hr.get("/users"))
    assert [row[1] for row in audit("account.deactivate")] == [str(target)]


def test_the_last_hr_account_cannot_be_deactivated_or_demoted(login, db):
    hr_id = account_id(db, ACCOUNTS["hr"])
    client = login("hr")
    client.post(f"/users/{hr_id}/deactivate", data={"confirm": "y"})
    assert "the only active HR account" in text_of(client.get(f"/users/{hr_id}"))
    client.post(f"/users/{hr_id}/role", data={"role": "manager"})
    assert "the only active HR account" in text_of(client.get(f"/users/{hr_id}"))
    assert client.get("/users").status_code == 200  # still HR


def test_a_new_password_link_for_an_active_account_is_a_reset(mail_app, smtp_server):
    hr = hr_client(mail_app)
    with mail_app.app_context():
        from planner.web.database import get_session
        target = repository.find_account(get_session(), email=ACCOUNTS["individual"]).id
    assert "1 sent by mail" in text_of(hr.post(f"/users/{target}/link"))
    (message,) = smtp_server.messages
    assert message["Subject"] == "Set a new password for AI Skills Planner"


def test_forgotten_password_mails_a_reset_link_that_works_once(mail_app, smtp_server):
    client = mail_app.test_client()
    response = client.post("/password/forgot", data={"email": ACCOUNTS["individual"]})
    assert response.headers["Location"] == "/login"
    assert client.post("/password/forgot", data={"email": "nobody@meridian.example"}).headers["Location"] == "/login"
    (link,) = smtp_server.links(ACCOUNTS["individual"])
    assert len(smtp_server.messages) == 1  # nothing mailed for an unknown address, and the answer was the same
    path = link.split("localhost", 1)[1]
    assert client.post(path, data={"new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD}).status_code == 302
    assert mail_app.test_client().post("/login", data={"email": ACCOUNTS["individual"],
                                                       "password": DEMO_PASSWORD}).status_code == 401


def test_without_smtp_forgotten_password_says_to_ask_hr(client):
    client.post("/password/forgot", data={"email": ACCOUNTS["individual"]})
    assert "This planner cannot send mail: ask HR for a link" in text_of(client.get("/login"))


def test_a_broken_link_explains_itself(client):
    response = client.get("/password/set/not-a-real-link")
    assert response.status_code == 410
    assert "This link is not valid" in text_of(response)


def test_an_account_that_is_nobody_on_the_roster_can_only_be_hr(login, new_account, db):
    new_account("people.ops@meridian.example", "hr", None)
    target = account_id(db, "people.ops@meridian.example")
    client = login("hr")
    client.post(f"/users/{target}/role", data={"role": "individual"})
    assert "is not linked to a person, so it can only be an HR account" in text_of(client.get(f"/users/{target}"))
