"""The file-mode CLI contract: JSON shapes, readable outputs, and one clear line for bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.loaders import COLUMNS, PROJECT_ROOT

SEED_PEOPLE = PROJECT_ROOT / "seed_data" / "people.csv"
HEADER = ",".join(COLUMNS)
ANN = "E1,Ann,ann@example.com,apps,software_engineer,,2,2,0,0,0,2,0,1"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def planner_script() -> str:
    beside = Path(sys.executable).with_name("planner")
    found = str(beside) if beside.exists() else shutil.which("planner")
    if not found:
        pytest.skip("the planner console script is not installed")
    return found


@pytest.fixture(scope="module")
def seed_assessment():
    result = run("assess", SEED_PEOPLE, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_assess_json_has_the_contracted_keys(seed_assessment):
    data = seed_assessment
    assert {"stage", "level_counts", "operationalization_gap", "warnings", "employees", "domain_coverage"} <= set(data)
    assert data["stage"] == {**data["stage"], "number": 2, "name": "Pilots"}
    # level_counts count the AI workforce the gates read (issue 10); total_headcount counts everyone.
    assert sum(data["level_counts"].values()) == data["headcount"] == 50
    assert data["total_headcount"] == len(data["employees"]) == 80
    assert {t["team"] for t in data["teams"]} == {"apps", "data", "operations", "platform", "product", "strategy"}
    assert data["operationalization_gap"] is True
    assert {"code", "message"} == set(data["warnings"][0])
    employee = data["employees"][0]
    assert {"employee_id", "level", "domains", "next_level_gaps"} <= set(employee)
    assert list(employee["domains"]) == list(COLUMNS[6:])
    assert set(data["domain_coverage"]["evaluation"]) == {"1", "2", "3", "4", "5"}


def test_the_demo_organisation_tells_the_seeds_story(seed_assessment):
    codes = [w["code"] for w in seed_assessment["warnings"]]
    assert {"operationalization_gap", "top_heavy"} <= set(codes)
    assert seed_assessment["level_counts"]["2"] > 5 * seed_assessment["level_counts"]["3"]


def test_plan_json_has_the_contracted_keys():
    result = run("plan", SEED_PEOPLE, "--format", "json", "--target-stage", "4", "--per-quarter", "2")
    data = json.loads(result.stdout)
    assert (data["current_stage"]["number"], data["target_stage"]["number"]) == (2, 4)
    assert [p["level"] for p in data["phases"]] == [1, 2, 3, 4, 5]
    phase = data["phases"][2]
    assert {"phase", "level", "title", "critical", "hires", "promotions", "focus_domains", "rationale",
            "quarter"} <= set(phase)
    assert phase["critical"] is True and phase["promotions"] and all(p.startswith("E") for p in phase["promotions"])
    # The demo has blank cells that leave stage 4's gates undecided: the plan says what to assess first.
    assert [w["code"] for w in data["warnings"]] == ["front_loaded_strategy", "unknown_evidence"]
    assert data["assess_first"]


def test_roadmap_json_has_the_contracted_keys():
    result = run("roadmap", SEED_PEOPLE, "--employee", "E1013", "--target-level", "4", "--format", "json")
    data = json.loads(result.stdout)
    assert (data["employee_id"], data["track"], data["current_level"], data["target_level"]) == (
        "E1013", "software_engineer", 2, 4)
    assert [(s["from"]["level"], s["to"]["level"]) for s in data["steps"]] == [(2, 3), (3, 4)]
    assert all(isinstance(n, int) and n > 0 for s in data["steps"] for n in s["domain_deltas"].values())


def test_assess_table_is_headed_and_aligned():
    out = run("assess", SEED_PEOPLE).stdout
    assert out.startswith("Stage 2 of 5: Pilots  (50 people in the AI workforce, 80 in all")
    levels = out.split("\nLevels\n")[1].split("\n\n")[0].splitlines()
    assert levels[0].split() == ["level", "title", "workforce", "everyone"] and len(levels) == 2 + 6
    title = levels[0].index("title")
    assert all(line[title - 2:title] == "  " and line[title] != " " for line in levels)  # columns line up


def test_assess_shows_each_teams_stage_beside_the_organisations_and_findings_without_codes():
    out = run("assess", SEED_PEOPLE).stdout
    teams = out.split("\nTeams\n")[1].split("\n\n")[0].splitlines()
    assert teams[0].split()[:5] == ["team", "workforce", "everyone", "stage", "could"]
    rows = {line.split()[0]: line for line in teams[2:]}
    assert set(rows) == {"apps", "data", "operations", "platform", "product", "strategy"}
    assert "2 Pilots" in rows["platform"]
    assert "Nobody here is on a track that builds or runs AI systems" in rows["strategy"]
    findings = out.split("\nFindings\n")[1].split("\n\n")[0]
    assert "operationalization_gap" not in findings and "[" not in findings
    assert findings.startswith("  - 26 builders at L2+ but only 1 at L3+")


def test_assess_markdown_has_headed_sections_and_tables():
    out = run("assess", SEED_PEOPLE, "--format", "md").stdout
    assert out.startswith("# Stage 2 of 5: Pilots\n\n50 people in the AI workforce, 80 in all")
    for section in ("## Findings", "## Levels", "## Teams", "## People"):
        assert f"\n{section}\n\n" in out
    assert "\n| level | title" in out


def test_plan_markdown_and_csv_are_readable():
    markdown = run("plan", SEED_PEOPLE).stdout
    assert markdown.startswith("# Hiring plan: stage 2 (Pilots) to stage 3 (Production)")
    assert "### Phase 3: L3 Systems engineers (critical)" in markdown
    rows = list(csv.DictReader(io.StringIO(run("plan", SEED_PEOPLE, "--format", "csv").stdout)))
    assert [r["level"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[2]["critical"] == "true" and rows[2]["focus_domains"].count(";") == 2


def test_roadmap_markdown_names_the_person_and_the_key_move():
    out = run("roadmap", SEED_PEOPLE, "--employee", "E1013").stdout
    assert out.startswith("# Roadmap for Aisha Voss (E1013)")
    assert "software_engineer L3 (key move)" in out


def test_a_json_people_file_assesses_like_the_same_csv(tmp_path, seed_assessment):
    with open(SEED_PEOPLE, newline="", encoding="utf-8") as fh:
        records = [{k: (int(v) if k in COLUMNS[6:] and v else v or None) for k, v in r.items()}
                   for r in csv.DictReader(fh)]
    path = tmp_path / "people.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    assert json.loads(run("assess", path, "--format", "json").stdout) == seed_assessment


BAD_FILES = {
    "out-of-range level": ("people.csv", f"{HEADER}\n{ANN}\nE2,Bob,,apps,business,E1,1,1,0,7,0,0,0,0\n",
                           "people.csv: row 3, column evaluation: level 7 is out of range 0-5"),
    "non-numeric level": ("people.csv", f"{HEADER}\n{ANN}\nE2,Bob,,apps,business,E1,1,1,0,three,0,0,0,0\n",
                          "people.csv: row 3, column evaluation: expected a whole number 0-5, got 'three'"),
    "fractional level": ("people.csv", f"{HEADER}\n{ANN}\nE2,Bob,,apps,business,,2.5,1,0,0,0,0,0,0\n",
                         "people.csv: row 3, column prompting: expected a whole number 0-5, got '2.5'"),
    "duplicate id": ("people.csv", f"{HEADER}\n{ANN}\nE1,Bob,,apps,business,,1,1,0,0,0,0,0,0\n",
                     "people.csv: row 3, column employee_id: duplicate id 'E1' (first on row 2)"),
    "missing column": ("people.csv", HEADER.replace(",security", "") + "\nE1,Ann,,apps,business,,1,1,0,0,0,0,0\n",
                       "people.csv: row 1, column security: missing column"),
    "unknown track": ("people.csv", f"{HEADER}\n{ANN}\nE2,Bob,,apps,designer,,1,1,0,0,0,0,0,0\n",
                      "people.csv: row 3, column track: unknown track 'designer' (known: software_engineer, "
                      "product_manager, data_professional, business)"),
    "unknown manager": ("people.csv", f"{HEADER}\n{ANN}\nE2,Bob,,apps,business,E9,1,1,0,0,0,0,0,0\n",
                        "people.csv: row 3, column manager_id: manager 'E9' is not in the file"),
    "short row": ("people.csv", f"{HEADER}\n{ANN}\nE2,Bob\n", "people.csv: row 3: expected 14 fields, found 2"),
    "two problems": ("people.csv", f"{HEADER}\n{ANN}\nE2,,,apps,business,,9,1,0,0,0,0,0,0\n",
                     "people.csv: row 3, column name: name is blank (and 1 more problem)"),
    "empty file": ("people.csv", "", "people.csv: the file is empty"),
    "header only": ("people.csv", f"{HEADER}\n", "people.csv: row 2: no people in the file (only a header)"),
    "binary file": ("people.csv", b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20,
                    "people.csv: this is a binary file, not CSV or JSON text"),
    "bad utf-8": ("people.csv", f"{HEADER}\n".encode() + b"E1,J\xe9r\xf4me,,apps,business,,1,1,0,0,0,0,0,0\n",
                  "people.csv: row 2: not UTF-8 text (byte 0xe9)"),
    "bad json": ("people.json", '[{"employee_id": "E1",\n "name": "Ann"', "people.json: row 2: not valid JSON: "),
    "json not a list": ("people.json", '{"employee_id": "E1"}', "people.json: expected a JSON list of people"),
    "json list of non-objects": ("people.json", json.dumps([{"employee_id": "E1", "name": "Ann", "track": "business"}, 3]),
                                 "people.json: row 2: expected an object"),
    "json boolean level": ("people.json", json.dumps([{"employee_id": "E1", "name": "Ann", "track": "business",
                                                       "prompting": True}]),
                           "people.json: row 1, column prompting: expected a whole number 0-5, got true"),
}


@pytest.mark.parametrize("name, content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
@pytest.mark.parametrize("command", ["assess", "plan"])
def test_bad_people_file_gets_one_line_naming_the_place_and_exit_2(tmp_path, command, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run(command, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"planner: {message}")


def test_roadmap_for_an_unknown_employee_is_one_line_and_exit_2():
    result = run("roadmap", SEED_PEOPLE, "--employee", "E9999")
    assert result.exit_code == 2
    assert result.stderr == "planner: people.csv: no employee 'E9999' (--employee takes an id from the file)\n"


@pytest.mark.parametrize("target, message", [
    ("missing.csv", "planner: missing.csv: no such file\n"),
    ("folder", "planner: folder: is a directory, not a file\n"),
])
def test_the_real_script_reports_unreadable_paths_without_a_traceback(tmp_path, target, message):
    (tmp_path / "folder").mkdir()
    done = subprocess.run([planner_script(), "assess", target], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)


def test_the_real_script_reports_a_bad_level_in_one_line(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(BAD_FILES["out-of-range level"][1], encoding="utf-8")
    done = subprocess.run([planner_script(), "plan", str(path), "--format", "json"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"planner: {BAD_FILES['out-of-range level'][2]}\n"


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_piping_into_head_ends_quietly(tmp_path, fmt):
    path = tmp_path / "people.csv"
    rows = [f"E{n},Person {n},,team,software_engineer,,{n % 4},2,1,0,1,2,0,1" for n in range(3000)]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    done = subprocess.run(f"'{planner_script()}' assess '{path}' --format {fmt} | head -c 200", shell=True,
                          capture_output=True, text=True)
    assert len(done.stdout) == 200
    assert done.stderr == ""


def test_assess_counts_people_unless_asked_to_list_them():
    summary = run("assess", SEED_PEOPLE).stdout
    assert summary.endswith("\nPeople\n80 people scored: list each with --people.\n")
    assert "Aisha Voss" not in summary
    listed = run("assess", SEED_PEOPLE, "--people").stdout
    people = listed.split("\nPeople\n")[1].splitlines()
    assert people[0].split() == ["id", "name", "team", "level", "to", "reach", "next", "level"] and len(people) == 2 + 80
    assert "\n## People\n\n| id    | name" in run("assess", SEED_PEOPLE, "--format", "md", "--people").stdout


@pytest.mark.parametrize("command", [["assess", SEED_PEOPLE], ["plan", SEED_PEOPLE],
                                     ["roadmap", SEED_PEOPLE, "--employee", "E1013"]])
def test_pretty_json_is_indented_and_compact_json_is_one_line_whatever_the_output(command):
    pretty = run(*command, "--format", "json", "--pretty").stdout
    compact = run(*command, "--format", "json", "--compact").stdout
    assert pretty.startswith("{\n  \"") and json.loads(pretty) == json.loads(compact)
    assert compact.count("\n") == 1


def test_no_command_in_the_readme_is_a_shell_pipe_by_accident():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for block in re.findall(r"```sh\n(.*?)```", readme, re.DOTALL) for line in block.splitlines()]
    assert commands
    assert not [line for line in commands if "|" in line.split("#")[0]]


def test_the_plan_the_roadmap_and_the_person_agree_on_what_a_promotion_takes():
    """One function answers: the plan's promotion of Aisha Voss to L3 grows what her roadmap to L3 grows."""
    plan = json.loads(run("plan", SEED_PEOPLE, "--target-stage", "3", "--format", "json").stdout)
    promotion = next(p for phase in plan["phases"] for p in phase["promotion_details"] if p["employee_id"] == "E1013")
    route = json.loads(run("roadmap", SEED_PEOPLE, "--employee", "E1013", "--target-level", "3",
                           "--format", "json").stdout)
    assert promotion["domain_deltas"] == route["steps"][0]["domain_deltas"]
    assert promotion["effort"] == route["total_effort"]
    assert promotion["ready_quarter"] - promotion["start_quarter"] + 1 == route["quarters"]


def test_roadmap_effort_is_given_with_its_unit_and_duration():
    out = run("roadmap", SEED_PEOPLE, "--employee", "E1013").stdout
    assert "level-steps (one level in one domain of ordinary difficulty), about 2 quarters of development" in out
    data = json.loads(run("roadmap", SEED_PEOPLE, "--employee", "E1013", "--format", "json").stdout)
    assert data["effort_unit"] == "level-steps" and data["quarters"] == 2


def test_a_rubric_is_chosen_with_rubric_and_compared_side_by_side():
    agentic = PROJECT_ROOT / "rubrics" / "eaism-agentic.toml"
    assert "rubric 2026.1-agentic" in run("assess", SEED_PEOPLE, "--rubric", agentic).stdout
    assert run("plan", SEED_PEOPLE, "--rubric", agentic).exit_code == 0
    table = run("compare", SEED_PEOPLE, "--with", agentic).stdout
    assert table.splitlines()[0].split()[:2] == ["rubric", "stage"]
    assert "agentic shift 2026.1-agentic" in table
    data = json.loads(run("compare", SEED_PEOPLE, "--with", agentic, "--format", "json").stdout)
    assert [r["rubric"]["version"] for r in data["rubrics"]] == ["2026.1", "2026.1-agentic"]
    assert data["rubrics"][1]["level_counts"]["3"] <= data["rubrics"][0]["level_counts"]["3"]
