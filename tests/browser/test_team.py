"""A manager assesses their team in the browser: the heatmap, a teammate's form, the history, the flags."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import PHONE


def heatmap_row(page, name: str):
    return page.get_by_role("table", name="Level per domain").get_by_role("row").filter(
        has=page.get_by_role("link", name=name, exact=True))


def level(n: int) -> re.Pattern:
    """The accessible name of a level choice on an assessment form: "Level 3 <what L3 looks like>"."""
    return re.compile(rf"^Level {n}\b")


def test_a_manager_raises_a_teammates_level_with_evidence_and_sees_it_in_the_heatmap_and_history(
        page, sign_in, screenshot):
    sign_in("manager")
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform Engineering")
    heatmap = page.get_by_role("table", name="Level per domain")
    expect(heatmap).to_be_visible()
    expect(heatmap.get_by_role("row")).to_have_count(15)  # a header row and 14 people
    daria = heatmap_row(page, "Daria Adeyemi")
    expect(daria.get_by_title("Evaluation: level 2")).to_be_visible()
    expect(page.locator(".stat").filter(has_text="At L3 or above")).to_contain_text("0")
    screenshot("team")

    daria.get_by_role("link", name="Daria Adeyemi").click()
    expect(page).to_have_url(re.compile(r"/team/people/E1014$"))
    expect(page.get_by_role("heading", name="Assess Daria Adeyemi")).to_be_visible()
    evaluation = page.get_by_role("group", name="Evaluation", exact=True)
    expect(evaluation.get_by_role("radio", name=level(2))).to_be_checked()  # the current level is preselected
    expect(evaluation.get_by_role("radio", name=level(1))).to_be_enabled()  # n/a in the matrix, as imports allow
    evaluation.get_by_text("Measures quality automatically: test sets and scoring that run whenever a prompt, model or pipeline changes.").click()
    expect(evaluation.get_by_role("radio", name=level(3))).to_be_checked()
    page.get_by_label("Evidence").fill("Built the release-gating evaluation suite: https://example.org/pr/1234")
    page.get_by_role("button", name="Save assessment").click()

    expect(page).to_have_url(re.compile(r"/team\?team=platform$"))
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Saved the assessment of Daria Adeyemi \(now L3, scored with rubric 2026\.1"))
    daria = heatmap_row(page, "Daria Adeyemi")
    expect(daria.get_by_title("Evaluation: level 3")).to_be_visible()
    expect(daria.locator(".level-badge")).to_contain_text("L3")
    expect(page.locator(".stat").filter(has_text="At L3 or above")).to_contain_text("1")

    daria.get_by_role("link", name="Daria Adeyemi").click()
    history = page.get_by_role("table", name=re.compile("Assessment history"))
    newest = history.get_by_role("row").nth(1)
    expect(newest).to_contain_text("Manager")
    expect(newest).to_contain_text("Evaluation 3")
    expect(newest).to_contain_text("Built the release-gating evaluation suite: https://example.org/pr/1234")
    expect(page.get_by_role("img", name=re.compile("Daria Adeyemi's level over time"))).to_be_visible()


def test_a_self_assessment_two_levels_off_is_flagged_to_the_manager(page, new_page, sign_in):
    # Uma, at her own computer, rates herself at L4 in evaluation; her manager has her at L1.
    uma = sign_in("individual")
    uma.get_by_role("link", name="Update my self-assessment").click()
    uma.get_by_role("group", name="Evaluation", exact=True).get_by_role("radio", name=level(4)).check()
    uma.get_by_label("Evidence").fill("I wrote the team's evaluation standard.")
    uma.get_by_role("button", name="Save my self-assessment").click()
    expect(uma.get_by_role("status")).to_contain_text("Your self-assessment is saved.")

    aisha = sign_in("manager", new_page())
    expect(aisha.locator(".stat").filter(has_text="Self-assessments 2+ levels apart")).to_contain_text("1")
    people = aisha.get_by_role("table", name=re.compile("each person's level"))
    uma_row = people.get_by_role("row").filter(has=aisha.get_by_role("link", name="Uma Patel", exact=True))
    expect(uma_row).to_contain_text("Evaluation: self 4, manager 1")
    expect(uma_row).to_contain_text("3 levels apart")

    uma_row.get_by_role("link", name="Uma Patel", exact=True).click()
    views = aisha.get_by_role("table", name=re.compile("Manager \\(scored\\) and self-assessment"))
    expect(views).to_contain_text("1 domain differs by 2 levels or more.")
    flagged = views.get_by_role("row", name=re.compile("^Evaluation"))
    expect(flagged).to_contain_text("3 levels apart")
    expect(aisha.get_by_role("group", name="Evaluation", exact=True)).to_contain_text("3 levels apart")


def test_a_refused_save_opens_on_a_focused_error_summary_whose_links_reach_each_field(page, sign_in):
    sign_in("manager")
    page.goto("/team/people/E1014")
    expect(page.get_by_label("Evidence")).to_have_attribute("aria-required", "true")
    expect(page.locator("label[for=evidence]")).to_contain_text("(required)")
    page.get_by_role("button", name="Save assessment").click()  # no evidence

    summary = page.get_by_role("alert").filter(has_text="There is a problem: nothing was saved")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    link = summary.get_by_role("link", name="Say what shows these levels.")
    link.click()
    expect(page.get_by_label("Evidence")).to_be_focused()
    expect(page.get_by_label("Evidence")).to_have_attribute("aria-invalid", "true")


def test_on_a_phone_the_team_page_shows_every_domain_and_each_assess_button_without_sideways_scrolling(
        new_page, sign_in):
    page = new_page(PHONE)
    sign_in("manager", page)
    first = page.get_by_role("table", name="Level per domain").get_by_role("row").nth(1)
    cells = first.locator("td")
    expect(cells).to_have_count(8)
    for n in range(8):
        box = cells.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], n
    for name in ("Daria Adeyemi", "Uma Patel"):
        button = page.get_by_role("link", name=f"Assess {name}")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    badge = page.get_by_role("table", name=re.compile("each person's level")).locator(".level-badge").first
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
