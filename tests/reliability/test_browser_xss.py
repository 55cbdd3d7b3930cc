"""In a real browser, no injected script runs: markup imported as names and typed as evidence stays text.

Debian's Chromium through Playwright, with the browser suite's fixtures
(tests/browser/conftest.py): a live server on a private copy of the demo
database, CSRF on, and a failure for any CSP violation, script error or off-site
request. Every payload here would set ``window.__xss``, open a dialog or fetch
from evil.example if it ran; the test listens for all three on every page.
Skipped without /usr/bin/chromium, unless PLANNER_TEST_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser.conftest import (  # noqa: F401  (the browser suite's fixtures)
    browser,
    browser_log,
    live_server,
    new_page,
    page,
    playwright,
    sign_in,
)
from planner.db import repository
from planner.services.assessments import record_assessment
from planner.services.people import import_people
from planner.services.transactions import Actor
from planner.web.database import get_session
from storage.support import people_csv

from .conftest import INDIVIDUAL_ID, MANAGER_ID, TEAMMATE_ID

pytestmark = pytest.mark.browser

FLAG = "window.__xss=(window.__xss||0)+1"
PAYLOADS = [
    f"<script>{FLAG}</script>",
    f"<img src=x onerror=\"{FLAG}\">",
    f"\"><svg onload=\"{FLAG}\">",
    "<img src=\"https://evil.example/pixel.png\">",
    f"</td></tr></table><script>{FLAG}</script>",
    "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
    "<style>body{display:none}</style>",
    f"javascript:{FLAG}",
]
HOSTILE_TEAM = f"q\"><img src=x onerror=\"{FLAG}\">"


def plant(live_server) -> None:
    """Import people named with the payloads, and save each payload as evidence (manager and self)."""
    with live_server.app.app_context():
        session = get_session()
        people = [{"employee_id": f"X{n}", "name": p, "team": "platform", "track": "software_engineer",
                   "manager_id": MANAGER_ID, "evaluation": 2} for n, p in enumerate(PAYLOADS)]
        people.append({"employee_id": "X99", "name": "Quinn Quote", "team": HOSTILE_TEAM, "track": "business",
                       "manager_id": MANAGER_ID})
        import_people(session, source="hostile.csv", raw=people_csv(people), organisation="Meridian Freight",
                      actor=Actor("test"))
        org = repository.find_organisation(session)
        for employee_id, kind in ((TEAMMATE_ID, "manager"), (INDIVIDUAL_ID, "self")):
            for payload in PAYLOADS:
                version = repository.get_person(session, organisation_id=org.id, employee_id=employee_id).version
                record_assessment(session, organisation_id=org.id, employee_id=employee_id, expected_version=version,
                                  levels={"evaluation": 3}, kind=kind, evidence=payload, actor=Actor("test"))


NAMES = PAYLOADS[:-1]  # a name is shown as it is; evidence too (the last one is a script link)


@pytest.mark.parametrize(("role", "visits"), [
    ("hr", {"/team?team=platform": NAMES, f"/team/people/{TEAMMATE_ID}": PAYLOADS, "/team/people/X1": [PAYLOADS[1]],
            "/org": [], "/hiring": [], "/hiring/print": [], "/api/v1/people": []}),
    ("manager", {"/team": NAMES, f"/team/people/{TEAMMATE_ID}": PAYLOADS, f"/team/people/{INDIVIDUAL_ID}": PAYLOADS,
                 "/team/people/X99": []}),
    ("individual", {"/me": PAYLOADS, "/me/self-assessment": []}),
])
def test_no_injected_script_runs_in_chromium_on_any_page_that_shows_hostile_names_or_evidence(
        page, sign_in, live_server, browser_log, role, visits):
    plant(live_server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(role)
    for path, shown in visits.items():
        page.goto(path)
        expect(page.locator("body")).to_be_visible()
        assert page.evaluate("window.__xss === undefined"), f"a payload ran on {path}"
        assert page.locator("a[href^='javascript:' i], iframe, img[src='x']").count() == 0, path
        text = page.locator("body").inner_text()
        assert [p for p in shown if p not in text] == [], f"{path} does not show every payload as text"
    assert dialogs == []
    assert browser_log.off_site == []  # the evil.example pixel was never requested
