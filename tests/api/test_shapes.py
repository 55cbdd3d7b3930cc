"""The API answers the CLI's questions in the CLI's JSON, value for value, for the same database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.conftest import TEAMMATE_ID
from planner.cli.analysis import assess, plan, roadmap
from planner.db import repository
from planner.domain.sequencing import HypotheticalHire, project
from planner.domain.staging import assess_org
from planner.reports import assessment_dict
from planner.services.rubrics import organisation_rubric
from planner.web.database import get_session


@pytest.fixture
def cli_json(database):
    """``cli_json(command, *args)``: the command's ``--format json`` output over the test's database."""

    def run(command, *args: str):
        result = CliRunner().invoke(command, [*args, "--format", "json"],
                                    env={"PLANNER_DATABASE_URL": f"sqlite:///{database}"}, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run


def test_org_stage_is_planner_assess_with_a_link_to_the_people_instead_of_everyone(api, cli_json):
    expected = cli_json(assess)
    del expected["employees"]  # listed page by page at /api/v1/people
    assert api("hr").get("/api/v1/org/stage").get_json() == {**expected, "people": "/api/v1/people"}


@pytest.mark.parametrize(("query", "args"), [
    ("", ()),
    ("target_stage=3&per_quarter=2", ("--target-stage", "3", "--per-quarter", "2")),
    ("target_stage=5", ("--target-stage", "5")),
])
def test_org_plan_is_planner_plan(api, cli_json, query, args):
    answer = api("hr").get(f"/api/v1/org/plan?{query}").get_json()
    assert answer.pop("what_if") is None
    assert answer == cli_json(plan, *args)


@pytest.mark.parametrize(("query", "args"), [
    ("", ()),
    ("target_level=4", ("--target-level", "4")),
    ("target_level=3&track=product_manager", ("--target-level", "3", "--track", "product_manager")),
])
def test_a_roadmap_is_planner_roadmap(api, cli_json, query, args):
    answer = api("hr").get(f"/api/v1/people/{TEAMMATE_ID}/roadmap?{query}").get_json()
    assert answer.pop("alternatives")
    assert answer == cli_json(roadmap, "--employee", TEAMMATE_ID, *args)


def test_each_listed_person_is_an_entry_of_planner_assess(api, cli_json):
    everyone = {e["employee_id"]: e for e in cli_json(assess)["employees"]}
    people = api("hr").get("/api/v1/people").get_json()["people"]  # listed by name, one page of 80
    assert {p["employee_id"]: p for p in people} == everyone
    assert [p["name"] for p in people] == sorted(p["name"] for p in people)
    detail = api("hr").get(f"/api/v1/people/{TEAMMATE_ID}").get_json()
    assert {key: detail[key] for key in everyone[TEAMMATE_ID]} == everyone[TEAMMATE_ID]


def test_what_if_is_the_projected_organisation_in_the_assess_shape(app, api):
    hires = [{"level": 3, "domains": ["observability"]}, {"level": 2, "domains": []}]
    answer = api("hr").post("/api/v1/org/plan", json={
        "hires": hires, "promotions": [{"employee_id": TEAMMATE_ID, "level": 3}]}).get_json()
    with app.app_context():
        session = get_session()
        org = repository.find_organisation(session)
        now = assess_org(organisation_rubric(session, organisation_id=org.id).rubric,
                         repository.load_people(session, organisation_id=org.id))
    projected = project(now, [HypotheticalHire(h["level"], tuple(h["domains"])) for h in hires], [(TEAMMATE_ID, 3)])
    assert answer["what_if"] == assessment_dict(projected, employees=False)
