"""Organisational AI practice maturity on two ladders: AIMM (five levels) and the seven-level model.

An organisation answers a questionnaire of concrete practices ("yes", "partial" or
"no"); each practice evidences one level on each ladder. Levels are gates, as the
EAISM stage is: level k is held only when every level up to k has enough of its
practices in place. Claims far above the foundation therefore never lift the
level. They are reported instead, because automation without governance or
baselines is exposure, not maturity.

The module also sets the practice positions beside the EAISM skills stage and a
hiring plan (`maturity_report`), and measures KPIs against their baselines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from planner.domain.model import DOMAINS, MAX_LEVEL, Requirement, frozen_mapping
from planner.domain.rubric import RubricError, _get
from planner.domain.sequencing import HiringPlan
from planner.domain.staging import Finding, OrgAssessment, Shortfall

__all__ = [
    "AIMM",
    "LADDERS",
    "SEVEN",
    "SOURCES",
    "Answer",
    "AnswerError",
    "Control",
    "Crosswalk",
    "KpiChange",
    "KpiReading",
    "KpiSeries",
    "KpiSpec",
    "Ladder",
    "LadderPosition",
    "MaturityLevel",
    "MaturityReport",
    "Practice",
    "PracticeResult",
    "PracticeRubric",
    "RoadmapStep",
    "StageFit",
    "kpi_changes",
    "maturity_report",
    "parse_answers",
    "parse_practice_rubric",
    "score_practices",
    "score_teams",
]

AIMM = "aimm"
SEVEN = "seven_level"
#: The two practice ladders, in the order reports show them.
LADDERS: tuple[str, ...] = (AIMM, SEVEN)
#: The file each part of the practice rubric lives in, so errors name it.
SOURCES: Mapping[str, str] = frozen_mapping({
    AIMM: "aimm.toml",
    SEVEN: "seven_levels.toml",
    "practices": "practices.toml",
    "crosswalk": "crosswalk.toml",
})
#: The key that gives a practice's level on each ladder.
_LEVEL_KEYS = {AIMM: "aimm_level", SEVEN: "seven_level"}
#: Themes the scorer reasons about, so the rubric must define them.
_AUTOMATION, _GOVERNANCE = "automation", "governance"
_SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
_PRACTICE_KEYS = {"id", "question", "evidence", "theme", *_LEVEL_KEYS.values()}


class Answer(StrEnum):
    """A questionnaire answer; "partial" earns the rubric's `partial_credit`."""

    YES = "yes"
    PARTIAL = "partial"
    NO = "no"


# ---------------------------------------------------------------------------
# The rubric: ladders, practices, KPIs and the crosswalk to EAISM stages
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KpiSpec:
    """A measure to baseline and track; `lower_is_better` decides what counts as improvement."""

    slug: str
    name: str
    unit: str
    lower_is_better: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class MaturityLevel:
    """One level of a ladder: what it looks like, what to watch, and how to move on.

    `actions` lead to the next level; at the top they say how to sustain it.
    """

    number: int
    name: str
    definition: str
    kpis: tuple[str, ...]
    risks: tuple[str, ...]
    controls: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ladder:
    slug: str
    name: str
    #: A short name for messages and tables, e.g. "AIMM".
    short: str
    summary: str
    levels: tuple[MaturityLevel, ...]

    @property
    def top(self) -> int:
        return len(self.levels)

    def level(self, number: int) -> MaturityLevel:
        return self.levels[number - 1]

    def level_name(self, number: int) -> str:
        return "Not yet at level 1" if number == 0 else self.level(number).name

    def guide(self, number: int) -> MaturityLevel:
        """The level whose KPIs, controls and actions apply at `number`: level 1's below it."""
        return self.level(max(number, 1))


@dataclass(frozen=True, slots=True)
class Practice:
    id: str
    question: str
    evidence: str
    seven_level: int
    aimm_level: int
    theme: str | None = None

    def level_on(self, ladder: str) -> int:
        return self.aimm_level if ladder == AIMM else self.seven_level


@dataclass(frozen=True, slots=True)
class StageFit:
    """The practice levels that fit one EAISM stage: an inclusive (lowest, highest) per ladder."""

    stage: int
    ranges: Mapping[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Crosswalk:
    fits: tuple[StageFit, ...]
    #: People that automation in place needs beneath it (domain requirements).
    automation_requires: tuple[Requirement, ...]
    #: From this EAISM stage on, AI spending must show a return, so baselines are due.
    roi_from_stage: int

    def fit(self, stage: int) -> StageFit:
        return self.fits[stage - 1]


@dataclass(frozen=True, slots=True)
class PracticeRubric:
    ladders: Mapping[str, Ladder]
    practices: tuple[Practice, ...]
    themes: Mapping[str, str]
    kpis: Mapping[str, KpiSpec]
    crosswalk: Crosswalk
    threshold: float
    partial_credit: float
    baseline_practices: tuple[str, ...]
    _by_id: Mapping[str, Practice] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", frozen_mapping((p.id, p) for p in self.practices))

    def ladder(self, slug: str) -> Ladder:
        return self.ladders[slug]

    def practice(self, practice_id: str) -> Practice:
        return self._by_id[practice_id]

    def has_practice(self, practice_id: str) -> bool:
        return practice_id in self._by_id

    def credit(self, answer: Answer) -> float:
        return {Answer.YES: 1.0, Answer.PARTIAL: self.partial_credit}.get(answer, 0.0)


# ---------------------------------------------------------------------------
# Parsing: TOML dicts in, a validated PracticeRubric out, errors naming the key
# ---------------------------------------------------------------------------


def _strings(entry: Mapping, key: str, path: str) -> tuple[str, ...]:
    items = _get(entry, key, path, list)
    if not items:
        raise RubricError(f"{path}.{key}", "must list at least one entry")
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise RubricError(f"{path}.{key}[{i}]", "expected a non-empty string")
    return tuple(item.strip() for item in items)


def _slug(value: Any, key: str) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise RubricError(key, "expected a slug: lower-case letters, digits and underscores, starting with a letter")
    return value


def _int_in(entry: Mapping, key: str, path: str, low: int, high: int) -> int:
    value = _get(entry, key, path, int)
    if not low <= value <= high:
        raise RubricError(f"{path}.{key}", f"must be {low} to {high}")
    return value


def _number_in(entry: Mapping, key: str, path: str, low: float, high: float, low_open: bool = False) -> float:
    value = float(_get(entry, key, path, (int, float)))
    if not (low < value if low_open else low <= value) or value > high:
        raise RubricError(f"{path}.{key}", f"must be {'above' if low_open else 'at least'} {low} and at most {high}")
    return value


def _numbered(data: Mapping, key: str, count: int | None = None) -> list[tuple[int, Mapping]]:
    """Read the table `key`, keyed "1".."n" with no gaps (n = `count`, or the highest key)."""
    table = _get(data, key, "", dict)
    for name in table:
        number = int(name) if name.isascii() and name.isdigit() and not name.startswith("0") else 0
        if number < 1 or (count and number > count):
            raise RubricError(f"{key}.{name}", f"expected a whole number from 1{f' to {count}' if count else ''}")
    top = count or max(map(int, table), default=0)
    if top < 2:
        raise RubricError(key, "needs at least two levels")
    for number in range(1, top + 1):
        if str(number) not in table:
            raise RubricError(f"{key}.{number}", "missing")
        if not isinstance(table[str(number)], dict):
            raise RubricError(f"{key}.{number}", "expected a table")
    return [(number, table[str(number)]) for number in range(1, top + 1)]


def _parse_kpis(data: Mapping) -> dict[str, KpiSpec]:
    table = _get(data, "kpis", "", dict)
    if not table:
        raise RubricError("kpis", "define at least one KPI")
    kpis = {}
    for slug, entry in table.items():
        path = f"kpis.{_slug(slug, f'kpis.{slug}')}"
        if not isinstance(entry, dict):
            raise RubricError(path, "expected a table")
        kpis[slug] = KpiSpec(
            slug=slug,
            name=_get(entry, "name", path, str),
            unit=_get(entry, "unit", path, str),
            lower_is_better=_get(entry, "lower_is_better", path, bool),
            description=_get(entry, "description", path, str, ""),
        )
    return kpis


def _parse_ladder(slug: str, data: Mapping, kpis: Mapping[str, KpiSpec]) -> Ladder:
    meta = _get(data, "model", "", dict)
    levels = []
    for number, entry in _numbered(data, "levels"):
        path = f"levels.{number}"
        watched = _strings(entry, "kpis", path)
        for i, kpi in enumerate(watched):
            if kpi not in kpis:
                raise RubricError(f"{path}.kpis[{i}]", f"unknown KPI {kpi!r} (define it in {SOURCES['practices']})")
        levels.append(MaturityLevel(
            number=number,
            name=_get(entry, "name", path, str),
            definition=_get(entry, "definition", path, str),
            kpis=watched,
            risks=_strings(entry, "risks", path),
            controls=_strings(entry, "controls", path),
            actions=_strings(entry, "actions", path),
        ))
    return Ladder(slug, _get(meta, "name", "model", str), _get(meta, "short", "model", str),
                  _get(meta, "summary", "model", str), tuple(levels))


def _parse_themes(data: Mapping) -> dict[str, str]:
    themes = _get(data, "themes", "", dict)
    for slug, description in themes.items():
        _slug(slug, f"themes.{slug}")
        _get(themes, slug, "themes", str)
    for needed in (_AUTOMATION, _GOVERNANCE):
        if needed not in themes:
            raise RubricError(f"themes.{needed}", "missing (the scorer checks automation against governance)")
    return dict(themes)


def _parse_practice(entry: Any, index: int, ladders: Mapping[str, Ladder], themes: Mapping[str, str]) -> Practice:
    if not isinstance(entry, dict):
        raise RubricError(f"practices[{index}]", "expected a table")
    practice_id = _slug(_get(entry, "id", f"practices[{index}]", str), f"practices[{index}].id")
    path = f"practices.{practice_id}"
    extra = sorted(set(entry) - _PRACTICE_KEYS)
    if extra:
        raise RubricError(f"{path}.{extra[0]}", f"unknown key (allowed: {', '.join(sorted(_PRACTICE_KEYS))})")
    theme = _get(entry, "theme", path, str, None)
    if theme is not None and theme not in themes:
        raise RubricError(f"{path}.theme", f"unknown theme {theme!r} (known: {', '.join(themes)})")
    levels = {slug: _int_in(entry, key, path, 1, ladders[slug].top) for slug, key in _LEVEL_KEYS.items()}
    return Practice(
        id=practice_id,
        question=_get(entry, "question", path, str),
        evidence=_get(entry, "evidence", path, str),
        seven_level=levels[SEVEN],
        aimm_level=levels[AIMM],
        theme=theme,
    )


def _parse_practices(data: Mapping, ladders: Mapping[str, Ladder], themes: Mapping[str, str]) -> tuple[Practice, ...]:
    entries = _get(data, "practices", "", list)
    practices: list[Practice] = []
    first: dict[str, int] = {}
    for index, entry in enumerate(entries):
        practice = _parse_practice(entry, index, ladders, themes)
        if practice.id in first:
            raise RubricError(f"practices.{practice.id}", f"duplicate id (first at practices[{first[practice.id]}])")
        first[practice.id] = index
        practices.append(practice)
    for slug, ladder in ladders.items():
        key = _LEVEL_KEYS[slug]
        for number in range(1, ladder.top + 1):
            if not any(p.level_on(slug) == number for p in practices):
                raise RubricError("practices", f"no practice has {key} = {number}; every level needs some")
    return tuple(practices)


def _parse_scoring(data: Mapping, practices: Sequence[Practice]) -> tuple[float, float, tuple[str, ...]]:
    scoring = _get(data, "scoring", "", dict)
    threshold = _number_in(scoring, "threshold", "scoring", 0.0, 1.0, low_open=True)
    partial = _number_in(scoring, "partial_credit", "scoring", 0.0, 1.0)
    baselines = _strings(scoring, "baseline_practices", "scoring")
    ids = {p.id for p in practices}
    for i, practice_id in enumerate(baselines):
        if practice_id not in ids:
            raise RubricError(f"scoring.baseline_practices[{i}]", f"unknown practice id {practice_id!r}")
    return threshold, partial, baselines


def _level_range(entry: Mapping, slug: str, path: str, top: int) -> tuple[int, int]:
    value = _get(entry, slug, path, list)
    key = f"{path}.{slug}"
    if len(value) != 2 or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise RubricError(key, "expected [lowest, highest], two whole numbers")
    low, high = value
    if not 0 <= low <= high <= top:
        raise RubricError(key, f"expected 0 <= lowest <= highest <= {top}")
    return low, high


def _parse_fits(data: Mapping, ladders: Mapping[str, Ladder]) -> tuple[StageFit, ...]:
    fits = []
    for stage, entry in _numbered(data, "eaism", MAX_LEVEL):
        path = f"eaism.{stage}"
        ranges = {slug: _level_range(entry, slug, path, ladder.top) for slug, ladder in ladders.items()}
        for slug, (low, high) in ranges.items():
            if fits and (low < fits[-1].ranges[slug][0] or high < fits[-1].ranges[slug][1]):
                raise RubricError(f"{path}.{slug}", f"falls below stage {stage - 1}'s range; ranges only rise")
        fits.append(StageFit(stage, frozen_mapping(ranges)))
    for slug, ladder in ladders.items():
        for level in range(ladder.top + 1):
            if not any(f.ranges[slug][0] <= level <= f.ranges[slug][1] for f in fits):
                raise RubricError(f"eaism.*.{slug}", f"level {level} fits no stage")
    return tuple(fits)


def _parse_requirement(entry: Any, path: str) -> Requirement:
    if not isinstance(entry, dict):
        raise RubricError(path, "expected a table")
    domain = _get(entry, "domain", path, str)
    if domain not in DOMAINS:
        raise RubricError(f"{path}.domain", f"unknown domain {domain!r} (known: {', '.join(DOMAINS)})")
    level = _int_in(entry, "level", path, 1, MAX_LEVEL)
    min_count = _get(entry, "min_count", path, int, 1)
    if min_count < 1:
        raise RubricError(f"{path}.min_count", "must be at least 1")
    return Requirement(level=level, min_count=min_count, domain=domain)


def _parse_crosswalk(data: Mapping, ladders: Mapping[str, Ladder]) -> Crosswalk:
    automation = _get(data, "automation", "", dict)
    requires = _get(automation, "requires", "automation", list)
    roi = _get(data, "roi", "", dict)
    return Crosswalk(
        fits=_parse_fits(data, ladders),
        automation_requires=tuple(
            _parse_requirement(entry, f"automation.requires[{i}]") for i, entry in enumerate(requires)
        ),
        roi_from_stage=_int_in(roi, "from_stage", "roi", 1, MAX_LEVEL),
    )


def _in_source(part: str, parse: Callable[..., Any], *args: Any) -> Any:
    try:
        return parse(*args)
    except RubricError as exc:
        raise RubricError(f"{SOURCES[part]}: {exc.key}", exc.problem) from None


def parse_practice_rubric(aimm: Mapping, seven_level: Mapping, practices: Mapping,
                          crosswalk: Mapping) -> PracticeRubric:
    """Validate the four parsed practice-rubric files and build a `PracticeRubric`.

    Raises `RubricError` whose key starts with the file at fault, e.g.
    ``practices.toml: practices.baseline_metrics.seven_level``.
    """
    kpis = _in_source("practices", _parse_kpis, practices)
    ladders = {
        AIMM: _in_source(AIMM, _parse_ladder, AIMM, aimm, kpis),
        SEVEN: _in_source(SEVEN, _parse_ladder, SEVEN, seven_level, kpis),
    }
    themes = _in_source("practices", _parse_themes, practices)
    items = _in_source("practices", _parse_practices, practices, ladders, themes)
    threshold, partial, baselines = _in_source("practices", _parse_scoring, practices, items)
    return PracticeRubric(
        ladders=frozen_mapping(ladders),
        practices=items,
        themes=frozen_mapping(themes),
        kpis=frozen_mapping(kpis),
        crosswalk=_in_source("crosswalk", _parse_crosswalk, crosswalk, ladders),
        threshold=threshold,
        partial_credit=partial,
        baseline_practices=baselines,
    )


# ---------------------------------------------------------------------------
# Answers and scoring
# ---------------------------------------------------------------------------


class AnswerError(ValueError):
    """Answers that cannot be scored; `problems` lists every (key, problem) found."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        key, problem = self.problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"key {key!r}: {problem}{more}")


def parse_answers(rubric: PracticeRubric, raw: Mapping[str, Any]) -> Mapping[str, Answer]:
    """Check ``{practice id: "yes" | "partial" | "no"}``; values are case-insensitive.

    Raises `AnswerError` listing every unknown id and unreadable value.
    """
    answers: dict[str, Answer] = {}
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        if not rubric.has_practice(key):
            problems.append((key, "unknown practice id"))
        elif not isinstance(value, str) or value.strip().lower() not in tuple(Answer):
            shown = value if isinstance(value, str) else repr(value)
            problems.append((key, f"expected 'yes', 'partial' or 'no', got {shown[:20]!r}"))
        else:
            answers[key] = Answer(value.strip().lower())
    if problems:
        raise AnswerError(problems)
    return frozen_mapping(answers)


@dataclass(frozen=True, slots=True)
class LadderPosition:
    """Where the practices place the organisation on one ladder, and what holds it there."""

    ladder: Ladder
    #: The level held, 0 when the level-1 practices are not yet in place.
    level: int
    #: Per level 1..top, the share of its practices in place (partial counts part).
    shares: tuple[float, ...]
    #: The highest level with any practice in place, held or not.
    reach: int
    #: Practices not fully in place that the next level needs (its own and any lower level's).
    missing: tuple[Practice, ...]
    #: Practices in place two or more levels above the level held: they count for nothing yet.
    ungrounded: tuple[Practice, ...]

    @property
    def name(self) -> str:
        return self.ladder.level_name(self.level)

    @property
    def guide(self) -> MaturityLevel:
        return self.ladder.guide(self.level)

    @property
    def next_level(self) -> MaturityLevel | None:
        return self.ladder.level(self.level + 1) if self.level < self.ladder.top else None


@dataclass(frozen=True, slots=True)
class PracticeResult:
    """One set of answers (an organisation's or a team's) placed on both ladders."""

    rubric: PracticeRubric
    answers: Mapping[str, Answer]
    positions: Mapping[str, LadderPosition]

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Claims above the foundation, automation without governance, and missing baselines."""
        return tuple(_warnings(self))

    @property
    def aimm(self) -> LadderPosition:
        return self.positions[AIMM]

    @property
    def seven_level(self) -> LadderPosition:
        return self.positions[SEVEN]

    def answer(self, practice_id: str) -> Answer:
        return self.answers.get(practice_id, Answer.NO)

    def in_place(self, practice: Practice) -> bool:
        """Yes or partial: the practice exists, so its risks exist too."""
        return self.answer(practice.id) != Answer.NO

    @property
    def automation_in_place(self) -> tuple[Practice, ...]:
        return tuple(p for p in self.rubric.practices if p.theme == _AUTOMATION and self.in_place(p))

    @property
    def has_baseline(self) -> bool:
        return any(self.answer(p) == Answer.YES for p in self.rubric.baseline_practices)

    @property
    def next_actions(self) -> tuple[str, ...]:
        """What moves each ladder up a level (at the top, what sustains it), without repeats."""
        return tuple(dict.fromkeys(a for pos in self.positions.values() for a in pos.guide.actions))


def _share(rubric: PracticeRubric, practices: Sequence[Practice], answers: Mapping[str, Answer]) -> float:
    return sum(rubric.credit(answers.get(p.id, Answer.NO)) for p in practices) / len(practices)


def _position(rubric: PracticeRubric, ladder: Ladder, answers: Mapping[str, Answer]) -> LadderPosition:
    by_level = [[p for p in rubric.practices if p.level_on(ladder.slug) == n] for n in range(1, ladder.top + 1)]
    shares = tuple(_share(rubric, practices, answers) for practices in by_level)
    level = 0
    # Rounded so 7 of 10 practices hold a 0.7 threshold despite binary floating point.
    while level < ladder.top and round(shares[level], 9) >= rubric.threshold:
        level += 1
    placed = [p for p in rubric.practices if answers.get(p.id, Answer.NO) != Answer.NO]
    return LadderPosition(
        ladder=ladder,
        level=level,
        shares=shares,
        reach=max((p.level_on(ladder.slug) for p in placed), default=0),
        missing=tuple(
            p for practices in (by_level[: level + 1] if level < ladder.top else ())
            for p in practices if answers.get(p.id) != Answer.YES
        ),
        ungrounded=tuple(p for p in placed if p.level_on(ladder.slug) >= level + 2),
    )


def _ids(practices: Iterable[Practice], limit: int = 6) -> str:
    ids = [p.id for p in practices]
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _ungrounded(position: LadderPosition) -> Finding:
    ladder, gap = position.ladder, position.level + 1
    top = max(p.level_on(ladder.slug) for p in position.ungrounded)
    return Finding(
        "ungrounded_practice",
        f"{ladder.short}: {len(position.ungrounded)} practice(s) at up to level {top} are in place "
        f"({_ids(position.ungrounded)}) while level {gap} ({ladder.level(gap).name}) is not, "
        f"so they do not raise the level. Build level {gap} before relying on them.",
    )


def _ungoverned_automation(result: PracticeResult) -> Finding | None:
    """Automation in place while governance practices at or below its level are not fully in place."""
    rubric, running = result.rubric, result.automation_in_place
    if not running:
        return None
    reach = max(p.seven_level for p in running)
    ungoverned = [
        p for p in rubric.practices
        if p.theme == _GOVERNANCE and p.seven_level <= reach and result.answer(p.id) != Answer.YES
    ]
    if not ungoverned:
        return None
    return Finding(
        "ungoverned_automation",
        f"Automation is in place ({_ids(running)}) without the governance beneath it "
        f"({_ids(ungoverned)} not fully in place). An automated workflow without controls fails at scale "
        "and nobody can say why: put these controls in before automating further.",
    )


def _warnings(result: PracticeResult) -> list[Finding]:
    rubric = result.rubric
    found = [_ungrounded(pos) for pos in result.positions.values() if pos.ungrounded]
    automation = _ungoverned_automation(result)
    if automation:
        found.append(automation)
    if not result.has_baseline:
        found.append(Finding(
            "no_baseline",
            f"No baseline is fully recorded ({', '.join(rubric.baseline_practices)}): the return on AI "
            "cannot be measured, so no investment can be shown to pay off. Record baselines first.",
        ))
    return found


def score_practices(rubric: PracticeRubric, answers: Mapping[str, Answer | str]) -> PracticeResult:
    """Place one set of answers (an organisation's or a team's) on both ladders.

    Unanswered practices count as "no". Raises `AnswerError` for unknown ids or values.
    """
    checked = parse_answers(rubric, answers)
    positions = frozen_mapping((slug, _position(rubric, rubric.ladder(slug), checked)) for slug in LADDERS)
    return PracticeResult(rubric, checked, positions)


def score_teams(rubric: PracticeRubric, answers_by_team: Mapping[str, Mapping[str, Answer | str]]
                ) -> dict[str, PracticeResult]:
    """Score each team's answers on its own: departments mature at different speeds.

    Raises `AnswerError` whose keys are prefixed with the team, e.g. ``apps.foo``.
    """
    results, problems = {}, []
    for team, answers in answers_by_team.items():
        try:
            results[team] = score_practices(rubric, answers)
        except AnswerError as exc:
            problems += [(f"{team}.{key}", problem) for key, problem in exc.problems]
    if problems:
        raise AnswerError(problems)
    return results


# ---------------------------------------------------------------------------
# The combined report: practices beside the EAISM skills stage and a hiring plan
# ---------------------------------------------------------------------------


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


def _positions_text(result: PracticeResult, slugs: Iterable[str], fit: StageFit) -> str:
    parts = []
    for slug in slugs:
        pos, (low, high) = result.positions[slug], fit.ranges[slug]
        parts.append(f"{pos.ladder.short} level {pos.level} (fits {low}-{high})")
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
            "let it use safely; put the missing practices in place before adding more builders.",
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
        f"Automation is in place ({_ids(running)}) but {'; '.join(s.message for s in short)}: "
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
        levels = sorted({pos.guide.number, *(p.level_on(slug) for p in result.automation_in_place)})
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


# ---------------------------------------------------------------------------
# KPI baselines: change against the baseline, judged by the KPI's direction
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KpiReading:
    recorded_on: date
    value: float


@dataclass(frozen=True, slots=True)
class KpiChange:
    """One reading compared with the baseline."""

    kpi: KpiSpec
    baseline: KpiReading
    reading: KpiReading

    @property
    def delta(self) -> float:
        return self.reading.value - self.baseline.value

    @property
    def percent(self) -> float | None:
        """Change as a percentage of the baseline; ``None`` when the baseline is zero."""
        return None if self.baseline.value == 0 else self.delta / abs(self.baseline.value) * 100

    @property
    def outcome(self) -> str:
        """"better", "worse" or "unchanged", given whether lower is better for this KPI."""
        if self.delta == 0:
            return "unchanged"
        return "better" if (self.delta < 0) == self.kpi.lower_is_better else "worse"

    @property
    def improved(self) -> bool:
        return self.outcome == "better"


def kpi_changes(kpi: KpiSpec, baseline: KpiReading, readings: Iterable[KpiReading]) -> tuple[KpiChange, ...]:
    """Compare each later reading with the baseline, oldest first.

    Raises `ValueError` for a reading dated on or before the baseline: change
    against a baseline only means something after it.
    """
    ordered = sorted(readings, key=lambda r: r.recorded_on)
    early = next((r for r in ordered if r.recorded_on <= baseline.recorded_on), None)
    if early is not None:
        raise ValueError(f"{kpi.slug}: reading of {early.recorded_on} is not after the baseline of "
                         f"{baseline.recorded_on}")
    return tuple(KpiChange(kpi, baseline, r) for r in ordered)


@dataclass(frozen=True, slots=True)
class KpiSeries:
    """A KPI tracked for one scope (a team slug, or ``""`` for the whole organisation)."""

    scope: str
    kpi: KpiSpec
    baseline: KpiReading
    readings: tuple[KpiReading, ...]

    @property
    def changes(self) -> tuple[KpiChange, ...]:
        return kpi_changes(self.kpi, self.baseline, self.readings)
