"""HR imports people in the browser: a preview that writes nothing, then a confirmation that imports all or nothing."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from planner.db import repository
from planner.loaders import seed_dir
from planner.services.assessments import record_assessment
from planner.services.transactions import Actor

NEWCOMER = {"employee_id": "E9001", "name": "Noor Haddad", "email": "noor.haddad@meridian.example",
            "team": "platform", "track": "software_engineer", "manager_id": "E1013", "prompting": "2",
            "apis_integration": "2", "rag_retrieval": "1", "evaluation": "1", "observability": "1", "security": "1",
            "governance": "1", "strategy": "1"}


def people_file(change=lambda row: row, extra=()) -> bytes:
    """The demo people file with `change` applied to each row (None drops it) and `extra` rows added."""
    with open(seed_dir() / "people.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [row for row in map(change, reader) if row is not None]
        columns = reader.fieldnames
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, *({c: r.get(c, "") for c in columns} for r in extra)])
    return out.getvalue().encode()


def raised(employee_id: str, domain: str, level: int):
    return lambda row: {**row, domain: str(level)} if row["employee_id"] == employee_id else row


def upload(client, raw: bytes, name: str = "hris.csv"):
    return client.post("/import", data={"people": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")


def token_of(page: str) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.config["IMPORT_UPLOAD_DIR"])


def test_a_preview_counts_what_would_change_and_writes_nothing_until_hr_confirms(login, person, assessment_count,
                                                                                uploads):
    client = login("hr")
    before = assessment_count()
    response = upload(client, people_file(raised("E1014", "evaluation", 4), extra=[NEWCOMER]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r"<dt>(\w[\w ]*)</dt><dd>([\d,]+)", page) == [
        ("Added", "1"), ("Updated", "1"), ("Unchanged", "79"), ("Levels recorded", "9")]
    assert person("E9001") is None and assessment_count() == before
    assert len(list(uploads.iterdir())) == 1

    done = client.post("/import/confirm", data={"upload": token_of(page)}, follow_redirects=True)
    assert "Imported hris.csv: 1 added, 1 changed, 79 unchanged; 9 levels added" in done.get_data(as_text=True)
    assert person("E9001").person.name == "Noor Haddad"
    assert person("E1014").person.profile.get("evaluation") == 4
    assert assessment_count() == before + 9
    assert list(uploads.iterdir()) == []


def test_a_file_with_problems_lists_them_by_row_and_column_and_offers_no_import(login, assessment_count, uploads):
    bad = people_file(lambda row: {**row, "track": "wizard"} if row["employee_id"] == "E1014" else row,
                      extra=[{**NEWCOMER, "evaluation": "9"}])
    before = assessment_count()
    response = upload(login("hr"), bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    cells = re.findall(r'<tr><td class="num">(\d+)</td><td><code>(\w+)</code></td>', page)
    assert cells == [("15", "track"), ("82", "evaluation")]  # E1014 is the 14th person, below the header
    assert "Nothing was imported" in page and 'name="upload"' not in page
    assert assessment_count() == before
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_preview_can_be_confirmed_once_only(login, assessment_count):
    client = login("hr")
    token = token_of(upload(client, people_file(raised("E1014", "evaluation", 4))).get_data(as_text=True))
    assert client.post("/import/confirm", data={"upload": token}).status_code == 302
    after = assessment_count()
    again = client.post("/import/confirm", data={"upload": token}, follow_redirects=True)
    assert "can no longer be imported" in again.get_data(as_text=True)
    assert assessment_count() == after


def test_a_tampered_token_or_another_accounts_preview_imports_nothing(login, client_for, new_account, person):
    token = token_of(upload(login("hr"), people_file(extra=[NEWCOMER])).get_data(as_text=True))
    other_hr = new_account("second.hr@meridian.example", "hr", None)
    for forged in (token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        answer = other_hr.post("/import/confirm", data={"upload": forged}, follow_redirects=True)
        assert "can no longer be imported" in answer.get_data(as_text=True)
    assert person("E9001") is None


def test_the_file_kept_for_a_preview_must_be_the_file_previewed(login, person, uploads):
    client = login("hr")
    token = token_of(upload(client, people_file(extra=[NEWCOMER])).get_data(as_text=True))
    [kept] = uploads.iterdir()
    kept.write_bytes(people_file(extra=[{**NEWCOMER, "name": "Someone Else"}]))
    answer = client.post("/import/confirm", data={"upload": token}, follow_redirects=True)
    assert "can no longer be imported" in answer.get_data(as_text=True)
    assert person("E9001") is None


@pytest.mark.parametrize("role", ["manager", "individual"])
def test_only_hr_may_preview_or_confirm_an_import(login, role, person):
    client = login(role)
    assert upload(client, people_file(extra=[NEWCOMER])).status_code == 403
    assert client.post("/import/confirm", data={"upload": "anything"}).status_code == 403
    assert person("E9001") is None


def test_a_sync_preview_counts_the_leavers_and_the_confirmation_archives_them(login, person):
    client = login("hr")
    raw = people_file(lambda row: None if row["employee_id"] == "E1041" else row)
    page = client.post("/import", data={"people": (io.BytesIO(raw), "hris.csv"), "sync": "y"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert re.search(r"<dt>Archived</dt><dd>1 ", page)
    assert person("E1041") is not None
    done = client.post("/import/confirm", data={"upload": token_of(page)}, follow_redirects=True)
    assert "1 archived as not in the file" in done.get_data(as_text=True)
    assert person("E1041") is None


def test_newer_levels_are_listed_kept_by_default_and_overwritten_when_hr_ticks_the_box(login, person, db):
    current = person("E1014")
    level = (current.person.profile.get("evaluation") + 1) % 6

    def assess(session):
        org = repository.list_organisations(session)[0]
        record_assessment(session, organisation_id=org.id, employee_id="E1014", expected_version=current.version,
                          levels={"evaluation": level}, kind="manager", evidence="review", actor=Actor("test"))

    db(assess)
    client = login("hr")
    page = upload(client, people_file()).get_data(as_text=True)
    assert "1 newer level kept" in page and "Evaluation" in page
    token = token_of(page)
    client.post("/import/confirm", data={"upload": token})
    assert person("E1014").person.profile.get("evaluation") == level
    page = upload(client, people_file()).get_data(as_text=True)
    client.post("/import/confirm", data={"upload": token_of(page), "overwrite": "y"})
    assert person("E1014").person.profile.get("evaluation") == current.person.profile.get("evaluation")
