"""Cached answers never outlive a change: after a write, the next read shows it, and equals an uncached read.

The org page, the stage and plan API and the signed-in scope are all kept per
process between requests (planner.services.cache). Each test reads twice (so
the second answer comes from a cache), writes the way a user or `planner import`
would, then reads again.
"""

from __future__ import annotations

import re

import pytest

from perf.conftest import OTHER_TEAM_ID, TEAMMATE_ID, token_for
from planner.domain.model import DOMAINS
from planner.services.cache import clear_caches

PLAN = "/api/v1/org/plan"
ALL_FIVES = {d: 5 for d in DOMAINS}


def stat(html: str, label: str) -> int:
    """The number a stat card on the org page shows under `label`."""
    return int(re.search(rf"<dt>{re.escape(label)}</dt><dd>(\d+)", html).group(1))


def uncached(client, path: str):
    clear_caches()
    return client.get(path)


def test_the_org_page_shows_an_assessment_saved_through_the_team_page(client_for, version_of):
    hr, manager = client_for("hr"), client_for("manager")
    before = hr.get("/org").get_data(as_text=True)
    assert hr.get("/org").get_data(as_text=True) == before
    response = manager.post(f"/team/people/{TEAMMATE_ID}", data={
        **ALL_FIVES, "version": version_of(TEAMMATE_ID), "evidence": "Runs the platform's evaluations"})
    assert response.status_code == 302
    after = hr.get("/org").get_data(as_text=True)
    assert stat(after, "At L3 or above") == stat(before, "At L3 or above") + 1
    assert after == uncached(hr, "/org").get_data(as_text=True)


@pytest.mark.parametrize("path", [PLAN, "/api/v1/org/stage", "/org"])
def test_the_stage_and_plan_show_an_assessment_saved_through_the_api(app, api, version_of, path):
    hr = api("hr")
    before = hr.get(path).get_data(as_text=True)
    assert hr.get(path).get_data(as_text=True) == before
    response = api("manager").post(f"/api/v1/people/{TEAMMATE_ID}/assessments", json={
        "levels": ALL_FIVES, "evidence": "Runs the platform's evaluations", "kind": "manager",
        "version": version_of(TEAMMATE_ID)})
    assert response.status_code == 201
    after = hr.get(path).get_data(as_text=True)
    assert after != before
    assert after == uncached(hr, path).get_data(as_text=True)


def test_the_plan_at_each_pace_is_kept_apart_and_refreshed_together(api, version_of):
    hr = api("hr")
    # Each answer names its own pace: one cache entry shared by both would answer one pace for the other.
    paced = {n: hr.get(f"{PLAN}?target_stage=4&per_quarter={n}").get_json() for n in (1, 2)}
    assert (paced[1]["per_quarter"], paced[2]["per_quarter"]) == (1, 2)
    api("manager").post(f"/api/v1/people/{TEAMMATE_ID}/assessments", json={
        "levels": ALL_FIVES, "evidence": "Runs the platform's evaluations", "kind": "manager",
        "version": version_of(TEAMMATE_ID)})
    after = {n: hr.get(f"{PLAN}?target_stage=4&per_quarter={n}").get_json() for n in (1, 2)}
    clear_caches()
    assert after == {n: hr.get(f"{PLAN}?target_stage=4&per_quarter={n}").get_json() for n in (1, 2)}


def test_a_manager_gains_a_team_as_soon_as_an_import_gives_it_to_them(client_for, reimport):
    manager = client_for("manager")
    assert [t["slug"] for t in manager.get("/api/v1/teams").get_json()["teams"]] == ["platform"]
    assert manager.get(f"/api/v1/people/{OTHER_TEAM_ID}").status_code == 404
    # Everyone on the data team but its lead now reports to the platform lead.
    reimport(lambda row: {**row, "manager_id": "E1013"} if row["team"] == "data" and row["manager_id"] else row)
    assert sorted(t["slug"] for t in manager.get("/api/v1/teams").get_json()["teams"]) == ["data", "platform"]
    assert manager.get(f"/api/v1/people/{OTHER_TEAM_ID}").status_code == 200


def test_a_manager_loses_a_team_as_soon_as_an_import_takes_it_away(client_for, reimport):
    manager = client_for("manager")
    assert manager.get(f"/api/v1/people/{TEAMMATE_ID}").status_code == 200
    assert manager.get(f"/api/v1/people/{TEAMMATE_ID}").status_code == 200
    # The platform team now reports to the head of strategy instead.
    reimport(lambda row: {**row, "manager_id": "E1001"} if row["manager_id"] == "E1013" else row)
    assert manager.get(f"/api/v1/people/{TEAMMATE_ID}").status_code == 404
    assert manager.get("/api/v1/teams").get_json()["teams"] == []


def test_a_replaced_api_token_stops_working_at_once(app):
    old = token_for(app, "hr")
    client = app.test_client()
    for _ in range(2):
        assert client.get(PLAN, headers={"Authorization": f"Bearer {old}"}).status_code == 200
    new = token_for(app, "hr")
    assert client.get(PLAN, headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get(PLAN, headers={"Authorization": f"Bearer {new}"}).status_code == 200
