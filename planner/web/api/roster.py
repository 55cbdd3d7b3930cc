"""The roster as HR administers it: people joining, changing, leaving and coming back; teams created and renamed.

Writes check the ``version`` the client read (409 when stale); a clash with what
exists (an employee id or team taken, a leaver edited) is 409 too; a reference to a
team or manager that does not exist is 422 naming the field.
"""

from __future__ import annotations

from flask import Response, url_for

from planner.services import privacy, roster
from planner.services.roster import RosterConflict, RosterError
from planner.web.api import schemas
from planner.web.api.base import api_blueprint, unprocessable
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.errors import error_response

__all__ = ["bp"]

bp = api_blueprint("api_roster", __name__, "roster",
                   "People and teams as HR administers them: add, edit, move, archive leavers, restore (HR only).")
HR_ONLY = {403: schemas.Problem}
WRITE = {**HR_ONLY, 404: schemas.Problem, 409: schemas.ConflictProblem}


@bp.errorhandler(RosterError)
def _bad_reference(exc: RosterError) -> Response:
    return unprocessable([{"path": exc.field, "message": exc.message}])


@bp.errorhandler(RosterConflict)
def _conflict(exc: RosterConflict):
    return error_response(409, "Conflict", str(exc), current_version=None)


def _person(row) -> dict:
    return schemas.RosterPerson.model_validate(row, from_attributes=True).model_dump(mode="json")


def _team(team) -> dict:
    return schemas.RosterTeam.model_validate(team, from_attributes=True).model_dump(mode="json")


@bp.get("/roster/people", responses={200: schemas.Roster, **HR_ONLY})
def list_roster(query: schemas.RosterQuery):
    """Everyone still here (or, with ``archived=true``, everyone who has left), with their versions."""
    rows = roster.roster(get_session(), current_scope(), archived=query.archived)
    return {"people": [_person(row) for row in rows]}


@bp.get("/roster/people/<employee_id>", responses={200: schemas.RosterPerson, **HR_ONLY, 404: schemas.Problem})
def get_roster_person(path: schemas.PersonPath):
    """One person, whether still here or not."""
    return _person(roster.roster_person(get_session(), current_scope(), path.employee_id))


@bp.post("/roster/people", responses={201: schemas.RosterPerson, **HR_ONLY, 409: schemas.ConflictProblem})
def add_person(body: schemas.NewPerson):
    """Add someone who joined; they start unassessed. Session callers send the X-CSRFToken header."""
    row = roster.add_person(get_session(), current_scope(), employee_id=body.employee_id,
                            values=body.model_dump(exclude={"employee_id"}))
    return _person(row), 201, {"Location": url_for(".get_roster_person", employee_id=row.employee_id)}


@bp.patch("/roster/people/<employee_id>", responses={200: schemas.RosterPerson, **WRITE})
def change_person(path: schemas.PersonPath, body: schemas.PersonChange):
    """Change someone still here: name, email, track, team (a move) or manager; 409 if `version` is stale."""
    row = roster.update_person(get_session(), current_scope(), path.employee_id, expected_version=body.version,
                               changes=body.changes())
    return _person(row)


@bp.post("/roster/people/<employee_id>/archive", responses={200: schemas.RosterPerson, **WRITE})
def archive_person(path: schemas.PersonPath, body: schemas.VersionRequest):
    """Record that someone has left: their history stays; they leave the stage, plans, heatmaps and lists,
    and their account can no longer sign in."""
    return _person(roster.archive_person(get_session(), current_scope(), path.employee_id,
                                         expected_version=body.version))


@bp.post("/roster/people/<employee_id>/restore", responses={200: schemas.RosterPerson, **WRITE})
def restore_person(path: schemas.PersonPath, body: schemas.VersionRequest):
    """Bring back someone who left, with their history and levels."""
    return _person(roster.restore_person(get_session(), current_scope(), path.employee_id,
                                         expected_version=body.version))


@bp.post("/roster/people/<employee_id>/erase", responses={200: schemas.RosterPerson, **WRITE})
def erase_person(path: schemas.PersonPath, body: schemas.VersionRequest):
    """Erase someone's personal data (cannot be undone): name, email and employee id replaced by a pseudonym,
    notes about them cleared, accounts closed; their levels stay as anonymous history. The answer is the record
    as it stays, under its new employee id."""
    session, scope = get_session(), current_scope()
    pseudonym = privacy.erase_person(session, scope, path.employee_id, expected_version=body.version)
    return _person(roster.roster_person(session, scope, pseudonym))


@bp.get("/roster/teams", responses={200: schemas.RosterTeams, **HR_ONLY})
def list_roster_teams():
    """Every team with its headcount and version."""
    return {"teams": [_team(t) for t in roster.roster_teams(get_session(), current_scope())]}


@bp.post("/roster/teams", responses={201: schemas.RosterTeam, **HR_ONLY, 409: schemas.ConflictProblem})
def add_team(body: schemas.NewTeam):
    """Create an empty team; 409 if its name gives the slug of a team that exists."""
    return _team(roster.add_team(get_session(), current_scope(), name=body.name)), 201


@bp.patch("/roster/teams/<slug>", responses={200: schemas.RosterTeam, **WRITE})
def rename_team(path: schemas.TeamPath, body: schemas.TeamRename):
    """Rename a team (its slug stays); 409 if `version` is stale."""
    return _team(roster.rename_team(get_session(), current_scope(), path.slug, name=body.name,
                                    expected_version=body.version))
