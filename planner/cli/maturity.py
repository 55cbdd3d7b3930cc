"""The `maturity` command: organisational practice maturity on AIMM and the seven-level model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from planner import maturity_reports
from planner.cli.common import emit_json, fail, fail_input, load_rubric_or_fail, pretty_option, rubric_option
from planner.domain.practices import Answer, KpiSeries, PracticeRubric, maturity_report, score_practices
from planner.domain.rubric import RubricError
from planner.domain.sequencing import plan_hiring
from planner.domain.staging import assess_org
from planner.loaders import (
    InputErrors,
    load_practice_rubric,
    read_answers,
    read_kpi_series,
    read_people,
    read_team_answers,
)

FILE = click.Path(dir_okay=True, path_type=str)


def _practice_rubric() -> PracticeRubric:
    try:
        return load_practice_rubric()
    except RubricError as exc:
        fail(str(exc))


def _answers(file: str, team: str | None, rubric: PracticeRubric) -> Mapping[str, Answer]:
    try:
        if team is None:
            return read_answers(file, rubric)
        by_team = read_team_answers(file, rubric)
    except InputErrors as errors:
        fail_input(errors)
    if team not in by_team:
        fail(f"{click.format_filename(file, shorten=True)}: no team {team!r} (teams: {', '.join(by_team)})")
    return by_team[team]


def _skills(people_file: str, team: str | None, rubric_path: str | None) -> tuple[Any, Any]:
    """The EAISM assessment of the people (of `team` only, when given) and its next-stage hiring plan."""
    rubric = load_rubric_or_fail(rubric_path)
    try:
        people = read_people(people_file)
    except InputErrors as errors:
        fail_input(errors)
    if team is not None:
        people = [p for p in people if p.team == team]
        if not people:
            fail(f"{click.format_filename(people_file, shorten=True)}: nobody in team {team!r}")
    assessment = assess_org(rubric, people)
    return assessment, plan_hiring(assessment)


def _kpis(kpi_file: str, team: str | None, rubric: PracticeRubric) -> list[KpiSeries]:
    try:
        series = read_kpi_series(kpi_file, rubric)
    except InputErrors as errors:
        fail_input(errors)
    return [s for s in series if team is None or s.scope == team]


@click.command()
@click.argument("answers", required=False, type=FILE)
@click.option("--template", is_flag=True, help="Print the practice questionnaire instead of scoring answers.")
@click.option("--people", "people_file", type=FILE, default=None,
              help="People CSV/JSON: set the EAISM skills stage and hiring plan beside the practices.")
@click.option("--team", default=None,
              help='Score one team: ANSWERS is then {team: {practice id: answer}}, and --people is cut to the team.')
@click.option("--kpis", "kpi_file", type=FILE, default=None,
              help="KPI readings CSV (team,kpi,recorded_on,value,is_baseline): show change against baseline.")
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md", show_default=True)
@pretty_option
@rubric_option
def maturity(answers: str | None, template: bool, people_file: str | None, team: str | None,
             kpi_file: str | None, fmt: str, pretty: bool | None, rubric_path: str | None) -> None:
    """Place the organisation's AI practices on AIMM (1-5) and the seven-level model (1-7).

    ANSWERS is a JSON object {practice id: "yes" | "partial" | "no"}; unanswered
    practices count as "no". A level is held only when it and every level below
    it have enough practices in place. Run with --template for the questions.
    """
    rubric = _practice_rubric()
    if template:
        if answers is not None:
            fail("--template prints the questionnaire; it takes no ANSWERS file")
        if fmt == "json":
            emit_json(maturity_reports.template_list(rubric), pretty)
        else:
            click.echo(maturity_reports.template_markdown(rubric), nl=False)
        return
    if answers is None:
        fail("give an ANSWERS file to score, or --template for the questionnaire")
    result = score_practices(rubric, _answers(answers, team, rubric))
    assessment, plan = _skills(people_file, team, rubric_path) if people_file else (None, None)
    report = maturity_report(result, assessment, plan)
    series = _kpis(kpi_file, team, rubric) if kpi_file else []
    if fmt == "json":
        data = {"team": team, **maturity_reports.maturity_dict(report)}
        if kpi_file:
            data["kpi_tracking"] = [maturity_reports.kpi_series_dict(s) for s in series]
        emit_json(data, pretty)
    else:
        click.echo(maturity_reports.maturity_markdown(report, series, team))
