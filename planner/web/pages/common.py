"""What the page blueprints share: sign-in on every route, the navigation, downloads, the demo
sign-ins, and shaping domain results for the charts and tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask import Blueprint, Response, current_app, url_for
from flask_login import current_user, login_required

from planner.domain.assessments import SCORED_KINDS, AssessmentEntry, level_history
from planner.domain.model import DOMAINS, LEVELS, Rubric
from planner.domain.rubric import RubricError
from planner.domain.staging import OrgAssessment
from planner.loaders import read_toml, seed_dir
from planner.services.exports import Export
from planner.web.auth import current_scope

__all__ = [
    "AssessmentRound",
    "DemoSignIns",
    "assessment_rounds",
    "attachment",
    "demo_sign_ins",
    "domain_names",
    "domain_series",
    "level_series",
    "level_titles",
    "navigation",
    "team_mix",
    "workspace_blueprint",
]


def workspace_blueprint(name: str, import_name: str, *roles: str) -> Blueprint:
    """A blueprint whose every route needs a signed-in user (and, given `roles`, one of them).

    The role check goes through `Scope.require_role`, so a refusal is a 403 that
    lands in the audit log like any other.
    """
    bp = Blueprint(name, import_name)

    @bp.before_request
    @login_required
    def _signed_in() -> None:
        if roles:
            current_scope().require_role(*roles)

    return bp


def navigation() -> dict:
    """`nav_items` for base.html: the workspaces the signed-in user's role opens."""
    if not current_user.is_authenticated:
        return {"nav_items": []}
    scope = current_user.scope
    items: list[tuple[str, str]] = []
    if scope.role == "hr":
        items += [("org.stage", "Organisation"), ("org.hiring", "Hiring plan"), ("team.overview", "Teams"),
                  ("roster.people", "People"), ("imports.start", "Import people"),
                  ("people.directory", "Find people")]
    elif scope.role == "manager":
        items += [("team.overview", "My teams" if len(scope.managed_teams) > 1 else "My team"),
                  ("people.directory", "People")]
    if scope.employee_id:
        items.append(("me.roadmap", "My roadmap"))
    items += [("maturity.overview", "Practice maturity"), ("rubric.matrix", "Skills matrix")]
    if scope.role == "hr":
        items.append(("users.overview", "Users"))
    items.append(("auth.account", "Account"))
    return {"nav_items": [{"href": url_for(endpoint), "label": label} for endpoint, label in items]}


def attachment(export: Export) -> Response:
    """A download of `export`, saved under its file name rather than shown."""
    return Response(export.content, mimetype=export.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})


@dataclass(frozen=True, slots=True)
class DemoSignIns:
    password: str
    #: (email, role) of each account.
    accounts: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def _seeded_sign_ins() -> DemoSignIns | None:
    try:
        demo = read_toml(seed_dir() / "organisation.toml").get("demo", {})
    except RubricError:  # read_toml's error for a missing or unreadable file: an install without seed data
        return None
    accounts = tuple((a["email"], a["role"]) for a in demo.get("accounts", []))
    return DemoSignIns(demo["password"], accounts) if accounts and demo.get("password") else None


def demo_sign_ins() -> DemoSignIns | None:
    """The demo accounts `planner seed` creates, for the sign-in page; never in production."""
    if current_app.config["PLANNER_ENV"] == "production":
        return None
    return _seeded_sign_ins()


def team_mix(assessment: OrgAssessment) -> dict[str, tuple[int, int, int]]:
    """Per team slug: (people, at L2 or above, at L3 or above), in one pass over the scores."""
    mix: dict[str, list[int]] = {}
    for score in assessment.scores:
        counts = mix.setdefault(score.person.team, [0, 0, 0])
        counts[0] += 1
        counts[1] += score.level >= 2
        counts[2] += score.level >= 3
    return {team: (people, builders, engineers) for team, (people, builders, engineers) in mix.items()}


def level_titles(rubric: Rubric) -> list[str]:
    return [rubric.level_title(n) for n in LEVELS]


def domain_names(rubric: Rubric) -> dict[str, str]:
    return {d.slug: d.name for d in rubric.domains}


@dataclass(frozen=True, slots=True)
class AssessmentRound:
    """The entries one person recorded at one moment: what a reader calls "an assessment"."""

    at: datetime
    kind: str
    assessor: str
    evidence: str
    rubric_version: str | None
    levels: dict[str, int]


def assessor_name(label: str) -> str:
    """An assessor as people read it: an account's email as it is; a command-line user (``cli:root``) in words."""
    source, _, user = label.partition(":")
    return f"{user}, from the command line" if source == "cli" and user else label


def assessment_rounds(history: Iterable[AssessmentEntry]) -> list[AssessmentRound]:
    """Group a person's history into assessments, newest first."""
    rounds: dict[tuple, AssessmentRound] = {}
    for entry in history:
        key = (entry.at, entry.kind, entry.assessor)
        if key not in rounds:
            rounds[key] = AssessmentRound(entry.at, entry.kind, assessor_name(entry.assessor), entry.evidence,
                                          entry.rubric_version, {})
        rounds[key].levels[entry.domain] = entry.level
    return sorted(rounds.values(), key=lambda r: r.at, reverse=True)


def _by_day(points: Iterable[tuple[datetime, int | None]]) -> list[tuple[date, int | None]]:
    """One point per calendar day (the day's last), as the history chart plots days."""
    days: dict[date, int | None] = {}
    for moment, level in points:
        days[moment.date()] = level
    return sorted(days.items())


def level_series(rubric: Rubric, history: Sequence[AssessmentEntry]) -> dict[str, list[tuple[date, int | None]]]:
    """The person's earned level after each scored assessment, for `charts.history`."""
    points = _by_day(level_history(rubric, history))
    return {"overall": points} if points else {}


def domain_series(history: Sequence[AssessmentEntry]) -> dict[str, list[tuple[date, int | None]]]:
    """Each domain's scored level over time, in `DOMAINS` order, for `charts.history`."""
    series: dict[str, list[tuple[datetime, int | None]]] = {}
    for entry in sorted((e for e in history if e.kind in SCORED_KINDS), key=lambda e: e.at):
        series.setdefault(entry.domain, []).append((entry.at, entry.level))
    return {d: _by_day(series[d]) for d in DOMAINS if d in series}
