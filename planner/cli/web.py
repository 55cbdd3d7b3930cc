"""Serving the web app: `planner serve` for development, `planner demo` for the one-command demo."""

from __future__ import annotations

import os
import sys

import click

__all__ = ["demo", "serve"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Reload on code changes and show the debugger (never in production).")
def serve(host: str, port: int, debug: bool) -> None:
    """Run the development server (production: gunicorn, see the README)."""
    from planner.web import create_app

    create_app().run(host=host, port=port, debug=debug)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def demo(host: str, port: int, workers: int) -> None:
    """Migrate, load the demo organisation, and serve it with gunicorn."""
    from planner.cli.database import db_session
    from planner.db.engine import database_url
    from planner.db.migrate import upgrade
    from planner.loaders import seed_dir
    from planner.services.seeding import seed_demo
    from planner.services.transactions import Actor
    from planner.web import create_app

    upgrade(database_url())
    with db_session() as session:
        result = seed_demo(session, seed_dir=seed_dir(), actor=Actor.cli())
    create_app()  # creates the instance folder and secret key once, before the workers start
    click.echo(f"\n{result.organisation} is ready at http://{host}:{port}/  (Ctrl-C to stop)")
    click.echo(f"Sign in with any of these (password: {result.password}):")
    for account in result.accounts:
        click.echo(f"  {account.role:<10} {account.email}")
    click.echo("", nl=True)
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                              f"{host}:{port}", "--access-logfile", "-", "planner.web:create_app()"])
