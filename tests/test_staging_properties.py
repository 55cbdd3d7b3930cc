"""Invariants of the stage reading on generated organisations (hypothesis): scale, outsiders and blanks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.domain.model import DOMAINS, MAX_LEVEL, TRACKS, Person, Profile
from planner.domain.staging import assess_org, team_stages

fast = settings(max_examples=60, deadline=None)

levels = st.integers(0, MAX_LEVEL)
profiles = st.builds(Profile, st.tuples(*[st.none() | levels] * len(DOMAINS)))
known_profiles = st.builds(Profile, st.tuples(*[levels] * len(DOMAINS)))
#: Profiles leaning on the typical shapes, so generated organisations reach stages above 1 often.
strong_profiles = st.builds(Profile, st.tuples(*[st.none() | st.integers(2, MAX_LEVEL)] * len(DOMAINS)))


@st.composite
def organisations(draw, max_size: int = 25, profile=profiles | strong_profiles) -> list[Person]:
    return [
        Person(f"E{n:03d}", f"Person {n}", draw(st.sampled_from(TRACKS)), draw(profile))
        for n in range(draw(st.integers(0, max_size)))
    ]


def _filled(org: list[Person], fill: list[int]) -> list[Person]:
    """`org` with its blank cells filled from `fill`, in turn."""
    values = iter(fill * (len(DOMAINS) * len(org) + 1))
    return [replace(p, profile=Profile(tuple(next(values) if v is None else v for v in p.profile.levels)))
            for p in org]


def _outside_track(rubric) -> str:
    return next(t for t in TRACKS if not rubric.in_workforce(t))


@fast
@given(org=organisations(), added=st.integers(1, 200))
def test_adding_people_at_l0_on_a_track_outside_the_ai_workforce_never_lowers_the_stage(rubric, org, added):
    outside = _outside_track(rubric)
    before = assess_org(rubric, org)
    staff = [Person(f"W{n:04d}", f"Warehouse {n}", outside, Profile.zero()) for n in range(added)]
    after = assess_org(rubric, [*org, *staff])
    assert after.stage.number >= before.stage.number
    assert after.headcount == before.headcount
    assert after.total_headcount == before.total_headcount + added


@fast
@given(org=organisations(max_size=12))
def test_ten_copies_of_an_organisation_sit_at_its_stage(rubric, org):
    copies = [replace(p, employee_id=f"{p.employee_id}-{n}") for n in range(10) for p in org]
    one, ten = assess_org(rubric, org), assess_org(rubric, copies)
    assert ten.stage.number == one.stage.number
    assert ten.possible_stage.number == one.possible_stage.number


@fast
@given(org=organisations(), fill=st.lists(levels, min_size=1, max_size=40))
def test_whatever_the_blank_cells_hold_the_stage_lies_between_the_proven_and_the_possible(rubric, org, fill):
    blank, known = assess_org(rubric, org), assess_org(rubric, _filled(org, fill))
    assert blank.stage.number <= known.stage.number <= blank.possible_stage.number


@fast
@given(org=organisations(), fill=st.lists(levels, min_size=1, max_size=40))
def test_every_certain_shortfall_holds_whatever_the_blank_cells_turn_out_to_be(rubric, org, fill):
    blank, known = assess_org(rubric, org), assess_org(rubric, _filled(org, fill))
    for before, after in zip(blank.gates, known.gates):
        still_short = {(s.requirement.level, s.requirement.domain) for s in after.shortfalls}
        for shortfall in before.shortfalls:
            if shortfall.certain:
                assert (shortfall.requirement.level, shortfall.requirement.domain) in still_short


@fast
@given(org=organisations(profile=known_profiles | strong_profiles), domain=st.sampled_from(DOMAINS))
def test_a_domain_nobody_assessed_is_never_named_in_a_claim(rubric, org, domain):
    blanked = [replace(p, profile=Profile(tuple(None if d == domain else v
                                                for d, v in zip(DOMAINS, p.profile.levels)))) for p in org]
    assessment = assess_org(rubric, blanked)
    assume(assessment.headcount)  # with no AI workforce, "nobody is L3+ in ..." is about nobody, not about blanks
    name = rubric.domain(domain).name
    claims = [s.message for g in assessment.gates for s in g.shortfalls if s.certain]
    claims += [w.message for w in assessment.warnings if w.code in ("operationalization_gap", "platform_without_depth",
                                                                    "chatbot_is_not_maturity", "prompting_alone")]
    assert not [c for c in claims if f"in {name}" in c]
    if assessment.possible_stage.number > assessment.stage.number:
        assert domain in assessment.unassessed_domains


@fast
@given(org=organisations(), teams=st.lists(st.sampled_from(["apps", "data", ""]), min_size=25, max_size=25))
def test_a_teams_stage_is_the_stage_its_people_would_have_on_their_own(rubric, org, teams):
    org = [replace(p, team=team) for p, team in zip(org, teams)]
    for team in team_stages(assess_org(rubric, org)):
        alone = assess_org(rubric, [p for p in org if p.team == team.team])
        assert (team.stage, team.possible_stage) == (alone.stage, alone.possible_stage)
        assert (team.headcount, team.total_headcount) == (alone.headcount, alone.total_headcount)
        assert team.blockers_text() == alone.blockers_text()
