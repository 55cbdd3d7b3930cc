"""A kept /org page keeps session semantics: its own session's CSRF token, and flashed messages exactly once."""

from __future__ import annotations

from perf.conftest import csrf_token, sign_in_with_csrf


def test_a_kept_page_carries_its_own_sessions_csrf_token_and_signing_out_with_it_works(csrf_app):
    client = sign_in_with_csrf(csrf_app, "hr")
    first = client.get("/org").get_data(as_text=True)
    kept = client.get("/org").get_data(as_text=True)
    assert kept == first
    response = client.post("/logout", data={"csrf_token": csrf_token(kept)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/org").status_code == 302  # signed out: back to the sign-in page


def test_two_sessions_of_one_account_never_share_a_page_or_its_csrf_token(csrf_app):
    first, second = sign_in_with_csrf(csrf_app, "hr"), sign_in_with_csrf(csrf_app, "hr")
    token_first = csrf_token(first.get("/org").get_data(as_text=True))
    first.get("/org")
    token_second = csrf_token(second.get("/org").get_data(as_text=True))
    assert token_second != token_first
    assert second.post("/logout", data={"csrf_token": token_first}).status_code == 400
    assert second.post("/logout", data={"csrf_token": token_second}).status_code == 302


def test_a_flashed_message_shows_once_and_a_kept_page_never_hides_one(login):
    hr = login("hr")
    hr.get("/org")
    hr.get("/org")
    with hr.session_transaction() as session:
        session["_flashes"] = [("info", "The plan was exported.")]
    assert "The plan was exported." in hr.get("/org").get_data(as_text=True)
    assert "The plan was exported." not in hr.get("/org").get_data(as_text=True)


def test_another_role_is_refused_the_page_even_when_hr_has_it_kept(client_for):
    client_for("hr").get("/org")
    manager = client_for("manager")
    assert manager.get("/org").status_code == 403
