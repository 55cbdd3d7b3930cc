"""The rubric in use: the skills matrix, levels, stages, phases and tracks."""

from __future__ import annotations

from planner.services.workspaces import rubric_in_use
from planner.web.api import schemas
from planner.web.api.base import api_blueprint
from planner.web.auth import current_scope
from planner.web.database import get_session

__all__ = ["bp"]

bp = api_blueprint("api_rubric", __name__, "rubric", "The EAISM rubric the organisation scores against.")


@bp.get("/rubric", responses={200: schemas.ActiveRubric})
def get_rubric():
    """The skills matrix with each level's descriptor, the level rules, stage gates, phases and tracks."""
    in_use = rubric_in_use(get_session(), current_scope())
    return schemas.ActiveRubric.model_validate(in_use, from_attributes=True).model_dump(mode="json")
