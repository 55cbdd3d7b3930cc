"""File-mode analysis commands: assess, plan, roadmap, and rubric checks."""

from __future__ import annotations

import click

from planner.cli.common import emit_json, fail, fail_input, load_rubric_or_fail, pretty_option, rubric_option
from planner.collector import collector_paused
from planner.domain.model import TRACKS
from planner.domain.sequencing import PlanError, plan_hiring
from planner.domain.staging import assess_org
from planner.loaders import InputErrors, read_people
from planner import reports

PEOPLE_FILE = click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=str))
ORG_OPTION = click.option("--org", "organisation", default=None,
                          help="Without FILE: the organisation in the database (default: the only one).")


def _people(file: str):
    try:
        return read_people(file)
    except InputErrors as errors:
        fail_input(errors)


def _rubric_and_people(file: str | None, organisation: str | None, rubric_path: str | None):
    """From FILE when given (file mode), else the organisation stored in the database."""
    if file is not None:
        return load_rubric_or_fail(rubric_path), _people(file)
    from planner.cli.database import db_session, organisation_or_fail
    from planner.db.repository import load_people
    from planner.services.rubrics import organisation_rubric

    with db_session() as session:
        org = organisation_or_fail(session, organisation)
        rubric = load_rubric_or_fail(rubric_path) if rubric_path else organisation_rubric(
            session, organisation_id=org.id).rubric
        return rubric, load_people(session, organisation_id=org.id)


@click.command()
@PEOPLE_FILE
@click.option("--format", "fmt", type=click.Choice(["json", "md", "table"]), default="table", show_default=True)
@click.option("--people", "list_people", is_flag=True,
              help="List every person in the table or Markdown (otherwise only how many; JSON always lists them).")
@pretty_option
@ORG_OPTION
@rubric_option
@collector_paused()
def assess(file: str | None, fmt: str, list_people: bool, pretty: bool | None, organisation: str | None,
           rubric_path: str | None) -> None:
    """Score everyone in FILE and place the organisation on the stage ladder.

    FILE is a CSV (employee_id,name,email,team,track,manager_id and the eight
    domain columns, levels 0-5, blank for not assessed) or a JSON list of the same.
    Without FILE, the organisation stored in the database is assessed. The stage
    is read on the AI workforce (the rubric's [workforce] tracks); each team's own
    stage is shown beside the organisation's.
    """
    rubric, people = _rubric_and_people(file, organisation, rubric_path)
    assessment = assess_org(rubric, people)
    if fmt == "json":
        emit_json(reports.assessment_dict(assessment), pretty)
    elif fmt == "md":
        click.echo(reports.assessment_markdown(assessment, people=list_people), nl=False)
    else:
        click.echo(reports.assessment_table(assessment, people=list_people), nl=False)


@click.command()
@PEOPLE_FILE
@click.option("--target-stage", type=click.IntRange(1, 5), default=None, help="Stage to plan for (default: next).")
@click.option("--per-quarter", type=click.IntRange(min=1), default=None, help="External hires possible per quarter.")
@click.option("--format", "fmt", type=click.Choice(["json", "md", "csv"]), default="md", show_default=True)
@pretty_option
@ORG_OPTION
@rubric_option
@collector_paused()
def plan(file: str | None, target_stage: int | None, per_quarter: int | None, fmt: str, pretty: bool | None,
         organisation: str | None, rubric_path: str | None) -> None:
    """Recommend phased hiring and internal promotion to reach a target stage (FILE, or the database)."""
    rubric, people = _rubric_and_people(file, organisation, rubric_path)
    try:
        result = plan_hiring(assess_org(rubric, people), target_stage, per_quarter)
    except PlanError as exc:
        fail(f"--{exc.field.replace('_', '-')}: {exc.message}")
    if fmt == "json":
        emit_json(reports.plan_dict(result), pretty)
    elif fmt == "csv":
        click.echo(reports.plan_csv(result), nl=False)
    else:
        click.echo(reports.plan_markdown(result))


@click.command()
@PEOPLE_FILE
@click.option("--employee", "employee_id", required=True, help="Employee id from FILE.")
@click.option("--target-level", type=click.IntRange(1, 5), default=None, help="Level to reach (default: next).")
@click.option("--track", "target_track", type=click.Choice(TRACKS), default=None,
              help="Track to end on (default: the person's own).")
@click.option("--format", "fmt", type=click.Choice(["json", "md"]), default="md", show_default=True)
@pretty_option
@ORG_OPTION
@rubric_option
@collector_paused()
def roadmap(file: str | None, employee_id: str, target_level: int | None, target_track: str | None, fmt: str,
            pretty: bool | None, organisation: str | None, rubric_path: str | None) -> None:
    """Show one person's least-effort path to a target level on the career graph (FILE, or the database)."""
    # Imported here: only this command needs networkx, which costs the others ~0.1 s to load.
    from planner.domain.careers import career_graph, roadmap as build_roadmap

    rubric, people = _rubric_and_people(file, organisation, rubric_path)
    person = next((p for p in people if p.employee_id == employee_id), None)
    if person is None:
        where = click.format_filename(file, shorten=True) if file else "the database"
        fail(f"{where}: no employee {employee_id!r} (--employee takes an id from {'the file' if file else 'there'})")
    result = build_roadmap(career_graph(rubric), rubric, person.profile, person.track, target_level, target_track)
    if fmt == "json":
        emit_json(reports.roadmap_dict(person, result), pretty)
    else:
        click.echo(reports.roadmap_markdown(person, result, rubric.level_title), nl=False)


@click.command()
@PEOPLE_FILE
@click.option("--with", "other_paths", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="Another rubric to place the organisation under (repeatable), e.g. rubrics/eaism-agentic.toml.")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@pretty_option
@ORG_OPTION
@rubric_option
@collector_paused()
def compare(file: str | None, other_paths: tuple[str, ...], fmt: str, pretty: bool | None, organisation: str | None,
            rubric_path: str | None) -> None:
    """Place the organisation on the stage ladder under its rubric and each --with rubric, side by side."""
    rubric, people = _rubric_and_people(file, organisation, rubric_path)
    assessments = [assess_org(r, people) for r in (rubric, *map(load_rubric_or_fail, other_paths))]
    if fmt == "json":
        emit_json(reports.comparison_dict(assessments), pretty)
    else:
        click.echo(reports.comparison_table(assessments), nl=False)


@click.group()
def rubric() -> None:
    """Inspect or check a rubric file."""


@rubric.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=str))
def rubric_check(path: str) -> None:
    """Validate an edited rubric before anyone scores against it."""
    loaded = load_rubric_or_fail(path)
    click.echo(f"{click.format_filename(path, shorten=True)}: ok ({loaded.name}, version {loaded.version})")
