"""Shape practice-maturity results for people and programs: JSON-ready dicts and Markdown.

The CLI's `maturity` command, the API and the web pages call these, so the same
question always gets an answer of the same shape (as `planner.reports` does for
skills).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from planner.domain.practices import (
    AIMM,
    FINDING_TITLES,
    SEVEN,
    KpiSeries,
    KpiSpec,
    LadderPosition,
    MaturityReport,
    PracticeResult,
    PracticeRubric,
    Risk,
)
from planner.domain.staging import Finding
from planner.reports import _table, stage_dict

__all__ = [
    "kpi_series_dict",
    "maturity_dict",
    "maturity_markdown",
    "position_dict",
    "practice_result_dict",
    "template_list",
    "template_markdown",
]


def template_list(rubric: PracticeRubric) -> list[dict[str, Any]]:
    """The questionnaire, one object per practice (`maturity --template --format json`)."""
    return [
        {"id": p.id, "question": p.question, "evidence": p.evidence, "theme": p.theme,
         "seven_level": p.seven_level, "aimm_level": p.aimm_level}
        for p in rubric.practices
    ]


def template_markdown(rubric: PracticeRubric) -> str:
    aimm, seven = rubric.ladder(AIMM), rubric.ladder(SEVEN)
    out = [
        "# Practice questionnaire",
        "",
        f"Answer each id with yes, partial or no in a JSON object. Levels: {seven.name} (1-{seven.top}) "
        f"and {aimm.name} (1-{aimm.top}); level 1 of each is the starting point and needs no practice, "
        "and a practice marked - under AIMM does not count there.",
        "",
        _table(["id", "7L", "AIMM", "theme", "question"],
               [[p.id, p.seven_level, "-" if p.aimm_level is None else p.aimm_level, p.theme, p.question]
                for p in rubric.practices], markdown=True),
    ]
    return "\n".join(out) + "\n"


def _findings(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [{"code": f.code, "title": FINDING_TITLES.get(f.code, f.code), "message": f.message} for f in findings]


def _risks(risks: Iterable[Risk]) -> list[dict[str, Any]]:
    return [{"model": r.ladder, "level": r.level, "ahead": r.ahead, "risk": r.text} for r in risks]


def _kpi_dict(kpi: KpiSpec) -> dict[str, Any]:
    return {"slug": kpi.slug, "name": kpi.name, "unit": kpi.unit, "lower_is_better": kpi.lower_is_better}


def position_dict(position: LadderPosition) -> dict[str, Any]:
    """One ladder's position: the level held, its shares, and what the next level still needs."""
    upcoming = position.next_level
    return {
        "level": position.level,
        "name": position.name,
        "of": position.ladder.top,
        "model": position.ladder.name,
        "definition": position.ladder.level(position.level).definition,
        "shares": {str(n): round(share, 3) for n, share in enumerate(position.shares, 1)},
        "reach": position.reach,
        "next_level": None if upcoming is None else {
            "level": upcoming.number,
            "name": upcoming.name,
            "missing": [p.id for p in position.missing],
        },
    }


def practice_result_dict(result: PracticeResult) -> dict[str, Any]:
    """Both ladder positions for one set of answers, with warnings and next actions (a team's view)."""
    return {
        "aimm": position_dict(result.aimm),
        "seven_level": position_dict(result.seven_level),
        "warnings": _findings(result.warnings),
        "risks": _risks(result.risks),
        "next_actions": list(result.next_actions),
    }


def maturity_dict(report: MaturityReport) -> dict[str, Any]:
    """The combined answer (`maturity --format json`); `eaism_stage` and `crosswalk` are null without people."""
    fit = report.fit
    return {
        **practice_result_dict(report.practices),
        "eaism_stage": None if report.assessment is None else stage_dict(report.assessment.stage),
        "crosswalk": None if fit is None else {slug: list(span) for slug, span in fit.ranges.items()},
        "mismatches": _findings(report.mismatches),
        "kpis": [_kpi_dict(k) for k in report.kpis],
        "governance_due": [{"model": c.ladder, "level": c.level, "control": c.text} for c in report.governance_due],
        "roadmap": [
            {"step": n, "quarter": s.quarter, "source": s.source, "title": s.title, "action": s.action}
            for n, s in enumerate(report.roadmap, 1)
        ],
    }


def _number(value: float) -> str:
    return f"{value:g}"


def kpi_series_dict(series: KpiSeries) -> dict[str, Any]:
    """A KPI's baseline and every later reading's change against it."""
    return {
        "team": series.scope,
        "kpi": _kpi_dict(series.kpi),
        "baseline": {"recorded_on": series.baseline.recorded_on.isoformat(), "value": series.baseline.value},
        "readings": [
            {
                "recorded_on": c.reading.recorded_on.isoformat(),
                "value": c.reading.value,
                "change": round(c.delta, 4),
                "change_percent": None if c.percent is None else round(c.percent, 1),
                "outcome": c.outcome,
            }
            for c in series.changes
        ],
    }


def _kpi_row(series: KpiSeries) -> list[str]:
    kpi, latest = series.kpi, (series.changes or (None,))[-1]
    if latest is None:
        return [series.scope or "(all)", kpi.name, _number(series.baseline.value), "-", "-", "-"]
    percent = "" if latest.percent is None else f" ({latest.percent:+.1f}%)"
    return [series.scope or "(all)", kpi.name, _number(series.baseline.value), _number(latest.reading.value),
            f"{latest.delta:+g}{percent}", latest.outcome]


def _bullets(findings: Sequence[Finding]) -> list[str]:
    return [f"- **{FINDING_TITLES.get(f.code, f.code)}**: {f.message}" for f in findings]


def _risk_lines(result: PracticeResult) -> list[str]:
    """The risks of the level held on each ladder, then those of the level ahead."""
    out = []
    for ahead, heading in ((False, "## Risks at the level held"), (True, "## Risks at the next level")):
        risks = [r for r in result.risks if r.ahead == ahead]
        if risks:
            ladders = result.rubric.ladders
            out += [heading, "", *(f"- {ladders[r.ladder].short} {r.level}: {r.text}" for r in risks), ""]
    return out


def maturity_markdown(report: MaturityReport, kpi_series: Sequence[KpiSeries] = (), team: str | None = None) -> str:
    """A short, headed report: positions, problems, what to measure and govern, then the roadmap."""
    positions = [[pos.ladder.name, f"{pos.level} of {pos.ladder.top}", pos.name]
                 for pos in report.practices.positions.values()]
    if report.assessment is not None:
        rubric, stage = report.assessment.rubric, report.assessment.stage
        positions.append([f"{rubric.name} (skills)", f"{stage.number} of {rubric.max_stage}", stage.name])
    title = f"# Practice maturity{f': team {team}' if team else ''}"
    out = [title, "", _table(["model", "level", "name"], positions, markdown=True), ""]
    for heading, findings in (("Warnings", report.practices.warnings), ("Mismatches", report.mismatches)):
        if findings:
            out += [f"## {heading}", "", *_bullets(findings), ""]
    out += _risk_lines(report.practices)
    out += ["## KPIs to track", "", _table(
        ["KPI", "unit", "better when"],
        [[k.name, k.unit, "lower" if k.lower_is_better else "higher"] for k in report.kpis], markdown=True), ""]
    ladders = report.practices.rubric.ladders
    out += ["## Governance due", "",
            *(f"- {ladders[c.ladder].short} {c.level}: {c.text}" for c in report.governance_due), ""]
    out += ["## Roadmap", ""]
    for step, actions in report.roadmap_groups:
        out += [f"Q{step.quarter}  {step.title}", *(f"  - {action}" for action in actions), ""]
    if kpi_series:
        out += ["## KPIs against baseline", "", _table(
            ["team", "KPI", "baseline", "latest", "change", "outcome"],
            [_kpi_row(s) for s in kpi_series], markdown=True), ""]
    return "\n".join(out)
