"""Score a person's profile: the EAISM level they have earned and what the next one takes.

A level is earned, not claimed: level L is held when every core domain of L is at
>= L, enough of the domains the matrix defines at L are at >= L, and (when the
rubric is cumulative) level L-1 is held too.

Leadership profiles are read separately (``rules.leadership_level``): a chief AI
officer whose strategy and governance cells meet the L5 rule, but who never did
L3 engineering, holds the level their practice earns (often L2) *and* leads at
L5. The level is what they can build; the leadership reading is what they can
steer, and only counts toward stage gates at the leadership level and above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.domain.model import DOMAINS, MAX_LEVEL, Person, Profile, Rubric

__all__ = ["PersonScore", "earned_level", "gaps_to", "leads_at", "level_and_lead", "score_people", "score_person"]


@dataclass(frozen=True, slots=True)
class PersonScore:
    """A person with the level they hold and the raises that would earn the next one."""

    person: Person
    level: int
    next_level_gaps: Mapping[str, int]
    #: The level this profile leads at without earning it (see the module docstring); 0 when none.
    leads_at: int = 0

    @property
    def not_assessed(self) -> tuple[str, ...]:
        return self.person.profile.not_assessed


def _values(profile: Profile) -> list[int]:
    return [v or 0 for v in profile.levels]


def _earned(rubric: Rubric, values: Sequence[int]) -> int:
    held = 0
    for number, core, applicable, min_domains in rubric.level_rules:
        # List comprehensions, not generators: this runs for every distinct profile of an organisation.
        ok = not [i for i in core if values[i] < number] and (
            len([i for i in applicable if values[i] >= number]) >= min_domains
        )
        if ok:
            held = number
        elif rubric.cumulative:
            break
    return held


def _meets(number: int, core: Sequence[int], applicable: Sequence[int], min_domains: int,
           values: Sequence[int]) -> bool:
    return all(values[i] >= number for i in core) and sum(values[i] >= number for i in applicable) >= min_domains


def _leads_at(rubric: Rubric, values: Sequence[int], held: int) -> int:
    """The highest level from ``rubric.leadership_level`` up whose rule `values` meet on their own, above `held`."""
    if rubric.leadership_level is None:
        return 0
    for number, core, applicable, min_domains in reversed(rubric.level_rules):
        if number <= held or number < rubric.leadership_level:
            break
        if _meets(number, core, applicable, min_domains, values):
            return number
    return 0


def leads_at(rubric: Rubric, profile: Profile) -> int:
    """The level `profile` leads at without earning it (0 if none); see the module docstring."""
    return level_and_lead(rubric, profile.levels)[1]


def level_and_lead(rubric: Rubric, levels: Sequence[int | None]) -> tuple[int, int]:
    """(level held, level led at) for a profile's levels, blank cells read as 0."""
    values = [v or 0 for v in levels]
    held = _earned(rubric, values)
    return held, _leads_at(rubric, values, held)


def earned_level(rubric: Rubric, profile: Profile) -> int:
    """Return the highest level `profile` holds under `rubric`'s level rules (0 if none).

    >>> from planner.loaders import load_rubric
    >>> earned_level(load_rubric(), Profile.from_mapping({"prompting": 1}))
    1
    """
    return _earned(rubric, _values(profile))


def gaps_to(rubric: Rubric, profile: Profile, target: int, prefer: Iterable[str] = ()) -> dict[str, int]:
    """Return ``{domain: levels missing}`` that would make `profile` hold level `target`.

    Core domains are raised first; the remaining domains needed to reach the
    rule's count are the ones closest to the level (or, given `prefer`, those
    domains first). Applying the result with `Profile.raised` always earns `target`.
    """
    target = min(target, MAX_LEVEL)
    values = _values(profile)
    held = _earned(rubric, values)
    if target <= 0 or held >= target:
        return {}
    rank: dict[int, int] = {}
    for domain in prefer:  # a domain listed twice keeps its first, stronger, preference
        rank.setdefault(DOMAINS.index(domain), len(rank))
    return _raises(rubric, values, held, target, rank)


def _raises(rubric: Rubric, values: Sequence[int], held: int, target: int,
            rank: Mapping[int, int]) -> dict[str, int]:
    """The raises of `gaps_to`, for `values` that hold level `held` but not `target` (at most `MAX_LEVEL`)."""
    work = list(values)
    for number, core, applicable, min_domains in rubric.level_rules:
        # The rules of the levels already held are met, and raising values keeps them met: skip them.
        if number <= held or number > target or (not rubric.cumulative and number < target):
            continue
        for i in core:
            work[i] = max(work[i], number)
        below = [i for i in applicable if work[i] < number]
        short = min_domains - (len(applicable) - len(below))
        if short > 0:
            # Closest to the level first, ties in domain order (the sort is stable), preferred domains before all.
            below.sort(key=work.__getitem__, reverse=True)
            if rank:
                below.sort(key=lambda i: rank.get(i, len(rank)))
            for i in below[:short]:
                work[i] = number
    return {DOMAINS[i]: new - old for i, (old, new) in enumerate(zip(values, work)) if new != old}


def _score(rubric: Rubric, levels: Sequence[int | None]) -> tuple[int, dict[str, int], int]:
    """(level held, raises to hold the next one, level led at) for a profile's levels, computed once."""
    values = [v or 0 for v in levels]
    level = _earned(rubric, values)
    gaps = _raises(rubric, values, level, level + 1, {}) if level < MAX_LEVEL else {}
    return level, gaps, _leads_at(rubric, values, level)


def score_person(rubric: Rubric, person: Person) -> PersonScore:
    return PersonScore(person, *_score(rubric, person.profile.levels))


def score_people(rubric: Rubric, people: Iterable[Person]) -> tuple[PersonScore, ...]:
    """Score many people, computing each distinct profile once (teams share profiles)."""
    # Keyed by the levels tuple, not the Profile: tuples hash and compare in C.
    memo: dict[tuple[int | None, ...], tuple[int, Mapping[str, int], int]] = {}
    scores = []
    for person in people:
        levels = person.profile.levels
        known = memo.get(levels)
        if known is None:
            known = memo[levels] = _score(rubric, levels)
        scores.append(PersonScore(person, *known))
    return tuple(scores)
