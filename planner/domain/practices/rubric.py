"""The practice rubric: two ladders, the questionnaire, KPIs and the crosswalk to EAISM stages.

`parse_practice_rubric` turns the four parsed TOML files into a validated
`PracticeRubric`; every error names the file and key at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from planner.domain.model import DOMAINS, MAX_LEVEL, Requirement, frozen_mapping
from planner.domain.rubric import RubricError, _get

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
AUTOMATION, GOVERNANCE = "automation", "governance"
_SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
#: Every practice must give its level on these ladders; on the others it may be left out.
_REQUIRED_LADDERS = frozenset({SEVEN})
_PRACTICE_KEYS = {"id", "name", "question", "evidence", "theme", *_LEVEL_KEYS.values()}


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
    #: The values a reading may take, inclusive; ``None`` leaves that end open.
    minimum: float | None = 0.0
    maximum: float | None = None


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
        return self.level(number).name


@dataclass(frozen=True, slots=True)
class Practice:
    """One questionnaire item and the level it evidences on each ladder.

    Every practice sits on the seven-level model; `aimm_level` is ``None`` for a
    practice AIMM does not ask for (the seven-level model's ecosystem leadership).
    Practices at level 1 describe the starting point and never gate a level.
    """

    id: str
    #: A short label for warnings and lists, e.g. "AI usage policy".
    name: str
    question: str
    evidence: str
    seven_level: int
    aimm_level: int | None
    theme: str | None = None

    def level_on(self, ladder: str) -> int | None:
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
            **_kpi_bounds(entry, path),
        )
    return kpis


def _kpi_bounds(entry: Mapping, path: str) -> dict[str, float | None]:
    """`min` (default 0: most measures cannot fall below zero) and `max` (default open)."""
    bounds = {}
    for key, name, default in (("min", "minimum", 0.0), ("max", "maximum", None)):
        value = _get(entry, key, path, (int, float), default)
        if value is not None and not abs(value) <= 1e12:
            raise RubricError(f"{path}.{key}", "must be a finite number within ±10^12")
        bounds[name] = None if value is None else float(value)
    low, high = bounds["minimum"], bounds["maximum"]
    if low is not None and high is not None and low >= high:
        raise RubricError(f"{path}.max", f"must be above min ({low:g})")
    return bounds


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
    for needed in (AUTOMATION, GOVERNANCE):
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
    levels = {
        slug: _int_in(entry, key, path, 1, ladders[slug].top) if key in entry or slug in _REQUIRED_LADDERS else None
        for slug, key in _LEVEL_KEYS.items()
    }
    return Practice(
        id=practice_id,
        name=_get(entry, "name", path, str),
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
        # Level 1 is the starting point and needs nothing; every level above it needs evidence.
        for number in range(2, ladder.top + 1):
            if not any(p.level_on(slug) == number for p in practices):
                raise RubricError("practices", f"no practice has {key} = {number}; every level above 1 needs some")
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
    if not 1 <= low <= high <= top:
        raise RubricError(key, f"expected 1 <= lowest <= highest <= {top}")
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
        for level in range(1, ladder.top + 1):
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
