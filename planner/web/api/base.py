"""What every API blueprint shares: sign-in and CSRF rules, error bodies, documented responses.

* Every route needs a signed-in caller (session cookie or ``Authorization: Bearer``);
  anonymous calls get 401 JSON before any parameter is looked at.
* The API is exempt from Flask-WTF's form CSRF check, but a session-authenticated
  unsafe request must carry the token in an ``X-CSRFToken`` header. Bearer-token
  requests need none: a browser cannot add that header cross-site.
* Validation errors are 422 with a path per bad field, in the same ``{"error": ...}``
  body as every other error.
"""

from __future__ import annotations

from flask import Response, current_app, g, make_response, request
from flask_login import current_user
from flask_openapi3 import APIBlueprint, Tag
from flask_wtf.csrf import CSRFError, validate_csrf
from pydantic import ValidationError
from wtforms import ValidationError as TokenError

from planner.domain.sequencing import PlanError
from planner.web.api.schemas import Problem, ValidationProblem
from planner.web.auth import login_manager
from planner.web.errors import error_response

__all__ = ["api_blueprint", "mark_token_auth", "plan_problem", "unprocessable", "validation_problem"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Either scheme will do (OpenAPI: alternatives are separate requirement objects).
SECURITY = [{"bearer": []}, {"session": []}]
#: Answers any operation may give; each route adds its own (403, 404, 409, ...).
RESPONSES = {401: Problem, 422: ValidationProblem, 503: Problem}


def api_blueprint(name: str, import_name: str, tag: str, description: str) -> APIBlueprint:
    """A blueprint under /api/v1 whose routes all require sign-in and are documented alike."""
    bp = APIBlueprint(
        name,
        import_name,
        url_prefix="/api/v1",
        abp_tags=[Tag(name=tag, description=description)],
        abp_security=SECURITY,
        abp_responses=RESPONSES,
        operation_id_callback=lambda name, path, method: name,
    )
    bp.before_request(_require_sign_in)
    return bp


def mark_token_auth(_app, **_signal) -> None:
    """Remember that this request signed in with a bearer token (Flask-Login signal)."""
    g.api_token_auth = True


def _require_sign_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if (request.method not in SAFE_METHODS and not g.get("api_token_auth")
            and current_app.config.get("WTF_CSRF_ENABLED", True)):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except TokenError as exc:
            raise CSRFError(f"{exc.args[0]} Send it in the X-CSRFToken header, or use a bearer token.") from exc
    return None


def _path(loc: tuple) -> str:
    """``("hires", 0, "level")`` -> ``hires[0].level``; a bad dict key is named by the key."""
    path = ""
    for part in loc:
        if part == "[key]":
            continue
        path += f"[{part}]" if isinstance(part, int) else f"{'.' if path else ''}{part}"
    return path


def unprocessable(fields: list[dict[str, str]]) -> Response:
    detail = "; ".join(f"{f['path'] or 'body'}: {f['message']}" for f in fields)
    return make_response(error_response(422, "Unprocessable Entity", detail, fields=fields))


def validation_problem(exc: ValidationError) -> Response:
    """flask-openapi3's validation_error_callback: a 422 naming every bad field."""
    fields = []
    for error in exc.errors(include_url=False, include_input=False):
        message = error["msg"]
        if not error["loc"] and error["type"] in ("model_type", "model_attributes_type", "dict_type"):
            message = "send a JSON object, with Content-Type: application/json"
        fields.append({"path": _path(error["loc"]), "message": message})
    return unprocessable(fields)


def plan_problem(exc: PlanError) -> Response:
    """A plan or what-if the model cannot honour (e.g. promoting somebody who does not exist)."""
    return unprocessable([{"path": exc.field, "message": exc.message}])
