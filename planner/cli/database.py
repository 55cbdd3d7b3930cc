"""Database-mode commands: migrations, seeding, import, export and backup."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from planner.cli.common import fail, fail_input
from planner.loaders import InputErrors, read_input, seed_dir

__all__ = ["backup", "db", "db_session", "export", "import_", "seed"]


@contextmanager
def db_session() -> Iterator:
    """A session on the configured database, refusing one whose schema is not migrated."""
    from planner.db.engine import database_url, session_at
    from planner.db.migrate import current_revision, head_revision

    url = database_url()
    if current_revision(url) != head_revision():
        fail("the database schema is not up to date: run `planner db upgrade` first")
    with session_at(url) as session:
        yield session


def organisation_or_fail(session, name: str | None):
    from planner.services.errors import NotFound
    from planner.services.people import resolve_organisation

    try:
        return resolve_organisation(session, name=name)
    except NotFound as exc:
        fail(str(exc))


@click.group()
def db() -> None:
    """Create or migrate the database (PLANNER_DATABASE_URL, default: SQLite in instance/)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from planner.db.engine import database_url
    from planner.db.migrate import current_revision, upgrade

    url = database_url()
    upgrade(url, revision)
    click.echo(f"database at revision {current_revision(url)}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ("base" removes every table)."""
    from planner.db.engine import database_url
    from planner.db.migrate import current_revision, downgrade

    url = database_url()
    downgrade(url, revision)
    click.echo(f"database at revision {current_revision(url) or 'base'}")


@db.command("current")
def db_current() -> None:
    """Show the database's migration revision and the latest one available."""
    from planner.db.engine import database_url
    from planner.db.migrate import current_revision, head_revision

    click.echo(f"current: {current_revision(database_url()) or 'base (empty)'}; latest: {head_revision()}")


@click.command()
def seed() -> None:
    """Load the demo organisation from seed_data/; run again, it only adds what is missing."""
    from planner.services.seeding import seed_demo
    from planner.services.transactions import Actor

    with db_session() as session:
        try:
            result = seed_demo(session, seed_dir=seed_dir(), actor=Actor.cli())
        except InputErrors as errors:
            fail_input(errors)
    people = result.people
    click.echo(f"{result.organisation}: {people.created} people added, {result.kept} already there left as they "
               f"were, {people.assessments + result.history_added} assessments recorded")
    click.echo(f"demo sign-ins (password: {result.password}):")
    for account in result.accounts:
        click.echo(f"  {account.role:<10} {account.email}")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--org", "organisation", default=None, help="Organisation to import into (created if new).")
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@click.option("--sync", is_flag=True,
              help="The file is the whole organisation (a nightly HR-system export): archive everyone it leaves out.")
@click.option("--overwrite", is_flag=True,
              help="Apply the file's levels even where a newer level was recorded after the file was exported.")
@click.option("--exported-at", type=click.DateTime(), default=None,
              help="When the file was exported (UTC); default: the organisation's previous import.")
def import_(file: Path, organisation: str | None, dry_run: bool, sync: bool, overwrite: bool,
            exported_at: datetime | None) -> None:
    """Import people and levels from a CSV or JSON FILE: all rows or none.

    Every problem is listed (row, column, reason) and nothing is written if any
    row is bad. Changed levels add to each person's assessment history; a level
    recorded in the planner since the file was exported is kept (and listed)
    unless --overwrite.
    """
    from planner.services.errors import ServiceError
    from planner.services.imports import import_people
    from planner.services.transactions import Actor

    try:
        _, raw = read_input(file)
    except InputErrors as errors:
        fail_input(errors)
    with db_session() as session:
        with _progress_bar() as progress:
            try:
                result = import_people(session, source=file.name, raw=raw, organisation=organisation,
                                       actor=Actor.cli(), dry_run=dry_run, sync=sync, overwrite=overwrite,
                                       exported_at=exported_at and exported_at.replace(tzinfo=UTC),
                                       progress=progress)
            except InputErrors as errors:
                for error in errors.errors:
                    click.echo(f"planner: {error}", err=True)
                sys.exit(2)
            except ServiceError as exc:  # NotFound, or people edited under the import all through it
                fail(str(exc))
    verb = "would import" if dry_run else "imported"
    archived = f", {result.archived} archived as not in the file" if sync else ""
    click.echo(f"{result.organisation}: {verb} {result.rows} people ({result.created} new, {result.updated} changed, "
               f"{result.unchanged} unchanged{archived}), {result.assessments} new assessments")
    if result.newer_levels:
        done = "would overwrite" if dry_run and overwrite else "overwrote" if overwrite else "kept"
        advice = "" if overwrite else " (--overwrite applies the file's levels instead)"
        count = len(result.newer_levels)
        click.echo(f"{done} {count} level{'' if count == 1 else 's'} recorded after the file was exported{advice}:")
        for newer in result.newer_levels:
            current = "not assessed" if newer.current is None else f"L{newer.current}"
            click.echo(f"  {newer.employee_id} {newer.name}: {newer.domain} {current}, the file says L{newer.in_file}")


@contextmanager
def _progress_bar() -> Iterator:
    """A progress callback that draws a bar on a terminal and does nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=0, label="writing assessments", file=sys.stderr) as bar:
        def advance(count: int) -> None:
            bar.length = (bar.length or 0) + count
            bar.update(count)
        yield advance


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here, not stdout.")
@click.option("--org", "organisation", default=None, help="Organisation to export (default: the only one).")
def export(fmt: str, out: Path | None, organisation: str | None) -> None:
    """Export people and current levels in the import format (round-trips)."""
    from planner.services.people import export_people
    from planner.services.transactions import Actor

    with db_session() as session:
        org = organisation_or_fail(session, organisation)
        text = export_people(session, organisation_id=org.id, fmt=fmt, actor=Actor.cli())
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Copy the SQLite database to FILE with the online backup API, and verify it."""
    from planner.db.engine import database_url
    from planner.services.backup import backup_sqlite
    from planner.services.errors import ServiceError

    try:
        result = backup_sqlite(database_url(), file)
    except ServiceError as exc:
        fail(str(exc))
    people = result.tables.get("person", 0)
    click.echo(f"backed up to {result.path} ({result.bytes:,} bytes, {people} people); integrity check ok")
