"""Browser tests: Debian's Chromium, driven by Playwright, against the real app on a loopback port.

Each test gets its own server on a private copy of the seeded demo database, so
a test that saves something never changes what another one sees. The server is
the app as people get it: CSRF on (forms carry their tokens), security headers
and CSP on; only sign-in throttling is off, since every test signs in.

Every test fails if a page breaks the Content Security Policy, throws a script
error, asks for anything off 127.0.0.1 (the app works offline, with no CDN), or
makes the server raise.

Without /usr/bin/chromium these tests skip, unless PLANNER_TEST_REQUIRE_BROWSER=1
(CI sets it), when the missing browser is a failure. Run only these with
``pytest -m browser``, or everything else with ``pytest -m "not browser"``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import got_request_exception
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from app.conftest import (  # noqa: F401  (the session's seeded database, shared with the other web tests)
    ACCOUNTS,
    DEMO_PASSWORD,
    copy_database,
    make_test_app,
    seeded_database,
    smtp_server,
)
from planner.loaders import PROJECT_ROOT

#: Debian's Chromium (PLANNER_TEST_CHROMIUM points elsewhere, e.g. on another distribution).
CHROMIUM = Path(os.environ.get("PLANNER_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
REQUIRE_BROWSER = os.environ.get("PLANNER_TEST_REQUIRE_BROWSER") == "1"
#: Desktop viewport: the README's screenshots are this wide and one viewport high.
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
#: Where each role lands after signing in.
HOME = {"hr": "/org", "manager": "/team", "individual": "/me"}
#: The workspace pages each role opens (the pages the console and layout checks visit).
WORKSPACES = {
    "hr": ["/org", "/hiring", "/hiring/print", "/team", "/team/people/E1014", "/me", "/maturity",
           "/maturity/questionnaire", "/maturity/kpis", "/rubric", "/account"],
    "manager": ["/team", "/team/people/E1014", "/me", "/me/self-assessment", "/maturity", "/maturity/questionnaire",
                "/maturity/kpis", "/rubric"],
    "individual": ["/me", "/me/self-assessment", "/maturity", "/rubric", "/account"],
}
#: Auto-wait limit for actions and expect(): generous for a busy 2-core CI box; no test sleeps.
TIMEOUT_MS = 10_000
#: Any request that is not for the test server.
OFF_SITE = re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:)")


def pytest_collection_modifyitems(items) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(f"PLANNER_TEST_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"browser tests need Debian's Chromium: {reason}")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class LiveServer:
    """The app serving on 127.0.0.1, and the exceptions it raised while serving."""

    url: str
    app: object
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def live_server_config() -> dict:
    """Configuration the live server adds to its own (a test module overrides this, e.g. for an SMTP server)."""
    return {}


@pytest.fixture
def live_server(seeded_database, tmp_path, live_server_config) -> Iterator[LiveServer]:
    """The real app on a free loopback port, on a private copy of the demo database."""
    database = copy_database(seeded_database, tmp_path / "planner.sqlite")
    app = make_test_app(database, TESTING=False, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False,
                        SECRET_KEY="browser-test-secret", **live_server_config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", app)

    def record(_sender, exception, **_extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        got_request_exception.disconnect(record, app)
        app.extensions["planner_engine"].dispose()
    assert not live.errors, f"the server raised while serving the test: {live.errors!r}"


@dataclass
class BrowserLog:
    """What the pages of a test reported: console errors, uncaught exceptions, off-site requests."""

    errors: list[str] = field(default_factory=list)
    off_site: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]

    def script_errors(self) -> list[str]:
        return [e for e in self.errors if e.startswith("uncaught:")]


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def new_page(browser, live_server, browser_log) -> Iterator[Callable[..., object]]:
    """Factory: a tab in a fresh browser context (its own cookies), e.g. ``new_page(viewport=PHONE)``.

    Two calls give two people at two computers.
    """
    contexts = []

    def block(route) -> None:
        browser_log.off_site.append(route.request.url)
        route.abort()

    def open_page(viewport: dict = DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, accept_downloads=True,
                                      locale="en-GB", timezone_id="UTC", reduced_motion="reduce")
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(OFF_SITE, block)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and browser_log.errors.append(message.text))
        page.on("pageerror", lambda error: browser_log.errors.append(f"uncaught: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not browser_log.csp_violations(), f"Content Security Policy violations: {browser_log.csp_violations()}"
    assert not browser_log.script_errors(), f"script errors: {browser_log.script_errors()}"
    assert not browser_log.off_site, f"pages asked for something off the site: {browser_log.off_site}"


@pytest.fixture
def page(new_page):
    """A fresh desktop tab (1280 × 800)."""
    return new_page()


@pytest.fixture
def sign_in(page, live_server) -> Callable[..., object]:
    """Sign in through the form, as a person does: ``sign_in("manager")`` (or an email; or on another tab).

    Waits until the role's home page shows, and returns the tab.
    """
    def sign_in(who: str, on=None, *, start: str = "/login"):
        tab = on or page
        tab.goto(start)
        tab.get_by_label("Email").fill(ACCOUNTS.get(who, who))
        tab.get_by_label("Password").fill(DEMO_PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        expect(tab.get_by_role("button", name="Sign out")).to_be_visible()
        if who in HOME and start == "/login":
            expect(tab).to_have_url(live_server.url + HOME[who])
        return tab

    return sign_in


@pytest.fixture
def screenshot(page) -> Callable[..., Path]:
    """Save the viewport as docs/screenshots/<name>.png for the README (the file is rewritten only if it changed)."""

    def save(name: str, on=None) -> Path:
        tab = on or page
        tab.evaluate("document.fonts.ready.then(() => true)")
        png = tab.screenshot(animations="disabled", caret="hide", scale="css")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if not path.exists() or path.read_bytes() != png:
            temp = path.with_name(f".{name}.{os.getpid()}.png")
            temp.write_bytes(png)
            temp.replace(path)
        return path

    return save
