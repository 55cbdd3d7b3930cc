"""Hostile requests that once answered 500, hung a worker or slipped a protection: each now gets a clear answer.

The in-process tests check each answer; `test_a_served_planner_refuses_each_fast_and_its_workers_survive`
sends them all to gunicorn, times each refusal and checks no worker was killed or replaced
(the figures are in docs/reliability.md).
"""

from __future__ import annotations

import io
import re
import time

import pytest
from click.testing import CliRunner
from flask import Flask

from app.conftest import make_test_app
from planner.cli import cli
from planner.loaders import rubric_source

from .conftest import ACCOUNTS, DEMO_PASSWORD, TEAMMATE_ID
from .harness import AppServer, hidden_fields, seed_demo_database, sign_in

#: A dotted key of 100,000 parts (200 KB): the standard TOML parser took 31 s over it.
DOTTED_BOMB = rubric_source() + "a" + ".a" * 99_999 + " = 1\n"
#: JSON nested 100,000 deep: the standard parser runs out of recursion.
DEEP_JSON = "[" * 100_000 + "]" * 100_000
#: Larger than MAX_CONTENT_LENGTH (16 MiB).
OVERSIZED = 17 * 1024 * 1024


def _upload(client, text: str, filename: str = "edited.toml"):
    return client.post("/rubric/upload", data={"rubric": (io.BytesIO(text.encode()), filename)},
                       content_type="multipart/form-data")


def _form_routes(app: Flask) -> list[str]:
    """Every page route that takes a POST (sign-in forms), with a sample id filled in."""
    return sorted(rule.rule.replace("<employee_id>", TEAMMATE_ID) for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and not rule.rule.startswith("/api/"))


def test_a_rubric_with_a_dotted_key_of_100000_parts_is_refused_with_422_naming_the_line(login):
    response = _upload(login("hr"), DOTTED_BOMB)
    assert response.status_code == 422
    assert "edited.toml: line " in response.get_data(as_text=True)
    assert "more than 16 dotted parts" in response.get_data(as_text=True)


def test_a_rubric_asking_for_a_million_people_is_refused_with_422(login):
    bomb = re.sub(r"(\[stages\.3\].*?min_count = )\d+", r"\g<1>1000000", rubric_source(), count=1,
                  flags=re.DOTALL)
    response = _upload(login("hr"), bomb)
    assert response.status_code == 422
    assert "stages.3.people[0].min_count: must be 0 to 1000" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/org/plan", f"/api/v1/people/{TEAMMATE_ID}/assessments"])
def test_json_nested_100000_deep_is_a_client_error_not_a_crash(login, path):
    response = login("hr").post(path, data=DEEP_JSON, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["status"] == response.status_code


def test_the_what_if_plan_refuses_a_manager_before_reading_the_body(login):
    response = login("manager").post("/api/v1/org/plan", data=DEEP_JSON, content_type="application/json")
    assert response.status_code == 403


def test_an_oversized_form_body_is_413_on_every_form_route(app, client, login):
    body = b"evidence=" + b"x" * OVERSIZED
    answers = {"/login": client.post("/login", data=body, content_type="application/x-www-form-urlencoded")}
    signed_in = login("hr")
    for route in _form_routes(app):
        if route != "/login":  # signed in, the sign-in form only sends you home
            answers[route] = signed_in.post(route, data=body, content_type="application/x-www-form-urlencoded")
    assert {route: answer.status_code for route, answer in answers.items()} == dict.fromkeys(answers, 413)
    assert all("Too large to send" in answer.get_data(as_text=True) for answer in answers.values())


@pytest.mark.parametrize("version", [str(2**63), str(2**31), "-1"])
def test_a_version_out_of_range_in_the_assessment_form_is_422(login, version):
    response = login("manager").post(f"/team/people/{TEAMMATE_ID}", data={
        "prompting": "2", "version": version, "evidence": "Shipped it."})
    assert response.status_code == 422


def test_evidence_with_a_nul_byte_is_refused_alike_by_the_form_and_the_api(login):
    client = login("manager")
    page = client.get(f"/team/people/{TEAMMATE_ID}").get_data(as_text=True)
    version = hidden_fields(page)["version"]
    form = client.post(f"/team/people/{TEAMMATE_ID}", data={
        "prompting": "2", "version": version, "evidence": "Shipped\x00 it."})
    api = client.post(f"/api/v1/people/{TEAMMATE_ID}/assessments", json={
        "kind": "manager", "levels": {"prompting": 2}, "version": int(version), "evidence": "Shipped\x00 it."})
    assert form.status_code == api.status_code == 422
    message = "Evidence cannot contain a null character"
    assert message in form.get_data(as_text=True)
    assert message in api.get_json()["error"]["detail"]


@pytest.mark.parametrize("path", ["/login", "/org", "/account", "/me", "/rubric"])
def test_pages_are_never_kept_in_a_cache(client, login, path):
    if path != "/login":
        login("individual" if path == "/me" else "hr")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_showing_a_new_api_token_is_never_kept_in_a_cache(login):
    response = login("manager").post("/account")
    assert "shown only this once" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_stylesheets_and_scripts_stay_cacheable(client):
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


@pytest.fixture
def production(database, monkeypatch):
    monkeypatch.setenv("PLANNER_TRUSTED_HOSTS", "planner.example.com")
    app = make_test_app(database, PLANNER_ENV="production")
    yield app
    app.extensions["planner_engine"].dispose()


def test_the_https_redirect_never_follows_a_forged_host_header(production):
    client = production.test_client()
    forged = client.get("/login", base_url="http://evil.example")
    assert forged.status_code == 400
    assert "evil.example" not in forged.headers.get("Location", "")
    honest = client.get("/login", base_url="http://planner.example.com")
    assert honest.status_code == 302
    assert honest.headers["Location"] == "https://planner.example.com/login"


def test_production_refuses_to_start_redirecting_to_https_without_trusted_hosts(database):
    with pytest.raises(RuntimeError, match="PLANNER_TRUSTED_HOSTS"):
        make_test_app(database, PLANNER_ENV="production")


def test_a_served_planner_refuses_each_fast_and_its_workers_survive(tmp_path, figure):
    database_url = f"sqlite:///{tmp_path / 'planner.sqlite'}"
    seed_demo_database(database_url)
    with AppServer(database_url, tmp_path / "gunicorn.log") as server:
        workers = server.worker_pids()
        hr = sign_in(server.base_url, ACCOUNTS["hr"], DEMO_PASSWORD)
        manager = sign_in(server.base_url, ACCOUNTS["manager"], DEMO_PASSWORD)
        page = manager.get(f"{server.base_url}/team/people/{TEAMMATE_ID}", timeout=30).text
        form = {"csrf_token": hidden_fields(page)["csrf_token"], "prompting": "2", "started": ""}
        api_headers = {"X-CSRFToken": hr.csrf, "Content-Type": "application/json"}
        hostile = {
            "1 dotted key of 100,000 parts": lambda: hr.post(
                f"{server.base_url}/rubric/upload", data={"csrf_token": hr.csrf},
                files={"rubric": ("edited.toml", DOTTED_BOMB.encode())}, timeout=60),
            "2 a million people at a stage": lambda: hr.post(
                f"{server.base_url}/rubric/upload", data={"csrf_token": hr.csrf}, timeout=60,
                files={"rubric": ("edited.toml", rubric_source().replace("min_builders_before_l3 = 2",
                                                                          "min_builders_before_l3 = 1000000"))}),
            "3 JSON nested 100,000 deep": lambda: hr.post(
                f"{server.base_url}/api/v1/org/plan", data=DEEP_JSON, headers=api_headers, timeout=60),
            "4 a 17 MB form body": lambda: manager.post(
                f"{server.base_url}/team/people/{TEAMMATE_ID}", data=b"evidence=" + b"x" * OVERSIZED,
                headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=60),
            "5 version 2^63": lambda: manager.post(
                f"{server.base_url}/team/people/{TEAMMATE_ID}",
                data={**form, "version": str(2**63), "evidence": "Shipped it."}, timeout=60),
            "7 evidence with a NUL byte": lambda: manager.post(
                f"{server.base_url}/team/people/{TEAMMATE_ID}",
                data={**form, "version": hidden_fields(page)["version"], "evidence": "a\x00b"}, timeout=60),
        }
        expected = {"1": 422, "2": 422, "3": 422, "4": 413, "5": 422, "7": 422}
        for name, send in hostile.items():
            started = time.perf_counter()
            answer = send()
            elapsed = time.perf_counter() - started
            assert answer.status_code == expected[name[0]], (name, answer.status_code)
            assert elapsed < 5, (name, elapsed)
            figure(f"time to refuse: {name}", f"{elapsed * 1000:.0f} ms ({answer.status_code})")
        assert manager.get(f"{server.base_url}/me", timeout=30).status_code == 200  # still answering
        assert server.worker_pids() == workers
        figure("workers killed or replaced by the hostile requests", 0)
        assert server.unhandled_errors() == []


def test_a_json_import_with_a_lone_surrogate_is_one_error_line_and_exit_2(tmp_path):
    path = tmp_path / "people.json"
    path.write_text('[{"employee_id": "E1", "name": "\\ud800x", "email": "a@b.example", "team": "t", '
                    '"track": "business", "manager_id": "", "prompting": 1}]')
    database = tmp_path / "planner.sqlite"
    runner = CliRunner(env={"PLANNER_DATABASE_URL": f"sqlite:///{database}"})
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    for args in (["import", str(path), "--org", "Acme"], ["assess", str(path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            "planner: people.json: row 1: not valid text: \\ud800 is half of a character (a lone UTF-16 surrogate)"]
