"""Read rubric files and people files (CSV or JSON) into domain objects.

This is the only module that opens files under ``rubrics/`` and ``seed_data/``.
Bad input never raises a bare exception: it becomes `InputError`s that name the
file, the row and the column, so the CLI can print one clear line and the
importer can list every problem before writing anything.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from planner.domain.model import DOMAINS, LEVELS, MAX_LEVEL, TRACKS, Person, Profile, Rubric
from planner.domain.practices import (
    SOURCES,
    Answer,
    AnswerError,
    KpiReading,
    KpiSeries,
    PracticeRubric,
    parse_answers,
    parse_practice_rubric,
    reading_problems,
)
from planner.domain.rubric import RubricError, parse_rubric

__all__ = [
    "BASE_COLUMNS",
    "COLUMNS",
    "InputError",
    "InputErrors",
    "MAX_INPUT_BYTES",
    "MAX_KEY_SEGMENTS",
    "MAX_TOML_CHARS",
    "MAX_REPORTED_ERRORS",
    "PROJECT_ROOT",
    "load_rubric",
    "OPTIONAL_COLUMNS",
    "PeopleFile",
    "parse_people_bytes",
    "parse_people_file",
    "parse_people_records",
    "parse_rubric_toml",
    "read_input",
    "read_people",
    "read_toml",
    "rubric_dir",
    "rubric_source",
    "seed_dir",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BASE_COLUMNS: tuple[str, ...] = ("employee_id", "name", "email", "team", "track", "manager_id")
COLUMNS: tuple[str, ...] = BASE_COLUMNS + DOMAINS
#: Read when present: a team's display name (exports write it, so a round trip keeps it).
OPTIONAL_COLUMNS: tuple[str, ...] = ("team_name",)
#: People files larger than this are refused before parsing (a 100,000-person CSV is ~8 MiB).
MAX_INPUT_BYTES = 64 * 1024 * 1024
_MAX_FIELD_CHARS = 4096
#: Rubric and other TOML files larger than this are refused before parsing (the shipped ones are under 20,000).
MAX_TOML_CHARS = 256 * 1024
#: The most dotted parts a TOML key or table header may have (the shipped rubrics use at most 4).
MAX_KEY_SEGMENTS = 16
#: A file is refused after this many problems without reading further: a file of millions of
#: bad rows must not cost millions of error objects (or minutes) before it is refused.
MAX_REPORTED_ERRORS = 100
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def rubric_dir() -> Path:
    return Path(os.environ.get("PLANNER_RUBRIC_DIR", PROJECT_ROOT / "rubrics"))


def seed_dir() -> Path:
    return Path(os.environ.get("PLANNER_SEED_DIR", PROJECT_ROOT / "seed_data"))


@dataclass(frozen=True, slots=True)
class PeopleFile:
    """A validated people file: its people, and the display names it gives their teams."""

    people: list[Person]
    team_names: dict[str, str]


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in an input file, located as precisely as we can."""

    source: str
    reason: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (f"row {self.row}" if self.row else "", f"column {self.column}" if self.column else "") if part
        )
        return f"{self.source}: {where}: {self.reason}" if where else f"{self.source}: {self.reason}"


class InputErrors(ValueError):
    """Raised with every problem found in a file; nothing from that file may be used."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = tuple(errors)
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


def _check_toml_bounds(source: str, text: str) -> None:
    """Refuse TOML too large or with keys too deep before parsing it.

    The standard parser takes time quadratic in the segments of a dotted key
    (100,000 segments: half a minute), so the text is bounded first: its size,
    and the dots before the ``=`` of each line or inside a table header. A dot
    inside a quoted key counts too; no rubric needs anywhere near the limit.
    """
    if len(text) > MAX_TOML_CHARS:
        raise RubricError(source, f"larger than the limit of {MAX_TOML_CHARS:,} characters for a rubric")
    for row, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        key = stripped[:stripped.find("]")] if stripped.startswith("[") else line.partition("=")[0]
        if key.count(".") >= MAX_KEY_SEGMENTS:
            raise RubricError(f"{source}: line {row}",
                              f"a key of more than {MAX_KEY_SEGMENTS} dotted parts; no rubric nests that deep")


def _parse_toml(source: str, text: str) -> dict[str, Any]:
    _check_toml_bounds(source, text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(source, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise RubricError(source, "not valid TOML: arrays or tables nested too deeply") from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; syntax errors become `RubricError` naming the file."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_TOML_CHARS * 4 + 1)  # UTF-8 takes at most 4 bytes a character
    except OSError as exc:
        raise RubricError(str(path), f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RubricError(str(path), f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    return _parse_toml(str(path), text)


def load_rubric(path: str | os.PathLike | None = None) -> Rubric:
    """Load and validate a rubric file (default: ``rubrics/eaism.toml``).

    Errors are `RubricError`s whose message starts with the file name and the key.
    """
    path = Path(path) if path else rubric_dir() / "eaism.toml"
    return parse_rubric_text(path.name, read_toml(path))


def parse_rubric_text(source: str, data: Mapping[str, Any]) -> Rubric:
    try:
        return parse_rubric(data)
    except RubricError as exc:
        raise RubricError(f"{source}: {exc.key}", exc.problem) from None


def parse_rubric_toml(source: str, text: str) -> Rubric:
    """Parse and validate rubric TOML text (an upload, or a version stored in the database)."""
    return parse_rubric_text(source, _parse_toml(source, text))


def rubric_source(path: str | os.PathLike | None = None) -> str:
    """The text of a rubric file (default: ``rubrics/eaism.toml``), to store as a version."""
    path = Path(path) if path else rubric_dir() / "eaism.toml"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(str(path), f"cannot read: {exc}") from None


def _check_size(source: str, size: int) -> None:
    if size > MAX_INPUT_BYTES:
        raise InputErrors([InputError(source, f"the file is larger than the limit of {MAX_INPUT_BYTES:,} bytes")])


def _decode(source: str, raw: bytes) -> str:
    _check_size(source, len(raw))
    if raw.startswith(_UTF16_32_BOMS):
        raise InputErrors([InputError(source, "this is UTF-16 or UTF-32 text: save it as UTF-8 (CSV UTF-8)")])
    if b"\x00" in raw:
        raise InputErrors([InputError(source, "this is a binary file, not CSV or JSON text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputErrors([InputError(source, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", row=row)]) from None
    if not text.strip():
        raise InputErrors([InputError(source, "the file is empty")])
    return text


#: A JSON escape of a UTF-16 surrogate: JSON allows one alone (``"\\ud800"``), but no text can hold it.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(source: str, text: str, data: Any) -> None:
    """Refuse JSON whose strings hold half of a UTF-16 pair: it cannot be stored or printed as UTF-8."""
    found = _SURROGATE_ESCAPE.search(text)
    if found is None:  # the usual case, decided by one scan in C
        return
    try:  # pairs are fine: only a string that cannot be UTF-8 is refused
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputErrors([InputError(source, f"not valid text: {found.group()} is half of a character "
                                              "(a lone UTF-16 surrogate)", row=text.count("\n", 0, found.start()) + 1)]
                          ) from None


def _load_json(source: str, text: str) -> Any:
    """`json.loads`, with every way it can refuse a text turned into an `InputErrors`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputErrors([InputError(source, f"not valid JSON: {exc.msg}", row=exc.lineno)]) from None
    except RecursionError:
        raise InputErrors([InputError(source, "not valid JSON: lists or objects nested too deeply")]) from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise InputErrors([InputError(source, "not valid JSON: a number has too many digits")]) from None
    _refuse_lone_surrogates(source, text, data)
    return data


def read_people(path: str | os.PathLike, *, known_ids: Iterable[str] = ()) -> list[Person]:
    """Read a people file (``.json``, otherwise CSV) and validate every record.

    `known_ids` are employee ids that exist outside the file (managers may be
    among them). Raises `InputErrors` listing every problem found.
    """
    source, raw = read_input(path)
    return parse_people_bytes(source, raw, json_format=Path(path).suffix.lower() == ".json", known_ids=known_ids)


def parse_people_bytes(source: str, raw: bytes, *, json_format: bool, known_ids: Iterable[str] = ()) -> list[Person]:
    return parse_people_file(source, raw, json_format=json_format, known_ids=known_ids).people


def parse_people_file(source: str, raw: bytes, *, json_format: bool, known_ids: Iterable[str] = ()) -> PeopleFile:
    """Validate a people file (CSV, or JSON with `json_format`) into people and team names."""
    text = _decode(source, raw)
    known_ids = frozenset(known_ids)  # read twice when the fast path hands over to the validator
    if not json_format:
        usual = _parse_usual_csv(text, known_ids)
        if usual is not None:
            return usual
    records = _json_records(source, text) if json_format else _csv_records(source, text)
    return parse_people_records(source, records, known_ids=known_ids)


_TRACK_SET = frozenset(TRACKS)


def _parse_usual_csv(text: str, known_ids: Iterable[str]) -> PeopleFile | None:
    """Validate a CSV column by column, for a file with nothing unusual in it, or return None.

    Checking a column with set operations and ``map`` is several times faster than
    checking 100,000 rows one by one. Anything out of the ordinary (a short or blank
    row, an export's formula guard, a level other than a plain 0-5, a duplicate or
    unknown id, a team named twice differently...) returns None, and the row-by-row
    validator then reads the file and reports each problem with its row and column.
    Every check here is one that validator makes, so the two give the same people.
    """
    if "'" in text:  # formula guards to undo: left to the row-by-row reader
        return None
    try:
        header, *rows = csv.reader(io.StringIO(text, newline=""))
    except (csv.Error, ValueError):  # unreadable, or no rows at all
        return None
    header = [h.strip() for h in header]
    width = len(header)
    if not rows or len(set(header)) != width or not set(COLUMNS) <= set(header) or set(map(len, rows)) != {width}:
        return None
    columns = dict(zip(header, zip(*rows)))
    used = [columns[c] for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c in columns]
    if max(max(map(len, cells)) for cells in used) > _MAX_FIELD_CHARS:
        return None
    ids, names, emails, teams, tracks, manager_ids = (tuple(map(str.strip, columns[c])) for c in BASE_COLUMNS)
    if not all(ids) or len(set(ids)) != len(ids) or not all(names) or not set(tracks) <= _TRACK_SET:
        return None
    if not all("@" in email and " " not in email for email in emails if email):
        return None
    level_columns = [columns[d] for d in DOMAINS]
    if not all(set(cells) <= _LEVEL_CELLS.keys() for cells in level_columns):
        return None
    known = set(ids).union(known_ids)
    managers = tuple(m or None for m in manager_ids)
    if any(m is not None and (m == e or m not in known) for m, e in zip(managers, ids)):
        return None
    team_names: dict[str, str] = {}
    if "team_name" in columns:
        for team, name in zip(teams, map(str.strip, columns["team_name"])):
            if team and name and team_names.setdefault(team, name) != name:
                return None
    profiles = Profile.interned(zip(*(map(_LEVEL_CELLS.__getitem__, cells) for cells in level_columns)))
    # Positional, in Person's field order: employee_id, name, track, profile, email, team, manager_id.
    return PeopleFile(list(map(Person, ids, names, tracks, profiles, emails, teams, managers)), team_names)


#: A record, or why its row could not be read as one (the validator lists it with the others).
Record = Mapping[str, Any] | InputError


def _json_records(source: str, text: str) -> Iterable[tuple[int, Record]]:
    data = _load_json(source, text)
    if not isinstance(data, list):
        raise InputErrors([InputError(source, "expected a JSON list of people")])
    if not data:
        raise InputErrors([InputError(source, "the list of people is empty")])
    return ((n, item if isinstance(item, dict) else InputError(source, "expected an object", row=n))
            for n, item in enumerate(data, 1))


#: A cell as CSV exports write it when a spreadsheet would run it as a formula (see `reports.csv_safe`).
_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _restore_cell(cell: str) -> str:
    """Undo an export's formula neutralisation: drop the one quote put before = + - @ tab or CR."""
    return cell[1:] if cell.startswith(_NEUTRALISED) else cell


def _csv_records(source: str, text: str) -> Iterator[tuple[int, Record]]:
    """Yield each data row as a record, read lazily: a huge file of bad rows is refused after its first problems."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputErrors([InputError(source, f"unreadable CSV header: {exc}", row=1)]) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputErrors([InputError(source, "missing column", row=1, column=c) for c in missing])
    dupes = sorted({h for h in header if header.count(h) > 1 and h in COLUMNS})
    if dupes:
        raise InputErrors([InputError(source, "column appears twice", row=1, column=c) for c in dupes])
    names = [c for c in (*COLUMNS, *OPTIONAL_COLUMNS) if c in header]
    cells_of = itemgetter(*(header.index(c) for c in names))
    width = len(header)
    row, seen = 1, False
    try:
        for row, fields in enumerate(reader, 2):
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            seen = True
            if len(fields) != width:
                yield row, InputError(source, f"expected {width} fields, found {len(fields)}", row=row)
                continue
            cells = cells_of(fields)
            if "'" in "".join(cells):  # rare: only then can a cell carry an export's formula guard
                cells = map(_restore_cell, cells)
            yield row, dict(zip(names, cells))
    except csv.Error as exc:
        yield row + 1, InputError(source, f"unreadable CSV: {exc}", row=row + 1)
        return
    if not seen:
        raise InputErrors([InputError(source, "no people in the file (only a header)", row=2)])


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


#: The usual level cells, read by one lookup; `_level` reads anything else.
_LEVEL_CELLS: dict[str | None, int | None] = {None: None, "": None, **{str(n): n for n in LEVELS}}
_UNUSUAL = object()


def _short_texts(record: Mapping[str, Any]) -> bool:
    """True when every value is a string of at most `_MAX_FIELD_CHARS` (as in any sane CSV row), checked in C."""
    values = record.values()
    return set(map(type, values)) == {str} and max(map(len, values)) <= _MAX_FIELD_CHARS


def _level(value: Any) -> int | None | str:
    """Return a level, None for blank, or an error reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return f"expected a whole number 0-{MAX_LEVEL}, got {str(value).lower()}"
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        shown = value if isinstance(value, str) else json.dumps(value)
        return f"expected a whole number 0-{MAX_LEVEL}, got {shown[:20]!r}"
    if not 0 <= number <= MAX_LEVEL:
        return f"level {number} is out of range 0-{MAX_LEVEL}"
    return number


def parse_people_records(
    source: str, records: Iterable[tuple[int, Record]], *, known_ids: Iterable[str] = ()
) -> PeopleFile:
    """Validate ``(row, record)`` pairs into people, collecting every error (up to `MAX_REPORTED_ERRORS`).

    A record may be the `InputError` of a row that could not be read; it is listed with the rest.
    """
    people: list[Person] = []
    team_names: dict[str, tuple[str, int]] = {}
    errors: list[InputError] = []
    first_row: dict[str, int] = {}
    managers: list[tuple[int, str, str]] = []
    stopped: InputError | None = None
    for row, record in records:
        if len(errors) >= MAX_REPORTED_ERRORS:
            stopped = InputError(source, f"stopped reading after {len(errors)} problems; fix these and try again",
                                 row=row)
            break
        if isinstance(record, InputError):
            errors.append(record)
            continue
        bad = False

        def fail(column: str | None, reason: str) -> None:
            nonlocal bad
            bad = True
            errors.append(InputError(source, reason, row=row, column=column))

        if not _short_texts(record):  # a usual CSV row passes at once; anything else is checked cell by cell
            for column in (*COLUMNS, *OPTIONAL_COLUMNS):
                value = record.get(column)
                if value is not None and not isinstance(value, (str, int)) or len(_text(value)) > _MAX_FIELD_CHARS:
                    fail(column, f"expected a short text or number (at most {_MAX_FIELD_CHARS} characters)")
        if bad:
            continue
        employee_id = _text(record.get("employee_id"))
        name = _text(record.get("name"))
        track = _text(record.get("track"))
        if not employee_id:
            fail("employee_id", "employee id is blank")
        elif employee_id in first_row:
            fail("employee_id", f"duplicate id {employee_id!r} (first on row {first_row[employee_id]})")
        else:
            first_row[employee_id] = row
        if not name:
            fail("name", "name is blank")
        if track not in TRACKS:
            fail("track", f"unknown track {track!r} (known: {', '.join(TRACKS)})")
        email = _text(record.get("email"))
        if email and ("@" not in email or " " in email):
            fail("email", f"not an email address: {email!r}")
        levels = tuple(map(_LEVEL_CELLS.get, map(record.get, DOMAINS), repeat(_UNUSUAL)))
        if _UNUSUAL in levels:  # a cell other than blank or a plain 0-5: read each one carefully
            levels = tuple(map(_level, map(record.get, DOMAINS)))
            for domain, level in zip(DOMAINS, levels):
                if isinstance(level, str):
                    fail(domain, level)
        team, team_name = _text(record.get("team")), _text(record.get("team_name"))
        if team_name and team:
            named, named_row = team_names.setdefault(team, (team_name, row))
            if named != team_name:
                fail("team_name", f"team {team!r} is already named {named!r} (row {named_row})")
        manager_id = _text(record.get("manager_id")) or None
        if manager_id is not None:
            if manager_id == employee_id:
                fail("manager_id", "a person cannot be their own manager")
            managers.append((row, employee_id, manager_id))
        if not bad:
            people.append(
                Person(
                    employee_id=employee_id,
                    name=name,
                    email=email,
                    team=team,
                    track=track,
                    manager_id=manager_id,
                    profile=Profile(levels),
                )
            )
    known = set(first_row) | set(known_ids)
    for row, employee_id, manager_id in managers if stopped is None else ():  # later rows may hold the managers
        if manager_id not in known and manager_id != employee_id:
            errors.append(InputError(source, f"manager {manager_id!r} is not in the file", row=row, column="manager_id"))
    if errors:
        errors.sort(key=lambda e: (e.row or 0, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
        raise InputErrors(errors + ([stopped] if stopped else []))
    return PeopleFile(people, {team: name for team, (name, _) in team_names.items()})


# ---------------------------------------------------------------------------
# Organisational practice maturity (AIMM and the seven-level model): the practice
# rubric, questionnaire answers (JSON) and KPI readings (CSV).
# ---------------------------------------------------------------------------

__all__ += [
    "KPI_COLUMNS",
    "load_practice_rubric",
    "parse_answers_bytes",
    "parse_kpi_bytes",
    "read_answers",
    "read_kpi_series",
    "read_team_answers",
]

KPI_COLUMNS: tuple[str, ...] = ("team", "kpi", "recorded_on", "value", "is_baseline")
_FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}
_ANSWERS_SHAPE = '{practice id: "yes" | "partial" | "no"}'


def load_practice_rubric(directory: str | os.PathLike | None = None) -> PracticeRubric:
    """Load and validate the four practice-rubric files (default: the ``rubrics/`` folder).

    Errors are `RubricError`s whose message starts with the file name and the key.
    """
    folder = Path(directory) if directory else rubric_dir()
    return parse_practice_rubric(**{part: read_toml(folder / name) for part, name in SOURCES.items()})


def read_input(path: str | os.PathLike) -> tuple[str, bytes]:
    """The file's name (for messages) and its bytes; unreadable or oversized files become `InputErrors`.

    At most one byte past the limit is read, so a huge file (or /dev/zero) is refused without being loaded.
    """
    path = Path(path)
    name = path.name or str(path)  # "." and "/" have no name of their own
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_INPUT_BYTES + 1)
        _check_size(name, len(raw))
        return name, raw
    except FileNotFoundError:
        raise InputErrors([InputError(name, "no such file")]) from None
    except IsADirectoryError:
        raise InputErrors([InputError(name, "is a directory, not a file")]) from None
    except OSError as exc:
        raise InputErrors([InputError(name, f"cannot read: {exc.strerror or exc}")]) from None


def _json_object(source: str, raw: bytes, shape: str) -> dict[str, Any]:
    data = _load_json(source, _decode(source, raw))
    if not isinstance(data, dict):
        raise InputErrors([InputError(source, f"expected a JSON object {shape}")])
    return data


def _answer_errors(source: str, error: AnswerError) -> list[InputError]:
    return [InputError(source, f"key {key!r}: {problem}") for key, problem in error.problems]


def parse_answers_bytes(source: str, raw: bytes, rubric: PracticeRubric) -> Mapping[str, Answer]:
    """Validate questionnaire answers (an upload or a file): ``{practice id: "yes" | "partial" | "no"}``."""
    try:
        return parse_answers(rubric, _json_object(source, raw, _ANSWERS_SHAPE))
    except AnswerError as exc:
        raise InputErrors(_answer_errors(source, exc)) from None


def read_answers(path: str | os.PathLike, rubric: PracticeRubric) -> Mapping[str, Answer]:
    """Read one answers file (JSON); unanswered practices count as "no" when scored."""
    return parse_answers_bytes(*read_input(path), rubric)


def read_team_answers(path: str | os.PathLike, rubric: PracticeRubric) -> dict[str, Mapping[str, Answer]]:
    """Read ``{team slug: {practice id: answer}}``; every problem is reported, keyed ``team.id``."""
    source, raw = read_input(path)
    data = _json_object(source, raw, f"{{team: {_ANSWERS_SHAPE}}}")
    if not data:
        raise InputErrors([InputError(source, "no teams in the file")])
    answers: dict[str, Mapping[str, Answer]] = {}
    errors: list[InputError] = []
    for team, raw_answers in data.items():
        if not isinstance(raw_answers, dict):
            errors.append(InputError(source, f"key {team!r}: expected a JSON object {_ANSWERS_SHAPE}"))
            continue
        try:
            answers[team] = parse_answers(rubric, raw_answers)
        except AnswerError as exc:
            errors += _answer_errors(source, AnswerError([(f"{team}.{k}", p) for k, p in exc.problems]))
    if errors:
        raise InputErrors(errors)
    return answers


def _kpi_reading(source: str, row: int, record: Mapping[str, str], rubric: PracticeRubric,
                 errors: list[InputError]) -> tuple[str, str, KpiReading, bool] | None:
    """One CSV row as (team, kpi, reading, is_baseline); problems go to `errors`."""
    found = len(errors)
    kpi = record["kpi"].strip()
    if kpi not in rubric.kpis:
        errors.append(InputError(source, f"unknown KPI {kpi[:30]!r}", row=row, column="kpi"))
    try:
        recorded_on = date.fromisoformat(record["recorded_on"].strip())
    except ValueError:
        errors.append(InputError(source, f"expected a date YYYY-MM-DD, got {record['recorded_on'][:20]!r}",
                                 row=row, column="recorded_on"))
    try:
        value = float(record["value"])
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        errors.append(InputError(source, f"expected a number, got {record['value'][:20]!r}", row=row, column="value"))
    flag = record["is_baseline"].strip().lower()
    if flag not in _FLAGS:
        errors.append(InputError(source, f"expected true or false, got {flag[:20]!r}", row=row, column="is_baseline"))
    if len(errors) > found:
        return None
    for column, problem in reading_problems(rubric.kpis[kpi], recorded_on, value, date.today()):
        errors.append(InputError(source, problem, row=row, column=column))
    if len(errors) > found:
        return None
    return record["team"].strip(), kpi, KpiReading(recorded_on, value), _FLAGS[flag]


def _kpi_series(source: str, rubric: PracticeRubric, team: str, kpi: str,
                rows: Sequence[tuple[int, KpiReading, bool]], errors: list[InputError]) -> KpiSeries | None:
    """One team's KPI: exactly one baseline, then readings on distinct later dates."""
    where = f"team {team!r}, KPI {kpi!r}"
    baselines = [(row, reading) for row, reading, flag in rows if flag]
    if len(baselines) != 1:
        problem = "has no baseline row" if not baselines else f"has a second baseline (first on row {baselines[0][0]})"
        errors.append(InputError(source, f"{where} {problem}", row=(baselines[1:] or rows)[0][0], column="is_baseline"))
        return None
    base_row, baseline = baselines[0]
    seen: dict[date, int] = {}
    readings = []
    for row, reading, flag in rows:
        if reading.recorded_on in seen:
            errors.append(InputError(source, f"{where} already has a reading on {reading.recorded_on} "
                                     f"(row {seen[reading.recorded_on]})", row=row, column="recorded_on"))
        elif not flag and reading.recorded_on < baseline.recorded_on:
            errors.append(InputError(source, f"{where}: dated before its baseline (row {base_row})",
                                     row=row, column="recorded_on"))
        elif not flag:
            readings.append(reading)
        seen.setdefault(reading.recorded_on, row)
    return KpiSeries(team, rubric.kpis[kpi], baseline, tuple(readings))


def parse_kpi_bytes(source: str, raw: bytes, rubric: PracticeRubric) -> list[KpiSeries]:
    """Validate KPI readings (CSV: team,kpi,recorded_on,value,is_baseline) into one series per team and KPI.

    A blank team means the whole organisation. Raises `InputErrors` listing every problem.
    """
    reader = csv.reader(io.StringIO(_decode(source, raw), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in KPI_COLUMNS if c not in header]
        if missing:
            raise InputErrors([InputError(source, "missing column", row=1, column=c) for c in missing])
        errors: list[InputError] = []
        groups: dict[tuple[str, str], list[tuple[int, KpiReading, bool]]] = {}
        for row, fields in enumerate(reader, 2):
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                errors.append(InputError(source, f"expected {len(header)} fields, found {len(fields)}", row=row))
                continue
            parsed = _kpi_reading(source, row, dict(zip(header, fields)), rubric, errors)
            if parsed:
                team, kpi, reading, flag = parsed
                groups.setdefault((team, kpi), []).append((row, reading, flag))
    except csv.Error as exc:
        raise InputErrors([InputError(source, f"unreadable CSV: {exc}")]) from None
    series = [_kpi_series(source, rubric, team, kpi, rows, errors) for (team, kpi), rows in groups.items()]
    if errors or not groups:
        raise InputErrors(errors or [InputError(source, "no readings in the file (only a header)", row=2)])
    return series


def read_kpi_series(path: str | os.PathLike, rubric: PracticeRubric) -> list[KpiSeries]:
    """Read a KPI readings CSV (see `parse_kpi_bytes`)."""
    return parse_kpi_bytes(*read_input(path), rubric)
