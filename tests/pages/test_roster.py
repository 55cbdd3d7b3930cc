"""HR's roster pages: adding, editing, moving, archiving and restoring people; creating and renaming teams."""

from __future__ import annotations

import re

from .conftest import MANAGER_ID, TEAMMATE_ID, between, text_of

DARIA = {"name": "Daria Adeyemi", "email": "daria.adeyemi@meridian.example", "track": "software_engineer",
         "team": "platform", "manager_id": MANAGER_ID}


def heatmap(client, team: str) -> str:
    return between(text_of(client.get(f"/team?team={team}")), 'id="team-heatmap"', "</table>")


def headcount(client) -> int:
    """Everyone the organisation's stage counts (the AI workforce is read out of them)."""
    page = text_of(client.get("/org"))
    return int(re.search(r"<dt>AI workforce</dt>\s*<dd>\d+ <span class=\"stat-note\">of (\d+) people", page).group(1))


def test_hr_adds_a_person_who_then_appears_on_their_team(login, person, audit):
    client = login("hr")
    response = client.post("/people/new", data={"employee_id": "E2001", "name": "Noor Haddad", "track": "business",
                                                "email": "noor@meridian.example", "team": "data",
                                                "manager_id": "E1041"})
    assert response.status_code == 302 and response.headers["Location"] == "/people/E2001"
    assert "Noor Haddad" in text_of(client.get("/people"))
    assert "Noor Haddad" in heatmap(client, "data")
    assert person("E2001").person.manager_id == "E1041"
    assert [row[1] for row in audit("person.add")] == ["E2001"]


def test_adding_an_employee_id_that_is_taken_says_so_and_adds_nobody(login, person):
    response = login("hr").post("/people/new", data={"employee_id": TEAMMATE_ID, "name": "Someone Else",
                                                     "track": "business"})
    assert response.status_code == 409
    assert "already someone&#39;s employee id" in text_of(response)
    assert person(TEAMMATE_ID).person.name == "Daria Adeyemi"


def test_hr_moves_a_person_to_another_team_and_manager(login, person):
    client = login("hr")
    form = {**DARIA, "team": "data", "manager_id": "E1041", "version": person(TEAMMATE_ID).version}
    assert client.post(f"/people/{TEAMMATE_ID}", data=form).status_code == 302
    moved = person(TEAMMATE_ID).person
    assert (moved.team, moved.manager_id) == ("data", "E1041")
    assert "Daria Adeyemi" not in heatmap(client, "platform")


def test_a_reporting_loop_is_refused_on_the_manager_field(login, person):
    version = person(MANAGER_ID).version
    form = {"name": "Aisha Voss", "track": "software_engineer", "team": "platform", "manager_id": TEAMMATE_ID,
            "version": version}
    response = login("hr").post(f"/people/{MANAGER_ID}", data=form)
    assert response.status_code == 422
    assert "report to themselves" in text_of(response)
    assert person(MANAGER_ID).version == version


def test_a_save_that_lost_the_race_shows_what_was_saved_and_keeps_what_was_typed(client_for, person):
    first, second = client_for("hr"), client_for("hr")
    version = person(TEAMMATE_ID).version
    assert first.post(f"/people/{TEAMMATE_ID}", data={**DARIA, "name": "Daria A.", "version": version}).status_code == 302
    response = second.post(f"/people/{TEAMMATE_ID}", data={**DARIA, "email": "daria@new.example", "version": version})
    page = text_of(response)
    assert response.status_code == 409
    assert "Someone else saved changes" in page and "Daria A." in page
    assert 'value="daria@new.example"' in page
    assert f'name="version" type="hidden" value="{version + 1}"' in page
    assert person(TEAMMATE_ID).person.email == DARIA["email"]


def test_archiving_a_leaver_takes_them_off_the_stage_and_lists_and_restoring_brings_them_back(login, person):
    client = login("hr")
    people, version = headcount(client), person(TEAMMATE_ID).version
    response = client.post(f"/people/{TEAMMATE_ID}/archive", data={"version": version})
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    assert headcount(client) == people - 1
    assert "Daria Adeyemi" not in between(text_of(client.get("/people")), "<table", "</table>")
    assert "Daria Adeyemi" not in heatmap(client, "platform")
    left = text_of(client.get("/people?left=1"))
    assert "Left (1)" in left and "Daria Adeyemi" in left
    assert "Restore Daria Adeyemi" in text_of(client.get(f"/people/{TEAMMATE_ID}"))

    restored = client.post(f"/people/{TEAMMATE_ID}/restore", data={"version": version + 1})  # archiving bumped it
    assert restored.status_code == 302
    assert headcount(client) == people


def test_a_leaver_is_signed_out_and_cannot_sign_in_again(client_for, login, person):
    leaver = client_for("individual")
    assert leaver.get("/me").status_code == 200
    login("hr").post("/people/E1015/archive", data={"version": person("E1015").version})
    assert leaver.get("/me").status_code == 302
    refused = leaver.post("/login", data={"email": "uma.patel@meridian.example", "password": "planner-demo"})
    assert refused.status_code == 401


def test_hr_creates_and_renames_teams_and_a_duplicate_name_is_refused(login):
    client = login("hr")
    assert client.post("/teams", data={"name": "Applied Research"}).status_code == 302
    page = text_of(client.get("/teams"))
    assert "Applied Research" in page and "0 people" in page
    assert client.post("/teams", data={"name": "applied   research"}).status_code == 409
    renamed = client.post("/teams/applied-research",
                          data={"rename-applied-research-name": "Research Lab", "rename-applied-research-version": "1"})
    assert renamed.status_code == 302
    assert "Research Lab" in text_of(client.get("/teams"))
    assert "Research Lab" in text_of(client.get("/people/new"))
