"""An individual in the browser: my level and radar, my route on the career map, my history, my self-assessment."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_my_roadmap_shows_my_radar_my_drawn_path_and_my_history_and_i_can_choose_another_route(
        page, sign_in, screenshot):
    sign_in("individual")
    expect(page.get_by_role("heading", level=1)).to_have_text("My roadmap")
    expect(page.get_by_text("Uma Patel · Software engineer track")).to_be_visible()
    expect(page.get_by_role("region", name="My level", exact=True)).to_contain_text("L2 AI Builder")

    radar = page.get_by_role("img", name=re.compile("My level in each domain against what L3 needs"))
    expect(radar).to_be_visible()
    assert radar.bounding_box()["height"] > 200  # drawn, not collapsed
    screenshot("me")
    radar_card = page.get_by_role("region", name="My domains against L3")
    radar_card.get_by_text("Show the numbers").click()
    numbers = radar_card.get_by_role("table")
    expect(numbers).to_be_visible()
    expect(numbers.get_by_role("row", name=re.compile("^Evaluation"))).to_contain_text(re.compile(r"1\s*3\s*\+2"))

    path = page.get_by_role("img", name=re.compile("My route on the career map"))
    expect(path).to_be_visible()
    expect(page.locator("figcaption").filter(has_text="Path:")).to_contain_text(
        "Path: Software engineer L2 → Software engineer L3 (key move)")
    expect(path.locator(".map-edge-path")).to_have_count(1)  # my step, highlighted
    for track in ("Product manager", "Data professional", "Business roles"):  # the other tracks, visible
        expect(path.get_by_text(track, exact=True)).to_be_visible()
    expect(page.locator("ol.steps > li").first).to_contain_text("Key move")

    history = page.get_by_role("table", name=re.compile("Assessment history"))
    expect(history.get_by_role("row")).to_have_count(4)  # a header and three assessments, newest first
    expect(history.get_by_role("row").nth(3)).to_contain_text("16 Mar 2026")
    expect(page.get_by_role("img", name=re.compile("My EAISM level over time"))).to_be_visible()

    # Another target and track, chosen in the page.
    page.get_by_label("Target level").select_option(label="L4 AI Architect")
    page.get_by_label("On the track").select_option(label="Data professional")
    page.get_by_role("button", name="Show the route").click()
    expect(page).to_have_url(re.compile(r"/me\?target=4&track=data_professional$"))
    expect(page.get_by_role("heading", name="My roadmap to L4 as Data professional")).to_be_visible()
    expect(page.get_by_label("On the track")).to_have_value("data_professional")
    expect(page.locator("figcaption").filter(has_text="Path:")).to_contain_text("Data professional L4")


def test_i_rate_myself_and_see_my_view_beside_my_managers_without_my_level_changing(page, sign_in):
    sign_in("individual")
    page.get_by_role("link", name="Update my self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My self-assessment")
    evaluation = page.get_by_role("group", name="Evaluation", exact=True)
    expect(evaluation).to_contain_text("Manager: Level L1")
    evaluation.get_by_role("radio", name=re.compile(r"^Level 3\b")).check()
    page.get_by_role("group", name="Observability", exact=True).get_by_role(
        "radio", name=re.compile(r"^Level 2\b")).check()
    page.get_by_label("Evidence").fill("I run the nightly evaluation suite for the routing service.")
    page.get_by_role("button", name="Save my self-assessment").click()

    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_role("status")).to_contain_text("Your self-assessment is saved.")
    # My level stays: only my manager's assessment changes it.
    expect(page.get_by_role("region", name="My level", exact=True)).to_contain_text("L2 AI Builder")
    views = page.get_by_role("table", name=re.compile("Manager \\(scored\\) and my self-assessment"))
    expect(views).to_contain_text("1 domain differs by 2 levels or more.")
    expect(views.get_by_role("row", name=re.compile("^Evaluation"))).to_contain_text("2 levels apart")
    newest = page.get_by_role("table", name=re.compile("Assessment history")).get_by_role("row").nth(1)
    expect(newest).to_contain_text("Self")
    expect(newest).to_contain_text("I run the nightly evaluation suite")
