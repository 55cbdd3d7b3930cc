"""Writes: stale versions are 409 and lose nothing; session callers need the CSRF header, token callers not."""

from __future__ import annotations

from api.conftest import INDIVIDUAL_ID, TEAMMATE_ID, sign_in_session, token_for

ASSESS = f"/api/v1/people/{TEAMMATE_ID}/assessments"


def assessment(version: int, level: int, kind: str = "manager") -> dict:
    return {"levels": {"observability": level}, "evidence": f"set to {level}", "kind": kind, "version": version}


def test_the_second_of_two_writers_on_the_same_version_gets_409_and_nothing_is_lost(api, version_of):
    read = version_of(TEAMMATE_ID)
    first = api("manager").post(ASSESS, json=assessment(read, 4))
    second = api("manager").post(ASSESS, json=assessment(read, 1))
    assert first.status_code == 201 and first.get_json()["version"] == read + 1
    assert second.status_code == 409
    assert second.get_json()["error"] == {
        "status": 409, "title": "Conflict", "current_version": read + 1,
        "detail": second.get_json()["error"]["detail"]}
    history = api("manager").get(ASSESS).get_json()["assessments"]
    assert [e["evidence"] for e in history if e["evidence"].startswith("set to")] == ["set to 4"]
    assert api("manager").get(f"/api/v1/people/{TEAMMATE_ID}").get_json()["domains"]["observability"] == 4


def test_after_a_409_reading_again_and_retrying_succeeds(api, version_of):
    read = version_of(TEAMMATE_ID)
    api("manager").post(ASSESS, json=assessment(read, 4))
    current = api("manager").post(ASSESS, json=assessment(read, 1)).get_json()["error"]["current_version"]
    assert api("manager").post(ASSESS, json=assessment(current, 1)).status_code == 201
    levels = [e["level"] for e in api("manager").get(ASSESS).get_json()["assessments"]
              if e["evidence"].startswith("set to")]
    assert levels == [4, 1]


def test_a_self_assessment_is_kept_beside_the_scored_profile(api, version_of):
    before = api("individual").get(f"/api/v1/people/{INDIVIDUAL_ID}").get_json()
    api("individual").post(f"/api/v1/people/{INDIVIDUAL_ID}/assessments",
                           json=assessment(version_of(INDIVIDUAL_ID), 5, kind="self"))
    after = api("individual").get(f"/api/v1/people/{INDIVIDUAL_ID}").get_json()
    assert after["self_view"]["observability"] == 5
    assert after["domains"] == before["domains"] and after["level"] == before["level"]
    assert {"domain": "observability", "self_level": 5, "manager_level": before["domains"]["observability"],
            "difference": 5 - before["domains"]["observability"]} in after["disagreements"]


def test_a_session_post_without_the_csrf_header_is_refused(csrf_app, version_of):
    client = csrf_app.test_client()
    sign_in_session(csrf_app, client, "manager")
    response = client.post(ASSESS, json=assessment(version_of(TEAMMATE_ID), 3))
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]["detail"]
    assert client.post(ASSESS, json=assessment(version_of(TEAMMATE_ID), 3),
                       headers={"X-CSRFToken": "forged"}).status_code == 400


def test_a_session_post_with_the_csrf_header_goes_through(csrf_app, version_of):
    client = csrf_app.test_client()
    token = sign_in_session(csrf_app, client, "manager")
    response = client.post(ASSESS, json=assessment(version_of(TEAMMATE_ID), 3), headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_session_reads_need_no_csrf_header(csrf_app):
    client = csrf_app.test_client()
    sign_in_session(csrf_app, client, "manager")
    assert client.get(ASSESS).status_code == 200


def test_a_bearer_token_needs_no_csrf_header(csrf_app, version_of):
    headers = {"Authorization": f"Bearer {token_for(csrf_app, 'manager')}"}
    response = csrf_app.test_client().post(ASSESS, json=assessment(version_of(TEAMMATE_ID), 3), headers=headers)
    assert response.status_code == 201


def test_a_bearer_token_signs_in_as_its_account_with_its_scope(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_for(app, 'individual')}"}
    people = client.get("/api/v1/people", headers=headers).get_json()["people"]
    assert [p["employee_id"] for p in people] == [INDIVIDUAL_ID]
    assert client.get("/api/v1/people").status_code == 401, "the token does not leave a session behind"


def test_issuing_a_new_token_revokes_the_old_one(app):
    old = token_for(app, "hr")
    token_for(app, "hr")
    assert app.test_client().get("/api/v1/people", headers={"Authorization": f"Bearer {old}"}).status_code == 401
