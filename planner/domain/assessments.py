"""Assessment history: which entries make a person's current profile, and where views differ.

Levels are earned, not claimed: only manager assessments and HR imports set the
profile that is scored. Self-assessments are kept beside them so a manager can
see where the two views part by two levels or more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from planner.domain.model import DOMAINS, Profile, Rubric
from planner.domain.scoring import earned_level

__all__ = [
    "MAX_EVIDENCE_CHARS",
    "MAX_VERSION",
    "SCORED_KINDS",
    "AssessmentEntry",
    "Disagreement",
    "disagreements",
    "evidence_problem",
    "latest_profile",
    "level_history",
]

#: Assessment kinds whose levels count toward the scored profile.
SCORED_KINDS = ("manager", "import")
#: The longest evidence note an assessment keeps.
MAX_EVIDENCE_CHARS = 2000
#: The highest version a person can reach (versions are stored as 32-bit integers).
MAX_VERSION = 2**31 - 1


def evidence_problem(evidence: str) -> str | None:
    """Why `evidence` cannot be kept with an assessment, or None: one rule for the form, the API and imports.

    >>> evidence_problem("Shipped the eval harness.") is None
    True
    """
    if len(evidence) > MAX_EVIDENCE_CHARS:
        return f"Evidence can be at most {MAX_EVIDENCE_CHARS:,} characters."
    if "\x00" in evidence:
        return "Evidence cannot contain a null character (often left by pasting from a binary file): remove it."
    return None


@dataclass(frozen=True, slots=True)
class AssessmentEntry:
    """One recorded level for one domain of one person."""

    employee_id: str
    domain: str
    level: int
    kind: str
    at: datetime
    evidence: str = ""
    assessor: str = ""
    rubric_version: str | None = None


@dataclass(frozen=True, slots=True)
class Disagreement:
    domain: str
    self_level: int
    manager_level: int

    @property
    def difference(self) -> int:
        return self.self_level - self.manager_level


def latest_profile(entries: Iterable[AssessmentEntry], kinds: Sequence[str] = SCORED_KINDS) -> Profile:
    """The most recent level per domain among entries of the given kinds (in time order)."""
    latest: dict[str, AssessmentEntry] = {}
    for entry in entries:
        if entry.kind in kinds:
            known = latest.get(entry.domain)
            if known is None or entry.at >= known.at:
                latest[entry.domain] = entry
    return Profile.from_mapping({d: e.level for d, e in latest.items()})


def disagreements(self_view: Profile, manager_view: Profile, threshold: int = 2) -> tuple[Disagreement, ...]:
    """Domains where the self-assessment and the scored view differ by `threshold` levels or more."""
    found = []
    for domain in DOMAINS:
        mine, theirs = self_view.get(domain), manager_view.get(domain)
        if mine is not None and theirs is not None and abs(mine - theirs) >= threshold:
            found.append(Disagreement(domain, mine, theirs))
    return tuple(found)


def level_history(rubric: Rubric, entries: Iterable[AssessmentEntry],
                  kinds: Sequence[str] = SCORED_KINDS) -> tuple[tuple[datetime, int], ...]:
    """The person's earned level after each scored change, oldest first.

    Entries recorded together (same moment) count as one change.
    """
    levels: dict[str, int] = {}
    points: list[tuple[datetime, int]] = []
    for entry in sorted((e for e in entries if e.kind in kinds), key=lambda e: e.at):
        levels[entry.domain] = entry.level
        level = earned_level(rubric, Profile.from_mapping(levels))
        if points and points[-1][0] == entry.at:
            points[-1] = (entry.at, level)
        else:
            points.append((entry.at, level))
    return tuple(points)
