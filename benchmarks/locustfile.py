"""Locust users of the three roles for `benchmarks/load.py` (run it, not this file).

Every user signs in through the form, reads what its role reads, and saves
assessments with the version it read (pages and API alike). Each save attempt is
appended to the ledger file; every answer's status and time to the stats file;
`load.py` checks the database against the ledger afterwards. Configured by
environment variables that `load.py` sets:

* ``PLANNER_LOAD_ACCOUNTS``: JSON ``{role: [{"email", "employee_id"}]}``, password in ``PLANNER_LOAD_PASSWORD``;
* ``PLANNER_LOAD_LEDGER`` and ``PLANNER_LOAD_STATS``: where to write;
* ``PLANNER_LOAD_MAX_REQUESTS``: stop after this many requests, whatever the run time.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from reliability.harness import Attempt, Ledger, hidden_fields, new_token  # noqa: E402

DOMAINS = ("prompting", "apis_integration", "rag_retrieval", "evaluation", "observability", "security",
           "governance", "strategy")
ACCOUNTS: dict[str, list[dict]] = json.loads(Path(os.environ["PLANNER_LOAD_ACCOUNTS"]).read_text())
PASSWORD = os.environ["PLANNER_LOAD_PASSWORD"]
LEDGER = Ledger(Path(os.environ["PLANNER_LOAD_LEDGER"]))
MAX_REQUESTS = int(os.environ.get("PLANNER_LOAD_MAX_REQUESTS", "100000"))
#: (seconds since the start, request name, status or None for a connection error, milliseconds)
RESPONSES: list[tuple[float, str, int | None, float]] = []
STARTED = time.monotonic()
_next_account = {role: itertools.cycle(accounts) for role, accounts in ACCOUNTS.items()}
_environment = None


@events.init.add_listener
def keep_environment(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


@events.request.add_listener
def count(request_type, name, response_time, response, exception, **_kwargs) -> None:
    status = getattr(response, "status_code", None) or None
    RESPONSES.append((time.monotonic() - STARTED, f"{request_type} {name}", status, response_time))
    if len(RESPONSES) == MAX_REQUESTS:  # the request bound: stop every user, whatever the run time
        gevent.spawn(_environment.runner.quit)


@events.quitting.add_listener
def write_stats(**_kwargs) -> None:
    Path(os.environ["PLANNER_LOAD_STATS"]).write_text(json.dumps(RESPONSES))


class _Radios(HTMLParser):
    """The level choices a form offers: {domain: [levels that are not disabled]}."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, list[int]] = {}

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "radio" and found.get("name") in DOMAINS \
                and "disabled" not in found and (found.get("value") or "").isdigit():
            self.choices.setdefault(found["name"], []).append(int(found["value"]))


class PlannerUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        account = next(_next_account[self.role])
        self.employee_id = account["employee_id"]
        form = hidden_fields(self.client.get("/login", name="/login").text)
        self.client.post("/login", name="/login [sign in]", allow_redirects=False,
                         data={**form, "email": account["email"], "password": PASSWORD})
        self.csrf = hidden_fields(self.client.get("/account", name="/account").text).get("csrf_token", "")
        people = self.client.get("/api/v1/people", name="/api/v1/people").json()["people"]
        self.people = [p["employee_id"] for p in people if p["employee_id"] != self.employee_id]

    def save(self, employee_id: str, kind: str, levels: dict[str, int], send) -> None:
        """Send one save (`send(evidence)` returns the response) and log the attempt in the ledger."""
        evidence = new_token()
        with send(evidence) as response:
            if response.status_code in (302, 201, 409):
                response.success()  # a 409 is the optimistic lock doing its job: counted, not a failure
            LEDGER.add(Attempt(evidence, employee_id, kind, levels, response.status_code or None))

    def save_form(self, path: str, name: str, employee_id: str, kind: str) -> None:
        """Open an assessment form, change one or two levels, and submit it with the version it showed."""
        page = self.client.get(path, name=name)
        radios = _Radios()
        radios.feed(page.text)
        if not radios.choices:
            return
        domains = random.sample(sorted(radios.choices), min(2, len(radios.choices)))
        levels = {d: random.choice(radios.choices[d]) for d in domains}
        form = hidden_fields(page.text)
        self.save(employee_id, kind, levels, lambda evidence: self.client.post(
            path, name=f"{name} [save]", data={**form, **{d: str(v) for d, v in levels.items()}, "evidence": evidence},
            allow_redirects=False, catch_response=True))

    def save_api(self, employee_id: str, kind: str) -> None:
        path = f"/api/v1/people/{employee_id}/assessments"
        read = self.client.get(path, name="/api/v1/people/[id]/assessments")
        if read.status_code != 200:
            return
        levels = {d: random.randint(0, 5) for d in random.sample(DOMAINS, 2)}
        self.save(employee_id, kind, levels, lambda evidence: self.client.post(
            path, name="/api/v1/people/[id]/assessments [save]", headers={"X-CSRFToken": self.csrf},
            json={"levels": levels, "evidence": evidence, "kind": kind, "version": read.json()["version"]},
            catch_response=True))


class HrUser(PlannerUser):
    weight = 10
    role = "hr"

    @task(3)
    def organisation(self) -> None:
        self.client.get("/org")

    @task(2)
    def hiring_plan(self) -> None:
        self.client.get("/hiring")

    @task(1)
    def plan_api(self) -> None:
        self.client.get("/api/v1/org/plan?target_stage=3", name="/api/v1/org/plan")

    @task(1)
    def what_if(self) -> None:
        self.client.post("/api/v1/org/plan", name="/api/v1/org/plan [what-if]", headers={"X-CSRFToken": self.csrf},
                         json={"target_stage": 3, "hires": [{"level": 3, "domains": ["evaluation", "observability"]}]})

    @task(1)
    def a_team(self) -> None:
        self.client.get(f"/team?team={random.choice(['platform', 'apps', 'data', 'product'])}", name="/team?team=")

    @task(1)
    def export(self) -> None:
        self.client.get("/hiring/export.csv")


class ManagerUser(PlannerUser):
    weight = 25
    role = "manager"

    @task(3)
    def team(self) -> None:
        self.client.get("/team")

    @task(3)
    def assess_in_the_page(self) -> None:
        if self.people:
            employee_id = random.choice(self.people)
            self.save_form(f"/team/people/{employee_id}", "/team/people/[id]", employee_id, "manager")

    @task(2)
    def assess_through_the_api(self) -> None:
        if self.people:
            self.save_api(random.choice(self.people), "manager")


class IndividualUser(PlannerUser):
    weight = 15
    role = "individual"

    @task(3)
    def my_roadmap(self) -> None:
        self.client.get("/me")

    @task(2)
    def self_assess(self) -> None:
        self.save_form("/me/self-assessment", "/me/self-assessment", self.employee_id, "self")

    @task(1)
    def roadmap_api(self) -> None:
        self.client.get(f"/api/v1/people/{self.employee_id}/roadmap", name="/api/v1/people/[id]/roadmap")

    @task(1)
    def rubric(self) -> None:
        self.client.get("/rubric")
