"""Value objects of the skills model: the rubric, people and their profiles.

Everything here is immutable and framework-free, so the same objects serve the
CLI, the database layer and the web app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import ceil
from types import MappingProxyType

__all__ = [
    "DOMAINS",
    "EFFORT_UNIT",
    "LEVELS",
    "MAX_LEVEL",
    "TRACKS",
    "DomainSpec",
    "LevelSpec",
    "DevelopmentSpec",
    "Person",
    "PhaseSpec",
    "Profile",
    "Requirement",
    "Rubric",
    "Signals",
    "StageSpec",
    "Team",
    "TrackSpec",
    "frozen_mapping",
]

#: Domain slugs in canonical order; the CLI, CSV files and the API use them.
DOMAINS: tuple[str, ...] = (
    "prompting",
    "apis_integration",
    "rag_retrieval",
    "evaluation",
    "observability",
    "security",
    "governance",
    "strategy",
)
#: Career tracks the career graph knows.
TRACKS: tuple[str, ...] = ("software_engineer", "product_manager", "data_professional", "business")
MAX_LEVEL = 5
#: What an effort figure counts: one level in one domain at ordinary difficulty (a track's weight 1).
EFFORT_UNIT = "level-steps"
#: Individual levels a person can hold; 0 means no AI level yet.
LEVELS: tuple[int, ...] = tuple(range(MAX_LEVEL + 1))

_DOMAIN_INDEX = {slug: i for i, slug in enumerate(DOMAINS)}


def frozen_mapping(items: Mapping | Iterable = ()) -> Mapping:
    """Return a read-only mapping, so frozen dataclasses stay frozen all the way down."""
    return MappingProxyType(dict(items))


@dataclass(frozen=True, slots=True)
class Profile:
    """A level 0-5 per domain, in `DOMAINS` order; ``None`` means not assessed."""

    levels: tuple[int | None, ...] = (None,) * len(DOMAINS)

    def __post_init__(self) -> None:
        if len(self.levels) != len(DOMAINS):
            raise ValueError(f"a profile has {len(DOMAINS)} domains, got {len(self.levels)}")

    @classmethod
    def from_mapping(cls, levels: Mapping[str, int | None]) -> Profile:
        """Build a profile from ``{domain: level}``; missing domains are not assessed."""
        unknown = set(levels) - _DOMAIN_INDEX.keys()
        if unknown:
            raise ValueError(f"unknown domain(s): {', '.join(sorted(unknown))}")
        return cls(tuple(levels.get(slug) for slug in DOMAINS))

    @classmethod
    def interned(cls, rows: Iterable[tuple[int | None, ...]]) -> list[Profile]:
        """One profile per row of levels, equal rows sharing one object: a large organisation
        has far fewer distinct profiles than people, and every cache keyed by levels hits."""
        shared: dict[tuple[int | None, ...], Profile] = {}
        return [shared.get(levels) or shared.setdefault(levels, cls(levels)) for levels in rows]

    @classmethod
    def zero(cls) -> Profile:
        return cls((0,) * len(DOMAINS))

    def get(self, domain: str) -> int | None:
        return self.levels[_DOMAIN_INDEX[domain]]

    def value(self, domain: str) -> int:
        """The level used for scoring: not assessed counts as 0."""
        return self.levels[_DOMAIN_INDEX[domain]] or 0

    @property
    def not_assessed(self) -> tuple[str, ...]:
        if None not in self.levels:  # the usual case, answered without a Python loop
            return ()
        return tuple(slug for slug, level in zip(DOMAINS, self.levels) if level is None)

    def as_dict(self) -> dict[str, int | None]:
        return dict(zip(DOMAINS, self.levels))

    def raised(self, deltas: Mapping[str, int]) -> Profile:
        """Return this profile with each domain in `deltas` raised by that many levels."""
        levels = list(self.levels)
        for domain, delta in deltas.items():
            i = _DOMAIN_INDEX[domain]
            levels[i] = min(MAX_LEVEL, (levels[i] or 0) + delta)
        return Profile(tuple(levels))

    def at_least(self, floor: Mapping[str, int]) -> Profile:
        """Return this profile lifted so every domain in `floor` is at least that level."""
        levels = list(self.levels)
        for domain, level in floor.items():
            i = _DOMAIN_INDEX[domain]
            levels[i] = max(levels[i] or 0, level)
        return Profile(tuple(levels))

    def shortfall(self, floor: Mapping[str, int]) -> dict[str, int]:
        """Levels missing per domain to reach `floor` (only the domains that fall short)."""
        return {d: need - self.value(d) for d, need in floor.items() if self.value(d) < need}


@dataclass(frozen=True, slots=True)
class Person:
    """One employee and their current skill profile."""

    employee_id: str
    name: str
    track: str
    profile: Profile
    email: str = ""
    team: str = ""
    manager_id: str | None = None


@dataclass(frozen=True, slots=True)
class Team:
    """A team and the employee ids of the people who manage it."""

    slug: str
    name: str
    manager_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DomainSpec:
    """A row of the skills matrix: one descriptor per level, ``None`` where the matrix says n/a."""

    slug: str
    name: str
    descriptors: tuple[str | None, ...]

    def applies_at(self, level: int) -> bool:
        return 1 <= level <= MAX_LEVEL and self.descriptors[level - 1] is not None

    def descriptor(self, level: int) -> str | None:
        return self.descriptors[level - 1] if 1 <= level <= MAX_LEVEL else None


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """An individual EAISM level and the rule that earns it."""

    number: int
    title: str
    question: str
    scope: str
    core: tuple[str, ...]
    min_domains: int


@dataclass(frozen=True, slots=True)
class Requirement:
    """``min_count`` people (or ``min_share`` of headcount, whichever is more) at >= ``level``.

    With a ``domain``, the people must be at >= ``level`` in that domain.
    """

    level: int
    min_count: int = 0
    min_share: float = 0.0
    domain: str | None = None

    def needed(self, headcount: int) -> int:
        """People this requirement asks for in a workforce of `headcount` people.

        With ``min_count`` at most 1 the answer scales with the organisation: ten
        copies of a team need exactly ten times what one copy needs, so duplicating
        an organisation never changes whether it meets the requirement.
        """
        if not self.min_share:
            return self.min_count
        # Allow a hair below before ceil so 0.1 * 70 is 7, not 8, despite binary floating point.
        return max(self.min_count, ceil(self.min_share * headcount - 1e-9))


@dataclass(frozen=True, slots=True)
class StageSpec:
    """An organisational stage and the gate an organisation must pass to reach it."""

    number: int
    name: str
    summary: str
    people: tuple[Requirement, ...] = ()
    coverage: tuple[Requirement, ...] = ()


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    """A hiring phase: which level it builds and how the sequencer treats it."""

    level: int
    title: str
    builds: str
    why: str
    critical: bool = False
    prefer_internal: bool = False
    #: Develop a person for this phase only when their development would be done within this many
    #: quarters of the phase starting (``None``: anywhere within the plan's horizon).
    develop_within: int | None = None
    #: The reason to give instead of `why` once the organisation has passed the stage that first asks for
    #: this level: the phase then grows capacity, and the warning about never starting no longer applies.
    why_growing: str | None = None

    def reason(self, growing: bool) -> str:
        return self.why_growing if growing and self.why_growing else self.why


@dataclass(frozen=True, slots=True)
class DevelopmentSpec:
    """How long developing a person takes, so internal moves are scheduled over quarters.

    A move to level L that takes `effort` (domain raises weighted by the track) lasts
    ``ceil(effort / effort_per_quarter)`` quarters, and never less than ``min_quarters[L - 1]``.
    """

    effort_per_quarter: float = 3.0
    #: Per level reached (1..5), the fewest quarters a move to it takes however small the gap.
    min_quarters: tuple[int, ...] = (1, 1, 2, 2, 2)
    #: How far ahead (in quarters) a plan looks for people to develop; also where a plan is called long.
    horizon_quarters: int = 8

    def quarters(self, level: int, effort: float) -> int:
        """Quarters a move to `level` costing `effort` takes (0 when there is nothing to grow)."""
        if effort <= 0:
            return 0
        # Round before ceil so 6.000000001 (sums of float weights) is 2 quarters, not 3.
        return max(self.min_quarters[level - 1], ceil(round(effort / self.effort_per_quarter, 9)))


@dataclass(frozen=True, slots=True)
class TrackSpec:
    """A career track: the profile expected at each level and how hard each domain is to grow."""

    slug: str
    name: str
    summary: str
    goal_level: int
    key_move: int | None
    profiles: Mapping[int, Mapping[str, int]]
    effort: Mapping[str, float]
    #: A level the track needs to understand rather than practise (the article: PMs need L3 literacy),
    #: and the profile that expresses that literacy; it holds `goal_level` and never `literacy_level`.
    literacy_level: int | None = None
    literacy: Mapping[str, int] = field(default_factory=lambda: frozen_mapping({}))

    def expected(self, level: int) -> Mapping[str, int]:
        return self.profiles.get(level, {})

    @property
    def practice_ceiling(self) -> int:
        """The highest level a plan develops people on this track to: below the level they only need to read."""
        return MAX_LEVEL if self.literacy_level is None else self.literacy_level - 1

    def effort_of(self, deltas: Mapping[str, int]) -> float:
        return sum(delta * self.effort.get(domain, 1.0) for domain, delta in deltas.items())


@dataclass(frozen=True, slots=True)
class Signals:
    """Thresholds of the findings the assessment raises besides the stage gates (``[signals]``)."""

    #: At stage 3 or above, the L3 share is thin when fewer than this share of the builders (L2+) hold L3+.
    thin_l3_share: float = 0.33
    #: Prompting as a standalone role: prompting at or above this level...
    prompting_alone_level: int = 3
    #: ...while every other assessed domain is at or below this level.
    prompting_alone_others: int = 1
    #: The platform myth: APIs & integration at or above this level...
    platform_api_level: int = 3
    #: ...while evaluation and observability are both assessed and at or below this level.
    platform_depth_max: int = 1
    #: The chatbot myth: people below L3 with APIs & integration and retrieval at or above this level.
    chatbot_level: int = 3
    #: Literacy (L1+) across everyone, AI workforce or not, below which the report says so.
    literacy_share: float = 0.5


@dataclass(frozen=True, slots=True)
class Rubric:
    """The whole tunable model, as loaded from ``rubrics/eaism.toml``."""

    name: str
    version: str
    domains: tuple[DomainSpec, ...]
    levels: tuple[LevelSpec, ...]
    stages: tuple[StageSpec, ...]
    phases: tuple[PhaseSpec, ...]
    tracks: tuple[TrackSpec, ...]
    cumulative: bool = True
    #: A domain at or above this level reads as a senior strategy profile (for `top_heavy`).
    senior_strategy_level: int = 4
    #: People at L2+ that must be in place (or hired first) before any L3 hire.
    min_builders_before_l3: int = 2
    #: Effort added when a roadmap step changes track.
    track_switch_effort: float = 2.0
    #: Tracks whose people form the AI workforce the stage gates are measured against, with why each counts.
    workforce: Mapping[str, str] = field(default_factory=lambda: frozen_mapping(dict.fromkeys(TRACKS, "")))
    #: A profile meeting this level's rule on its own, without the levels beneath, reads as a leadership
    #: profile: it counts toward stage gates at this level and above (``None``: no leadership reading).
    leadership_level: int | None = None
    signals: Signals = field(default_factory=Signals)
    #: How long developing people takes (quarters per move).
    development: DevelopmentSpec = DevelopmentSpec()
    _index: Mapping[str, Mapping] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = {
            "domain": {d.slug: d for d in self.domains},
            "level": {lv.number: lv for lv in self.levels},
            "stage": {s.number: s for s in self.stages},
            "phase": {p.level: p for p in self.phases},
            "track": {t.slug: t for t in self.tracks},
            # Level rules as domain positions, precomputed once: scoring runs per person.
            "rules": tuple(
                (
                    lv.number,
                    tuple(DOMAINS.index(d) for d in lv.core),
                    tuple(i for i, d in enumerate(DOMAINS) if self._applies(d, lv.number)),
                    lv.min_domains,
                )
                for lv in self.levels
            ),
        }
        object.__setattr__(self, "_index", frozen_mapping(index))

    def _applies(self, slug: str, level: int) -> bool:
        return any(d.slug == slug and d.applies_at(level) for d in self.domains)

    @property
    def level_rules(self) -> tuple[tuple[int, tuple[int, ...], tuple[int, ...], int], ...]:
        """Per level: (number, core domain positions, applicable domain positions, min domains)."""
        return self._index["rules"]

    def domain(self, slug: str) -> DomainSpec:
        return self._index["domain"][slug]

    def level(self, number: int) -> LevelSpec:
        return self._index["level"][number]

    def stage(self, number: int) -> StageSpec:
        return self._index["stage"][number]

    def phase(self, level: int) -> PhaseSpec:
        return self._index["phase"][level]

    def track(self, slug: str) -> TrackSpec:
        return self._index["track"][slug]

    def has_track(self, slug: str) -> bool:
        return slug in self._index["track"]

    def in_workforce(self, track: str) -> bool:
        """Whether people on `track` are part of the AI workforce the stage gates read."""
        return track in self.workforce

    def level_title(self, number: int) -> str:
        return "No AI level yet" if number == 0 else self.level(number).title

    @property
    def max_stage(self) -> int:
        return self.stages[-1].number
