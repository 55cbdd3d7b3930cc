"""Chart geometry: what the SVG shows must be what the numbers say."""

from __future__ import annotations

import math
import re
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain.careers import roadmap
from planner.domain.model import DOMAINS, MAX_LEVEL, Person, Profile
from planner.domain.scoring import score_people
from planner.web import charts

levels = st.integers(0, MAX_LEVEL)
profiles = st.fixed_dictionaries({d: st.none() | levels for d in DOMAINS})


def polar(center: charts.Point, p: charts.Point) -> tuple[float, float]:
    """(distance, clockwise angle from 12 o'clock in degrees) of `p` around `center`."""
    dx, dy = p.x - center.x, p.y - center.y
    return math.hypot(dx, dy), math.degrees(math.atan2(dx, -dy)) % 360


@given(profiles, st.fixed_dictionaries({d: levels for d in DOMAINS}))
def test_radar_points_lie_on_their_spoke_at_a_radius_proportional_to_the_level(values, requirement):
    chart = charts.radar(values, requirement, radius=100)
    for i, axis in enumerate(chart.axes):
        spoke = 360 * i / len(DOMAINS)
        for point, level in ((axis.point, values[axis.domain] or 0), (axis.required_point, requirement[axis.domain])):
            distance, angle = polar(chart.center, point)
            assert distance == pytest.approx(100 * level / MAX_LEVEL, abs=0.15)
            if level:
                assert min(abs(angle - spoke), 360 - abs(angle - spoke)) == pytest.approx(0, abs=0.2)


def test_radar_starts_at_twelve_o_clock_and_runs_clockwise():
    chart = charts.radar({d: MAX_LEVEL for d in DOMAINS}, {})
    first, second = chart.axes[0].end, chart.axes[1].end
    assert first.x == chart.center.x and first.y < chart.center.y
    assert second.x > chart.center.x


def test_radar_polygons_list_one_point_per_domain_in_order():
    chart = charts.radar({"prompting": 2}, {"prompting": 3})
    assert chart.values.split() == [f"{a.point.x:g},{a.point.y:g}" for a in chart.axes]
    assert len(chart.requirement.split()) == len(DOMAINS)
    assert [lv for lv, _ in chart.rings] == list(range(1, MAX_LEVEL + 1))


def test_radar_keeps_unassessed_domains_as_none_and_plots_them_at_the_centre():
    chart = charts.radar({"prompting": 2, "strategy": None}, {"strategy": 2})
    strategy = chart.axes[DOMAINS.index("strategy")]
    evaluation = chart.axes[DOMAINS.index("evaluation")]
    assert strategy.value is None and strategy.point == chart.center
    assert evaluation.value is None and evaluation.required == 0
    assert strategy.gap == 2
    assert [a.domain for a in chart.gaps] == ["strategy"]


def test_radar_labels_sit_outside_the_rings_and_anchor_away_from_the_centre():
    chart = charts.radar({}, {}, {"prompting": "Prompting"})
    anchors = {a.domain: a.anchor for a in chart.axes}
    assert chart.axes[0].label == "Prompting" and chart.axes[1].label == "apis_integration"
    assert anchors["prompting"] == "middle"  # top
    assert anchors["rag_retrieval"] == "start"  # three o'clock
    assert anchors["observability"] == "middle"  # bottom
    assert anchors["governance"] == "end"  # nine o'clock
    for axis in chart.axes:
        assert polar(chart.center, axis.label_at)[0] > polar(chart.center, axis.end)[0]
        assert 0 <= axis.label_at.x <= chart.width and 0 <= axis.label_at.y <= chart.height


@pytest.mark.parametrize("values, requirement", [
    ({"prompting": 6}, {}), ({}, {"strategy": -1}), ({"prompting": "3"}, {}),
])
def test_radar_refuses_levels_outside_0_to_5(values, requirement):
    with pytest.raises(ValueError, match="expected a level 0-5"):
        charts.radar(values, requirement)


def test_career_map_highlights_exactly_the_edges_of_the_path(graph, uma_roadmap):
    chart = charts.career_map(graph, uma_roadmap.path)
    highlighted = {(e.source, e.target) for e in chart.edges if e.on_path}
    assert highlighted == set(pairwise(uma_roadmap.path))
    assert {(n.track, n.level) for n in chart.nodes if n.on_path} == set(uma_roadmap.path)
    assert [e.on_path for e in chart.edges] == sorted(e.on_path for e in chart.edges)  # path drawn last


def test_career_map_draws_every_grow_edge_but_only_the_switches_on_the_path(graph, rubric, people):
    business = next(p for p in people if p.track == "business")
    switching = roadmap(graph, rubric, business.profile, "business", target_level=3, target_track="software_engineer")
    chart = charts.career_map(graph, switching.path, {"business": "Business roles"})
    grow = {(u, v) for u, v, kind in graph.edges(data="kind") if kind == "grow"}
    switches = {(e.source, e.target) for e in chart.edges if e.kind == "switch"}
    assert {(e.source, e.target) for e in chart.edges if e.kind == "grow"} == grow
    assert switches and switches <= set(pairwise(switching.path))
    assert all(e.on_path for e in chart.edges if e.kind == "switch")
    assert "Business roles L" in chart.summary and "→" in chart.summary


def test_career_map_is_a_grid_of_track_columns_and_level_rows(graph, uma_roadmap):
    chart = charts.career_map(graph, uma_roadmap.path, {"software_engineer": "Software engineer"})
    assert [c[0] for c in chart.columns] == ["software_engineer", "product_manager", "data_professional", "business"]
    assert chart.columns[0][1] == "Software engineer" and chart.columns[1][1] == "Product manager"
    assert chart.columns[0][3] == 3 and chart.columns[3][3] == 1  # each track's usual goal level
    x = {slug: x for slug, _, x, _ in chart.columns}
    y = {level: y for level, _, y in chart.rows}
    assert [lv for lv, _, _ in chart.rows] == list(range(MAX_LEVEL, -1, -1))
    assert len(chart.nodes) == len(x) * len(y)
    for node in chart.nodes:
        assert (node.at.x, node.at.y) == (x[node.track], y[node.level])
        assert node.at.x + chart.node_width / 2 <= chart.width and node.at.y + chart.node_height / 2 <= chart.height
    current = [n for n in chart.nodes if n.current]
    target = [n for n in chart.nodes if n.target]
    assert [(n.track, n.level) for n in current + target] == [uma_roadmap.path[0], uma_roadmap.path[-1]]


def test_career_map_marks_key_moves(graph, uma_roadmap):
    chart = charts.career_map(graph, uma_roadmap.path)
    key = {(e.source, e.target) for e in chart.edges if e.key_move}
    assert (("software_engineer", 2), ("software_engineer", 3)) in key
    assert "(key move)" in chart.summary


def test_career_map_of_a_person_already_at_target_shows_where_they_are(graph):
    chart = charts.career_map(graph, (("business", 1),))
    assert not any(e.on_path for e in chart.edges)
    assert chart.summary == "You are at Business L1"


@pytest.mark.parametrize("path", [(), (("nowhere", 1),), (("business", 1), ("business", 3))])
def test_career_map_refuses_a_path_that_leaves_the_graph(graph, path):
    with pytest.raises(ValueError, match="path"):
        charts.career_map(graph, path)


@given(st.lists(st.integers(0, 500), min_size=6, max_size=6))
def test_pyramid_bars_are_centred_and_proportional_to_the_counts(counts):
    chart = charts.pyramid(counts)
    assert [row.level for row in chart.rows] == [5, 4, 3, 2, 1, 0]
    widest = max(counts)
    for row in chart.rows:
        assert row.count == counts[row.level]
        assert row.width == pytest.approx(100 * row.count / widest if widest else 0, abs=0.06)
        assert row.x + row.width / 2 == pytest.approx(50, abs=0.06)
    if sum(counts):
        assert sum(row.share for row in chart.rows) == pytest.approx(100, abs=0.5)


def test_pyramid_carries_level_titles(assessment, rubric):
    chart = charts.pyramid(assessment.level_counts, [rubric.level_title(n) for n in range(MAX_LEVEL + 1)])
    assert chart.rows[0].title == "AI Transformation Leader" and chart.rows[-1].title == "No AI level yet"
    assert chart.total == assessment.headcount


def test_pyramid_refuses_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        charts.pyramid([1, -1])


def test_history_places_dates_to_scale_and_levels_by_height():
    chart = charts.history({"overall": [(date(2025, 1, 1), 1), (date(2025, 1, 11), 2), (date(2025, 1, 31), 4)]})
    left, top, right, bottom = chart.box
    (series,) = chart.series
    xs = [float(x) for x in re.findall(r"[ML]([\d.]+) ", series.d)]
    assert xs[0] == left and xs[-1] == right
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(10 / 30, abs=0.01)
    assert dict((lv, y) for y, lv in chart.y_ticks)[0] == bottom
    assert dict((lv, y) for y, lv in chart.y_ticks)[MAX_LEVEL] == top
    assert len(series.markers) == 3 and series.label_at.x > right


def test_history_breaks_the_line_where_a_domain_was_not_assessed():
    chart = charts.history({"evaluation": [(date(2025, 1, 1), 1), (date(2025, 2, 1), None), (date(2025, 3, 1), 2)]})
    (series,) = chart.series
    assert series.d.count("M") == 2 and "L" not in series.d
    assert len(series.markers) == 2
    assert chart.value(series, date(2025, 2, 1)) is None and chart.value(series, date(2025, 3, 1)) == 2


def test_history_end_labels_do_not_overlap_when_lines_end_together():
    day = date(2025, 1, 1)
    chart = charts.history({d: [(day, 2)] for d in DOMAINS})
    ys = sorted(s.label_at.y for s in chart.series)
    assert all(b - a >= 14 for a, b in pairwise(ys))
    assert {s.shape for s in chart.series} == {"circle", "square", "triangle", "diamond"}
    assert [s.index for s in chart.series] == list(range(1, 9))
    assert chart.series[0].markers[0].startswith(f"M{(chart.box[0] + chart.box[2]) / 2 - 4:g} ")  # one date: centred


def test_history_thins_date_ticks_that_would_collide():
    days = [date(2025, 1, d) for d in range(1, 29)]
    chart = charts.history({"overall": [(d, 1) for d in days]})
    assert len(chart.dates) == 28 and 2 <= len(chart.x_ticks) < 28
    assert all(b[0] - a[0] >= 84 for a, b in pairwise(chart.x_ticks))
    assert chart.x_ticks[0][1] == "1 Jan 2025"


def test_history_of_nobody_has_nothing_to_draw():
    chart = charts.history({})
    assert chart.series == () and chart.dates == () and chart.x_ticks == ()


def test_heatmap_tells_levels_n_a_and_not_assessed_apart(rubric):
    person = Person("E1", "Ada", "business", Profile.from_mapping(
        {"prompting": 2, "governance": 1, "strategy": None, "security": 0, "apis_integration": 1}))
    chart = charts.heatmap(score_people(rubric, [person]), rubric)
    (row,) = chart.rows
    kinds = {c.domain: c.kind for c in row.cells}
    assert kinds["prompting"] == kinds["security"] == kinds["apis_integration"] == "level"
    assert kinds["governance"] == "na"  # the matrix has no governance level 1
    assert kinds["strategy"] == kinds["evaluation"] == "unassessed"
    assert row.level == 1 and row.level_title == "AI Consumer"
    assert chart.columns[1] == ("apis_integration", "APIs & integration")
    assert chart.kinds == {"level", "na", "unassessed"}
    assert "not assessed" in row.cells[DOMAINS.index("strategy")].text
