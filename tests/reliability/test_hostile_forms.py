"""Malicious values through the web: markup in imported names and teams, script links as evidence,
open-redirect ``next=`` values, and role or team fields smuggled into forms and API bodies.

Markup is checked structurally on every page that shows it: whatever was typed,
a page has no event-handler attribute, no inline script, no frame or object, and
no link or source with a scheme other than http(s) — so a payload that slipped
through would fail the test even if it were one nobody thought of.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from markupsafe import escape
from sqlalchemy import select

from planner.db import repository
from planner.db.tables import AssessmentRow, PersonRow, UserRow
from planner.services.imports import import_people
from planner.services.transactions import Actor
from planner.web.database import get_session
from storage.support import people_csv

from .conftest import ACCOUNTS, DEMO_PASSWORD, INDIVIDUAL_ID, MANAGER_ID, OTHER_TEAM_ID, TEAMMATE_ID
from .harness import hidden_fields

ORG = "Meridian Freight"
#: Payloads for names (imported) and evidence (typed into forms and the API).
XSS = [
    "<script>alert('name')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg/onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "{{ config }}{% print 7*7 %}",
]
#: A team slug that breaks out of an attribute if anything renders it raw.
HOSTILE_TEAM = "q\"><img src=x onerror=alert(2)>"
#: Evidence that must never become a live link.
SCRIPT_LINKS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://ok.example/\"onmouseover=\"alert(1)",
]
ALLOWED_SCHEMES = {"", "http", "https"}


class MarkupAudit(HTMLParser):
    """Everything on a page that could run script, and every URL it links to or loads."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.inline_scripts = 0
        self.embeds: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in found if name.startswith("on")]
        if tag == "script" and not (found.get("src") or "").startswith("/static/"):
            self.inline_scripts += 1
        if tag in ("iframe", "object", "embed", "base", "frame"):
            self.embeds.append(tag)
        self.urls += [found[a] or "" for a in ("href", "src", "action", "formaction", "xlink:href") if a in found]

    def bad_urls(self) -> list[str]:
        return [url for url in self.urls
                if urlsplit(url.strip()).scheme.lower() not in ALLOWED_SCHEMES or url != url.strip()]


def assert_inert(html: str) -> None:
    """No markup on the page can run script or load from a script scheme."""
    __tracebackhide__ = True
    audit = MarkupAudit()
    audit.feed(html)
    assert audit.handlers == [], audit.handlers
    assert audit.inline_scripts == 0
    assert audit.embeds == []
    assert audit.bad_urls() == []


@pytest.fixture
def hostile_people(app):
    """People with markup for names, one in a team whose slug is markup, all reporting to the demo manager."""
    people = [{"employee_id": f"X{n}", "name": payload, "team": "platform", "track": "software_engineer",
               "manager_id": MANAGER_ID, "evaluation": 2} for n, payload in enumerate(XSS)]
    people.append({"employee_id": "X99", "name": "Quinn Quote", "team": HOSTILE_TEAM, "track": "business",
                   "manager_id": MANAGER_ID, "strategy": 1})
    with app.app_context():
        import_people(get_session(), source="hostile.csv", raw=people_csv(people), organisation=ORG,
                      actor=Actor("test"))
    return people


@pytest.mark.parametrize("role", ["hr", "manager"])
def test_markup_imported_as_names_and_teams_renders_as_text_on_every_page(login, hostile_people, role):
    client = login(role)
    team = f"/team?team={quote(HOSTILE_TEAM)}"
    paths = ["/team?team=platform", team, "/team/people/X0", "/team/people/X99"]
    paths += ["/org", "/hiring", "/hiring/print", "/hiring/export.md"] if role == "hr" else ["/team", "/me"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            assert_inert(page)
        if response.mimetype != "text/markdown":
            assert [p for p in XSS + [HOSTILE_TEAM] if str(escape(p)) != p and p in page] == [], path
    heatmap = client.get("/team?team=platform").get_data(as_text=True)
    assert all(str(escape(payload)) in heatmap for payload in XSS)  # shown, as text (a template is not run)


def test_the_api_returns_imported_markup_verbatim_as_json_that_no_browser_sniffs_as_html(login, hostile_people):
    client = login("hr")
    for path in ["/api/v1/people", "/api/v1/people/X0", f"/api/v1/teams/{quote(HOSTILE_TEAM, safe='')}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    names = {p["employee_id"]: p["name"] for p in client.get("/api/v1/people").get_json()["people"]}
    assert [names[f"X{n}"] for n in range(len(XSS))] == XSS


def version_of(app, employee_id: str) -> int:
    with app.app_context():
        org = repository.find_organisation(get_session())
        return repository.get_person(get_session(), organisation_id=org.id, employee_id=employee_id).version


@pytest.mark.parametrize("evidence", XSS + SCRIPT_LINKS)
def test_evidence_typed_into_the_form_or_sent_to_the_api_is_never_live_markup_or_a_script_link(app, login, evidence):
    client = login("manager")
    form = hidden_fields(client.get(f"/team/people/{TEAMMATE_ID}").get_data(as_text=True))
    saved = client.post(f"/team/people/{TEAMMATE_ID}", data={**form, "evidence": evidence, "evaluation": "3"})
    assert saved.status_code == 302
    api = client.post(f"/api/v1/people/{TEAMMATE_ID}/assessments", json={
        "levels": {"security": 2}, "evidence": evidence, "kind": "manager",
        "version": version_of(app, TEAMMATE_ID)})
    assert api.status_code == 201
    page = client.get(f"/team/people/{TEAMMATE_ID}").get_data(as_text=True)
    assert_inert(page)
    assert page.count(str(escape(evidence.strip()))) >= 2  # both saves are shown (stored trimmed), as text
    history = client.get(f"/api/v1/people/{TEAMMATE_ID}/assessments").get_json()["assessments"]
    assert sum(entry["evidence"] == evidence.strip() for entry in history) >= 2


# --- open redirects -----------------------------------------------------------------------------

OFF_SITE_NEXT = [
    "//evil.example", "///evil.example", "https://evil.example", "http:evil.example", "https:/evil.example",
    "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\t/evil.example", " //evil.example",
    "//evil.example@127.0.0.1", "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>x</script>",
    "/\r\nLocation: https://evil.example", "%2F%2Fevil.example", "evil.example", "\u3000//evil.example",
]


def assert_on_site(location: str) -> None:
    __tracebackhide__ = True
    target = urlsplit(urljoin("http://planner.test/login", location))
    assert (target.scheme, target.netloc) == ("http", "planner.test"), location
    assert not any(ord(c) < 33 for c in location), repr(location)


@pytest.mark.parametrize("target", OFF_SITE_NEXT)
def test_signing_in_never_redirects_off_the_site_whatever_next_says(client, target):
    answer = client.post(f"/login?next={quote(target)}", data={
        "email": ACCOUNTS["manager"], "password": DEMO_PASSWORD, "next": target})
    assert answer.status_code == 302
    assert_on_site(answer.headers["Location"])
    assert answer.headers["Location"] == "/team"  # the manager's home, not the target
    again = client.get(f"/login?next={quote(target)}")  # already signed in: the same rule
    assert again.status_code == 302 and again.headers["Location"] == "/team"


@pytest.mark.parametrize("target", ["/hiring?target_stage=3", "/team/people/E1014", "/me#history"])
def test_a_next_path_on_the_site_is_followed(client, target):
    answer = client.post("/login", data={"email": ACCOUNTS["hr"], "password": DEMO_PASSWORD, "next": target})
    assert answer.headers["Location"] == target


# --- fields smuggled into forms and API bodies -------------------------------------------------

SMUGGLED = {"role": "hr", "team": "data", "team_id": "1", "employee_id": OTHER_TEAM_ID, "person_id": "1",
            "kind": "import", "assessor": "ceo@meridian.example", "organisation_id": "2", "manager_id": MANAGER_ID,
            "active": "0", "email": "attacker@evil.example"}


def rows(app, model, *where):
    with app.app_context():
        return get_session().execute(select(model).where(*where)).scalars().all()


def test_fields_smuggled_into_the_managers_form_are_ignored(app, login):
    client = login("manager")
    before = {p.employee_id: (p.team_id, p.version, p.manager_id) for p in rows(app, PersonRow)}
    accounts = {u.email: (u.role, u.person_id, u.active) for u in rows(app, UserRow)}
    form = hidden_fields(client.get(f"/team/people/{TEAMMATE_ID}").get_data(as_text=True))
    evidence = "smuggling attempt"
    assert client.post(f"/team/people/{TEAMMATE_ID}", data={
        **form, **SMUGGLED, "evidence": evidence, "strategy": "4"}).status_code == 302
    after = {p.employee_id: (p.team_id, p.version, p.manager_id) for p in rows(app, PersonRow)}
    changed = {e for e in before if before[e] != after[e]}
    assert changed == {TEAMMATE_ID}
    assert after[TEAMMATE_ID][0::2] == before[TEAMMATE_ID][0::2]  # same team, same manager; only the version moved
    assert {u.email: (u.role, u.person_id, u.active) for u in rows(app, UserRow)} == accounts
    [written] = rows(app, AssessmentRow, AssessmentRow.evidence == evidence)
    assert (written.kind, written.assessor, written.domain, written.level) == (
        "manager", ACCOUNTS["manager"], "strategy", 4)


def test_fields_smuggled_into_the_self_assessment_form_touch_only_my_own_self_view(app, login):
    client = login("individual")
    versions = {p.employee_id: p.version for p in rows(app, PersonRow)}
    mine = rows(app, PersonRow, PersonRow.employee_id == INDIVIDUAL_ID)[0]
    form = hidden_fields(client.get("/me/self-assessment").get_data(as_text=True))
    evidence = "self with smuggled fields"
    assert client.post("/me/self-assessment", data={
        **form, **SMUGGLED, "kind": "manager", "evidence": evidence, "security": "5"}).status_code == 302
    now = {p.employee_id: p.version for p in rows(app, PersonRow)}
    assert {e for e in versions if versions[e] != now[e]} == {INDIVIDUAL_ID}
    assert rows(app, PersonRow, PersonRow.employee_id == INDIVIDUAL_ID)[0].security == mine.security  # not scored
    [written] = rows(app, AssessmentRow, AssessmentRow.evidence == evidence)
    assert (written.kind, written.person_id) == ("self", mine.id)
    assert rows(app, UserRow, UserRow.email == ACCOUNTS["individual"])[0].role == "individual"


def test_fields_smuggled_into_the_account_page_change_nothing(app, login):
    client = login("individual")
    accounts = {u.email: (u.role, u.person_id, u.active, u.email) for u in rows(app, UserRow)}
    client.post("/account", data=SMUGGLED)
    assert {u.email: (u.role, u.person_id, u.active, u.email) for u in rows(app, UserRow)} == accounts


@pytest.mark.parametrize("body", [
    {"levels": {"role": 1}},
    {"levels": {"evaluation": 2, "team": 1}},
    {"kind": "import"},
    {"levels": {"evaluation": 2}, "assessor": "ceo@meridian.example"},
    {"levels": {"evaluation": 2}, "employee_id": OTHER_TEAM_ID},
])
def test_fields_smuggled_into_an_api_assessment_are_refused_with_422_and_nothing_written(app, login, body):
    client = login("manager")
    version = version_of(app, TEAMMATE_ID)
    request = {"levels": {"evaluation": 2}, "evidence": "api smuggling", "kind": "manager", "version": version, **body}
    answer = client.post(f"/api/v1/people/{TEAMMATE_ID}/assessments", json=request)
    assert answer.status_code == 422, answer.get_json()
    assert version_of(app, TEAMMATE_ID) == version
    assert rows(app, AssessmentRow, AssessmentRow.evidence == "api smuggling") == []
