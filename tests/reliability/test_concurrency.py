"""Two writers save the same person's assessment at the same moment: exactly one wins, nothing is lost.

Both writers read the person's version, wait for each other, then save with it.
Round after round, on SQLite and PostgreSQL: in two processes calling the service
(the loser gets `StaleWrite`), and in two HTTP clients against gunicorn's two
workers (the loser gets 409 with the current version). The database is then
checked against every attempt: each winner's levels are in the history exactly
once, no loser's are, and the version grew by one per round.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import requests

from .conftest import ACCOUNTS, TEAMMATE_ID
from .harness import (
    AppServer,
    Attempt,
    check_writes,
    issue_tokens,
    new_token,
    person_versions,
    race_in_process,
    seed_demo_database,
)

ROUNDS = 15


def assert_one_winner_per_round_and_nothing_lost(url: str, rounds: dict[int, list[Attempt]],
                                                 initial: dict[str, int]) -> None:
    __tracebackhide__ = True
    assert sorted(rounds) == list(range(ROUNDS))
    for number, attempts in rounds.items():
        assert sorted(a.status for a in attempts) == [201, 409], f"round {number}: {attempts}"
    report = check_writes(url, [a for attempts in rounds.values() for a in attempts], initial)
    assert report.problems == {}
    assert (report.saved, report.conflicts, report.present) == (ROUNDS, ROUNDS, ROUNDS)


def test_two_processes_racing_on_one_person_one_wins_each_round_and_the_other_gets_stale_write(database_url):
    seed_demo_database(database_url)
    initial = person_versions(database_url)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    racers = [context.Process(target=race_in_process, args=(database_url, TEAMMATE_ID, level, ROUNDS, barrier, results))
              for level in (1, 4)]
    outcomes = []
    try:
        for racer in racers:
            racer.start()
        deadline = time.monotonic() + 180
        while len(outcomes) < 2 * ROUNDS:
            assert time.monotonic() < deadline, f"only {len(outcomes)} outcomes after 180s"
            assert all(r.exitcode in (None, 0) for r in racers), [r.exitcode for r in racers]
            try:
                outcomes.append(results.get(timeout=1))
            except queue.Empty:
                continue
        for racer in racers:
            racer.join(timeout=60)
        assert [r.exitcode for r in racers] == [0, 0]
    finally:
        for racer in racers:
            if racer.is_alive():
                racer.kill()
                racer.join()
    rounds = defaultdict(list)
    for number, token, levels, status, version in outcomes:
        rounds[number].append(Attempt(token, TEAMMATE_ID, "manager", levels, status))
        assert version == initial[TEAMMATE_ID] + number + 1  # the winner's new version, or the one the loser met
    assert_one_winner_per_round_and_nothing_lost(database_url, rounds, initial)


def test_two_api_clients_racing_through_gunicorn_get_one_201_and_one_409_each_round(database_url, tmp_path):
    seed_demo_database(database_url)
    token = issue_tokens(database_url, [ACCOUNTS["manager"]])[ACCOUNTS["manager"]]
    initial = person_versions(database_url)
    path = f"/api/v1/people/{TEAMMATE_ID}/assessments"
    barrier = threading.Barrier(2)

    def race(server: AppServer, level: int) -> list[tuple[int, Attempt]]:
        attempts = []
        with requests.Session() as client:
            client.headers["Authorization"] = f"Bearer {token}"
            for number in range(ROUNDS):
                version = client.get(server.base_url + path, timeout=30).json()["version"]
                barrier.wait(timeout=60)
                evidence, levels = new_token(), {"evaluation": level, "security": (level + number) % 6}
                answer = client.post(server.base_url + path, timeout=60, json={
                    "levels": levels, "evidence": evidence, "kind": "manager", "version": version})
                if answer.status_code == 409:
                    assert answer.json()["error"]["current_version"] == version + 1
                attempts.append((number, Attempt(evidence, TEAMMATE_ID, "manager", levels, answer.status_code)))
                barrier.wait(timeout=60)
        return attempts

    with AppServer(database_url, tmp_path / "gunicorn.log") as server, ThreadPoolExecutor(2) as pool:
        both = [future.result(timeout=300) for future in [pool.submit(race, server, level) for level in (1, 4)]]
    rounds = defaultdict(list)
    for number, attempt in both[0] + both[1]:
        rounds[number].append(attempt)
    assert_one_winner_per_round_and_nothing_lost(database_url, rounds, initial)
    assert server.unhandled_errors() == []
