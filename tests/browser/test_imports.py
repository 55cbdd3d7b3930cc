"""HR imports people in the browser: upload the HR system's file, read the preview, confirm."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from pages.test_imports import NEWCOMER, people_file, raised

from .test_hr import stat


def test_hr_previews_an_import_then_confirms_it_and_the_newcomer_is_on_the_team(page, sign_in, tmp_path, screenshot):
    path = tmp_path / "hris-export.csv"
    path.write_bytes(people_file(raised("E1014", "evaluation", 4), extra=[NEWCOMER]))
    sign_in("hr")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")

    page.get_by_label("People file (CSV or JSON)").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    preview = page.get_by_role("region", name="What importing hris-export.csv would change")
    expect(preview).to_be_visible()
    expect(stat(preview, "Added")).to_contain_text("1")
    expect(stat(preview, "Updated")).to_contain_text("1")
    expect(stat(preview, "Unchanged")).to_contain_text("79")
    screenshot("import-preview")

    page.get_by_role("button", name="Import 81 people").click()
    expect(page.locator(".alert-success")).to_contain_text("Imported hris-export.csv: 1 added, 1 changed")
    page.goto("/team?team=platform")
    expect(page.locator("#team-heatmap").get_by_role("link", name="Noor Haddad")).to_be_visible()


def test_a_file_with_problems_is_shown_row_by_row_and_cannot_be_imported(page, sign_in, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(people_file(extra=[{**NEWCOMER, "evaluation": "9"}]))
    sign_in("hr")
    page.goto("/import")
    page.get_by_label("People file (CSV or JSON)").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    problems = page.get_by_role("table", name="Problems in broken.csv")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody tr")).to_contain_text("level 9 is out of range 0-5")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)


def test_a_sync_import_archives_the_person_missing_from_the_hr_systems_export(page, sign_in, tmp_path, screenshot):
    path = tmp_path / "nightly.csv"
    path.write_bytes(people_file(lambda row: None if row["employee_id"] == "E1041" else row))
    sign_in("hr")
    page.goto("/team?team=data")
    heatmap = page.locator("#team-heatmap")
    expect(heatmap.get_by_role("link", name="Dario Hughes")).to_be_visible()

    page.goto("/import")
    page.get_by_label("People file (CSV or JSON)").set_input_files(path)
    page.get_by_label("The file lists everyone: archive the people it leaves out").check()
    screenshot("import-upload")
    page.get_by_role("button", name="Check the file").click()
    preview = page.get_by_role("region", name="What importing nightly.csv would change")
    expect(stat(preview, "Archived")).to_contain_text("1")
    page.get_by_role("button", name="Import 79 people").click()
    expect(page.locator(".alert-success")).to_contain_text("1 archived as not in the file")

    page.goto("/team?team=data")
    expect(heatmap.get_by_role("link", name="Hughes")).to_have_count(0)
    expect(heatmap).to_be_visible()
