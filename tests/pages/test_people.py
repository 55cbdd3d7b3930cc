"""The people page: HR searches the organisation, a manager their teams; filters and pages are links."""

from __future__ import annotations

import re

from app.conftest import OTHER_TEAM_ID, TEAMMATE_ID


def names_listed(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/team/people/([^"]+)">', html)


def test_hr_sees_the_first_page_of_everyone_with_a_link_to_the_next(login):
    html = login("hr").get("/directory").get_data(as_text=True)
    assert "80 people" in html
    assert len(names_listed(html)) == 50
    assert 'rel="next" href="/directory?page=2"' in html
    second = login("hr").get("/directory?page=2").get_data(as_text=True)
    assert len(names_listed(second)) == 30 and not set(names_listed(second)) & set(names_listed(html))


def test_a_manager_finds_evaluation_at_l3_or_above_in_their_team_and_never_another_team(login):
    manager = login("manager")
    html = manager.get("/directory?domain=evaluation&min_level=3").get_data(as_text=True)
    listed = names_listed(html)
    assert listed and OTHER_TEAM_ID not in listed
    assert "Evaluation</th>" in html
    assert names_listed(manager.get(f"/directory?q={OTHER_TEAM_ID}").get_data(as_text=True)) == []
    assert names_listed(manager.get(f"/directory?q={TEAMMATE_ID}").get_data(as_text=True)) == [TEAMMATE_ID]


def test_a_level_in_a_domain_without_the_domain_is_explained(login):
    response = login("hr").get("/directory?min_level=3")
    assert response.status_code == 422
    assert "Choose the domain this level is for." in response.get_data(as_text=True)


def test_individuals_have_no_people_page(login):
    assert login("individual").get("/directory").status_code == 403
