"""Sign-in throttling: guessing is slowed per account and address, yet a guesser cannot lock the owner out.

The first version keyed an account's count on the account alone: three wrong guesses from anywhere
kept the owner out too (and behind a proxy every user shared one address). These tests say what
replaced it: counts per (account, address) pair and per address, an account-wide count of failures
that only holds back browsers which never signed in to the account, and `ProxyFix` for proxies.
"""

from __future__ import annotations

import uuid

import pytest
import redis

from planner.web.throttle import KNOWN_BROWSER_COOKIE

from .conftest import ACCOUNTS, DEMO_PASSWORD, make_test_app

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def make_throttled(database):
    apps = []

    def make(**config):
        app = make_test_app(database, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                            LOGIN_ADDRESS_RATE_LIMIT="5 per minute", LOGIN_ACCOUNT_RATE_LIMIT="4 per minute", **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["planner_engine"].dispose()


@pytest.fixture
def throttled(make_throttled):
    return make_throttled().test_client()


def _attempt(client, email: str, password: str = "wrong password", address: str = "10.0.0.1", **headers):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_one_address_guessing_one_accounts_password_is_refused_after_the_pair_limit(throttled):
    for _ in range(3):
        assert _attempt(throttled, ACCOUNTS["hr"]).status_code == 401
    refused = _attempt(throttled, ACCOUNTS["hr"], DEMO_PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert b"Too many sign-in attempts" in refused.data


def test_the_owner_signs_in_from_another_address_while_one_address_is_held_back(throttled):
    for _ in range(4):
        _attempt(throttled, ACCOUNTS["hr"])
    assert _attempt(throttled, ACCOUNTS["hr"], DEMO_PASSWORD, address="10.9.9.9").status_code == 302


def test_one_address_guessing_many_accounts_is_refused_after_the_address_limit(throttled):
    for n in range(5):
        assert _attempt(throttled, f"nobody{n}@meridian.example").status_code == 401
    assert _attempt(throttled, ACCOUNTS["manager"], DEMO_PASSWORD).status_code == 429


def test_guessing_spread_over_many_addresses_holds_back_new_browsers_but_never_the_owners(make_throttled):
    app = make_throttled()
    owner = app.test_client()
    assert _attempt(owner, ACCOUNTS["hr"], DEMO_PASSWORD, address="192.0.2.10").status_code == 302
    assert owner.get_cookie(KNOWN_BROWSER_COOKIE) is not None
    owner.post("/logout")
    guesser = app.test_client()
    for n in range(4):
        assert _attempt(guesser, ACCOUNTS["hr"], address=f"203.0.113.{n}").status_code == 401
    assert _attempt(guesser, ACCOUNTS["hr"], address="203.0.113.50").status_code == 429
    assert _attempt(app.test_client(), ACCOUNTS["hr"], DEMO_PASSWORD, address="198.51.100.7").status_code == 429
    assert _attempt(owner, ACCOUNTS["hr"], DEMO_PASSWORD, address="192.0.2.10").status_code == 302


def test_a_forged_known_browser_cookie_does_not_lift_the_account_back_off(make_throttled):
    client = make_throttled().test_client()
    for n in range(4):
        _attempt(client, ACCOUNTS["hr"], address=f"203.0.113.{n}")
    client.set_cookie(KNOWN_BROWSER_COOKIE, ACCOUNTS["hr"])
    assert _attempt(client, ACCOUNTS["hr"], DEMO_PASSWORD, address="198.51.100.8").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_forwarded_address(make_throttled):
    client = make_throttled(TRUSTED_PROXIES=1).test_client()
    for n in range(5):  # the address limit, had every client counted as the proxy
        assert _attempt(client, f"nobody{n}@meridian.example", address="10.0.0.2",
                        **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code == 401
    assert _attempt(client, ACCOUNTS["manager"], DEMO_PASSWORD, address="10.0.0.2",
                    **{"X-Forwarded-For": "198.51.100.77"}).status_code == 302


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(throttled):
    for n in range(5):
        _attempt(throttled, f"nobody{n}@meridian.example", **{"X-Forwarded-For": f"198.51.100.{n}"})
    assert _attempt(throttled, ACCOUNTS["manager"], DEMO_PASSWORD,
                    **{"X-Forwarded-For": "198.51.100.77"}).status_code == 429


def test_counts_kept_in_redis_are_shared_by_two_servers(make_throttled):
    prefix = f"planner-test-{uuid.uuid4().hex}"
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix}}
    first, second = make_throttled(**shared).test_client(), make_throttled(**shared).test_client()
    try:
        for client in (first, second, first):
            assert _attempt(client, ACCOUNTS["hr"]).status_code == 401
        assert _attempt(second, ACCOUNTS["hr"], DEMO_PASSWORD).status_code == 429
    finally:
        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"{prefix}*"):
            connection.delete(key)


def test_viewing_the_sign_in_page_is_never_throttled(throttled):
    for _ in range(5):
        assert throttled.get("/login").status_code == 200
    assert _attempt(throttled, ACCOUNTS["individual"], DEMO_PASSWORD, address="10.0.0.7").status_code == 302
