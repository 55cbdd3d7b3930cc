"""People: the scoped list, one person's profile, their assessment history and roadmap."""

from __future__ import annotations

from typing import Any

from flask import url_for

from planner.domain.model import Rubric
from planner.reports import roadmap_dict, score_dict, score_dicts
from planner.services.assessments import PersonDetail
from planner.services.directory import PeopleSearch, find_people
from planner.services.workspaces import assess_person, person_roadmap, person_view, rubric_in_use
from planner.web.api import schemas
from planner.web.api.base import api_blueprint
from planner.web.auth import current_scope
from planner.web.database import get_session

__all__ = ["bp", "person_json"]

bp = api_blueprint("api_people", __name__, "people", "People you may see, their levels, assessments and roadmaps.")
NOT_YOURS = {404: schemas.Problem}


def person_json(detail: PersonDetail, rubric: Rubric) -> dict[str, Any]:
    """A person's profile as the API shows it: the CLI's entry plus self view, disagreements and version."""
    person = detail.stored.person
    return schemas.PersonDetail.model_validate({
        **score_dict(detail.score, rubric),
        "email": person.email,
        "manager_id": person.manager_id,
        "self_view": detail.self_view.as_dict(),
        "disagreements": detail.disagreements,
        "version": detail.stored.version,
        "rubric_version": detail.rubric_label,
    }, from_attributes=True).model_dump(mode="json")


@bp.get("/people", responses={200: schemas.People})
def list_people(query: schemas.PeopleQuery):
    """The people you may see (HR: everyone; a manager: their teams and themselves; others: themselves),
    by name, one page at a time, searched and filtered like the people page."""
    session, scope = get_session(), current_scope()
    found = find_people(session, scope, PeopleSearch(
        name=query.q, team=query.team, track=query.track, level=query.level, domain=query.domain,
        min_domain_level=query.min_level, page=query.page, per_page=query.limit))
    following = None
    if found.has_next:
        args = {**query.model_dump(exclude_none=True), "page": found.page + 1}
        following = url_for(".list_people", **args)
    return {"people": score_dicts(found.scores, rubric_in_use(session, scope).rubric), "total": found.total,
            "page": found.page, "limit": found.per_page, "next": following}


@bp.get("/people/<employee_id>", responses={200: schemas.PersonDetail, **NOT_YOURS})
def get_person(path: schemas.PersonPath):
    """A person's levels, the gaps to their next level, their self view and where the two disagree."""
    session, scope = get_session(), current_scope()
    return person_json(person_view(session, scope, path.employee_id), rubric_in_use(session, scope).rubric)


@bp.get("/people/<employee_id>/assessments", responses={200: schemas.History, **NOT_YOURS})
def list_assessments(path: schemas.PersonPath):
    """Every assessment of the person, oldest first, and the version to send when adding one."""
    detail = person_view(get_session(), current_scope(), path.employee_id)
    # Recorded order is not time order: imported history can be back-dated.
    oldest_first = sorted(detail.history, key=lambda entry: entry.at)
    return schemas.History(employee_id=path.employee_id, version=detail.stored.version,
                           assessments=oldest_first).model_dump(mode="json")


@bp.post("/people/<employee_id>/assessments", responses={
    201: schemas.AssessmentRecorded, 400: schemas.Problem, 403: schemas.Problem, **NOT_YOURS,
    409: schemas.ConflictProblem})
def add_assessment(path: schemas.PersonPath, body: schemas.AssessmentRequest):
    """Add a manager- or self-assessment; 409 if the person changed since `version` was read.

    A manager assesses the people of the teams they manage; anyone may
    self-assess, only themselves. Session callers send the X-CSRFToken header.
    """
    levels = body.levels.model_dump(exclude_unset=True)
    stored = assess_person(get_session(), current_scope(), path.employee_id, kind=body.kind, levels=levels,
                           evidence=body.evidence, expected_version=body.version)
    recorded = schemas.AssessmentRecorded(employee_id=path.employee_id, kind=body.kind, levels=levels,
                                          version=stored.version)
    location = url_for(".list_assessments", employee_id=path.employee_id)
    return recorded.model_dump(mode="json"), 201, {"Location": location}


@bp.get("/people/<employee_id>/roadmap", responses={200: schemas.Roadmap, **NOT_YOURS})
def get_roadmap(path: schemas.PersonPath, query: schemas.RoadmapQuery):
    """The least-effort route to a target level, and the same target on every other track."""
    view = person_roadmap(get_session(), current_scope(), path.employee_id, query.target_level, query.track)
    return {**roadmap_dict(view.person, view.roadmap),
            "alternatives": [roadmap_dict(view.person, other) for other in view.alternatives]}
