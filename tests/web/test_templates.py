"""Every macro and the page shell, rendered with the demo organisation through a bare Jinja environment.

The checks are the issue's rules: nothing a strict CSP would block (inline
styles, ``<style>``, scripts, event handlers), user text escaped, colour never
the only signal, and markup a screen reader can follow.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from planner.domain.sequencing import plan_hiring
from planner.domain.staging import assess_org
from planner.web import charts

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


class Markup(HTMLParser):
    """Collect what the accessibility checks need: ids, id references, images, table headers."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.images_without_alt = 0
        self.header_scopes: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        for name in ("aria-labelledby", "aria-describedby"):
            self.refs += (a.get(name) or "").split()
        if tag == "label" and a.get("for"):
            self.refs.append(a["for"])
        if (a.get("href") or "").startswith("#") and len(a["href"]) > 1:
            self.refs.append(a["href"][1:])
        self.refs += re.findall(r"url\(#([^)]+)\)", a.get("marker-end") or "")
        if tag == "img" and "alt" not in a:
            self.images_without_alt += 1
        if tag == "th":
            self.header_scopes.append(a.get("scope"))


def assert_csp_clean(html: str) -> None:
    assert not re.search(r"<[^>]+\sstyle\s*=", html, re.I), "inline style attribute"
    assert "<style" not in html.lower()
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), "inline event handler"
    assert "javascript:" not in html.lower()


def assert_accessible(html: str) -> None:
    markup = Markup(html)
    duplicated = {i for i in markup.ids if markup.ids.count(i) > 1}
    assert not duplicated, f"duplicate ids: {duplicated}"
    dangling = set(markup.refs) - set(markup.ids)
    assert not dangling, f"references to missing ids: {dangling}"
    assert markup.images_without_alt == 0
    assert None not in markup.header_scopes, "a <th> without scope"


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_gallery_page_obeys_the_csp_and_is_navigable(gallery, static_dir, tmp_path):
    """Render the whole design system in the page shell; PLANNER_PREVIEW_DIR keeps it for screenshots."""
    out = Path(os.environ.get("PLANNER_PREVIEW_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(gallery, encoding="utf-8")
    shutil.copytree(static_dir, out / "static", dirs_exist_ok=True)
    assert_csp_clean(gallery)
    assert_accessible(gallery)
    assert gallery.startswith("<!doctype html>") and '<html lang="en">' in gallery
    assert '<meta name="viewport"' in gallery
    assert '<a class="skip-link" href="#content">' in gallery and '<main id="content"' in gallery
    assert '<link rel="stylesheet" href="static/css/app.css">' in gallery
    assert '<a href="/org" aria-current="page">Organisation</a>' in gallery
    assert '<a href="/team">My team</a>' in gallery
    assert "<title>Component gallery · AI Skills Planner</title>" in gallery
    assert "Signed in as hr@meridian.example." in gallery and 'class="alert alert-success"' in gallery
    assert '<form method="post" action="/logout">' in gallery


def test_the_shell_leaves_out_what_a_page_does_not_fill(env):
    page = env.from_string('{% extends "base.html" %}{% block title %}Sign in{% endblock %}').render()
    assert_csp_clean(page)
    assert "<h1>Sign in</h1>" in page
    for absent in ('class="nav"', 'class="account"', 'class="page-actions"', 'class="lead"', 'class="flashes"'):
        assert absent not in page


def test_nav_items_can_mark_the_current_page_themselves(env):
    page = env.from_string('{% extends "base.html" %}').render(
        nav_items=[{"href": "/me", "label": "My roadmap", "current": True}, {"href": "/rubric", "label": "Rubric"}])
    assert '<a href="/me" aria-current="page">' in page and '<a href="/rubric">' in page


def test_level_badges_print_the_level_not_only_a_colour(macro):
    badge = str(macro("levels.html", "level_badge")(3, "AI Systems Engineer"))
    assert 'class="level-badge lvl-3"' in badge
    assert visible_text(badge).split() == ["Level", "L", "3", "AI", "Systems", "Engineer"]
    assert "level-badge-title" not in str(macro("levels.html", "level_badge")(0))


def test_the_heatmap_is_a_table_with_n_a_and_not_assessed_told_apart(macro, rubric, strategy_team, level_titles):
    html = str(macro("levels.html", "heatmap")(charts.heatmap(strategy_team, rubric), "Strategy Office",
                                                person_url=lambda i: f"/people/{i}", titles=level_titles))
    assert_csp_clean(html)
    assert_accessible(html)
    assert "<caption" in html and html.count('scope="col"') == 9 and html.count('scope="row"') == len(strategy_team)
    assert '<a href="/people/E1002">Kofi Cho</a>' in html
    na = re.findall(r'<div class="heat-cell cell-na"[^>]*><span>(\d)<span class="heat-note">n/a</span>', html)
    unassessed = html.count('<div class="heat-cell cell-unassessed"')
    assert na and unassessed
    assert unassessed == html.count('<span class="visually-hidden">not assessed</span>')
    # the legend explains exactly the kinds the table shows
    assert "Not assessed</li>" in html and "leaves empty: counts as 0 " in html and "AI Transformation Leader</li>" in html
    only_levels = charts.heatmap([s for s in strategy_team if not s.not_assessed][:1], rubric)
    assert "Not assessed</li>" not in str(macro("levels.html", "heatmap")(only_levels, "One"))


def test_the_level_pyramid_lists_levels_from_the_top(macro, assessment, level_titles):
    html = str(macro("org.html", "level_pyramid")(charts.pyramid(assessment.level_counts, level_titles)))
    assert_csp_clean(html)
    rows = re.findall(r'lvl-(\d)".*?<strong>(\d+)</strong>', html, re.S)
    assert rows == [(str(lv), str(assessment.level_counts[lv])) for lv in range(5, -1, -1)]
    assert html.count("<rect") == sum(1 for c in assessment.level_counts if c)
    assert "(50 people)" in html


def test_the_stage_ladder_marks_the_current_stage_and_what_blocks_the_next(macro, assessment):
    html = str(macro("org.html", "stage_ladder")(assessment))
    assert_csp_clean(html)
    stages = re.findall(r'<li class="stage stage-(\w+)[^"]*"( aria-current="step")?', html)
    assert stages == [("reached", ""), ("current", ' aria-current="step"'), ("next", ""), ("later", ""), ("later", "")]
    assert "Current stage" in html and "Next: blocked" in html
    blockers = html[html.index("stage-blockers"):]
    assert "What blocks stage 3" in blockers and "Needs 3 more people at L3+ (has 1 of 4)" in blockers


def test_domain_coverage_flags_the_cells_the_next_gate_is_short_of(macro, rubric, people):
    apps = assess_org(rubric, [p for p in people if p.team == "apps"])  # nobody at L3 in the stage-3 domains
    html = str(macro("org.html", "domain_coverage")(apps))
    assert_csp_clean(html)
    assert_accessible(html)
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', html, re.S))
    assert set(map(unescape, rows)) == {d.name for d in rubric.domains}
    flagged = {unescape(name) for name, cells in rows.items() if "coverage-short" in cells}
    assert flagged == {"Evaluation", "Observability", "RAG & retrieval", "Security"}
    assert '0<span class="short-flag">needs 1</span>' in rows["Evaluation"]
    assert "Outlined cells fall short of stage 3." in html


def test_domain_coverage_marks_a_cell_blank_cells_could_close_as_not_assessed(macro, rubric, people):
    product = assess_org(rubric, [p for p in people if p.team == "product"])  # observability partly blank
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>',
                           str(macro("org.html", "domain_coverage")(product)), re.S))
    assert "coverage-unknown" in rows["Observability"] and "coverage-short" not in rows["Observability"]
    assert '<span class="short-flag">not assessed</span>' in rows["Observability"]


def test_the_phase_timeline_runs_in_order_with_the_l3_phase_critical(macro, plan, rubric):
    html = str(macro("hiring.html", "phase_timeline")(plan, rubric))
    assert_csp_clean(html)
    assert_accessible(html)
    phases = re.findall(r'<li class="phase([^"]*)">', html)
    assert len(phases) == 5 and [" phase-critical" in p for p in phases] == [False, False, True, False, False]
    start = html.index("phase-critical")
    critical = html[start:html.index('<li class="phase phase-idle">', start)]
    assert '<span class="badge badge-critical">Critical</span>' in critical
    assert "External hires" in critical and "Internal promotions" in critical
    assert "<strong>Aisha Voss</strong> L2 → L3" in critical and "Observability +1" in critical
    assert 'class="chip">Observability</li>' in critical and "Q1" in critical
    assert html.count("Nothing to do") == 4


def test_the_radar_has_a_text_alternative_and_marks_unassessed_domains(macro, domain_names):
    chart = charts.radar({"prompting": 2, "strategy": None}, {"prompting": 3}, domain_names)
    html = str(macro("charts.html", "radar_chart")(chart, "r", needed="Needed for L3"))
    assert_csp_clean(html)
    assert_accessible(html)
    assert 'role="img" aria-labelledby="r-title r-desc"' in html
    assert "Prompting: You 2, Needed for L3 3." in html and "Strategy: You not assessed" in html
    assert 'class="radar-point radar-point-unassessed"' in html and "Not assessed (plotted at 0)" in html
    assert '<td class="num">+1</td>' in html


def test_the_career_map_draws_the_path_with_arrows_and_a_legend(macro, graph, uma_roadmap):
    html = str(macro("charts.html", "career_map")(charts.career_map(graph, uma_roadmap.path), "m"))
    assert_csp_clean(html)
    assert_accessible(html)
    assert html.count("map-edge-path") == len(uma_roadmap.steps) + 1  # plus the legend's sample
    assert html.count(">key move</text>") == 2  # the two tracks with a key move
    assert "· now</text>" in html and "· target</text>" in html
    assert "Track switch on your path" not in html


def test_the_history_chart_says_so_when_there_is_nothing_to_draw(macro, uma_history, domain_names):
    draw = macro("charts.html", "history_chart")
    assert str(draw(charts.history({}), "h", empty="No assessments of Uma yet.")).strip() == \
        '<p class="chart-empty">No assessments of Uma yet.</p>'
    days, by_domain = uma_history
    html = str(draw(charts.history(by_domain, domain_names), "h"))
    assert_csp_clean(html)
    assert_accessible(html)
    assert html.count('<th scope="row" class="nowrap">') == len(days)
    assert "Governance: L? on 10 Mar 2025" in html


def test_findings_render_the_message_with_a_label_word_and_keep_the_code_out_of_sight(macro, assessment):
    html = str(macro("alerts.html", "findings")(assessment.warnings))
    assert html.count('"><div class="alert alert-warning">') == len(assessment.warnings)
    assert '<li data-finding="operationalization_gap"><div class="alert alert-warning">' in html
    assert "<strong>Warning</strong></p>" in html and "alert-code" not in html
    assert str(macro("alerts.html", "findings")(())).strip() == ""
    assert 'class="alert alert-info"' in str(macro("alerts.html", "alert")("x", "no-such-kind"))


def test_user_and_rubric_text_is_escaped_everywhere(macro, rubric, people, graph, uma_roadmap):
    """People's names and an uploaded rubric's labels are typed by users: none may become markup."""
    hostile = [replace(p, name=EVIL) if p.employee_id in ("E1002", "E1013") else p for p in people]
    assessment = assess_org(rubric, hostile)  # E1002 is named in a warning, E1013 promoted in the plan
    strategy = [s for s in assessment.scores if s.person.team == "strategy"]
    evil_labels = dict.fromkeys((d.slug for d in rubric.domains), EVIL)
    day = date(2025, 1, 1)
    rendered = [
        macro("levels.html", "heatmap")(charts.heatmap(strategy, rubric), EVIL, person_url=lambda i: EVIL),
        macro("levels.html", "level_badge")(1, EVIL),
        macro("levels.html", "level_legend")([EVIL] * 6),
        macro("alerts.html", "findings")(assessment.warnings),
        macro("alerts.html", "alert")(EVIL, "error", code=EVIL, title=EVIL),
        macro("hiring.html", "phase_timeline")(plan_hiring(assessment), rubric),
        macro("org.html", "level_pyramid")(charts.pyramid(assessment.level_counts, [EVIL] * 6), caption=EVIL),
        macro("charts.html", "radar_chart")(charts.radar({}, {}, evil_labels), "r", title=EVIL, you=EVIL, needed=EVIL),
        macro("charts.html", "career_map")(charts.career_map(graph, uma_roadmap.path, {"software_engineer": EVIL}), "m",
                                           title=EVIL),
        macro("charts.html", "history_chart")(charts.history({"overall": [(day, 1)]}, {"overall": EVIL}), "h",
                                              title=EVIL),
    ]
    for html in map(str, rendered):
        assert_csp_clean(html)
        assert ESCAPED in html


def test_two_plans_and_coverages_can_share_a_page(macro, plan, rubric, assessment):
    """The what-if panel shows a projection beside the current plan: ids must not collide."""
    timeline, coverage = macro("hiring.html", "phase_timeline"), macro("org.html", "domain_coverage")
    page = "".join(map(str, (timeline(plan, rubric, id="plan"), timeline(plan, rubric, id="what-if"),
                             coverage(assessment, id="now"), coverage(assessment, id="projected"))))
    assert_accessible(page)
