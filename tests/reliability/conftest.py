"""Fixtures for the reliability suite, and the figures it reports at the end of a run.

A test records a measured figure with ``figure("what", value)``; the figures are
printed under "reliability figures" when pytest finishes, so a run of
``pytest tests/reliability`` shows what it measured (docs/reliability.md quotes them).
"""

from __future__ import annotations

import os

import pytest

from app.conftest import (  # noqa: F401  (the seeded demo app and its sign-ins)
    ACCOUNTS,
    DEMO_PASSWORD,
    INDIVIDUAL_ID,
    MANAGER_ID,
    OTHER_TEAM_ID,
    TEAMMATE_ID,
    app,
    client,
    copy_database,
    database,
    login,
    seeded_database,
)

from .harness import PrivatePostgres

_FIGURES: dict[str, str] = {}


@pytest.fixture
def figure(request):
    """``figure(name, value)``: report a measured figure (named after the test's parameters too)."""

    def record(name: str, value) -> None:
        params = getattr(request.node, "callspec", None)
        suffix = f" [{'-'.join(str(v) for v in params.params.values())}]" if params else ""
        _FIGURES[f"{name}{suffix}"] = str(value)

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in _FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


def pytest_collection_modifyitems(config, items) -> None:
    """Leave out the long (load) tests unless the marker expression asks for them: ``pytest -m long``."""
    if "long" in (config.getoption("markexpr") or ""):
        return
    long = [item for item in items if item.get_closest_marker("long")]
    if long:
        config.hook.pytest_deselected(items=long)
        items[:] = [item for item in items if not item.get_closest_marker("long")]


def require_private_postgres() -> None:
    """Skip (or, with PLANNER_TEST_REQUIRE_POSTGRES=1, fail) where no private PostgreSQL server can be made."""
    reason = PrivatePostgres.unavailable()
    if reason:
        if os.environ.get("PLANNER_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PLANNER_TEST_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def private_postgres():
    """A throwaway PostgreSQL server of the test's own, free to restart."""
    require_private_postgres()
    with PrivatePostgres() as server:
        yield server
