"""The manager workspace: the team heatmap and assessing a person, including a save that loses a race."""

from __future__ import annotations

import re

import pytest

from .conftest import TEAMMATE_ID, assessment_form, between, heatmap_row, text_of


def test_the_team_page_shows_the_managers_team_with_heatmap_levels_and_weakest_domains(login):
    page = text_of(login("manager").get("/team"))
    assert "<h1>Platform Engineering</h1>" in page
    assert 'id="team-heatmap"' in page
    assert "Level distribution" in page and "Weakest domains" in page
    # Each person's EAISM level sits beside their name, and links to their assessment page.
    row = heatmap_row(page, "Daria Adeyemi")
    assert f'href="/team/people/{TEAMMATE_ID}"' in row and "lvl-2" in row
    assert "rubric 2026.1" in page


def test_the_heatmap_tells_na_cells_from_unassessed_ones_in_words_as_well_as_colour(login):
    page = text_of(login("hr").get("/team?team=strategy"))
    assert 'class="heat-cell cell-na"' in page and '<span class="heat-note">n/a</span>' in page
    assert 'class="heat-cell cell-unassessed"' in page and "not assessed</span>" in page
    assert "Rated at a level the matrix leaves empty" in page and "Not assessed</li>" in page


def test_hr_switches_between_every_team(login):
    page = text_of(login("hr").get("/team?team=data"))
    switcher = page.split('aria-label="Teams"')[1].split("</nav>")[0]
    assert len(re.findall(r"<li>", switcher)) == 6
    assert 'href="/team?team=data" aria-current="page">Data &amp; Analytics' in switcher


def test_a_manager_of_one_team_gets_no_switcher(login):
    assert 'aria-label="Teams"' not in text_of(login("manager").get("/team"))


def test_the_assessment_form_offers_every_level_with_the_rubrics_descriptor_and_marks_na(login, person):
    stored = person(TEAMMATE_ID)
    page = text_of(login("manager").get(f"/team/people/{TEAMMATE_ID}"))
    assert "Assess Daria Adeyemi" in page
    # The current level is preselected, the descriptor of each level is beside its radio button.
    assert re.search(r'name="evaluation" value="2" checked', page)
    assert "Measures quality automatically: test sets and scoring that run whenever a prompt, model or pipeline changes." in page
    # Evaluation has no level 1 in the matrix: that choice says so, pointing to the one explanation of n/a,
    # and can be picked, since an import can record it too (it counts as 0).
    assert re.search(r'name="evaluation" value="1" aria-describedby="na-meaning">', page)
    assert "n/a: the matrix has no level 1 in Evaluation, so it counts as 0." in page
    assert page.count("n/a marks a level the skills matrix leaves empty") == 1
    assert f'name="version" type="hidden" value="{stored.version}"' in page
    assert 'name="evidence"' in page


def test_saving_an_assessment_adds_history_and_changes_the_heatmap(login, person, assessment_count, audit):
    client = login("manager")
    before, count = person(TEAMMATE_ID), assessment_count()
    response = client.post(f"/team/people/{TEAMMATE_ID}", data=assessment_form(before, evaluation=4))
    assert response.status_code == 302
    assert response.headers["Location"] == "/team?team=platform"
    after = person(TEAMMATE_ID)
    assert after.version == before.version + 1
    assert after.person.profile.get("evaluation") == 4
    assert assessment_count() == count + 8  # one history row per domain, nothing overwritten
    assert audit("assessment.manager")[-1][1] == TEAMMATE_ID
    page = text_of(client.get(response.headers["Location"]))
    assert "Saved the assessment of Daria Adeyemi (now L3" in page
    assert 'title="Evaluation: level 4"' in heatmap_row(page, "Daria Adeyemi")
    assert "Shipped the evaluation suite" in text_of(client.get(f"/team/people/{TEAMMATE_ID}"))


@pytest.mark.parametrize(("evidence", "linked"), [
    ("https://example.org/dashboards/latency", True),
    ("see https://example.org/pr/42", False),
    ("javascript:alert(1)", False),
])
def test_evidence_is_a_link_only_when_it_is_a_single_web_address(login, person, evidence, linked):
    client = login("manager")
    client.post(f"/team/people/{TEAMMATE_ID}", data={**assessment_form(person(TEAMMATE_ID)), "evidence": evidence})
    history = between(text_of(client.get(f"/team/people/{TEAMMATE_ID}")), 'id="person-history-caption"', "</table>")
    assert evidence in history
    assert ('<a href="https://example.org/dashboards/latency" rel="noopener noreferrer">' in history) is linked
    assert 'href="javascript:' not in history


def test_an_assessment_without_evidence_is_refused_with_the_field_named(login, person, assessment_count):
    count = assessment_count()
    data = {**assessment_form(person(TEAMMATE_ID), evaluation=3), "evidence": ""}
    response = login("manager").post(f"/team/people/{TEAMMATE_ID}", data=data)
    assert response.status_code == 422
    assert "Say what shows these levels." in text_of(response)
    assert assessment_count() == count


def test_a_stale_version_answers_409_writes_nothing_and_keeps_what_the_user_chose(login, person, assessment_count):
    client = login("manager")
    opened = person(TEAMMATE_ID)
    # Someone else saves first: evaluation 2 -> 3.
    assert client.post(f"/team/people/{TEAMMATE_ID}", data=assessment_form(opened, evaluation=3)).status_code == 302
    count, latest = assessment_count(), person(TEAMMATE_ID)
    # The user, still on the version they opened, changed observability only.
    data = {**assessment_form(opened, observability=4),
            "started": ",".join("" if v is None else str(v) for v in opened.person.profile.levels)}
    response = client.post(f"/team/people/{TEAMMATE_ID}", data=data)
    assert response.status_code == 409
    assert assessment_count() == count and person(TEAMMATE_ID).version == latest.version
    page = text_of(response)
    assert "Someone else saved first: nothing of yours was saved" in page
    assert f'href="/team/people/{TEAMMATE_ID}">reload the latest</a>' in page
    # The form now holds their evaluation change and the user's observability change, at the latest version.
    assert re.search(r'name="evaluation" value="3" checked', page)
    assert re.search(r'name="observability" value="4" checked', page)
    assert f'name="version" type="hidden" value="{latest.version}"' in page
    assert "Shipped the evaluation suite" in page


def test_self_and_manager_views_sit_side_by_side_with_gaps_of_two_levels_flagged_in_words(client_for, person):
    client = client_for("individual")
    uma = person("E1015")
    data = {**assessment_form(uma, evaluation=4), "evidence": "I run the eval suite"}
    assert client.post("/me/self-assessment", data=data).status_code == 302
    manager = client_for("manager")
    page = text_of(manager.get("/team/people/E1015"))
    row = re.search(r"<tr class=\"row-flagged\">\s*<th scope=\"row\">Evaluation</th>.*?</tr>", page, re.S)
    assert row and f"{4 - uma.person.profile.get('evaluation')} levels apart" in row.group(0)
    assert 'class="flag-icon" aria-hidden="true">!</span>' in row.group(0)
    team = text_of(manager.get("/team"))
    assert "Evaluation: self 4, manager" in team


def test_a_manager_without_a_team_gets_a_friendly_empty_page(new_account):
    response = new_account("new.lead@meridian.example", "manager", "E1016").get("/team")
    assert response.status_code == 200
    assert "You do not manage a team yet" in text_of(response)
