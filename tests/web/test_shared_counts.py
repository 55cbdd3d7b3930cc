"""Two app instances sharing one Redis count sign-in attempts and denied requests together.

Each test uses a key prefix of its own in the Redis at REDIS_URL (default the local one),
so parallel runs never share counts; skipped when no Redis answers.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlmodel import select

from app.conftest import (  # noqa: F401  (the database fixtures)
    ACCOUNTS,
    DEMO_PASSWORD,
    OTHER_TEAM_ID,
    database,
    make_test_app,
    seeded_database,
)
from planner.db.tables import AuditRow
from planner.web.database import get_session

REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
def instances(database):
    """Two apps on one database and one Redis store, as two servers behind a load balancer."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL,
              "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"planner-test-{uuid.uuid4().hex}"}}
    apps = [make_test_app(database, **config) for _ in range(2)]
    yield apps
    for app in apps:
        app.extensions["planner_engine"].dispose()


def test_wrong_passwords_at_either_instance_count_toward_one_limit(instances):
    answers = []
    for attempt in range(11):
        client = instances[attempt % 2].test_client()
        response = client.post("/login", data={"email": ACCOUNTS["manager"], "password": "wrong-password"},
                               environ_base={"REMOTE_ADDR": "203.0.113.7"})
        answers.append(response.status_code)
    assert answers == [401] * 10 + [429]


def test_denied_requests_at_either_instance_share_one_audit_budget(instances):
    clients = [app.test_client() for app in instances]
    for client in clients:
        assert client.post("/login", data={"email": ACCOUNTS["manager"], "password": DEMO_PASSWORD}).status_code == 302
    for attempt in range(14):
        assert clients[attempt % 2].get(f"/api/v1/people/{OTHER_TEAM_ID}").status_code == 404
    with instances[0].app_context():
        rows = list(get_session().exec(select(AuditRow).where(AuditRow.action == "access.denied")))
    assert len(rows) == 10
