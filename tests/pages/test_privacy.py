"""Personal data in the browser's pages: a download of one's own data; HR erases a leaver."""

from __future__ import annotations

import json

from .conftest import INDIVIDUAL_ID, TEAMMATE_ID, text_of


def test_anyone_downloads_what_is_held_about_them_as_a_json_file(login, audit):
    response = login("individual").get("/me/data")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(text_of(response))
    assert data["person"]["employee_id"] == INDIVIDUAL_ID and data["person"]["name"] == "Uma Patel"
    assert data["assessments"] and data["accounts"][0]["email"] == "uma.patel@meridian.example"
    assert [row[0] for row in audit("privacy.export")] == ["uma.patel@meridian.example"]


def test_hr_downloads_a_leaver_s_data_for_them(login, person, audit):
    client = login("hr")
    client.post(f"/people/{TEAMMATE_ID}/archive", data={"version": person(TEAMMATE_ID).version})
    data = json.loads(text_of(client.get(f"/people/{TEAMMATE_ID}/data")))
    assert data["person"]["name"] == "Daria Adeyemi" and data["person"]["left_on"]
    assert data["assessments"]
    assert [row[:2] for row in audit("privacy.export")] == [("hr@meridian.example", TEAMMATE_ID)]


def test_the_account_page_and_my_roadmap_offer_the_download(login):
    client = login("individual")
    assert 'href="/me/data"' in text_of(client.get("/account"))
    assert 'href="/me/data"' in text_of(client.get("/me"))


def test_hr_erases_a_leaver_only_with_the_box_ticked(login, person):
    client = login("hr")
    version = person(TEAMMATE_ID).version
    client.post(f"/people/{TEAMMATE_ID}/archive", data={"version": version})
    unticked = client.post(f"/people/{TEAMMATE_ID}/erase", data={"version": version + 1})
    assert unticked.status_code == 422 and "Tick the box" in text_of(unticked)
    erased = client.post(f"/people/{TEAMMATE_ID}/erase", data={"version": version + 1, "confirm": "y"})
    assert erased.status_code == 302 and "/people/erased-" in erased.headers["Location"]
    page = text_of(client.get(erased.headers["Location"]))
    assert "Personal data erased on" in page and "Daria Adeyemi" not in page
    assert "Daria Adeyemi" not in text_of(client.get("/people?left=1"))
