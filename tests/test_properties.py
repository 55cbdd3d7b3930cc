"""Invariants of the model, checked on generated profiles and organisations (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.careers import career_graph, roadmap
from planner.domain.model import DOMAINS, MAX_LEVEL, TRACKS, Person, Profile
from planner.domain.scoring import earned_level, gaps_to
from planner.domain.sequencing import plan_hiring
from planner.domain.staging import assess_org

fast = settings(max_examples=60, deadline=None)

levels = st.integers(0, MAX_LEVEL)
profiles = st.builds(Profile, st.tuples(*[st.none() | levels] * len(DOMAINS)))
tracks = st.sampled_from(TRACKS)
domains = st.sampled_from(DOMAINS)


@st.composite
def organisations(draw, max_size: int = 25) -> list[Person]:
    return [
        Person(f"E{n:03d}", f"Person {n}", draw(tracks), draw(profiles))
        for n in range(draw(st.integers(0, max_size)))
    ]


@pytest.fixture(scope="module")
def graph(rubric):
    return career_graph(rubric)


@fast
@given(org=organisations())
def test_adding_an_l3_engineer_never_lowers_the_stage(rubric, org):
    engineer = Profile.from_mapping(rubric.track("software_engineer").expected(3))
    before = assess_org(rubric, org).stage.number
    after = assess_org(rubric, [*org, Person("NEW", "New engineer", "software_engineer", engineer)]).stage.number
    assert after >= before


@fast
@given(profile=profiles, domain=domains, cumulative=st.booleans())
def test_raising_one_domain_never_lowers_a_level(rubric, profile, domain, cumulative):
    rubric = replace(rubric, cumulative=cumulative)
    assert earned_level(rubric, profile.raised({domain: 1})) >= earned_level(rubric, profile)


@fast
@given(profile=profiles, target=st.integers(1, MAX_LEVEL), prefer=st.lists(domains, max_size=4),
       cumulative=st.booleans())
def test_applying_the_gaps_to_a_level_always_earns_it(rubric, profile, target, prefer, cumulative):
    rubric = replace(rubric, cumulative=cumulative)
    gaps = gaps_to(rubric, profile, target, prefer)
    assert all(delta > 0 for delta in gaps.values())
    assert earned_level(rubric, profile.raised(gaps)) >= target


@fast
@given(org=organisations(), target_offset=st.integers(0, 4), per_quarter=st.none() | st.integers(1, 4))
def test_every_plan_is_ordered_has_a_critical_l3_phase_and_reaches_its_target(rubric, org, target_offset,
                                                                               per_quarter):
    assessment = assess_org(rubric, org)
    target = min(assessment.stage.number + target_offset, rubric.max_stage)
    plan = plan_hiring(assessment, target, per_quarter)
    assert [p.level for p in plan.phases] == [1, 2, 3, 4, 5]
    assert [p.level for p in plan.phases if p.critical] == [3]
    active = [p for p in plan.phases if p.active]
    assert all(p.quarter <= p.end_quarter for p in active)
    # Hiring keeps the model's order: a phase hires only once every earlier phase is done.
    for n, phase in enumerate(active):
        if phase.hires:
            assert all(earlier.end_quarter < phase.hires_from for earlier in active[:n])
    assert plan.projected_stage.number >= target


@fast
@given(profile=profiles, track=tracks, target=st.integers(1, MAX_LEVEL), target_track=tracks)
def test_a_roadmaps_deltas_applied_reach_the_target_level(rubric, graph, profile, track, target, target_track):
    plan = roadmap(graph, rubric, profile, track, target, target_track)
    reached = profile
    for step in plan.steps:
        reached = reached.raised(step.deltas)
    assert earned_level(rubric, reached) >= target
    if plan.steps:
        assert plan.path[-1] == (target_track, target)
