"""The hiring sequencer: phases in level order, develop before hiring, L3 first and L5 last."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.domain.careers import career_graph, roadmap
from planner.domain.model import DOMAINS
from planner.domain.rubric import parse_rubric
from planner.domain.sequencing import HypotheticalHire, PlanError, plan_hiring, project
from planner.domain.staging import assess_org


def typical(rubric, level: int, **overrides: int) -> dict[str, int]:
    """A software engineer's typical profile at `level`, with some domains set otherwise."""
    return {**dict.fromkeys(DOMAINS, 0), **rubric.track("software_engineer").expected(level), **overrides}


def phase(plan, level: int):
    return plan.phases[level - 1]


@pytest.fixture
def builders_only(rubric, make_org):
    """Stage 2: plenty of consumers and builders, nobody at L3."""
    return assess_org(rubric, make_org({1: 20, 2: 6}))


def test_phases_run_l1_to_l5_and_only_the_l3_phase_is_critical(builders_only):
    plan = plan_hiring(builders_only)
    assert [p.level for p in plan.phases] == [1, 2, 3, 4, 5]
    assert [p.critical for p in plan.phases] == [False, False, True, False, False]
    assert plan.target_stage.number == 3


def test_people_close_to_l3_are_promoted_and_nobody_is_hired(rubric, make_org, make_person):
    near = [make_person(employee_id=f"N{n}", **typical(rubric, 2, apis_integration=3, evaluation=3,
                                                        observability=3)) for n in range(3)]
    plan = plan_hiring(assess_org(rubric, make_org({1: 20, 2: 6}) + near), target_stage=3)
    l3 = phase(plan, 3)
    assert [p.employee_id for p in l3.promotions] == ["N0", "N1", "N2"]
    assert l3.hires == 0
    # What it takes is the person's own roadmap to L3: the same answer /me and `planner roadmap` give.
    route = roadmap(career_graph(rubric), rubric, near[0].profile, near[0].track, 3)
    assert l3.promotions[0].deltas == route.deltas
    assert l3.promotions[0].effort == route.total_effort


def test_hires_only_cover_what_promotions_leave(rubric, make_org, make_person, builders_only):
    without = phase(plan_hiring(builders_only, target_stage=3), 3)
    near = [make_person(employee_id="N0", **typical(rubric, 2, apis_integration=3, evaluation=3, observability=3))]
    with_one = phase(plan_hiring(assess_org(rubric, make_org({1: 20, 2: 6}) + near), target_stage=3), 3)
    assert without.promotions == () and without.hires == without.needed - without.have
    assert len(with_one.promotions) == 1
    assert with_one.hires == with_one.needed - with_one.have - 1


def test_architects_are_developed_a_quarter_before_any_architect_hire(rubric, make_org, make_person):
    # One engineer is an observability raise away from L4; nobody covers security at L4.
    near_architect = typical(rubric, 3, evaluation=4, governance=4, strategy=4)
    people = make_org({1: 30, 2: 10, 3: 6}) + [make_person(employee_id="A1", **near_architect)]
    plan = plan_hiring(assess_org(rubric, people), target_stage=4, per_quarter=1)
    l4 = phase(plan, 4)
    assert [p.employee_id for p in l4.promotions] == ["A1"]
    assert l4.hires == 1
    assert (l4.quarter, l4.end_quarter) == (1, 2)


def test_hiring_capacity_spreads_phases_over_consecutive_quarters(rubric, make_org):
    plan = plan_hiring(assess_org(rubric, make_org({1: 20})), target_stage=5, per_quarter=2)
    l3 = phase(plan, 3)
    assert l3.hires == 4 and l3.end_quarter - l3.quarter + 1 == 2
    active = [p for p in plan.phases if p.active]
    assert all(a.end_quarter < b.quarter for a, b in zip(active, active[1:]))
    assert plan.quarters == active[-1].end_quarter


def test_builders_are_planned_before_any_systems_engineer(rubric, make_org):
    rubric = replace(rubric, min_builders_before_l3=8)
    plan = plan_hiring(assess_org(rubric, make_org({1: 20})), target_stage=3)
    l2, l3 = phase(plan, 2), phase(plan, 3)
    assert l2.needed == 8
    assert l2.hires + len(l2.promotions) == 8
    assert l3.hires > 0 and l2.quarter < l3.quarter


def test_hires_cover_a_missing_domain_even_when_the_level_rule_has_no_free_slot(rubric_data, make_org):
    rubric_data["levels"]["3"]["min_domains"] = 3  # just the core: evaluation, observability, apis
    tuned = parse_rubric(rubric_data)
    plan = plan_hiring(assess_org(tuned, make_org({1: 20, 2: 6})), target_stage=3)
    l3 = phase(plan, 3)
    assert plan.projected_stage.number == 3
    assert l3.hires == l3.needed - l3.have  # retrieval and security ride along, no extra hires


def test_transformation_leaders_are_planned_only_for_stage_5_and_after_l3_and_l4(rubric, make_org):
    assessment = assess_org(rubric, make_org({1: 20}))
    assert not phase(plan_hiring(assessment, target_stage=4), 5).active
    plan = plan_hiring(assessment, target_stage=5)
    l3, l4, l5 = phase(plan, 3), phase(plan, 4), phase(plan, 5)
    assert l5.active
    assert l3.end_quarter < l4.quarter <= l4.end_quarter < l5.quarter


def test_front_loaded_strategy_is_warned_about_and_no_strategy_role_is_planned(rubric, make_org, make_person):
    strategist = make_person("business", prompting=5, apis_integration=2, rag_retrieval=0, evaluation=0,
                             observability=0, security=5, governance=5, strategy=5)
    plan = plan_hiring(assess_org(rubric, make_org({1: 20, 2: 6}) + [strategist]))
    assert [w.code for w in plan.warnings] == ["front_loaded_strategy"]
    assert not phase(plan, 4).active and not phase(plan, 5).active
    assert phase(plan, 3).active


@pytest.mark.parametrize("target", [2, 3, 4, 5])
def test_the_plan_projects_the_organisation_onto_its_target_stage(rubric, make_org, target):
    plan = plan_hiring(assess_org(rubric, make_org({0: 5, 1: 12, 2: 3})), target_stage=target)
    assert plan.projected_stage.number >= target


def test_a_target_already_met_plans_nothing_and_says_so(rubric, make_org):
    plan = plan_hiring(assess_org(rubric, make_org({1: 6, 2: 4, 3: 3})), target_stage=2)
    assert plan.total_hires == plan.total_promotions == 0
    assert [w.code for w in plan.warnings] == ["target_reached"]


def test_a_long_plan_at_low_capacity_is_warned_about(rubric, make_org):
    plan = plan_hiring(assess_org(rubric, make_org({1: 60})), target_stage=5, per_quarter=1)
    assert plan.quarters > 8
    assert "long_horizon" in [w.code for w in plan.warnings]


@pytest.mark.parametrize("kwargs, field", [
    ({"target_stage": 0}, "target_stage"),
    ({"target_stage": 6}, "target_stage"),
    ({"per_quarter": 0}, "per_quarter"),
])
def test_impossible_plan_requests_are_refused_naming_the_input(builders_only, kwargs, field):
    with pytest.raises(PlanError) as caught:
        plan_hiring(builders_only, **kwargs)
    assert caught.value.field == field


def test_what_if_hires_and_promotions_change_the_assessment_not_the_original(builders_only):
    before = builders_only
    # 29 people: stage 3 needs 3 at L3+ (8%), covering retrieval and security as well.
    after = project(before, hires=[HypotheticalHire(3, ("rag_retrieval", "security"))] * 3)
    assert (before.stage.number, after.stage.number) == (2, 3)
    assert after.headcount == before.headcount + 3

    promoted = project(before, promotions=[("E021", 3)])
    assert {s.person.employee_id: s.level for s in promoted.scores}["E021"] == 3
    assert before.scores[20].level == 2  # the original assessment is untouched


@pytest.mark.parametrize("hires, promotions, field", [
    ([], [("nobody", 3)], "promotions[0].employee_id"),
    ([], [("E001", 6)], "promotions[0].level"),
    ([HypotheticalHire(0)], [], "hires[0].level"),
    ([HypotheticalHire(3, ("vibes",))], [], "hires[0].domains"),
])
def test_what_if_refuses_bad_input_naming_the_field(builders_only, hires, promotions, field):
    with pytest.raises(PlanError) as caught:
        project(builders_only, hires=hires, promotions=promotions)
    assert caught.value.field == field
