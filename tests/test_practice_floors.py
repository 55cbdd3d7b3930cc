"""Golden organisations for the practice ladders' floors, read against the two practice-maturity articles.

Each test builds an organisation's answers from what an article describes and
asserts where the article places it. The article passage is quoted in the docstring.
"""

from __future__ import annotations

import pytest

from planner.domain.practices import AIMM, SEVEN, maturity_report, score_practices
from planner.loaders import load_practice_rubric


@pytest.fixture(scope="module")
def practices():
    return load_practice_rubric()


def formalised(practices) -> dict[str, str]:
    """Every practice AIMM places at level 3 or below, in place: AI use made formal, nothing integrated yet."""
    return {p.id: "yes" for p in practices.practices if p.aimm_level is not None and p.aimm_level <= 3}


def roadmap_to(report, ladder: str, level: int) -> list[str]:
    short = report.practices.rubric.ladder(ladder).short
    return [s.action for s in report.roadmap if s.title.startswith(f"{short} to level {level}:")]


def test_an_organisation_without_any_ai_holds_level_one_of_both_ladders_not_zero(practices):
    """AIMM: "Level 1 is where every business starts. It's the pre-AI era where there is no AI usage at all."
    Seven levels: "Our seven-level model shows a path from awareness and ad-hoc usage (Level 1)"."""
    result = score_practices(practices, {})
    assert (result.aimm.level, result.seven_level.level) == (1, 1)


def test_sporadic_ungoverned_use_with_shadow_ai_is_aimm_two_and_seven_level_one(practices):
    """AIMM Level 2: "employees start experimenting with AI chatbots and copilots for occasional tasks" and
    "Level 2 is also where an organization experiences the most shadow AI usage". Seven-level Level 1:
    "Employees individually explore AI tools ... There is no IT oversight or standard process."
    """
    shadow = {"ai_in_use": "yes", "ai_pilots_run": "partial", "approved_tools": "no", "ai_usage_policy": "no"}
    result = score_practices(practices, shadow)
    assert (result.aimm.level, result.seven_level.level) == (2, 1)
    shadow_risk = [r for r in result.risks if r.ladder == AIMM and not r.ahead and "shadow AI" in r.text]
    assert shadow_risk, "the AIMM level-2 risk of shadow AI is shown"


def test_formalisation_is_what_lifts_aimm_two_to_three(practices):
    """AIMM: "What differentiates Level 2 from Level 3 is the formalization of AI usage." """
    answers = formalised(practices)
    assert score_practices(practices, answers).aimm.level == 3
    formal = [p.id for p in practices.practices if p.aimm_level == 3 and p.theme in ("governance", "security")]
    informal = {**answers, **dict.fromkeys(formal, "no")}
    assert score_practices(practices, informal).aimm.level == 2


def test_aimm_three_does_not_wait_for_ai_on_internal_data(practices):
    """AIMM Level 3: "major AI initiatives that start to formalize usage within teams, across departments and
    across the organization" -- formal use, not yet the AI-native tooling of Level 4."""
    answers = {**formalised(practices), "ai_on_internal_data": "no", "sops_in_context": "no"}
    assert score_practices(practices, answers).aimm.level == 3


def test_aimm_three_shows_the_productivity_wall_now_and_aimm_two_sees_it_coming(practices):
    """AIMM Level 3: "it's also where most organizations hit a productivity wall"."""
    at_three = score_practices(practices, formalised(practices))
    assert any("productivity wall" in r.text for r in at_three.risks if r.ladder == AIMM and r.level == 3 and not r.ahead)
    at_two = score_practices(practices, {"ai_in_use": "yes", "ai_pilots_run": "yes"})
    assert any("productivity wall" in r.text for r in at_two.risks if r.ladder == AIMM and r.ahead)


def test_aimm_five_does_not_require_the_seven_level_ecosystem_practices(practices):
    """AIMM Level 5 is "Acceleration" and "Amplification" inside the business; publishing, standards and
    regulator partnerships belong to the seven-level model's Level 7: "it also contributes knowledge and
    tools externally - becoming an AI ecosystem leader"."""
    everything_but_ecosystem = {p.id: "yes" for p in practices.practices if p.seven_level < 7}
    result = score_practices(practices, everything_but_ecosystem)
    assert (result.aimm.level, result.seven_level.level) == (5, 6)


def test_the_roadmap_to_seven_level_two_is_the_articles_roadmap_to_level_two(practices):
    """Seven levels, "Roadmap to Level 2: Educate Teams ... Define Pilot Projects ... Collect Baselines ...
    Begin Prompt Libraries"."""
    report = maturity_report(score_practices(practices, {"ai_in_use": "yes"}))
    steps = " ".join(roadmap_to(report, SEVEN, 2))
    for words in ("prompting", "pilots", "before AI touches them", "prompts that work"):
        assert words in steps


def test_the_roadmap_to_aimm_four_redesigns_retrains_and_replaces_tools(practices):
    """AIMM: "The key to breaking through to Level 4 is to redesign processes, retrain your team, and invest
    in AI-native tooling." """
    report = maturity_report(score_practices(practices, formalised(practices)))
    steps = " ".join(roadmap_to(report, AIMM, 4))
    for words in ("Redesign core workflows", "Retrain people", "AI-native"):
        assert words in steps


def test_the_roadmap_to_aimm_two_starts_using_ai(practices):
    """AIMM Level 2: "The first real step into AI adoption comes in two forms": AI features in existing
    tools, and chatbots and copilots; Level 1 "is where you establish baseline metrics"."""
    report = maturity_report(score_practices(practices, {}))
    steps = " ".join(roadmap_to(report, AIMM, 2))
    assert "copilots" in steps and "before AI touches them" in steps


def test_every_roadmap_step_names_the_level_it_leads_to(practices):
    """Both articles give, at each level, the roadmap to the next one."""
    for answers in ({}, formalised(practices), {p.id: "yes" for p in practices.practices if p.seven_level <= 4}):
        report = maturity_report(score_practices(practices, answers))
        for slug, position in report.practices.positions.items():
            assert roadmap_to(report, slug, position.level + 1) == list(position.ladder.level(position.level).actions)
