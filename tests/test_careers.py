"""Career paths: the (track, level) graph and each person's least-effort roadmap."""

from __future__ import annotations

from itertools import pairwise

import pytest

from planner.domain.careers import career_graph, roadmap
from planner.domain.model import DOMAINS, TRACKS, Profile
from planner.domain.scoring import earned_level

SE, DATA, PM, BIZ = "software_engineer", "data_professional", "product_manager", "business"


@pytest.fixture(scope="module")
def graph(rubric):
    return career_graph(rubric)


def zeros(**levels: int) -> Profile:
    return Profile.from_mapping({**dict.fromkeys(DOMAINS, 0), **levels})


def test_graph_has_a_node_per_track_and_level(graph):
    assert set(graph.nodes) == {(t, lv) for t in TRACKS for lv in range(6)}
    assert graph.nodes[(SE, 3)]["title"] == "AI Systems Engineer"
    # Product managers practise L2 and read L3 (their literacy goal); business roles practise L1.
    assert graph.nodes[(BIZ, 1)]["goal"] and graph.nodes[(PM, 2)]["goal"] and not graph.nodes[(PM, 3)]["goal"]


def test_growing_a_level_carries_the_domain_raises_and_their_weighted_effort(graph):
    edge = graph.edges[(SE, 2), (SE, 3)]
    assert edge["kind"] == "grow"
    assert dict(edge["deltas"]) == {"prompting": 1, "apis_integration": 1, "rag_retrieval": 1, "evaluation": 3,
                                    "observability": 3, "security": 1, "strategy": 1}
    # Each raise weighed by the track: APIs 0.7, evaluation 1.2, security 0.9, strategy 1.3, the rest 1.
    assert edge["effort"] == pytest.approx(1 + 0.7 + 1 + 3 * 1.2 + 3 + 0.9 + 1.3)


def test_switching_track_costs_the_switch_plus_the_new_tracks_expectations(rubric, graph):
    edge = graph.edges[(DATA, 2), (SE, 2)]
    assert edge["kind"] == "switch"
    assert dict(edge["deltas"]) == {}  # a data professional at L2 already has all an engineer at L2 has
    assert edge["effort"] == rubric.track_switch_effort
    assert not graph.has_edge((SE, 3), (SE, 2)) and not graph.has_edge((SE, 2), (PM, 3))


def test_the_engineers_key_move_is_l2_to_l3_and_the_steepest_on_the_track(graph):
    grows = {lv: graph.edges[(SE, lv), (SE, lv + 1)] for lv in range(5)}
    assert [lv for lv, e in grows.items() if e["key_move"]] == [2]
    assert max(grows, key=lambda lv: grows[lv]["effort"]) == 2


def test_data_professionals_start_ahead_on_evaluation_and_behind_on_infrastructure(graph):
    data, engineer = graph.edges[(DATA, 2), (DATA, 3)], graph.edges[(SE, 2), (SE, 3)]
    assert graph.nodes[(DATA, 2)]["expected"]["evaluation"] > graph.nodes[(SE, 2)]["expected"].get("evaluation", 0)
    assert data["deltas"]["evaluation"] < engineer["deltas"]["evaluation"]
    assert max(data["deltas"], key=data["deltas"].get) == "observability"
    assert data["effort"] < engineer["effort"]


def test_a_roadmap_prices_each_step_from_the_persons_actual_profile(rubric, graph):
    novice = roadmap(graph, rubric, zeros(prompting=2, apis_integration=2, security=2), SE, 3)
    observer = roadmap(graph, rubric, zeros(prompting=2, apis_integration=2, security=2, observability=3), SE, 3)
    assert novice.steps[-1].deltas["observability"] == 3
    assert "observability" not in observer.steps[-1].deltas
    assert observer.total_effort == pytest.approx(novice.total_effort - 3)


def test_a_roadmap_defaults_to_the_next_level_on_the_persons_track(rubric, graph):
    plan = roadmap(graph, rubric, zeros(prompting=2, apis_integration=2, security=2), SE)
    assert (plan.current_level, plan.target_level, plan.path) == (2, 3, ((SE, 2), (SE, 3)))
    assert plan.steps[0].key_move


def test_a_roadmap_can_end_on_another_track(rubric, graph):
    plan = roadmap(graph, rubric, zeros(prompting=2, apis_integration=2, rag_retrieval=2, evaluation=3,
                                        security=2), DATA, 3, target_track=SE)
    assert plan.path[0] == (DATA, 2) and plan.path[-1] == (SE, 3)
    switches = [s for s in plan.steps if s.kind == "switch"]
    assert len(switches) == 1 and switches[0].effort >= rubric.track_switch_effort


def _price(rubric, graph, profile: Profile, path) -> float:
    """What a path costs this person, each move priced against everything gained before it."""
    total, have = 0.0, profile
    for u, v in pairwise(path):
        expected = graph.nodes[v]["expected"]
        total += rubric.track(v[0]).effort_of(have.shortfall(expected))
        total += rubric.track_switch_effort if u[0] != v[0] else 0
        have = have.at_least(expected)
    return total


def _paths(graph, node, goal, switches: int, seen=()):
    """Every path from `node` to `goal` that changes track at most `switches` times."""
    if node == goal:
        yield (node,)
    for nxt in graph.successors(node):
        switch = nxt[0] != node[0]
        if nxt[1] <= goal[1] and nxt not in seen and switches >= switch:
            yield from ((node, *rest) for rest in _paths(graph, nxt, goal, switches - switch, (*seen, node)))


@pytest.mark.parametrize("levels, track, target, target_track", [
    ({"prompting": 1, "strategy": 3}, BIZ, 3, PM),
    ({"prompting": 3, "apis_integration": 2, "evaluation": 4, "security": 2}, DATA, 4, SE),
    ({"prompting": 5, "evaluation": 4, "observability": 5, "security": 3, "strategy": 2}, PM, 4, BIZ),
    ({"prompting": 2, "apis_integration": 3, "security": 2}, SE, 4, SE),
])
def test_a_roadmap_is_no_dearer_than_any_path_with_up_to_two_track_changes(rubric, graph, levels, track, target,
                                                                           target_track):
    profile = zeros(**levels)
    plan = roadmap(graph, rubric, profile, track, target, target_track)
    start = (track, min(earned_level(rubric, profile), target))
    cheapest = min(_price(rubric, graph, profile, p) for p in _paths(graph, start, (target_track, target), 2))
    assert plan.total_effort == pytest.approx(cheapest, abs=0.01)


def test_a_person_already_at_the_target_needs_no_steps(rubric, graph):
    plan = roadmap(graph, rubric, zeros(prompting=3, apis_integration=3, security=3), SE, 2)
    assert plan.steps == () and plan.total_effort == 0


@pytest.mark.parametrize("kwargs, field", [
    ({"track": "designer"}, "track"),
    ({"target_track": "designer"}, "target_track"),
    ({"target_level": 6}, "target_level"),
])
def test_a_roadmap_refuses_unknown_tracks_and_levels(rubric, graph, kwargs, field):
    args = {"track": SE, **kwargs}
    with pytest.raises(ValueError, match=f"^{field}: "):
        roadmap(graph, rubric, zeros(prompting=1), **args)


def test_a_product_managers_default_roadmap_ends_in_l3_literacy_not_l3_practice(rubric, graph):
    """The article on product managers: "The goal is not to become a Level 3 practitioner, but to develop enough
    Level 3 literacy to be a credible product owner for AI systems"."""
    pm = Profile.from_mapping({**dict.fromkeys(DOMAINS, 0), **rubric.track(PM).expected(2)})
    plan = roadmap(graph, rubric, pm, PM)
    assert (plan.current_level, plan.target_level, plan.literacy_level) == (2, 2, 3)
    assert [s.kind for s in plan.steps] == ["literacy"]
    reached = pm.raised(plan.deltas)
    assert earned_level(rubric, reached) == 2  # literate, not practising L3
    assert reached.value("strategy") == 3 and reached.value("observability") < 3
    assert plan.path == ((PM, 2),)


def test_a_business_analysts_default_roadmap_is_l1_fluency_not_an_l2_builder(rubric, graph):
    """The article on business roles: "building strong Level 1 fluency and developing an accurate mental model
    of what Levels 3 and 4 actually require", to "scope pilots that Level 2 teams can execute"."""
    analyst = zeros(prompting=1, security=1, strategy=1)
    plan = roadmap(graph, rubric, analyst, BIZ)
    assert plan.target_level == 1 and plan.literacy_level == 3
    assert all(s.target[1] <= 1 for s in plan.steps)
    assert earned_level(rubric, analyst.raised(plan.deltas)) == 1
    assert plan.deltas == {"prompting": 1, "strategy": 1}


def test_past_the_goal_the_default_roadmap_is_the_next_level(rubric, graph):
    literate_pm = Profile.from_mapping({**dict.fromkeys(DOMAINS, 0), **rubric.track(PM).literacy})
    plan = roadmap(graph, rubric, literate_pm, PM)
    assert (plan.target_level, plan.literacy_level) == (3, None)


def test_a_data_professionals_l3_asks_for_l3_evaluation_not_l4(rubric):
    """The article: data professionals "have a genuine head start on Level 3 entry"; the head start is the
    evaluation they already do, not a Level 4 evaluation standard asked of them at Level 3."""
    data = rubric.track(DATA)
    assert data.expected(3)["evaluation"] == 3
    assert data.effort["evaluation"] < 1


def test_each_step_takes_development_time_from_the_rubric(rubric, graph):
    """The article: the L2 to L3 transition "requires deliberate investment"; it takes at least two quarters."""
    plan = roadmap(graph, rubric, zeros(prompting=2, apis_integration=2, security=2), SE, 3)
    development = rubric.development
    assert plan.steps[-1].quarters >= development.min_quarters[2] == 2
    assert plan.quarters == sum(s.quarters for s in plan.steps)
    assert all(s.quarters * development.effort_per_quarter >= s.effort - 1e-9 for s in plan.steps)
