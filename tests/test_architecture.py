"""The domain stays pure: no web, database or CLI framework inside planner/domain/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import planner.domain

DOMAIN_DIR = Path(planner.domain.__file__).parent
FRAMEWORKS = {"flask", "sqlmodel", "sqlalchemy", "werkzeug", "jinja2", "click"}


def imported_packages(source: str) -> set[str]:
    """Top-level package of every import in `source`, at any depth (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_import_scan_sees_imports_nested_in_functions_and_conditionals():
    source = "import os.path\ndef f():\n    from flask import g\n    if x:\n        import sqlalchemy.orm as orm\n"
    assert imported_packages(source) == {"os", "flask", "sqlalchemy"}


@pytest.mark.parametrize("module", sorted(DOMAIN_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(DOMAIN_DIR)))
def test_domain_module_imports_no_framework(module):
    assert imported_packages(module.read_text(encoding="utf-8")) & FRAMEWORKS == set()


def test_domain_has_the_modules_the_architecture_names():
    # Guards the parametrised test above against silently scanning nothing.
    names = {str(p.relative_to(DOMAIN_DIR).with_suffix("")) for p in DOMAIN_DIR.rglob("*.py")}
    assert {"model", "rubric", "scoring", "staging", "sequencing", "careers"} <= names
    assert {"practices/rubric", "practices/scoring", "practices/report", "practices/kpis"} <= names
