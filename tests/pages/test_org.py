"""The HR workspace: the organisation's stage, and the hiring plan with what-ifs, exports and a print view."""

from __future__ import annotations

import csv
import io
import re

from .conftest import text_of

WHAT_IF_SIX_L3 = "hires-0-level=3&hires-0-count=6"


def _stage_stat(page: str) -> tuple[str, str]:
    """The what-if panel's stage figure ("2 → 3") and its note ("reaches Production")."""
    match = re.search(r'<dt>Stage</dt><dd>([^<]*?)\s*<span class="stat-note">([^<]*)</span>', page)
    assert match, "no what-if stage figure"
    return match.group(1), match.group(2)


def test_the_org_page_names_the_gate_that_blocks_the_next_stage_in_plain_words(login):
    page = text_of(login("hr").get("/org"))
    assert "What blocks stage 3" in page
    assert "Stage 3 (Production) needs 3 more people at L3+ (has 1 of 4)." in page
    assert 'aria-current="step"' in page and "Stage 2: Pilots" in page


def test_the_org_page_warns_of_the_operationalization_gap_and_a_top_heavy_organisation(login):
    page = text_of(login("hr").get("/org"))
    # People read the message; the code stays out of sight, as a data attribute (issue 10).
    assert '<li data-finding="operationalization_gap">' in page and '<li data-finding="top_heavy">' in page
    assert "alert-code" not in page and "26 builders at L2+ but only 1 at L3+" in page
    assert "Kofi Cho, Ines Romano" in page


def test_the_org_page_shows_each_teams_stage_and_reads_the_stage_on_the_ai_workforce(login):
    page = text_of(login("hr").get("/org"))
    assert "<dt>AI workforce</dt><dd>50" in page and "of 80 people" in page
    rows = dict(re.findall(r'href="/team\?team=([a-z]+)">[^<]+</a></th>\s*<td>(.*?)</td>', page, re.S))
    assert rows["platform"].startswith("2 Pilots")
    assert "No AI workforce" in rows["strategy"]


def test_the_org_page_shows_the_pyramid_coverage_and_links_to_every_team(login):
    page = text_of(login("hr").get("/org"))
    assert 'class="pyramid"' in page and "Everyone holding each level" in page
    assert 'id="org-coverage-caption"' in page
    assert len(re.findall(r'href="/team\?team=[a-z]+"', page)) == 6


def test_the_plan_runs_its_phases_in_order_with_the_l3_phase_marked_critical(login):
    page = text_of(login("hr").get("/hiring"))
    titles = re.findall(r'id="plan-phase-\d-title">.*?</span>\s*([^<]+)</h3>', page, re.S)
    assert [t.strip() for t in titles] == ["AI literacy", "Builders", "Systems engineers", "Architects",
                                           "Transformation leaders"]
    critical = next(part for part in page.split('<li class="phase') if part.startswith(' phase-critical"'))
    assert "Systems engineers" in critical and '<span class="badge badge-critical">Critical</span>' in critical
    # Internal promotions sit beside external hires, with focus domains, rationale and quarter.
    assert "Internal promotions" in critical and "External hires" in critical
    assert "Aisha Voss" in critical and "Focus domains" in critical and "Q1" in critical
    assert "Stage 3 needs 4 people at L3+" in critical


def test_target_stage_and_pace_are_chosen_in_the_page(login):
    page = text_of(login("hr").get("/hiring?target=4&per_quarter=1"))
    assert "<h2 id=\"plan-title\">Stage 2 to stage 4: Platform</h2>" in page
    assert '<option selected value="4">Stage 4: Platform</option>' in page
    assert "at up to 1 hire each" in page


def test_a_bad_pace_is_refused_in_the_form_with_the_field_marked(login):
    response = login("hr").get("/hiring?per_quarter=0")
    assert response.status_code == 422
    assert "Number must be between 1 and 100." in text_of(response)


def test_what_if_hires_change_the_projected_stage_before_anything_is_committed(login, assessment_count):
    client = login("hr")
    count = assessment_count()
    page = text_of(client.get(f"/hiring?target=3&{WHAT_IF_SIX_L3}"))
    assert _stage_stat(page) == ("2 → 3", "reaches Production")
    assert "Hire 6 at L3" in page
    assert "The organisation meets every stage gate" not in page  # stage 4 and 5 still block
    assert assessment_count() == count  # nothing stored


def test_too_few_what_if_hires_say_what_would_still_block(login):
    page = text_of(login("hr").get("/hiring?hires-0-level=3&hires-0-count=2"))
    assert _stage_stat(page) == ("2 → 2", "stays at Pilots")
    assert "Stage 3 (Production) needs" in page


def test_a_what_if_promotion_names_the_person_and_raises_l3_capacity(login):
    page = text_of(login("hr").get("/hiring?promotions-0-employee_id=E1014&promotions-0-level=3"))
    assert "Develop Daria Adeyemi from L2 to L3" in page
    assert re.search(r"<dt>At L3 or above</dt><dd>1 → 2</dd>", page)


def test_a_what_if_promotion_finds_the_person_by_name_in_a_search_field_not_a_dropdown(login):
    client = login("hr")
    assert 'type="search"' in text_of(client.get("/hiring")) and "<optgroup" not in text_of(client.get("/hiring"))
    page = text_of(client.get("/hiring?promotions-0-employee_id=daria+adeyemi&promotions-0-level=3"))
    assert "Develop Daria Adeyemi from L2 to L3" in page


def test_a_promotion_naming_nobody_is_explained_beside_the_field(login):
    response = login("hr").get("/hiring?promotions-0-employee_id=Nobody+Here&promotions-0-level=3")
    assert response.status_code == 422
    assert "Nobody has this name or employee id." in text_of(response)


def test_a_what_if_needs_a_level_for_a_hire(login):
    response = login("hr").get("/hiring?hires-0-count=2")
    assert response.status_code == 422
    assert "Choose the level of this hire." in text_of(response)


def test_the_export_links_carry_the_plan_shown(login):
    page = text_of(login("hr").get(f"/hiring?target=3&per_quarter=2&{WHAT_IF_SIX_L3}"))
    link = re.search(r'href="(/hiring/export\.csv\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert sorted(link.split("?")[1].split("&")) == sorted(
        ["target=3", "per_quarter=2", "hires-0-level=3", "hires-0-count=6"])


def test_the_plan_exports_as_csv_with_a_row_per_phase_and_the_export_is_audited(login, audit):
    response = login("hr").get("/hiring/export.csv?target=3&per_quarter=2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="hiring-plan-stage-3.csv"'
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [r["title"] for r in rows] == ["AI literacy", "Builders", "Systems engineers", "Architects",
                                         "Transformation leaders"]
    assert rows[2]["critical"] == "true" and rows[2]["hires"] == "0" and "E1014" in rows[2]["promotions"]
    actor, _, details = audit("export.plan")[-1]
    assert actor == "hr@meridian.example"
    assert details == {"format": "csv", "target_stage": 3, "per_quarter": 2, "hires": [], "promotions": []}


def test_the_plan_exports_as_markdown_with_the_what_ifs_applied_and_audited(login, audit):
    response = login("hr").get(f"/hiring/export.md?{WHAT_IF_SIX_L3}")
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == 'attachment; filename="hiring-plan-stage-3-what-if.md"'
    text = text_of(response)
    assert text.startswith("# Hiring plan: stage 3 (Production) to stage 3 (Production)")
    assert "### Phase 3: L3 Systems engineers (critical)" in text
    assert audit("export.plan")[-1][2]["hires"] == [{"level": 3, "domains": []}] * 6


def test_an_export_with_bad_parameters_is_refused_and_not_audited(login, audit):
    assert login("hr").get("/hiring/export.csv?target=9").status_code == 422
    assert audit("export.plan") == []


def test_the_print_view_lays_the_plan_out_as_a_document_with_a_script_free_fallback(login):
    response = login("hr").get("/hiring/print?target=3")
    page = text_of(response)
    assert response.status_code == 200
    assert "<h1>Hiring plan: stage 2 to stage 3</h1>" in page
    assert "Phases at a glance" in page and '<span class="badge badge-critical">Critical</span>' in page
    assert '<button class="btn btn-primary" type="button" data-print hidden>Print</button>' in page
    assert '<script src="/static/js/print.js"></script>' in page
    assert "Use your browser's print command" in page
