"""Teams: the ones you may see, and one team's members, level mix and weakest domains."""

from __future__ import annotations

from planner.reports import assessment_dict
from planner.services.workspaces import team_view, visible_teams
from planner.web.api import schemas
from planner.web.api.base import api_blueprint
from planner.web.api.people import person_json
from planner.web.auth import current_scope
from planner.web.database import get_session

__all__ = ["bp"]

bp = api_blueprint("api_teams", __name__, "teams", "Teams you may see (HR: all; a manager: the ones they manage).")


@bp.get("/teams", responses={200: schemas.Teams})
def list_teams():
    """The teams you may see."""
    teams = visible_teams(get_session(), current_scope())
    return schemas.Teams.model_validate({"teams": teams}, from_attributes=True).model_dump(mode="json")


@bp.get("/teams/<slug>", responses={200: schemas.TeamDetail, 404: schemas.Problem})
def get_team(path: schemas.TeamPath):
    """A team's members side by side with their self views, its level mix and its weakest domains."""
    view = team_view(get_session(), current_scope(), path.slug)
    summary = assessment_dict(view.assessment, employees=False)
    return {
        "slug": view.team.slug,
        "name": view.team.name,
        "manager_ids": list(view.team.manager_ids),
        "headcount": summary["headcount"],
        "level_counts": summary["level_counts"],
        "domain_coverage": summary["domain_coverage"],
        "weakest_domains": list(view.weakest),
        "members": [person_json(view.self_views[s.person.employee_id], view.assessment.rubric)
                    for s in view.assessment.scores],
    }
