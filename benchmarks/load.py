"""Load test: signed-in users of all three roles against gunicorn (2 workers) on 127.0.0.1, on SQLite and PostgreSQL.

    python benchmarks/load.py [--db sqlite|postgresql|both] [--users 50] [--seconds 60] [--max-requests 30000]
                              [--restart-postgres-after SECONDS]

For each database: a fresh demo organisation (SQLite file in a temporary folder,
or a private PostgreSQL cluster on a loopback port) with sign-ins for every team
manager, fifteen individuals and three HR people; gunicorn with two workers, as in
production but for sign-in throttling (all users come from one address); then
locust in headless mode (benchmarks/locustfile.py): 10 HR, 25 manager and 15
individual users signing in through the form, reading pages and the API, and
saving assessments with the version they read, for `--seconds` or
`--max-requests`, whichever comes first.

Printed per database: requests served, 5xx, connection errors, "database is
locked" lines in the server log, p50/p95/p99 latency, saves, conflicts (409:
expected, counted) and lost updates: every save a client was told succeeded must
be in the assessment history exactly once, each person's version must have grown
by exactly the saves that landed, and each person's levels must be those of the
last saved manager assessment. Exit status 1 if any of 5xx, connection errors,
locked errors, unhandled exceptions or lost updates is not 0.

``--restart-postgres-after N`` restarts the PostgreSQL server N seconds into the
PostgreSQL run: the figures then show how many requests failed (5xx are
expected, reported, not hidden) and that the app recovered on its own with
nothing lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import select  # noqa: E402

from planner.db import repository  # noqa: E402
from planner.db.engine import session_at  # noqa: E402
from planner.db.tables import PersonRow, TeamManagerRow  # noqa: E402
from planner.services.accounts import create_account  # noqa: E402
from planner.services.transactions import Actor  # noqa: E402
from reliability.harness import (  # noqa: E402
    AppServer,
    Ledger,
    PrivatePostgres,
    WriteReport,
    check_writes,
    person_versions,
    seed_demo_database,
)

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PASSWORD = "load-test-password"
INDIVIDUALS = 15
USERS_BY_ROLE = {"hr": 10, "manager": 25, "individual": 15}  # the locustfile's weights, out of 50


@dataclass
class LoadResult:
    db: str
    users: int
    seconds: float
    requests: int
    statuses: Counter
    server_errors: int
    connection_errors: int
    locked: int
    unhandled: int
    p50: float
    p95: float
    p99: float
    save_p95: float
    writes: WriteReport
    restart: dict = field(default_factory=dict)

    @property
    def broken(self) -> list[str]:
        """The bounds this run broke (none may be broken, except 5xx while PostgreSQL restarts)."""
        bounds = {"database is locked": self.locked, "unhandled exceptions": self.unhandled,
                  "lost updates": self.writes.lost_updates, **{k: len(v) for k, v in self.writes.problems.items()}}
        if not self.restart:
            bounds.update({"5xx": self.server_errors, "connection errors": self.connection_errors})
        else:
            bounds["no request served after the restart"] = int(not self.restart.get("recovered"))
        return [f"{name}: {value}" for name, value in bounds.items() if value]

    def lines(self) -> list[str]:
        w = self.writes
        out = [
            f"load test: {self.db}, {self.users} users, {self.seconds:.0f} s, gunicorn 2 workers on 127.0.0.1",
            f"  requests served       {self.requests:,} ({self.requests / self.seconds:.1f}/s)",
            f"  5xx                   {self.server_errors}",
            f"  connection errors     {self.connection_errors}",
            f"  'database is locked'  {self.locked} (server log); unhandled exceptions {self.unhandled}",
            f"  latency p50/p95/p99   {self.p50:.0f} / {self.p95:.0f} / {self.p99:.0f} ms (all requests); "
            f"saves p95 {self.save_p95:.0f} ms",
            f"  saves                 {w.saved:,} saved, {w.conflicts:,} conflicts (409, expected), "
            f"{w.refused} refused, {w.unknown} unknown outcome ({w.present - w.saved} of those landed whole)",
            f"  lost updates          {w.lost_updates} (history, version counters and levels checked against "
            f"{w.attempted:,} logged attempts; duplicated {len(w.duplicated)}, partial {len(w.partial)}, "
            f"phantom {len(w.phantom)})",
        ]
        if self.restart:
            out.append(f"  postgres restart      at {self.restart['at']:.1f}s, took {self.restart['took']:.1f}s; "
                       f"{self.restart['failed']} requests failed around it; first success "
                       f"{self.restart['first_success']:.2f}s after it; app not restarted")
        out.append(f"  statuses              {dict(sorted(self.statuses.items(), key=lambda kv: str(kv[0])))}")
        return out


def prepare_accounts(url: str) -> dict[str, list[dict]]:
    """Sign-ins for every team manager, some individuals and three HR people (besides the demo ones)."""
    actor = Actor("load-test")
    with session_at(url) as session:
        org = repository.find_organisation(session)
        managers = sorted(set(session.execute(
            select(PersonRow.employee_id).join(TeamManagerRow, TeamManagerRow.person_id == PersonRow.id)
        ).scalars()))
        linked = {a.employee_id for a in repository.list_accounts(session, organisation_id=org.id)}
        others = [p.employee_id for p in repository.load_people(session, organisation_id=org.id)
                  if p.employee_id not in managers and p.employee_id not in linked]
        wanted = ([("manager", e) for e in managers] + [("individual", e) for e in others[:INDIVIDUALS]]
                  + [("hr", None)] * 3)
        accounts: dict[str, list[dict]] = {"hr": [], "manager": [], "individual": []}
        for n, (role, employee_id) in enumerate(wanted):
            email = f"load-{role}-{n}@meridian.example"
            create_account(session, organisation_id=org.id, email=email, password=PASSWORD, role=role,
                           employee_id=employee_id, actor=actor)
            accounts[role].append({"email": email, "employee_id": employee_id})
        return accounts


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 else (
        values[0] if values else 0.0)


def run(db: str, *, users: int = 50, seconds: int = 60, max_requests: int = 30_000,
        restart_after: float | None = None, workdir: Path) -> LoadResult:
    """One load run against a fresh database of kind `db` ("sqlite" or "postgresql")."""
    workdir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        postgres = None
        if db == "sqlite":
            url = f"sqlite:///{workdir / 'planner.sqlite'}"
        else:
            postgres = stack.enter_context(PrivatePostgres())
            url = postgres.create_database("planner")
        seed_demo_database(url)
        accounts = prepare_accounts(url)
        initial = person_versions(url)
        server = stack.enter_context(AppServer(url, workdir / "gunicorn.log",
                                               config={"LOGIN_RATE_LIMIT": "100000 per minute"}))
        (workdir / "accounts.json").write_text(json.dumps(accounts))
        ledger, stats = workdir / "ledger.jsonl", workdir / "responses.json"
        env = {**os.environ, "PLANNER_LOAD_ACCOUNTS": str(workdir / "accounts.json"), "PLANNER_LOAD_PASSWORD": PASSWORD,
               "PLANNER_LOAD_LEDGER": str(ledger), "PLANNER_LOAD_STATS": str(stats),
               "PLANNER_LOAD_MAX_REQUESTS": str(max_requests)}
        restart: dict = {}
        started = time.monotonic()
        if restart_after is not None and postgres is not None:
            threading.Thread(target=_restart_later, args=(postgres, started, restart_after, restart),
                             daemon=True).start()
        with open(workdir / "locust.log", "ab") as log:
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
                 "--spawn-rate", "10", "--run-time", f"{seconds}s", "--stop-timeout", "15",
                 "--host", server.base_url, "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 300, check=False)
        elapsed = time.monotonic() - started
        if not stats.exists():
            raise RuntimeError(f"locust wrote no statistics; see {workdir / 'locust.log'}")
        responses = json.loads(stats.read_text())
        server_log = server.log_text()
        unhandled = len(server.unhandled_errors())
        report = check_writes(url, Ledger.load(ledger).attempts, initial)

    statuses = Counter(status for _, _, status, _ in responses)
    times = [ms for _, _, status, ms in responses if status is not None]
    saves = [ms for _, name, status, ms in responses if name.endswith("[save]") and status is not None]
    if restart:
        restart["failed"] = sum(1 for _, _, status, _ in responses if status is None or status >= 500)
        after = [at for at, _, status, _ in responses if at >= restart["done"] and status and status < 500]
        restart["recovered"] = bool(after)
        restart["first_success"] = (min(after) - restart["done"]) if after else float("nan")
    return LoadResult(
        db=db, users=users, seconds=elapsed, requests=len(times), statuses=statuses,
        server_errors=sum(n for s, n in statuses.items() if s is not None and s >= 500),
        connection_errors=statuses.get(None, 0), locked=server_log.lower().count("database is locked"),
        unhandled=unhandled, p50=percentile(times, 0.50), p95=percentile(times, 0.95), p99=percentile(times, 0.99),
        save_p95=percentile(saves, 0.95), writes=report, restart=restart)


def _restart_later(postgres: PrivatePostgres, started: float, after: float, record: dict) -> None:
    """Restart PostgreSQL `after` seconds into the run (a scheduled event, not a wait for a condition)."""
    threading.Event().wait(max(0.0, started + after - time.monotonic()))
    record["at"] = time.monotonic() - started
    postgres.restart()
    record["done"] = time.monotonic() - started
    record["took"] = record["done"] - record["at"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=30_000)
    parser.add_argument("--restart-postgres-after", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--keep", type=Path, default=None, help="Keep logs and databases in this folder.")
    args = parser.parse_args(argv)
    if args.restart_postgres_after is not None and args.db == "sqlite":
        parser.error("--restart-postgres-after needs --db postgresql or both")
    broken = []
    with tempfile.TemporaryDirectory(prefix="planner-load-") as scratch:
        root = args.keep or Path(scratch)
        for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
            result = run(db, users=args.users, seconds=args.seconds, max_requests=args.max_requests,
                         restart_after=args.restart_postgres_after if db == "postgresql" else None,
                         workdir=root / db)
            print("\n".join(result.lines()), flush=True)
            broken += [f"{db}: {b}" for b in result.broken]
    if broken:
        print("BOUNDS BROKEN: " + "; ".join(broken))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
