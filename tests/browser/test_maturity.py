"""Practice maturity in the browser: HR answers the questionnaire, a manager answers for their team."""

from __future__ import annotations

import re

from playwright.sync_api import expect

APPROVED_TOOLS = ("Is there a list of approved AI tools, used through company-managed accounts rather than "
                  "personal ones?")


def ladder(page, name: str):
    """The headline position on one ladder (a .stat), e.g. "AI Maturity Model (AIMM)"."""
    return page.locator(".stat").filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(name)}")))


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("radiogroup", name=question).get_by_role("radio", name=choice, exact=True).check()


def test_hr_answers_a_missing_practice_and_sees_the_organisation_reach_the_next_level(page, sign_in, screenshot):
    sign_in("hr")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice maturity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice maturity")
    expect(ladder(page, "Skills (EAISM stage)")).to_contain_text("2 Pilots, of 5")
    expect(ladder(page, "AI Maturity Model (AIMM)")).to_contain_text("2 AI usage: chatbots and copilots, of 5")
    aimm = page.get_by_role("region", name="AI Maturity Model (AIMM)", exact=True)
    expect(aimm).to_contain_text("To reach level 3: AI-assisted: consistent use")
    expect(aimm.get_by_role("listitem").filter(has_text=APPROVED_TOOLS)).to_contain_text("(no)")
    screenshot("maturity")

    expect(page.get_by_role("heading", name="Questionnaire: Whole organisation")).to_be_visible()
    expect(page.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio", name="No")).to_be_checked()
    answer(page, APPROVED_TOOLS, "Yes")
    page.get_by_role("button", name="Save answers").click()

    expect(page).to_have_url(re.compile(r"/maturity$"))
    saved = page.get_by_role("status")
    expect(saved).to_contain_text("Answers saved. AIMM: level 2 (AI usage: chatbots and copilots); "
                                  "seven-level model: level 2 (Prompt engineering and controlled use).")
    expect(ladder(page, "AI Maturity Model (AIMM)")).to_contain_text("2 AI usage: chatbots and copilots, of 5")
    expect(ladder(page, "Seven levels of enterprise AI maturity")).to_contain_text(
        "2 Prompt engineering and controlled use, of 7")
    expect(page.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio", name="Yes")).to_be_checked()


def test_a_manager_answers_the_questionnaire_for_their_own_team(page, sign_in):
    sign_in("manager")
    page.get_by_role("link", name="Practice maturity").click()
    expect(page.get_by_role("heading", name="Questionnaire: Platform Engineering")).to_be_visible()
    expect(page.get_by_label("Answer for")).to_have_count(0)  # one team: nothing to switch between
    answer(page, APPROVED_TOOLS, "Partly")
    page.get_by_role("button", name="Save answers").click()
    expect(page).to_have_url(re.compile(r"/maturity\?scope=platform$"))
    expect(page.get_by_role("status")).to_contain_text("Answers saved. AIMM: level")
    expect(page.get_by_role("heading", name="Questionnaire: Platform Engineering")).to_be_visible()
    expect(page.get_by_role("radiogroup", name=APPROVED_TOOLS).get_by_role("radio", name="Partly")).to_be_checked()


def test_an_individual_reads_the_organisations_practice_levels_but_has_nothing_to_answer(page, sign_in):
    sign_in("individual")
    page.get_by_role("link", name="Practice maturity").click()
    expect(ladder(page, "AI Maturity Model (AIMM)")).to_contain_text("AI usage: chatbots and copilots")
    expect(page.get_by_role("heading", name=re.compile("^Questionnaire"))).to_have_count(0)
    expect(page.get_by_role("button", name="Save answers")).to_have_count(0)


def test_the_confirmation_of_saved_answers_is_in_sight_after_saving(page, sign_in):
    sign_in("hr")
    page.goto("/maturity")
    answer(page, APPROVED_TOOLS, "Yes")
    page.get_by_role("button", name="Save answers").click()
    saved = page.get_by_role("status")
    expect(saved).to_contain_text("Answers saved.")
    page.wait_for_load_state("load")  # the browser has jumped to the URL's #fragment by now
    expect(saved).to_be_in_viewport(timeout=1_000)
