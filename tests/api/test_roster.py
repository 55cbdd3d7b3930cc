"""The roster API: HR adds, edits, moves, archives and restores people and creates and renames teams, with versions."""

from __future__ import annotations

import pytest

from api.conftest import MANAGER_ID, OTHER_TEAM, TEAMMATE_ID

ROSTER = "/api/v1/roster/people"


@pytest.fixture
def hr(api):
    """HR's client for the whole test (each token issued revokes the one before)."""
    return api("hr")


def read(hr, employee_id: str) -> dict:
    return hr.get(f"{ROSTER}/{employee_id}").get_json()


def test_hr_moves_a_person_to_another_team_under_another_manager(hr):
    daria = read(hr, TEAMMATE_ID)
    moved = hr.patch(f"{ROSTER}/{TEAMMATE_ID}",
                            json={"version": daria["version"], "team": OTHER_TEAM, "manager_id": "E1041"})
    assert moved.status_code == 200
    assert moved.get_json() | {"archived_at": None} == {
        **daria, "team": OTHER_TEAM, "team_name": "Data & Analytics", "manager_id": "E1041",
        "manager_name": "Dario Hughes", "version": daria["version"] + 1}
    team = hr.get(f"/api/v1/teams/{OTHER_TEAM}").get_json()
    assert TEAMMATE_ID in [m["employee_id"] for m in team["members"]]


def test_a_stale_version_is_409_with_the_current_one_and_changes_nothing(hr):
    daria = read(hr, TEAMMATE_ID)
    hr.patch(f"{ROSTER}/{TEAMMATE_ID}", json={"version": daria["version"], "name": "Daria A."})
    stale = hr.patch(f"{ROSTER}/{TEAMMATE_ID}", json={"version": daria["version"], "name": "D. Adeyemi"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["current_version"] == daria["version"] + 1
    assert read(hr, TEAMMATE_ID)["name"] == "Daria A."


def test_an_archived_person_leaves_the_stage_and_the_people_list_and_restoring_brings_them_back(hr):
    headcount = hr.get("/api/v1/org/stage").get_json()["headcount"]
    archived = hr.post(f"{ROSTER}/{TEAMMATE_ID}/archive", json={"version": read(hr, TEAMMATE_ID)["version"]})
    assert archived.status_code == 200 and archived.get_json()["archived_at"]
    assert hr.get("/api/v1/org/stage").get_json()["headcount"] == headcount - 1
    assert TEAMMATE_ID not in [p["employee_id"] for p in hr.get("/api/v1/people").get_json()["people"]]
    assert hr.get(f"/api/v1/people/{TEAMMATE_ID}").status_code == 404
    leavers = hr.get(f"{ROSTER}?archived=true").get_json()["people"]
    assert [p["employee_id"] for p in leavers] == [TEAMMATE_ID]

    again = hr.post(f"{ROSTER}/{TEAMMATE_ID}/archive", json={"version": read(hr, TEAMMATE_ID)["version"]})
    assert again.status_code == 409
    restored = hr.post(f"{ROSTER}/{TEAMMATE_ID}/restore", json={"version": read(hr, TEAMMATE_ID)["version"]})
    assert restored.status_code == 200 and restored.get_json()["archived_at"] is None
    assert hr.get("/api/v1/org/stage").get_json()["headcount"] == headcount


def test_a_leaver_s_api_token_stops_working(api, hr):
    client = api("individual")
    assert client.get("/api/v1/people").status_code == 200
    hr.post(f"{ROSTER}/E1015/archive", json={"version": read(hr, "E1015")["version"]})
    assert client.get("/api/v1/people").status_code == 401


def test_hr_adds_a_person_who_starts_unassessed_on_their_team(hr):
    response = hr.post(ROSTER, json={"employee_id": "E2001", "name": "Noor Haddad", "track": "business",
                                            "email": "noor@meridian.example", "team": OTHER_TEAM,
                                            "manager_id": "E1041"})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{ROSTER}/E2001")
    person = hr.get("/api/v1/people/E2001").get_json()
    assert person["team"] == OTHER_TEAM and person["manager_id"] == "E1041" and person["level"] == 0
    assert set(person["not_assessed"]) == set(person["domains"])
    assert hr.post(ROSTER, json={"employee_id": "E2001", "name": "Again", "track": "business"}).status_code == 409


def test_unknown_teams_and_managers_and_reporting_loops_are_422_naming_the_field(hr):
    version = read(hr, MANAGER_ID)["version"]
    cases = [({"team": "nowhere"}, "team"), ({"manager_id": "E9999"}, "manager_id"),
             ({"manager_id": TEAMMATE_ID}, "manager_id"), ({"manager_id": MANAGER_ID}, "manager_id")]
    for change, field in cases:
        response = hr.patch(f"{ROSTER}/{MANAGER_ID}", json={"version": version, **change})
        assert response.status_code == 422, change
        assert [f["path"] for f in response.get_json()["error"]["fields"]] == [field]
    assert read(hr, MANAGER_ID)["version"] == version


def test_hr_creates_and_renames_a_team(hr):
    created = hr.post("/api/v1/roster/teams", json={"name": "Applied Research"})
    assert created.status_code == 201
    assert created.get_json() == {"slug": "applied-research", "name": "Applied Research", "headcount": 0, "version": 1}
    renamed = hr.patch("/api/v1/roster/teams/applied-research", json={"name": "Research", "version": 1})
    assert renamed.get_json()["name"] == "Research" and renamed.get_json()["version"] == 2
    assert hr.patch("/api/v1/roster/teams/applied-research",
                           json={"name": "Lab", "version": 1}).status_code == 409
    names = {t["slug"]: t["name"] for t in hr.get("/api/v1/teams").get_json()["teams"]}
    assert names["applied-research"] == "Research"
