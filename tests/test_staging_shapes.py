"""Organisations of the shapes the EAISM article describes, and what the article implies for each.

Each test cites the passage it checks. People have their track's typical profile
for their level (see the `make_org` fixture) unless the shape needs another one.
"""

from __future__ import annotations

from dataclasses import replace

from planner.domain.model import DOMAINS, Profile
from planner.domain.sequencing import plan_hiring
from planner.domain.staging import assess_org, team_stages

ZERO = dict.fromkeys(DOMAINS, 0)


def codes(assessment) -> list[str]:
    return [w.code for w in assessment.warnings]


def message(assessment, code: str) -> str:
    return next(w.message for w in assessment.warnings if w.code == code)


def test_strong_builders_and_architects_with_nobody_at_l3_stay_in_pilots(rubric, make_org, make_person):
    """"An organization might have strong Level 2 and Level 4 capabilities but a dangerous gap at
    Level 3, which is exactly the gap that prevents production deployments."

    The would-be architects have every L4 cell but evaluation and observability, so they never earned L3.
    """
    architect = {**ZERO, "prompting": 4, "apis_integration": 4, "rag_retrieval": 4, "security": 4,
                 "governance": 4, "strategy": 4, "evaluation": 2, "observability": 2}
    people = make_org({1: 20, 2: 30}) + [make_person(**architect) for _ in range(4)]
    assessment = assess_org(rubric, people)
    assert assessment.stage.number == 2
    assert assessment.at_least(3) == 0
    assert codes(assessment)[:2] == ["operationalization_gap", "top_heavy"]
    assert "4 senior strategy profiles" in message(assessment, "top_heavy")


def test_architects_grounded_in_l3_are_not_called_top_heavy(rubric, make_org):
    """"Develop Level 4 Architects from within": architects who hold L3 are the foundation, not the
    front-loaded strategy the hiring section warns about."""
    assessment = assess_org(rubric, make_org({1: 200, 2: 400}) + make_org({4: 25}))
    assert "top_heavy" not in codes(assessment)


def test_api_integrators_without_evaluation_read_as_the_platform_myth(rubric, make_org, make_person):
    """"A lot of enterprises buy into Azure OpenAI, AWS Bedrock, or Google Vertex and assume they have
    closed the gap between prototype and production ... What it does not provide is the Level 3
    engineering work: evaluation pipelines, RAG architecture, observability"."""
    integrator = {**ZERO, "prompting": 3, "apis_integration": 4, "security": 2, "rag_retrieval": 2,
                  "evaluation": 1, "observability": 0}
    people = make_org({1: 10, 2: 5}) + [make_person(**integrator) for _ in range(6)]
    assessment = assess_org(rubric, people)
    assert assessment.stage.number == 2
    assert "platform_without_depth" in codes(assessment)
    assert message(assessment, "platform_without_depth").startswith("6 people (")


def test_prompt_engineers_as_a_role_are_a_stage_two_finding(rubric, make_org, make_person):
    """"Prompting is a Level 1 skill ... Organizations paying 'prompt engineers' as distinct roles are
    typically at Stage 2 maturity and will eventually need the work that prompting enables to be
    operationalized by Level 3 engineers."""
    prompt_engineer = {**ZERO, "prompting": 4, "strategy": 1, "security": 1}
    people = make_org({1: 6, 2: 4}) + [make_person(**prompt_engineer) for _ in range(3)]
    assessment = assess_org(rubric, people)
    assert assessment.stage.number <= 2
    assert "prompting_alone" in codes(assessment)
    assert "prompting on its own is a consumer skill" in message(assessment, "prompting_alone").lower()


def test_a_prompt_engineer_with_blank_domains_is_not_called_one(rubric, make_person):
    """The myth needs "nothing else" to be known: blank cells might hold anything."""
    assessment = assess_org(rubric, [make_person(prompting=4, strategy=1)])
    assert "prompting_alone" not in codes(assessment)


def test_good_chatbot_builders_without_hardening_read_as_the_chatbot_myth(rubric, make_org, make_person):
    """"A chatbot wrapper over an LLM API is a Level 2 deliverable ... It does not demonstrate evaluation
    methodology, latency optimization, security hardening"."""
    chatbot = {**ZERO, "prompting": 3, "apis_integration": 3, "rag_retrieval": 3, "security": 2,
               "evaluation": 2, "observability": 2}
    people = make_org({1: 10, 2: 4}) + [make_person(**chatbot) for _ in range(3)]
    assessment = assess_org(rubric, people)
    assert assessment.stage.number == 2
    assert "chatbot_is_not_maturity" in codes(assessment)
    assert "platform_without_depth" not in codes(assessment)


def test_a_caio_with_no_l3_team_leads_at_l5_holds_l2_and_is_top_heavy(rubric, make_org, make_person):
    """"The most common and expensive hiring pattern in enterprise AI is front-loading senior strategy
    hires: Chief AI Officers ... without having Level 3 execution capacity to support them." and
    "True Level 5 leaders are only effective when the organization already has a functioning Level 3
    and Level 4 foundation beneath them."

    Rubric choice (rules.leadership_level = 5): the CAIO holds the level their own practice earns and
    is read as leading at L5; that reading never counts toward the L3 the stages beneath ask for.
    """
    caio = make_person("product_manager", employee_id="CAIO", **{
        **ZERO, "prompting": 5, "apis_integration": 2, "security": 5, "governance": 5, "strategy": 5})
    assessment = assess_org(rubric, make_org({1: 20, 2: 10}) + [caio])
    score = next(s for s in assessment.scores if s.person.employee_id == "CAIO")
    assert (score.level, score.leads_at) == (2, 5)
    assert assessment.stage.number == 2
    assert assessment.at_least(3) == 0
    # The leadership reading counts toward the L5 requirement only, never toward L3 or L4 engineering.
    assert [assessment.evidence.at_least(lv) for lv in (2, 3, 4, 5)] == [11, 0, 0, 1]
    assert {"top_heavy", "leadership_profile"} <= set(codes(assessment))


def test_a_leader_counts_toward_stage_five_once_the_foundation_is_in_place(rubric, make_org, make_person):
    """"Level 5 Transformation Leaders drive this stage, but they are only effective because the
    Level 3 and Level 4 infrastructure is already in place beneath them.\""""
    leader = {**ZERO, "prompting": 5, "apis_integration": 2, "security": 5, "governance": 5, "strategy": 5}
    architect = {**ZERO, **rubric.track("software_engineer").expected(4), "prompting": 4, "security": 4}
    foundation = make_org({1: 10, 2: 20, 3: 40}) + [make_person(**architect) for _ in range(6)]
    without = assess_org(rubric, foundation)
    with_leader = assess_org(rubric, [*foundation, make_person("product_manager", **leader)])
    assert without.stage.number == 4
    assert with_leader.stage.number == 5
    assert "top_heavy" not in codes(with_leader)


def test_data_professionals_start_closer_to_l3_than_software_engineers(rubric, make_org):
    """"Data scientists and ML engineers have a genuine head start on Level 3 entry. Experience with
    evaluation frameworks ... transfers directly. The primary gap is typically on the infrastructure
    and API integration side\""""
    data = assess_org(rubric, make_org({2: 1}, "data_professional")).scores[0]
    software = assess_org(rubric, make_org({2: 1})).scores[0]
    assert sum(data.next_level_gaps.values()) < sum(software.next_level_gaps.values())
    assert data.next_level_gaps.get("evaluation", 0) < software.next_level_gaps["evaluation"]
    assert "apis_integration" in data.next_level_gaps


def test_a_three_person_team_of_architects_and_a_leader_is_in_production(rubric, make_org):
    """Stages "closely, though not perfectly, mirror the individual level distribution": one L5 and two
    L4 people can run production systems, and no head count they cannot reach holds them back."""
    assessment = assess_org(rubric, make_org({4: 2, 5: 1}))
    assert assessment.stage.number >= 3
    assert "operationalization_gap" not in codes(assessment)
    assert not [s for g in assessment.gates for s in g.shortfalls if s.requirement.domain is None]


def test_a_five_thousand_person_pyramid_is_read_on_its_engineers(rubric, make_org):
    """"Most professionals currently operate at Levels 1 and 2. The pyramid narrows sharply at Level 3"
    and "Individual skills aggregate into organizational capability": 3,950 people outside the AI
    workforce, most at L0, neither raise nor lower what its 1,050 engineers earn."""
    engineers = make_org({1: 300, 2: 400, 3: 250, 4: 100})
    business = make_org({0: 3000, 1: 950}, "business")
    alone, whole = assess_org(rubric, engineers), assess_org(rubric, engineers + business)
    assert whole.stage == alone.stage == rubric.stage(3)
    assert (whole.headcount, whole.total_headcount) == (1050, 5000)
    assert "literacy_everyone" in codes(whole)
    assert "literacy_everyone" not in codes(alone)


def test_a_thin_l3_layer_in_production_is_said_so(rubric, make_org):
    """"Level 3 Systems Engineers are the dominant workforce here" (stage 3). Rubric choice
    (signals.thin_l3_share = 0.33): 8 at L3 under 40 builders passes the gate, with a finding."""
    assessment = assess_org(rubric, make_org({1: 10, 2: 40, 3: 8}))
    assert assessment.stage.number == 3
    assert "thin_l3_share" in codes(assessment)
    assert message(assessment, "thin_l3_share").startswith("Only 8 of 48 builders (17%) hold L3 or above.")
    assert "thin_l3_share" not in codes(assess_org(rubric, make_org({1: 10, 2: 20, 3: 12})))


def test_evaluation_assessed_for_nobody_is_unknown_not_missing(rubric, make_org):
    """"Organizations without Level 3 engineers accumulate AI prototypes that never ship": whether these
    engineers are L3 depends on evaluation, which nobody assessed. The report must not say nobody is
    L3+ in evaluation; it says the stage cannot be confirmed and to assess evaluation first."""
    people = [replace(p, profile=Profile(tuple(None if d == "evaluation" else v
                                               for d, v in zip(DOMAINS, p.profile.levels))))
              for p in make_org({1: 6, 2: 4, 3: 3})]
    assessment = assess_org(rubric, people)
    assert (assessment.stage.number, assessment.possible_stage.number) == (2, 3)
    assert assessment.unassessed_domains[0] == "evaluation"
    assert assessment.blank_counts["evaluation"] == 13
    assert "nobody is L3+ in Evaluation" not in assessment.blockers_text()
    assert "cannot tell yet whether 1 person is L3+ in Evaluation: 0 known, 13 not assessed" in (
        assessment.blockers_text())
    assert "operationalization_gap" not in codes(assessment)
    assert message(assessment, "evidence_missing").startswith(
        "The evidence proves stage 2, and the organisation could be as high as stage 3")
    assert "Assess Evaluation" in message(assessment, "evidence_missing")


def test_departments_at_different_stages_each_get_their_own(rubric, make_org):
    """"Department-level AI projects are emerging" at stage 2, while stage 3 needs systems in production:
    one department can run production systems while another still runs pilots."""
    platform = [replace(p, team="platform") for p in make_org({1: 4, 2: 4, 3: 4})]
    marketing = [replace(p, team="marketing") for p in make_org({1: 8, 2: 2})]
    assessment = assess_org(rubric, platform + marketing)
    stages = {t.team: t.stage.number for t in team_stages(assessment)}
    assert stages == {"marketing": 2, "platform": 3}
    assert assessment.stage.number == 3


def test_a_plan_never_adds_a_second_leader_beside_a_caio_nor_counts_them_as_an_engineer(rubric, make_org,
                                                                                          make_person):
    """"Hiring Level 5 strategy leaders without Level 3 execution capacity in place produces expensive AI
    strategy work that never ships": with a CAIO already leading, the plan to stage 5 builds L3 and L4
    beneath them and hires no second L5, in line with its own front-loaded-strategy warning."""
    caio = make_person("product_manager", **{
        **ZERO, "prompting": 5, "apis_integration": 2, "security": 5, "governance": 5, "strategy": 5})
    plan = plan_hiring(assess_org(rubric, make_org({1: 10, 2: 6}) + [caio]), 5)
    phases = {p.level: p for p in plan.phases}
    assert phases[5].hires == 0
    assert phases[3].have == phases[4].have == 0
    assert phases[3].hires + len(phases[3].promotions) > 0
    assert "front_loaded_strategy" in [w.code for w in plan.warnings]
