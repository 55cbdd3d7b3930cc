"""Bad input is a 422 that names each bad field by its path, in the same error shape as every other error."""

from __future__ import annotations

import pytest

from api.conftest import TEAMMATE_ID
from planner.web.api import schemas

ASSESS = f"/api/v1/people/{TEAMMATE_ID}/assessments"


def problems(response) -> dict[str, str]:
    """``{path: message}`` of a 422, after checking it has the documented shape."""
    assert response.status_code == 422, response.get_json()
    body = schemas.ValidationProblem.model_validate(response.get_json())
    assert body.error.status == 422 and body.error.title == "Unprocessable Entity"
    return {f.path: f.message for f in body.error.fields}


@pytest.fixture
def assess(api, version_of):
    """``assess(**changes)``: a manager's assessment of their report, with `changes` to a valid body."""

    def post(**changes):
        body = {"levels": {"evaluation": 3}, "kind": "manager", "version": version_of(TEAMMATE_ID), **changes}
        return api("manager").post(ASSESS, json=body)

    return post


@pytest.mark.parametrize(("levels", "path"), [
    ({"evaluation": 6}, "levels.evaluation"),
    ({"evaluation": -1}, "levels.evaluation"),
    ({"evaluation": "3"}, "levels.evaluation"),
    ({"evaluation": 2.5}, "levels.evaluation"),
    ({"evaluation": True}, "levels.evaluation"),
    ({"evaluation": None}, "levels.evaluation"),
    ({"prompt_craft": 2}, "levels.prompt_craft"),
    ({}, "levels"),
    ([3], "levels"),
])
def test_a_bad_level_is_named_by_its_path(assess, version_of, levels, path):
    before = version_of(TEAMMATE_ID)
    assert path in problems(assess(levels=levels))
    assert version_of(TEAMMATE_ID) == before


def test_a_whole_number_written_as_a_float_is_a_level(assess):
    assert assess(levels={"evaluation": 3.0}).status_code == 201


@pytest.mark.parametrize("field", ["role", "team", "employee_id", "assessor"])
def test_smuggled_fields_are_rejected(assess, field):
    assert problems(assess(**{field: "hr"})) == {field: "Extra inputs are not permitted"}


def test_every_problem_is_reported_at_once(assess):
    found = problems(assess(levels={"evaluation": 9, "strategy": "high"}, kind="boss", version=0))
    assert set(found) == {"levels.evaluation", "levels.strategy", "kind", "version"}


def test_evidence_has_a_length_limit(assess):
    assert "evidence" in problems(assess(evidence="x" * 2001))
    assert assess(evidence="x" * 2000).status_code == 201


@pytest.mark.parametrize("raw", [b"not json", b'"a string"', b"[]"])
def test_a_body_that_is_not_a_json_object_is_422(api, raw):
    response = api("manager").post(ASSESS, data=raw, content_type="application/json")
    assert "" in problems(response)


@pytest.mark.parametrize(("query", "path"), [
    ("target_level=9", "target_level"),
    ("target_level=three", "target_level"),
    ("track=astronaut", "track"),
])
def test_bad_roadmap_parameters_are_named(api, query, path):
    assert path in problems(api("manager").get(f"/api/v1/people/{TEAMMATE_ID}/roadmap?{query}"))


@pytest.mark.parametrize(("body", "path"), [
    ({"hires": [{"level": 7}]}, "hires[0].level"),
    ({"hires": [{"level": 3, "domains": ["vibes"]}]}, "hires[0].domains[0]"),
    ({"promotions": [{"employee_id": "E1014", "level": 3}, {"employee_id": "E9999", "level": 3}]},
     "promotions[1].employee_id"),
    ({"target_stage": 0}, "target_stage"),
    ({"per_quarter": 0}, "per_quarter"),
])
def test_bad_what_ifs_are_named_by_their_path(api, body, path):
    assert path in problems(api("hr").post("/api/v1/org/plan", json=body))


def test_bad_plan_parameters_are_named(api):
    assert set(problems(api("hr").get("/api/v1/org/plan?target_stage=6&per_quarter=0"))) == {
        "target_stage", "per_quarter"}
