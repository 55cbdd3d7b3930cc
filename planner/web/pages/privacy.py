"""Personal data: anyone downloads, as JSON, everything the planner holds about them; HR, about anyone.

Every download is audited (see `planner.services.privacy`).
"""

from __future__ import annotations

import json

from flask import Response

from planner.services.privacy import personal_data
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import workspace_blueprint

__all__ = ["bp"]

bp = workspace_blueprint("privacy", __name__)


def _download(employee_id: str | None, filename: str) -> Response:
    data = personal_data(get_session(), current_scope(), employee_id)
    return Response(json.dumps(data, indent=2, ensure_ascii=False) + "\n", mimetype="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/me/data")
def download() -> Response:
    """My record, assessment history, accounts and the audit trail that names me, as a JSON file."""
    return _download(None, "my-data.json")


@bp.get("/people/<employee_id>/data")
def download_for(employee_id: str) -> Response:
    """The same about anyone, for HR: a leaver cannot sign in to ask for it themselves."""
    return _download(employee_id, f"personal-data-{employee_id}.json")
