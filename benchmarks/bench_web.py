"""Requests per second of the HR org page and the hiring-plan API against a bare Flask "hello" route.

Builds a fresh demo database (migrated and seeded) in a temporary folder and
serves two apps the same way, side by side: gunicorn with the same settings
(``--workers 2``, sync workers, bound to 127.0.0.1, the production line in
``planner.web``) for the planner and for a bare Flask app with one "hello"
route. ``GET /org`` is signed into as HR through the real sign-in form (CSRF
token and all) and sent the session cookie; ``GET /api/v1/org/plan`` is sent a
bearer token from ``services.accounts.issue_token``. Every request carries the
same User-Agent, as a browser's do (Flask-Login ties a session to it).

Each target first answers one checked request and a short wrk warm-up. Then wrk
runs against each target with the same threads, connections and duration, in
rounds whose order rotates; each route's req/s is divided by hello's in the
same round, and the medians over rounds are printed with p50/p95/p99 latency,
non-2xx answers and the CPU time per request of the servers and wrk. On a
shared machine absolute figures mean little: compare the ratios (target: each
>= 0.40, with no non-2xx answer). Exits 1 if any answer was not 2xx.

    python benchmarks/bench_web.py [--rounds 5] [--duration 6] [--connections 32] [--threads 2]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from planner.db import repository
from planner.db.engine import session_at
from planner.db.migrate import upgrade
from planner.loaders import seed_dir
from planner.services.accounts import issue_token
from planner.services.seeding import seed_demo
from planner.services.transactions import Actor

TARGET_RATIO = 0.40
WORKERS = 2
HR_EMAIL = "hr@meridian.example"
DEMO_PASSWORD = "planner-demo"
#: Sent on every request, the sign-in included: Flask-Login's session protection ties a session to the
#: client's address and user agent, and a browser keeps both.
USER_AGENT = "bench-web/1"

HELLO_APP = textwrap.dedent('''\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/")
    def hello():
        return "hello"
''')

#: Counts non-2xx answers in every wrk thread, and prints one JSON line when the run ends.
WRK_SCRIPT = textwrap.dedent('''\
    local threads = {}

    function setup(thread)
       table.insert(threads, thread)
    end

    function init(args)
       non2xx = 0
    end

    function response(status, headers, body)
       if status < 200 or status > 299 then
          non2xx = non2xx + 1
       end
    end

    function done(summary, latency, requests)
       local bad = 0
       for _, thread in ipairs(threads) do
          bad = bad + thread:get("non2xx")
       end
       local e = summary.errors
       io.write(string.format(
          'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
          '"non2xx": %d, "socket_errors": %d}\\n',
          summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
          latency:percentile(99), bad, e.connect + e.read + e.write + e.timeout))
    end
''')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn process group serving `app` on a free loopback port; `stop()` ends the whole group."""

    def __init__(self, app: str, *, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", app],
            cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer within {timeout:.0f} s")

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the gunicorn master and its workers (Linux /proc)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # the process ended while we looked
                continue
            if self.process.pid in (int(stat.parent.name), int(fields[1])):  # the master, or one of its children
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@dataclass(frozen=True)
class Target:
    label: str
    server: Server
    path: str
    #: What the body of a good answer contains (checked once before timing).
    expect: str
    extra_headers: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return self.server.base + self.path

    @property
    def headers(self) -> tuple[str, ...]:
        return (f"User-Agent: {USER_AGENT}", *self.extra_headers)


@dataclass(frozen=True)
class Run:
    """One wrk run against one target."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int
    #: CPU seconds the server (gunicorn master and workers) and wrk used during the run.
    server_cpu: float
    wrk_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float:
        """CPU time per request, server and load generator together, in microseconds."""
        return (self.server_cpu + self.wrk_cpu) / self.requests * 1e6


def build_database(folder: Path) -> str:
    """A migrated database with the demo organisation seeded; returns its URL."""
    url = f"sqlite:///{folder / 'planner.sqlite'}"
    upgrade(url)
    with session_at(url) as session:
        seed_demo(session, seed_dir=seed_dir(), actor=Actor("bench"))
    return url


def bearer_token(url: str) -> str:
    """A new API token for the HR demo account."""
    with session_at(url) as session:
        account = repository.find_account(session, email=HR_EMAIL)
        return issue_token(session, account_id=account.id, actor=Actor("bench"))


def sign_in(base: str) -> str:
    """Sign in as HR through the real form (GET for the CSRF token, then POST); return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/login") as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    form = {"csrf_token": token.group(1), "email": HR_EMAIL, "password": DEMO_PASSWORD, "next": ""}
    with opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode()) as response:
        if urllib.parse.urlsplit(response.url).path != "/org":
            raise RuntimeError(f"signing in as HR landed on {response.url}, not /org")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(target: Target) -> None:
    """One request as wrk will send it: a 200 (not a redirect to sign in) with the expected body."""
    request = urllib.request.Request(target.url, headers=dict(h.split(": ", 1) for h in target.headers))
    with urllib.request.build_opener(_NoRedirect).open(request) as response:
        if response.status != 200 or target.expect not in response.read().decode():
            raise RuntimeError(f"{target.label}: answered {response.status} without {target.expect!r}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(target: Target, *, script: Path, threads: int, connections: int, seconds: int) -> Run:
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for header in target.headers:
        argv += ["-H", header]
    server_before, wrk_before = target.server.cpu_seconds(), _children_cpu()
    output = subprocess.run([*argv, target.url], capture_output=True, text=True, check=True).stdout
    server_cpu, wrk_cpu = target.server.cpu_seconds() - server_before, _children_cpu() - wrk_before
    line = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result for {target.label}:\n{output}")
    data = json.loads(line.removeprefix("RESULT "))
    return Run(data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1000, data["p95_us"] / 1000,
               data["p99_us"] / 1000, data["non2xx"], data["socket_errors"], server_cpu, wrk_cpu)


def report(targets: list[Target], runs: dict[str, list[Run]], args: argparse.Namespace) -> None:
    print(f"gunicorn --workers {WORKERS} (sync) on 127.0.0.1 for both apps; demo organisation, fresh SQLite database.")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per run after a {args.warmup} s warm-up; "
          f"{args.rounds} rounds, the order of targets rotating each round; medians over rounds.")
    print(f"{os.cpu_count()} CPUs shared by wrk, both servers and anything else running (load average now "
          f"{os.getloadavg()[0]:.1f}): compare ratios, not absolute figures.\n")
    hello = runs[targets[0].label]
    print(f"  {'target':<34} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'non-2xx':>7} "
          f"{'sock err':>8} {'CPU us/req':>10} {'CPU ratio':>9}")
    verdicts = []
    for target in targets:
        rs = runs[target.label]
        ratio = statistics.median(r.rps / h.rps for r, h in zip(rs, hello))
        bad = sum(r.non2xx for r in rs)
        print(f"  {target.label:<34} {statistics.median(r.rps for r in rs):7.0f} {ratio:6.2f} "
              f"{statistics.median(r.p50_ms for r in rs):7.1f} {statistics.median(r.p95_ms for r in rs):7.1f} "
              f"{statistics.median(r.p99_ms for r in rs):7.1f} {bad:7d} {sum(r.socket_errors for r in rs):8d} "
              f"{statistics.median(r.cpu_us for r in rs):10.0f} "
              f"{statistics.median(h.cpu_us / r.cpu_us for r, h in zip(rs, hello)):9.2f}")
        if target is not targets[0]:
            rounds = ", ".join(f"{r.rps / h.rps:.2f}" for r, h in zip(rs, hello))
            verdict = "NON-2XX ANSWERS" if bad else "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
            verdicts.append(f"  {target.label}: {ratio:.2f} of hello's req/s (rounds: {rounds}): {verdict}")
    print(f"\nratio: the route's req/s over hello's in the same round; target >= {TARGET_RATIO:.2f} with no non-2xx.")
    print(f"p50/p95/p99: wrk's latency percentiles with {args.connections} concurrent connections.")
    print("CPU us/req: CPU time of the gunicorn processes and wrk per request. CPU ratio: hello's over the\n"
          "  route's, what the req/s ratio comes to when the machine runs nothing else (a check on noisy rounds).\n")
    print("\n".join(verdicts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per target (medians reported)")
    parser.add_argument("--duration", type=int, default=6, help="seconds per timed wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of untimed wrk load per target first")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_web: wrk is not installed (apt-get install wrk)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped below

    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    servers: list[Server] = []
    try:
        url = build_database(folder)
        token = bearer_token(url)
        (folder / "hello_app.py").write_text(HELLO_APP)
        script = folder / "report.lua"
        script.write_text(WRK_SCRIPT)
        env = {**os.environ, "PLANNER_DATABASE_URL": url, "PLANNER_SECRET_KEY": os.urandom(32).hex()}
        hello = Server("hello_app:app", cwd=folder, env=env, log=folder / "hello.log")
        servers.append(hello)
        planner = Server("planner.web:create_app()", cwd=folder, env=env, log=folder / "planner.log")
        servers.append(planner)
        hello.wait_ready("/")
        planner.wait_ready("/login")

        targets = [
            Target("hello (bare Flask)", hello, "/", "hello"),
            Target("GET /org (HR, cookie)", planner, "/org", 'id="blocker-title"',
                   (f"Cookie: {sign_in(planner.base)}",)),
            Target("GET /api/v1/org/plan (HR, bearer)", planner, "/api/v1/org/plan", '"phases"',
                   (f"Authorization: Bearer {token}",)),
        ]
        load = {"script": script, "threads": args.threads, "connections": args.connections}
        for target in targets:
            check(target)
            wrk(target, seconds=args.warmup, **load)
        runs: dict[str, list[Run]] = {t.label: [] for t in targets}
        for number in range(args.rounds):
            shift = number % len(targets)
            for target in targets[shift:] + targets[:shift]:
                runs[target.label].append(wrk(target, seconds=args.duration, **load))
        report(targets, runs, args)
        return 1 if any(r.non2xx for rs in runs.values() for r in rs) else 0
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
