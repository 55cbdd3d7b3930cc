"""Schemathesis over the whole OpenAPI document, as every role, signed in either way: zero failures.

Every built-in check runs (``call_and_validate`` uses them all: not_a_server_error,
status, content-type, header and schema conformance, negative_data_rejection,
positive_data_acceptance, missing required headers, unsupported methods, ignored
auth ...) over the examples, coverage and fuzzing phases. One rule is stated the
way the check cannot read it from the schema: a what-if promotion, and a roster change's
team and manager, must name a team or person of the organisation (see `accepts_schema_valid_data`).
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from api.conftest import (
    INDIVIDUAL_ID, MANAGER_ID, MANAGER_TEAM, OTHER_TEAM, OTHER_TEAM_ID, ROLES, TEAMMATE_ID, sign_in_session,
    token_for,
)
from planner.web import create_app

CONFIG = {
    # Credentials are the test's own, never generated ones; ignored_auth still probes with none and with bad ones.
    "generation": {"with-security-parameters": False},
    # Half the ids name real demo records (own, teammate, other team), so reads, writes, stale versions and
    # denials are reached as well as the 404s and 422s of generated values.
    "dictionaries": {
        "people": {"values": [MANAGER_ID, TEAMMATE_ID, INDIVIDUAL_ID, OTHER_TEAM_ID]},
        "teams": {"values": [MANAGER_TEAM, OTHER_TEAM]},
        "versions": {"values": [1, 2, 3]},
    },
    "parameters": {
        "path.employee_id": {"dictionary": "people", "probability": 0.5},
        "path.slug": {"dictionary": "teams", "probability": 0.5},
        "body.promotions[*].employee_id": {"dictionary": "people", "probability": 0.5},
        "body.version": {"dictionary": "versions", "probability": 0.5},
        "body.team": {"dictionary": "teams", "probability": 0.5},
        "body.manager_id": {"dictionary": "people", "probability": 0.5},
    },
}
#: The app here serves the document only; every case goes to the test's own app (a private demo database).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app({"TESTING": True, "SECRET_KEY": "schema-only", "DATABASE_URL": "sqlite://"}),
    config=SchemathesisConfig.from_dict(CONFIG))
#: About 15 generated cases per operation and phase: the whole module runs in well under a minute.
BOUNDED = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
#: Rejections of schema-valid data that name something the schema cannot know: (field path, message start).
UNKNOWN_REFERENCES = [
    (re.compile(r"promotions\[\d+\]\.employee_id"), "no person"),  # a what-if promotion of nobody here
    (re.compile(r"team"), "there is no team"),  # a roster change naming a team that does not exist
    (re.compile(r"manager_id"), "there is nobody"),  # ... or a manager who does not exist or has left
    (re.compile(r"manager_id"), "would make the person report to themselves"),  # ... or a reporting loop
]


def accepts_schema_valid_data(ctx, response, case):
    """positive_data_acceptance, except a 422 that only names references to people or teams that do not exist.

    The schema cannot list who works here; any other rejection of schema-valid data still fails.
    """
    if response.status_code == 422:
        fields = response.json()["error"]["fields"]
        if all(any(path.fullmatch(f["path"]) and f["message"].startswith(start) for path, start in UNKNOWN_REFERENCES)
               for f in fields):
            return None
    return positive_data_acceptance(ctx, response, case)


def call_and_validate(case, app, **auth):
    case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance],
                           additional_checks=[accepts_schema_valid_data], **auth)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@BOUNDED
def test_every_check_passes_with_a_bearer_token(case, role, app):
    call_and_validate(case, app, headers={"Authorization": f"Bearer {token_for(app, role)}"})


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@BOUNDED
def test_every_check_passes_with_a_session_cookie_and_csrf_header(case, role, csrf_app):
    client = csrf_app.test_client()
    token = sign_in_session(csrf_app, client, role)
    cookie = client.get_cookie("session").value
    # The cookie jar carries it to the app; the header tells schemathesis the credential is ours, not generated.
    call_and_validate(case, csrf_app, cookies={"session": cookie},
                      headers={"Cookie": f"session={cookie}", "X-CSRFToken": token})
