"""The account page says who the account is by name, and an HR account that is nobody on the roster sees no
one else's roadmap as its own."""

from __future__ import annotations

from .conftest import text_of


def test_the_account_page_names_the_person_and_never_shows_their_id(login):
    page = text_of(login("individual").get("/account"))
    assert "<dt>You are</dt><dd>Uma Patel</dd>" in page
    assert "E1015" not in page


def test_the_demo_hr_account_is_nobody_on_the_roster_and_sees_no_roadmap_as_its_own(login):
    client = login("hr")
    assert "Not linked to a person of the roster" in text_of(client.get("/account"))
    me = text_of(client.get("/me"))
    assert "This account has no roadmap of its own" in me and "Qing Dunn" not in me
