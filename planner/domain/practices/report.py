"""The crosswalk report: practice positions beside the EAISM skills stage and a hiring plan.

Finds where skills and practices disagree, the KPIs and governance controls due
now, and one roadmap that merges practice actions with the hiring phases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from planner.domain.practices.rubric import LADDERS, KpiSpec, StageFit
from planner.domain.practices.scoring import LadderPosition, PracticeResult, names_text
from planner.domain.sequencing import HiringPlan
from planner.domain.staging import Finding, OrgAssessment, Shortfall


#: What each finding is about, as a heading people read (the code is for programs).
FINDING_TITLES = {
    "ungrounded_practice": "Practices above the foundation",
    "ungoverned_automation": "Automation without governance",
    "no_baseline": "No baseline to measure against",
    "skills_ahead_of_practices": "Skills ahead of practices",
    "practices_ahead_of_skills": "Practices ahead of skills",
    "automation_without_engineers": "Automation without the people to run it",
    "unproven_roi": "Spending without proof of return",
}


@dataclass(frozen=True, slots=True)
class Control:
    """A governance control due now, and the ladder level it comes from."""

    ladder: str
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class RoadmapStep:
    """One step of the merged roadmap; `source` is a ladder slug or ``"hiring"``."""

    quarter: int
    source: str
    title: str
    action: str


@dataclass(frozen=True, slots=True)
class MaturityReport:
    practices: PracticeResult
    assessment: OrgAssessment | None
    plan: HiringPlan | None
    mismatches: tuple[Finding, ...]
    kpis: tuple[KpiSpec, ...]
    governance_due: tuple[Control, ...]
    roadmap: tuple[RoadmapStep, ...]

    @property
    def fit(self) -> StageFit | None:
        """The practice levels the crosswalk expects at the EAISM stage (``None`` without people)."""
        if self.assessment is None:
            return None
        return self.practices.rubric.crosswalk.fit(self.assessment.stage.number)

    @property
    def roadmap_groups(self) -> tuple[tuple[RoadmapStep, tuple[str, ...]], ...]:
        """The roadmap with consecutive steps of one quarter and title together: (first step, actions)."""
        groups = groupby(self.roadmap, key=lambda s: (s.quarter, s.source, s.title))
        return tuple((steps[0], tuple(s.action for s in steps)) for steps in (list(g) for _, g in groups))


def _positions_text(result: PracticeResult, slugs: Iterable[str], fit: StageFit) -> str:
    parts = []
    for slug in slugs:
        pos, (low, high) = result.positions[slug], fit.ranges[slug]
        span = f"{low}" if low == high else f"{low}–{high}"
        parts.append(f"{pos.ladder.short} {pos.level} where {span} fits this stage")
    return "; ".join(parts)


def _range_mismatches(result: PracticeResult, assessment: OrgAssessment, fit: StageFit) -> list[Finding]:
    stage = assessment.stage
    below = [s for s in LADDERS if result.positions[s].level < fit.ranges[s][0]]
    above = [s for s in LADDERS if result.positions[s].level > fit.ranges[s][1]]
    found = []
    if below:
        found.append(Finding(
            "skills_ahead_of_practices",
            f"Skills are at EAISM stage {stage.number} ({stage.name}) but practices lag: "
            f"{_positions_text(result, below, fit)}. People can build more than the organisation's practices "
            "let it use safely: the missing practices are due in the roadmap's first quarter, beside any "
            "hiring planned for it.",
        ))
    if above:
        found.append(Finding(
            "practices_ahead_of_skills",
            f"Practices run ahead of the people who must sustain them at EAISM stage {stage.number} "
            f"({stage.name}): {_positions_text(result, above, fit)}. {assessment.blockers_text()}",
        ))
    return found


def _automation_mismatch(result: PracticeResult, assessment: OrgAssessment) -> Finding | None:
    running = result.automation_in_place
    shortfalls = [
        Shortfall(req, req.needed(assessment.headcount), assessment.coverage[req.domain][req.level - 1])
        for req in result.rubric.crosswalk.automation_requires
    ]
    short = [s for s in shortfalls if s.have < s.needed]
    if not running or not short:
        return None
    return Finding(
        "automation_without_engineers",
        f"Automation is in place ({names_text(running)}) but {'; '.join(s.message for s in short)}: "
        "nobody can secure or watch what runs unattended. Hire or develop them before automating further.",
    )


def _mismatches(result: PracticeResult, assessment: OrgAssessment) -> list[Finding]:
    fit = result.rubric.crosswalk.fit(assessment.stage.number)
    found = _range_mismatches(result, assessment, fit)
    automation = _automation_mismatch(result, assessment)
    if automation:
        found.append(automation)
    if assessment.stage.number >= result.rubric.crosswalk.roi_from_stage and not result.has_baseline:
        found.append(Finding(
            "unproven_roi",
            f"Skills are at EAISM stage {assessment.stage.number} ({assessment.stage.name}), where AI spending "
            "is material, yet no baseline metrics exist to prove it pays off. Record baselines now.",
        ))
    return found


def _kpis_due(result: PracticeResult) -> tuple[KpiSpec, ...]:
    slugs = dict.fromkeys(k for pos in result.positions.values() for k in pos.guide.kpis)
    return tuple(result.rubric.kpis[slug] for slug in slugs)


def _governance_due(result: PracticeResult) -> tuple[Control, ...]:
    """The controls of the level held, and of every level where automation already runs.

    Automation carries its level's risks whether or not that level is held, so
    its controls cannot wait for the ladder to catch up.
    """
    due = []
    for slug, pos in result.positions.items():
        running = (p.level_on(slug) for p in result.automation_in_place)
        levels = sorted({pos.guide.number, *(n for n in running if n is not None)})
        due += [Control(slug, n, text) for n in levels for text in pos.ladder.level(n).controls]
    return tuple(due)


def _step_title(pos: LadderPosition) -> str:
    upcoming = pos.next_level
    if upcoming is None:
        return f"{pos.ladder.short}: sustain level {pos.level} and go beyond"
    return f"{pos.ladder.short} to level {upcoming.number}: {upcoming.name}"


def _roadmap(result: PracticeResult, plan: HiringPlan | None) -> tuple[RoadmapStep, ...]:
    """Practice actions are due now (quarter 1); hiring phases keep their planned quarters.

    Within a quarter practice steps come first: people hired into missing
    foundations have nothing safe to build on.
    """
    steps = [
        RoadmapStep(1, slug, _step_title(pos), action)
        for slug, pos in result.positions.items() for action in pos.guide.actions
    ]
    for phase in plan.phases if plan else ():
        if phase.active:
            title = f"Hiring: L{phase.level} {phase.title}{' (critical)' if phase.critical else ''}"
            steps.append(RoadmapStep(phase.quarter, "hiring", title, phase.rationale))
    return tuple(sorted(steps, key=lambda step: step.quarter))


def maturity_report(result: PracticeResult, assessment: OrgAssessment | None = None,
                    plan: HiringPlan | None = None) -> MaturityReport:
    """Set the practice positions beside the EAISM stage and the hiring plan.

    Without an `assessment` there are no mismatches to find; without a `plan`
    the roadmap holds only practice actions.
    """
    return MaturityReport(
        practices=result,
        assessment=assessment,
        plan=plan,
        mismatches=tuple(_mismatches(result, assessment)) if assessment is not None else (),
        kpis=_kpis_due(result),
        governance_due=_governance_due(result),
        roadmap=_roadmap(result, plan),
    )
