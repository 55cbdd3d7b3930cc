"""The JSON API under /api/v1/, documented by an OpenAPI 3 document generated from `schemas`.

Resources: people (list, profile, assessments, roadmap), teams, org (stage, plan),
the rubric and (for HR) users. Access is decided by the workspace services, exactly as for pages.
The document is at /api/v1/openapi.json and the docs page at /api/v1/swagger.
"""

from __future__ import annotations

from flask_login import user_loaded_from_request
from flask_openapi3 import OpenAPI

from planner.web.api import docs, org, people, roster, rubric, teams, users
from planner.web.api.base import mark_token_auth, validation_problem
from planner.web.api.schemas import ValidationProblem
from planner.web.security import csrf

__all__ = ["ValidationProblem", "init_app", "validation_problem"]

BLUEPRINTS = (people.bp, teams.bp, org.bp, rubric.bp, users.bp, roster.bp)


def init_app(app: OpenAPI) -> None:
    for bp in BLUEPRINTS:
        csrf.exempt(bp)
        app.register_api(bp)
    user_loaded_from_request.connect(mark_token_auth, app)
    docs.init_app(app)
