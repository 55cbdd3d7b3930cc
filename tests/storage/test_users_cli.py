"""`planner org create` and `planner users ...`: the first HR account of a real organisation, from the shell."""

from __future__ import annotations

import re

from click.testing import CliRunner

from planner.cli import cli
from planner.db.engine import DATABASE_URL_ENV
from planner.web import create_app

from .support import SEED_PEOPLE, planner

SECRET = "cli-test-secret"


def run(url: str, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin,
                              env={DATABASE_URL_ENV: url, "PLANNER_SECRET_KEY": SECRET,
                                   "PLANNER_BASE_URL": "https://planner.acme.example"})


def acme(url: str) -> None:
    assert run(url, "org", "create", "Acme").exit_code == 0
    assert planner(url, "import", str(SEED_PEOPLE), "--org", "Acme").exit_code == 0


def test_an_organisation_is_created_once_and_a_second_time_refused(migrated_url):
    assert run(migrated_url, "org", "create", "Acme").stdout == "created organisation Acme\n"
    again = run(migrated_url, "org", "create", "Acme")
    assert again.exit_code == 2
    assert again.stderr == "planner: There is already an organisation named 'Acme'.\n"


def test_an_hr_account_with_a_password_from_stdin_signs_in(migrated_url):
    acme(migrated_url)
    created = run(migrated_url, "users", "create", "Boss@Acme.example", "--role", "hr", "--password-stdin",
                  stdin="correct horse battery\n")
    assert created.exit_code == 0, created.output
    assert created.stdout == "created hr account boss@acme.example\n"
    app = create_app({"DATABASE_URL": migrated_url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False})
    response = app.test_client().post("/login", data={"email": "boss@acme.example",
                                                      "password": "correct horse battery"})
    assert response.headers["Location"] == "/org"
    app.extensions["planner_engine"].dispose()


def test_without_a_password_the_command_prints_a_one_time_link_that_sets_one(migrated_url):
    acme(migrated_url)
    created = run(migrated_url, "users", "create", "aisha.voss@meridian.example", "--role", "manager",
                  "--employee", "E1013", "--org", "Acme")
    assert created.exit_code == 0, created.output
    link = re.search(r"https://planner\.acme\.example(/password/set/\S+)", created.stdout).group(1)
    app = create_app({"DATABASE_URL": migrated_url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"email": "aisha.voss@meridian.example", "password": ""}).status_code == 422
    assert "For aisha.voss@meridian.example" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"new_password": "a long passphrase", "repeat_password": "a long passphrase"})
    assert response.headers["Location"] == "/team"
    assert client.get(link).status_code == 410  # used once, never again
    app.extensions["planner_engine"].dispose()


def test_users_are_listed_with_role_status_and_linked_person(migrated_url):
    acme(migrated_url)
    run(migrated_url, "users", "create", "boss@acme.example", "--role", "hr", "--password-stdin", stdin="long-enough\n")
    run(migrated_url, "users", "create", "uma.patel@meridian.example", "--role", "individual", "--employee", "E1015")
    lines = run(migrated_url, "users", "list").stdout.splitlines()
    assert re.fullmatch(r"boss@acme\.example\s+HR\s+active\s+never\s+-", lines[0])
    assert re.fullmatch(r"uma\.patel@meridian\.example\s+Individual\s+invited\s+never\s+Uma Patel \(E1015\)", lines[1])


def test_set_role_and_deactivate_change_the_account_and_refuse_removing_the_last_hr(migrated_url):
    acme(migrated_url)
    run(migrated_url, "users", "create", "boss@acme.example", "--role", "hr", "--password-stdin", stdin="long-enough\n")
    run(migrated_url, "users", "create", "aisha.voss@meridian.example", "--role", "individual", "--employee", "E1013")
    assert run(migrated_url, "users", "set-role", "aisha.voss@meridian.example", "manager").stdout == \
        "aisha.voss@meridian.example is now manager\n"
    last_hr = run(migrated_url, "users", "deactivate", "boss@acme.example")
    assert (last_hr.exit_code, last_hr.stderr) == (
        2, "planner: boss@acme.example is the only active HR account: make someone else HR first.\n")
    assert run(migrated_url, "users", "deactivate", "aisha.voss@meridian.example").exit_code == 0
    assert "deactivated" in run(migrated_url, "users", "list").stdout.splitlines()[0]


def test_bad_input_is_one_line_on_stderr_and_exit_status_2(migrated_url):
    acme(migrated_url)
    cases = {
        ("users", "create", "not-an-email", "--role", "hr"): "planner: 'not-an-email' is not an email address.\n",
        ("users", "create", "x@acme.example", "--role", "manager"):
            "planner: A manager or individual account must be linked to a person of the roster.\n",
        ("users", "create", "x@acme.example", "--role", "individual", "--employee", "E9999"):
            "planner: There is no person E9999 in this organisation.\n",
        ("users", "create", "x@acme.example", "--role", "hr", "--org", "Nowhere"):
            "planner: no organisation named 'Nowhere'\n",
        ("users", "deactivate", "nobody@acme.example"): "planner: There is no account for nobody@acme.example.\n",
    }
    for args, message in cases.items():
        result = run(migrated_url, *args)
        assert (result.exit_code, result.stderr) == (2, message), args
    short = run(migrated_url, "users", "create", "x@acme.example", "--role", "hr", "--password-stdin", stdin="short\n")
    assert (short.exit_code, short.stderr) == (2, "planner: A password needs at least 8 characters.\n")
