"""The database-mode CLI: seeding, analysis without a FILE, and refusing an un-migrated database."""

from __future__ import annotations

import json

import pytest

from .support import SEED_PEOPLE, planner, row_counts

ANALYSES = [
    ["assess", "--format", "json"],
    ["plan", "--format", "json"],
    ["roadmap", "--employee", "E1013", "--format", "json"],
]


def test_seeding_twice_adds_nothing_the_second_time(migrated_url):
    first = planner(migrated_url, "seed")
    assert first.exit_code == 0, first.output
    seeded = row_counts(migrated_url)
    second = planner(migrated_url, "seed")
    assert second.exit_code == 0, second.output
    assert "0 people added, 80 already there left as they were, 0 assessments recorded" in second.stdout
    assert row_counts(migrated_url) == seeded, "nothing written, so no audit row either"


def test_analyses_of_the_seeded_database_equal_those_of_the_seed_file(migrated_url):
    assert planner(migrated_url, "seed").exit_code == 0
    for args in ANALYSES:
        from_db, from_file = planner(migrated_url, *args), planner(migrated_url, args[0], str(SEED_PEOPLE), *args[1:])
        assert (from_db.exit_code, from_file.exit_code) == (0, 0), from_db.output + from_file.output
        assert json.loads(from_db.stdout) == json.loads(from_file.stdout), args[0]


@pytest.mark.parametrize("command", [["assess"], ["import", str(SEED_PEOPLE)], ["seed"]], ids=lambda args: args[0])
def test_an_unmigrated_database_is_refused_with_a_pointer_to_db_upgrade(database_url, command):
    result = planner(database_url, *command)
    assert result.exit_code == 2
    assert result.stderr == "planner: the database schema is not up to date: run `planner db upgrade` first\n"
