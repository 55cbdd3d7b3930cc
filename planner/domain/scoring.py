"""Score a person's profile: the EAISM level they have earned and what the next one takes.

A level is earned, not claimed: level L is held when every core domain of L is at
>= L, enough of the domains the matrix defines at L are at >= L, and (when the
rubric is cumulative) level L-1 is held too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.domain.model import DOMAINS, MAX_LEVEL, Person, Profile, Rubric

__all__ = ["PersonScore", "earned_level", "gaps_to", "score_people", "score_person"]


@dataclass(frozen=True, slots=True)
class PersonScore:
    """A person with the level they hold and the raises that would earn the next one."""

    person: Person
    level: int
    next_level_gaps: Mapping[str, int]

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


def _score(rubric: Rubric, levels: Sequence[int | None]) -> tuple[int, dict[str, int]]:
    """(level held, raises to hold the next one) for a profile's levels: what `gaps_to` answers, computed once."""
    values = [v or 0 for v in levels]
    level = _earned(rubric, values)
    return level, _raises(rubric, values, level, level + 1, {}) if level < MAX_LEVEL else {}


def score_person(rubric: Rubric, person: Person) -> PersonScore:
    return PersonScore(person, *_score(rubric, person.profile.levels))


def score_people(rubric: Rubric, people: Iterable[Person]) -> tuple[PersonScore, ...]:
    """Score many people, computing each distinct profile once (teams share profiles)."""
    # Keyed by the levels tuple, not the Profile: tuples hash and compare in C.
    memo: dict[tuple[int | None, ...], tuple[int, Mapping[str, int]]] = {}
    scores = []
    for person in people:
        levels = person.profile.levels
        known = memo.get(levels)
        if known is None:
            known = memo[levels] = _score(rubric, levels)
        scores.append(PersonScore(person, *known))
    return tuple(scores)
