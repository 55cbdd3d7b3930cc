"""Every API route x role x target answers exactly as the scoping rules say, and denials are audited.

HR sees everyone; a manager sees their own team(s) and themselves and assesses their
reports; an individual sees only themselves. Records outside the caller's scope are
404, like missing ones; records in scope that the caller may not act on are 403.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from api.conftest import INDIVIDUAL_ID, MANAGER_ID, MANAGER_TEAM, OTHER_TEAM, OTHER_TEAM_ID, TEAMMATE_ID
from planner.db.tables import AuditRow
from planner.web.database import get_session

#: The person each demo account is; HR's account is nobody on the roster, so its "own" is Qing Dunn, head of
#: strategy, whom HR sees like anyone else but may not self-assess.
OWN = {"hr": "E1001", "manager": MANAGER_ID, "individual": INDIVIDUAL_ID}
MISSING = "E9999"
#: Targets per role: their own record, a member of the manager's team, someone on another team, nobody.
TARGETS = ("own", "teammate", "other_team", "missing")
#: The demo individual is on the manager's team, so "teammate" is always E1014 and never the caller.
PERSON = {"teammate": TEAMMATE_ID, "other_team": OTHER_TEAM_ID, "missing": MISSING}

VIEW = {
    "hr": {"own": 200, "teammate": 200, "other_team": 200, "missing": 404},
    "manager": {"own": 200, "teammate": 200, "other_team": 404, "missing": 404},
    "individual": {"own": 200, "teammate": 404, "other_team": 404, "missing": 404},
}
MANAGER_ASSESSMENT = {
    "hr": {"own": 403, "teammate": 403, "other_team": 403, "missing": 404},
    "manager": {"own": 403, "teammate": 201, "other_team": 404, "missing": 404},
    "individual": {"own": 403, "teammate": 404, "other_team": 404, "missing": 404},
}
SELF_ASSESSMENT = {
    "hr": {"own": 403, "teammate": 403, "other_team": 403, "missing": 404},
    "manager": {"own": 201, "teammate": 403, "other_team": 404, "missing": 404},
    "individual": {"own": 201, "teammate": 404, "other_team": 404, "missing": 404},
}
TEAM = {
    "hr": {MANAGER_TEAM: 200, OTHER_TEAM: 200, "no-such-team": 404},
    "manager": {MANAGER_TEAM: 200, OTHER_TEAM: 404, "no-such-team": 404},
    "individual": {MANAGER_TEAM: 404, OTHER_TEAM: 404, "no-such-team": 404},
}
HR_ONLY = [("GET", "/api/v1/org/stage"), ("GET", "/api/v1/org/plan"), ("POST", "/api/v1/org/plan"),
           ("GET", "/api/v1/users")]
EVERYONE = [("GET", "/api/v1/people"), ("GET", "/api/v1/teams"), ("GET", "/api/v1/rubric")]
ROLES = tuple(VIEW)


def person(role: str, target: str) -> str:
    return OWN[role] if target == "own" else PERSON[target]


def denials(app) -> list[AuditRow]:
    with app.app_context():
        return list(get_session().exec(select(AuditRow).where(AuditRow.action == "access.denied")))


@pytest.mark.parametrize("suffix", ["", "/assessments", "/roadmap"])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_reading_a_person(api, role, target, suffix):
    response = api(role).get(f"/api/v1/people/{person(role, target)}{suffix}")
    assert response.status_code == VIEW[role][target]


@pytest.mark.parametrize(("kind", "rules"), [("manager", MANAGER_ASSESSMENT), ("self", SELF_ASSESSMENT)])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_assessing_a_person(api, version_of, role, target, kind, rules):
    employee_id = person(role, target)
    version = 1 if target == "missing" else version_of(employee_id)
    response = api(role).post(f"/api/v1/people/{employee_id}/assessments",
                              json={"levels": {"prompting": 2}, "kind": kind, "version": version})
    assert response.status_code == rules[role][target], response.get_json()
    if response.status_code != 201:
        assert version == 1 or version_of(employee_id) == version, "a refused assessment changed nothing"


@pytest.mark.parametrize("slug", [MANAGER_TEAM, OTHER_TEAM, "no-such-team"])
@pytest.mark.parametrize("role", ROLES)
def test_reading_a_team(api, role, slug):
    assert api(role).get(f"/api/v1/teams/{slug}").status_code == TEAM[role][slug]


@pytest.mark.parametrize(("method", "url"), HR_ONLY)
@pytest.mark.parametrize("role", ROLES)
def test_the_organisation_is_for_hr_only(api, role, method, url):
    assert api(role).open(url, method=method, json={}).status_code == (200 if role == "hr" else 403)


@pytest.mark.parametrize(("method", "url"), EVERYONE)
@pytest.mark.parametrize("role", ROLES)
def test_lists_and_the_rubric_answer_everyone_within_their_scope(api, role, method, url):
    assert api(role).open(url, method=method).status_code == 200


def test_a_record_outside_the_scope_is_indistinguishable_from_a_missing_one(api):
    hidden = api("manager").get(f"/api/v1/people/{OTHER_TEAM_ID}")
    missing = api("manager").get(f"/api/v1/people/{MISSING}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["error"].keys() == missing.get_json()["error"].keys()


def test_denied_reads_and_refused_assessments_are_audited(app, api, version_of):
    api("manager").get(f"/api/v1/people/{OTHER_TEAM_ID}")
    api("individual").get("/api/v1/org/stage")
    api("manager").post(f"/api/v1/people/{TEAMMATE_ID}/assessments",
                        json={"levels": {"prompting": 2}, "kind": "self", "version": version_of(TEAMMATE_ID)})
    audited = [(row.actor, row.entity_id) for row in denials(app)]
    assert ("aisha.voss@meridian.example", f"GET /api/v1/people/{OTHER_TEAM_ID}") in audited
    assert ("uma.patel@meridian.example", "GET /api/v1/org/stage") in audited
    assert ("aisha.voss@meridian.example", f"POST /api/v1/people/{TEAMMATE_ID}/assessments") in audited


def test_a_missing_record_is_audited_as_a_hidden_one_is(app, api):
    """One path for both (issue 14, item 9): no audit write, and no time, tells them apart."""
    api("hr").get(f"/api/v1/people/{MISSING}")
    assert [(row.actor, row.entity_id) for row in denials(app)] == [("hr@meridian.example",
                                                                     f"GET /api/v1/people/{MISSING}")]


#: The roster's routes (HR only): what HR gets, with a body where one is needed; everyone else gets 403.
ROSTER = {
    ("GET", "/api/v1/roster/people", None): 200,
    ("GET", "/api/v1/roster/people?archived=true", None): 200,
    ("GET", f"/api/v1/roster/people/{TEAMMATE_ID}", None): 200,
    ("GET", f"/api/v1/roster/people/{MISSING}", None): 404,
    ("POST", "/api/v1/roster/people", (("employee_id", "E2001"), ("name", "Noor"), ("track", "business"))): 201,
    ("PATCH", f"/api/v1/roster/people/{TEAMMATE_ID}", (("name", "Daria A."),)): 200,
    ("PATCH", f"/api/v1/roster/people/{MISSING}", (("name", "Nobody"),)): 404,
    ("POST", f"/api/v1/roster/people/{TEAMMATE_ID}/archive", ()): 200,
    ("POST", f"/api/v1/roster/people/{TEAMMATE_ID}/restore", ()): 409,
    ("POST", f"/api/v1/roster/people/{TEAMMATE_ID}/erase", ()): 200,
    ("GET", "/api/v1/roster/teams", None): 200,
    ("POST", "/api/v1/roster/teams", (("name", "Research"),)): 201,
    ("PATCH", f"/api/v1/roster/teams/{OTHER_TEAM}", (("name", "Data"),)): 200,
    ("PATCH", "/api/v1/roster/teams/no-such-team", (("name", "Data"),)): 404,
}


@pytest.mark.parametrize("route", list(ROSTER), ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("role", ROLES)
def test_only_hr_administers_the_roster(api, version_of, role, route):
    method, url, fields = route
    body = None
    if fields is not None:
        body = dict(fields)
        if "/people/" in url and method != "GET":
            body["version"] = 1 if MISSING in url else version_of(TEAMMATE_ID)
        elif "/teams/" in url:
            body["version"] = 1
    before = version_of(TEAMMATE_ID)
    response = api(role).open(url, method=method, json=body)
    assert response.status_code == (ROSTER[route] if role == "hr" else 403), response.get_json()
    if role != "hr":
        assert version_of(TEAMMATE_ID) == before, "a refused roster change changed nothing"
