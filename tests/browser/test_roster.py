"""HR's roster in the browser: a leaver archived leaves the stage and the team heatmap; restoring brings them back."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .test_hr import stat


def test_hr_archives_a_leaver_and_the_stage_and_heatmap_change(page, sign_in, screenshot):
    sign_in("hr")
    expect(stat(page, "AI workforce")).to_contain_text("of 80 people")
    expect(stat(page, "At L3 or above")).to_contain_text("1")
    page.goto("/team?team=data")
    heatmap = page.locator("#team-heatmap")
    expect(heatmap.get_by_role("link", name="Hiro Berg")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    screenshot("roster")
    page.get_by_role("link", name="Hiro Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiro Berg")
    page.get_by_role("button", name="Archive Hiro Berg as a leaver").click()
    expect(page).to_have_url(re.compile(r"/people$"))
    expect(page.get_by_role("status")).to_contain_text("Hiro Berg is archived as a leaver")
    expect(page.get_by_role("link", name="Hiro Berg")).to_have_count(0)

    # The organisation loses its only L3 engineer; the data team's heatmap loses his row.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    expect(stat(page, "AI workforce")).to_contain_text("of 79 people")
    expect(stat(page, "At L3 or above")).to_contain_text("0")
    page.goto("/team?team=data")
    expect(page.locator("#team-heatmap").get_by_role("link", name="Hiro Berg")).to_have_count(0)

    # He is listed among the leavers, and restoring him puts everything back.
    page.goto("/people")
    page.get_by_role("link", name="Left (1)").click()
    page.get_by_role("link", name="Hiro Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiro Berg")
    screenshot("roster-leaver")
    page.get_by_role("button", name="Restore Hiro Berg").click()
    expect(page.get_by_role("status")).to_contain_text("back on the roster")
    page.goto("/org")
    expect(stat(page, "AI workforce")).to_contain_text("of 80 people")
    expect(stat(page, "At L3 or above")).to_contain_text("1")


def test_hr_moves_a_person_to_a_new_team(page, sign_in, screenshot):
    sign_in("hr")
    page.goto("/teams")
    page.get_by_label("Team name").fill("Applied Research")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("status")).to_contain_text("Team Applied Research created")
    page.goto("/people/E1014")
    page.get_by_label("Team").select_option(label="Applied Research")
    page.get_by_label("Reports to").select_option(label="Hiro Berg")
    screenshot("roster-person")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Daria Adeyemi")
    page.goto("/team?team=applied-research")
    expect(page.locator("#team-heatmap").get_by_role("link", name="Daria Adeyemi")).to_be_visible()
