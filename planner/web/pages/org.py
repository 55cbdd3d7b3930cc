"""HR workspace: where the organisation stands, and the phased hiring plan with what-ifs and exports."""

from __future__ import annotations

import time
from datetime import date

from flask import abort, current_app, render_template, request
from flask import session as flask_session
from flask.typing import ResponseReturnValue

from planner.domain.sequencing import PlanError
from planner.domain.staging import OrgAssessment, team_stages
from planner.services.access import Scope
from planner.services.cache import VersionedCache, data_version
from planner.services.exports import PLAN_FORMATS, export_plan
from planner.services.workspaces import hiring_plan, org_stage, rubric_in_use, visible_teams
from planner.web import charts
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import attachment, level_titles, team_mix, workspace_blueprint
from planner.web.pages.forms import PlanForm

__all__ = ["bp"]

bp = workspace_blueprint("org", __name__, "hr")


#: Rendered /org pages at the current data version (see planner.services.cache), per account and
#: session: the page's sign-out form carries a CSRF token signed for its session.
_pages = VersionedCache(maxsize=64)
#: Seconds a rendered page is served at most, so its signed CSRF token stays far from WTF_CSRF_TIME_LIMIT.
PAGE_MAX_AGE = 300


def _page_key(scope: Scope) -> tuple | None:
    """What a rendered page depends on besides the data, or None when it must not be kept.

    Flashed messages show once, so a page carrying them is never kept; nor is one
    rendered before the session has its CSRF token (rendering creates it).
    """
    if "_flashes" in flask_session:
        return None
    csrf = None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf = flask_session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if csrf is None:
            return None
    return (request.endpoint, scope.account_id, csrf, int(time.time() // PAGE_MAX_AGE))


@bp.get("/org")
def stage():
    """The stage, the gate blocking the next one, warnings, level pyramid, coverage and teams."""
    session, scope = get_session(), current_scope()

    def render() -> str:
        assessment = org_stage(session, scope)
        return render_template(
            "org/stage.html", assessment=assessment, teams=visible_teams(session, scope), mix=team_mix(assessment),
            stages={t.team: t for t in team_stages(assessment)},
            rubric_label=rubric_in_use(session, scope).label,
            pyramid=charts.pyramid(assessment.total_level_counts, level_titles(assessment.rubric)),
        )

    key = _page_key(scope)
    return render() if key is None else _pages.lookup(data_version(session), key, render)


def _plan_form() -> tuple[PlanForm, OrgAssessment]:
    """The plan form bound to the query string, and the organisation as it stands now."""
    session, scope = get_session(), current_scope()
    now = org_stage(session, scope)
    default_target = min(now.stage.number + 1, now.rubric.max_stage)
    form = PlanForm.from_query(now.rubric, [s.person for s in now.scores], default_target)
    return form, now


def _plan_args(form: PlanForm) -> dict:
    """The form's answers as `hiring_plan` keyword arguments."""
    hires, promotions = form.what_ifs()
    return {"target_stage": form.target.data, "per_quarter": form.per_quarter.data, "hires": hires,
            "promotions": promotions}


def _render_plan(template: str, **extra) -> ResponseReturnValue:
    """A plan page from the query string; invalid settings answer 422 with the form marked."""
    session, scope = get_session(), current_scope()
    form, now = _plan_form()
    context = {"form": form, "now": now, "rubric": now.rubric, "view": None, "baseline": None, "plan_error": None}
    status = 200
    if form.validate():
        args = _plan_args(form)
        try:
            context["view"] = hiring_plan(session, scope, **args)
            if args["hires"] or args["promotions"]:
                context["baseline"] = hiring_plan(session, scope, target_stage=args["target_stage"],
                                                  per_quarter=args["per_quarter"]).plan
        except PlanError as exc:
            context["plan_error"], status = exc, 422
    else:
        status = 422
    return render_template(template, query=form.query_args() if status == 200 else {}, **context, **extra), status


@bp.get("/hiring")
def hiring():
    """The plan to a chosen stage at a chosen pace; what-ifs (GET parameters) project the stage first."""
    return _render_plan("org/hiring.html")


@bp.get("/hiring/print")
def hiring_print():
    """The same plan laid out as a document to print (works without JavaScript)."""
    return _render_plan("org/hiring_print.html", today=date.today())


@bp.get(f"/hiring/export.<any({', '.join(PLAN_FORMATS)}):format>")
def hiring_export(format: str):  # noqa: A002  (the URL's own word)
    """Download the plan shown on /hiring (same parameters) as CSV or Markdown; the export is audited."""
    form, _ = _plan_form()
    if not form.validate():
        abort(422, "The plan parameters are not valid; open the hiring plan page to correct them.")
    try:
        export = export_plan(get_session(), current_scope(), format, **_plan_args(form))
    except PlanError as exc:
        abort(422, str(exc))
    return attachment(export)

