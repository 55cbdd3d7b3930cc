"""Processes and checks shared by the reliability tests and the load benchmark.

* `AppServer`: gunicorn serving the app on 127.0.0.1, stopped or killed by its own process group.
* `PrivatePostgres`: a throwaway PostgreSQL cluster on a loopback port, so a test may
  restart or stop its server without disturbing anyone else's database.
* `Ledger` and `check_writes`: the client-side log of every assessment a client tried to
  save, and the check of the database against it (lost, phantom, partial and duplicated
  writes, version counters, current levels).
* `Traffic`: background API clients that read a person's version and save with it.

Nothing here talks to anything but 127.0.0.1, and every wait polls against a deadline.
(`benchmarks/load.py` imports this module too.)
"""

from __future__ import annotations

import json
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import requests
from sqlalchemy import select

from planner.db import repository
from planner.db.engine import make_engine, session_at
from planner.db.migrate import upgrade
from planner.db.tables import AssessmentRow, AuditRow, PersonRow
from planner.domain.model import DOMAINS
from planner.loaders import PROJECT_ROOT, seed_dir
from planner.services.accounts import issue_token
from planner.services.seeding import seed_demo
from planner.services.transactions import Actor

__all__ = [
    "AppServer",
    "Attempt",
    "Ledger",
    "PrivatePostgres",
    "Traffic",
    "WriteReport",
    "check_writes",
    "free_port",
    "hidden_fields",
    "issue_tokens",
    "new_token",
    "person_versions",
    "race_in_process",
    "seed_demo_database",
    "sign_in",
    "wait_until",
]

T = TypeVar("T")
#: Evidence of every write a reliability client makes starts with this, so the check finds them all.
TOKEN_PREFIX = "rel-"


def wait_until(predicate: Callable[[], T], *, timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll `predicate` until it returns something truthy (and return that), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def new_token() -> str:
    """Unique evidence text for one attempted write."""
    return f"{TOKEN_PREFIX}{uuid.uuid4().hex[:16]}"


# --- databases ---------------------------------------------------------------------

def seed_demo_database(url: str) -> None:
    """Migrate the database at `url` and load the demo organisation into it."""
    upgrade(url)
    with session_at(url) as session:
        seed_demo(session, seed_dir=seed_dir(), actor=Actor("reliability-seed"))


def issue_tokens(url: str, emails: Iterable[str]) -> dict[str, str]:
    """A fresh API token for each account email."""
    with session_at(url) as session:
        return {email: issue_token(session, account_id=repository.find_account(session, email=email).id,
                                   actor=Actor("reliability-setup"))
                for email in emails}


def person_versions(url: str) -> dict[str, int]:
    """``{employee_id: lock version}`` of every person in the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(select(PersonRow.employee_id, PersonRow.version)).all())
    finally:
        engine.dispose()


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only.

    Tests restart it at will; the shared server other tests use is never touched.
    As root, the server runs as the ``postgres`` user (initdb refuses root).
    """

    def __init__(self) -> None:
        self.bin = self.binaries()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="planner-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.running = False

    @staticmethod
    def binaries() -> Path | None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        return found[-1].parent if found else None

    @classmethod
    def unavailable(cls) -> str | None:
        """Why a private cluster cannot be made here, or None."""
        if cls.binaries() is None:
            return "no PostgreSQL server programs (/usr/lib/postgresql/*/bin/initdb); install the postgresql package"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root, and there is no postgres user to run a private server as"
            if shutil.which("runuser") is None:
                return "running as root without runuser to start the server as postgres"
        return None

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output goes to a file, not a pipe: a server started by pg_ctl would hold a pipe open for ever.
        output = self.root / "commands.log"
        with open(output, "ab") as sink:
            returncode = subprocess.run(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        timeout=timeout, check=False).returncode
        if returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} {' '.join(args[:2])} failed ({returncode}): "
                               f"{output.read_text(errors='replace')[-2000:]}\n{log}")

    def start(self) -> PrivatePostgres:
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.root.chmod(0o755)
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=100"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")
        self.running = True
        return self

    def restart(self) -> None:
        """A fast restart: connections are cut, the server comes back on the same port."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
            self.running = False

    def close(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        engine = make_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            engine.dispose()
        return self.url(name)

    def __enter__(self) -> PrivatePostgres:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()


# --- the app under gunicorn --------------------------------------------------------------

class AppServer:
    """gunicorn serving ``create_app(config)`` on 127.0.0.1, in a process group of its own."""

    def __init__(self, database_url: str, log_path: Path, *, workers: int = 2,
                 config: Mapping[str, Any] | None = None) -> None:
        #: One key for every start, so sessions survive a restart of the server.
        self.secret_key = os.environ.get("PLANNER_SECRET_KEY") or uuid.uuid4().hex
        self.database_url = database_url
        self.log_path = Path(log_path)
        self.workers = workers
        self.config = {"DATABASE_URL": database_url, **(config or {})}
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 90) -> AppServer:
        app = f"planner.web:create_app({self.config!r})"
        env = {**os.environ, "PLANNER_SECRET_KEY": self.secret_key}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                 "--timeout", "60", "--graceful-timeout", "5", app],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(self._answers, timeout=timeout, what=f"gunicorn to answer on {self.base_url}")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
        try:  # always http://127.0.0.1 (B310 warns of file: and custom schemes)
            with urllib.request.urlopen(f"{self.base_url}/login", timeout=5) as response:  # nosec B310
                return response.status == 200
        except OSError:
            return False

    def worker_pids(self) -> set[int]:
        """Process ids of the master's live children (its workers)."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                children.add(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a crash or an OOM kill would."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(timeout=30)
        self._signal_group(signal.SIGKILL)  # any worker the master left behind

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def unhandled_errors(self) -> list[str]:
        """Flask's log lines for exceptions no handler answered (each was a 500)."""
        return [line for line in self.log_text().splitlines() if "ERROR in app: Exception on" in line]

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields.setdefault(found["name"], found.get("value") or "")


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, version, ...), the first of each name."""
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.fields


def sign_in(base_url: str, email: str, password: str) -> requests.Session:
    """A requests session signed in through the sign-in form (with its CSRF token); ``.csrf`` holds the token."""
    client = requests.Session()
    token = hidden_fields(client.get(f"{base_url}/login", timeout=30).text)["csrf_token"]
    answer = client.post(f"{base_url}/login", data={"email": email, "password": password, "csrf_token": token},
                         allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in as {email} answered {answer.status_code}")
    client.csrf = hidden_fields(client.get(answer.headers["Location"] if answer.headers["Location"].startswith("http")
                                           else base_url + answer.headers["Location"], timeout=30).text)["csrf_token"]
    return client


# --- what clients tried to write, and what the database kept ------------------------------

#: How an attempted save ended, as the client saw it.
SAVED, CONFLICT, REFUSED, UNKNOWN = "saved", "conflict", "refused", "unknown"


def outcome_of(status: int | None) -> str:
    """2xx and redirects: saved; 409: conflict; other 4xx: refused (nothing written); else unknown."""
    if status is None or status >= 500:
        return UNKNOWN
    if status == 409:
        return CONFLICT
    if status < 400:
        return SAVED
    return REFUSED


@dataclass(frozen=True, slots=True)
class Attempt:
    token: str
    employee_id: str
    kind: str
    levels: dict[str, int]
    status: int | None

    @property
    def outcome(self) -> str:
        return outcome_of(self.status)


class Ledger:
    """Every attempted save, thread-safe; optionally appended to a JSON-lines file as it goes."""

    def __init__(self, path: Path | None = None) -> None:
        self.attempts: list[Attempt] = []
        self.path = path
        self._lock = threading.Lock()

    def add(self, attempt: Attempt) -> None:
        with self._lock:
            self.attempts.append(attempt)
            if self.path is not None:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(asdict(attempt)) + "\n")

    @classmethod
    def load(cls, path: Path) -> Ledger:
        ledger = cls()
        if path.exists():
            ledger.attempts = [Attempt(**json.loads(line)) for line in path.read_text().splitlines() if line]
        return ledger

    def count(self, outcome: str) -> int:
        return sum(1 for a in self.attempts if a.outcome == outcome)


@dataclass
class WriteReport:
    """The database checked against a ledger. Every list must be empty."""

    attempted: int
    saved: int
    conflicts: int
    refused: int
    unknown: int
    #: Writes the database holds (saved ones plus any unknown-outcome ones that did land).
    present: int
    lost: list[str] = field(default_factory=list)
    phantom: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    version_mismatches: list[str] = field(default_factory=list)
    level_mismatches: list[str] = field(default_factory=list)

    @property
    def problems(self) -> dict[str, list[str]]:
        return {name: found for name, found in (
            ("lost", self.lost), ("phantom", self.phantom), ("partial", self.partial),
            ("duplicated", self.duplicated), ("version_mismatches", self.version_mismatches),
            ("level_mismatches", self.level_mismatches)) if found}

    @property
    def lost_updates(self) -> int:
        """Acknowledged writes missing, or levels that do not match the last saved write."""
        return len(self.lost) + len(self.level_mismatches)


def check_writes(url: str, attempts: list[Attempt], initial_versions: Mapping[str, int]) -> WriteReport:
    """Compare the database with what clients tried to save.

    * every saved write is there, with exactly its levels, and one audit entry (not lost);
    * no refused or conflicting write is there (no phantoms);
    * a write of unknown outcome is wholly there or wholly absent (all or nothing);
    * each person's version grew by exactly the number of writes that landed on them;
    * each person's current level per domain is that of the last manager write that set it.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(AssessmentRow.id, PersonRow.employee_id, AssessmentRow.domain, AssessmentRow.level,
                       AssessmentRow.kind, AssessmentRow.evidence)
                .join(PersonRow, PersonRow.id == AssessmentRow.person_id)
                .where(AssessmentRow.evidence.like(f"{TOKEN_PREFIX}%"))
                .order_by(AssessmentRow.id)
            ).all()
            audits = Counter(
                (details or {}).get("evidence") for (details,) in connection.execute(
                    select(AuditRow.details).where(AuditRow.action.in_(("assessment.manager", "assessment.self")))))
            people = {row.employee_id: row for row in connection.execute(
                select(PersonRow.employee_id, PersonRow.version, *(getattr(PersonRow, d) for d in DOMAINS)))}
    finally:
        engine.dispose()

    by_token = {a.token: a for a in attempts}
    stored: dict[str, dict[str, int]] = {}
    order: list[str] = []
    report = WriteReport(len(attempts), *(sum(1 for a in attempts if a.outcome == o)
                                          for o in (SAVED, CONFLICT, REFUSED, UNKNOWN)), present=0)
    for _id, employee_id, domain, level, kind, token in rows:
        attempt = by_token.get(token)
        if attempt is None or attempt.employee_id != employee_id or attempt.kind != kind:
            report.phantom.append(f"{token}: written but never attempted as such ({employee_id}, {kind})")
            continue
        levels = stored.setdefault(token, {})
        if domain in levels:
            report.duplicated.append(f"{token}: {domain} written twice")
        levels[domain] = level
        if token not in order:
            order.append(token)
    for attempt in attempts:
        found = stored.get(attempt.token)
        if found is None:
            if attempt.outcome == SAVED:
                report.lost.append(f"{attempt.token}: {attempt.kind} assessment of {attempt.employee_id} "
                                   f"acknowledged ({attempt.status}) but not in the history")
            continue
        if attempt.outcome in (CONFLICT, REFUSED):
            report.phantom.append(f"{attempt.token}: answered {attempt.status} but written")
        if found != attempt.levels:
            report.partial.append(f"{attempt.token}: wrote {found}, meant {attempt.levels}")
        if audits[attempt.token] != 1:
            report.duplicated.append(f"{attempt.token}: {audits[attempt.token]} audit entries")
    report.present = len(stored)

    landed = Counter(by_token[t].employee_id for t in order if t in by_token)
    for employee_id, count in landed.items():
        expected = initial_versions.get(employee_id, 1) + count
        if people[employee_id].version != expected:
            report.version_mismatches.append(f"{employee_id}: version {people[employee_id].version}, expected "
                                             f"{expected} ({count} writes landed)")
    last: dict[str, dict[str, int]] = {}
    for token in order:
        attempt = by_token[token]
        if attempt.kind == "manager":
            last.setdefault(attempt.employee_id, {}).update(stored[token])
    for employee_id, levels in last.items():
        current = {d: getattr(people[employee_id], d) for d in levels}
        if current != levels:
            report.level_mismatches.append(f"{employee_id}: levels {current}, last saved {levels}")
    return report


# --- racing writers in separate processes ------------------------------------------------------

def race_in_process(url: str, employee_id: str, level: int, rounds: int, barrier, results) -> None:
    """Run in a child process: each round, read the person's version, wait for the rival, then save with it.

    Puts one ``(round, token, levels, status, version)`` per round on `results`: 201 for a save,
    409 for a `StaleWrite`. Both processes read before either writes, so each round is a real race.
    """
    from planner.services.assessments import record_assessment
    from planner.services.errors import StaleWrite

    with session_at(url) as session:
        org_id = repository.find_organisation(session).id
        for round_ in range(rounds):
            version = repository.get_person(session, organisation_id=org_id, employee_id=employee_id).version
            session.rollback()
            barrier.wait(timeout=60)  # both have read the same version
            token, levels = new_token(), {"evaluation": level, "observability": (level + round_) % 6}
            try:
                saved = record_assessment(session, organisation_id=org_id, employee_id=employee_id,
                                          expected_version=version, levels=levels, kind="manager",
                                          evidence=token, actor=Actor(f"racer-{level}"))
                results.put((round_, token, levels, 201, saved.version))
            except StaleWrite as exc:
                results.put((round_, token, levels, 409, exc.current))
            barrier.wait(timeout=60)  # both are done before the next round reads


# --- background API clients ------------------------------------------------------------------

class Traffic:
    """Threads that each loop: read a person's version through the API, then save an assessment with it,
    and (given `page_sign_in`, an email and password) open a page as that signed-in person.

    Bounded by `max_requests` and by `stop()`; every save goes into `ledger`, every
    answer's status into `statuses` or `read_statuses` (None for a connection error or timeout).
    """

    def __init__(self, base_url: str, token: str, employee_ids: list[str], *, threads: int = 4,
                 max_requests: int = 5_000, kind: str = "manager", seed: int = 0,
                 page_sign_in: tuple[str, str] | None = None, page: str = "/team") -> None:
        self.page_sign_in = page_sign_in
        self.page = page
        self.base_url = base_url
        self.token = token
        self.employee_ids = employee_ids
        self.kind = kind
        self.ledger = Ledger()
        self.statuses: Counter[int | None] = Counter()
        self.read_statuses: Counter[int | None] = Counter()
        #: (monotonic time, status) of every save, in the order the answers came.
        self.saves: list[tuple[float, int | None]] = []
        self._budget = max_requests
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(random.Random(seed + n),), daemon=True)
                         for n in range(threads)]

    def start(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t for t in self._threads if t.is_alive()]
        if alive:
            raise TimeoutError(f"{len(alive)} traffic threads still running {timeout:g}s after stop()")

    @property
    def requests_made(self) -> int:
        return sum(self.statuses.values()) + sum(self.read_statuses.values())

    def saved_since(self, moment: float) -> int:
        with self._lock:
            return sum(1 for at, status in self.saves if at >= moment and outcome_of(status) == SAVED)

    @property
    def server_errors(self) -> Counter:
        """5xx answers and connection errors (None), reads and saves together."""
        return Counter({status: n for status, n in (self.statuses + self.read_statuses).items()
                        if status is None or status >= 500})

    def _take(self) -> bool:
        with self._lock:
            if self._budget <= 0 or self._stop.is_set():
                return False
            self._budget -= 1
            return True

    def _call(self, client, method: str, path: str, counter: Counter, **kwargs):
        try:
            response = client.request(method, f"{self.base_url}{path}", timeout=(5, 60), **kwargs)
        except requests.RequestException:
            with self._lock:
                counter[None] += 1
            return None
        with self._lock:
            counter[response.status_code] += 1
        return response

    def _run(self, rng: random.Random) -> None:
        client = requests.Session()
        client.headers["Authorization"] = f"Bearer {self.token}"
        browser = sign_in(self.base_url, *self.page_sign_in) if self.page_sign_in else None
        while self._take():
            if browser is not None:
                self._call(browser, "GET", self.page, self.read_statuses)
                if not self._take():
                    break
            employee_id = rng.choice(self.employee_ids)
            read = self._call(client, "GET", f"/api/v1/people/{employee_id}/assessments", self.read_statuses)
            if read is None or read.status_code != 200 or not self._take():
                continue
            levels = {domain: rng.randint(0, 5) for domain in rng.sample(DOMAINS, 2)}
            token = new_token()
            saved = self._call(client, "POST", f"/api/v1/people/{employee_id}/assessments", self.statuses,
                               json={"levels": levels, "evidence": token, "kind": self.kind,
                                     "version": read.json()["version"]})
            status = saved.status_code if saved is not None else None
            self.ledger.add(Attempt(token, employee_id, self.kind, levels, status))
            with self._lock:
                self.saves.append((time.monotonic(), status))
        client.close()
        if browser is not None:
            browser.close()
