"""HR in the browser: where the organisation stands, then a hiring plan built, tried, exported and printed."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect


def stat(within, name: str):
    """The headline number called `name` (a <div class="stat"> with its <dt>) on a page or in a part of one."""
    page = getattr(within, "page", within)
    return within.locator(".stat").filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(name)}$")))


def phase(page, title: str):
    """A phase card of the plan's timeline, by its title."""
    return page.get_by_role("article", name=re.compile(re.escape(title)))


def test_hr_sees_the_stage_and_the_gate_that_blocks_the_next_one(page, sign_in, screenshot):
    sign_in("hr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    expect(stat(page, "Stage")).to_contain_text("2 Pilots, of 5")
    expect(stat(page, "At L3 or above")).to_contain_text("1")
    blocker = page.locator(".alert").filter(has_text="What blocks stage 3").first
    expect(blocker).to_contain_text("Stage 3 (Production) needs 3 more people at L3+ (has 1 of 4).")
    warnings = page.get_by_role("list", name="Warnings")
    expect(warnings).to_contain_text("26 builders at L2+ but only 1 at L3+")
    expect(warnings).to_contain_text("2 senior strategy profiles (Kofi Cho, Ines Romano)")
    expect(warnings).not_to_contain_text("operationalization_gap")  # people read messages, not codes
    expect(stat(page, "AI workforce")).to_contain_text("50 of 80 people")
    expect(page.get_by_role("table", name="Everyone holding each level")).to_be_visible()
    expect(page.get_by_role("table", name="AI workforce at each level, by domain")).to_be_visible()
    teams = page.get_by_role("table", name=re.compile("^Teams, their own stage"))
    expect(teams.get_by_role("row", name=re.compile("^Platform"))).to_contain_text("2 Pilots")
    screenshot("org")

    page.get_by_role("link", name="Plan hiring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiring plan")


def test_hr_builds_a_hiring_plan_tries_a_what_if_exports_it_and_prints_it(page, sign_in, screenshot):
    sign_in("hr")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hiring plan").click()

    # Choose where to go and how fast.
    page.get_by_label("Target stage").select_option(label="Stage 4: Platform")
    page.get_by_label("Hires per quarter").fill("2")
    page.get_by_role("button", name="Update plan").click()
    expect(page).to_have_url(re.compile(r"/hiring\?target=4&per_quarter=2"))
    expect(page.get_by_role("heading", name="Stage 2 to stage 4: Platform")).to_be_visible()
    expect(stat(page, "Duration")).to_contain_text("at up to 2 hires each")

    # The phases run in order; the L3 systems engineers phase, and only that one, is critical.
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(5)
    expect(timeline.locator("h3")).to_contain_text(
        ["AI literacy", "Builders", "Systems engineers", "Architects", "Transformation leaders"])
    critical = phase(page, "Systems engineers")
    expect(critical.get_by_text("Critical", exact=True)).to_be_visible()
    expect(page.locator(".phase-card").get_by_text("Critical", exact=True)).to_have_count(1)
    expect(critical.get_by_role("region", name="Internal promotions")).to_contain_text("Aisha Voss")
    expect(critical.get_by_role("region", name="External hires")).to_be_visible()
    page.get_by_role("heading", name="Phases, in order").evaluate(
        "e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 24)")
    screenshot("hiring")

    # Export what is shown, as CSV and as Markdown.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "hiring-plan-stage-4.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [r["title"] for r in rows] == ["AI literacy", "Builders", "Systems engineers", "Architects",
                                         "Transformation leaders"]
    assert [r["critical"] for r in rows] == ["false", "false", "true", "false", "false"]
    assert "E1013" in rows[2]["promotions"]  # Aisha Voss, developed from within

    with page.expect_download() as download:
        page.get_by_role("link", name="Export Markdown").click()
    assert download.value.suggested_filename == "hiring-plan-stage-4.md"
    markdown = open(download.value.path(), encoding="utf-8").read()
    assert markdown.startswith("# Hiring plan: stage 2 (Pilots) to stage 4 (Platform)")
    assert "### Phase 3: L3 Systems engineers (critical)" in markdown
    assert "- Aisha Voss (E1013), L2 to L3" in markdown

    # What if six L3 engineers strong in observability were hired? Nothing is saved.
    page.get_by_text("What if…").click()
    page.get_by_label("Hire 1: level").select_option("L3")
    first_hire = page.locator(".what-if-row").first
    first_hire.get_by_label("How many").fill("6")
    first_hire.get_by_role("checkbox", name="Observability").check()
    page.get_by_role("button", name="Project the stage").click()
    what_if = page.get_by_role("region", name="What-if: projected before committing")
    expect(what_if).to_be_visible()
    expect(what_if).to_contain_text("Hire 6 at L3, strongest in Observability")
    expect(stat(what_if, "Stage")).to_contain_text("2 → 3 reaches Production")
    expect(stat(what_if, "At L3 or above")).to_contain_text("1 → 7")
    expect(what_if.locator(".alert")).to_contain_text("Stage 4 (Platform) needs")
    screenshot("hiring-what-if")

    # The print view carries the same plan and what-ifs, laid out as a document.
    page.get_by_role("link", name="Print view").click()
    expect(page).to_have_url(re.compile(r"/hiring/print\?.*hires-0-level=3"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiring plan: stage 3 to stage 4")  # after the what-ifs
    expect(page.get_by_role("heading", name="What-ifs applied")).to_be_visible()
    expect(page.get_by_role("table", name="Phases at a glance")).to_contain_text("Critical")
    print_button = page.get_by_role("button", name="Print")  # revealed by print.js
    expect(print_button).to_be_visible()
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    print_button.click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("heading", name="Phases in detail")).to_be_visible()
