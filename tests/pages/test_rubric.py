"""The rubric page: the skills matrix for everyone; upload (validated, versioned) and download for HR."""

from __future__ import annotations

import io

import pytest

from planner.loaders import rubric_source

from .conftest import TEAMMATE_ID, text_of


def _upload(client, text: str, filename: str = "edited.toml"):
    return client.post("/rubric/upload", data={"rubric": (io.BytesIO(text.encode()), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("role", ["hr", "manager", "individual"])
def test_everyone_reads_the_skills_matrix_with_na_cells_marked(login, role):
    page = text_of(login(role).get("/rubric"))
    assert "Skills matrix" in page and "Enterprise AI Skills Maturity Model, version 2026.1" in page
    assert "Improves prompts by measured results, not by feel." in page
    assert page.count('<td class="matrix-na">') == 5  # RAG, evaluation, observability at L1; governance at L1, L2
    assert "no level 1 in Evaluation" in page


def test_the_page_explains_levels_stages_gates_phases_and_tracks(login):
    page = text_of(login("individual").get("/rubric"))
    assert "“What will it take for this AI system to hold up for real users, every day, without leaking or breaking?”" in page
    assert "Stage 3: Production" in page and "4% of the AI workforce (at least 1) at L3+ in Evaluation" in page
    assert "8% of the AI workforce (at least 1) at L3+" in page
    assert 'Systems engineers <span class="badge badge-critical">Critical</span>' in page
    assert "Data professional" in page and "key move: L2 → L3" in page


def test_only_hr_sees_the_upload_form_and_download_link(login):
    assert 'action="/rubric/upload"' not in text_of(login("manager").get("/rubric"))


def test_hr_downloads_the_active_rubric_and_the_download_is_audited(login, audit):
    response = login("hr").get("/rubric/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="rubric-2026.1-')
    assert response.get_data(as_text=True) == rubric_source()
    assert audit("export.rubric")[-1][0] == "hr@meridian.example"


def test_a_valid_upload_becomes_the_version_every_page_names(client_for, audit):
    hr = client_for("hr")
    response = _upload(hr, rubric_source().replace('version = "2026.1"', 'version = "2026.2"'))
    assert response.status_code == 302
    page = text_of(hr.get(response.headers["Location"]))
    assert "Rubric version 2026.2 (" in page and "is now in use" in page
    label = audit("rubric.upload")[-1][2]["label"]
    assert label.startswith("2026.2 (")
    assert f"scored with rubric {label}" in text_of(client_for("manager").get(f"/team/people/{TEAMMATE_ID}"))
    assert f"scored with rubric {label}" in text_of(client_for("individual").get("/me"))


def test_an_invalid_upload_names_the_bad_key_and_stores_nothing(login, audit):
    client = login("hr")
    bad = rubric_source().replace("min_builders_before_l3 = 2", 'min_builders_before_l3 = "two"')
    response = _upload(client, bad)
    assert response.status_code == 422
    page = text_of(response)
    assert "The rubric was not changed" in page
    assert "edited.toml: rules.min_builders_before_l3: expected an integer, got str" in page
    assert audit("rubric.upload") == []
    assert "version 2026.1 (" in text_of(client.get("/rubric"))


@pytest.mark.parametrize(("content", "filename", "message"), [
    ("x = [", "broken.toml", "broken.toml: not valid TOML"),
    ("\udcff", "binary.toml", None),
    ("name = 1", "rubric.txt", "The rubric must be a .toml file."),
])
def test_files_that_are_not_rubrics_are_refused_with_a_reason(login, content, filename, message):
    client = login("hr")
    data = content.encode("utf-8", "surrogateescape")
    response = client.post("/rubric/upload", data={"rubric": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert (message or "binary.toml: not UTF-8 text") in text_of(response)


def test_a_manager_cannot_upload_a_rubric(login, audit):
    response = _upload(login("manager"), rubric_source())
    assert response.status_code == 403
    assert audit("rubric.upload") == []


def test_hr_sees_the_organisation_under_each_shipped_rubric_and_chooses_the_agentic_one(client_for, audit):
    hr = client_for("hr")
    page = text_of(hr.get("/rubric"))
    assert "This organisation under each shipped rubric" in page
    assert "Enterprise AI Skills Maturity Model, agentic shift" in page and "in use" in page
    response = hr.post("/rubric/choose", data={"rubric": "eaism-agentic.toml"})
    assert response.status_code == 302
    page = text_of(hr.get(response.headers["Location"]))
    assert "agentic shift, version 2026.1-agentic (" in page and "is now in use" in page
    assert audit("rubric.upload")[-1][2]["label"].startswith("2026.1-agentic (")


def test_only_shipped_rubrics_can_be_chosen_and_only_by_hr(client_for, audit):
    assert client_for("hr").post("/rubric/choose", data={"rubric": "../secrets.toml"}).status_code == 422
    assert client_for("manager").post("/rubric/choose", data={"rubric": "eaism-agentic.toml"}).status_code in (403, 404)
    assert audit("rubric.upload") == []
