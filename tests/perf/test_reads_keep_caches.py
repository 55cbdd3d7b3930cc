"""Reads (sign-ins among them) never empty the caches, and denied requests neither flood the audit log nor tell hidden from missing.

The audit log records sign-ins, exports and denied requests, but only writes move
the data version (planner.services.cache), so a stage or plan computed before such a
read is still served after it.
"""

from __future__ import annotations

from sqlmodel import select

from perf.conftest import ACCOUNTS, OTHER_TEAM_ID, TEAMMATE_ID
from planner.db.tables import AuditRow
from planner.services.cache import data_version
from planner.web.database import get_session

MISSING = "E9999"


def version(app):
    with app.app_context():
        return data_version(get_session())


def denials(app) -> list[AuditRow]:
    with app.app_context():
        return list(get_session().exec(
            select(AuditRow).where(AuditRow.action == "access.denied").order_by(AuditRow.id)))


def test_sign_ins_exports_and_denied_requests_leave_the_data_version_alone(app, client_for, version_of):
    hr = client_for("hr")
    assert hr.get("/org").status_code == 200
    before = version(app)
    manager, individual = client_for("manager"), client_for("individual")  # successful sign-ins
    assert manager.get(f"/team/people/{OTHER_TEAM_ID}").status_code == 404
    assert individual.get("/org").status_code == 403
    assert hr.get("/hiring/export.csv").status_code == 200
    assert app.test_client().post("/login", data={"email": ACCOUNTS["hr"], "password": "wrong"}).status_code == 401
    assert len(denials(app)) == 2
    assert version(app) == before
    response = manager.post(f"/team/people/{TEAMMATE_ID}", data={
        "evaluation": "4", "version": version_of(TEAMMATE_ID), "evidence": "Runs the evaluations"})
    assert response.status_code == 302
    assert version(app) != before, "a saved assessment is a change"


def test_a_flood_of_hidden_lookups_writes_ten_audit_rows_a_minute_the_last_saying_so(api, app):
    manager = api("manager")
    answers = {manager.get(f"/api/v1/people/{OTHER_TEAM_ID}").status_code for _ in range(30)}
    assert answers == {404}
    rows = denials(app)
    assert len(rows) == 10
    assert all(r.entity_id == f"GET /api/v1/people/{OTHER_TEAM_ID}" for r in rows)
    assert [bool((r.details or {}).get("not_logged_until")) for r in rows] == [False] * 9 + [True]


def test_a_hidden_person_and_a_missing_one_get_the_same_answer_and_the_same_audit_row(api, app):
    manager = api("manager")
    hidden = manager.get(f"/api/v1/people/{OTHER_TEAM_ID}")
    missing = manager.get(f"/api/v1/people/{MISSING}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data(as_text=True).replace(OTHER_TEAM_ID, MISSING) == missing.get_data(as_text=True)
    assert [(r.action, r.entity_id, r.details) for r in denials(app)] == [
        ("access.denied", f"GET /api/v1/people/{who}", {"remote_addr": "127.0.0.1"}) for who in (OTHER_TEAM_ID, MISSING)]


def test_each_caller_has_a_budget_of_its_own(api, app):
    for role in ("manager", "individual"):
        client = api(role)
        for _ in range(12):
            client.get(f"/api/v1/people/{OTHER_TEAM_ID}")
    assert len(denials(app)) == 20
