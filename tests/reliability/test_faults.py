"""Faults: the app killed mid-save and mid-import, a read-only or full database, PostgreSQL restarted under traffic.

In every case the database keeps every write a client was told was saved, holds
no half-written save or import, and the app answers a clear 503 (never a 500 or
a crash loop) while it cannot write, and serves reads throughout.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import make_url
from sqlmodel import Session

from planner.db import repository
from planner.db.engine import DATABASE_URL_ENV, make_engine, session_at
from planner.db.migrate import upgrade
from storage.support import import_bytes, people_csv, row_counts, synthetic_people

from .conftest import ACCOUNTS, DEMO_PASSWORD, TEAMMATE_ID
from .harness import (
    AppServer,
    Attempt,
    Traffic,
    check_writes,
    hidden_fields,
    issue_tokens,
    new_token,
    person_versions,
    seed_demo_database,
    sign_in,
    wait_until,
)

MANAGER = ACCOUNTS["manager"]


def platform_team(url: str) -> list[str]:
    """The people the demo manager assesses (her team, not herself)."""
    with session_at(url) as session:
        org = repository.find_organisation(session)
        return [p.employee_id for p in repository.load_people(session, organisation_id=org.id)
                if p.team == "platform" and p.employee_id != "E1013"]


def integrity(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


def api_save(base_url: str, token: str, employee_id: str = TEAMMATE_ID) -> tuple[requests.Response, Attempt]:
    """Read the person's version, then save an assessment with it."""
    headers = {"Authorization": f"Bearer {token}"}
    path = f"{base_url}/api/v1/people/{employee_id}/assessments"
    version = requests.get(path, headers=headers, timeout=30).json()["version"]
    evidence, levels = new_token(), {"governance": 3}
    answer = requests.post(path, headers=headers, timeout=60,
                           json={"levels": levels, "evidence": evidence, "kind": "manager", "version": version})
    return answer, Attempt(evidence, employee_id, "manager", levels, answer.status_code)


def save_until_saved(base_url: str, token: str, attempts: list[Attempt], what: str) -> bool:
    """Keep saving (every half second, for at most 30 seconds) until a save goes through."""
    def saved() -> bool:
        answer, attempt = api_save(base_url, token)
        attempts.append(attempt)
        return answer.status_code == 201

    return wait_until(saved, timeout=30, what=what, interval=0.5)


def page_save(base_url: str, client: requests.Session, employee_id: str = TEAMMATE_ID) -> requests.Response:
    """Open the manager's assessment form and submit it with one level changed."""
    form = hidden_fields(client.get(f"{base_url}/team/people/{employee_id}", timeout=30).text)
    return client.post(f"{base_url}/team/people/{employee_id}", allow_redirects=False, timeout=60, data={
        **form, "evidence": new_token(), "governance": "2"})


def assert_reads_are_served(server: AppServer, client: requests.Session, token: str) -> None:
    __tracebackhide__ = True
    assert client.get(f"{server.base_url}/team", timeout=30).status_code == 200
    answer = requests.get(f"{server.base_url}/api/v1/people", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["people"]


def assert_a_clear_503(answer: requests.Response) -> None:
    __tracebackhide__ = True
    assert answer.status_code == 503, (answer.status_code, answer.text[:300])
    if answer.headers["Content-Type"].startswith("application/json"):
        assert answer.json()["error"]["title"] == "Database unavailable"
    else:
        assert "Database unavailable" in answer.text and "Nothing was saved" in answer.text


# --- the app killed mid-save and mid-import ----------------------------------------------------

def test_sigkill_of_the_app_mid_save_keeps_every_acknowledged_write_and_no_half_write(database_url, tmp_path,
                                                                                      figure):
    seed_demo_database(database_url)
    token = issue_tokens(database_url, [MANAGER])[MANAGER]
    initial = person_versions(database_url)
    server = AppServer(database_url, tmp_path / "gunicorn.log").start()
    traffic = Traffic(server.base_url, token, platform_team(database_url), threads=4, max_requests=4_000)
    try:
        traffic.start()
        wait_until(lambda: traffic.ledger.count("saved") >= 30, timeout=120, what="30 saves before the kill")
        server.kill()
        traffic.stop()
    finally:
        server.stop()
    assert traffic.ledger.count("saved") >= 30

    if make_url(database_url).get_backend_name() == "sqlite":
        assert integrity(Path(make_url(database_url).database)) == [("ok",)]
    report = check_writes(database_url, traffic.ledger.attempts, initial)
    assert report.problems == {}
    assert report.present >= report.saved
    figure("SIGKILL mid-save", f"{report.saved} saves acknowledged and kept, {report.unknown} in flight at the kill "
                               f"({report.present - report.saved} of them landed whole), 0 half-written, integrity ok")

    with AppServer(database_url, tmp_path / "gunicorn-after.log") as again:
        answer, _ = api_save(again.base_url, token)
        assert answer.status_code == 201


@pytest.mark.parametrize("make_database_url", ["postgresql"], indirect=True)  # SQLite: tests/storage/test_crash_safety
def test_sigkill_of_an_import_mid_write_on_postgresql_leaves_nothing_written(database_url, tmp_path, figure):
    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        import_bytes(session, people_csv(synthetic_people(25)))
    before = row_counts(engine)
    big = tmp_path / "big.csv"
    big.write_bytes(people_csv(synthetic_people(30_000)))
    name = f"planner-kill-{os.getpid()}"
    url = make_url(database_url).update_query_dict({"application_name": name}).render_as_string(hide_password=False)
    importer = subprocess.Popen(
        [sys.executable, "-c", "from planner.cli import main; main()", "import", str(big), "--org", "Acme"],
        env={**os.environ, DATABASE_URL_ENV: url}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def importer_query() -> str | None:
        assert importer.poll() is None, f"the import ended ({importer.returncode}) before it could be killed"
        with engine.connect() as connection:
            return connection.execute(text("SELECT query FROM pg_stat_activity WHERE application_name = :name "
                                           "AND backend_xid IS NOT NULL"), {"name": name}).scalar()

    try:
        # People are inserted and uncommitted; the history rows are going in: kill it now.
        query = wait_until(lambda: (importer_query() or "").startswith("INSERT INTO assessment"), timeout=120,
                           what="the import to start writing assessment history", interval=0.005)
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=30)
    finally:
        importer.kill()
        importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL and query

    def backend_gone() -> bool:
        with engine.connect() as connection:
            return not connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                                          {"name": name}).scalar()

    wait_until(backend_gone, timeout=60, what="PostgreSQL to end the killed import's session")
    assert row_counts(engine) == before
    with Session(engine) as session:  # nothing is left locked: the next import goes through
        assert import_bytes(session, people_csv(synthetic_people(30))).created == 5
    engine.dispose()
    figure("SIGKILL mid-import (PostgreSQL, 30,000 people)", "killed while inserting history; 0 rows written")


# --- a read-only and a full database ------------------------------------------------------------

@contextmanager
def immutable(path: Path):
    """Make a file read-only even for root (chattr +i); skip where the filesystem cannot."""
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make {path.name} immutable here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextmanager
def small_filesystem(where: Path, size: str):
    """A tmpfs of `size` mounted at `where`; skip where mounting is not allowed."""
    where.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here (needs root): {made.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(volume: Path) -> Path:
    """Write a file until the filesystem is full."""
    filler = volume / "filler"
    with open(filler, "wb") as fh:
        for _ in range(100_000):  # bounded: far more than any small volume holds
            try:
                fh.write(b"\0" * 65_536)
                fh.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    return filler


def test_a_read_only_database_file_answers_503_keeps_serving_reads_and_is_no_crash_loop(database, tmp_path, figure):
    url = f"sqlite:///{database}"
    token = issue_tokens(url, [MANAGER])[MANAGER]
    server = AppServer(url, tmp_path / "gunicorn.log")
    try:
        client = sign_in(server.start().base_url, MANAGER, DEMO_PASSWORD)
        server.stop()
        with immutable(database):
            server.start()  # boots on a database it cannot write
            workers = server.worker_pids()
            assert_reads_are_served(server, client, token)
            answer, attempt = api_save(server.base_url, token)
            assert_a_clear_503(answer)
            assert_a_clear_503(page_save(server.base_url, client))
            with requests.Session() as stranger:  # signing in writes to the audit log, so it cannot either
                form = hidden_fields(stranger.get(f"{server.base_url}/login", timeout=30).text)
                assert_a_clear_503(stranger.post(f"{server.base_url}/login", timeout=30, data={
                    **form, "email": MANAGER, "password": DEMO_PASSWORD}))
            assert_reads_are_served(server, client, token)
            assert server.worker_pids() == workers
        # Writable again: the same server saves again, without a restart.
        attempts = [attempt]
        save_until_saved(server.base_url, token, attempts, "a save to succeed once the file is writable")
    finally:
        server.stop()
    assert integrity(database) == [("ok",)]
    report = check_writes(url, attempts, person_versions(url) | {TEAMMATE_ID: person_versions(url)[TEAMMATE_ID] - 1})
    assert report.problems == {} and report.present == report.saved == 1
    assert server.unhandled_errors() == []
    figure("read-only database file", "writes 503 (API, page, sign-in), reads 200, workers never restarted, "
                                      "writes resume without a restart once writable")


def test_a_full_disk_answers_503_keeps_serving_reads_and_recovers_when_space_returns(database, tmp_path, figure):
    with small_filesystem(tmp_path / "volume", f"{database.stat().st_size + 3 * 1024 * 1024}") as volume:
        copy = volume / "planner.sqlite"
        copy.write_bytes(database.read_bytes())
        url = f"sqlite:///{copy}"
        token = issue_tokens(url, [MANAGER])[MANAGER]
        initial = person_versions(url)
        with AppServer(url, tmp_path / "gunicorn.log") as server:
            client = sign_in(server.base_url, MANAGER, DEMO_PASSWORD)
            workers = server.worker_pids()
            filler = fill(volume)
            attempts, statuses = [], []
            for _ in range(50):  # the WAL may still have room for a few saves; sooner or later one must fail
                answer, attempt = api_save(server.base_url, token)
                attempts.append(attempt)
                statuses.append(answer.status_code)
                if answer.status_code != 201:
                    break
            assert_a_clear_503(answer)
            assert_a_clear_503(page_save(server.base_url, client))
            assert_reads_are_served(server, client, token)
            filler.unlink()
            save_until_saved(server.base_url, token, attempts, "a save to succeed once there is space")
            assert server.worker_pids() == workers
        assert integrity(copy) == [("ok",)]
        report = check_writes(url, attempts, initial)
        assert report.problems == {} and report.present == report.saved  # a 503 saved nothing
        assert server.unhandled_errors() == []
    figure("full disk", f"{statuses.count(201)} saves fit before the disk filled, then 503 (API and page); "
                        "reads 200; saves resume once space returns; integrity ok")


# --- PostgreSQL restarted under traffic -----------------------------------------------------------

def test_a_connection_that_dies_after_the_answer_is_made_does_not_turn_it_into_a_500(login, monkeypatch):
    """Seen once in twenty PostgreSQL restarts: the end-of-request ROLLBACK met a server shutting down."""
    client = login("manager")
    real_close = Session.close
    closes: list[str] = []

    def dying_close(session) -> None:
        if not closes:
            closes.append("failed")
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))
        real_close(session)

    monkeypatch.setattr(Session, "close", dying_close)
    assert client.get("/team").status_code == 200
    assert closes == ["failed"]
    assert client.get("/team").status_code == 200  # and the next request gets a working connection



def test_postgresql_restarted_under_traffic_the_app_recovers_by_itself_and_loses_nothing(private_postgres, tmp_path,
                                                                                         figure):
    url = private_postgres.create_database("planner")
    seed_demo_database(url)
    token = issue_tokens(url, [MANAGER])[MANAGER]
    initial = person_versions(url)
    with AppServer(url, tmp_path / "gunicorn.log") as server:
        workers = server.worker_pids()
        traffic = Traffic(server.base_url, token, platform_team(url), threads=4, max_requests=6_000,
                          page_sign_in=(MANAGER, DEMO_PASSWORD)).start()
        try:
            wait_until(lambda: traffic.ledger.count("saved") >= 20, timeout=120, what="20 saves before the restart")
            started = time.monotonic()
            private_postgres.restart()
            restarted = time.monotonic()
            wait_until(lambda: traffic.saved_since(restarted) >= 20, timeout=120, what="20 saves after the restart")
        finally:
            traffic.stop()
        first_after = min(at for at, status in traffic.saves if at >= restarted and status == 201)
        assert server.worker_pids() == workers  # the app itself was never restarted
        unhandled = server.unhandled_errors()
        exceptions = [line for line in server.log_text().splitlines() if line.split(":")[0].endswith("Error")]
    errors = traffic.server_errors
    assert set(errors) <= {503, None}, (errors, unhandled, exceptions[-10:])  # a clear 503, never a 500
    assert unhandled == []
    report = check_writes(url, traffic.ledger.attempts, initial)
    assert report.problems == {}
    figure("PostgreSQL restart under traffic",
           f"{traffic.requests_made} requests, {sum(errors.values())} failed during the restart "
           f"({dict(errors)}), restart took {restarted - started:.1f}s, first save {first_after - restarted:.2f}s "
           f"after it; {report.saved} saves kept, 0 lost or duplicated, app not restarted")
