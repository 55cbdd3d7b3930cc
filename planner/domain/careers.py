"""Career paths as a graph, and personal roadmaps through it.

Nodes are ``(track, level)`` pairs; each carries the profile a person on that
track typically has at that level. Edges are the moves a person can make:

* ``grow``: one level up on the same track;
* ``switch``: the same level on another track (at an extra effort).

Each edge carries the domain increases the move requires and an effort weight
(increases times the destination track's per-domain effort). Effort is counted
in *level-steps*: one level in one domain at ordinary difficulty. A roadmap is
the least-effort path from where a person is to a target level, re-priced for the
person's actual profile: what they already have costs nothing. Each step also
takes development time, in quarters, from the rubric's ``[development]``.

`roadmap` is the one answer to "what does it take for this person to reach that
level?": the personal roadmap page, ``planner roadmap`` and the hiring plan's
promotions all ask it, so they cannot disagree.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import count, pairwise

import networkx as nx

from planner.domain.model import MAX_LEVEL, TRACKS, Profile, Rubric, frozen_mapping
from planner.domain.scoring import earned_level

__all__ = ["Roadmap", "Step", "career_graph", "default_target", "roadmap"]

Node = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Step:
    """One move on a roadmap and the domain raises it takes for this person."""

    source: Node
    target: Node
    #: ``grow``, ``switch``, or ``literacy`` (a track's literacy goal: the node stays the same).
    kind: str
    deltas: Mapping[str, int]
    effort: float
    key_move: bool
    #: Development time of the step, in quarters (0 when there is nothing to grow).
    quarters: int = 0


@dataclass(frozen=True, slots=True)
class Roadmap:
    track: str
    current_level: int
    target_level: int
    target_track: str
    steps: tuple[Step, ...]
    #: The level the roadmap ends literate in, when it ends with the track's literacy step.
    literacy_level: int | None = None

    @property
    def total_effort(self) -> float:
        """Effort in `planner.domain.model.EFFORT_UNIT`."""
        return round(sum(s.effort for s in self.steps), 2)

    @property
    def quarters(self) -> int:
        """Development time of the whole roadmap, step after step."""
        return sum(s.quarters for s in self.steps)

    @property
    def deltas(self) -> dict[str, int]:
        """Every domain raise the roadmap takes, added up over its steps."""
        total: dict[str, int] = {}
        for step in self.steps:
            for domain, delta in step.deltas.items():
                total[domain] = total.get(domain, 0) + delta
        return total

    @property
    def path(self) -> tuple[Node, ...]:
        """The nodes the roadmap visits (a literacy step stays on its node)."""
        moves = [s for s in self.steps if s.source != s.target]
        if not moves:
            return ((self.target_track if self.steps else self.track, self.target_level if self.steps
                     else self.current_level),)
        return (moves[0].source, *(s.target for s in moves))


def _expected(graph: nx.DiGraph, node: Node) -> Mapping[str, int]:
    return graph.nodes[node]["expected"]


def _move_effort(rubric: Rubric, graph: nx.DiGraph, u: Node, v: Node, deltas: Mapping[str, int]) -> float:
    switch = rubric.track_switch_effort if graph.edges[u, v]["kind"] == "switch" else 0.0
    return switch + rubric.track(v[0]).effort_of(deltas)


def _cheapest_path(graph: nx.DiGraph, rubric: Rubric, profile: Profile, start: Node, goal: Node) -> list[Node]:
    """The least-effort path from `start` to `goal`, each move priced against all gained before it.

    A move's price depends on the path behind it (an earlier node may already have
    taught a domain), so this is a uniform-cost search over (node, profile so far)
    states, not a shortest path over nodes with fixed edge weights.
    """
    tie = count()  # settles equal costs in discovery order, never by comparing profiles
    frontier = [(0.0, next(tie), start, profile, (start,))]
    settled = set()
    while frontier:
        cost, _, node, have, path = heapq.heappop(frontier)
        if node == goal:
            return list(path)
        if (node, have) in settled:
            continue
        settled.add((node, have))
        for nxt in graph.successors(node):
            if nxt[1] > goal[1]:  # levels never go down: no way back to the goal
                continue
            expected = _expected(graph, nxt)
            step = _move_effort(rubric, graph, node, nxt, have.shortfall(expected))
            heapq.heappush(frontier, (cost + step, next(tie), nxt, have.at_least(expected), (*path, nxt)))
    raise nx.NetworkXNoPath(f"no path from {start} to {goal}")


def career_graph(rubric: Rubric) -> nx.DiGraph:
    """Build the career graph of `rubric`'s tracks.

    Parameters
    ----------
    rubric : Rubric
        Supplies each track's expected profile per level and its effort weights.

    Returns
    -------
    networkx.DiGraph
        Nodes ``(track, level)`` for levels 0-5 with attributes ``expected``,
        ``title`` and ``goal``; edges with ``kind``, ``deltas``, ``effort`` and
        ``key_move``.

    Examples
    --------
    >>> from planner.loaders import load_rubric
    >>> G = career_graph(load_rubric())
    >>> G.edges[("software_engineer", 2), ("software_engineer", 3)]["key_move"]
    True
    """
    graph = nx.DiGraph(name=f"{rubric.name} career paths")
    for track in rubric.tracks:
        for level in range(MAX_LEVEL + 1):
            graph.add_node(
                (track.slug, level),
                track=track.slug,
                level=level,
                title=rubric.level_title(level),
                expected=track.expected(level),
                goal=level == track.goal_level,
            )
    for track in rubric.tracks:
        for level in range(MAX_LEVEL):
            source, target = (track.slug, level), (track.slug, level + 1)
            deltas = Profile.from_mapping(_expected(graph, source)).shortfall(_expected(graph, target))
            graph.add_edge(source, target, kind="grow", deltas=frozen_mapping(deltas),
                           effort=round(track.effort_of(deltas), 2), key_move=track.key_move == level + 1)
    for level in range(1, MAX_LEVEL + 1):
        for here in rubric.tracks:
            for there in rubric.tracks:
                if here is there:
                    continue
                source, target = (here.slug, level), (there.slug, level)
                deltas = Profile.from_mapping(_expected(graph, source)).shortfall(_expected(graph, target))
                effort = rubric.track_switch_effort + there.effort_of(deltas)
                graph.add_edge(source, target, kind="switch", deltas=frozen_mapping(deltas),
                               effort=round(effort, 2), key_move=False)
    return graph


def default_target(rubric: Rubric, profile: Profile, track: str) -> tuple[int, bool]:
    """Where a person's roadmap goes when they do not choose: (level, ending with the literacy step).

    Below their track's goal the goal (with its literacy, if the track has one);
    at the goal without the literacy, the literacy; beyond, the next level.
    """
    spec = rubric.track(track)
    current = earned_level(rubric, profile)
    literate = not profile.shortfall(spec.literacy)
    if current < spec.goal_level:
        return spec.goal_level, spec.literacy_level is not None
    if current == spec.goal_level and spec.literacy_level is not None and not literate:
        return current, True
    return min(current + 1, MAX_LEVEL), False


def roadmap(graph: nx.DiGraph, rubric: Rubric, profile: Profile, track: str,
            target_level: int | None = None, target_track: str | None = None) -> Roadmap:
    """Return the least-effort roadmap for a person from their level to `target_level`.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from `career_graph`.
    rubric : Rubric
        The rubric the person is scored against.
    profile : Profile
        The person's current profile; each step's deltas are computed from it.
    track : str
        The person's current track.
    target_level : int, optional
        Defaults to the goal of the target track (`default_target`): its goal
        level while the person is below it, ending with the track's literacy step
        when it has one; past the goal, the next level.
    target_track : str, optional
        The track to end on; defaults to `track`.

    Raises
    ------
    ValueError
        If a track is unknown or the target level is out of range.

    Notes
    -----
    Moves are re-priced for the person: the effort of a move is what the
    destination expects beyond what the person already has or gained earlier on
    the path, so a strong profile takes shorter, cheaper paths. Applying every
    step's deltas to `profile` always earns at least `target_level`.
    """
    for name, value in (("track", track), ("target_track", target_track or track)):
        if value not in TRACKS:
            raise ValueError(f"{name}: unknown track {value!r} (known: {', '.join(TRACKS)})")
    if target_level is not None and not 1 <= target_level <= MAX_LEVEL:
        raise ValueError(f"target_level: must be 1 to {MAX_LEVEL}")
    current = earned_level(rubric, profile)
    target_track = target_track or track
    target, literacy = (target_level, False) if target_level is not None else \
        default_target(rubric, profile, target_track)
    development = rubric.development
    steps = []
    have = profile
    if target > current or target_track != track:
        path = _cheapest_path(graph, rubric, profile, (track, min(current, target)), (target_track, target))
        for u, v in pairwise(path):
            expected = _expected(graph, v)
            deltas = have.shortfall(expected)
            edge = graph.edges[u, v]
            effort = _move_effort(rubric, graph, u, v, deltas)
            steps.append(Step(u, v, edge["kind"], frozen_mapping(deltas), round(effort, 2), edge["key_move"],
                              development.quarters(v[1], rubric.track(v[0]).effort_of(deltas))))
            have = have.at_least(expected)
    spec = rubric.track(target_track)
    gap = have.shortfall(spec.literacy) if literacy else {}
    if gap:
        effort = spec.effort_of(gap)
        node = (target_track, target)
        steps.append(Step(node, node, "literacy", frozen_mapping(gap), round(effort, 2), False,
                          development.quarters(target, effort)))
    return Roadmap(track, current, target, target_track, tuple(steps), spec.literacy_level if gap else None)
