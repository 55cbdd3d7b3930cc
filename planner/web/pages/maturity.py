"""Practice maturity: the questionnaire, KPI tracking and the three-ladder report.

Everyone signed in sees the organisation's practice levels; HR and managers see
their departments and KPIs and may answer for the scopes the service allows.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, HiddenField, SelectField
from wtforms.validators import DataRequired, InputRequired

from planner.domain.practices import FINDING_TITLES
from planner.services.access import Forbidden, Hidden
from planner.services.errors import ServiceError
from planner.services.maturity import ORGANISATION, InvalidReading, maturity_view, record_kpi, save_answers
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import workspace_blueprint

__all__ = ["bp"]

bp = workspace_blueprint("maturity", __name__)

#: Form fields for a practice answer are named after the practice, with this prefix.
ANSWER_PREFIX = "practice-"


class AnswersForm(FlaskForm):
    """The CSRF token and the scope answered for; the answers themselves are one radio group per practice."""

    scope = HiddenField()


class KpiForm(FlaskForm):
    scope = SelectField("For", validate_choice=True)
    kpi = SelectField("KPI", validators=[DataRequired()])
    recorded_on = DateField("Date", validators=[InputRequired()])
    value = FloatField("Value", validators=[InputRequired()])
    is_baseline = BooleanField("This is the baseline (the value before AI changed the work)")


def _scope_label(names: dict[str, str], slug: str) -> str:
    return "Whole organisation" if slug == ORGANISATION else names.get(slug, slug)


def _render(status: int = 200, kpi_form: KpiForm | None = None):
    session, scope = get_session(), current_scope()
    view = maturity_view(session, scope)
    chosen = request.values.get("scope", ORGANISATION)
    if chosen not in view.editable:
        chosen = view.editable[0] if view.editable else None
    if kpi_form is None:
        kpi_form = KpiForm(formdata=None)
    kpi_form.scope.choices = [(s, _scope_label(view.team_names, s)) for s in view.editable]
    kpi_form.kpi.choices = [(k.slug, f"{k.name} ({k.unit})") for k in view.organisation.rubric.kpis.values()]
    return render_template(
        "maturity/overview.html", view=view, chosen=chosen, answers_form=AnswersForm(scope=chosen),
        kpi_form=kpi_form, scope_label=lambda s: _scope_label(view.team_names, s), prefix=ANSWER_PREFIX,
        finding_titles=FINDING_TITLES,
    ), status


@bp.get("/maturity")
def overview():
    """The three ladders side by side, departments, KPIs, and the questionnaire for a chosen scope."""
    return _render()


@bp.post("/maturity/answers")
def answers():
    """Save the questionnaire for one scope; only changed answers are recorded (history is kept)."""
    form = AnswersForm()
    if not form.validate_on_submit():
        return _render(400)
    answers = {key.removeprefix(ANSWER_PREFIX): value for key, value in request.form.items()
               if key.startswith(ANSWER_PREFIX)}
    try:
        result = save_answers(get_session(), current_scope(), form.scope.data or ORGANISATION, answers)
    except (Forbidden, Hidden):
        raise
    except ServiceError as exc:
        flash(f"Nothing was saved: {exc}", "error")
        return _render(422)
    flash(f"Answers saved. AIMM: level {result.aimm.level} ({result.aimm.name}); seven-level model: "
          f"level {result.seven_level.level} ({result.seven_level.name}).", "success")
    # Back to the top, where the confirmation and the changed levels are in sight.
    return redirect(url_for("maturity.overview", scope=form.scope.data or None))


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
        return _render(422, form)
    try:
        record_kpi(get_session(), view_scope, form.scope.data, form.kpi.data, form.recorded_on.data,
                   form.value.data, form.is_baseline.data)
    except (Forbidden, Hidden):
        raise
    except InvalidReading as exc:
        for name, message in exc.problems:
            form[name].errors = [*form[name].errors, message]
        flash("Nothing was recorded: correct the KPI reading below.", "error")
        return _render(422, form)
    flash("KPI recorded.", "success")
    return redirect(url_for("maturity.overview"))
