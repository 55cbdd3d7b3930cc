"""Practice maturity: the rubric files, gated scoring, warnings, the crosswalk and KPI change."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from planner.domain.practices import (
    AIMM,
    reading_problems,
    SEVEN,
    SOURCES,
    Answer,
    AnswerError,
    KpiReading,
    kpi_changes,
    maturity_report,
    parse_answers,
    parse_practice_rubric,
    score_practices,
    score_teams,
)
from planner.domain.model import Person, Profile
from planner.domain.rubric import RubricError
from planner.domain.sequencing import plan_hiring
from planner.domain.staging import assess_org
from planner.loaders import (
    InputErrors,
    load_practice_rubric,
    load_rubric,
    parse_kpi_bytes,
    read_kpi_series,
    read_people,
    read_team_answers,
    read_toml,
    rubric_dir,
    seed_dir,
)


@pytest.fixture(scope="module")
def practices():
    return load_practice_rubric()


@pytest.fixture
def documents():
    """The four shipped practice-rubric files, freshly parsed, for a test to break."""
    return {part: read_toml(rubric_dir() / name) for part, name in SOURCES.items()}


def answers_up_to(practices, ladder: str, level: int, answer: str = "yes") -> dict[str, str]:
    return {p.id: answer for p in practices.practices if (p.level_on(ladder) or level + 1) <= level}


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def assessed(counts: dict[int, int]):
    """The EAISM assessment of software engineers with the track's typical profile, `counts` per level."""
    rubric = load_rubric()
    track = rubric.track("software_engineer")
    levels = [level for level, n in counts.items() for _ in range(n)]
    people = [Person(f"E{i}", f"Person {i}", track.slug, Profile.zero().at_least(track.expected(level)))
              for i, level in enumerate(levels)]
    return assess_org(rubric, people)


# --- The shipped rubric ----------------------------------------------------


def test_the_shipped_questionnaire_gates_every_level_of_both_ladders(practices):
    assert 30 <= len(practices.practices) <= 60
    seven = Counter(p.seven_level for p in practices.practices)
    aimm = Counter(p.aimm_level for p in practices.practices)
    assert sorted(seven) == list(range(1, 8)) and min(seven[n] for n in range(2, 8)) >= 3
    assert sorted(aimm, key=str) == [1, 2, 3, 4, 5, None] and min(aimm[n] for n in range(3, 6)) >= 4


def test_every_shipped_level_says_what_to_watch_risk_govern_and_do_next(practices):
    for ladder in practices.ladders.values():
        for level in ladder.levels:
            assert level.definition and level.kpis and level.risks and level.controls and level.actions


def test_the_crosswalk_places_every_eaism_stage_on_both_ladders(practices):
    fits = practices.crosswalk.fits
    assert [f.stage for f in fits] == [1, 2, 3, 4, 5]
    assert fits[0].ranges[AIMM][0] == 1 and fits[-1].ranges[SEVEN][1] == 7


# --- Rubric validation names the key ----------------------------------------


@pytest.mark.parametrize(("part", "change", "message"), [
    ("practices", lambda d: d["practices"][0].update(seven_level=8),
     "practices.toml: practices.ai_in_use.seven_level: must be 1 to 7"),
    ("practices", lambda d: d["practices"][1].update(id="ai_in_use"),
     "practices.toml: practices.ai_in_use: duplicate id (first at practices[0])"),
    ("practices", lambda d: d["practices"][0].pop("name"), "practices.toml: practices.ai_in_use.name: missing"),
    ("practices", lambda d: d["practices"][0].pop("seven_level"),
     "practices.toml: practices.ai_in_use.seven_level: missing"),
    ("practices", lambda d: d["practices"][0].update(theme="vibes"),
     "practices.toml: practices.ai_in_use.theme: unknown theme 'vibes'"),
    ("practices", lambda d: d["practices"][0].update(weight=2),
     "practices.toml: practices.ai_in_use.weight: unknown key"),
    ("practices", lambda d: d["practices"][0].update(id="Baseline Metrics"),
     "practices.toml: practices[0].id: expected a slug"),
    ("practices", lambda d: d["practices"][0].pop("question"),
     "practices.toml: practices.ai_in_use.question: missing"),
    ("practices", lambda d: d.update(practices=[p for p in d["practices"] if p["seven_level"] != 5]),
     "practices.toml: practices: no practice has seven_level = 5"),
    ("practices", lambda d: d["scoring"].update(threshold=1.5),
     "practices.toml: scoring.threshold: must be above 0.0 and at most 1.0"),
    ("practices", lambda d: d["scoring"].update(baseline_practices=["baselines"]),
     "practices.toml: scoring.baseline_practices[0]: unknown practice id 'baselines'"),
    ("practices", lambda d: d["themes"].pop("governance"), "practices.toml: themes.governance: missing"),
    ("practices", lambda d: d["kpis"]["cycle_time"].update(lower_is_better="yes"),
     "practices.toml: kpis.cycle_time.lower_is_better: expected true or false, got str"),
    ("practices", lambda d: d["kpis"]["error_rate"].update(min=100), "practices.toml: kpis.error_rate.max: must be above min"),
    ("practices", lambda d: d["kpis"]["error_rate"].update(max=1e300), "practices.toml: kpis.error_rate.max: must be a finite"),
    ("aimm", lambda d: d["levels"]["2"].update(kpis=["happiness"]), "aimm.toml: levels.2.kpis[0]: unknown KPI 'happiness'"),
    ("aimm", lambda d: d["levels"]["3"].update(actions=[]), "aimm.toml: levels.3.actions: must list at least one"),
    ("seven_level", lambda d: d["levels"].pop("4"), "seven_levels.toml: levels.4: missing"),
    ("seven_level", lambda d: d["levels"].update({"eight": {}}), "seven_levels.toml: levels.eight: expected a whole number"),
    ("crosswalk", lambda d: d["eaism"].update({"6": {}}), "crosswalk.toml: eaism.6: expected a whole number from 1 to 5"),
    ("seven_level", lambda d: d["levels"]["1"].pop("definition"), "seven_levels.toml: levels.1.definition: missing"),
    ("crosswalk", lambda d: d["eaism"]["3"].update(aimm=[1, 4]),
     "crosswalk.toml: eaism.3.aimm: falls below stage 2's range"),
    ("crosswalk", lambda d: d["eaism"]["2"].update(aimm=[3, 2]), "crosswalk.toml: eaism.2.aimm: expected 1 <= lowest"),
    ("crosswalk", lambda d: d["eaism"]["1"].update(aimm=[0, 2]), "crosswalk.toml: eaism.1.aimm: expected 1 <= lowest"),
    ("crosswalk", lambda d: d["eaism"]["1"].update(seven_level=[2, 2]),
     "crosswalk.toml: eaism.*.seven_level: level 1 fits no stage"),
    ("crosswalk", lambda d: d["automation"]["requires"][0].update(domain="firewalls"),
     "crosswalk.toml: automation.requires[0].domain: unknown domain 'firewalls'"),
    ("crosswalk", lambda d: d["roi"].update(from_stage=9), "crosswalk.toml: roi.from_stage: must be 1 to 5"),
])
def test_a_broken_practice_rubric_is_refused_naming_the_file_and_key(documents, part, change, message):
    change(documents[part])
    with pytest.raises(RubricError) as caught:
        parse_practice_rubric(**documents)
    assert str(caught.value).startswith(message)


def test_loading_practice_rubric_files_from_another_folder_names_the_broken_file(tmp_path):
    for name in SOURCES.values():
        (tmp_path / name).write_bytes((rubric_dir() / name).read_bytes())
    (tmp_path / "crosswalk.toml").write_text("[eaism\n", encoding="utf-8")
    with pytest.raises(RubricError, match="crosswalk.toml: not valid TOML"):
        load_practice_rubric(tmp_path)


# --- Gated scoring ------------------------------------------------------------


def test_no_answers_hold_the_starting_level_of_both_ladders(practices):
    result = score_practices(practices, {})
    assert (result.aimm.level, result.seven_level.level) == (1, 1)
    assert result.aimm.name == practices.ladder(AIMM).level(1).name


def test_every_practice_in_place_reaches_the_top_of_both_ladders(practices):
    result = score_practices(practices, {p.id: "yes" for p in practices.practices})
    assert (result.aimm.level, result.seven_level.level) == (5, 7)
    assert result.warnings == ()
    assert result.aimm.next_level is None and result.aimm.missing == ()


def test_high_level_claims_without_foundation_do_not_lift_the_level(practices):
    answers = {p.id: "yes" for p in practices.practices if p.seven_level >= 3}
    result = score_practices(practices, answers)
    assert result.seven_level.level == 1
    assert result.seven_level.reach == 7
    assert "ungrounded_practice" in codes(result.warnings)


def test_a_level_is_held_once_its_share_reaches_the_threshold(practices):
    level_two = [p.id for p in practices.practices if p.seven_level == 2]
    assert len(level_two) == 13 and practices.threshold == 0.7
    ten = score_practices(practices, dict.fromkeys(level_two[:10], "yes"))
    assert ten.seven_level.level == 2 and round(ten.seven_level.shares[1], 3) == 0.769
    nine = score_practices(practices, dict.fromkeys(level_two[:9], "yes"))
    assert nine.seven_level.level == 1 and round(nine.seven_level.shares[1], 3) == 0.692


def test_level_one_practices_describe_the_start_and_never_gate(practices):
    baselines_only = score_practices(practices, answers_up_to(practices, AIMM, 1))
    assert baselines_only.aimm.level == 1
    using_ai = score_practices(practices, {"ai_in_use": "yes", "ai_pilots_run": "yes"})
    assert using_ai.aimm.level == 2 and using_ai.aimm.shares[0] == 0.0


def test_the_next_level_lists_the_practices_it_still_needs(practices):
    answers = answers_up_to(practices, SEVEN, 2)
    answers["prompt_review"] = "partial"
    position = score_practices(practices, answers).seven_level
    assert position.level == 2 and position.next_level.number == 3
    assert [p.id for p in position.missing] == [p.id for p in practices.practices if p.seven_level == 3]
    assert all(p.seven_level >= 2 for p in score_practices(practices, {}).seven_level.missing)


def test_practices_one_level_above_the_level_held_are_progress_not_warnings(practices):
    answers = {**answers_up_to(practices, SEVEN, 2), "prompt_review": "yes"}
    assert score_practices(practices, answers).seven_level.ungrounded == ()


def test_no_baseline_warns_until_a_baseline_practice_is_fully_in_place(practices):
    assert "no_baseline" in codes(score_practices(practices, {"baseline_metrics": "partial"}).warnings)
    assert "no_baseline" not in codes(score_practices(practices, {"baseline_metrics": "yes"}).warnings)


def test_automation_without_the_governance_beneath_it_is_a_warning(practices):
    foundation = answers_up_to(practices, SEVEN, 4)
    bare = score_practices(practices, {**foundation, "end_to_end_automation": "partial"})
    assert "ungoverned_automation" in codes(bare.warnings)
    governed = {**foundation, "end_to_end_automation": "yes", "automation_audit_trail": "yes", "ai_change_control": "yes"}
    assert "ungoverned_automation" not in codes(score_practices(practices, governed).warnings)


def test_next_actions_at_the_top_sustain_the_level(practices):
    result = score_practices(practices, {p.id: "yes" for p in practices.practices})
    assert set(practices.ladder(AIMM).level(5).actions) <= set(result.next_actions)


def test_at_the_start_the_level_one_actions_lead_to_level_two(practices):
    result = score_practices(practices, {})
    assert result.aimm.guide.number == 1 and result.aimm.next_level.number == 2
    assert result.next_actions[0] == practices.ladder(AIMM).level(1).actions[0]


# --- Answers --------------------------------------------------------------------


def test_answers_are_read_case_insensitively(practices):
    assert parse_answers(practices, {"baseline_metrics": " Yes "}) == {"baseline_metrics": Answer.YES}


def test_bad_answers_list_every_problem_by_key(practices):
    with pytest.raises(AnswerError) as caught:
        parse_answers(practices, {"foo": "yes", "baseline_metrics": "maybe", "prompt_library": 1})
    assert caught.value.problems == (
        ("foo", "unknown practice id"),
        ("baseline_metrics", "expected 'yes', 'partial' or 'no', got 'maybe'"),
        ("prompt_library", "expected 'yes', 'partial' or 'no', got '1'"),
    )
    assert str(caught.value) == "key 'foo': unknown practice id (and 2 more)"


def test_scoring_teams_scores_each_on_its_own_and_names_the_team_in_errors(practices):
    results = score_teams(practices, {"ops": answers_up_to(practices, AIMM, 3), "apps": {}})
    assert (results["ops"].aimm.level, results["apps"].aimm.level) == (3, 1)
    with pytest.raises(AnswerError, match="key 'apps.foo': unknown practice id"):
        score_teams(practices, {"ops": {}, "apps": {"foo": "yes"}})


# --- The combined report: crosswalk and mismatches ------------------------------


def test_skills_far_ahead_of_practices_is_a_mismatch(practices):
    assessment = assessed({1: 6, 2: 4, 3: 3})
    assert assessment.stage.number == 3
    report = maturity_report(score_practices(practices, answers_up_to(practices, AIMM, 1)), assessment)
    assert "skills_ahead_of_practices" in codes(report.mismatches)
    assert report.fit.ranges[AIMM] == (3, 4)


def test_the_practice_lag_finding_never_asks_to_wait_while_the_plan_hires_builders_in_its_first_quarter(practices):
    """Issue 10 item 8: the advice follows its context. Practice actions and the plan's first
    quarter run together in the merged roadmap, so the finding must not tell HR to hold hiring."""
    assessment = assessed({1: 6, 2: 4, 3: 3})
    plan = plan_hiring(assessment, target_stage=4, per_quarter=1)
    report = maturity_report(score_practices(practices, answers_up_to(practices, AIMM, 1)), assessment, plan)
    lag = next(m for m in report.mismatches if m.code == "skills_ahead_of_practices")
    assert min(p.quarter for p in plan.phases if p.active) == 1
    assert "before adding" not in lag.message and "first quarter" in lag.message


def test_practices_ahead_of_the_skills_stage_is_a_mismatch(practices):
    assessment = assessed({1: 8})
    assert assessment.stage.number == 1
    report = maturity_report(score_practices(practices, answers_up_to(practices, SEVEN, 5)), assessment)
    assert "practices_ahead_of_skills" in codes(report.mismatches)


def test_automation_while_nobody_is_l3_in_security_or_observability_is_a_mismatch(practices):
    assessment = assessed({1: 6, 2: 4})
    report = maturity_report(score_practices(practices, {"end_to_end_automation": "yes"}), assessment)
    [finding] = [f for f in report.mismatches if f.code == "automation_without_engineers"]
    assert "nobody is L3+ in security" in finding.message and "nobody is L3+ in observability" in finding.message


def test_skills_at_stage_three_without_baselines_cannot_prove_roi(practices):
    assessment = assessed({1: 6, 2: 4, 3: 3})
    unmeasured = maturity_report(score_practices(practices, {}), assessment)
    measured = maturity_report(score_practices(practices, {"baseline_quality": "yes"}), assessment)
    assert "unproven_roi" in codes(unmeasured.mismatches)
    assert "unproven_roi" not in codes(measured.mismatches)


def test_consistent_positions_raise_no_mismatch(practices):
    assessment = assessed({1: 6, 2: 4, 3: 3})
    answers = {**answers_up_to(practices, SEVEN, 3), **answers_up_to(practices, AIMM, 3)}
    report = maturity_report(score_practices(practices, answers), assessment)
    assert report.mismatches == ()


def test_without_people_there_is_no_stage_and_no_mismatch(practices):
    report = maturity_report(score_practices(practices, {"end_to_end_automation": "yes"}))
    assert report.fit is None and report.mismatches == ()


def test_the_roadmap_puts_practice_actions_before_hiring_phases(practices):
    assessment = assessed({1: 6, 2: 4})
    plan = plan_hiring(assessment, target_stage=4, per_quarter=1)
    report = maturity_report(score_practices(practices, {}), assessment, plan)
    sources = [s.source for s in report.roadmap]
    assert sources[0] in (AIMM, SEVEN) and sources[-1] == "hiring"
    hiring = [s for s in report.roadmap if s.source == "hiring"]
    assert len(hiring) == sum(1 for p in plan.phases if p.active)
    assert [s.quarter for s in report.roadmap] == sorted(s.quarter for s in report.roadmap)
    groups = report.roadmap_groups
    assert [a for _, actions in groups for a in actions] == [s.action for s in report.roadmap]
    assert len({(s.quarter, s.title) for s, _ in groups}) == len(groups) < len(report.roadmap)


def test_kpis_due_are_the_current_levels_without_repeats(practices):
    report = maturity_report(score_practices(practices, {}))
    slugs = [k.slug for k in report.kpis]
    expected = dict.fromkeys([*practices.ladder(AIMM).level(1).kpis, *practices.ladder(SEVEN).level(1).kpis])
    assert slugs == list(expected)


def test_governance_for_running_automation_is_due_before_its_level_is_held(practices):
    report = maturity_report(score_practices(practices, {"end_to_end_automation": "yes"}))
    due = {(c.ladder, c.level) for c in report.governance_due}
    assert due == {(AIMM, 1), (AIMM, 4), (SEVEN, 1), (SEVEN, 5)}


def test_practices_aimm_does_not_ask_for_count_on_the_seven_level_model_only(practices):
    ecosystem = [p for p in practices.practices if p.theme == "ecosystem"]
    assert ecosystem and all(p.aimm_level is None and p.level_on(AIMM) is None for p in ecosystem)
    result = score_practices(practices, {p.id: "yes" for p in ecosystem})
    assert result.aimm.reach == 1 and result.aimm.ungrounded == ()
    assert result.seven_level.reach == 7


# --- KPI change against baseline -------------------------------------------------


def test_a_fall_in_a_lower_is_better_kpi_is_an_improvement(practices):
    cycle = practices.kpis["cycle_time"]
    [change] = kpi_changes(cycle, KpiReading(date(2025, 1, 1), 8.0), [KpiReading(date(2025, 4, 1), 6.0)])
    assert (change.delta, change.percent, change.outcome, change.improved) == (-2.0, -25.0, "better", True)


def test_a_fall_in_a_higher_is_better_kpi_is_worse_and_no_change_is_unchanged(practices):
    acceptance = practices.kpis["ai_acceptance_rate"]
    changes = kpi_changes(acceptance, KpiReading(date(2025, 1, 1), 50.0),
                          [KpiReading(date(2025, 6, 1), 50.0), KpiReading(date(2025, 3, 1), 40.0)])
    assert [(c.reading.recorded_on.month, c.outcome) for c in changes] == [(3, "worse"), (6, "unchanged")]


def test_percent_change_from_a_zero_baseline_is_undefined(practices):
    [change] = kpi_changes(practices.kpis["incident_rate"], KpiReading(date(2025, 1, 1), 0.0),
                           [KpiReading(date(2025, 2, 1), 2.0)])
    assert change.percent is None and change.outcome == "worse"


def test_a_reading_before_the_baseline_is_refused(practices):
    with pytest.raises(ValueError, match="not after the baseline"):
        kpi_changes(practices.kpis["cycle_time"], KpiReading(date(2025, 5, 1), 1.0), [KpiReading(date(2025, 4, 1), 2.0)])


def test_a_reading_outside_its_kpis_range_or_dated_in_the_future_is_refused_with_a_readable_message(practices):
    error_rate, today = practices.kpis["error_rate"], date(2026, 12, 4)
    problems = reading_problems(error_rate, date(2030, 1, 1), -250.0, today)
    assert problems == (
        ("value", "Error rate (%) must be from 0 to 100; -250 is outside that."),
        ("recorded_on", "The date 1 Jan 2030 is in the future; enter the day the value was measured."),
    )
    assert reading_problems(error_rate, date(2026, 12, 5), 100.0, today) == ()  # tomorrow, somewhere, already
    assert reading_problems(practices.kpis["cycle_time"], today, 1e6, today) == ()  # no upper limit on hours
    assert reading_problems(practices.kpis["improvement_rate"], today, -20.0, today) == ()  # a measure may worsen
    assert reading_problems(practices.kpis["user_satisfaction"], today, 0.0, today)[0][1].endswith(
        "must be from 1 to 5; 0 is outside that.")


KPI_HEADER = "team,kpi,recorded_on,value,is_baseline\n"


@pytest.mark.parametrize(("rows", "message"), [
    ("ops,happiness,2025-01-01,1,true\n", "row 2, column kpi: unknown KPI 'happiness'"),
    ("ops,cycle_time,01/02/2025,1,true\n", "row 2, column recorded_on: expected a date YYYY-MM-DD"),
    ("ops,cycle_time,2025-01-01,fast,true\n", "row 2, column value: expected a number, got 'fast'"),
    ("ops,cycle_time,2025-01-01,nan,true\n", "row 2, column value: expected a number, got 'nan'"),
    ("ops,cycle_time,2025-01-01,1,maybe\n", "row 2, column is_baseline: expected true or false"),
    ("ops,cycle_time,2025-01-01,1,false\n", "row 2, column is_baseline: team 'ops', KPI 'cycle_time' has no baseline"),
    ("ops,cycle_time,2025-01-01,1,true\nops,cycle_time,2025-02-01,1,true\n", "row 3, column is_baseline: team 'ops', "
     "KPI 'cycle_time' has a second baseline (first on row 2)"),
    ("ops,cycle_time,2025-03-01,1,true\nops,cycle_time,2025-02-01,1,false\n",
     "row 3, column recorded_on: team 'ops', KPI 'cycle_time': dated before its baseline (row 2)"),
    ("ops,cycle_time,2025-03-01,1,true\nops,cycle_time,2025-03-01,2,false\n",
     "row 3, column recorded_on: team 'ops', KPI 'cycle_time' already has a reading on 2025-03-01 (row 2)"),
    ("ops,cycle_time,2025-03-01\n", "row 2: expected 5 fields, found 3"),
    ("ops,error_rate,2025-01-01,-250,true\n", "row 2, column value: Error rate (%) must be from 0 to 100"),
    ("ops,error_rate,2030-01-01,5,true\n", "row 2, column recorded_on: The date 1 Jan 2030 is in the future"),
])
def test_bad_kpi_rows_are_refused_naming_row_and_column(practices, rows, message):
    with pytest.raises(InputErrors) as caught:
        parse_kpi_bytes("kpis.csv", (KPI_HEADER + rows).encode(), practices)
    assert str(caught.value).startswith(f"kpis.csv: {message}")


def test_a_kpi_file_without_its_columns_is_refused(practices):
    with pytest.raises(InputErrors, match="kpis.csv: row 1, column is_baseline: missing column"):
        parse_kpi_bytes("kpis.csv", b"team,kpi,recorded_on,value\nops,cycle_time,2025-01-01,1\n", practices)


# --- The demo organisation's seed data ---------------------------------------------


def test_the_seed_kpis_track_every_team_against_a_baseline(practices):
    series = read_kpi_series(seed_dir() / "kpis.csv", practices)
    assert {s.scope for s in series} == {"", "strategy", "platform", "apps", "data", "product", "operations"}
    assert all(s.changes for s in series)
    backlog = next(s for s in series if s.kpi.slug == "review_backlog")
    assert backlog.changes[-1].outcome == "worse"


def test_the_seed_answers_tell_of_automation_without_governance_or_baselines(practices):
    answers = json.loads((seed_dir() / "practices.json").read_text(encoding="utf-8"))
    result = score_practices(practices, answers)
    assert {"ungrounded_practice", "ungoverned_automation", "no_baseline"} <= set(codes(result.warnings))
    assessment = assess_org(load_rubric(), read_people(seed_dir() / "people.csv"))
    assert "skills_ahead_of_practices" in codes(maturity_report(result, assessment).mismatches)


def test_the_seed_team_answers_cover_every_team_and_departments_differ(practices):
    teams = read_team_answers(seed_dir() / "practices_by_team.json", practices)
    organisation = read_toml(seed_dir() / "organisation.toml")
    assert set(teams) == {t["slug"] for t in organisation["teams"]}
    levels = {(r.aimm.level, r.seven_level.level) for r in score_teams(practices, teams).values()}
    assert len(levels) > 1
