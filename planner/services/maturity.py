"""Organisational practice maturity: questionnaire answers, KPI tracking, and the three-ladder report.

Answers and KPI readings are kept per organisation ("" in results) and per team,
with history (append-only). HR answers for anyone; a manager answers for the
teams they manage; everyone signed in may see the organisation's levels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlmodel import Session

from planner.db import repository
from planner.db.tables import utcnow
from planner.domain.practices import (
    AnswerError,
    KpiReading,
    KpiSeries,
    MaturityReport,
    PracticeResult,
    PracticeRubric,
    maturity_report,
    parse_answers,
    reading_problems,
    score_practices,
)
from planner.domain.sequencing import plan_hiring
from planner.loaders import load_practice_rubric
from planner.services.access import Forbidden, Hidden, Scope
from planner.services.errors import ServiceError
from planner.services.transactions import writing
from planner.services.workspaces import visible_assessment, visible_teams

__all__ = ["ORGANISATION", "InvalidReading", "MaturityView", "maturity_view", "practice_rubric", "record_kpi", "save_answers"]

#: The key for organisation-wide answers and KPIs (teams use their slug).
ORGANISATION = ""


class InvalidReading(ServiceError):
    """A KPI reading that cannot be right; `problems` pairs each form field with a message to show."""

    def __init__(self, problems: tuple[tuple[str, str], ...]) -> None:
        super().__init__(" ".join(message for _, message in problems))
        self.problems = problems


@lru_cache(maxsize=1)
def practice_rubric() -> PracticeRubric:
    return load_practice_rubric()


@dataclass(frozen=True, slots=True)
class MaturityView:
    """What the maturity page shows the caller."""

    organisation: PracticeResult
    report: MaturityReport
    #: Per team the caller may see: its own answers scored on both ladders.
    teams: dict[str, PracticeResult]
    team_names: dict[str, str]
    kpis: tuple[KpiSeries, ...]
    #: The stored answers per scope, to prefill the questionnaire.
    answers: dict[str, dict[str, str]]
    editable: tuple[str, ...]


def _editable_scopes(scope: Scope, team_slugs: list[str]) -> tuple[str, ...]:
    if scope.role == "hr":
        return (ORGANISATION, *team_slugs)
    if scope.role == "manager":
        return tuple(s for s in team_slugs if s in scope.managed_teams)
    return ()


def _require_editable(scope: Scope, team: str, known: list[str]) -> None:
    if team != ORGANISATION and (team not in known or not scope.can_view_team(team)):
        raise Hidden(f"no team {team!r}")
    if team not in _editable_scopes(scope, known):
        raise Forbidden("only HR, or the manager of that team, may record its practices and KPIs")


def _series(rubric: PracticeRubric, rows, visible: set[str]) -> tuple[KpiSeries, ...]:
    """Build a series per (scope, KPI) from stored readings: the latest baseline, then later readings."""
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for team, kpi, recorded_on, value, is_baseline in rows:
        if team in visible and kpi in rubric.kpis:
            grouped[team, kpi].append((recorded_on, value, is_baseline))
    series = []
    for (team, kpi), readings in sorted(grouped.items()):
        baselines = [r for r in readings if r[2]]
        if not baselines:
            continue
        base_on, base_value, _ = baselines[-1]
        later = {on: value for on, value, flag in readings if not flag and on > base_on}
        series.append(KpiSeries(team, rubric.kpis[kpi], KpiReading(base_on, base_value),
                                tuple(KpiReading(on, v) for on, v in sorted(later.items()))))
    return tuple(series)


def maturity_view(session: Session, scope: Scope) -> MaturityView:
    """The organisation's practice levels for everyone; team detail, KPIs and the plan by role."""
    rubric = practice_rubric()
    teams = visible_teams(session, scope)
    all_teams = [t.slug for t in repository.load_teams(session, organisation_id=scope.organisation_id)]
    stored = repository.current_answers(session, organisation_id=scope.organisation_id)
    organisation = score_practices(rubric, stored.get(ORGANISATION, {}))
    if scope.role == "hr":
        assessment = visible_assessment(session, scope)
        report = maturity_report(organisation, assessment, plan_hiring(assessment))
    else:
        report = maturity_report(organisation)
    visible = {ORGANISATION, *(t.slug for t in teams)} if scope.role in ("hr", "manager") else set()
    return MaturityView(
        organisation=organisation,
        report=report,
        teams={t.slug: score_practices(rubric, stored.get(t.slug, {})) for t in teams},
        team_names={t.slug: t.name for t in teams},
        kpis=_series(rubric, repository.kpi_readings(session, organisation_id=scope.organisation_id), visible),
        answers={k: v for k, v in stored.items() if k in visible},
        editable=_editable_scopes(scope, all_teams),
    )


def save_answers(session: Session, scope: Scope, team: str, answers: Mapping[str, str]) -> PracticeResult:
    """Record the answers that changed for the organisation ("") or a team; return the new scoring.

    Raises `ServiceError` naming the bad key for unknown practices or values.
    """
    rubric = practice_rubric()
    known = {t.slug: t for t in repository.load_teams(session, organisation_id=scope.organisation_id)}
    _require_editable(scope, team, list(known))
    try:
        checked = parse_answers(rubric, answers)
    except AnswerError as exc:
        raise ServiceError("; ".join(f"{key}: {problem}" for key, problem in exc.problems)) from None
    team_ids = repository.team_ids(session, organisation_id=scope.organisation_id)
    with writing(session):
        current = repository.current_answers(session, organisation_id=scope.organisation_id).get(team, {})
        changed = {pid: str(a) for pid, a in checked.items() if current.get(pid, "no") != str(a)}
        now = utcnow()
        repository.add_answers(session, rows=[
            {"organisation_id": scope.organisation_id, "team_id": team_ids.get(team), "practice_id": pid,
             "answer": answer, "answered_by": scope.email, "answered_by_user_id": scope.account_id, "created_at": now}
            for pid, answer in changed.items()
        ])
        repository.add_audit(session, actor=scope.email, actor_user_id=scope.account_id,
                             organisation_id=scope.organisation_id, action="practices.answer", entity="team",
                             entity_id=team or "organisation", before={p: current.get(p, "no") for p in changed},
                             after=changed, at=now)
    return score_practices(rubric, {**current, **checked})


def record_kpi(session: Session, scope: Scope, team: str, kpi: str, recorded_on: date, value: float,
               is_baseline: bool) -> None:
    """Record a KPI value (or its baseline) for the organisation ("") or a team.

    A reading needs a baseline recorded before it: change is measured against it.
    """
    rubric = practice_rubric()
    known = [t.slug for t in repository.load_teams(session, organisation_id=scope.organisation_id)]
    _require_editable(scope, team, known)
    if kpi not in rubric.kpis:
        raise InvalidReading((("kpi", "Choose one of the KPIs in the list."),))
    if not math.isfinite(value):
        raise InvalidReading((("value", "Enter a number."),))
    problems = reading_problems(rubric.kpis[kpi], recorded_on, value, utcnow().date())
    if problems:
        raise InvalidReading(problems)
    with writing(session):
        earlier = [r for r in repository.kpi_readings(session, organisation_id=scope.organisation_id)
                   if r[0] == team and r[1] == kpi and r[4]]
        if not is_baseline and not any(on < recorded_on for _, _, on, _, _ in earlier):
            raise InvalidReading((("recorded_on", f"{rubric.kpis[kpi].name} has no baseline dated before this day: "
                                                  "record the baseline first, then later readings."),))
        repository.add_kpi_readings(session, rows=[{
            "organisation_id": scope.organisation_id,
            "team_id": repository.team_ids(session, organisation_id=scope.organisation_id).get(team),
            "kpi": kpi, "recorded_on": recorded_on, "value": value, "is_baseline": is_baseline,
            "recorded_by": scope.email,
        }])
        repository.add_audit(session, actor=scope.email, actor_user_id=scope.account_id,
                             organisation_id=scope.organisation_id, action="kpi.record", entity="team",
                             entity_id=team or "organisation",
                             after={"kpi": kpi, "recorded_on": recorded_on.isoformat(), "value": value,
                                    "is_baseline": is_baseline})
