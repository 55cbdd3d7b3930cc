"""Scoring: a level is earned by the profile under the rubric's rules, never claimed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.domain.model import Profile
from planner.domain.scoring import earned_level, gaps_to, score_people, score_person

EARNED = {
    "nothing assessed": ({}, 0),
    "prompting 1 alone is L1": ({"prompting": 1}, 1),
    "L1 needs its core domain, prompting": ({"apis_integration": 5, "security": 5, "strategy": 5}, 0),
    "L2 core with only two domains at 2 stays L1": ({"prompting": 2, "apis_integration": 2}, 1),
    "L2 core plus a third domain at 2": ({"prompting": 2, "apis_integration": 2, "security": 2}, 2),
    "L2 needs apis_integration": ({"prompting": 5, "rag_retrieval": 5, "security": 5, "strategy": 5}, 1),
    "L3 core plus a fourth domain": (
        {"prompting": 3, "apis_integration": 3, "evaluation": 3, "observability": 3}, 3),
    "L3 with three domains at 3 stays L2": (
        {"prompting": 2, "apis_integration": 3, "evaluation": 3, "observability": 3}, 2),
    "L4 needs governance and strategy at 4 with four domains": (
        {"prompting": 4, "apis_integration": 4, "evaluation": 4, "observability": 4, "governance": 4,
         "strategy": 4}, 4),
    "L4 without governance stays L3": (
        {"prompting": 4, "apis_integration": 4, "evaluation": 4, "observability": 4, "security": 4,
         "strategy": 4}, 3),
    "L5 needs strategy and three domains at 5": (
        {"prompting": 5, "apis_integration": 4, "evaluation": 4, "observability": 4, "governance": 5,
         "strategy": 5}, 5),
    "L5 rule met without L4 stays L3 (cumulative)": (
        {"prompting": 5, "apis_integration": 5, "evaluation": 3, "observability": 3, "strategy": 5}, 3),
}


@pytest.mark.parametrize("levels, expected", EARNED.values(), ids=EARNED.keys())
def test_earned_level_follows_the_default_rules(rubric, levels, expected):
    assert earned_level(rubric, Profile.from_mapping(levels)) == expected


STRATEGY_HEAVY = [
    {"prompting": 5, "apis_integration": 2, "security": 5, "governance": 5, "strategy": 5},
    {"prompting": 5, "apis_integration": 5, "rag_retrieval": 5, "security": 5, "governance": 5, "strategy": 5},
    {"prompting": 5, "apis_integration": 5, "evaluation": 5, "security": 5, "governance": 5, "strategy": 5},
]


@pytest.mark.parametrize("levels", STRATEGY_HEAVY)
def test_strategy_profile_without_evaluation_and_observability_depth_is_not_l3(rubric, levels):
    assert earned_level(rubric, Profile.from_mapping(levels)) < 3


def test_na_cells_never_count_toward_a_level(rubric):
    # Governance is n/a at L2, so it cannot be the third domain that L2 asks for.
    with_governance = Profile.from_mapping({"prompting": 2, "apis_integration": 2, "governance": 2})
    with_security = Profile.from_mapping({"prompting": 2, "apis_integration": 2, "security": 2})
    assert earned_level(rubric, with_governance) == 1
    assert earned_level(rubric, with_security) == 2


def test_non_cumulative_rubric_scores_each_level_on_its_own_rule(rubric):
    no_prompting = Profile.from_mapping(
        {"apis_integration": 3, "rag_retrieval": 3, "evaluation": 3, "observability": 3})
    assert earned_level(rubric, no_prompting) == 0
    assert earned_level(replace(rubric, cumulative=False), no_prompting) == 3


def test_not_assessed_domains_are_reported_and_count_as_zero(rubric, make_person):
    person = make_person(prompting=2, apis_integration=2, security=2, evaluation=None)
    score = score_person(rubric, person)
    assert score.level == 2
    assert set(score.not_assessed) == {"rag_retrieval", "evaluation", "observability", "governance", "strategy"}
    assert score.next_level_gaps["evaluation"] == 3


def test_next_level_gaps_raise_the_core_first_then_the_closest_domains(rubric, make_person):
    person = make_person(prompting=2, apis_integration=2, security=2, strategy=2, evaluation=1)
    # L3: evaluation, observability, apis_integration to 3, plus one more domain from 2 to 3.
    gaps = score_person(rubric, person).next_level_gaps
    assert gaps == {"prompting": 1, "apis_integration": 1, "evaluation": 2, "observability": 3}


def test_gaps_can_prefer_the_domains_an_organisation_lacks(rubric):
    profile = Profile.from_mapping({"prompting": 2, "apis_integration": 2, "security": 2, "strategy": 2})
    gaps = gaps_to(rubric, profile, 3, prefer=["strategy"])
    assert gaps == {"apis_integration": 1, "evaluation": 3, "observability": 3, "strategy": 1}


def test_a_domain_preferred_twice_keeps_its_first_rank(rubric):
    profile = Profile.from_mapping({"prompting": 2, "apis_integration": 2, "security": 2, "strategy": 2})
    gaps = gaps_to(rubric, profile, 3, prefer=["strategy", "security", "strategy"])
    assert "strategy" in gaps and "security" not in gaps


@pytest.mark.parametrize("levels", [
    {},
    {"prompting": 1, "strategy": 3},
    {"prompting": 2, "apis_integration": 2, "security": 2, "evaluation": 1},
    {"prompting": 3, "apis_integration": 3, "evaluation": 3, "observability": 3, "governance": 1},
    {"prompting": 4, "apis_integration": 4, "evaluation": 4, "observability": 4, "governance": 4, "strategy": 4},
])
def test_gaps_to_the_next_level_earn_it_and_every_raise_is_needed(rubric, levels):
    profile = Profile.from_mapping(levels)
    target = earned_level(rubric, profile) + 1
    gaps = gaps_to(rubric, profile, target)
    assert earned_level(rubric, profile.raised(gaps)) == target
    for domain in gaps:
        assert earned_level(rubric, profile.raised({**gaps, domain: gaps[domain] - 1})) < target


def test_gaps_to_a_level_already_held_are_empty(rubric):
    profile = Profile.from_mapping({"prompting": 3, "apis_integration": 3, "security": 3})
    assert gaps_to(rubric, profile, 2) == {}
    assert gaps_to(rubric, profile, 0) == {}


def test_score_people_shares_work_but_keeps_each_person(rubric, make_person):
    people = [make_person(prompting=1), make_person(prompting=1), make_person(prompting=2)]
    scores = score_people(rubric, people)
    assert [s.person.employee_id for s in scores] == ["E001", "E002", "E003"]
    assert [s.level for s in scores] == [1, 1, 1]
    assert scores[0].next_level_gaps == score_person(rubric, people[0]).next_level_gaps
