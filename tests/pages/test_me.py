"""The individual workspace: my level, radar, roadmap on the career map, history and self-assessment."""

from __future__ import annotations

import re

from .conftest import INDIVIDUAL_ID, assessment_form, between, text_of


def test_my_page_shows_my_level_with_the_question_and_scope_the_rubric_gives_it(login):
    page = text_of(login("individual").get("/me"))
    assert "Uma Patel · Software engineer track" in page
    assert '<span class="level-badge-title">AI Builder</span>' in page
    assert "“What can I make with AI: a tool, an automation, a working prototype?”" in page
    assert "A feature, a workflow or a pilot." in page


def test_the_radar_plots_my_domains_against_what_the_next_level_needs(login):
    page = text_of(login("individual").get("/me"))
    radar = between(page, '<svg class="chart-svg" id="my-radar"', "</svg>")
    assert 'role="img"' in radar and '<polygon class="radar-values"' in radar
    assert '<polygon class="radar-requirement"' in radar
    assert "Evaluation: Me now 1, Needed for L3 3." in radar


def test_my_roadmap_is_drawn_as_a_highlighted_path_with_the_other_tracks_visible(login):
    page = text_of(login("individual").get("/me"))
    career = between(page, 'id="my-path"', "</svg>")
    assert "Path: Software engineer L2 → Software engineer L3 (key move)" in career
    assert career.count("map-edge-path") == 1
    for track in ("Product manager", "Data professional", "Business roles"):
        assert f">{track}</text>" in career


def test_each_step_lists_the_domains_to_grow_with_what_the_new_level_looks_like(login):
    page = text_of(login("individual").get("/me"))
    steps = between(page, '<ol class="steps">', "</ol>")
    assert "Step 1:" in steps and "Key move" in steps
    assert "L3 looks like: Measures quality automatically: test sets and scoring that run whenever a prompt, model or pipeline changes." in steps


def test_a_target_level_and_track_are_chosen_in_the_page(login):
    page = text_of(login("individual").get("/me?target=4&track=data_professional"))
    assert "My roadmap to L4 as Data professional" in page
    assert '<option selected value="data_professional">Data professional</option>' in page
    assert "Data professional L4" in page


def test_alternatives_on_other_tracks_show_their_total_effort_and_link_to_their_route(login):
    page = text_of(login("individual").get("/me"))
    table = between(page, 'id="alt-caption"', "</table>")
    assert len(re.findall(r'<td class="num">\d+(\.\d+)?</td>\s*<td><a href="/me\?target=3&amp;track=', table)) == 3


def test_a_target_already_reached_says_so(login):
    page = text_of(login("individual").get("/me?target=1"))
    assert "You already hold L1 on this track." in page


def test_an_unknown_track_is_refused_in_the_form(login):
    response = login("individual").get("/me?track=astronaut")
    assert response.status_code == 422
    assert "Choose one of the options offered." in text_of(response)  # not WTForms' stock "Not a valid choice"


def test_my_history_is_charted_over_time_and_listed(login):
    page = text_of(login("individual").get("/me"))
    assert 'id="my-level-history"' in page and 'id="my-domain-history"' in page
    assert 'id="my-history-caption"' in page and "Quarterly review" in page


def test_a_self_assessment_is_recorded_as_self_and_leaves_my_level_alone(login, person, audit):
    client = login("individual")
    before = person(INDIVIDUAL_ID)
    form = text_of(client.get("/me/self-assessment"))
    assert "Rate yourself" in form and 'name="version"' in form
    data = {**assessment_form(before, evaluation=3), "evidence": "I wrote the regression evals"}
    response = client.post("/me/self-assessment", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    after = person(INDIVIDUAL_ID)
    assert after.person.profile == before.person.profile and after.version == before.version + 1
    assert audit("assessment.self")[-1][:2] == ("uma.patel@meridian.example", INDIVIDUAL_ID)
    page = text_of(client.get("/me"))
    assert "Your self-assessment is saved" in page
    assert '<span class="badge">Self</span>' in page


def test_an_account_not_linked_to_a_person_gets_an_explanation_instead_of_a_roadmap(new_account):
    client = new_account("people.ops@meridian.example", "hr", None)
    for path in ("/me", "/me/self-assessment"):
        response = client.get(path)
        assert response.status_code == 200
        assert "This account has no roadmap of its own" in text_of(response)
    assert ">My roadmap<" not in text_of(client.get("/org"))


def test_a_domain_not_assessed_and_not_needed_next_still_draws_the_radar(new_account):
    """Yara Vance (E1011) has prompting and security unassessed; her next level does not ask for security."""
    response = new_account("yara.vance@meridian.example", "individual", "E1011").get("/me")
    assert response.status_code == 200
    assert 'class="radar' in text_of(response)
