"""The load test, held to its bounds (long: about five minutes). Run with ``pytest -m long tests/reliability``.

Each test is one run of benchmarks/load.py (50 signed-in users of all three
roles, gunicorn with two workers on 127.0.0.1, 60 seconds); its figures are
printed at the end under "reliability figures".
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from planner.loaders import PROJECT_ROOT

from .conftest import require_private_postgres

pytestmark = pytest.mark.long

_spec = importlib.util.spec_from_file_location("planner_load", PROJECT_ROOT / "benchmarks" / "load.py")
load = sys.modules["planner_load"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)


def report(figure, name: str, result) -> None:
    for line in result.lines()[1:]:
        label, _, value = line.strip().partition("  ")
        figure(f"{name}: {label}", value.strip())


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_fifty_users_for_a_minute_get_no_5xx_no_locked_database_and_lose_no_update(db, tmp_path, figure):
    if db == "postgresql":
        require_private_postgres()
    result = load.run(db, workdir=tmp_path)
    report(figure, f"load {db}", result)
    assert result.broken == []
    assert result.requests > 1_000 and result.writes.saved > 100  # it was a real load


def test_postgresql_restarted_under_load_the_app_recovers_alone_and_loses_nothing(tmp_path, figure):
    require_private_postgres()
    result = load.run("postgresql", seconds=45, restart_after=20, workdir=tmp_path)
    report(figure, "load postgresql with a restart", result)
    assert result.broken == []
    assert {s for s in result.statuses if s is not None and s >= 500} <= {503}  # failed cleanly, never a 500
    assert result.restart["recovered"]
