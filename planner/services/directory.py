"""The people list: the people a reader may see, searched and filtered in the database, one page at a time.

HR searches the whole organisation; a manager the teams they manage (and
themselves); anyone else only themselves. Filters are by name (or employee id),
team, track, level held and the level of one domain ("evaluation at L3 or above in
team X"). The level held is scored, not stored: the distinct profiles matching the
other filters are counted by the database, each scored once, and the list keeps the
people whose profile holds the level asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session

from planner.db import repository
from planner.db.repository import PeopleFilter
from planner.domain.model import Profile
from planner.domain.scoring import PersonScore, earned_level, score_people
from planner.services.access import Scope
from planner.services.workspaces import rubric_in_use

__all__ = ["MAX_PER_PAGE", "PeoplePage", "PeopleSearch", "find_people"]

#: The most people one page lists (the API's `limit` and the page's size are capped at it).
MAX_PER_PAGE = 200


@dataclass(frozen=True, slots=True)
class PeopleSearch:
    """What the reader asks for; None (or "") for a filter not used."""

    name: str | None = None
    team: str | None = None
    track: str | None = None
    level: int | None = None
    domain: str | None = None
    min_domain_level: int | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class PeoplePage:
    scores: tuple[PersonScore, ...]
    #: People matching the search, on every page.
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _visible(scope: Scope) -> PeopleFilter:
    if scope.whole_organisation:
        return PeopleFilter()
    teams = scope.managed_teams if scope.role == "manager" else frozenset()
    return PeopleFilter(teams=teams, me=scope.employee_id)


def find_people(session: Session, scope: Scope, search: PeopleSearch) -> PeoplePage:
    """One page of the people `scope` may see that match `search`, scored against the rubric in use."""
    rubric = rubric_in_use(session, scope).rubric
    wanted = replace(_visible(scope), name=search.name or None, team=search.team or None,
                     track=search.track or None, domain=search.domain or None,
                     min_domain_level=search.min_domain_level)
    if search.level is not None:
        groups = repository.profile_counts(session, organisation_id=scope.organisation_id, people_filter=wanted)
        holding = frozenset(levels for levels in {g[0] for g in groups}
                            if earned_level(rubric, Profile(levels)) == search.level)
        wanted = replace(wanted, profiles=holding)
    per_page = max(1, min(search.per_page, MAX_PER_PAGE))
    total = repository.count_people(session, organisation_id=scope.organisation_id, people_filter=wanted)
    page = max(1, search.page)  # past the last page: an empty one, so a client counting pages stops
    stored = repository.page_of_people(session, organisation_id=scope.organisation_id, people_filter=wanted,
                                       offset=(page - 1) * per_page, limit=per_page)
    return PeoplePage(score_people(rubric, [s.person for s in stored]), total, page, per_page)
