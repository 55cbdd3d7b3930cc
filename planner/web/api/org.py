"""The organisation (HR only): its stage, and the hiring plan with what-if hires and promotions."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for

from planner.domain.sequencing import HypotheticalHire, PlanError
from planner.reports import assessment_dict, plan_dict
from planner.services.workspaces import hiring_plan, org_stage
from planner.web.api import schemas
from planner.web.api.base import api_blueprint, plan_problem
from planner.web.auth import current_scope
from planner.web.database import get_session

__all__ = ["bp"]

bp = api_blueprint("api_org", __name__, "organisation", "Organisational stage and hiring plans (HR only).")
bp.register_error_handler(PlanError, plan_problem)
# Every route here is HR's: refuse anyone else before a request body is even read.
bp.before_request(lambda: current_scope().require_role("hr"))
HR_ONLY = {403: schemas.Problem}


def _plan(target_stage: int | None, per_quarter: int | None, hires: Sequence[HypotheticalHire] = (),
          promotions: Sequence[tuple[str, int]] = ()) -> dict:
    view = hiring_plan(get_session(), current_scope(), target_stage=target_stage, per_quarter=per_quarter,
                       hires=hires, promotions=promotions)
    what_if = assessment_dict(view.projected, employees=False) if view.projected else None
    return {**plan_dict(view.plan), "what_if": what_if}


@bp.get("/org/stage", responses={200: schemas.OrgStage, **HR_ONLY})
def get_stage():
    """The stage, the gate that blocks the next one, warnings and coverage (`planner assess`); everyone's
    level is at `people` (``/api/v1/people``), page by page."""
    answer = assessment_dict(org_stage(get_session(), current_scope()))
    del answer["employees"]  # megabytes at 100,000 people: listed page by page instead
    return {**answer, "people": url_for("api_people.list_people")}


@bp.get("/org/plan", responses={200: schemas.Plan, **HR_ONLY})
def get_plan(query: schemas.PlanQuery):
    """The phased hiring and promotion plan to a target stage (`planner plan`)."""
    return _plan(query.target_stage, query.per_quarter)


@bp.post("/org/plan", responses={200: schemas.Plan, 400: schemas.Problem, **HR_ONLY})
def what_if_plan(body: schemas.PlanRequest):
    """The plan after hypothetical hires and promotions; nothing is stored.

    A POST only because the what-ifs are structured: it changes nothing. The
    response adds `what_if`, the organisation as it would stand with them.
    Session callers send the X-CSRFToken header.
    """
    return _plan(body.target_stage, body.per_quarter,
                 hires=[HypotheticalHire(h.level, tuple(h.domains)) for h in body.hires],
                 promotions=[(p.employee_id, p.level) for p in body.promotions])
