"""The column-by-column CSV reader agrees with the row-by-row validator (hypothesis).

`parse_people_file` tries the fast column check first and falls back to the row-by-row
validator, which alone reports errors; these tests hold the fast path to never accept
what the validator refuses, and to read what it accepts into the same people.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.loaders import COLUMNS, InputErrors, PeopleFile, _csv_records, _parse_usual_csv, parse_people_records

# Valid cells, and per column the unusual ones the validator refuses or reads with care.
VALID = [st.sampled_from(["E1", "E2", "E3", "E4"]), st.sampled_from(["Ada", "Grace"]),
         st.sampled_from(["", "a@x.example"]), st.sampled_from(["", "platform"]),
         st.sampled_from(["software_engineer", "business", "data_professional"]), st.sampled_from(["", "E1", "E2"]),
         *[st.sampled_from(["", "0", "1", "3", "5"])] * 8, st.sampled_from(["", "Platform"])]
UNUSUAL = [st.sampled_from([" E4", "", "E1 "]), st.sampled_from([" Grace ", "", "=cmd()", "O'Brien"]),
           st.sampled_from(["bad address", "no-at-sign", " b@x.example "]), st.sampled_from([" data ", "'platform"]),
           st.sampled_from(["chef", " business"]), st.sampled_from(["E9", " E3"]),
           *[st.sampled_from(["6", "-1", " 2", "x", "+3", "'2"])] * 8, st.sampled_from(["Data team", " Platform"])]


@st.composite
def bodies(draw) -> list[list[str]]:
    """A few rows of valid cells with distinct ids, and now and then one unusual cell."""
    body = [[draw(cell) for cell in VALID] for _ in range(draw(st.integers(1, 4)))]
    for n, row in enumerate(body, 1):
        row[0] = f"E{n}"
    if draw(st.booleans()):
        column = draw(st.integers(0, len(VALID) - 1))
        draw(st.sampled_from(body))[column] = draw(UNUSUAL[column])
    return body


def to_csv(body: list[list[str]] | list[tuple[str, ...]], header: tuple[str, ...] = (*COLUMNS, "team_name")) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue()


def validated(text: str) -> PeopleFile | InputErrors:
    try:
        return parse_people_records("people.csv", _csv_records("people.csv", text))
    except InputErrors as errors:
        return errors


@settings(max_examples=300, deadline=None)
@given(body=bodies())
def test_the_fast_path_reads_exactly_what_the_validator_accepts(body):
    text = to_csv(body)
    fast, slow = _parse_usual_csv(text, ()), validated(text)
    if isinstance(slow, InputErrors):
        assert fast is None
    elif fast is not None:
        assert fast == slow


@pytest.mark.parametrize("text", [
    "employee_id,name\nE1,Ada\n",  # missing columns
    ",".join(COLUMNS) + "\n",  # a header and no people
    ",".join(COLUMNS) + "\nE1,Ada,,,business,,1,1,1,1,1,1,1\n",  # a short row
    ",".join(COLUMNS) + "\n\nE1,Ada,,,business,,1,1,1,1,1,1,1,1\n",  # a blank line
    ",".join((*COLUMNS, "name")) + "\nE1,Ada,,,business,,1,1,1,1,1,1,1,1,Ada\n",  # a column twice
])
def test_the_fast_path_leaves_unusual_layouts_to_the_validator(text):
    assert _parse_usual_csv(text, ()) is None


def test_the_fast_path_reads_a_usual_file_with_shared_profiles():
    text = to_csv([("E1", "Ada", "", "platform", "business", "", *"12345000", "Platform"),
                   ("E2", "Bo", "", "platform", "business", "E1", *"12345000", "")])
    people_file = _parse_usual_csv(text, ())
    assert people_file == validated(text)
    first, second = people_file.people
    assert first.profile is second.profile
    assert second.manager_id == "E1" and people_file.team_names == {"platform": "Platform"}
