"""Helpers shared by the CLI commands: failing cleanly and printing results."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click
import orjson

from planner.domain.model import Rubric
from planner.domain.rubric import RubricError
from planner.loaders import InputErrors, load_rubric

__all__ = ["InputFailure", "emit_json", "fail", "fail_input", "load_rubric_or_fail", "pretty_option", "rubric_option"]


class InputFailure(click.ClickException):
    """Bad input: one line on stderr, exit status 2, never a traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"planner: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise InputFailure(message)


def fail_input(errors: InputErrors) -> NoReturn:
    fail(str(errors))


def emit_json(data: Any, pretty: bool | None = None) -> None:
    """Print JSON: indented with ``pretty`` (by default for a person at a terminal), else compact.

    orjson writes UTF-8 bytes about ten times faster than the standard library, which
    matters for `assess` on a large organisation (tens of megabytes of output).
    """
    options = orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    if sys.stdout.isatty() if pretty is None else pretty:
        options |= orjson.OPT_INDENT_2
    click.echo(orjson.dumps(data, option=options), nl=False)


def load_rubric_or_fail(path: str | None) -> Rubric:
    try:
        return load_rubric(path)
    except RubricError as exc:
        fail(str(exc))


pretty_option = click.option(
    "--pretty/--compact", default=None,
    help="JSON indented for reading, or on one line (default: indented at a terminal, compact in a pipe).",
)

rubric_option = click.option(
    "--rubric", "rubric_path", type=click.Path(dir_okay=False), default=None,
    help="Rubric file to score against (default: rubrics/eaism.toml).",
)
