"""Fixtures for web app tests: an app on a private copy of the seeded demo database.

The demo organisation is migrated and seeded once per test session; each test
gets its own copy (SQLite's backup API), so tests never share state and stay fast.
"""

from __future__ import annotations

import re
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from planner.db.engine import session_at
from planner.db.migrate import upgrade
from planner.loaders import seed_dir
from planner.services.seeding import seed_demo
from planner.services.transactions import Actor
from planner.web import create_app

DEMO_PASSWORD = "planner-demo"
#: Demo accounts by role, from seed_data/organisation.toml.
ACCOUNTS = {
    "hr": "hr@meridian.example",
    "manager": "aisha.voss@meridian.example",
    "individual": "uma.patel@meridian.example",
}
#: Useful demo people: the manager (platform team lead), one of her team, someone on another team.
MANAGER_ID = "E1013"
TEAMMATE_ID = "E1014"
INDIVIDUAL_ID = "E1015"
OTHER_TEAM_ID = "E1041"


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "planner.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    with session_at(url) as session:
        seed_demo(session, seed_dir=seed_dir(), actor=Actor("test-seed"))
    return path


def copy_database(source: Path, target: Path) -> Path:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def make_test_app(database: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{database}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "IMPORT_UPLOAD_DIR": str(database.parent / "imports"),
        **overrides,
    }
    return create_app(config)


@pytest.fixture
def database(seeded_database, tmp_path) -> Path:
    return copy_database(seeded_database, tmp_path / "planner.sqlite")


@pytest.fixture
def app(database):
    app = make_test_app(database)
    yield app
    app.extensions["planner_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, who: str, password: str = DEMO_PASSWORD):
    """Sign `client` in through the form as a role ("hr", "manager", "individual") or an email; return it."""
    email = ACCOUNTS.get(who, who)
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"sign-in as {email} failed: {response.status_code}"
    return client


@pytest.fixture
def login(client):
    """Sign the test client in as a role or an email: ``login("hr")``."""
    return lambda who: sign_in(client, who)


@pytest.fixture
def client_for(app):
    """A new test client signed in as a role (or an email): for tests where two people act."""
    return lambda who, password=DEMO_PASSWORD: sign_in(app.test_client(), who, password)


@dataclass
class Mailbox:
    """What a real SMTP server on a loopback port (aiosmtpd) received, as parsed messages."""

    url: str
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def links(self, to: str) -> list[str]:
        """The password links mailed to `to`, oldest first."""
        return [link for m in self.messages if m["To"] == to
                for link in re.findall(r"https?://\S+/password/set/\S+", m.get_body().get_content())]


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server for the test; configure the app with ``SMTP_URL=smtp_server.url``."""
    port = _free_port()
    mailbox = Mailbox(f"smtp://127.0.0.1:{port}")
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox
    controller.stop()
