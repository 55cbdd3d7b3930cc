"""Individual workspace: my level, my roadmap through the career graph, my history and self-assessment."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for

from planner.domain.careers import Roadmap, Step
from planner.domain.careers import roadmap as route_to
from planner.domain.model import EFFORT_UNIT, MAX_LEVEL, Profile, Rubric
from planner.services.assessments import PersonDetail
from planner.services.workspaces import RoadmapView, person_roadmap, person_view, rubric_in_use
from planner.web import charts
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.assessing import assessment_page
from planner.web.pages.common import (
    assessment_rounds,
    domain_names,
    domain_series,
    level_series,
    level_titles,
    workspace_blueprint,
)
from planner.web.pages.forms import RoadmapForm

__all__ = ["bp"]

bp = workspace_blueprint("me", __name__)


@dataclass(frozen=True, slots=True)
class Growth:
    """One domain to grow on a roadmap step, and what the rubric says the new level looks like."""

    domain: str
    name: str
    from_level: int
    to_level: int
    descriptor: str | None


def roadmap_steps(rubric: Rubric, profile: Profile, roadmap: Roadmap) -> list[tuple[Step, list[Growth]]]:
    """Each step with its domains to grow, walking the profile forward step by step."""
    have, steps = profile, []
    for step in roadmap.steps:
        growth = []
        for domain, delta in step.deltas.items():
            spec, start = rubric.domain(domain), have.value(domain)
            growth.append(Growth(domain, spec.name, start, start + delta, spec.descriptor(start + delta)))
        steps.append((step, growth))
        have = have.raised(step.deltas)
    return steps


def next_level_route(view: RoadmapView, rubric: Rubric) -> Roadmap | None:
    """What the next level takes, answered by the same roadmap function as the route below and the hiring plan."""
    if view.level >= MAX_LEVEL:
        return None
    person = view.person
    return route_to(view.graph, rubric, person.profile, person.track, view.level + 1)


def _requirement(profile: Profile, route: Roadmap | None) -> dict[str, int]:
    """The profile `route` ends at (a not-assessed domain counts as 0): the radar's "needed" line."""
    reached = profile.raised(route.deltas) if route else profile
    return {d: level or 0 for d, level in reached.as_dict().items()}


@bp.get("/me")
def roadmap():
    """My level, radar against the next level, roadmap (target and track chosen by GET) and history."""
    session, scope = get_session(), current_scope()
    if not scope.employee_id:
        return render_template("me/unlinked.html")
    in_use = rubric_in_use(session, scope)
    rubric = in_use.rubric
    detail = person_view(session, scope, scope.employee_id)
    person, score = detail.stored.person, detail.score
    form = RoadmapForm.from_query(rubric, person.track)
    valid = form.validate()
    target, track = (form.target.data, form.track.data) if valid else (None, person.track)
    view = person_roadmap(session, scope, scope.employee_id, target, track)
    upcoming = next_level_route(view, rubric)
    names = domain_names(rubric)
    track_names = {t.slug: t.name for t in rubric.tracks}
    return render_template(
        "me/roadmap.html", form=form, detail=detail, person=person, score=score, view=view, rubric=rubric,
        rubric_label=in_use.label, level_titles=level_titles(rubric), track_names=track_names,
        upcoming=upcoming, effort_unit=EFFORT_UNIT,
        radar=charts.radar(person.profile.as_dict(), _requirement(person.profile, upcoming), names),
        career=charts.career_map(view.graph, view.roadmap.path, track_names),
        steps=roadmap_steps(rubric, person.profile, view.roadmap),
        overall=charts.history(level_series(rubric, detail.history), {"overall": "EAISM level"}),
        by_domain=charts.history(domain_series(detail.history), names),
        rounds=assessment_rounds(detail.history),
    ), 200 if valid else 422


def _saved_message(_before: PersonDetail, _after: PersonDetail) -> str:
    return ("Your self-assessment is saved. Your manager sees it beside theirs; your EAISM level changes "
            "when your manager assesses you.")


@bp.route("/me/self-assessment", methods=["GET", "POST"])
def self_assess():
    """Record how I rate myself (kind "self"), beside my manager's assessment."""
    scope = current_scope()
    if not scope.employee_id:
        return render_template("me/unlinked.html")
    return assessment_page(scope.employee_id, kind="self", template="me/self_assess.html",
                           message=_saved_message, saved=lambda _detail: url_for(".roadmap"))
