"""Organisational stage: gates, level distribution, coverage and warnings."""

from __future__ import annotations

import pytest

from planner.domain.model import DOMAINS
from planner.domain.staging import assess_org, check_gates

STRATEGIST = {**dict.fromkeys(DOMAINS, 0),
              "prompting": 5, "apis_integration": 2, "security": 5, "governance": 5, "strategy": 5}


def codes(assessment) -> list[str]:
    return [w.code for w in assessment.warnings]


def test_strategists_without_l3_engineers_stay_at_stage_2_or_below(rubric, make_org, make_person):
    people = make_org({1: 10, 2: 6}) + [make_person("business", **STRATEGIST) for _ in range(3)]
    assessment = assess_org(rubric, people)
    assert assessment.stage.number == 2
    assert assessment.at_least(3) == 0


def test_a_stage_is_reached_only_when_every_lower_gate_is_met(rubric):
    # Ten architects meet stage 4's own people requirements, but nobody covers retrieval at L3.
    level_counts = (0, 0, 0, 0, 10, 0)
    coverage = {d: (10, 10, 10, 10, 0) for d in DOMAINS} | {"rag_retrieval": (10, 10, 0, 0, 0)}
    stage, gates = check_gates(rubric, level_counts, coverage)
    assert stage.number == 2
    assert [g.met for g in gates] == [True, True, False, True, False]


def test_an_organisation_with_the_typical_profiles_climbs_to_production(rubric, make_org):
    assessment = assess_org(rubric, make_org({1: 6, 2: 4, 3: 3}))
    assert assessment.stage.number == 3
    assert assessment.next_gate.stage.number == 4


def test_level_counts_and_coverage_count_people_at_or_above_each_level(rubric, make_person):
    people = [
        make_person(prompting=3, apis_integration=3, evaluation=3, observability=3),
        make_person(prompting=2, apis_integration=2, security=2),
        make_person(prompting=1, evaluation=None),
        make_person(),
    ]
    assessment = assess_org(rubric, people)
    assert assessment.level_counts == (1, 1, 1, 1, 0, 0)
    assert assessment.coverage["prompting"] == (3, 2, 1, 0, 0)
    assert assessment.coverage["evaluation"] == (1, 1, 1, 0, 0)
    assert assessment.coverage["governance"] == (0, 0, 0, 0, 0)
    assert assessment.headcount == 4


def test_builders_without_l3_capacity_raise_the_operationalization_gap(rubric, make_org):
    assessment = assess_org(rubric, make_org({1: 10, 2: 8}))
    assert assessment.operationalization_gap
    message = next(w.message for w in assessment.warnings if w.code == "operationalization_gap")
    assert message.startswith("8 builders at L2+ but only 0 at L3+: stage 3 ")


def test_the_blockers_name_the_gate_and_what_nobody_covers(rubric, make_org):
    assessment = assess_org(rubric, make_org({1: 10, 2: 8}))
    text = assessment.blockers_text()
    assert text.startswith("Stage 3 (Production) needs 2 more people at L3+ (has 0 of 2)")
    assert "nobody is L3+ in Observability (needs 1)" in text
    assert "nobody is L3+ in RAG & retrieval (needs 1)" in text


def test_an_organisation_in_production_has_no_operationalization_gap(rubric, make_org):
    # Stage 4 asks for more L3 people than this org has; that is growth, not the stage-3 gap.
    assessment = assess_org(rubric, make_org({1: 6, 2: 4, 3: 3}))
    assert assessment.stage.number == 3
    assert not assessment.operationalization_gap
    assert codes(assessment) == []


def test_a_platform_organisation_with_architects_is_not_top_heavy(rubric, make_org, make_person):
    people = make_org({1: 31, 2: 12, 3: 4, 4: 2})
    people.append(make_person(**{**rubric.track("software_engineer").expected(4), "prompting": 4, "security": 4}))
    assessment = assess_org(rubric, people)
    assert assessment.stage.number == 4
    assert codes(assessment) == []


def test_senior_strategy_profiles_without_an_l3_foundation_are_top_heavy(rubric, make_org, make_person):
    people = make_org({1: 10, 2: 6}) + [make_person("business", employee_id="CAIO", **STRATEGIST)]
    assessment = assess_org(rubric, people)
    assert codes(assessment) == ["operationalization_gap", "top_heavy", "leadership_profile"]
    assert "1 senior strategy profile (Person 17)" in assessment.warnings[1].message


def test_an_organisation_of_consumers_has_no_builders(rubric, make_org):
    assessment = assess_org(rubric, make_org({0: 3, 1: 10}))
    assert codes(assessment) == ["no_builders"]
    assert not assessment.operationalization_gap


@pytest.mark.parametrize("blank, expected", [(None, ["not_assessed"]), (0, [])])
def test_unassessed_domains_are_warned_about_but_a_zero_is_not(rubric, make_person, blank, expected):
    people = [make_person(**dict.fromkeys(DOMAINS, 0)) for _ in range(3)]
    people.append(make_person(**{**dict.fromkeys(DOMAINS, 0), "strategy": blank}))
    assessment = assess_org(rubric, people)
    assert [c for c in codes(assessment) if c != "no_builders"] == expected


def test_an_empty_organisation_is_reported_not_crashed_on(rubric):
    assessment = assess_org(rubric, [])
    assert assessment.stage.number == 1
    assert codes(assessment) == ["empty_organisation"]
