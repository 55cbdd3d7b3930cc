"""The ``planner`` command: a click group whose commands call the same services as the web app."""

from __future__ import annotations

import os
import sys

import click

from planner.cli.analysis import assess, compare, plan, roadmap, rubric
from planner.cli.database import backup, db, export, import_, seed
from planner.cli.maturity import maturity
from planner.cli.users import org, users
from planner.cli.web import demo, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="ai-skills-planner")
def cli() -> None:
    """Plan AI hiring and skills growth with the Enterprise AI Skills Maturity Model."""


for command in (assess, compare, plan, roadmap, rubric, maturity, db, seed, import_, export, backup, org, users, serve,
                demo):
    cli.add_command(command)


def main() -> None:
    """Console entry point: run the group and leave quietly when the reader goes away."""
    try:
        cli(prog_name="planner")
    except BrokenPipeError:
        # `planner assess big.csv | head`: stop writing, say nothing, exit like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
