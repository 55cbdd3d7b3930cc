"""Sign-in throttling: per client address and per account, with a Retry-After."""

from __future__ import annotations

import pytest

from .conftest import ACCOUNTS, DEMO_PASSWORD, make_test_app


@pytest.fixture
def throttled(database):
    app = make_test_app(database, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    yield app.test_client()
    app.extensions["planner_engine"].dispose()


def _attempt(client, email: str, password: str = "wrong password", address: str = "10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_guessing_one_accounts_password_is_refused_after_the_limit_even_from_new_addresses(throttled):
    for n in range(3):
        assert _attempt(throttled, ACCOUNTS["hr"], address=f"10.0.0.{n}").status_code == 401
    refused = _attempt(throttled, ACCOUNTS["hr"], DEMO_PASSWORD, address="10.0.0.99")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert b"Too many sign-in attempts" in refused.data


def test_one_address_guessing_many_accounts_is_refused_after_the_limit(throttled):
    for n in range(3):
        assert _attempt(throttled, f"nobody{n}@meridian.example").status_code == 401
    assert _attempt(throttled, ACCOUNTS["manager"], DEMO_PASSWORD).status_code == 429


def test_viewing_the_sign_in_page_is_never_throttled(throttled):
    for _ in range(5):
        assert throttled.get("/login").status_code == 200
    assert _attempt(throttled, ACCOUNTS["individual"], DEMO_PASSWORD, address="10.0.0.7").status_code == 302
