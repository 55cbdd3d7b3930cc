"""Use cases behind the workspaces: what a signed-in person may see (and assess), already scoped.

Every function takes the caller's `Scope` and only ever works on the people it
allows, so pages, the API and exports cannot disagree about access, and
aggregates (stage, coverage, plans) are computed over visible people only.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
from sqlmodel import Session

from planner.db import repository
from planner.db.repository import StoredPerson
from planner.domain.careers import Roadmap, career_graph, roadmap
from planner.domain.model import DOMAINS, TRACKS, Person, Rubric, Team
from planner.domain.sequencing import HiringPlan, HypotheticalHire, plan_hiring, project
from planner.domain.staging import OrgAssessment, assess_org
from planner.services.access import Forbidden, Hidden, Scope
from planner.services.assessments import PersonDetail, detail_of, person_detail, record_assessment
from planner.services.cache import VersionedCache, data_version
from planner.services.rubrics import (
    RubricInUse,
    ShippedRubric,
    choose_shipped_rubric,
    organisation_rubric,
    shipped_rubrics,
    upload_rubric,
)

__all__ = [
    "PlanView",
    "RoadmapView",
    "TeamView",
    "assess_person",
    "hiring_plan",
    "managed_teams",
    "org_stage",
    "person_roadmap",
    "person_view",
    "rubric_comparison",
    "rubric_in_use",
    "use_shipped_rubric",
    "team_view",
    "upload_rubric_version",
    "visible_assessment",
    "visible_people",
    "visible_teams",
    "weakest_domains",
]


@dataclass(frozen=True, slots=True)
class TeamView:
    team: Team
    assessment: OrgAssessment
    weakest: tuple[str, ...]
    self_views: dict[str, PersonDetail]


@dataclass(frozen=True, slots=True)
class RoadmapView:
    person: Person
    level: int
    roadmap: Roadmap
    #: The same target reached on each other track, for comparison.
    alternatives: tuple[Roadmap, ...]
    #: The career graph the roadmaps run through (pages draw it).
    graph: nx.DiGraph


@dataclass(frozen=True, slots=True)
class PlanView:
    plan: HiringPlan
    #: The organisation with the what-if hires and promotions applied (None without any).
    projected: OrgAssessment | None


#: Rubrics, stages and plans at the current data version (see planner.services.cache): computed
#: once per process after each change, not once per request. Keys name the organisation, and
#: what the caller may see where that is less than the whole organisation.
_analyses = VersionedCache(maxsize=64)


def _visibility(scope: Scope) -> Hashable:
    """What decides which people `scope` sees: nothing but the organisation, for HR."""
    return None if scope.whole_organisation else (scope.role, scope.employee_id, scope.managed_teams)


def rubric_in_use(session: Session, scope: Scope) -> RubricInUse:
    return _rubric_at(data_version(session), session, scope)


def _rubric_at(version: Hashable | None, session: Session, scope: Scope) -> RubricInUse:
    return _analyses.lookup(version, ("rubric", scope.organisation_id),
                            lambda: organisation_rubric(session, organisation_id=scope.organisation_id))


def visible_people(session: Session, scope: Scope) -> list[Person]:
    return scope.visible(repository.load_people(session, organisation_id=scope.organisation_id))


def _assessment_key(in_use: RubricInUse, scope: Scope) -> tuple:
    return ("assessment", scope.organisation_id, in_use.version_id, in_use.label, _visibility(scope))


def visible_assessment(session: Session, scope: Scope) -> OrgAssessment:
    """Stage, coverage and warnings over the people the caller may see."""
    version = data_version(session)
    in_use = _rubric_at(version, session, scope)
    return _analyses.lookup(version, _assessment_key(in_use, scope),
                            lambda: assess_org(in_use.rubric, visible_people(session, scope)))


def org_stage(session: Session, scope: Scope) -> OrgAssessment:
    """The organisation's stage, coverage and warnings (HR only)."""
    scope.require_role("hr")
    return visible_assessment(session, scope)


def visible_teams(session: Session, scope: Scope) -> list[Team]:
    return [t for t in repository.load_teams(session, organisation_id=scope.organisation_id)
            if scope.can_view_team(t.slug)]


def managed_teams(session: Session, scope: Scope) -> list[Team]:
    """The teams the caller works on as a manager (or all of them, for HR); `Forbidden` for anyone else."""
    scope.require_role("hr", "manager")
    return visible_teams(session, scope)


def weakest_domains(assessment: OrgAssessment, count: int = 3) -> tuple[str, ...]:
    """Domains with the fewest people at L2+ and then L3+: where the group is thinnest."""
    ranked = sorted(DOMAINS, key=lambda d: (assessment.coverage[d][1], assessment.coverage[d][2], DOMAINS.index(d)))
    return tuple(ranked[:count])


def team_view(session: Session, scope: Scope, slug: str) -> TeamView:
    team = next((t for t in repository.load_teams(session, organisation_id=scope.organisation_id) if t.slug == slug),
                None)
    if team is None or not scope.can_view_team(slug):
        raise Hidden(f"no team {slug!r}")
    members = [p for p in visible_people(session, scope) if p.team == slug]
    assessment = assess_org(rubric_in_use(session, scope).rubric, members)
    details = {p.employee_id: person_detail(session, organisation_id=scope.organisation_id,
                                            employee_id=p.employee_id) for p in members}
    return TeamView(team, assessment, weakest_domains(assessment), details)


def person_view(session: Session, scope: Scope, employee_id: str) -> PersonDetail:
    """A person's detail, or `Hidden` when they are outside the caller's scope or do not exist.

    Both are decided by the same look-up, before anything else is read, so a hidden
    person and a missing one are answered alike and in the same time.
    """
    stored = repository.get_person(session, organisation_id=scope.organisation_id, employee_id=employee_id)
    if stored is None or not scope.can_view(stored.person):
        raise Hidden(f"no person {employee_id!r}")
    return detail_of(session, organisation_id=scope.organisation_id, stored=stored)


def person_roadmap(session: Session, scope: Scope, employee_id: str, target_level: int | None = None,
                   track: str | None = None) -> RoadmapView:
    detail = person_view(session, scope, employee_id)
    rubric: Rubric = rubric_in_use(session, scope).rubric
    person = detail.stored.person
    graph = career_graph(rubric)
    chosen = roadmap(graph, rubric, person.profile, person.track, target_level, track)
    others = tuple(roadmap(graph, rubric, person.profile, person.track, chosen.target_level, t)
                   for t in TRACKS if t != chosen.target_track)
    return RoadmapView(person, detail.score.level, chosen, others, graph)


def hiring_plan(session: Session, scope: Scope, *, target_stage: int | None = None, per_quarter: int | None = None,
                hires: Sequence[HypotheticalHire] = (), promotions: Sequence[tuple[str, int]] = ()) -> PlanView:
    """The hiring plan (HR only), after any what-if hires and promotions.

    What-ifs are applied before planning, so the plan shows what would still be
    needed if they happened. Raises `PlanError` for bad parameters.
    """
    scope.require_role("hr")
    if hires or promotions:  # what-ifs vary freely: computed each time, never kept
        projected = project(visible_assessment(session, scope), hires, promotions)
        return PlanView(plan_hiring(projected, target_stage, per_quarter), projected)
    version = data_version(session)
    key = ("plan", *_assessment_key(_rubric_at(version, session, scope), scope), target_stage, per_quarter)
    return _analyses.lookup(version, key, lambda: PlanView(
        plan_hiring(visible_assessment(session, scope), target_stage, per_quarter), None))


def assess_person(session: Session, scope: Scope, employee_id: str, *, kind: str, levels: Mapping[str, int],
                  evidence: str, expected_version: int) -> StoredPerson:
    """Record a manager- or self-assessment the caller is allowed to make.

    A manager assesses the people of the teams they manage; anyone self-assesses
    only themselves. Raises `Hidden` for a person outside the caller's scope,
    `Forbidden` for one they see but may not assess this way, and whatever
    `record_assessment` raises (`StaleWrite` for a stale `expected_version`).
    """
    person = person_view(session, scope, employee_id).stored.person
    allowed = scope.can_assess(person) if kind == "manager" else scope.can_self_assess(person)
    if not allowed:
        raise Forbidden(f"you may not record a {kind} assessment of {employee_id!r}")
    return record_assessment(session, organisation_id=scope.organisation_id, employee_id=employee_id,
                             expected_version=expected_version, levels=levels, kind=kind, evidence=evidence,
                             actor=scope.actor)


def upload_rubric_version(session: Session, scope: Scope, text: str) -> RubricInUse:
    """Make an edited rubric the organisation's active version (HR only); `RubricError` names a bad key."""
    scope.require_role("hr")
    return upload_rubric(session, organisation_id=scope.organisation_id, text=text, actor=scope.actor)


def rubric_comparison(session: Session, scope: Scope) -> list[tuple[ShippedRubric, OrgAssessment]]:
    """The organisation placed under each shipped rubric, side by side (HR only)."""
    scope.require_role("hr")
    people = visible_people(session, scope)
    return [(shipped, assess_org(shipped.rubric, people)) for shipped in shipped_rubrics()]


def use_shipped_rubric(session: Session, scope: Scope, filename: str) -> RubricInUse:
    """Make a shipped rubric (e.g. the agentic shift) the organisation's active version (HR only)."""
    scope.require_role("hr")
    return choose_shipped_rubric(session, organisation_id=scope.organisation_id, filename=filename,
                                 actor=scope.actor)
