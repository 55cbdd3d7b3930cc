"""Users: the organisation's sign-in accounts, for HR."""

from __future__ import annotations

from planner.services.identity import account_status, list_users
from planner.web.api import schemas
from planner.web.api.base import api_blueprint
from planner.web.auth import current_scope
from planner.web.database import get_session

__all__ = ["bp"]

bp = api_blueprint("api_users", __name__, "users", "The organisation's sign-in accounts (HR only).")


@bp.get("/users", responses={200: schemas.UserAccounts, 403: schemas.Problem})
def list_accounts():
    """Every account: role, the person it is, status and last sign-in."""
    scope = current_scope()
    scope.require_role("hr")
    return {"users": [
        {"email": u.email, "role": u.role, "person_name": u.person_name, "employee_id": u.employee_id,
         "status": account_status(u), "last_sign_in_at": u.last_sign_in_at}
        for u in list_users(get_session(), organisation_id=scope.organisation_id)]}
