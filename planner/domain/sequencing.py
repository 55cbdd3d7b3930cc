"""Turn an organisation's position into a phased hiring and promotion plan.

The plan follows the model's hiring sequence: literacy, then builders, then the
critical systems-engineering phase, then architects grown from within, and only
then transformation leaders. Each phase first develops people who can get there
in time and hires for what is left.

Rules the plan keeps, by construction:

* phases hire in level order: a phase's hires start after every earlier phase is
  done, so L2 capacity is in place before any L3 hire (at least
  ``rubric.min_builders_before_l3`` builders);
* what it takes to develop a person is their roadmap (`planner.domain.careers.roadmap`),
  the same answer the person and ``planner roadmap`` see; it takes the
  development time of that roadmap, so promotions land over quarters;
* candidates for a phase include people who reach the level below earlier in the
  same plan, so architects are grown from engineers the plan itself develops;
* people on a track that only needs to read a level (its ``literacy_level``) are
  never developed into practising it;
* L5 is only planned for a target that needs it, after the L3 and L4 phases;
* hires for a domain whose blank cells leave a gate undecided are conditional, and the plan
  says to assess it first;
* front-loaded senior strategy profiles are reported as a warning, never recommended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from math import ceil

from planner.domain.careers import career_graph, roadmap
from planner.domain.model import DOMAINS, MAX_LEVEL, Person, PhaseSpec, Profile, Requirement, Rubric, StageSpec
from planner.domain.scoring import earned_level, gaps_to
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
    """Developing one person to the phase's level: their roadmap's raises, effort and development time."""

    employee_id: str
    name: str
    from_level: int
    to_level: int
    deltas: Mapping[str, int]
    #: The roadmap's effort, in level-steps (`planner.domain.model.EFFORT_UNIT`).
    effort: float = 0.0
    #: First and last quarter of the development (1-based).
    start_quarter: int = 1
    ready_quarter: int = 1
    #: True when the person reaches `from_level` earlier in the same plan.
    grown_in_plan: bool = False


@dataclass(frozen=True, slots=True)
class Phase:
    level: int
    title: str
    builds: str
    critical: bool
    #: People the target stage needs at this level or above (its largest head count), and how many there are now.
    needed: int
    have: int
    hires: int
    promotions: tuple[Promotion, ...]
    focus_domains: tuple[str, ...]
    rationale: str
    #: First and last quarter of the phase (1-based); ``None`` when it has nothing to do.
    quarter: int | None
    end_quarter: int | None
    #: Quarters the external hires arrive in (``None`` without hires).
    hires_from: int | None = None
    hires_until: int | None = None
    #: Domains the phase hires for although blank cells leave them undecided: those hires are conditional.
    conditional_domains: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.hires or self.promotions)

    @property
    def added(self) -> int:
        """People the phase brings to its level: promotions and hires."""
        return self.hires + len(self.promotions)

    @property
    def beyond_count(self) -> int:
        """People added beyond the stage's head count, to cover a domain the count alone leaves short."""
        return max(0, self.have + self.added - max(self.needed, self.have))


@dataclass(frozen=True, slots=True)
class HiringPlan:
    current_stage: StageSpec
    target_stage: StageSpec
    projected_stage: StageSpec
    per_quarter: int | None
    phases: tuple[Phase, ...]
    warnings: tuple[Finding, ...]
    #: Domains whose blank cells leave a gate of the target stage undecided, most decisive first: assess these first.
    assess_first: tuple[str, ...] = ()

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


@dataclass(slots=True)
class _Member:
    """A person as the plan moves them: profile and level now, and the quarter their last move ends."""

    person: Person
    profile: Profile
    level: int
    ready: int = 0


def _requirements(rubric: Rubric, target: int, level: int) -> tuple[list[Requirement], list[Requirement]]:
    stages = [s for s in rubric.stages if s.number <= target]
    people = [r for s in stages for r in s.people if r.level == level]
    coverage = [r for s in stages for r in s.coverage if r.level == level]
    needs_l3 = any(r.level >= 3 for s in stages for r in (*s.people, *s.coverage))
    if level == 2 and needs_l3 and rubric.min_builders_before_l3:
        people.append(Requirement(level=2, min_count=rubric.min_builders_before_l3))
    return people, coverage


def _first_stage_asking(rubric: Rubric, level: int) -> int | None:
    """The first stage whose gate asks for people at `level` (where the phase's work starts to count)."""
    return next((s.number for s in rubric.stages if any(r.level == level for r in (*s.people, *s.coverage))), None)


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


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _rationale(spec: PhaseSpec, target: StageSpec, phase: Phase, coverage_reqs: Sequence[Requirement],
               rubric: Rubric, unneeded: bool, growing: bool) -> str:
    """Why the phase does what it does, every figure in it one the phase adds up to (see `Phase`)."""
    why = spec.reason(growing)
    if unneeded:
        return f"Not needed for stage {target.number} ({target.name}). {why}"
    level = f"L{spec.level}+"
    covered = list(dict.fromkeys(rubric.domain(r.domain).name for r in coverage_reqs))
    status = f"Stage {target.number} needs {_people_phrase(phase.needed)} at {level}" + (
        f", and enough of them at {level} in {_names(covered)}" if covered else "") + f"; {phase.have} in place."
    if not phase.active:
        return f"{status} Nothing to add here. {why}"
    steps = []
    if phase.promotions:
        grown = sum(p.grown_in_plan for p in phase.promotions)
        first, last = min(p.ready_quarter for p in phase.promotions), max(p.ready_quarter for p in phase.promotions)
        steps.append(f"develop {_people_phrase(len(phase.promotions))} (ready {_span(first, last)}"
                     + (f"; {grown} of them after an earlier move in this plan" if grown else "") + ")")
    if phase.hires:
        steps.append(f"hire {phase.hires}")
    action = " and ".join(steps)
    total = f"{phase.added} more at {level}, {phase.have + phase.added} in all"
    if phase.beyond_count:
        total += f"; {phase.beyond_count} of them beyond the head count, to cover the domains it leaves short"
    focus = ", ".join(rubric.domain(d).name for d in phase.focus_domains)
    text = f"{status} {action[0].upper()}{action[1:]}: {total}. Focus on {focus}."
    if phase.conditional_domains:
        unknown = _names([rubric.domain(d).name for d in phase.conditional_domains])
        text += (f" Hires for {unknown} are conditional: blank cells leave "
                 f"{'it' if len(phase.conditional_domains) == 1 else 'them'} undecided, so people already here may "
                 "cover what they would; assess first.")
    return f"{text} {why}"


def _span(first: int, last: int) -> str:
    return f"in Q{first}" if first == last else f"Q{first} to Q{last}"


class _Routes:
    """Each person's roadmap to a level (`planner.domain.careers.roadmap`), once per distinct profile and track."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.graph = career_graph(rubric)
        self.memo: dict[tuple, tuple[dict[str, int], float, int]] = {}

    def to(self, profile: Profile, track: str, level: int) -> tuple[dict[str, int], float, int]:
        """(raises, effort, quarters) for `profile` on `track` to hold `level`."""
        key = (profile.levels, track, level)
        known = self.memo.get(key)
        if known is None:
            route = roadmap(self.graph, self.rubric, profile, track, level)
            known = self.memo[key] = (route.deltas, route.total_effort, route.quarters)
        return known


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
    members = [_Member(s.person, s.person.profile, s.level) for s in assessment.workforce]  # only the AI workforce can close the gates
    routes = _Routes(rubric)
    horizon = rubric.development.horizon_quarters
    unknown = set(assessment.unassessed_domains)
    phases: list[Phase] = []
    done = 0  # the quarter every earlier active phase is done by
    for spec in rubric.phases:
        level = spec.level
        people_reqs, coverage_reqs = _requirements(rubric, target, level)
        unneeded = not people_reqs and not coverage_reqs
        have = workforce.at_least(level)
        missing, missing_domains = workforce.deficits(people_reqs, coverage_reqs, level)
        needed = have + missing
        focus = _focus(rubric, level, workforce, missing_domains)
        promotions: list[Promotion] = []
        if missing or missing_domains:
            promotions = _develop(spec, members, routes, workforce, people_reqs, coverage_reqs, horizon)
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
        # Blank cells in a domain that decides this level (its core, or a coverage the target asks at it)
        # may hide people who already count: hires for the level are then conditional on assessing them.
        deciding = {*rubric.level(level).core, *(r.domain for r in coverage_reqs)}
        conditional = {d for d in unknown if d in deciding} if hires else set()
        start = end = hires_from = hires_until = None
        if hires or promotions:
            hires_from = done + 1
            if spec.prefer_internal and promotions:
                hires_from = max(hires_from, min(p.start_quarter for p in promotions) + 1)
            hires_until = hires_from + (ceil(hires / per_quarter) if per_quarter else 1) - 1
            starts = [p.start_quarter for p in promotions] + ([hires_from] if hires else [])
            ends = [p.ready_quarter for p in promotions] + ([hires_until] if hires else [])
            start, end = min(starts), max(ends)
            done = max(done, end)
            if not hires:
                hires_from = hires_until = None
        phase = Phase(
            level=level,
            title=spec.title,
            builds=spec.builds,
            critical=spec.critical,
            needed=needed,
            have=have,
            hires=hires,
            promotions=tuple(promotions),
            focus_domains=focus,
            rationale="",
            quarter=start,
            end_quarter=end,
            hires_from=hires_from,
            hires_until=hires_until,
            conditional_domains=tuple(d for d in DOMAINS if d in conditional),
        )
        asked_from = _first_stage_asking(rubric, level)
        growing = asked_from is not None and current >= asked_from
        phases.append(replace(phase, rationale=_rationale(spec, target_spec, phase, coverage_reqs, rubric, unneeded,
                                                          growing)))
    projected, _ = check_gates(rubric, workforce.level_counts, workforce.coverage(), workforce.leaders)
    asked = {r.domain for s in rubric.stages if s.number <= target for r in s.coverage}
    asked |= {d for lv in rubric.levels if any(r.level >= lv.number for s in rubric.stages if s.number <= target
                                               for r in s.people) for d in lv.core}
    assess_first = tuple(d for d in assessment.unassessed_domains if d in asked)
    return HiringPlan(
        current_stage=assessment.stage,
        target_stage=target_spec,
        projected_stage=projected,
        per_quarter=per_quarter,
        phases=tuple(phases),
        warnings=tuple(_plan_warnings(assessment, target, per_quarter, phases, assess_first)),
        assess_first=assess_first,
    )


def _develop(spec: PhaseSpec, members: Sequence[_Member], routes: _Routes, workforce: _Workforce,
             people_reqs: Sequence[Requirement], coverage_reqs: Sequence[Requirement],
             horizon: int) -> list[Promotion]:
    """Develop, soonest ready first, the people whose roadmap to the phase's level ends in time.

    Candidates are at the level below now or after an earlier move in this plan;
    a move starts the quarter after the person's last one ends. Someone is only
    developed while the phase still needs people, or a domain they would cover.
    """
    rubric, level = routes.rubric, spec.level
    candidates = []
    for member in members:
        if member.level != level - 1 or rubric.track(member.person.track).practice_ceiling < level:
            continue
        deltas, effort, quarters = routes.to(member.profile, member.person.track, level)
        start = member.ready + 1
        ready = start + max(quarters, 1) - 1
        if ready > horizon or (spec.develop_within is not None and ready - start + 1 > spec.develop_within):
            continue
        candidates.append((ready, effort, member.person.employee_id, member, deltas, start))
    candidates.sort(key=lambda c: c[:3])
    promotions = []
    missing, missing_domains = workforce.deficits(people_reqs, coverage_reqs, level)
    for ready, effort, _, member, deltas, start in candidates:
        if not missing and not missing_domains:
            break
        promoted = member.profile.raised(deltas)
        helps_domain = any(promoted.value(d) >= level > member.profile.value(d) for d in missing_domains)
        if not missing and not helps_domain:
            continue
        new_level = earned_level(rubric, promoted)
        workforce.replace(member.level, member.profile, new_level, promoted)
        promotions.append(Promotion(member.person.employee_id, member.person.name, member.level, new_level,
                                    deltas, effort, start, ready, member.ready > 0))
        member.profile, member.level, member.ready = promoted, new_level, ready
        missing, missing_domains = workforce.deficits(people_reqs, coverage_reqs, level)
    return promotions


def _plan_warnings(assessment: OrgAssessment, target: int, per_quarter: int | None,
                   phases: Sequence[Phase], assess_first: Sequence[str]) -> list[Finding]:
    found = []
    rubric = assessment.rubric
    current = assessment.stage.number
    if target <= current:
        found.append(Finding(
            "target_reached",
            f"The organisation already meets stage {target}; the plan only keeps what is in place.",
        ))
    if any(w.code == "top_heavy" for w in assessment.warnings):
        first_hire = min((p.hires_from for p in phases if p.level >= 4 and p.hires), default=None)
        if first_hire is not None:  # the plan does hire senior roles later: say when, so warning and plan agree
            found.append(Finding(
                "front_loaded_strategy",
                "Senior strategy capacity is ahead of the engineering beneath it. Add no strategy or transformation "
                f"role before the L3 phase is done: this plan's first such hire comes in Q{first_hire}, after it.",
            ))
        else:
            found.append(Finding(
                "front_loaded_strategy",
                "Senior strategy capacity is ahead of the engineering beneath it. Do not add more strategy "
                "or transformation roles now: the L3 phase comes first, and L5 only after L3 and L4 exist.",
            ))
    if assess_first:
        names = _names([rubric.domain(d).name for d in assess_first])
        found.append(Finding(
            "unknown_evidence",
            f"Blank cells in {names} leave stage {target}'s gates undecided: the plan cannot tell who already "
            "has what they ask for. Assess those cells first; hires planned for them are conditional until then.",
        ))
    quarters = max((p.end_quarter or 0 for p in phases), default=0)
    if quarters > rubric.development.horizon_quarters:
        found.append(Finding(
            "long_horizon",
            (f"At {per_quarter} hire{'s' if per_quarter != 1 else ''} per quarter the plan" if per_quarter
             else "The plan") + f" takes {quarters} quarters; raise the hiring capacity or aim at a nearer stage.",
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
