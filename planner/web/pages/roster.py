"""HR's roster: people joining, changing team or manager, leaving and coming back; teams created and renamed.

Thin views over `planner.services.roster`. A save that lost the race to someone
else's answers 409 with what is stored now beside what was typed; nothing typed
is lost and nothing saved meanwhile is overwritten unseen.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from planner.db.repository import RosterRow
from planner.services import privacy, roster
from planner.services.errors import StaleWrite
from planner.services.roster import RosterConflict, RosterError
from planner.services.workspaces import rubric_in_use
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import workspace_blueprint
from planner.web.pages.forms import EraseForm, NewPersonForm, PersonForm, TeamForm, TeamNameForm, VersionForm

__all__ = ["bp"]

bp = workspace_blueprint("roster", __name__, "hr")


def _offer(form: PersonForm, employee_id: str | None = None) -> None:
    """Fill the form's choices: the rubric's tracks, every team, and everyone still here but the person."""
    session, scope = get_session(), current_scope()
    teams = roster.roster_teams(session, scope)
    here = roster.roster(session, scope)
    form.offer(rubric_in_use(session, scope).rubric, [(t.slug, t.name) for t in teams],
               [(p.employee_id, p.name, p.team_name) for p in here if p.employee_id != employee_id])


def _fill(form: PersonForm, row: RosterRow) -> None:
    form.name.data, form.email.data, form.track.data = row.name, row.email, row.track
    form.team.data, form.manager_id.data = row.team, row.manager_id or ""
    form.version.data = row.version


def _field_error(form: PersonForm | TeamForm, exc: RosterError) -> None:
    field = getattr(form, exc.field, None)
    if field is None:
        form.form_errors.append(exc.message)
    else:
        field.errors = [*field.errors, f"{field.label.text} {exc.message}"]


@bp.get("/people")
def people():
    """Everyone still here, or (``?left=1``) everyone who has left, with links to edit, archive or restore them."""
    session, scope = get_session(), current_scope()
    left = request.args.get("left") == "1"
    here, gone = roster.roster(session, scope), roster.roster(session, scope, archived=True)
    return render_template("roster/people.html", rows=gone if left else here, left=left, here=len(here),
                           gone=len(gone))


@bp.route("/people/new", methods=["GET", "POST"])
def add():
    """Add someone who joined: they start unassessed, on their team, reporting to their manager."""
    form = NewPersonForm()
    _offer(form)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                row = roster.add_person(get_session(), current_scope(), employee_id=form.employee_id.data,
                                        values=form.values())
            except RosterError as exc:
                _field_error(form, exc)
            except RosterConflict as exc:
                form.employee_id.errors = [str(exc)]
                status = 409
            else:
                flash(f"{row.name} is on the roster.", "success")
                return redirect(url_for(".person", employee_id=row.employee_id))
    return render_template("roster/person.html", form=form, row=None, stored=None, leave_form=None,
                           erase_form=None), status


@bp.route("/people/<employee_id>", methods=["GET", "POST"])
def person(employee_id: str) -> ResponseReturnValue:
    """Edit someone: name, email, track, team (a move), manager; archive them when they leave, or restore them."""
    session, scope = get_session(), current_scope()
    row = roster.roster_person(session, scope, employee_id)
    form = PersonForm()
    _offer(form, employee_id)
    if request.method != "POST":
        _fill(form, row)
    status, stored = 200, None
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                saved = roster.update_person(session, scope, employee_id, expected_version=form.version.data,
                                             changes=form.values())
            except RosterError as exc:
                _field_error(form, exc)
            except StaleWrite:
                # What is stored now, beside what was typed; saving again applies the typed values to it.
                status, stored = 409, row
                form.version.data = row.version
            except RosterConflict as exc:
                flash(str(exc), "error")
                status = 409
            else:
                flash(f"Saved {saved.name}.", "success")
                return redirect(url_for(".person", employee_id=employee_id))
    return _person_page(form, row, stored, status)


def _person_page(form: PersonForm, row: RosterRow, stored: RosterRow | None, status: int,
                 erase_form: EraseForm | None = None) -> ResponseReturnValue:
    leave_form = VersionForm(formdata=None, version=row.version)
    erase_form = erase_form or EraseForm(formdata=None, version=row.version)
    return render_template("roster/person.html", form=form, row=row, stored=stored, leave_form=leave_form,
                           erase_form=erase_form), status


def _leave_or_return(employee_id: str, archive: bool) -> ResponseReturnValue:
    session, scope = get_session(), current_scope()
    form = VersionForm()
    if not form.validate():
        flash("That form had expired; nothing was changed. Try again.", "error")
        return redirect(url_for(".person", employee_id=employee_id))
    change = roster.archive_person if archive else roster.restore_person
    try:
        row = change(session, scope, employee_id, expected_version=form.version.data)
    except (StaleWrite, RosterConflict) as exc:
        flash(f"Nothing was changed: {exc}" if isinstance(exc, RosterConflict) else
              "Someone changed this person since you opened the page; nothing was changed. Check and try again.",
              "error")
        return redirect(url_for(".person", employee_id=employee_id))
    if archive:
        flash(f"{row.name} is archived as a leaver: their history is kept, and they no longer count in the stage, "
              "plans or heatmaps, nor can they sign in.", "success")
        return redirect(url_for(".people"))
    flash(f"{row.name} is back on the roster, with their history and levels.", "success")
    return redirect(url_for(".person", employee_id=employee_id))


@bp.post("/people/<employee_id>/archive")
def archive(employee_id: str) -> ResponseReturnValue:
    """Archive someone who has left."""
    return _leave_or_return(employee_id, archive=True)


@bp.post("/people/<employee_id>/restore")
def restore(employee_id: str) -> ResponseReturnValue:
    """Bring back someone who left."""
    return _leave_or_return(employee_id, archive=False)


@bp.post("/people/<employee_id>/erase")
def erase(employee_id: str) -> ResponseReturnValue:
    """Erase someone's personal data: their levels stay as anonymous history, nothing names them any more."""
    session, scope = get_session(), current_scope()
    form = EraseForm()
    if form.validate():
        try:
            pseudonym = privacy.erase_person(session, scope, employee_id, expected_version=form.version.data)
        except (StaleWrite, RosterConflict) as exc:
            flash(f"Nothing was erased: {exc}" if isinstance(exc, RosterConflict) else
                  "Someone changed this person since you opened the page; nothing was erased. Check and try again.",
                  "error")
            return redirect(url_for(".person", employee_id=employee_id))
        flash("Their personal data is erased. Their levels stay in the organisation's history without a name.",
              "success")
        return redirect(url_for(".person", employee_id=pseudonym))
    row = roster.roster_person(session, scope, employee_id)
    form.version.data = row.version
    details = PersonForm(formdata=None)
    _offer(details, employee_id)
    _fill(details, row)
    return _person_page(details, row, None, 422, erase_form=form)


def _teams_page(form: TeamForm, status: int = 200) -> ResponseReturnValue:
    teams = roster.roster_teams(get_session(), current_scope())
    renames = {t.slug: TeamNameForm(formdata=None, prefix=f"rename-{t.slug}", name=t.name, version=t.version)
               for t in teams}
    return render_template("roster/teams.html", teams=teams, form=form, renames=renames), status


@bp.get("/teams")
def teams() -> ResponseReturnValue:
    """Every team with its headcount; create a team, rename one."""
    return _teams_page(TeamForm())


@bp.post("/teams")
def add_team() -> ResponseReturnValue:
    form = TeamForm()
    if not form.validate():
        return _teams_page(form, 422)
    try:
        team = roster.add_team(get_session(), current_scope(), name=form.name.data)
    except RosterError as exc:
        _field_error(form, exc)
        return _teams_page(form, 422)
    except RosterConflict as exc:
        form.name.errors = [str(exc).capitalize()]
        return _teams_page(form, 409)
    flash(f"Team {team.name} created.", "success")
    return redirect(url_for(".teams"))


@bp.post("/teams/<slug>")
def rename_team(slug: str) -> ResponseReturnValue:
    form = TeamNameForm(prefix=f"rename-{slug}")
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".teams"))
    try:
        team = roster.rename_team(get_session(), current_scope(), slug, name=form.name.data,
                                  expected_version=form.version.data)
    except RosterError as exc:
        flash(f"Team name {exc.message}.", "error")
    except StaleWrite:
        flash("Someone changed that team since you opened the page; nothing was changed. Check and try again.",
              "error")
    else:
        flash(f"Renamed to {team.name}.", "success")
    return redirect(url_for(".teams"))
