"""The skills matrix in the browser, and HR editing the rubric: a bad file is refused naming the key."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_the_skills_matrix_renders_eight_domains_by_five_levels(page, sign_in, screenshot):
    sign_in("individual")
    page.get_by_role("link", name="Skills matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills matrix")
    matrix = page.get_by_role("table", name=re.compile("Eight domains by five levels"))
    expect(matrix.locator("tbody tr")).to_have_count(8)
    expect(matrix.get_by_role("columnheader")).to_have_count(6)  # the domain, then L1 to L5
    expect(matrix.get_by_role("row", name=re.compile("^Evaluation"))).to_contain_text(
        "Measures quality automatically: test sets and scoring that run whenever a prompt, model or pipeline changes.")
    expect(matrix.get_by_role("row", name=re.compile("^RAG & retrieval")).get_by_text("n/a")).to_be_visible()
    expect(page.get_by_role("heading", name="Use an edited rubric")).to_have_count(0)  # HR only
    screenshot("rubric")


def test_hr_uploads_an_edited_rubric_a_wrong_key_is_named_and_a_good_file_becomes_the_new_version(
        page, sign_in, tmp_path):
    sign_in("hr")
    page.goto("/rubric")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rubric (TOML)").click()
    assert download.value.suggested_filename.endswith(".toml")
    source = open(download.value.path(), encoding="utf-8").read()

    # A wrong value: refused, naming the file and the key, and nothing changes.
    edited = tmp_path / "my-rubric.toml"
    edited.write_text(source.replace("senior_strategy_level = 4", 'senior_strategy_level = "four"'), encoding="utf-8")
    page.get_by_label("Edited rubric (TOML)").set_input_files(edited)
    page.get_by_role("button", name="Check and upload").click()
    refused = page.locator(".alert").filter(has_text="The rubric was not changed")
    expect(refused).to_contain_text("my-rubric.toml: rules.senior_strategy_level: expected an integer, got str")
    expect(page.get_by_text(re.compile(r"version 2026\.1 \("))).to_be_visible()

    # Not TOML at all: refused with the line and column.
    edited.write_text(source.replace("[rules]", "[rules", 1), encoding="utf-8")
    page.get_by_label("Edited rubric (TOML)").set_input_files(edited)
    page.get_by_role("button", name="Check and upload").click()
    expect(refused).to_contain_text(re.compile(r"my-rubric\.toml: not valid TOML: .*\(at line \d+, column \d+\)"))

    # Fixed and given a new version number: accepted, and every page names it.
    edited.write_text(source.replace('version = "2026.1"', 'version = "2026.2"', 1), encoding="utf-8")
    page.get_by_label("Edited rubric (TOML)").set_input_files(edited)
    page.get_by_role("button", name="Check and upload").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Rubric version 2026\.2 \(\w+\) is now in use"))
    expect(refused).to_have_count(0)
    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_text(re.compile(r"Scored with rubric 2026\.2 \("))).to_be_visible()
