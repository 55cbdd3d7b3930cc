"""Aggregate scored people into an organisational stage, coverage and findings.

Stages are gates: stage k is reached only when the requirements of stage k and
of every stage below it are met. An organisation full of strategists but with no
L3 engineers therefore stays at stage 2, however senior its leadership.

Three rules keep the reading honest on organisations of any shape:

* Gates are read on the **AI workforce** (``[workforce]`` in the rubric): people on
  the tracks that build, run or own AI systems. Adding warehouse staff at L0 never
  lowers the stage; literacy across everyone is reported beside it, not gated.
* Gates ask for **shares** (and at most "at least one"), so ten copies of an
  organisation sit at the same stage as one, and three capable people can pass.
* A **blank cell is unknown, not zero**. Each gate is checked twice: on what is
  known (blanks at 0) and on what could be (blanks at the top level). The stage is
  the one the evidence proves; where the two readings differ the assessment says
  what cannot be concluded and which domains to assess first, and it never claims
  a shortfall in a domain that nobody assessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import attrgetter

from planner.domain.model import (
    DOMAINS,
    LEVELS,
    MAX_LEVEL,
    Person,
    Requirement,
    Rubric,
    StageSpec,
    frozen_mapping,
)
from planner.domain.scoring import PersonScore, level_and_lead, score_people

__all__ = [
    "Evidence",
    "Finding",
    "GateCheck",
    "OrgAssessment",
    "Shortfall",
    "TeamStage",
    "assess_org",
    "check_gates",
    "team_stages",
]

_LEVELS_OF = attrgetter("person.profile.levels")
_TRACK_OF = attrgetter("person.track")
_TEAM_OF = attrgetter("person.team")


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding with a stable ``code`` that tools can match on, and a message people read."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One unmet requirement of a stage gate.

    `have` counts what the evidence shows; `possible` what there could be if every
    blank cell turned out at the top level. When `possible` reaches `needed` the
    shortfall is not certain: nobody can say yet whether the requirement is met.
    """

    requirement: Requirement
    needed: int
    have: int
    possible: int | None = None
    #: The domain's name as people read it (the requirement keeps the slug).
    domain_name: str = ""

    @property
    def missing(self) -> int:
        return self.needed - self.have

    @property
    def certain(self) -> bool:
        return self.possible is None or self.possible < self.needed

    @property
    def message(self) -> str:
        req = self.requirement
        domain = self.domain_name or req.domain
        if not self.certain:
            unknown = self.possible - self.have
            who = "1 person is" if self.needed == 1 else f"{self.needed} people are"
            if domain is None:
                return (f"cannot tell yet whether {who} at L{req.level}+: {self.have} known, and up to "
                        f"{unknown} more could be once their blank domains are assessed")
            return f"cannot tell yet whether {who} L{req.level}+ in {domain}: {self.have} known, {unknown} not assessed"
        if domain is None:
            who = f"{self.missing} more {'person' if self.missing == 1 else 'people'} at L{req.level}+"
            return f"needs {who} (has {self.have} of {self.needed})"
        if self.have == 0:
            return f"nobody is L{req.level}+ in {domain} (needs {self.needed})"
        return f"needs {self.missing} more at L{req.level}+ in {domain} (has {self.have} of {self.needed})"


@dataclass(frozen=True, slots=True)
class GateCheck:
    stage: StageSpec
    shortfalls: tuple[Shortfall, ...]

    @property
    def met(self) -> bool:
        """Met on the evidence."""
        return not self.shortfalls

    @property
    def undetermined(self) -> bool:
        """Not met on the evidence, but every shortfall could close once blank cells are assessed."""
        return bool(self.shortfalls) and not any(s.certain for s in self.shortfalls)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The counts a gate check reads, for one reading of the blank cells.

    ``leaders[L]`` counts people who reach L only by their leadership reading
    (`PersonScore.leads_at`); they count toward requirements at L, not below.
    """

    level_counts: Sequence[int]
    coverage: Mapping[str, Sequence[int]]
    leaders: Sequence[int] = (0,) * len(LEVELS)

    def at_least(self, level: int) -> int:
        return sum(self.level_counts[level:]) + self.leaders[level]


@dataclass(frozen=True, slots=True)
class OrgAssessment:
    """Where an organisation stands, and why it stands there."""

    rubric: Rubric
    #: Everyone, AI workforce or not.
    scores: tuple[PersonScore, ...]
    #: The stage the evidence proves.
    stage: StageSpec
    gates: tuple[GateCheck, ...]
    #: People of the AI workforce holding exactly each level 0..5.
    level_counts: tuple[int, ...]
    #: Per domain, how many of the AI workforce are at >= each level 1..5 (index 0 is level 1).
    coverage: Mapping[str, tuple[int, ...]]
    warnings: tuple[Finding, ...]
    #: The stage the organisation could be at if every blank cell turned out at the top level.
    possible_stage: StageSpec | None = None
    #: The people the gates are measured against (see `Rubric.workforce`).
    workforce: tuple[PersonScore, ...] = ()
    #: Per level, AI workforce people counted there only by their leadership reading (see `Evidence`).
    leader_counts: tuple[int, ...] = (0,) * len(LEVELS)
    #: Per domain, AI workforce people whose cell is blank.
    blank_counts: Mapping[str, int] = field(default_factory=frozen_mapping)
    #: Domains whose blank cells leave some gate undecided, most decisive first: assess these before
    #: acting on advice about them.
    unassessed_domains: tuple[str, ...] = ()
    #: People holding exactly each level 0..5, across everyone.
    total_level_counts: tuple[int, ...] = (0,) * len(LEVELS)
    #: Per distinct profile: (level, leads at) known, then with every blank cell at the top level.
    readings: Mapping[tuple[int | None, ...], tuple[int, int, int, int]] = field(
        default_factory=frozen_mapping, repr=False, compare=False)
    #: How many people, AI workforce or not, have each distinct profile.
    profile_counts: Mapping[tuple[int | None, ...], int] = field(
        default_factory=frozen_mapping, repr=False, compare=False)

    @property
    def headcount(self) -> int:
        """The AI workforce: the headcount the gates' shares are measured against."""
        return sum(self.level_counts)

    @property
    def total_headcount(self) -> int:
        """Everyone, AI workforce or not."""
        return len(self.scores)

    def at_least(self, level: int) -> int:
        """How many people of the AI workforce hold `level` or above."""
        return sum(self.level_counts[level:])

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.level_counts, self.coverage, self.leader_counts)

    @property
    def next_gate(self) -> GateCheck | None:
        """The first gate not met: what blocks the next stage (``None`` at the top)."""
        return next((g for g in self.gates if not g.met), None)

    @property
    def operationalization_gap(self) -> bool:
        return any(w.code == "operationalization_gap" for w in self.warnings)

    def blockers_text(self) -> str:
        return _blockers_text(self.gates, self.headcount, self.total_headcount)


def _blockers_text(gates: Iterable[GateCheck], headcount: int, total_headcount: int) -> str:
    gate = next((g for g in gates if not g.met), None)
    if not headcount and total_headcount:
        return "Nobody here is on a track that builds or runs AI systems, so no stage gate applies."
    if gate is None:
        return "The organisation meets every stage gate."
    parts = "; ".join(s.message for s in gate.shortfalls)
    return f"Stage {gate.stage.number} ({gate.stage.name}) {parts}."


@dataclass(frozen=True, slots=True)
class TeamStage:
    """One team's stage, read on its own AI workforce with the organisation's rubric."""

    team: str
    #: The team's AI workforce, and everyone on the team.
    headcount: int
    total_headcount: int
    stage: StageSpec
    possible_stage: StageSpec
    #: The gates checked, up to the first one the team certainly fails.
    gates: tuple[GateCheck, ...]

    def blockers_text(self) -> str:
        return _blockers_text(self.gates, self.headcount, self.total_headcount)


def _count_levels(scores: Iterable[PersonScore]) -> tuple[int, ...]:
    counts = Counter(map(attrgetter("level"), scores))
    return tuple(counts[level] for level in LEVELS)


#: Per distinct profile: (level, leads at) as known, then as if every blank cell were at the top level.
Readings = Mapping[tuple[int | None, ...], tuple[int, int, int, int]]


def _readings(rubric: Rubric, scores: Iterable[PersonScore]) -> dict[tuple[int | None, ...], tuple[int, int, int, int]]:
    readings = {}
    for levels, score in dict(zip(map(_LEVELS_OF, scores), scores)).items():  # one score per distinct profile
        best = (score.level, score.leads_at)
        if None in levels:
            best = level_and_lead(rubric, [MAX_LEVEL if v is None else v for v in levels])
        readings[levels] = (score.level, score.leads_at, *best)
    return readings


def _evidence(rubric: Rubric, profile_counts: Mapping[tuple[int | None, ...], int], readings: Readings,
              domains: Sequence[str] = DOMAINS) -> tuple[Evidence, Evidence]:
    """The known and the possible evidence of a workforce given as distinct profiles with their counts
    (coverage of `domains` only). A leader counts at the levels from `rubric.leadership_level` up to
    the one they lead at, never below: their reading says nothing of their engineering."""
    floor = rubric.leadership_level or MAX_LEVEL + 1
    counts = [[0] * len(LEVELS) for _ in range(4)]  # known levels, known leaders, possible levels, possible leaders
    for levels, n in profile_counts.items():
        level, leads, best, best_leads = readings[levels]
        counts[0][level] += n
        counts[2][best] += n
        for above in range(max(level + 1, floor), leads + 1):  # at L only when their level is below L
            counts[1][above] += n
        for above in range(max(best + 1, floor), best_leads + 1):
            counts[3][above] += n
    known = Evidence(tuple(counts[0]), _coverage(profile_counts, 0, domains), tuple(counts[1]))
    return known, Evidence(tuple(counts[2]), _coverage(profile_counts, MAX_LEVEL, domains), tuple(counts[3]))


def _coverage(profile_counts: Mapping[tuple[int | None, ...], int], blank: int = 0,
              domains: Sequence[str] = DOMAINS) -> dict[str, tuple[int, ...]]:
    """Per domain (of `domains`), people at >= each level, reading blank cells as `blank`; one pass
    over the distinct profiles."""
    positions = [_I[d] for d in domains]
    histogram = [[0] * (MAX_LEVEL + 1) for _ in domains]
    for levels, count in profile_counts.items():
        for row, i in zip(histogram, positions):
            value = levels[i]
            row[blank if value is None else value] += count
    coverage = {}
    for domain, counts in zip(domains, histogram):
        running, at_least = 0, []
        for level in range(MAX_LEVEL, 0, -1):
            running += counts[level]
            at_least.append(running)
        coverage[domain] = tuple(reversed(at_least))
    return coverage


def check_gates(rubric: Rubric, level_counts: Sequence[int], coverage: Mapping[str, Sequence[int]],
                leaders: Sequence[int] | None = None, possible: Evidence | None = None,
                until_certain: bool = False) -> tuple[StageSpec, tuple[GateCheck, ...]]:
    """Return the stage reached and the check of every gate, from counts alone.

    Separated from `assess_org` so the sequencer can test projected counts cheaply.
    `level_counts` and `coverage` are the AI workforce's; their total is the
    headcount the gates' shares apply to. `possible` is the reading with every
    blank cell at the top level: shortfalls it would close are marked not certain. With
    `until_certain`, checking stops after the first gate with a certain shortfall: the stage, the
    possible stage and the next gate's blockers are all known by then.
    """
    known = Evidence(level_counts, coverage, leaders or (0,) * len(LEVELS))
    headcount = sum(level_counts)
    gates = []
    for stage in rubric.stages:
        shortfalls = []
        for req in (*stage.people, *stage.coverage):
            needed = req.needed(headcount)
            if req.domain is None:
                have = known.at_least(req.level)
                could = None if possible is None else possible.at_least(req.level)
            else:
                have = known.coverage[req.domain][req.level - 1]
                could = None if possible is None else possible.coverage[req.domain][req.level - 1]
            if have < needed:
                name = rubric.domain(req.domain).name if req.domain else ""
                shortfalls.append(Shortfall(req, needed, have, could, name))
        gates.append(GateCheck(stage, tuple(shortfalls)))
        if until_certain and any(s.certain for s in shortfalls):
            break
    return _reached(rubric, gates, lambda g: g.met), tuple(gates)


def _reached(rubric: Rubric, gates: Iterable[GateCheck], passes) -> StageSpec:
    reached = rubric.stages[0]
    for gate in gates:
        if not passes(gate):
            break
        reached = gate.stage
    return reached


def _possible_stage(rubric: Rubric, gates: Iterable[GateCheck]) -> StageSpec:
    return _reached(rubric, gates, lambda g: g.met or g.undetermined)


def _l3_gate(gates: Sequence[GateCheck]) -> GateCheck | None:
    """The first gate that asks for L3 capacity (stage 3 by default).

    That gate is the operationalisation crossing. Later stages asking for more L3
    people measure growth beyond production, not the gap.
    """
    return next((g for g in gates if any(r.level == 3 for r in (*g.stage.people, *g.stage.coverage))), None)


def _names(scores: Sequence[PersonScore]) -> str:
    names = ", ".join(s.person.name for s in scores[:3])
    return names + (f" and {len(scores) - 3} more" if len(scores) > 3 else "")


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _verb(people: Sequence, one: str, many: str) -> str:
    return one if len(people) == 1 else many


def _matching(scores: Sequence[PersonScore], test) -> list[PersonScore]:
    """The scores whose profile passes `test`, judged once per distinct profile."""
    verdicts: dict[tuple[int | None, ...], bool] = {}
    for levels in set(map(_LEVELS_OF, scores)):
        verdicts[levels] = test(levels)
    if not any(verdicts.values()):
        return []
    return [s for s in scores if verdicts[s.person.profile.levels]]


def _known(levels: Sequence[int | None], positions: Iterable[int]) -> bool:
    return all(levels[i] is not None for i in positions)


_I = {d: i for i, d in enumerate(DOMAINS)}


def _myths(rubric: Rubric, a: OrgAssessment) -> list[Finding]:
    """The article's three myths, raised only where assessed cells show them."""
    signals, found = rubric.signals, []
    prompt = _I["prompting"]
    others = [i for i in range(len(DOMAINS)) if i != prompt]
    alone = _matching(a.scores, lambda levels: (levels[prompt] or 0) >= signals.prompting_alone_level
                      and _known(levels, others) and all(levels[i] <= signals.prompting_alone_others for i in others))
    if alone:
        found.append(Finding(
            "prompting_alone",
            f"{_people(len(alone))} ({_names(alone)}) {'is' if len(alone) == 1 else 'are'} strong at prompting "
            f"(L{signals.prompting_alone_level} or above) with no other AI skill above L{signals.prompting_alone_others}. "
            "Prompting on its own is a consumer skill, not a specialism: what it produces reaches users only "
            "when systems engineers build evaluation and reliability around it. Grow these people toward "
            "building (APIs, retrieval) or toward evaluation.",
        ))
    production = _l3_gate(a.gates)
    if production is None or production.met:
        return found
    chat, hardening = (_I["apis_integration"], _I["rag_retrieval"]), (_I["evaluation"], _I["observability"], _I["security"])
    chatbots = _matching([s for s in a.workforce if s.level < 3], lambda levels: _known(levels, hardening)
                         and all((levels[i] or 0) >= signals.chatbot_level for i in chat))
    if chatbots:
        found.append(Finding(
            "chatbot_is_not_maturity",
            f"{_people(len(chatbots))} ({_names(chatbots)}) {_verb(chatbots, 'builds', 'build')} well with model "
            f"APIs and retrieval (L{signals.chatbot_level} or above) but {_verb(chatbots, 'holds', 'hold')} no L3: "
            "evaluation, observability or security is below it. A chatbot over company data is builder work. It shows the team can put AI into a product, "
            "not that it can measure, secure and run it for real users over time, so do not read the chatbots "
            "as production maturity.",
        ))
    depth = (_I["evaluation"], _I["observability"])
    chatting = set(map(id, chatbots))
    buyers = [s for s in _matching(a.workforce, lambda levels: _known(levels, depth)
                                   and (levels[_I["apis_integration"]] or 0) >= signals.platform_api_level
                                   and all(levels[i] <= signals.platform_depth_max for i in depth))
              if id(s) not in chatting]
    if buyers:
        found.append(Finding(
            "platform_without_depth",
            f"{_people(len(buyers))} ({_names(buyers)}) {_verb(buyers, 'works', 'work')} with model APIs at "
            f"L{signals.platform_api_level} or above, but evaluation and observability are assessed at L{signals.platform_depth_max} or "
            "below, and the organisation has not reached production. A model platform supplies API access and "
            "some guardrails; it does not supply the evaluation pipelines, tracing, fallbacks and cost controls "
            "that make a system dependable. Someone still has to build those.",
        ))
    return found


def _findings(a: OrgAssessment, possible: Evidence, everyone_possible_l1: int) -> list[Finding]:
    rubric = a.rubric
    found: list[Finding] = []
    if not a.scores:
        return [Finding("empty_organisation", "No people to assess yet.")]
    if not a.workforce:
        tracks = ", ".join(rubric.track(t).name.lower() + "s" for t in rubric.workforce if rubric.has_track(t))
        return [Finding(
            "no_ai_workforce",
            f"None of the {_people(a.total_headcount)} is on a track that builds or runs AI systems ({tracks}), "
            "so the stage reads as 1. Check each person's track.",
        )]
    builders = a.at_least(2)
    l3_people = a.at_least(3)
    production = _l3_gate(a.gates)
    certain_l3 = [] if production is None else [
        s for s in production.shortfalls if s.requirement.level == 3 and s.certain]
    if possible.at_least(2) == 0:
        found.append(Finding(
            "no_builders",
            "Nobody in the AI workforce holds L2 (AI Builder): there is no capacity to prototype, so no pilot "
            "can start. Grow builders before anything else.",
        ))
    elif certain_l3 and builders:
        detail = "; ".join(s.message for s in certain_l3)
        found.append(Finding(
            "operationalization_gap",
            f"{builders} builder{'s' if builders != 1 else ''} at L2+ but only {l3_people} at L3+: "
            f"stage {production.stage.number} {detail}. Pilots will pile up without reaching production.",
        ))
    if production is not None and a.stage.number >= production.stage.number and builders:
        thin = rubric.signals.thin_l3_share
        if possible.at_least(3) < thin * builders:
            found.append(Finding(
                "thin_l3_share",
                f"Only {l3_people} of {builders} builders ({l3_people / builders:.0%}) hold L3 or above. The "
                f"organisation passes the production gate, but systems engineers are meant to carry this stage; "
                f"below {thin:.0%} of the builders, each of them hardens the work of many others and pilots "
                "queue for them. Grow L3 engineers before widening the platform.",
            ))
    senior_level = rubric.senior_strategy_level
    strategy, governance = _I["strategy"], _I["governance"]
    senior = [] if not certain_l3 else [  # only a certain operationalisation gap makes them a warning
        s for s in _matching(a.scores, lambda levels: a.readings[levels][0] < 3 and (
            a.readings[levels][1] or (levels[strategy] or 0) >= senior_level
            or (levels[governance] or 0) >= senior_level))
    ]
    if senior:
        found.append(Finding(
            "top_heavy",
            f"{len(senior)} senior strategy profile{'s' if len(senior) != 1 else ''} ({_names(senior)}) "
            f"without an L3 foundation beneath: strategy has no production systems to run on. "
            "Hold further senior strategy hires until L3 capacity exists.",
        ))
    leaders = [s for s in a.scores if s.leads_at] if any(map(attrgetter("leads_at"), a.scores)) else []
    if leaders:
        top = max(s.leads_at for s in leaders)
        found.append(Finding(
            "leadership_profile",
            f"{_names(leaders)} {'reads as a leader' if len(leaders) == 1 else 'read as leaders'}: strategy and "
            f"governance meet the L{top} rule on their own, though their own practice holds a lower level. "
            "Leaders count toward the "
            f"leadership requirements of stage {top} and above, which only open once the lower stages are met, "
            "and never toward the L3 engineering the stages beneath ask for.",
        ))
    found += _myths(rubric, a)
    share = rubric.signals.literacy_share
    if a.total_headcount > a.headcount and everyone_possible_l1 < share * a.total_headcount:
        literate = sum(a.total_level_counts[1:])
        found.append(Finding(
            "literacy_everyone",
            f"Across all {a.total_headcount} people, {literate} ({literate / a.total_headcount:.0%}) hold L1 or "
            f"above. The stage is read on the {a.headcount} people of the AI workforce, so this does not lower it, "
            "but literacy across the whole organisation is the first phase of the hiring sequence.",
        ))
    if a.possible_stage is not None and a.possible_stage.number > a.stage.number:
        domains = [rubric.domain(d).name for d in a.unassessed_domains]
        first = ", ".join(domains[:2]) or "the blank domains"
        blanks = ", ".join(f"{rubric.domain(d).name} for {a.blank_counts[d]}" for d in a.unassessed_domains[:3])
        found.append(Finding(
            "evidence_missing",
            f"The evidence proves stage {a.stage.number}, and the organisation could be as high as stage "
            f"{a.possible_stage.number}: cells are blank ({blanks} of the {a.headcount} people in the AI "
            f"workforce). Assess {first} first. Until then no gap is claimed in a domain nobody assessed, and "
            "advice about those domains is conditional.",
        ))
    unassessed = sum(n for levels, n in a.profile_counts.items() if None in levels)
    if unassessed:
        found.append(Finding(
            "not_assessed",
            f"{_people(unassessed)} {'has' if unassessed == 1 else 'have'} domains not yet assessed. The stage "
            "counts only what is known, and no gap is claimed in a domain until someone assesses it.",
        ))
    return found


def _undecided_domains(rubric: Rubric, gates: Sequence[GateCheck], blank_counts: Mapping[str, int],
                       rising: Mapping[str, int]) -> tuple[str, ...]:
    """Domains whose blanks leave a shortfall uncertain: those named by one first, then by how many
    people who could rise a level have them blank."""
    named: dict[str, int] = {}
    people_level = False
    for gate in gates:
        for s in gate.shortfalls:
            if s.certain:
                continue
            if s.requirement.domain is None:
                people_level = True
            else:
                named[s.requirement.domain] = named.get(s.requirement.domain, 0) + 1
    candidates = set(named) | ({d for d, n in rising.items() if n} if people_level else set())
    ranked = sorted(candidates, key=lambda d: (d not in named, -rising.get(d, 0), -blank_counts[d], _I[d]))
    return tuple(d for d in ranked if blank_counts[d])


def assess_org(rubric: Rubric, people: Iterable[Person], scores: Sequence[PersonScore] | None = None) -> OrgAssessment:
    """Score everyone and place the organisation on the stage ladder.

    Pass `scores` when the people are already scored, to avoid scoring twice.
    """
    people = tuple(people)
    scores = tuple(scores) if scores is not None else score_people(rubric, people)
    workforce = tuple(compress(scores, map(rubric.workforce.__contains__, map(_TRACK_OF, scores))))
    readings = _readings(rubric, scores)
    everyone = Counter(map(_LEVELS_OF, scores))
    profile_counts = everyone if len(workforce) == len(scores) else Counter(map(_LEVELS_OF, workforce))
    known, possible = _evidence(rubric, profile_counts, readings)
    blank_counts, rising = dict.fromkeys(DOMAINS, 0), dict.fromkeys(DOMAINS, 0)
    for levels, count in profile_counts.items():
        if None in levels:
            could_rise = readings[levels][2] > readings[levels][0]
            for i, value in enumerate(levels):
                if value is None:
                    blank_counts[DOMAINS[i]] += count
                    rising[DOMAINS[i]] += count * could_rise
    stage, gates = check_gates(rubric, known.level_counts, known.coverage, known.leaders, possible)
    everyone_possible_l1 = sum(n for levels, n in everyone.items() if readings[levels][2] >= 1)
    assessment = OrgAssessment(
        rubric=rubric,
        scores=scores,
        stage=stage,
        gates=gates,
        level_counts=tuple(known.level_counts),
        coverage=frozen_mapping(known.coverage),
        warnings=(),
        possible_stage=_possible_stage(rubric, gates),
        workforce=workforce,
        leader_counts=tuple(known.leaders),
        blank_counts=frozen_mapping(blank_counts),
        unassessed_domains=_undecided_domains(rubric, gates, blank_counts, rising),
        total_level_counts=_count_levels(scores),
        readings=frozen_mapping(readings),
        profile_counts=frozen_mapping(everyone),
    )
    return replace(assessment, warnings=tuple(_findings(assessment, possible, everyone_possible_l1)))


def _team_vector(rubric: Rubric, levels: tuple[int | None, ...], reading: tuple[int, int, int, int],
                 pairs: Sequence[tuple[str, int]]) -> tuple[int, ...]:
    """One person's contribution to a team's counts: what `_evidence` adds up, as one flat vector
    (known levels, known leaders, possible levels, possible leaders, then known and possible coverage
    of each gated (domain, level) pair)."""
    one = _evidence(rubric, {levels: 1}, {levels: reading}, ())
    known, possible = one
    cells = [levels[_I[d]] for d, _ in pairs]
    return (*known.level_counts, *known.leaders, *possible.level_counts, *possible.leaders,
            *(int((v or 0) >= lv) for v, (_, lv) in zip(cells, pairs)),
            *(int(v is None or v >= lv) for v, (_, lv) in zip(cells, pairs)))


def team_stages(assessment: OrgAssessment) -> tuple[TeamStage, ...]:
    """Each team's stage beside the organisation's (teams in name order).

    Counts only, from the organisation's scores and readings: each distinct profile becomes one
    vector of counts, and a team's counts are the column sums of its people's vectors, so ten
    thousand small teams cost little more than the organisation itself.
    """
    rubric = assessment.rubric
    readings = assessment.readings or _readings(rubric, assessment.scores)
    pairs = sorted({(r.domain, r.level) for stage in rubric.stages for r in stage.coverage})
    vectors = {levels: _team_vector(rubric, levels, readings[levels], pairs)
               for levels in set(map(_LEVELS_OF, assessment.workforce))}
    totals = Counter(map(_TEAM_OF, assessment.scores))
    rows: dict[str, list] = {team: [] for team in totals}
    for (team, levels), n in Counter(zip(map(_TEAM_OF, assessment.workforce),
                                         map(_LEVELS_OF, assessment.workforce))).items():
        vector = vectors[levels]
        rows[team].append(vector if n == 1 else tuple(x * n for x in vector))
    size, k = len(LEVELS), len(pairs)
    empty = (0,) * (4 * size + 2 * k)
    teams = []
    for team in sorted(totals):
        sums = list(map(sum, zip(*rows[team]))) or empty
        coverage: dict[str, list[int]] = {d: [0] * MAX_LEVEL for d, _ in pairs}
        possible_coverage: dict[str, list[int]] = {d: [0] * MAX_LEVEL for d, _ in pairs}
        for i, (domain, level) in enumerate(pairs):
            coverage[domain][level - 1] = sums[4 * size + i]
            possible_coverage[domain][level - 1] = sums[4 * size + k + i]
        known_levels = sums[:size]
        possible = Evidence(sums[2 * size:3 * size], possible_coverage, sums[3 * size:4 * size])
        stage, gates = check_gates(rubric, known_levels, coverage, sums[size:2 * size], possible,
                                   until_certain=True)
        teams.append(TeamStage(team, sum(known_levels), totals[team], stage, _possible_stage(rubric, gates), gates))
    return tuple(teams)
