"""Every string a user sees is written for people: no library stock messages, no internal labels."""

from __future__ import annotations

from planner.db import repository
from planner.services.assessments import record_assessment
from planner.services.transactions import Actor

from .conftest import TEAMMATE_ID, text_of


def test_an_assessment_recorded_from_the_command_line_names_the_user_in_words(login, db, person):
    def assess(session):
        org = repository.list_organisations(session)[0]
        record_assessment(session, organisation_id=org.id, employee_id=TEAMMATE_ID,
                          expected_version=person(TEAMMATE_ID).version, levels={"prompting": 3}, kind="manager",
                          evidence="Reviewed in the quarterly calibration.", actor=Actor("cli:root"))

    db(assess)
    page = text_of(login("manager").get(f"/team/people/{TEAMMATE_ID}"))
    assert "root, from the command line" in page
    assert "cli:root" not in page


def test_a_choice_the_form_does_not_offer_is_refused_in_plain_words(login):
    page = text_of(login("hr").get("/hiring?target=abc&hires-0-level=eleven"))
    assert "Invalid Choice" not in page and "could not coerce" not in page
    assert "Choose one of the options offered." in page


def test_a_level_the_assessment_form_does_not_offer_is_refused_in_plain_words(login, person):
    response = login("manager").post(f"/team/people/{TEAMMATE_ID}", data={
        "prompting": "three", "version": str(person(TEAMMATE_ID).version), "evidence": "Shipped it."})
    assert response.status_code == 422
    page = text_of(response)
    assert "could not coerce" not in page
    assert "Prompting: Choose one of the options offered." in page.replace("&amp;", "&")
