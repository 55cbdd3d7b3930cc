"""Practice maturity in the browser: where we stand, the questionnaire a section at a time, for each role."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import PHONE

APPROVED_TOOLS = ("Is there a list of approved AI tools, used through company-managed accounts rather than "
                  "personal ones?")


def ladder(page, name: str):
    """The headline position on one ladder (a .stat), e.g. "AI Maturity Model (AIMM)"."""
    return page.locator(".stat").filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(name)}")))


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("radiogroup", name=question).get_by_role("radio", name=choice, exact=True).check()


def views(page):
    return page.get_by_role("navigation", name="Practice maturity views")


def test_hr_reads_where_the_organisation_stands_then_answers_a_section_and_sees_the_level_rise(page, sign_in,
                                                                                              screenshot):
    sign_in("hr")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice maturity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice maturity")
    expect(page.get_by_role("heading", name="Skills and practices side by side")).to_be_visible()
    expect(ladder(page, "Skills (EAISM stage)")).to_contain_text("2 Pilots, of 5")
    expect(ladder(page, "AI Maturity Model (AIMM)")).to_contain_text("2 AI usage: chatbots and copilots, of 5")
    aimm = page.get_by_role("region", name="AI Maturity Model (AIMM)", exact=True)
    expect(aimm).to_contain_text("To reach level 3: AI-assisted: consistent use")
    expect(aimm.get_by_role("listitem").filter(has_text="Approved AI tools on company accounts")).to_contain_text(
        "(not in place)")
    expect(page.get_by_role("heading", name="Risks to manage")).to_be_visible()
    expect(page.get_by_text("the productivity wall where most organisations stall")).to_be_visible()
    expect(page.get_by_role("radiogroup")).to_have_count(0)  # the questionnaire has its own view
    screenshot("maturity")

    views(page).get_by_role("link", name="Questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice questionnaire")
    expect(page.get_by_role("heading", name="Section 1 of 7: AI awareness: ad hoc use")).to_be_visible()
    sections = page.get_by_role("navigation", name="Questionnaire sections")
    sections.get_by_role("link", name=re.compile("^2. Prompt engineering")).click()
    expect(page.get_by_role("heading", name="Section 2 of 7: Prompt engineering and controlled use")).to_be_visible()
    expect(page.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio", name="No")).to_be_checked()
    answer(page, APPROVED_TOOLS, "Yes")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/maturity/questionnaire\?section=3$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Section 2 of 7 saved. AIMM: level 2 (AI usage: chatbots and copilots); "
        "seven-level model: level 2 (Prompt engineering and controlled use).")
    expect(page.get_by_role("status")).to_be_in_viewport()
    expect(page.get_by_role("heading", name=re.compile("^Section 3 of 7"))).to_be_visible()
    page.get_by_role("link", name="Back to section 2").click()
    expect(page.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio", name="Yes")).to_be_checked()
    views(page).get_by_role("link", name="Where we stand").click()
    expect(ladder(page, "Seven levels of enterprise AI maturity")).to_contain_text(
        "2 Prompt engineering and controlled use, of 7")


def test_a_manager_answers_the_questionnaire_for_their_own_team(page, sign_in, screenshot):
    sign_in("manager")
    page.get_by_role("link", name="Practice maturity").click()
    expect(page.get_by_role("heading", name="Your team")).to_be_visible()
    views(page).get_by_role("link", name="Questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice questionnaire for Platform Engineering")
    expect(page.get_by_label("Answer for")).to_have_count(0)  # one team: nothing to switch between
    page.get_by_role("navigation", name="Questionnaire sections").get_by_role(
        "link", name=re.compile("^2. Prompt engineering")).click()
    expect(page.get_by_role("heading", name=re.compile("^Section 2 of 7"))).to_be_visible()
    screenshot("maturity-questionnaire")
    answer(page, APPROVED_TOOLS, "Partly")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/maturity/questionnaire\?scope=platform&section=3$"))
    expect(page.get_by_role("status")).to_contain_text("Section 2 of 7 saved. AIMM: level")
    page.get_by_role("link", name="Back to section 2").click()
    expect(page.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio", name="Partly")).to_be_checked()


def test_an_individual_reads_the_organisations_practice_levels_but_has_nothing_to_answer(page, sign_in):
    sign_in("individual")
    page.get_by_role("link", name="Practice maturity").click()
    expect(page.get_by_role("heading", name="Where the organisation stands")).to_be_visible()
    expect(ladder(page, "AI Maturity Model (AIMM)")).to_contain_text("AI usage: chatbots and copilots")
    expect(page.get_by_role("navigation", name="Practice maturity views")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)


def test_on_a_phone_a_questionnaire_section_fits_the_screen_and_answers_sit_in_a_row(new_page, sign_in, screenshot):
    phone = new_page(viewport=PHONE)
    sign_in("hr", on=phone)
    phone.goto("/maturity/questionnaire?section=2")
    expect(phone.get_by_role("heading", name=re.compile("^Section 2 of 7"))).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    choices = phone.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio")
    tops = {round(choices.nth(i).bounding_box()["y"]) for i in range(3)}
    assert len(tops) == 1, "yes, partly and no sit side by side"
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 24_000 / 2, f"one section is a fraction of the old 24,000 px page ({height} px)"
    screenshot("maturity-phone", on=phone)
