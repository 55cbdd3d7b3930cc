"""Every page and API route at enterprise scale, with caches cold, against a bare ``SELECT count(*)``.

Imports the generated people file (``bench_cli.py``'s generator; default 100,000
people, ``--people 10000`` for a quick run) into a fresh PostgreSQL schema with
``planner import``'s service, runs ``ANALYZE``, and creates an HR account and a
manager account (the lead of the first team). Then, for every GET route of the
app (pages and API, path parameters filled with a person and a team the caller
may see), as HR and as the manager: ``--requests`` times, a write (an audited
change, which moves the data version and so empties every cache) followed by
the timed request, through the app in this process (Flask's test client: no
network, no gunicorn), signed in with the session cookie (the API accepts it too). The same is done for a bare ``SELECT count(*) FROM
person`` on a connection of the same database, for scale.

Prints p50/p95 (ms) and the bytes sent per route, and exits 1 when a route's p95
is over 300 ms or its answer over 300 KB (or it does not answer 200).

    python benchmarks/bench_scale.py --postgres postgresql://postgres@127.0.0.1:5432/test [--people 100000]
        [--requests 10] [--route /hiring]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cli import people_file  # noqa: E402

from planner.db import repository  # noqa: E402
from planner.db.engine import make_engine, session_at  # noqa: E402
from planner.db.migrate import upgrade  # noqa: E402
from planner.services.accounts import create_account  # noqa: E402
from planner.services.people import import_people  # noqa: E402
from planner.services.transactions import Actor, writing  # noqa: E402
from planner.web import create_app  # noqa: E402

BUDGET_MS = 300
BUDGET_BYTES = 300 * 1024
PASSWORD = "bench-scale-password"
ORGANISATION = "Bench"
ACTOR = Actor("bench-scale")
#: Routes not measured: they change state or end the session.
SKIPPED = {"auth.logout", "static"}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("PLANNER_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL (default: $PLANNER_TEST_POSTGRES_URL)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=10, help="timed requests per route and role")
    parser.add_argument("--route", action="append", default=[], help="only routes whose path starts with this")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres URL (or set PLANNER_TEST_POSTGRES_URL)")
    return args


def fresh_schema(server_url: str) -> tuple[str, str]:
    """A new schema on the server, and the URL that selects it."""
    schema = f"bench_scale_{uuid.uuid4().hex[:8]}"
    engine = make_engine(server_url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, url.render_as_string(hide_password=False)


def drop_schema(server_url: str, schema: str) -> None:
    engine = make_engine(server_url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def load(url: str, people: int, seed: int) -> dict[str, str]:
    """Import the people, analyse the tables, create the accounts; the manager's employee id and team."""
    upgrade(url)
    raw = people_file(people, seed).read_bytes()
    with session_at(url) as session:
        started = time.perf_counter()
        import_people(session, source="people.csv", raw=raw, organisation=ORGANISATION, actor=ACTOR)
        print(f"imported {people:,} people in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        session.connection().exec_driver_sql("ANALYZE")
        session.commit()
        org = repository.find_organisation(session, name=ORGANISATION)
        teams = repository.load_teams(session, organisation_id=org.id)
        team = next(t for t in teams if t.manager_ids)
        manager = team.manager_ids[0]
        create_account(session, organisation_id=org.id, email="hr@bench.example", password=PASSWORD, role="hr",
                       employee_id=None, actor=ACTOR)
        create_account(session, organisation_id=org.id, email="manager@bench.example", password=PASSWORD,
                       role="manager", employee_id=manager, actor=ACTOR)
        member = next(p for p in repository.load_people(session, organisation_id=org.id)
                      if p.team == team.slug and p.employee_id != manager)
    return {"manager": manager, "team": team.slug, "member": member.employee_id, "org_id": str(org.id)}


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        sys.exit(f"bench_scale: could not sign in as {email} ({response.status_code})")
    return client


def routes(app, values: dict[str, str]) -> list[str]:
    """Every GET route of the app with its path parameters filled, in path order."""
    fill = {"employee_id": values["member"], "slug": values["team"], "format": "csv"}
    paths = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint.startswith("openapi"):
            continue
        if set(rule.arguments) - fill.keys():
            continue
        paths.add(rule.build({k: fill[k] for k in rule.arguments}, append_unknown=False)[1])
    return sorted(paths)


def write(url_engine) -> None:
    """An audited change: the data version moves on, so the next request finds every cache empty."""
    from sqlmodel import Session

    with Session(url_engine) as session, writing(session):
        repository.add_audit(session, actor=ACTOR.label, action="bench.write")


def measure(timed, samples: int, engine) -> tuple[list[float], int, int]:
    times, size, status = [], 0, 200
    for _ in range(samples):
        write(engine)
        started = time.perf_counter()
        size, status = timed()
        times.append((time.perf_counter() - started) * 1000)
    return times, size, status


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    args = arguments()
    schema, url = fresh_schema(args.postgres)
    try:
        values = load(url, args.people, args.seed)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-scale", "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False})
        engine = make_engine(url)
        clients = {"hr": signed_in(app, "hr@bench.example"), "manager": signed_in(app, "manager@bench.example")}

        def bare() -> tuple[int, int]:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT count(*) FROM person").scalar_one()
            return 0, 200

        rows = [("SELECT count(*) FROM person", "", *measure(bare, args.requests, engine))]
        for path in routes(app, values):
            if args.route and not any(path.startswith(r) for r in args.route):
                continue
            for role, client in clients.items():
                def get(client=client, path=path) -> tuple[int, int]:
                    response = client.get(path)
                    return len(response.get_data()), response.status_code
                rows.append((path, role, *measure(get, args.requests, engine)))
        engine.dispose()
    finally:
        drop_schema(args.postgres, schema)

    failed = False
    print(f"{args.people:,} people on PostgreSQL, caches cold (a write before each request), "
          f"{args.requests} requests per route and role")
    print(f"{'route':<44} {'as':<8} {'p50 ms':>8} {'p95 ms':>8} {'KB':>9}  status")
    for path, role, times, size, status in rows:
        p95 = percentile(times, 0.95)
        over = p95 > BUDGET_MS or size > BUDGET_BYTES or status not in (200, 302, 403)
        failed |= over
        print(f"{path:<44} {role:<8} {statistics.median(times):>8.1f} {p95:>8.1f} {size / 1024:>9.1f}  "
              f"{status}{'  OVER BUDGET' if over else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
