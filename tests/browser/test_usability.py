"""Keyboard use, a clean console under the CSP on every workspace page, and a phone-width layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, WORKSPACES

#: How many Tab presses a test allows to reach something before calling it unreachable.
MAX_TABS = 120


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def has_focus_ring(locator) -> bool:
    return locator.evaluate("e => { const s = getComputedStyle(e); return s.outlineStyle !== 'none' "
                            "&& parseFloat(s.outlineWidth) >= 2; }")


def test_the_skip_link_and_the_self_assessment_form_work_from_the_keyboard_alone(page, live_server):
    # Sign in without the mouse.
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type("uma.patel@meridian.example")
    page.keyboard.press("Tab")
    page.keyboard.type("planner-demo")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/me")

    # The first Tab reaches the skip link, shown with a focus ring; Enter moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert has_focus_ring(skip)
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")  # the first thing in the content, past the navigation
    expect(page.get_by_role("link", name="Update my self-assessment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My self-assessment")

    # Radio groups: Tab into a group, arrows choose, Space picks.
    tab_to(page, "input[name=evaluation]")
    evaluation = page.get_by_role("group", name="Evaluation", exact=True)
    assert has_focus_ring(evaluation.get_by_role("radio", name=re.compile(r"^Level 0\b")))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(evaluation.get_by_role("radio", name=re.compile(r"^Level 3\b"))).to_be_checked()
    tab_to(page, "input[name=observability]")
    page.keyboard.press("Space")
    expect(page.get_by_role("group", name="Observability", exact=True).get_by_role(
        "radio", name=re.compile(r"^Level 0\b"))).to_be_checked()
    tab_to(page, "textarea#evidence")
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save my self-assessment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your self-assessment is saved.")
    newest = page.get_by_role("table", name=re.compile("Assessment history")).get_by_role("row").nth(1)
    expect(newest).to_contain_text("Evaluation 3")
    expect(newest).to_contain_text("Typed without a mouse.")


def test_the_what_if_panel_opens_and_fills_from_the_keyboard(page, sign_in):
    sign_in("hr")
    page.goto("/hiring")
    tab_to(page, ".what-if > summary")
    page.keyboard.press("Enter")  # a <details> opens with Enter (or Space)
    expect(page.get_by_label("Hire 1: level")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Hire 1: level")).to_be_focused()
    page.keyboard.press("ArrowDown")  # "No hire" → L1, a closed select changes with the arrows
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Hire 1: level")).to_have_value("3")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    tab_to(page, ".what-if button[type=submit]")
    expect(page.get_by_role("button", name="Project the stage")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="What-if: projected before committing")).to_contain_text("Hire 2 at L3")


@pytest.mark.parametrize("role", sorted(WORKSPACES))
def test_every_workspace_page_loads_with_a_clean_console_and_no_csp_violation(page, sign_in, browser_log, role):
    sign_in(role)
    for path in WORKSPACES[role]:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        expect(page.locator("h1")).to_be_visible()
        page.wait_for_load_state("load")
    assert browser_log.errors == [], f"console errors as {role}: {browser_log.errors}"


def test_at_phone_width_no_workspace_page_scrolls_sideways_and_wide_tables_scroll_in_place(new_page, sign_in,
                                                                                          screenshot):
    phone = sign_in("manager", new_page(viewport=PHONE))
    for path in WORKSPACES["manager"]:
        phone.goto(path)
        widths = phone.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{path} scrolls sideways at {PHONE['width']}px: {widths}"
    phone.goto("/team")
    nav = phone.get_by_role("navigation", name="Main")
    for link in ("My team", "My roadmap", "Practice maturity", "Skills matrix", "Account"):
        expect(nav.get_by_role("link", name=link)).to_be_in_viewport()
    screenshot("team-phone", on=phone)
    heatmap = phone.locator(".table-wrap").filter(has=phone.get_by_role("table", name="Level per domain"))
    assert heatmap.evaluate("e => e.scrollWidth <= e.clientWidth")  # a card per person: no sideways scrolling
    strategy = heatmap.locator("td[data-label=Strategy]").first
    strategy.scroll_into_view_if_needed()  # down, not sideways: the last domain is on the card
    expect(strategy).to_be_in_viewport()
