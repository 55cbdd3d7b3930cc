"""Turn parsed rubric data (a dict from TOML) into a validated `Rubric`.

Every error names the key that is wrong, e.g. ``levels.3.core: unknown domain 'evals'``,
so an organisation editing its rubric knows exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from planner.domain.model import (
    DOMAINS,
    MAX_LEVEL,
    TRACKS,
    DevelopmentSpec,
    DomainSpec,
    LevelSpec,
    PhaseSpec,
    Profile,
    Requirement,
    Rubric,
    Signals,
    StageSpec,
    TrackSpec,
    frozen_mapping,
)

__all__ = ["MAX_COUNT", "MAX_EFFORT", "NA", "RubricError", "parse_rubric"]

#: How the rubric file spells a cell the skills matrix leaves empty.
NA = "n/a"
_LEVEL_KEYS = [str(n) for n in range(1, MAX_LEVEL + 1)]
#: The most people a requirement may ask for by count: a plan hires or develops each one in turn, so an
#: absurd count (10^18) would make every plan request run for minutes. Larger needs are shares of headcount.
MAX_COUNT = 1000
#: The largest effort weight or track-switch effort (the shipped rubric uses at most 3).
MAX_EFFORT = 100.0


class RubricError(ValueError):
    """A rubric is malformed or inconsistent; the message starts with the offending key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def _get(data: Mapping, key: str, path: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    full = f"{path}.{key}" if path else key
    if key not in data:
        if default is ...:
            raise RubricError(full, "missing")
        return default
    value = data[key]
    # bool is an int in Python; a rubric that says `min_domains = true` is wrong.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise RubricError(full, f"expected {_kind_name(kind)}, got a boolean")
    if not isinstance(value, kind):
        raise RubricError(full, f"expected {_kind_name(kind)}, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip():
        raise RubricError(full, "must not be empty")
    return value


def _only(table: Mapping, allowed: set[str], path: str) -> None:
    """Refuse keys the rubric does not know: a typo must not be silently ignored."""
    extra = sorted(set(table) - allowed)
    if extra:
        key = f"{path}.{extra[0]}" if path else extra[0]
        raise RubricError(key, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _level_table(data: Mapping, key: str, parent: str = "") -> dict[int, Mapping]:
    """Read the table `key`, keyed "1".."5" (every level present, nothing else)."""
    table = _get(data, key, parent, dict)
    path = f"{parent}.{key}" if parent else key
    extra = sorted(set(table) - set(_LEVEL_KEYS))
    if extra:
        raise RubricError(f"{path}.{extra[0]}", f"levels are numbered 1 to {MAX_LEVEL}")
    missing = [k for k in _LEVEL_KEYS if k not in table]
    if missing:
        raise RubricError(f"{path}.{missing[0]}", "missing")
    for key in _LEVEL_KEYS:
        if not isinstance(table[key], dict):
            raise RubricError(f"{path}.{key}", "expected a table")
    return {int(k): table[k] for k in _LEVEL_KEYS}


def _domain_name(value: Any, key: str) -> str:
    if value not in DOMAINS:
        raise RubricError(key, f"unknown domain {value!r} (known: {', '.join(DOMAINS)})")
    return value


def _parse_domains(data: Mapping) -> tuple[DomainSpec, ...]:
    table = _get(data, "domains", "", dict)
    for slug in table:
        _domain_name(slug, f"domains.{slug}")
    for slug in DOMAINS:
        if slug not in table:
            raise RubricError(f"domains.{slug}", "missing (the matrix has all eight domains)")
    specs = []
    for slug in DOMAINS:
        path = f"domains.{slug}"
        entry = _get(table, slug, "domains", dict)
        _only(entry, {"name", "descriptors"}, path)
        cells = _get(entry, "descriptors", path, list)
        if len(cells) != MAX_LEVEL:
            raise RubricError(f"{path}.descriptors", f"expected {MAX_LEVEL} cells, one per level, got {len(cells)}")
        for i, cell in enumerate(cells):
            if not isinstance(cell, str) or not cell.strip():
                raise RubricError(f"{path}.descriptors[{i}]", f"expected a descriptor or {NA!r}")
        descriptors = tuple(None if cell.strip().lower() == NA else cell.strip() for cell in cells)
        if all(d is None for d in descriptors):
            raise RubricError(f"{path}.descriptors", "every cell is n/a")
        specs.append(DomainSpec(slug, _get(entry, "name", path, str), descriptors))
    return tuple(specs)


def _parse_levels(data: Mapping, domains: Mapping[str, DomainSpec]) -> tuple[LevelSpec, ...]:
    specs = []
    for number, entry in _level_table(data, "levels").items():
        path = f"levels.{number}"
        _only(entry, {"title", "question", "scope", "core", "min_domains"}, path)
        core = _get(entry, "core", path, list)
        for i, slug in enumerate(core):
            _domain_name(slug, f"{path}.core[{i}]")
            if not domains[slug].applies_at(number):
                raise RubricError(f"{path}.core[{i}]", f"{slug} is n/a at level {number} in the matrix")
        if len(set(core)) != len(core):
            raise RubricError(f"{path}.core", "lists a domain twice")
        applicable = sum(1 for d in domains.values() if d.applies_at(number))
        min_domains = _get(entry, "min_domains", path, int)
        if not len(core) <= min_domains <= applicable:
            raise RubricError(
                f"{path}.min_domains",
                f"must be between the {len(core)} core domain(s) and the {applicable} domains "
                f"the matrix defines at level {number}",
            )
        specs.append(
            LevelSpec(
                number=number,
                title=_get(entry, "title", path, str),
                question=_get(entry, "question", path, str),
                scope=_get(entry, "scope", path, str),
                core=tuple(core),
                min_domains=min_domains,
            )
        )
    return tuple(specs)


def _parse_requirement(entry: Any, path: str, with_domain: bool, domains: Mapping[str, DomainSpec]) -> Requirement:
    if not isinstance(entry, dict):
        raise RubricError(path, "expected a table")
    _only(entry, {"level", "min_count", "min_share"} | ({"domain"} if with_domain else set()), path)
    level = _get(entry, "level", path, int)
    if not 1 <= level <= MAX_LEVEL:
        raise RubricError(f"{path}.level", f"must be 1 to {MAX_LEVEL}")
    min_count = _get(entry, "min_count", path, int, 0)
    min_share = float(_get(entry, "min_share", path, (int, float), 0.0))
    if not 0 <= min_count <= MAX_COUNT:
        raise RubricError(f"{path}.min_count", f"must be 0 to {MAX_COUNT} (ask for more as a share, min_share)")
    if not 0.0 <= min_share < 1.0:
        raise RubricError(f"{path}.min_share", "must be a share from 0 up to (not including) 1")
    if min_count == 0 and min_share == 0.0:
        raise RubricError(path, "asks for nothing: set min_count or min_share")
    domain = None
    if with_domain:
        domain = _domain_name(_get(entry, "domain", path, str), f"{path}.domain")
        if not domains[domain].applies_at(level):
            raise RubricError(f"{path}.domain", f"{domain} is n/a at level {level} in the matrix")
    return Requirement(level=level, min_count=min_count, min_share=min_share, domain=domain)


def _parse_stages(data: Mapping, domains: Mapping[str, DomainSpec]) -> tuple[StageSpec, ...]:
    specs = []
    for number, entry in _level_table(data, "stages").items():
        path = f"stages.{number}"
        _only(entry, {"name", "summary", "people", "coverage"}, path)
        people = _get(entry, "people", path, list, [])
        coverage = _get(entry, "coverage", path, list, [])
        specs.append(
            StageSpec(
                number=number,
                name=_get(entry, "name", path, str),
                summary=_get(entry, "summary", path, str),
                people=tuple(
                    _parse_requirement(r, f"{path}.people[{i}]", False, domains) for i, r in enumerate(people)
                ),
                coverage=tuple(
                    _parse_requirement(r, f"{path}.coverage[{i}]", True, domains) for i, r in enumerate(coverage)
                ),
            )
        )
    if specs[0].people or specs[0].coverage:
        raise RubricError("stages.1", "stage 1 is where every organisation starts; it takes no requirements")
    for spec in specs[1:]:
        if not spec.people:
            raise RubricError(f"stages.{spec.number}.people", "a stage above 1 needs at least one people requirement")
    return tuple(specs)


def _parse_phases(data: Mapping) -> tuple[PhaseSpec, ...]:
    specs = []
    for level, entry in _level_table(data, "phases").items():
        path = f"phases.{level}"
        # promotion_max_gap is accepted, and ignored, so rubric versions stored before development time
        # (a plan now reads how long a promotion takes from [development]) still load.
        _only(entry, {"title", "builds", "why", "why_growing", "critical", "prefer_internal", "develop_within",
                      "promotion_max_gap"}, path)
        within = _get(entry, "develop_within", path, int, None)
        if within is not None and not 1 <= within <= 40:
            raise RubricError(f"{path}.develop_within", "must be 1 to 40 quarters")
        specs.append(
            PhaseSpec(
                level=level,
                title=_get(entry, "title", path, str),
                builds=_get(entry, "builds", path, str),
                why=_get(entry, "why", path, str),
                why_growing=_get(entry, "why_growing", path, str, None),
                critical=_get(entry, "critical", path, bool, False),
                prefer_internal=_get(entry, "prefer_internal", path, bool, False),
                develop_within=within,
            )
        )
    if not any(p.critical for p in specs):
        raise RubricError("phases", "mark the critical phase with critical = true")
    return tuple(specs)


def _parse_development(data: Mapping) -> DevelopmentSpec:
    entry = _get(data, "development", "", dict, {})
    _only(entry, {"effort_per_quarter", "min_quarters", "horizon_quarters"}, "development")
    default = DevelopmentSpec()
    pace = float(_get(entry, "effort_per_quarter", "development", (int, float), default.effort_per_quarter))
    if not 0.1 <= pace <= 100:
        raise RubricError("development.effort_per_quarter", "must be a number from 0.1 to 100")
    minimum = _get(entry, "min_quarters", "development", list, list(default.min_quarters))
    if len(minimum) != MAX_LEVEL:
        raise RubricError("development.min_quarters", f"expected {MAX_LEVEL} numbers, one per level reached")
    for i, quarters in enumerate(minimum):
        if isinstance(quarters, bool) or not isinstance(quarters, int) or not 0 <= quarters <= 40:
            raise RubricError(f"development.min_quarters[{i}]", "expected a whole number of quarters from 0 to 40")
    horizon = _get(entry, "horizon_quarters", "development", int, default.horizon_quarters)
    if not 1 <= horizon <= 40:
        raise RubricError("development.horizon_quarters", "must be 1 to 40 quarters")
    return DevelopmentSpec(pace, tuple(minimum), horizon)


def _profile_table(raw: Any, key: str) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise RubricError(key, "expected a table")
    profile = {}
    for domain, value in raw.items():
        _domain_name(domain, f"{key}.{domain}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LEVEL:
            raise RubricError(f"{key}.{domain}", f"expected a level from 0 to {MAX_LEVEL}")
        profile[domain] = value
    return profile


def _parse_literacy(entry: Mapping, path: str, goal: int, profiles: Mapping[int, Mapping[str, int]],
                    earned) -> tuple[int | None, dict[str, int]]:
    """A track's literacy goal: a level to understand, and the profile that shows it (see `TrackSpec`)."""
    level = _get(entry, "literacy_level", path, int, None)
    raw = _get(entry, "literacy", path, dict, None)
    if level is None and raw is None:
        return None, {}
    if level is None or raw is None:
        raise RubricError(f"{path}.{'literacy' if raw is None else 'literacy_level'}",
                          "missing (literacy_level and literacy go together)")
    if not goal < level <= MAX_LEVEL:
        raise RubricError(f"{path}.literacy_level", f"must be above goal_level ({goal}) and at most {MAX_LEVEL}")
    profile = {**profiles[goal], **_profile_table(raw, f"{path}.literacy")}
    for domain, value in profile.items():
        if value < profiles[goal].get(domain, 0):
            raise RubricError(f"{path}.literacy.{domain}", f"drops below the goal level's {profiles[goal][domain]}")
    holds = earned(profile)
    if holds >= level:
        raise RubricError(f"{path}.literacy", f"earns level {holds}: literacy in level {level} is not practice of it")
    if holds < goal:
        raise RubricError(f"{path}.literacy", f"does not hold the goal level {goal}")
    return level, profile


def _parse_tracks(data: Mapping, levels_ok, earned) -> tuple[TrackSpec, ...]:
    table = _get(data, "tracks", "", dict)
    for slug in table:
        if slug not in TRACKS:
            raise RubricError(f"tracks.{slug}", f"unknown track (known: {', '.join(TRACKS)})")
    specs = []
    for slug in TRACKS:
        path = f"tracks.{slug}"
        if slug not in table:
            raise RubricError(path, "missing")
        entry = _get(table, slug, "tracks", dict)
        _only(entry, {"name", "summary", "goal_level", "key_move", "effort", "profiles", "literacy_level",
                      "literacy"}, path)
        profiles: dict[int, dict[str, int]] = {}
        previous: dict[str, int] = {}
        for level, raw in _level_table(entry, "profiles", path).items():
            profile = _profile_table(raw, f"{path}.profiles.{level}")
            for domain, value in profile.items():
                if value < previous.get(domain, 0):
                    raise RubricError(f"{path}.profiles.{level}.{domain}",
                                      f"drops below level {level - 1}'s {previous[domain]}; a track only grows")
            for domain, value in previous.items():
                profile.setdefault(domain, value)
            problem = levels_ok(profile, level)
            if problem:
                raise RubricError(f"{path}.profiles.{level}", problem)
            profiles[level] = profile
            previous = profile
        effort = _get(entry, "effort", path, dict, {})
        for domain, weight in effort.items():
            key = f"{path}.effort.{domain}"
            _domain_name(domain, key)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= MAX_EFFORT:
                raise RubricError(key, f"expected a positive number up to {MAX_EFFORT:g}")
        goal = _get(entry, "goal_level", path, int)
        if not 1 <= goal <= MAX_LEVEL:
            raise RubricError(f"{path}.goal_level", f"must be 1 to {MAX_LEVEL}")
        key_move = _get(entry, "key_move", path, int, None)
        if key_move is not None and not 1 <= key_move <= MAX_LEVEL:
            raise RubricError(f"{path}.key_move", f"must be 1 to {MAX_LEVEL}")
        literacy_level, literacy = _parse_literacy(entry, path, goal, profiles, earned)
        specs.append(
            TrackSpec(
                slug=slug,
                name=_get(entry, "name", path, str),
                summary=_get(entry, "summary", path, str),
                goal_level=goal,
                key_move=key_move,
                profiles=frozen_mapping({lv: frozen_mapping(p) for lv, p in profiles.items()}),
                effort=frozen_mapping({d: float(w) for d, w in effort.items()}),
                literacy_level=literacy_level,
                literacy=frozen_mapping(literacy),
            )
        )
    return tuple(specs)


def _parse_workforce(data: Mapping) -> Mapping[str, str]:
    """``[workforce]``: every track is either in the AI workforce (``tracks``) or outside it, each with a why."""
    table = _get(data, "workforce", "", dict, None)
    if table is None:  # a rubric without the table counts every track, as before it existed
        return frozen_mapping(dict.fromkeys(TRACKS, ""))
    _only(table, {"tracks", "outside"}, "workforce")
    sides = {}
    for side in ("tracks", "outside"):
        entries = _get(table, side, "workforce", dict, {})
        for slug in entries:
            if slug not in TRACKS:
                raise RubricError(f"workforce.{side}.{slug}", f"unknown track (known: {', '.join(TRACKS)})")
            _get(entries, slug, f"workforce.{side}", str)
        sides[side] = entries
    for slug in TRACKS:
        if (slug in sides["tracks"]) == (slug in sides["outside"]):
            where = "both lists" if slug in sides["tracks"] else "neither list"
            raise RubricError(f"workforce.tracks.{slug}",
                              f"is in {where}; put each track in workforce.tracks or workforce.outside, with a why")
    if not sides["tracks"]:
        raise RubricError("workforce.tracks", "name at least one track whose people work on AI systems")
    return frozen_mapping({slug: sides["tracks"][slug] for slug in TRACKS if slug in sides["tracks"]})


def _share(table: Mapping, key: str, path: str, default: float) -> float:
    value = float(_get(table, key, path, (int, float), default))
    if not 0.0 <= value <= 1.0:
        raise RubricError(f"{path}.{key}", "must be a share from 0 to 1")
    return value


def _level(table: Mapping, key: str, path: str, default: int, low: int = 0) -> int:
    value = _get(table, key, path, int, default)
    if not low <= value <= MAX_LEVEL:
        raise RubricError(f"{path}.{key}", f"must be {low} to {MAX_LEVEL}")
    return value


def _parse_signals(data: Mapping) -> Signals:
    table = _get(data, "signals", "", dict, {})
    defaults = Signals()
    _only(table, set(Signals.__dataclass_fields__), "signals")
    return Signals(
        thin_l3_share=_share(table, "thin_l3_share", "signals", defaults.thin_l3_share),
        prompting_alone_level=_level(table, "prompting_alone_level", "signals", defaults.prompting_alone_level, 1),
        prompting_alone_others=_level(table, "prompting_alone_others", "signals", defaults.prompting_alone_others),
        platform_api_level=_level(table, "platform_api_level", "signals", defaults.platform_api_level, 1),
        platform_depth_max=_level(table, "platform_depth_max", "signals", defaults.platform_depth_max),
        chatbot_level=_level(table, "chatbot_level", "signals", defaults.chatbot_level, 1),
        literacy_share=_share(table, "literacy_share", "signals", defaults.literacy_share),
    )


def parse_rubric(data: Mapping) -> Rubric:
    """Validate parsed rubric data and build a `Rubric`.

    Raises `RubricError` naming the first offending key.
    """
    # Imported here: scoring needs a Rubric, and parsing needs scoring to check the tracks.
    from planner.domain.scoring import earned_level, gaps_to

    _only(data, {"rubric", "rules", "workforce", "signals", "domains", "levels", "stages", "phases", "development",
                 "tracks"}, "")
    meta = _get(data, "rubric", "", dict)
    _only(meta, {"name", "version"}, "rubric")
    rules = _get(data, "rules", "", dict, {})
    _only(rules, {"cumulative", "senior_strategy_level", "min_builders_before_l3", "track_switch_effort",
                  "leadership_level"}, "rules")
    domains = _parse_domains(data)
    by_slug = {d.slug: d for d in domains}
    levels = _parse_levels(data, by_slug)
    stages = _parse_stages(data, by_slug)
    phases = _parse_phases(data)
    base = Rubric(
        name=_get(meta, "name", "rubric", str),
        version=str(_get(meta, "version", "rubric", (str, int, float))),
        domains=domains,
        levels=levels,
        stages=stages,
        phases=phases,
        tracks=(),
        cumulative=_get(rules, "cumulative", "rules", bool, True),
        senior_strategy_level=_get(rules, "senior_strategy_level", "rules", int, 4),
        min_builders_before_l3=_get(rules, "min_builders_before_l3", "rules", int, 2),
        track_switch_effort=float(_get(rules, "track_switch_effort", "rules", (int, float), 2.0)),
        workforce=_parse_workforce(data),
        leadership_level=_get(rules, "leadership_level", "rules", int, None),
        signals=_parse_signals(data),
        development=_parse_development(data),
    )
    if base.leadership_level is not None and not 2 <= base.leadership_level <= MAX_LEVEL:
        raise RubricError("rules.leadership_level", f"must be 2 to {MAX_LEVEL} (level 1 has nothing beneath it)")
    if not 1 <= base.senior_strategy_level <= MAX_LEVEL:
        raise RubricError("rules.senior_strategy_level", f"must be 1 to {MAX_LEVEL}")
    if not 0 <= base.min_builders_before_l3 <= MAX_COUNT:
        raise RubricError("rules.min_builders_before_l3", f"must be 0 to {MAX_COUNT}")
    if not 0 <= base.track_switch_effort <= MAX_EFFORT:  # also refuses nan and inf, which TOML allows
        raise RubricError("rules.track_switch_effort", f"must be 0 to {MAX_EFFORT:g}")

    def levels_ok(expected: Mapping[str, int], level: int) -> str | None:
        profile = Profile.from_mapping(expected)
        if earned_level(base, profile) >= level:
            return None
        missing = ", ".join(f"{d} +{n}" for d, n in gaps_to(base, profile, level).items())
        return f"does not earn level {level} under the level rules (short by {missing})"

    tracks = _parse_tracks(data, levels_ok, lambda expected: earned_level(base, Profile.from_mapping(expected)))
    return replace(base, tracks=tracks)
