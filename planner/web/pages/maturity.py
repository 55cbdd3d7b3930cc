"""Practice maturity in three views: where the organisation stands, the questionnaire, and KPIs.

Everyone signed in sees where the organisation stands on the practice ladders; HR
and managers also answer the questionnaire, one section (a seven-level level) at a
time with each section saved on its own, and record KPIs for the scopes the
service allows.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, HiddenField, SelectField
from wtforms.validators import DataRequired, InputRequired

from planner.domain.practices import FINDING_TITLES, SEVEN
from planner.services.access import Forbidden, Hidden
from planner.services.errors import ServiceError
from planner.services.maturity import (
    ORGANISATION,
    InvalidReading,
    MaturityView,
    maturity_view,
    record_kpi,
    save_answers,
)
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import workspace_blueprint

__all__ = ["bp"]

bp = workspace_blueprint("maturity", __name__)

#: Form fields for a practice answer are named after the practice, with this prefix.
ANSWER_PREFIX = "practice-"


class AnswersForm(FlaskForm):
    """The CSRF token, the scope and the section answered; the answers are one radio group per practice."""

    scope = HiddenField()
    section = HiddenField()


class NumberField(FloatField):
    """A float field whose refusal reads as plain words, not "Not a valid float value"."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a number, such as 12 or 3.5.") from None


class KpiForm(FlaskForm):
    scope = SelectField("For", validate_choice=True)
    kpi = SelectField("KPI", validators=[DataRequired(message="Choose a KPI.")])
    recorded_on = DateField("Date measured", validators=[InputRequired(message="Enter the day the value was measured.")])
    value = NumberField("Value", validators=[InputRequired(message="Enter the value measured.")])
    is_baseline = BooleanField("This is the baseline (the value before AI changed the work)")


def _scope_label(names: dict[str, str], slug: str) -> str:
    return "Whole organisation" if slug == ORGANISATION else names.get(slug, slug)


def _chosen(view: MaturityView) -> str | None:
    """The scope asked for (`?scope=`) when the caller may answer for it, else the first they may."""
    chosen = request.values.get("scope", ORGANISATION)
    if chosen not in view.editable:
        chosen = view.editable[0] if view.editable else None
    return chosen


def _page(template: str, view: MaturityView, status: int = 200, **context):
    return render_template(
        template, view=view, scope_label=lambda s: _scope_label(view.team_names, s),
        finding_titles=FINDING_TITLES, role=current_scope().role, **context,
    ), status


@bp.get("/maturity")
def overview():
    """Where the organisation stands: the ladders side by side, what disagrees, risks, and one roadmap."""
    view = maturity_view(get_session(), current_scope())
    return _page("maturity/overview.html", view)


def _sections(view: MaturityView) -> list:
    """The questionnaire's sections: one per seven-level level, the practices that evidence it."""
    rubric = view.organisation.rubric
    return [
        (level, [p for p in rubric.practices if p.seven_level == level.number])
        for level in rubric.ladder(SEVEN).levels
    ]


def _section_number(raw: str | None, count: int) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= count else 1


def _questionnaire(view: MaturityView, status: int = 200):
    chosen = _chosen(view)
    if chosen is None:
        raise Forbidden("only HR, or the manager of a team, may answer the practice questionnaire")
    sections = _sections(view)
    number = _section_number(request.values.get("section"), len(sections))
    return _page(
        "maturity/questionnaire.html", view, status, chosen=chosen, sections=sections, number=number,
        answers_form=AnswersForm(scope=chosen, section=str(number)), prefix=ANSWER_PREFIX,
    )


@bp.get("/maturity/questionnaire")
def questionnaire():
    """One section of the questionnaire for one scope, with every section's progress."""
    return _questionnaire(maturity_view(get_session(), current_scope()))


@bp.post("/maturity/answers")
def answers():
    """Save one section's answers for one scope, then go on to the next section.

    Only changed answers are recorded (history is kept).
    """
    form = AnswersForm()
    if not form.validate_on_submit():
        abort(400)
    answers = {key.removeprefix(ANSWER_PREFIX): value for key, value in request.form.items()
               if key.startswith(ANSWER_PREFIX)}
    scope = form.scope.data or ORGANISATION
    try:
        result = save_answers(get_session(), current_scope(), scope, answers)
    except (Forbidden, Hidden):
        raise
    except ServiceError as exc:
        flash(f"Nothing was saved: {exc}", "error")
        return _questionnaire(maturity_view(get_session(), current_scope()), 422)
    count = len(_sections(maturity_view(get_session(), current_scope())))
    number = _section_number(form.section.data, count)
    flash(f"Section {number} of {count} saved. AIMM: level {result.aimm.level} ({result.aimm.name}); "
          f"seven-level model: level {result.seven_level.level} ({result.seven_level.name}).", "success")
    following = min(number + 1, count)
    return redirect(url_for("maturity.questionnaire", scope=scope or None, section=following))


def _kpi_page(view: MaturityView, form: KpiForm | None = None, status: int = 200):
    if not (view.kpis or view.editable):
        raise Forbidden("KPIs are kept by HR and managers")
    if form is None:
        form = KpiForm(formdata=None)
    form.scope.choices = [(s, _scope_label(view.team_names, s)) for s in view.editable]
    form.kpi.choices = [(k.slug, f"{k.name} ({k.unit})") for k in view.organisation.rubric.kpis.values()]
    return _page("maturity/kpis.html", view, status, kpi_form=form)


@bp.get("/maturity/kpis")
def kpi_overview():
    """KPIs against their baseline, and the form to record one."""
    return _kpi_page(maturity_view(get_session(), current_scope()))


@bp.post("/maturity/kpis")
def kpis():
    """Record a KPI value or its baseline for one scope."""
    view_scope = current_scope()
    form = KpiForm()
    view = maturity_view(get_session(), view_scope)
    if not view.editable:
        raise Forbidden("only HR, or the manager of a team, may record KPIs")
    form.scope.choices = [(s, s) for s in view.editable]
    form.kpi.choices = [(k, k) for k in view.organisation.rubric.kpis]
    if not form.validate_on_submit():
        return _kpi_page(view, form, 422)
    try:
        record_kpi(get_session(), view_scope, form.scope.data, form.kpi.data, form.recorded_on.data,
                   form.value.data, form.is_baseline.data)
    except (Forbidden, Hidden):
        raise
    except InvalidReading as exc:
        for name, message in exc.problems:
            form[name].errors = [*form[name].errors, message]
        flash("Nothing was recorded: correct the KPI reading below.", "error")
        return _kpi_page(view, form, 422)
    flash("KPI recorded.", "success")
    return redirect(url_for("maturity.kpi_overview"))
