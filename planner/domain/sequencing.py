"""Turn an organisation's position into a phased hiring and promotion plan.

The plan follows the model's hiring sequence: literacy, then builders, then the
critical systems-engineering phase, then architects grown from within, and only
then transformation leaders. Each phase first develops people who are close to
the level (their gaps are small) and hires for what is left.

Rules the plan keeps, by construction:

* phases run in level order, so L2 capacity is in place or planned before any L3 hire
  (at least ``rubric.min_builders_before_l3`` builders);
* L5 is only planned for a target that needs it, after the L3 and L4 phases;
* front-loaded senior strategy profiles are reported as a warning, never recommended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from math import ceil
from operator import itemgetter

from planner.domain.model import DOMAINS, MAX_LEVEL, Person, PhaseSpec, Profile, Requirement, Rubric, StageSpec
from planner.domain.scoring import PersonScore, earned_level, gaps_to
from planner.domain.staging import Finding, OrgAssessment, assess_org, check_gates

__all__ = [
    "HiringPlan",
    "HypotheticalHire",
    "Phase",
    "PlanError",
    "Promotion",
    "minimal_profile",
    "plan_hiring",
    "project",
]


class PlanError(ValueError):
    """A plan or what-if request that cannot be honoured; ``field`` names the bad input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Promotion:
    """Developing one person to the phase's level, with the raises it takes."""

    employee_id: str
    name: str
    from_level: int
    to_level: int
    deltas: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Phase:
    level: int
    title: str
    builds: str
    critical: bool
    #: People needed at this level or above for the target stage, and how many there are now.
    needed: int
    have: int
    hires: int
    promotions: tuple[Promotion, ...]
    focus_domains: tuple[str, ...]
    rationale: str
    #: First and last quarter of the phase (1-based); ``None`` when it has nothing to do.
    quarter: int | None
    end_quarter: int | None

    @property
    def active(self) -> bool:
        return bool(self.hires or self.promotions)


@dataclass(frozen=True, slots=True)
class HiringPlan:
    current_stage: StageSpec
    target_stage: StageSpec
    projected_stage: StageSpec
    per_quarter: int | None
    phases: tuple[Phase, ...]
    warnings: tuple[Finding, ...]

    @property
    def total_hires(self) -> int:
        return sum(p.hires for p in self.phases)

    @property
    def total_promotions(self) -> int:
        return sum(len(p.promotions) for p in self.phases)

    @property
    def quarters(self) -> int:
        return max((p.end_quarter or 0 for p in self.phases), default=0)


@dataclass(frozen=True, slots=True)
class HypotheticalHire:
    """A what-if hire: someone at `level`, strong first in the `domains` listed."""

    level: int
    domains: tuple[str, ...] = ()


def minimal_profile(rubric: Rubric, level: int, prefer: Iterable[str] = ()) -> Profile:
    """The least profile that holds `level`, built from the `prefer`red domains first."""
    zero = Profile.zero()
    return zero.raised(gaps_to(rubric, zero, level, prefer))


class _Workforce:
    """Mutable projection of the organisation while a plan is built: counts only, so it is cheap."""

    def __init__(self, assessment: OrgAssessment) -> None:
        self.level_counts = list(assessment.level_counts)
        #: People counted at a level only by their leadership reading (see `OrgAssessment.leader_counts`).
        self.leaders = assessment.leader_counts
        #: Per domain, people at each level 0-5: recovered from the assessment's "at >= level" coverage.
        self.histogram = []
        for domain in DOMAINS:
            at_least = (assessment.headcount, *assessment.coverage[domain], 0)
            self.histogram.append([at_least[lv] - at_least[lv + 1] for lv in range(MAX_LEVEL + 1)])

    @property
    def headcount(self) -> int:
        return sum(self.level_counts)

    def at_least(self, level: int) -> int:
        return sum(self.level_counts[level:]) + self.leaders[level]

    def covering(self, domain: str, level: int) -> int:
        return sum(self.histogram[DOMAINS.index(domain)][level:])

    def coverage(self) -> dict[str, tuple[int, ...]]:
        return {d: tuple(self.covering(d, lv) for lv in range(1, MAX_LEVEL + 1)) for d in DOMAINS}

    def add(self, level: int, profile: Profile, sign: int = 1) -> None:
        self.level_counts[level] += sign
        for i, value in enumerate(profile.levels):
            self.histogram[i][value or 0] += sign

    def replace(self, old_level: int, old: Profile, new_level: int, new: Profile) -> None:
        self.add(old_level, old, -1)
        self.add(new_level, new)

    def deficits(self, people_reqs: Sequence[Requirement], coverage_reqs: Sequence[Requirement],
                 level: int) -> tuple[int, dict[str, int]]:
        """(people still missing at >= level, {domain: people still missing at >= level in it})."""
        headcount = self.headcount
        people = max((r.needed(headcount) - self.at_least(level) for r in people_reqs), default=0)
        domains = {}
        for req in coverage_reqs:
            missing = req.needed(headcount) - self.covering(req.domain, level)
            if missing > 0:
                domains[req.domain] = max(domains.get(req.domain, 0), missing)
        return max(people, 0), domains


def _requirements(rubric: Rubric, target: int, level: int) -> tuple[list[Requirement], list[Requirement]]:
    stages = [s for s in rubric.stages if s.number <= target]
    people = [r for s in stages for r in s.people if r.level == level]
    coverage = [r for s in stages for r in s.coverage if r.level == level]
    needs_l3 = any(r.level >= 3 for s in stages for r in (*s.people, *s.coverage))
    if level == 2 and needs_l3 and rubric.min_builders_before_l3:
        people.append(Requirement(level=2, min_count=rubric.min_builders_before_l3))
    return people, coverage


def _focus(rubric: Rubric, level: int, workforce: _Workforce, deficits: Mapping[str, int]) -> tuple[str, ...]:
    """The domains most worth hiring or developing for at `level`: the org's weakest there."""
    core = set(rubric.level(level).core)
    applicable = [d.slug for d in rubric.domains if d.applies_at(level)]
    ranked = sorted(
        applicable,
        key=lambda d: (-deficits.get(d, 0), d not in core, workforce.covering(d, level), DOMAINS.index(d)),
    )
    return tuple(ranked[:3])


def _people_phrase(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _rationale(spec: PhaseSpec, target: StageSpec, needed: int, have: int, promotions: Sequence[Promotion],
               hires: int, focus: Sequence[str], unneeded: bool) -> str:
    if unneeded:
        return f"Not needed for stage {target.number} ({target.name}). {spec.why}"
    status = f"Stage {target.number} needs {_people_phrase(needed)} at L{spec.level}+; {have} in place."
    if not promotions and not hires:
        return f"{status} Nothing to add here. {spec.why}"
    steps = []
    if promotions:
        steps.append(f"develop {_people_phrase(len(promotions))} already close to L{spec.level}")
    if hires:
        steps.append(f"hire {hires}")
    action = " and ".join(steps)
    return f"{status} {action[0].upper()}{action[1:]}, focused on {', '.join(focus)}. {spec.why}"


def _schedule(spec: PhaseSpec, hires: int, promotions: int, per_quarter: int | None, start: int) -> tuple[int, int]:
    """First and last quarter of an active phase starting at `start`.

    A phase that prefers internal development spends its first quarter developing
    people and only then hires for what is left.
    """
    hire_start = start + 1 if spec.prefer_internal and promotions and hires else start
    hire_quarters = ceil(hires / per_quarter) if per_quarter and hires else 1
    return start, max(start, hire_start + hire_quarters - 1) if hires else start


def _candidates(scores: Iterable[PersonScore], max_gap: int) -> list[PersonScore]:
    """Whom to develop: the people within `max_gap` raises of the next level, fewest raises first, then by id."""
    close = [(total, s.person.employee_id, s) for s in scores if (total := sum(s.next_level_gaps.values())) <= max_gap]
    close.sort(key=itemgetter(0, 1))
    return [s for _, _, s in close]


def plan_hiring(assessment: OrgAssessment, target_stage: int | None = None,
                per_quarter: int | None = None) -> HiringPlan:
    """Plan the hires and promotions that take the organisation to `target_stage`.

    `target_stage` defaults to the next stage; `per_quarter` caps external hires
    per quarter (``None``: no cap, one quarter per phase).
    """
    rubric = assessment.rubric
    current = assessment.stage.number
    target = min(current + 1, rubric.max_stage) if target_stage is None else target_stage
    if not 1 <= target <= rubric.max_stage:
        raise PlanError("target_stage", f"must be 1 to {rubric.max_stage}")
    if per_quarter is not None and per_quarter < 1:
        raise PlanError("per_quarter", "must be at least 1")
    target_spec = rubric.stage(target)
    workforce = _Workforce(assessment)
    by_level: dict[int, list] = {lv: [] for lv in range(MAX_LEVEL + 1)}
    for score in assessment.workforce:  # the gates count the AI workforce, so only its people can close them
        by_level[score.level].append(score)
    phases: list[Phase] = []
    quarter = 1
    for spec in rubric.phases:
        level = spec.level
        people_reqs, coverage_reqs = _requirements(rubric, target, level)
        unneeded = not people_reqs and not coverage_reqs
        have = workforce.at_least(level)
        missing, missing_domains = workforce.deficits(people_reqs, coverage_reqs, level)
        needed = have + missing
        focus = _focus(rubric, level, workforce, missing_domains)
        promotions: list[Promotion] = []
        # With nothing missing the loop below stops at once: spare sorting a whole level of people.
        candidates = _candidates(by_level[level - 1], spec.promotion_max_gap) if missing or missing_domains else []
        for score in candidates:
            if not missing and not missing_domains:
                break
            prefer = sorted(missing_domains, key=lambda d: -missing_domains[d])
            deltas = gaps_to(rubric, score.person.profile, level, prefer)
            promoted = score.person.profile.raised(deltas)
            helps_domain = any(
                promoted.value(d) >= level > score.person.profile.value(d) for d in missing_domains
            )
            if not missing and not helps_domain:
                continue
            new_level = earned_level(rubric, promoted)
            workforce.replace(score.level, score.person.profile, new_level, promoted)
            promotions.append(Promotion(score.person.employee_id, score.person.name, score.level, new_level, deltas))
            missing, missing_domains = workforce.deficits(people_reqs, coverage_reqs, level)
        hires = 0
        while missing or missing_domains:
            most_missing = sorted(missing_domains, key=lambda d: -missing_domains[d])
            hire = minimal_profile(rubric, level, [*most_missing, *focus])
            uncovered = [d for d in most_missing if hire.value(d) < level]
            if uncovered:
                # The rule left no free domain slot (min_domains == core) for a missing
                # domain; cover it anyway, or this loop would never end.
                hire = hire.at_least({uncovered[0]: level})
            workforce.add(level, hire)
            hires += 1
            missing, missing_domains = workforce.deficits(people_reqs, coverage_reqs, level)
        start = end = None
        if hires or promotions:
            start, end = _schedule(spec, hires, len(promotions), per_quarter, quarter)
            quarter = end + 1
        phases.append(Phase(
            level=level,
            title=spec.title,
            builds=spec.builds,
            critical=spec.critical,
            needed=needed,
            have=have,
            hires=hires,
            promotions=tuple(promotions),
            focus_domains=focus,
            rationale=_rationale(spec, target_spec, needed, have, promotions, hires,
                                 [rubric.domain(d).name for d in focus], unneeded),
            quarter=start,
            end_quarter=end,
        ))
    projected, _ = check_gates(rubric, workforce.level_counts, workforce.coverage(), workforce.leaders)
    return HiringPlan(
        current_stage=assessment.stage,
        target_stage=target_spec,
        projected_stage=projected,
        per_quarter=per_quarter,
        phases=tuple(phases),
        warnings=tuple(_plan_warnings(assessment, target, per_quarter, phases)),
    )


def _plan_warnings(assessment: OrgAssessment, target: int, per_quarter: int | None,
                   phases: Sequence[Phase]) -> list[Finding]:
    found = []
    current = assessment.stage.number
    if target <= current:
        found.append(Finding(
            "target_reached",
            f"The organisation already meets stage {target}; the plan only keeps what is in place.",
        ))
    if any(w.code == "top_heavy" for w in assessment.warnings):
        found.append(Finding(
            "front_loaded_strategy",
            "Senior strategy capacity is ahead of the engineering beneath it. Do not add more strategy "
            "or transformation roles now: the L3 phase comes first, and L5 only after L3 and L4 exist.",
        ))
    quarters = max((p.end_quarter or 0 for p in phases), default=0)
    if per_quarter and quarters > 8:
        found.append(Finding(
            "long_horizon",
            f"At {per_quarter} hire{'s' if per_quarter != 1 else ''} per quarter the plan takes {quarters} "
            "quarters; raise the hiring capacity or aim at a nearer stage.",
        ))
    return found


def project(assessment: OrgAssessment, hires: Sequence[HypotheticalHire] = (),
            promotions: Sequence[tuple[str, int]] = ()) -> OrgAssessment:
    """Assess the organisation as it would be after hypothetical hires and promotions.

    A promotion ``(employee_id, level)`` raises that person just enough to hold
    `level`. Nothing is stored: this answers the what-if panel.
    """
    rubric = assessment.rubric
    people = {s.person.employee_id: s.person for s in assessment.scores}
    for n, (employee_id, level) in enumerate(promotions):
        if employee_id not in people:
            raise PlanError(f"promotions[{n}].employee_id", f"no person {employee_id!r} in this organisation")
        if not 1 <= level <= MAX_LEVEL:
            raise PlanError(f"promotions[{n}].level", f"must be 1 to {MAX_LEVEL}")
        person = people[employee_id]
        raised = person.profile.raised(gaps_to(rubric, person.profile, level))
        people[employee_id] = replace(person, profile=raised)
    added = []
    for n, hire in enumerate(hires):
        if not 1 <= hire.level <= MAX_LEVEL:
            raise PlanError(f"hires[{n}].level", f"must be 1 to {MAX_LEVEL}")
        for domain in hire.domains:
            if domain not in DOMAINS:
                raise PlanError(f"hires[{n}].domains", f"unknown domain {domain!r}")
        profile = minimal_profile(rubric, hire.level, hire.domains).at_least(
            {d: hire.level for d in hire.domains if rubric.domain(d).applies_at(hire.level)}
        )
        added.append(Person(employee_id=f"hypothetical-{n + 1}", name=f"Hypothetical L{hire.level} hire {n + 1}",
                            track="software_engineer", profile=profile))
    return assess_org(rubric, [*people.values(), *added])
