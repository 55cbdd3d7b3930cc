"""Aggregate scored people into an organisational stage, coverage and warnings.

Stages are gates: stage k is reached only when the requirements of stage k and
of every stage below it are met. An organisation full of strategists but with no
L3 engineers therefore stays at stage 2, however senior its leadership.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from planner.domain.model import DOMAINS, LEVELS, MAX_LEVEL, Person, Requirement, Rubric, StageSpec, frozen_mapping
from planner.domain.scoring import PersonScore, score_people

__all__ = [
    "Finding",
    "GateCheck",
    "OrgAssessment",
    "Shortfall",
    "assess_org",
    "check_gates",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """A warning with a stable ``code`` that tools can match on, and a message people read."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One unmet requirement of a stage gate."""

    requirement: Requirement
    needed: int
    have: int

    @property
    def missing(self) -> int:
        return self.needed - self.have

    @property
    def message(self) -> str:
        req = self.requirement
        if req.domain is None:
            who = f"{self.missing} more {'person' if self.missing == 1 else 'people'} at L{req.level}+"
            return f"needs {who} (has {self.have} of {self.needed})"
        if self.have == 0:
            return f"nobody is L{req.level}+ in {req.domain} (needs {self.needed})"
        return f"needs {self.missing} more at L{req.level}+ in {req.domain} (has {self.have} of {self.needed})"


@dataclass(frozen=True, slots=True)
class GateCheck:
    stage: StageSpec
    shortfalls: tuple[Shortfall, ...]

    @property
    def met(self) -> bool:
        return not self.shortfalls


@dataclass(frozen=True, slots=True)
class OrgAssessment:
    """Where an organisation stands, and why it stands there."""

    rubric: Rubric
    scores: tuple[PersonScore, ...]
    stage: StageSpec
    gates: tuple[GateCheck, ...]
    #: People holding exactly each level 0..5.
    level_counts: tuple[int, ...]
    #: Per domain, how many people are at >= each level 1..5 (index 0 is level 1).
    coverage: Mapping[str, tuple[int, ...]]
    warnings: tuple[Finding, ...]

    @property
    def headcount(self) -> int:
        return len(self.scores)

    def at_least(self, level: int) -> int:
        """How many people hold `level` or above."""
        return sum(self.level_counts[level:])

    @property
    def next_gate(self) -> GateCheck | None:
        """The first gate not met: what blocks the next stage (``None`` at the top)."""
        return next((g for g in self.gates if not g.met), None)

    @property
    def operationalization_gap(self) -> bool:
        return any(w.code == "operationalization_gap" for w in self.warnings)

    def blockers_text(self) -> str:
        gate = self.next_gate
        if gate is None:
            return "The organisation meets every stage gate."
        parts = "; ".join(s.message for s in gate.shortfalls)
        return f"Stage {gate.stage.number} ({gate.stage.name}) {parts}."


def _count_levels(scores: Iterable[PersonScore]) -> tuple[int, ...]:
    counts = [0] * len(LEVELS)
    for score in scores:
        counts[score.level] += 1
    return tuple(counts)


def _profile_counts(people: Iterable[Person]) -> Counter[tuple[int | None, ...]]:
    """How many people have each distinct levels tuple: teams share profiles, so there are far fewer."""
    return Counter(map(attrgetter("profile.levels"), people))


def _coverage(profile_counts: Mapping[tuple[int | None, ...], int]) -> dict[str, tuple[int, ...]]:
    """Per domain, people at >= each level; built from one histogram pass over the distinct profiles."""
    histogram = [[0] * (MAX_LEVEL + 1) for _ in DOMAINS]
    for levels, count in profile_counts.items():
        for i, value in enumerate(levels):
            histogram[i][value or 0] += count
    coverage = {}
    for domain, counts in zip(DOMAINS, histogram):
        running, at_least = 0, []
        for level in range(MAX_LEVEL, 0, -1):
            running += counts[level]
            at_least.append(running)
        coverage[domain] = tuple(reversed(at_least))
    return coverage


def check_gates(
    rubric: Rubric, level_counts: Sequence[int], coverage: Mapping[str, Sequence[int]]
) -> tuple[StageSpec, tuple[GateCheck, ...]]:
    """Return the stage reached and the check of every gate, from counts alone.

    Separated from `assess_org` so the sequencer can test projected counts cheaply.
    """
    headcount = sum(level_counts)
    gates = []
    for stage in rubric.stages:
        shortfalls = []
        for req in stage.people:
            needed, have = req.needed(headcount), sum(level_counts[req.level:])
            if have < needed:
                shortfalls.append(Shortfall(req, needed, have))
        for req in stage.coverage:
            needed, have = req.needed(headcount), coverage[req.domain][req.level - 1]
            if have < needed:
                shortfalls.append(Shortfall(req, needed, have))
        gates.append(GateCheck(stage, tuple(shortfalls)))
    reached = rubric.stages[0]
    for gate in gates:
        if not gate.met:
            break
        reached = gate.stage
    return reached, tuple(gates)


def _l3_gate(gates: Sequence[GateCheck]) -> GateCheck | None:
    """The first gate that asks for L3 capacity (stage 3 by default), if it lacks some.

    That gate is the operationalisation crossing. Later stages asking for more L3
    people measure growth beyond production, not the gap.
    """
    first = next((g for g in gates if any(r.level == 3 for r in (*g.stage.people, *g.stage.coverage))), None)
    if first is not None and any(s.requirement.level == 3 for s in first.shortfalls):
        return first
    return None


def _warnings(rubric: Rubric, scores: Sequence[PersonScore], level_counts: Sequence[int],
              gates: Sequence[GateCheck], profile_counts: Mapping[tuple[int | None, ...], int]) -> list[Finding]:
    found: list[Finding] = []
    if not scores:
        return [Finding("empty_organisation", "No people to assess yet.")]
    builders = sum(level_counts[2:])
    l3_people = sum(level_counts[3:])
    l3_gate = _l3_gate(gates)
    if builders == 0:
        found.append(Finding(
            "no_builders",
            "Nobody holds L2 (AI Builder): there is no capacity to prototype, so no pilot can start. "
            "Grow builders before anything else.",
        ))
    elif l3_gate is not None:
        shortfalls = [s for s in l3_gate.shortfalls if s.requirement.level == 3]
        detail = "; ".join(s.message for s in shortfalls)
        found.append(Finding(
            "operationalization_gap",
            f"{builders} builder{'s' if builders != 1 else ''} at L2+ but only {l3_people} at L3+: "
            f"stage {l3_gate.stage.number} {detail}. Pilots will pile up without reaching production.",
        ))
    senior = [] if l3_gate is None else [  # only the operationalisation gap makes them a warning
        s for s in scores
        if s.level >= 4
        or s.person.profile.value("strategy") >= rubric.senior_strategy_level
        or s.person.profile.value("governance") >= rubric.senior_strategy_level
    ]
    if senior:
        names = ", ".join(s.person.name for s in senior[:3]) + (f" and {len(senior) - 3} more" if len(senior) > 3 else "")
        found.append(Finding(
            "top_heavy",
            f"{len(senior)} senior strategy profile{'s' if len(senior) != 1 else ''} ({names}) "
            f"without an L3 foundation beneath: strategy has no production systems to run on. "
            "Hold further senior strategy hires until L3 capacity exists.",
        ))
    # A levels tuple holding None has a domain not assessed (see `Profile.not_assessed`).
    unassessed = sum(count for levels, count in profile_counts.items() if None in levels)
    if unassessed:
        found.append(Finding(
            "not_assessed",
            f"{unassessed} {'person has' if unassessed == 1 else 'people have'} domains not yet assessed; "
            "they count as 0 until someone assesses them.",
        ))
    return found


def assess_org(rubric: Rubric, people: Iterable[Person], scores: Sequence[PersonScore] | None = None) -> OrgAssessment:
    """Score everyone and place the organisation on the stage ladder.

    Pass `scores` when the people are already scored, to avoid scoring twice.
    """
    people = tuple(people)
    scores = tuple(scores) if scores is not None else score_people(rubric, people)
    level_counts = _count_levels(scores)
    profile_counts = _profile_counts(people)
    coverage = _coverage(profile_counts)
    stage, gates = check_gates(rubric, level_counts, coverage)
    return OrgAssessment(
        rubric=rubric,
        scores=scores,
        stage=stage,
        gates=gates,
        level_counts=level_counts,
        coverage=frozen_mapping(coverage),
        warnings=tuple(_warnings(rubric, scores, level_counts, gates, profile_counts)),
    )
