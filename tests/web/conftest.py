"""Fixtures for the design-system tests: the demo organisation, a bare Jinja environment, the gallery page.

The templates are rendered without Flask, as the issue's CSP and escaping
rules are properties of the templates themselves; ``url_for`` is a stub.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import Environment, FileSystemLoader

from planner.domain.careers import career_graph, roadmap
from planner.domain.model import LEVELS
from planner.domain.sequencing import plan_hiring
from planner.domain.staging import OrgAssessment, assess_org
from planner.loaders import PROJECT_ROOT, read_people
from planner.web import charts
from planner.web.dates import day_text

HERE = Path(__file__).parent


def make_env(**globals_) -> Environment:
    """An environment set up as Flask sets up its own: autoescaping on, templates/ first."""
    env = Environment(loader=FileSystemLoader([PROJECT_ROOT / "templates", HERE]), autoescape=True)
    env.globals["url_for"] = lambda endpoint, **values: f"static/{values['filename']}"
    env.filters["day"] = day_text
    env.globals.update(globals_)
    return env


@pytest.fixture(scope="session")
def static_dir() -> Path:
    return PROJECT_ROOT / "planner" / "static"


@pytest.fixture(scope="session")
def env() -> Environment:
    return make_env()


@pytest.fixture(scope="session")
def macro(env) -> Callable:
    """``macro("levels.html", "level_badge")(3)``: call one macro from templates/macros/."""
    def get(file: str, name: str) -> Callable:
        return getattr(env.get_template(f"macros/{file}").module, name)
    return get


@pytest.fixture(scope="session")
def people():
    return read_people(PROJECT_ROOT / "seed_data" / "people.csv")


@pytest.fixture(scope="session")
def assessment(rubric, people) -> OrgAssessment:
    return assess_org(rubric, people)


@pytest.fixture(scope="session")
def plan(assessment):
    return plan_hiring(assessment)


@pytest.fixture(scope="session")
def graph(rubric):
    return career_graph(rubric)


@pytest.fixture(scope="session")
def uma(assessment):
    """Uma Patel, the demo individual: an L2 software engineer with gaps to L3."""
    return next(s for s in assessment.scores if s.person.employee_id == "E1015")


@pytest.fixture(scope="session")
def uma_roadmap(graph, rubric, uma):
    return roadmap(graph, rubric, uma.person.profile, uma.person.track, target_level=4)


@pytest.fixture(scope="session")
def level_titles(rubric):
    return [rubric.level_title(n) for n in LEVELS]


@pytest.fixture(scope="session")
def domain_names(rubric):
    return {d.slug: d.name for d in rubric.domains}


@pytest.fixture(scope="session")
def strategy_team(assessment):
    return [s for s in assessment.scores if s.person.team == "strategy"]


@pytest.fixture(scope="session")
def uma_history(uma):
    """A made-up history for Uma: two earlier assessments, one of which skipped governance."""
    days = (date(2025, 3, 10), date(2025, 9, 8), date(2026, 2, 2))
    now = uma.person.profile.as_dict()
    return days, {
        domain: [(days[0], None if domain == "governance" else max(0, level - 2)),
                 (days[1], max(0, level - 1)), (days[2], level)]
        for domain, level in now.items()
    }


@pytest.fixture(scope="session")
def gallery(rubric, assessment, plan, graph, uma, uma_roadmap, strategy_team, level_titles, domain_names, uma_history):
    """tests/web/gallery.html: every component on one page, in the page shell."""
    days, by_domain = uma_history
    requirement = uma.person.profile.raised(uma.next_level_gaps).as_dict()
    flashes = [("success", "Signed in as hr@meridian.example.")]
    env = make_env(get_flashed_messages=lambda with_categories=False: flashes)
    return env.get_template("gallery.html").render(
        organisation="Meridian Freight",
        request=SimpleNamespace(path="/org"),
        nav_items=[{"href": href, "label": label} for href, label in (
            ("/team", "My team"), ("/org", "Organisation"), ("/hiring", "Hiring plan"), ("/me", "My roadmap"),
            ("/rubric", "Skills matrix"))],
        rubric=rubric,
        assessment=assessment,
        plan=plan,
        uma=uma,
        level_titles=level_titles,
        person_url=lambda employee_id: f"/team/people/{employee_id}",
        team=charts.heatmap(strategy_team, rubric),
        pyramid=charts.pyramid(assessment.level_counts, level_titles),
        radar=charts.radar(uma.person.profile.as_dict(), requirement, domain_names),
        career=charts.career_map(graph, uma_roadmap.path, {t.slug: t.name for t in rubric.tracks}),
        overall=charts.history({"overall": [(days[0], 1), (days[1], 1), (days[2], 2)]}, {"overall": "EAISM level"}),
        by_domain=charts.history(by_domain, domain_names),
        nothing=charts.history({}),
    )
