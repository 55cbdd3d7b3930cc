"""The rubric: the skills matrix and the model behind it for everyone; upload and download for HR."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from planner.domain.rubric import RubricError
from planner.loaders import MAX_TOML_CHARS
from planner.services.errors import NotFound
from planner.services.exports import export_rubric
from planner.services.workspaces import rubric_comparison, rubric_in_use, upload_rubric_version, use_shipped_rubric
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import attachment, level_titles, workspace_blueprint
from planner.web.pages.forms import RubricChoiceForm, RubricUploadForm

__all__ = ["bp"]

bp = workspace_blueprint("rubric", __name__)


def _matrix(form: RubricUploadForm, error: str | None = None, status: int = 200):
    session, scope = get_session(), current_scope()
    in_use = rubric_in_use(session, scope)
    comparison = rubric_comparison(session, scope) if scope.role == "hr" else []
    return render_template("rubric/matrix.html", rubric=in_use.rubric, rubric_label=in_use.label,
                           level_titles=level_titles(in_use.rubric), form=form, upload_error=error,
                           comparison=comparison, choice=RubricChoiceForm()), status


@bp.get("/rubric")
def matrix():
    """Skills matrix, levels, stages and gates, hiring phases and career tracks of the rubric in use."""
    return _matrix(RubricUploadForm())


@bp.post("/rubric/upload")
def upload():
    """Validate an edited rubric and make it the active version (HR); a bad file stores nothing."""
    current_scope().require_role("hr")
    form = RubricUploadForm()
    if not form.validate_on_submit():
        return _matrix(form, status=422)
    upload = form.rubric.data
    try:
        in_use = upload_rubric_version(get_session(), current_scope(), upload.read(MAX_TOML_CHARS * 4 + 1).decode("utf-8"))
    except UnicodeDecodeError:
        return _matrix(form, f"{upload.filename}: not UTF-8 text, so it cannot be a rubric.", 422)
    except RubricError as exc:
        # The service parses the text under the name "rubric"; name the user's file instead.
        return _matrix(form, f"{upload.filename}: {str(exc).removeprefix('rubric: ')}", 422)
    flash(f"Rubric version {in_use.label} is now in use; every score is computed with it from now on.", "success")
    return redirect(url_for(".matrix"))


@bp.post("/rubric/choose")
def choose():
    """Use a rubric shipped with the planner, such as the agentic shift (HR); stored as a new version."""
    current_scope().require_role("hr")
    form = RubricChoiceForm()
    if not form.validate_on_submit():
        return _matrix(RubricUploadForm(), "Choose one of the rubrics listed.", 422)
    try:
        in_use = use_shipped_rubric(get_session(), current_scope(), form.rubric.data)
    except NotFound:
        return _matrix(RubricUploadForm(), "Choose one of the rubrics listed.", 422)
    flash(f"{in_use.rubric.name}, version {in_use.label}, is now in use; every score is computed with it from now on.",
          "success")
    return redirect(url_for(".matrix"))


@bp.get("/rubric/download")
def download():
    """The active rubric as TOML, to edit and upload again (HR; the download is audited)."""
    export = export_rubric(get_session(), current_scope())
    return attachment(export)
