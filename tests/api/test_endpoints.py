"""Each endpoint answers each role what it may see, in the documented shape; nobody anonymous gets in."""

from __future__ import annotations

import pytest

from api.conftest import INDIVIDUAL_ID, MANAGER_ID, MANAGER_TEAM, TEAMMATE_ID
from planner.domain.model import DOMAINS, TRACKS
from planner.web.api import schemas

#: Every operation of the API, with demo values in its path.
ROUTES = [
    ("GET", "/api/v1/people"),
    ("GET", f"/api/v1/people/{TEAMMATE_ID}"),
    ("GET", f"/api/v1/people/{TEAMMATE_ID}/assessments"),
    ("POST", f"/api/v1/people/{TEAMMATE_ID}/assessments"),
    ("GET", f"/api/v1/people/{TEAMMATE_ID}/roadmap"),
    ("GET", "/api/v1/teams"),
    ("GET", f"/api/v1/teams/{MANAGER_TEAM}"),
    ("GET", "/api/v1/org/stage"),
    ("GET", "/api/v1/org/plan"),
    ("POST", "/api/v1/org/plan"),
    ("GET", "/api/v1/rubric"),
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/roster/people"),
    ("POST", "/api/v1/roster/people"),
    ("GET", f"/api/v1/roster/people/{TEAMMATE_ID}"),
    ("PATCH", f"/api/v1/roster/people/{TEAMMATE_ID}"),
    ("POST", f"/api/v1/roster/people/{TEAMMATE_ID}/archive"),
    ("POST", f"/api/v1/roster/people/{TEAMMATE_ID}/restore"),
    ("POST", f"/api/v1/roster/people/{TEAMMATE_ID}/erase"),
    ("GET", "/api/v1/roster/teams"),
    ("POST", "/api/v1/roster/teams"),
    ("PATCH", f"/api/v1/roster/teams/{MANAGER_TEAM}"),
]
#: The platform team, which the demo manager (E1013) leads and belongs to.
PLATFORM = {f"E{n}" for n in range(1013, 1027)}


def ok(response, model, status=200) -> dict:
    """The body of a successful response, checked against its documented model."""
    assert response.status_code == status, response.get_json()
    return model.model_validate(response.get_json()).model_dump(mode="json", by_alias=True)


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_callers_get_401_json_on_every_route(client, method, url):
    response = client.open(url, method=method, json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_bearer_token_is_401(client):
    assert client.get("/api/v1/people", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_hr_lists_everyone_and_can_filter_by_team(login):
    client = login("hr")
    everyone = ok(client.get("/api/v1/people"), schemas.People)["people"]
    assert len(everyone) == 80
    data_team = ok(client.get("/api/v1/people?team=data"), schemas.People)["people"]
    assert data_team and {p["team"] for p in data_team} == {"data"}


def test_hr_lists_the_accounts_with_the_person_each_one_is(api):
    users = {u["email"]: u for u in ok(api("hr").get("/api/v1/users"), schemas.UserAccounts)["users"]}
    assert users["aisha.voss@meridian.example"] == {
        "email": "aisha.voss@meridian.example", "role": "manager", "person_name": "Aisha Voss",
        "employee_id": MANAGER_ID, "status": "active", "last_sign_in_at": None}
    assert users["hr@meridian.example"]["role"] == "hr"


def test_a_manager_lists_their_team_and_an_individual_only_themselves(api):
    managed = ok(api("manager").get("/api/v1/people"), schemas.People)["people"]
    assert {p["employee_id"] for p in managed} == PLATFORM
    assert ok(api("manager").get("/api/v1/people?team=data"), schemas.People)["people"] == []
    alone = ok(api("individual").get("/api/v1/people"), schemas.People)["people"]
    assert [p["employee_id"] for p in alone] == [INDIVIDUAL_ID]


def test_a_person_shows_levels_gaps_self_view_disagreements_and_version(login):
    person = ok(login("individual").get(f"/api/v1/people/{INDIVIDUAL_ID}"), schemas.PersonDetail)
    assert person["employee_id"] == INDIVIDUAL_ID and person["team"] == MANAGER_TEAM
    assert set(person["domains"]) == set(DOMAINS) == set(person["self_view"])
    assert person["level_title"] and person["version"] >= 1 and person["rubric_version"]
    for found in person["disagreements"]:
        assert abs(found["self_level"] - found["manager_level"]) >= 2


def test_teams_are_scoped_and_a_team_shows_members_levels_and_weakest_domains(api):
    assert len(ok(api("hr").get("/api/v1/teams"), schemas.Teams)["teams"]) == 6
    assert [t["slug"] for t in ok(api("manager").get("/api/v1/teams"), schemas.Teams)["teams"]] == [MANAGER_TEAM]
    assert ok(api("individual").get("/api/v1/teams"), schemas.Teams)["teams"] == []
    team = ok(api("manager").get(f"/api/v1/teams/{MANAGER_TEAM}"), schemas.TeamDetail)
    assert {m["employee_id"] for m in team["members"]} == PLATFORM
    assert team["headcount"] == len(PLATFORM) == sum(team["level_counts"].values())
    assert len(team["weakest_domains"]) == 3 and MANAGER_ID in team["manager_ids"]


def test_the_history_lists_every_assessment_oldest_first(api):
    history = ok(api("manager").get(f"/api/v1/people/{TEAMMATE_ID}/assessments"), schemas.History)
    times = [entry["at"] for entry in history["assessments"]]
    assert times and times == sorted(times)
    assert history["employee_id"] == TEAMMATE_ID and history["version"] >= 1


@pytest.mark.parametrize("role", ["manager", "individual"])
def test_assessing_returns_201_the_new_version_and_where_the_history_is(api, version_of, role):
    target, kind = (TEAMMATE_ID, "manager") if role == "manager" else (INDIVIDUAL_ID, "self")
    before = version_of(target)
    response = api(role).post(f"/api/v1/people/{target}/assessments",
                              json={"levels": {"evaluation": 3}, "evidence": "https://example.org/eval-suite",
                                    "kind": kind, "version": before})
    recorded = ok(response, schemas.AssessmentRecorded, status=201)
    assert recorded == {"employee_id": target, "kind": kind, "levels": {"evaluation": 3}, "version": before + 1}
    assert response.headers["Location"] == f"/api/v1/people/{target}/assessments"
    history = api(role).get(response.headers["Location"]).get_json()["assessments"]
    assert history[-1]["kind"] == kind and history[-1]["evidence"] == "https://example.org/eval-suite"


def test_a_roadmap_reaches_the_target_level_and_shows_the_other_tracks(api):
    url = f"/api/v1/people/{INDIVIDUAL_ID}/roadmap?target_level=4&track=data_professional"
    roadmap = ok(api("individual").get(url), schemas.Roadmap)
    assert roadmap["target_level"] == 4 and roadmap["target_track"] == "data_professional"
    assert roadmap["steps"][-1]["to"] == {"track": "data_professional", "level": 4}
    assert {r["target_track"] for r in roadmap["alternatives"]} == set(TRACKS) - {"data_professional"}


def test_hr_sees_the_stage_and_the_plan(api):
    stage = ok(api("hr").get("/api/v1/org/stage"), schemas.OrgStage)
    # headcount is the AI workforce the gates read (issue 10: the 30 business-track people are outside it).
    assert stage["headcount"] == 50 and stage["total_headcount"] == 80 and stage["people"] == "/api/v1/people"
    everyone = ok(api("hr").get(stage["people"]), schemas.People)["people"]
    assert {t["team"] for t in stage["teams"]} == {e["team"] for e in everyone}
    plan = ok(api("hr").get("/api/v1/org/plan?target_stage=3&per_quarter=2"), schemas.Plan)
    assert plan["target_stage"]["number"] == 3 and plan["per_quarter"] == 2 and plan["what_if"] is None
    assert any(phase["critical"] for phase in plan["phases"])


def test_what_if_hires_and_promotions_project_the_organisation_before_planning(api):
    plain = ok(api("hr").get("/api/v1/org/plan?target_stage=3"), schemas.Plan)
    what_if = ok(api("hr").post("/api/v1/org/plan", json={
        "target_stage": 3,
        "hires": [{"level": 3, "domains": ["observability", "evaluation"]}] * 3,
        "promotions": [{"employee_id": TEAMMATE_ID, "level": 3}],
    }), schemas.Plan)
    assert plain["what_if"] is None and what_if["what_if"]["total_headcount"] == 83
    assert what_if["what_if"]["level_counts"]["3"] >= 4
    assert what_if["total_hires"] + what_if["total_promotions"] < plain["total_hires"] + plain["total_promotions"]


def test_everyone_reads_the_rubric_in_use(api):
    rubric = ok(api("individual").get("/api/v1/rubric"), schemas.ActiveRubric)
    assert [d["slug"] for d in rubric["rubric"]["domains"]] == list(DOMAINS)
    assert all(len(d["descriptors"]) == 5 for d in rubric["rubric"]["domains"])
    assert [lv["number"] for lv in rubric["rubric"]["levels"]] == [1, 2, 3, 4, 5]
    assert rubric["rubric"]["stages"] and rubric["rubric"]["phases"] and rubric["label"]


def test_answers_are_never_cached(api):
    assert api("hr").get("/api/v1/people").headers["Cache-Control"] == "no-store"


def test_the_people_list_pages_by_name_and_next_leads_to_every_person_once(login):
    client, url, seen = login("hr"), "/api/v1/people?limit=30", []
    while url:
        page = ok(client.get(url), schemas.People)
        assert page["total"] == 80 and page["limit"] == 30
        seen += [p["employee_id"] for p in page["people"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 80


def test_the_people_list_searches_and_filters_like_the_people_page(login):
    client = login("hr")
    found = ok(client.get("/api/v1/people?team=platform&domain=evaluation&min_level=3"), schemas.People)
    assert found["people"] and found["total"] == len(found["people"])
    assert all(p["team"] == "platform" and p["domains"]["evaluation"] >= 3 for p in found["people"])
    named = ok(client.get(f"/api/v1/people?q={TEAMMATE_ID.lower()}"), schemas.People)["people"]
    assert [p["employee_id"] for p in named] == [TEAMMATE_ID]
    level_two = ok(client.get("/api/v1/people?level=2&limit=200"), schemas.People)["people"]
    assert level_two and {p["level"] for p in level_two} == {2}


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "page=0", "domain=cooking", "min_level=6", "level=9"])
def test_bad_paging_or_filters_are_422_naming_the_field(login, query):
    response = login("hr").get(f"/api/v1/people?{query}")
    assert response.status_code == 422, response.get_json()
