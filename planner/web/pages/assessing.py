"""Recording an assessment from a page: the manager's form and the self-assessment form share this flow.

A save that lost the race to someone else's (a stale version) answers 409 and
nothing is written. The form comes back rebased on the latest version: the
domains the user changed keep their choice, the others take what was saved
meanwhile, and a table shows all three, so nothing typed is lost and nothing
saved by the other person is overwritten unseen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from planner.domain.model import DOMAINS, Profile
from planner.services.assessments import PersonDetail
from planner.services.errors import StaleWrite
from planner.services.workspaces import assess_person, person_view, rubric_in_use
from planner.web import charts
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import assessment_rounds, level_series, level_titles
from planner.web.pages.forms import AssessmentForm

__all__ = ["Rebased", "assessment_page"]


@dataclass(frozen=True, slots=True)
class Rebased:
    """One domain of a form rebased after a lost race."""

    domain: str
    started: int | None
    tried: int | None
    saved: int | None
    #: What the form holds now: `tried` if the user changed the domain, else `saved`.
    kept: int | None

    @property
    def clash(self) -> bool:
        """Both the user and the other person changed it, to different levels."""
        return self.tried != self.started and self.saved != self.started and self.tried != self.saved


def _rebase(form: AssessmentForm, latest: Profile, version: int) -> list[Rebased]:
    started, rows = form.started_levels(), []
    for domain in DOMAINS:
        tried, saved = form[domain].data, latest.get(domain)
        changed = domain not in started or tried != started[domain]
        rows.append(Rebased(domain, started.get(domain), tried, saved, tried if changed else saved))
    form.start_from(latest, version)
    for row in rows:
        form[row.domain].data = row.kept
    return rows


def _edited(detail: PersonDetail, kind: str) -> Profile:
    """The view a `kind` assessment edits: the scored profile, or the person's own self view."""
    return detail.stored.person.profile if kind == "manager" else detail.self_view


def assessment_page(employee_id: str, *, kind: str, template: str, saved: Callable[[PersonDetail], str],
                    message: Callable[[PersonDetail, PersonDetail], str], **context) -> ResponseReturnValue:
    """Show the `kind` ("manager" or "self") assessment form for a person, or record it.

    After a save, flash `message(before, after)` and go to `saved(after)`.
    """
    session, scope = get_session(), current_scope()
    detail = person_view(session, scope, employee_id)
    form = AssessmentForm()
    if request.method != "POST":
        form.start_from(_edited(detail, kind), detail.stored.version)
    status, conflict, rebased = 200, None, None
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                assess_person(session, scope, employee_id, kind=kind, levels=form.levels(),
                              evidence=form.evidence.data, expected_version=form.version.data)
            except StaleWrite as exc:
                status, conflict = 409, exc
                detail = person_view(session, scope, employee_id)
                rebased = _rebase(form, _edited(detail, kind), detail.stored.version)
            else:
                after = person_view(session, scope, employee_id)
                flash(message(detail, after), "success")
                return redirect(saved(after))
    rubric = rubric_in_use(session, scope).rubric
    return render_template(
        template, form=form, detail=detail, person=detail.stored.person, rubric=rubric,
        level_titles=level_titles(rubric), rounds=assessment_rounds(detail.history),
        overall=charts.history(level_series(rubric, detail.history), {"overall": "EAISM level"}),
        conflict=conflict, rebased=rebased, **context,
    ), status
