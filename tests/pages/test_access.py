"""Who may open which page: sign-in first, then the role, then the record (deny by default, audited)."""

from __future__ import annotations

import re

import pytest

from .conftest import OTHER_TEAM_ID, TEAMMATE_ID

#: HR's roster pages: nobody else opens them.
ROSTER_PAGES = ["/people", "/people/new", f"/people/{TEAMMATE_ID}", f"/people/{TEAMMATE_ID}/data", "/teams"]
PAGES = ["/team", f"/team/people/{TEAMMATE_ID}", "/directory", "/org", "/hiring", "/hiring/print", "/hiring/export.csv",
         "/hiring/export.md", "/me", "/me/self-assessment", "/me/data", "/rubric", "/rubric/download", "/account",
         "/users", "/users/1", *ROSTER_PAGES, "/import"]
#: HR's user administration, roster and people import: every page and form of them is HR's alone.
HR_ONLY = ["/org", "/hiring", "/hiring/print", "/hiring/export.csv", "/hiring/export.md", "/rubric/download",
           "/users", "/users/1", *ROSTER_PAGES, "/import"]

#: The status each role gets for each page (HR's demo account is nobody on the roster: /me explains that).
EXPECTED = {
    "hr": dict.fromkeys(PAGES, 200),
    "manager": {**dict.fromkeys(PAGES, 200), **dict.fromkeys(HR_ONLY, 403)},
    "individual": {**dict.fromkeys(PAGES, 200), **dict.fromkeys(HR_ONLY, 403), "/team": 403,
                   f"/team/people/{TEAMMATE_ID}": 403, "/directory": 403},
}
#: HR's roster forms (POST): nobody else may send them, and a refusal changes nothing.
ROSTER_FORMS = {
    "/people/new": {"employee_id": "E2001", "name": "Noor", "track": "business"},
    f"/people/{TEAMMATE_ID}": {"name": "Daria A.", "track": "software_engineer"},
    f"/people/{TEAMMATE_ID}/archive": {},
    f"/people/{TEAMMATE_ID}/restore": {},
    f"/people/{TEAMMATE_ID}/erase": {"confirm": "y"},
    "/teams": {"name": "Research"},
    "/teams/data": {"rename-data-name": "Data", "rename-data-version": "1"},
}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_and_brought_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_opens_its_own_pages_and_is_refused_the_others(login, role):
    client = login(role)
    got = {path: client.get(path).status_code for path in PAGES}
    assert got == EXPECTED[role]


USER_FORMS = [("/users/invite", {"who": "everyone"}), ("/users/1/role", {"role": "individual"}),
              ("/users/1/deactivate", {"confirm": "y"}), ("/users/1/link", {})]


@pytest.mark.parametrize(("path", "data"), USER_FORMS)
@pytest.mark.parametrize("role", ["manager", "individual"])
def test_only_hr_administers_users_and_a_refusal_changes_nothing(login, audit, role, path, data):
    assert login(role).post(path, data=data).status_code == 403
    assert audit("account.role") == audit("account.deactivate") == audit("account.invite") == []


@pytest.mark.parametrize(("path", "data"), USER_FORMS)
def test_anonymous_visitors_cannot_administer_users(client, audit, path, data):
    assert client.post(path, data=data).status_code == 302
    assert audit("account.deactivate") == audit("account.invite") == []


@pytest.mark.parametrize("path", list(ROSTER_FORMS))
@pytest.mark.parametrize("role", ["manager", "individual"])
def test_only_hr_sends_the_roster_forms(login, person, role, path):
    before = person(TEAMMATE_ID).version
    data = {"version": str(before), **ROSTER_FORMS[path]}
    assert login(role).post(path, data=data).status_code == 403
    assert person(TEAMMATE_ID).version == before


def test_a_refusal_explains_itself_and_is_written_to_the_audit_log(login, audit):
    response = login("individual").get("/org")
    assert response.status_code == 403
    assert "does not give access" in response.get_data(as_text=True)
    assert ("uma.patel@meridian.example", "GET /org", {"remote_addr": "127.0.0.1"}) in audit("access.denied")


@pytest.mark.parametrize("path", [f"/team/people/{OTHER_TEAM_ID}", "/team?team=data"])
def test_a_manager_gets_not_found_for_people_and_teams_outside_their_own(login, audit, path):
    response = login("manager").get(path)
    assert response.status_code == 404
    assert [row[1] for row in audit("access.denied")] == [f"GET {path.split('?')[0]}"]


def test_a_manager_may_not_assess_someone_outside_their_team(login, person):
    before = person(OTHER_TEAM_ID).version
    response = login("manager").post(f"/team/people/{OTHER_TEAM_ID}",
                                     data={"evaluation": "4", "version": before, "evidence": "x"})
    assert response.status_code == 404
    assert person(OTHER_TEAM_ID).version == before


def test_hr_reads_a_person_but_only_their_manager_assesses_them(login, person):
    client = login("hr")
    page = client.get(f"/team/people/{TEAMMATE_ID}").get_data(as_text=True)
    assert "Assessments are recorded by the person&#39;s manager" in page
    assert 'name="evaluation"' not in page
    response = client.post(f"/team/people/{TEAMMATE_ID}",
                           data={"evaluation": "4", "version": person(TEAMMATE_ID).version, "evidence": "x"})
    assert response.status_code == 403


def test_nobody_assesses_themselves_as_a_manager(login):
    page = login("manager").get("/team/people/E1013").get_data(as_text=True)
    assert "Nobody assesses themselves here" in page
    assert 'name="evaluation"' not in page


NAVIGATION = {
    "hr": ["Organisation", "Hiring plan", "Teams", "People", "Import people", "Find people", "Practice maturity",
           "Skills matrix", "Users", "Account"],
    "manager": ["My team", "People", "My roadmap", "Practice maturity", "Skills matrix", "Account"],
    "individual": ["My roadmap", "Practice maturity", "Skills matrix", "Account"],
}


@pytest.mark.parametrize("role", sorted(NAVIGATION))
def test_the_navigation_offers_the_workspaces_of_the_role_and_no_others(login, role):
    page = login(role).get("/rubric").get_data(as_text=True)
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert re.findall(r'<a href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', nav) == NAVIGATION[role]


def test_my_roadmap_takes_no_person_parameter_so_it_is_always_my_own(login):
    page = login("individual").get(f"/me?employee_id={TEAMMATE_ID}").get_data(as_text=True)
    assert "Uma Patel" in page and "Daria Adeyemi" not in page
