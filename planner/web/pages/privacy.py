"""Personal data: anyone downloads, as JSON, everything the planner holds about them (the download is audited)."""

from __future__ import annotations

import json

from flask import Response

from planner.services.privacy import personal_data
from planner.web.auth import current_scope
from planner.web.database import get_session
from planner.web.pages.common import workspace_blueprint

__all__ = ["bp"]

bp = workspace_blueprint("privacy", __name__)


@bp.get("/me/data")
def download() -> Response:
    """My record, assessment history, accounts and the audit trail that names me, as a JSON file."""
    data = personal_data(get_session(), current_scope())
    return Response(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                    mimetype="application/json; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"', "Cache-Control": "no-store"})
