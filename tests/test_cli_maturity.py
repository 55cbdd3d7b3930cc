"""The `planner maturity` command's contract: the questionnaire, the JSON shape, Markdown, and bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.loaders import load_practice_rubric, seed_dir

ANSWERS = str(seed_dir() / "practices.json")
BY_TEAM = str(seed_dir() / "practices_by_team.json")
PEOPLE = str(seed_dir() / "people.csv")
KPIS = str(seed_dir() / "kpis.csv")


def run(*args: str):
    return CliRunner().invoke(cli, ["maturity", *args])


def run_json(*args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_findings(findings) -> None:
    assert all(set(f) == {"code", "title", "message"} and all(f.values()) for f in findings)


def test_the_template_lists_every_practice_with_both_levels():
    result = run("--template", "--format", "json")
    assert result.exit_code == 0
    template = json.loads(result.stdout)
    assert [q["id"] for q in template] == [p.id for p in load_practice_rubric().practices]
    for question in template:
        assert {"id", "question", "evidence", "theme", "seven_level", "aimm_level"} <= set(question)
        assert 1 <= question["seven_level"] <= 7 and question["aimm_level"] in (None, 1, 2, 3, 4, 5)


def test_the_template_as_markdown_is_a_table_of_questions():
    result = run("--template")
    assert result.exit_code == 0
    assert "| baseline_metrics " in result.stdout and result.stdout.startswith("# Practice questionnaire")


def test_json_without_people_gives_both_positions_warnings_and_actions():
    data = run_json(ANSWERS)
    for ladder in ("aimm", "seven_level"):
        assert isinstance(data[ladder]["level"], int) and isinstance(data[ladder]["name"], str)
    assert_findings(data["warnings"])
    assert {"ungrounded_practice", "ungoverned_automation", "no_baseline"} <= {w["code"] for w in data["warnings"]}
    assert data["next_actions"] and all(isinstance(a, str) for a in data["next_actions"])
    assert data["eaism_stage"] is None and data["mismatches"] == []
    assert {s["source"] for s in data["roadmap"]} == {"aimm", "seven_level"}


def test_json_with_people_sets_the_skills_stage_beside_the_practices():
    data = run_json(ANSWERS, "--people", PEOPLE)
    assert data["eaism_stage"] == {"number": 2, "name": "Pilots"}
    assert_findings(data["mismatches"])
    assert "skills_ahead_of_practices" in {m["code"] for m in data["mismatches"]}
    assert data["crosswalk"] == {"aimm": [2, 3], "seven_level": [2, 4]}
    assert all({"slug", "name", "unit", "lower_is_better"} == set(k) for k in data["kpis"])
    assert all({"model", "level", "control"} == set(c) for c in data["governance_due"])
    sources = [s["source"] for s in data["roadmap"]]
    assert "hiring" in sources and sources.index("hiring") > sources.index("aimm")
    assert [s["step"] for s in data["roadmap"]] == list(range(1, len(sources) + 1))


def test_one_team_is_scored_against_its_own_people_and_kpis():
    data = run_json(BY_TEAM, "--team", "apps", "--people", PEOPLE, "--kpis", KPIS)
    assert data["team"] == "apps"
    assert "automation_without_engineers" in {m["code"] for m in data["mismatches"]}
    assert {k["team"] for k in data["kpi_tracking"]} == {"apps"}
    backlog = next(k for k in data["kpi_tracking"] if k["kpi"]["slug"] == "review_backlog")
    assert backlog["baseline"] == {"recorded_on": "2025-03-01", "value": 22.0}
    assert backlog["readings"][-1] == {"recorded_on": "2025-09-01", "value": 57.0, "change": 35.0,
                                      "change_percent": 159.1, "outcome": "worse"}


def test_markdown_output_is_headed_and_aligned_for_a_terminal():
    result = run(ANSWERS, "--people", PEOPLE, "--kpis", KPIS)
    assert result.exit_code == 0
    text = result.stdout
    for heading in ("# Practice maturity", "## Warnings", "## Mismatches", "## Risks at the level held",
                    "## KPIs to track", "## Governance due", "## Roadmap", "## KPIs against baseline"):
        assert f"\n{heading}\n" in f"\n{text}"
    assert "**Automation without governance**" in text and "ungoverned_automation" not in text
    table = [line for line in text.splitlines() if line.startswith("|")][:5]
    assert len({len(line) for line in table}) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b'{"foo": "yes"}', "answers.json: key 'foo': unknown practice id"),
    (b'{"baseline_metrics": "maybe"}', "answers.json: key 'baseline_metrics': expected 'yes', 'partial' or 'no'"),
    (b'{"baseline_metrics": true}', "answers.json: key 'baseline_metrics': expected 'yes', 'partial' or 'no'"),
    (b"{not json", "answers.json: row 1: not valid JSON"),
    (b'["baseline_metrics"]', "answers.json: expected a JSON object"),
    (b"", "answers.json: the file is empty"),
    (b"\x00\x01\x02", "answers.json: this is a binary file"),
])
def test_bad_answers_fail_with_one_line_naming_the_problem(tmp_path, content, message):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"planner: {message}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["missing.json"], "planner: missing.json: no such file"),
    ([], "planner: give an ANSWERS file to score, or --template"),
    (["--template", ANSWERS], "planner: --template prints the questionnaire; it takes no ANSWERS file"),
    ([BY_TEAM, "--team", "finance"], "planner: practices_by_team.json: no team 'finance'"),
    ([ANSWERS, "--team", "apps"], "planner: practices.json: key 'ai_in_use': expected a JSON object"),
    ([BY_TEAM, "--team", "apps", "--people", str(seed_dir() / "organisation.toml")], "planner: organisation.toml:"),
])
def test_bad_invocations_fail_with_one_line_and_exit_2(args, message):
    result = CliRunner().invoke(cli, ["maturity", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_a_directory_given_as_answers_fails_cleanly(tmp_path):
    result = run(str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_the_aimm_risks_are_in_the_json_and_the_markdown(tmp_path):
    """Issue 10: the AIMM risks, the productivity wall at AIMM 3 among them, are shown in the CLI."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"ai_in_use": "yes", "ai_pilots_run": "yes"}), encoding="utf-8")
    data = run_json(str(path))
    assert data["aimm"]["level"] == 2 and data["seven_level"]["level"] == 1
    ahead = [r["risk"] for r in data["risks"] if r["model"] == "aimm" and r["ahead"]]
    assert any("productivity wall" in risk for risk in ahead)
    assert all({"model", "level", "ahead", "risk"} == set(r) for r in data["risks"])
    text = run(str(path)).stdout
    assert "## Risks at the next level" in text and "- AIMM 3: Quality defects eat the speed AI adds" in text
