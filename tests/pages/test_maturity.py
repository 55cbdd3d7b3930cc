"""Practice maturity: where we stand, the questionnaire by section, KPIs, and who may answer for what."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from planner.db.tables import AuditRow, KpiReadingRow, PracticeAnswerRow
from planner.web.database import get_session

from .conftest import text_of


def _count(app, row) -> int:
    with app.app_context():
        return get_session().execute(select(func.count()).select_from(row)).scalar_one()


def test_hr_sees_the_three_ladders_side_by_side_with_mismatches_and_departments(login):
    page = text_of(login("hr").get("/maturity"))
    assert "Skills (EAISM stage)" in page and "AI Maturity Model (AIMM)" in page
    assert "Seven levels of enterprise AI maturity" in page
    assert "Skills ahead of practices" in page and "Automation without governance" in page
    for internal in ("skills_ahead_of_practices", "ungoverned_automation", "ungrounded_practice", "no_baseline"):
        assert internal not in page
    assert "Departments" in page and "Platform Engineering" in page
    assert "Hiring: L3 Systems engineers (critical)" in page


def test_the_org_page_links_to_practice_maturity(login):
    assert 'href="/maturity"' in text_of(login("hr").get("/org"))


def test_an_individual_sees_the_organisations_levels_but_no_departments_and_cannot_answer(login, app):
    client = login("individual")
    page = text_of(client.get("/maturity"))
    assert "AI Maturity Model (AIMM)" in page
    assert "Departments" not in page and "Questionnaire" not in page
    assert "Where the organisation stands" in page and "Skills and practices side by side" not in page
    assert client.get("/maturity/questionnaire").status_code == 403
    before = _count(app, PracticeAnswerRow)
    assert client.post("/maturity/answers", data={"scope": "", "practice-baseline_metrics": "yes"}).status_code == 403
    assert _count(app, PracticeAnswerRow) == before


def test_a_manager_answers_for_their_own_team_only(login, app):
    client = login("manager")
    assert "Practice questionnaire for Platform Engineering" in text_of(client.get("/maturity/questionnaire"))
    assert "Your team" in text_of(client.get("/maturity"))
    response = client.post("/maturity/answers", data={"scope": "platform", "practice-baseline_metrics": "yes"})
    assert response.status_code == 302
    assert client.post("/maturity/answers", data={"scope": "", "practice-baseline_metrics": "yes"}).status_code == 403
    assert client.post("/maturity/answers", data={"scope": "data", "practice-baseline_metrics": "yes"}).status_code == 404


def test_saving_answers_records_only_changes_and_keeps_the_earlier_ones(login, app):
    client = login("hr")
    before = _count(app, PracticeAnswerRow)
    client.post("/maturity/answers", data={"scope": "", "practice-baseline_metrics": "yes",
                                          "practice-baseline_quality": "yes"})
    after_first = _count(app, PracticeAnswerRow)
    assert after_first > before
    client.post("/maturity/answers", data={"scope": "", "practice-baseline_metrics": "yes"})
    assert _count(app, PracticeAnswerRow) == after_first
    page = text_of(client.get("/maturity"))
    warnings = page.split('id="practice-warnings-title"')[1].split("</section>")[0]
    assert "Automation without governance" in warnings and "No baseline to measure against" not in warnings


def test_an_unknown_practice_is_refused_naming_the_key_and_nothing_is_stored(login, app):
    client = login("hr")
    before = _count(app, PracticeAnswerRow)
    response = client.post("/maturity/answers", data={"scope": "", "practice-not_a_practice": "yes"})
    assert response.status_code == 422
    assert "not_a_practice" in text_of(response)
    assert _count(app, PracticeAnswerRow) == before


def test_a_kpi_reading_needs_a_baseline_before_it_and_is_audited(login, app):
    client = login("hr")
    before = _count(app, KpiReadingRow)
    refused = client.post("/maturity/kpis", data={"scope": "", "kpi": "error_rate", "recorded_on": "2026-11-01",
                                                 "value": "4"})
    assert refused.status_code == 422 and "record the baseline first" in text_of(refused)
    assert "recorded_on:" not in text_of(refused)
    assert client.post("/maturity/kpis", data={"scope": "", "kpi": "error_rate", "recorded_on": "2026-01-01",
                                              "value": "6", "is_baseline": "y"}).status_code == 302
    assert client.post("/maturity/kpis", data={"scope": "", "kpi": "error_rate", "recorded_on": "2026-11-01",
                                              "value": "4"}).status_code == 302
    assert _count(app, KpiReadingRow) == before + 2
    page = text_of(client.get("/maturity/kpis"))
    assert "Error rate" in page and "▲ better" in page
    assert '<time datetime="2026-11-01">1 Nov 2026</time>' in page
    with app.app_context():
        actions = get_session().execute(select(AuditRow.action).where(AuditRow.action == "kpi.record")).all()
    assert len(actions) == 2


def test_the_page_shows_the_aimm_risks_of_the_level_held_and_the_next(login):
    """Issue 10: the AIMM risks, the productivity wall at AIMM 3 among them, are on the page."""
    client = login("hr")
    client.post("/maturity/answers", data={"scope": "", "practice-ai_in_use": "yes", "practice-ai_pilots_run": "yes"})
    page = text_of(client.get("/maturity"))
    assert "Risks to manage" in page and "(AIMM level 2)" in page
    assert "productivity wall" in page and "(AIMM level 3)" in page


def test_a_kpi_reading_of_minus_250_percent_dated_2030_is_refused_beside_its_fields(login, app):
    """Issue 14 item 18: KPI entry validates ranges and dates."""
    client = login("hr")
    before = _count(app, KpiReadingRow)
    refused = client.post("/maturity/kpis", data={"scope": "", "kpi": "error_rate", "recorded_on": "2030-01-01",
                                                 "value": "-250", "is_baseline": "y"})
    page = text_of(refused)
    assert refused.status_code == 422
    assert "Error rate (%) must be from 0 to 100; -250 is outside that." in page
    assert "The date 1 Jan 2030 is in the future; enter the day the value was measured." in page
    assert page.count('class="field-error"') == 2
    assert _count(app, KpiReadingRow) == before


def test_the_questionnaire_is_answered_a_section_at_a_time_with_progress_kept_per_section(login, app):
    """Issue 14 item 16: the questionnaire is split into sections, each saved on its own."""
    client = login("hr")
    with app.app_context():  # the organisation starts over: nothing answered yet
        session = get_session()
        session.execute(delete(PracticeAnswerRow).where(PracticeAnswerRow.team_id.is_(None)))
        session.commit()
    first = text_of(client.get("/maturity/questionnaire"))
    assert "Section 1 of 7: AI awareness: ad hoc use" in first and "Save and continue" in first
    assert "0 of 13 answered" in first  # section 2: nothing stored for it yet
    saved = client.post("/maturity/answers", data={"scope": "", "section": "2", "practice-approved_tools": "yes"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/maturity/questionnaire?section=3")
    after = text_of(client.get(saved.headers["Location"]))
    assert "Section 3 of 7" in after and "Section 2 of 7 saved." in after
    assert "1 of 13 answered" in after and "Back to section 2" in after


def test_a_section_number_out_of_range_opens_the_first_section(login):
    page = text_of(login("hr").get("/maturity/questionnaire?section=99"))
    assert "Section 1 of 7" in page


def test_a_kpi_value_that_is_not_a_number_is_refused_in_plain_words(login):
    refused = login("hr").post("/maturity/kpis", data={"scope": "", "kpi": "error_rate", "recorded_on": "2026-01-01",
                                                      "value": "lots"})
    assert refused.status_code == 422
    assert "Enter a number, such as 12 or 3.5." in text_of(refused) and "float" not in text_of(refused)
