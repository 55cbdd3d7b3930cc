"""The people list (HR: the whole organisation; a manager: their teams), searched and filtered, page by page."""

from __future__ import annotations

from flask import render_template

from planner.services.directory import PeopleSearch, find_people
from planner.services.workspaces import managed_teams, rubric_in_use
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import level_titles, workspace_blueprint
from planner.web.pages.forms import PeopleSearchForm

__all__ = ["PER_PAGE", "bp"]

bp = workspace_blueprint("people", __name__, "hr", "manager")

#: People per page of the list.
PER_PAGE = 50


@bp.get("/directory")
def directory():
    """Search by name, filter by team, track, level and a domain's level; 50 people a page."""
    session, scope = get_session(), current_scope()
    rubric = rubric_in_use(session, scope).rubric
    teams = {t.slug: t.name for t in managed_teams(session, scope)}
    form = PeopleSearchForm.from_query(rubric, teams)
    if not form.validate():
        return render_template("people/list.html", form=form, found=None, teams=teams, rubric=rubric,
                               level_titles=level_titles(rubric)), 422
    found = find_people(session, scope, PeopleSearch(
        name=form.q.data, team=form.team.data, track=form.track.data, level=form.level.data,
        domain=form.domain.data, min_domain_level=form.min_level.data, page=form.page.data or 1, per_page=PER_PAGE))
    return render_template("people/list.html", form=form, found=found, teams=teams, rubric=rubric,
                           level_titles=level_titles(rubric))
