"""The hiring plan holds to the EAISM article on organisations of many shapes.

Properties (hypothesis) for the invariants, and golden organisations each asserting
what the article implies, with the passage cited in the test's docstring.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.careers import career_graph, roadmap
from planner.domain.model import DOMAINS, Person, Profile
from planner.domain.scoring import earned_level
from planner.domain.sequencing import plan_hiring
from planner.domain.staging import assess_org

fast = settings(max_examples=40, deadline=None)
SE, PM, DATA, BIZ = "software_engineer", "product_manager", "data_professional", "business"


def typical(rubric, track: str, level: int, **overrides: int | None) -> Profile:
    """The track's typical profile at `level` (0 elsewhere), with some domains set otherwise."""
    return Profile.from_mapping({**dict.fromkeys(DOMAINS, 0), **rubric.track(track).expected(level), **overrides})


def people(rubric, counts: dict[int, int], track: str = SE, prefix: str = "P", **overrides) -> list[Person]:
    return [Person(f"{prefix}{level}-{n}", f"{prefix} {level}.{n}", track, typical(rubric, track, level, **overrides))
            for level, count in counts.items() for n in range(count)]


@st.composite
def shaped_organisations(draw, rubric) -> list[Person]:
    """Organisations of typical profiles on every track, from a handful of people to a few hundred."""
    org = []
    for track in (SE, PM, DATA, BIZ):
        counts = {level: draw(st.integers(0, 12 if level < 3 else 4)) for level in range(6)}
        org += people(rubric, counts, track, prefix=track[:2].upper())
    return org


@fast
@given(data=st.data(), target=st.integers(2, 5), per_quarter=st.none() | st.integers(1, 5))
def test_every_figure_in_a_rationale_is_what_its_phase_adds(rubric, data, target, per_quarter):
    plan = plan_hiring(assess_org(rubric, data.draw(shaped_organisations(rubric))), target, per_quarter)
    for phase in plan.phases:
        text = phase.rationale
        if not phase.active:
            assert not re.search(r"\b(hire|develop) \d", text, re.IGNORECASE)
            continue
        said = {
            "develop": re.search(r"Develop (\d+) (?:person|people)", text),
            "hire": re.search(r"\bhire (\d+)", text, re.IGNORECASE),
            "more": re.search(r"(\d+) more at L\d\+", text),
            "all": re.search(r"(\d+) in all", text),
            "beyond": re.search(r"(\d+) of them beyond the head count", text),
        }
        assert int(said["more"][1]) == phase.added == phase.hires + len(phase.promotions)
        assert int(said["all"][1]) == phase.have + phase.added
        assert (int(said["develop"][1]) if said["develop"] else 0) == len(phase.promotions)
        assert (int(said["hire"][1]) if said["hire"] else 0) == phase.hires
        assert (int(said["beyond"][1]) if said["beyond"] else 0) == phase.beyond_count
        assert phase.have + phase.added - phase.beyond_count == max(phase.needed, phase.have)


@fast
@given(data=st.data(), target=st.integers(2, 5))
def test_promotions_take_their_roadmaps_development_time_and_follow_earlier_moves(rubric, data, target):
    org = data.draw(shaped_organisations(rubric))
    plan = plan_hiring(assess_org(rubric, org), target)
    development = rubric.development
    last_ready: dict[str, int] = {}
    for phase in plan.phases:
        for promotion in phase.promotions:
            length = promotion.ready_quarter - promotion.start_quarter + 1
            assert length >= development.min_quarters[promotion.to_level - 1]
            assert length >= promotion.effort / development.effort_per_quarter - 1e-9
            assert promotion.ready_quarter <= development.horizon_quarters
            assert promotion.start_quarter == last_ready.get(promotion.employee_id, 0) + 1
            assert promotion.grown_in_plan == (promotion.employee_id in last_ready)
            last_ready[promotion.employee_id] = promotion.ready_quarter


@fast
@given(data=st.data(), engineers=st.integers(1, 6))
def test_a_plan_to_stage_4_grows_architects_from_l3_engineers_unless_none_can_get_there_in_time(rubric, data,
                                                                                                engineers):
    """The article's sequence: "develop Level 4 architects from within"."""
    org = data.draw(shaped_organisations(rubric)) + people(rubric, {3: engineers}, prefix="L3E")
    assessment = assess_org(rubric, org)
    plan = plan_hiring(assessment, 4)
    architects = plan.phases[3]
    graph = career_graph(rubric)
    in_time = [s for s in assessment.scores if s.level == 3 and rubric.track(s.person.track).practice_ceiling >= 4
               and roadmap(graph, rubric, s.person.profile, s.person.track, 4).quarters
               <= rubric.development.horizon_quarters]
    if architects.needed > architects.have and in_time:
        assert architects.promotions


def test_architects_are_grown_from_engineers_the_plan_itself_develops(rubric):
    """The article: "build Level 1 and Level 2 density first, then invest heavily in Level 3 Systems Engineers,
    develop Level 4 architects from within". With nobody at L3 yet, the engineers a plan brings to L3 are the
    candidates for L4 in the same plan."""
    near = typical(rubric, SE, 2, prompting=3, apis_integration=3, rag_retrieval=3, evaluation=3, observability=2,
                   security=3, governance=3, strategy=3)
    org = people(rubric, {1: 40, 2: 14}) + [Person(f"N{n}", f"Near {n}", SE, near) for n in range(4)]
    plan = plan_hiring(assess_org(rubric, org), 4)
    l3_people = {p.employee_id for p in plan.phases[2].promotions}
    grown = [p for p in plan.phases[3].promotions if p.grown_in_plan]
    assert grown and {p.employee_id for p in grown} <= l3_people
    assert all(p.from_level == 3 and p.start_quarter > 1 for p in grown)


def test_at_stage_3_the_systems_engineering_phase_does_not_say_pilots_never_reach_production(rubric):
    """The article's stage 3: "AI systems in production that real users depend on". An organisation there
    already ships, so the L3 phase of its plan speaks of growth, not of prototype debt."""
    org = people(rubric, {1: 30, 2: 12, 3: 6}) + people(rubric, {4: 1}, prefix="A")
    assessment = assess_org(rubric, org)
    assert assessment.stage.number >= 3
    systems = plan_hiring(assessment, 5).phases[2]
    assert "never reach production" not in systems.rationale
    stuck = plan_hiring(assess_org(rubric, people(rubric, {1: 30, 2: 12})), 3).phases[2]
    assert "never reach production" in stuck.rationale


def test_hiring_for_a_domain_nobody_was_assessed_in_is_conditional_and_the_plan_says_to_assess_it_first(rubric):
    """The article: "identifying skill gaps at each level rather than ... a single number". A blank column is
    not a gap: nobody may be assessed in evaluation yet, and the plan must not present evaluation hires as
    certain."""
    org = people(rubric, {1: 60, 2: 30, 3: 2}, evaluation=None)
    plan = plan_hiring(assess_org(rubric, org), 3)
    assert "evaluation" in plan.assess_first
    assert "unknown_evidence" in [w.code for w in plan.warnings]
    systems = plan.phases[2]
    assert systems.hires
    assert "evaluation" in systems.conditional_domains
    assert "conditional" in systems.rationale and "Evaluation" in systems.rationale
    assessed = plan_hiring(assess_org(rubric, people(rubric, {1: 30, 2: 12, 3: 4})), 3)
    assert assessed.assess_first == () and "unknown_evidence" not in [w.code for w in assessed.warnings]


def test_the_strategy_warning_never_forbids_a_hire_the_plan_makes(rubric):
    """The article: "Hiring Level 5 strategy leaders without Level 3 execution capacity in place produces
    expensive AI strategy work that never ships". The warning says so, and the plan's own senior hires come
    only after its L3 phase, in the quarter the warning names."""
    strategist = Person("CAIO", "Chief AI Officer", BIZ, Profile.from_mapping(
        {**dict.fromkeys(DOMAINS, 0), "prompting": 5, "apis_integration": 2, "security": 5, "governance": 5,
         "strategy": 5}))
    plan = plan_hiring(assess_org(rubric, people(rubric, {1: 30, 2: 10}) + [strategist]), 5)
    warning = next(w for w in plan.warnings if w.code == "front_loaded_strategy")
    senior_hires = [p for p in plan.phases if p.level >= 4 and p.hires]
    l3_done = plan.phases[2].end_quarter
    assert senior_hires
    assert "Do not add" not in warning.message
    first = min(p.hires_from for p in senior_hires)
    assert f"Q{first}" in warning.message and first > l3_done


@pytest.mark.parametrize("track", [PM, BIZ])
def test_people_who_only_need_to_read_l3_are_never_developed_into_practising_it(rubric, track):
    """The article on product managers: "The goal is not to become a Level 3 practitioner, but to develop
    enough Level 3 literacy"; on business roles: "strong Level 1 fluency and ... an accurate mental model"."""
    readers = people(rubric, {2: 6}, track, prefix="R", apis_integration=3, evaluation=3, observability=3)
    plan = plan_hiring(assess_org(rubric, people(rubric, {1: 30, 2: 10}) + readers), 3)
    ids = {p.employee_id for phase in plan.phases if phase.level >= 3 for p in phase.promotions}
    assert not ids & {r.employee_id for r in readers}


@pytest.fixture(scope="module")
def agentic():
    from planner.loaders import load_rubric, rubric_dir

    return load_rubric(rubric_dir() / "eaism-agentic.toml")


@fast
@given(data=st.data())
def test_the_agentic_shift_never_places_an_organisation_higher(rubric, agentic, data):
    """The article: "the entry point for differentiated human value creation is shifting upward ... The
    framework shifts upward". The same people never reach a higher stage under the agentic rubric."""
    org = data.draw(shaped_organisations(rubric))
    assert assess_org(agentic, org).stage.number <= assess_org(rubric, org).stage.number


def test_under_the_agentic_shift_production_asks_for_l3_engineers_who_secure_what_agents_may_do(rubric, agentic):
    """The article: Level 3 "evolves from LLM pipeline operationalization to agent orchestration engineering"
    and Level 4 "expands to include multi-agent governance"."""
    assert "security" in agentic.level(3).core and "security" not in rubric.level(3).core
    assert "security" in agentic.level(4).core
    engineer = typical(rubric, SE, 3, security=2)
    assert earned_level(rubric, engineer) == 3 and earned_level(agentic, engineer) == 2
    org = people(rubric, {1: 30, 2: 12, 3: 5})
    assert (assess_org(rubric, org).stage.number, assess_org(agentic, org).stage.number) == (3, 2)
