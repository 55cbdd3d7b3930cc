"""Manager workspace: the team heatmap and the assessment of each person (managers and HR)."""

from __future__ import annotations

from flask import render_template, request, url_for

from planner.services.assessments import PersonDetail
from planner.services.workspaces import managed_teams, rubric_in_use, team_view
from planner.web import charts
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.assessing import assessment_page
from planner.web.pages.common import level_titles, workspace_blueprint

__all__ = ["bp"]

bp = workspace_blueprint("team", __name__, "hr", "manager")


@bp.get("/team")
def overview():
    """One team (?team=slug, else the first the caller works on), with a switcher between them."""
    session, scope = get_session(), current_scope()
    teams = managed_teams(session, scope)
    if not teams:
        return render_template("team/overview.html", teams=teams, view=None)
    view = team_view(session, scope, request.args.get("team") or teams[0].slug)
    rubric = rubric_in_use(session, scope)
    titles = level_titles(rubric.rubric)
    return render_template(
        "team/overview.html", teams=teams, view=view, rubric=rubric.rubric, rubric_label=rubric.label,
        level_titles=titles, heatmap=charts.heatmap(view.assessment.scores, rubric.rubric),
        pyramid=charts.pyramid(view.assessment.level_counts, titles),
    )


def _saved_message(before: PersonDetail, after: PersonDetail) -> str:
    name, was, now = after.stored.person.name, before.score.level, after.score.level
    change = f"now L{now}" if now != was else f"still L{now}"
    return f"Saved the assessment of {name} ({change}, scored with rubric {after.rubric_label})."


@bp.route("/team/people/<employee_id>", methods=["GET", "POST"])
def assess(employee_id: str):
    """A person's levels, self view and history, and (for their manager) the form to assess them."""
    return assessment_page(
        employee_id, kind="manager", template="team/assess.html", message=_saved_message,
        saved=lambda detail: url_for(".overview", team=detail.stored.person.team),
    )
