"""In a real browser, no injected script runs: markup imported as names and typed as evidence stays text.

Debian's Chromium through Playwright, launched as the browser suite launches it
(tests/browser/conftest.py), against its live server: the real app on a loopback
port, on a private copy of the demo database, with CSRF on. Every payload here
would set ``window.__xss``, open a dialog, fetch from evil.example or break the
Content Security Policy if it ran; the test listens for all four on every page.

Playwright runs in a thread of its own: the browser suite keeps one sync
Playwright open for the whole session on the main thread, and a second one may
not start beside it there. Skipped without /usr/bin/chromium, unless
PLANNER_TEST_REQUIRE_BROWSER=1 (CI), when that is a failure.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from browser.conftest import (  # noqa: F401  (live_server and its live_server_config are fixtures)
    CHROMIUM,
    CHROMIUM_ARGS,
    OFF_SITE,
    REQUIRE_BROWSER,
    TIMEOUT_MS,
    live_server,
    live_server_config,
)
from planner.db import repository
from planner.services.assessments import record_assessment
from planner.services.imports import import_people
from planner.services.transactions import Actor
from planner.web.database import get_session
from storage.support import people_csv

from .conftest import ACCOUNTS, DEMO_PASSWORD, INDIVIDUAL_ID, MANAGER_ID, TEAMMATE_ID

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
NAMES = PAYLOADS[:-1]  # shown as they are; the last one is a script link, for evidence
HOSTILE_TEAM = f"q\"><img src=x onerror=\"{FLAG}\">"
VISITS = {
    "hr": {"/team?team=platform": NAMES, f"/team/people/{TEAMMATE_ID}": PAYLOADS, "/team/people/X1": [PAYLOADS[1]],
           "/org": [], "/hiring": [], "/hiring/print": [], "/api/v1/people": []},
    "manager": {"/team": NAMES, f"/team/people/{TEAMMATE_ID}": PAYLOADS, f"/team/people/{INDIVIDUAL_ID}": PAYLOADS,
                "/team/people/X99": []},
    "individual": {"/me": PAYLOADS, "/me/self-assessment": []},
}


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


@dataclass
class Seen:
    """What the browser saw: anything here but `missing` empty means a payload ran or was lost."""

    ran: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    off_site: list[str] = field(default_factory=list)
    live_links: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def browse(base_url: str, role: str) -> Seen:
    """Sign in as `role` in a fresh Chromium, open each of its pages, and report what happened."""
    from playwright.sync_api import sync_playwright

    seen = Seen()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base_url)
            context.set_default_timeout(TIMEOUT_MS)
            context.route(OFF_SITE, lambda route: (seen.off_site.append(route.request.url), route.abort()))
            page = context.new_page()
            page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
            page.on("console", lambda message: message.type == "error" and seen.console.append(message.text))
            page.on("pageerror", lambda error: seen.console.append(f"uncaught: {error}"))
            page.goto("/login")
            page.get_by_label("Email").fill(ACCOUNTS[role])
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Sign out").wait_for()
            for path, shown in VISITS[role].items():
                page.goto(path)
                if page.evaluate("window.__xss !== undefined"):
                    seen.ran.append(path)
                if page.locator("a[href^='javascript:' i], iframe, img[src='x']").count():
                    seen.live_links.append(path)
                text = page.locator("body").inner_text()
                seen.missing += [f"{path}: {p}" for p in shown if p not in text]
        finally:
            browser.close()
    return seen


@pytest.mark.parametrize("role", list(VISITS))
def test_no_injected_script_runs_in_chromium_on_any_page_that_shows_hostile_names_or_evidence(live_server, role):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(f"PLANNER_TEST_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    plant(live_server)
    with ThreadPoolExecutor(1) as thread:
        seen = thread.submit(browse, live_server.url, role).result(timeout=300)
    assert seen.ran == [] and seen.dialogs == []
    assert [m for m in seen.console if "Content Security Policy" in m or m.startswith("uncaught:")] == []
    assert seen.off_site == [] and seen.live_links == []
    assert seen.missing == []  # every payload is on its page, as text
