"""Geometry for the server-rendered charts drawn by ``templates/macros/``.

Pages must show their charts without JavaScript and under a CSP that forbids
inline styles, so every coordinate is worked out here and the macros only
print numbers into SVG attributes. Nothing here imports Flask: the functions
take domain objects or plain numbers and return frozen dataclasses, so the
geometry is tested without an app. Coordinates are in SVG user units; the
SVG's ``viewBox`` is ``0 0 width height`` and CSS scales it to its container.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

from planner.domain.model import DOMAINS, MAX_LEVEL, Rubric
from planner.domain.scoring import PersonScore
from planner.web.dates import day_text

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "CareerMap",
    "HeatCell",
    "HeatRow",
    "Heatmap",
    "HistoryChart",
    "HistorySeries",
    "MapEdge",
    "MapNode",
    "Point",
    "Pyramid",
    "PyramidRow",
    "RadarAxis",
    "RadarChart",
    "career_map",
    "heatmap",
    "history",
    "pyramid",
    "radar",
]

Node = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float


def _point(x: float, y: float) -> Point:
    """Round to a tenth of a unit: enough for any screen, and it keeps the HTML small."""
    return Point(round(x, 1), round(y, 1))


def _points(points: Iterable[Point]) -> str:
    """The ``points`` attribute of an SVG polygon or polyline."""
    return " ".join(f"{p.x:g},{p.y:g}" for p in points)


def _check_level(name: str, level: int | None, *, optional: bool = False) -> None:
    if level is None and optional:
        return
    if not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
        raise ValueError(f"{name}: expected a level 0-{MAX_LEVEL}, got {level!r}")


# --- Heatmap -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One person's rating in one domain.

    ``kind`` is ``"level"``, ``"na"`` (rated at a level the matrix marks n/a in
    this domain, so it counts for nothing) or ``"unassessed"``; ``text`` says
    the same in words for screen readers and tooltips.
    """

    domain: str
    level: int | None
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class HeatRow:
    employee_id: str
    name: str
    level: int
    level_title: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True, slots=True)
class Heatmap:
    #: ``(slug, display name)`` per column, in `DOMAINS` order.
    columns: tuple[tuple[str, str], ...]
    rows: tuple[HeatRow, ...]

    @property
    def kinds(self) -> frozenset[str]:
        """The cell kinds present, so a legend can leave out what the table does not show."""
        return frozenset(cell.kind for row in self.rows for cell in row.cells)


def _heat_cell(rubric: Rubric, domain: str, level: int | None) -> HeatCell:
    name = rubric.domain(domain).name
    if level is None:
        return HeatCell(domain, None, "unassessed", f"{name}: not assessed")
    if level and not rubric.domain(domain).applies_at(level):
        return HeatCell(domain, level, "na", f"{name}: rated {level}, but the matrix has no level {level} "
                                             f"in {name} (n/a), so it counts as 0")
    return HeatCell(domain, level, "level", f"{name}: level {level}")


def heatmap(scores: Iterable[PersonScore], rubric: Rubric) -> Heatmap:
    """Classify every person × domain cell for the team heatmap, in the order given."""
    rows = tuple(
        HeatRow(
            employee_id=s.person.employee_id,
            name=s.person.name,
            level=s.level,
            level_title=rubric.level_title(s.level),
            cells=tuple(_heat_cell(rubric, d, s.person.profile.get(d)) for d in DOMAINS),
        )
        for s in scores
    )
    return Heatmap(tuple((d, rubric.domain(d).name) for d in DOMAINS), rows)


# --- Radar -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RadarAxis:
    domain: str
    label: str
    #: ``None`` when not assessed; it is plotted at 0.
    value: int | None
    required: int
    end: Point
    point: Point
    required_point: Point
    #: The label broken into short lines, and where the first line's baseline starts.
    lines: tuple[str, ...]
    label_at: Point
    #: SVG ``text-anchor`` that keeps the label outside the chart.
    anchor: str

    @property
    def gap(self) -> int:
        return max(0, self.required - (self.value or 0))


@dataclass(frozen=True, slots=True)
class RadarChart:
    width: float
    height: float
    center: Point
    axes: tuple[RadarAxis, ...]
    #: ``(level, polygon points)`` of the grid ring at each level 1..5.
    rings: tuple[tuple[int, str], ...]
    #: Where each ring's level number is printed, along the first spoke.
    ticks: tuple[tuple[int, Point], ...]
    values: str
    requirement: str
    #: Distance between label lines (the ``dy`` of each further line).
    line_height: float = 17.0

    @property
    def gaps(self) -> tuple[RadarAxis, ...]:
        return tuple(a for a in self.axes if a.gap)


def _wrap(text: str, width: int = 12) -> tuple[str, ...]:
    """Break a label at spaces into lines of about `width` characters; a long word stays whole."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


def radar(values: Mapping[str, int | None], requirement: Mapping[str, int],
          labels: Mapping[str, str] | None = None, *, domains: Sequence[str] = DOMAINS,
          radius: float = 120.0, line_height: float = 17.0) -> RadarChart:
    """Lay out a radar of a person's levels against a requirement, one spoke per domain.

    Spokes start at 12 o'clock and run clockwise; a level's distance from the
    centre is proportional to the level, so level 5 sits on the outer ring.
    Missing or ``None`` values are plotted at 0 and kept as ``None`` for the
    legend; domains missing from `requirement` require 0. Labels wrap onto
    short lines (plus one for a "not assessed" note), so long domain names
    need little room beside the rings and stay legible when the chart shrinks.

    >>> chart = radar({"prompting": 5}, {}, domains=("prompting", "strategy"), radius=100)
    >>> chart.axes[0].point == chart.axes[0].end
    True
    """
    labels = labels or {}
    pad_x, pad_y = 105.0, 60.0  # room for axis labels beside and above/below the rings
    cx, cy = radius + pad_x, radius + pad_y
    angles = [-math.pi / 2 + 2 * math.pi * i / len(domains) for i in range(len(domains))]

    def at(i: int, level: float) -> Point:
        r = radius * level / MAX_LEVEL
        return _point(cx + r * math.cos(angles[i]), cy + r * math.sin(angles[i]))

    axes = []
    for i, domain in enumerate(domains):
        value, need = values.get(domain), requirement.get(domain, 0)
        _check_level(f"values[{domain!r}]", value, optional=True)
        _check_level(f"requirement[{domain!r}]", need)
        cos, sin = math.cos(angles[i]), math.sin(angles[i])
        anchor = "middle" if abs(cos) < 0.2 else "start" if cos > 0 else "end"
        label = labels.get(domain, domain)
        lines = _wrap(label)
        extra = (len(lines) - (value is not None)) * line_height  # height of the lines after the first
        # Text hangs from its first baseline: stack labels up from the top ring, down from
        # the bottom one, and centre the others on their spoke.
        dy = -extra - 4 if sin < -0.9 else 16 if sin > 0.9 else 5 - extra / 2
        axes.append(RadarAxis(
            domain=domain,
            label=label,
            value=value,
            required=need,
            end=at(i, MAX_LEVEL),
            point=at(i, value or 0),
            required_point=at(i, need),
            lines=lines,
            label_at=_point(cx + (radius + 10) * cos, cy + (radius + 10) * sin + dy),
            anchor=anchor,
        ))
    return RadarChart(
        width=2 * (radius + pad_x),
        height=2 * (radius + pad_y),
        center=_point(cx, cy),
        axes=tuple(axes),
        rings=tuple((lv, _points(at(i, lv) for i in range(len(domains)))) for lv in range(1, MAX_LEVEL + 1)),
        ticks=tuple((lv, _point(cx + 4, cy - radius * lv / MAX_LEVEL - 2)) for lv in range(1, MAX_LEVEL + 1)),
        values=_points(a.point for a in axes),
        requirement=_points(a.required_point for a in axes),
        line_height=line_height,
    )


# --- Career map --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapNode:
    track: str
    level: int
    #: Centre of the node's box.
    at: Point
    on_path: bool
    current: bool
    target: bool


@dataclass(frozen=True, slots=True)
class MapEdge:
    source: Node
    target: Node
    kind: str
    key_move: bool
    on_path: bool
    #: SVG path data from the source box to the target box, and the point halfway along it.
    d: str
    mid: Point


@dataclass(frozen=True, slots=True)
class CareerMap:
    width: float
    height: float
    node_width: float
    node_height: float
    #: ``(track slug, display name, x, level the track usually aims for or None)`` per column.
    columns: tuple[tuple[str, str, float, int | None], ...]
    #: ``(level, title, y)`` per row, top row (highest level) first.
    rows: tuple[tuple[int, str, float], ...]
    nodes: tuple[MapNode, ...]
    #: Path edges come last so they are drawn on top.
    edges: tuple[MapEdge, ...]
    #: The path in words, for the SVG's ``<desc>`` and a caption.
    summary: str


def career_map(graph: nx.DiGraph, path: Sequence[Node], track_names: Mapping[str, str] | None = None,
               *, column_width: float = 150.0, row_height: float = 62.0) -> CareerMap:
    """Lay out the career graph as a grid (a column per track, a row per level) with `path` on it.

    Every ``grow`` edge is drawn, so the other tracks stay visible; of the
    ``switch`` edges (one between every pair of tracks at every level) only
    those on `path` are drawn, as the rest would bury the grid in lines.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from `planner.domain.careers.career_graph`.
    path : sequence of (track, level)
        A roadmap's ``path``: consecutive nodes must be joined by an edge.
    track_names : mapping, optional
        Column headings by track slug; defaults to the slug in words.

    Raises
    ------
    ValueError
        If `path` is empty or leaves the graph.
    """
    if not path:
        raise ValueError("path: a roadmap path has at least one node")
    for node in path:
        if node not in graph:
            raise ValueError(f"path: {node!r} is not a node of the career graph")
    path_edges = set(pairwise(path))
    for u, v in path_edges:
        if not graph.has_edge(u, v):
            raise ValueError(f"path: no move from {u!r} to {v!r} in the career graph")
    names = track_names or {}
    tracks = list(dict.fromkeys(graph.nodes[n]["track"] for n in graph))
    top_level = max(graph.nodes[n]["level"] for n in graph)
    left, top = 170.0, 44.0  # row titles, column headings
    node_w, node_h = 92.0, 34.0
    xs = {t: left + i * column_width + column_width / 2 for i, t in enumerate(tracks)}

    def y_of(level: int) -> float:
        return top + (top_level - level) * row_height + row_height / 2

    titles = {graph.nodes[n]["level"]: graph.nodes[n]["title"] for n in graph}
    goals = {t: lv for t, lv in graph if graph.nodes[t, lv].get("goal")}
    on_path = set(path)
    nodes = tuple(
        MapNode(track=t, level=lv, at=_point(xs[t], y_of(lv)), on_path=(t, lv) in on_path,
                current=(t, lv) == path[0], target=(t, lv) == path[-1])
        for t in tracks for lv in range(top_level, -1, -1) if (t, lv) in graph
    )

    def route(u: Node, v: Node) -> tuple[str, Point]:
        (x1, y1), (x2, y2) = (xs[u[0]], y_of(u[1])), (xs[v[0]], y_of(v[1]))
        if x1 == x2:  # grow: from the top of one box to the bottom of the one above
            step = node_h / 2 if y2 < y1 else -node_h / 2
            return f"M{x1:g} {y1 - step:g} V{y2 + step:g}", _point(x1, (y1 + y2) / 2)
        # switch: side to side, bowing upwards over any boxes in between
        side = node_w / 2 if x2 > x1 else -node_w / 2
        lift = 26 * (abs(x2 - x1) / column_width - 1)
        d = f"M{x1 + side:g} {y1:g} Q{(x1 + x2) / 2:g} {y1 - 2 * lift:g} {x2 - side:g} {y2:g}"
        return d, _point((x1 + x2) / 2, y1 - lift)

    edges = sorted(
        (
            MapEdge(u, v, data["kind"], bool(data["key_move"]), (u, v) in path_edges, *route(u, v))
            for u, v, data in graph.edges(data=True)
            if data["kind"] == "grow" or (u, v) in path_edges
        ),
        key=lambda e: e.on_path,
    )

    def name(track: str) -> str:
        return names.get(track, track.replace("_", " ").capitalize())

    moves = [f"{name(path[0][0])} L{path[0][1]}"]
    moves += [f"{name(v[0])} L{v[1]}" + (" (key move)" if graph.edges[u, v]["key_move"] else "")
              for u, v in pairwise(path)]
    summary = "You are at " + moves[0] if len(path) == 1 else "Path: " + " → ".join(moves)
    return CareerMap(
        width=left + len(tracks) * column_width + 10,
        height=top + (top_level + 1) * row_height + 6,
        node_width=node_w,
        node_height=node_h,
        columns=tuple((t, name(t), xs[t], goals.get(t)) for t in tracks),
        rows=tuple((lv, titles[lv], y_of(lv)) for lv in range(top_level, -1, -1)),
        nodes=nodes,
        edges=tuple(edges),
        summary=summary,
    )


# --- Level pyramid -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PyramidRow:
    level: int
    title: str
    count: int
    #: Bar width as a percentage of the widest bar, and its left edge when centred.
    width: float
    x: float
    #: Share of headcount, in percent.
    share: float


@dataclass(frozen=True, slots=True)
class Pyramid:
    #: Highest level first, as the pyramid is read from the top.
    rows: tuple[PyramidRow, ...]
    total: int


def pyramid(level_counts: Sequence[int], titles: Sequence[str] | None = None) -> Pyramid:
    """Size one centred bar per level, proportional to the people holding exactly that level.

    `level_counts` is indexed by level (``OrgAssessment.level_counts``);
    `titles` likewise (``[rubric.level_title(n) for n in LEVELS]``).

    >>> [row.width for row in pyramid([4, 2, 0]).rows]
    [0.0, 50.0, 100.0]
    """
    if any(c < 0 for c in level_counts):
        raise ValueError("level_counts: counts cannot be negative")
    total, widest = sum(level_counts), max(level_counts, default=0) or 1
    rows = []
    for level in range(len(level_counts) - 1, -1, -1):
        count = level_counts[level]
        width = round(100 * count / widest, 1)
        rows.append(PyramidRow(level, titles[level] if titles else "", count, width, round((100 - width) / 2, 2),
                               round(100 * count / total, 1) if total else 0.0))
    return Pyramid(tuple(rows), total)


# --- Assessment history ------------------------------------------------------

#: Marker shapes, cycled per series with the series colour so lines differ by more than hue.
_SHAPES = ("circle", "square", "triangle", "diamond")


def _marker(shape: str, p: Point, r: float = 4.0) -> str:
    """SVG path data of a marker centred on `p`: one ``<path>`` element draws any shape."""
    x, y = p.x, p.y
    if shape == "circle":
        return f"M{x - r:g} {y:g}a{r:g} {r:g} 0 1 0 {2 * r:g} 0a{r:g} {r:g} 0 1 0 {-2 * r:g} 0Z"
    if shape == "square":
        return f"M{x - r:g} {y - r:g}h{2 * r:g}v{2 * r:g}h{-2 * r:g}Z"
    if shape == "triangle":
        return f"M{x:g} {y - 1.2 * r:g}L{x + 1.2 * r:g} {y + r:g}L{x - 1.2 * r:g} {y + r:g}Z"
    return f"M{x:g} {y - 1.3 * r:g}L{x + 1.3 * r:g} {y:g}L{x:g} {y + 1.3 * r:g}L{x - 1.3 * r:g} {y:g}Z"


@dataclass(frozen=True, slots=True)
class HistorySeries:
    key: str
    label: str
    #: 1-based colour slot (CSS class ``series-N``, N = 1..8) and marker shape.
    index: int
    shape: str
    #: ``(date, level)`` in date order, ``None`` where that assessment left the domain unassessed.
    values: tuple[tuple[date, int | None], ...]
    #: SVG path data of the line, broken where a value is missing.
    d: str
    markers: tuple[str, ...]
    #: Where the direct label at the end of the line goes (``None`` if the series has no values).
    label_at: Point | None


@dataclass(frozen=True, slots=True)
class HistoryChart:
    width: float
    height: float
    #: Plot area: left, top, right, bottom.
    box: tuple[float, float, float, float]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, int], ...]
    series: tuple[HistorySeries, ...]
    dates: tuple[date, ...]

    def value(self, series: HistorySeries, day: date) -> int | None:
        """The level `series` had on `day`, for the data table (``None``: not assessed)."""
        return dict(series.values).get(day)


def _spread(wanted: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Move sorted positions at least `gap` apart: push down, then back up from `high`."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, low, placed[-1] + gap) if placed else max(y, low))
    for i in range(len(placed) - 1, -1, -1):
        placed[i] = min(placed[i], high if i == len(placed) - 1 else placed[i + 1] - gap)
    return placed


def history(series: Mapping[str, Sequence[tuple[date, int | None]]], labels: Mapping[str, str] | None = None,
            *, width: float = 520.0, height: float = 240.0) -> HistoryChart:
    """Lay out levels over time: one line per series, dates to scale on the x axis.

    Pass one series (``{"overall": [(day, level), ...]}``) for a person's level
    over time, or one per domain. Each line ends in a direct label, nudged apart
    where lines end at the same level, so no legend lookup by colour is needed.
    A ``None`` level breaks the line: that assessment did not rate the domain.
    """
    labels = labels or {}
    left, top, right, bottom = 48.0, 14.0, width - 150.0, height - 34.0
    dates = tuple(sorted({day for points in series.values() for day, _ in points}))
    span = (dates[-1] - dates[0]).days if dates else 0

    def x_of(day: date) -> float:
        return (left + right) / 2 if not span else left + (right - left) * (day - dates[0]).days / span

    def y_of(level: int) -> float:
        return bottom - (bottom - top) * level / MAX_LEVEL

    x_ticks: list[tuple[float, str]] = []
    for day in dates:  # skip dates whose label would collide with the previous one
        if not x_ticks or x_of(day) - x_ticks[-1][0] >= 84:
            x_ticks.append((round(x_of(day), 1), day_text(day)))
    built: list[HistorySeries] = []
    for n, (key, points) in enumerate(series.items()):
        values = tuple(sorted(points, key=lambda p: p[0]))
        shape = _SHAPES[n % len(_SHAPES)]
        pen, parts, markers = "M", [], []
        for day, level in values:
            _check_level(f"series[{key!r}] on {day}", level, optional=True)
            if level is None:
                pen = "M"
                continue
            p = _point(x_of(day), y_of(level))
            parts.append(f"{pen}{p.x:g} {p.y:g}")
            markers.append(_marker(shape, p))
            pen = "L"
        built.append(HistorySeries(key, labels.get(key, key), n % 8 + 1, shape, values, "".join(parts),
                                   tuple(markers), None))
    # Direct labels beside each line's last point, spread so that none overlap.
    last = {n: next((lv for _, lv in reversed(s.values) if lv is not None), None) for n, s in enumerate(built)}
    ends = sorted((y_of(level), n) for n, level in last.items() if level is not None)
    for (_, n), y in zip(ends, _spread([y for y, _ in ends], 14.0, top, bottom), strict=True):
        built[n] = replace(built[n], label_at=_point(right + 10, y + 4))
    return HistoryChart(
        width=width,
        height=height,
        box=(left, top, right, bottom),
        x_ticks=tuple(x_ticks),
        y_ticks=tuple((round(y_of(lv), 1), lv) for lv in range(MAX_LEVEL + 1)),
        series=tuple(built),
        dates=dates,
    )
