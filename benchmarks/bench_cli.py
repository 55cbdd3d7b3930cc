"""Time file-mode `planner assess` and `planner plan` against a bare csv.DictReader pass.

Generates a seeded, realistic people CSV (default 100,000 people) under
``benchmarks/.data/``, then runs three commands the same way: each as a fresh
subprocess with stdout sent to /dev/null, all three once to warm the page cache,
then ``--repeat`` rounds of the three in turn (so a busy machine slows them
alike), keeping each command's median wall-clock time. Interpreter start-up is
part of every measurement, the baseline's included. The target is each planner
command under 5x the baseline.

    python benchmarks/bench_cli.py [--people 100000] [--repeat 5] [--seed 2026]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from planner.domain.model import DOMAINS, MAX_LEVEL
from planner.loaders import COLUMNS, load_rubric

DATA_DIR = Path(__file__).resolve().parent / ".data"
TARGET_RATIO = 5.0
#: Share of each track in the generated workforce, and of each level within it (the pyramid).
TRACK_MIX = {"software_engineer": 0.35, "business": 0.35, "product_manager": 0.15, "data_professional": 0.15}
LEVEL_MIX = {0: 0.12, 1: 0.40, 2: 0.30, 3: 0.10, 4: 0.06, 5: 0.02}
BLANK_RATE = 0.03
TEAM_SIZE = 12
BASELINE = "import csv, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as fh:\n    for _ in csv.DictReader(fh): pass"


def generate(path: Path, people: int, seed: int) -> None:
    """Write `people` rows drawn from the rubric's track profiles, with noise and some blanks."""
    rng = random.Random(seed)
    rubric = load_rubric()
    tracks, track_weights = list(TRACK_MIX), list(TRACK_MIX.values())
    levels, level_weights = list(LEVEL_MIX), list(LEVEL_MIX.values())
    partial = path.with_suffix(".part")  # renamed when complete, so an interrupted run leaves no short file
    with open(partial, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for n in range(people):
            employee_id = f"P{n:06d}"
            lead = n - n % TEAM_SIZE
            track = rng.choices(tracks, track_weights)[0]
            expected = rubric.track(track).expected(rng.choices(levels, level_weights)[0])
            cells = []
            for domain in DOMAINS:
                if rng.random() < BLANK_RATE:
                    cells.append("")
                else:
                    noisy = expected.get(domain, 0) + rng.choice((-1, 0, 0, 0, 0, 1))
                    cells.append(str(min(MAX_LEVEL, max(0, noisy))))
            writer.writerow([
                employee_id, f"Person {n}", f"person.{n}@bench.example", f"team-{n // TEAM_SIZE:05d}", track,
                "" if n == lead else f"P{lead:06d}", *cells,
            ])
    partial.replace(path)



def dataset_arguments(description: str, repeat: int, *, postgres: bool = False) -> argparse.Namespace:
    """The command line the file benchmarks share: how many people, repetitions, and the generator's seed.

    With `postgres`, also ``--postgres URL``: a PostgreSQL server to measure on as well (default: none).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--seed", type=int, default=2026)
    if postgres:
        parser.add_argument("--postgres", metavar="URL", default=None,
                            help="a PostgreSQL database to measure on too (each run in a schema of its own)")
    return parser.parse_args()


def people_file(people: int, seed: int) -> Path:
    """The generated people CSV for `people` and `seed`, written on first use and kept under ``.data/``."""
    DATA_DIR.mkdir(exist_ok=True)
    path = DATA_DIR / f"people-{people}-{seed}.csv"
    if not path.exists():
        generate(path, people, seed)
    return path

def planner_command() -> list[str]:
    """The installed console script, preferably the one beside this interpreter."""
    beside = Path(sys.executable).with_name("planner")
    found = str(beside) if beside.exists() else shutil.which("planner")
    if not found:
        sys.exit("bench_cli: the `planner` console script is not installed (pip install -e .)")
    return [found]


def seconds(argv: list[str]) -> float:
    """Wall-clock time of one run of `argv` as a subprocess, stdout to /dev/null."""
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def median_seconds(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Each command's median time over `repeat` interleaved rounds, after one warm-up round."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    for attempt in range(repeat + 1):
        for label, argv in commands.items():
            elapsed = seconds(argv)
            if attempt:
                times[label].append(elapsed)
    return {label: statistics.median(runs) for label, runs in times.items()}


def main() -> None:
    args = dataset_arguments(__doc__.split("\n\n")[0], repeat=5)
    path = people_file(args.people, args.seed)
    planner = planner_command()
    commands = {
        "csv.DictReader pass": [sys.executable, "-c", BASELINE, str(path)],
        "planner assess --format json": [*planner, "assess", str(path), "--format", "json"],
        "planner plan --format json": [*planner, "plan", str(path), "--format", "json"],
    }
    size_mib = path.stat().st_size / 2**20
    print(f"{path} ({args.people:,} people, {size_mib:.1f} MiB)")
    print(f"Each command: a fresh subprocess, stdout to /dev/null; 1 warm-up round, then the median of "
          f"{args.repeat} rounds of the three in turn; interpreter start-up included in all three.")
    timings = median_seconds(commands, args.repeat)
    baseline = timings["csv.DictReader pass"]
    for label, seconds in timings.items():
        ratio = seconds / baseline
        verdict = "" if label.startswith("csv") else f"  {ratio:4.2f}x  {'ok' if ratio < TARGET_RATIO else 'OVER TARGET'}"
        print(f"  {label:<30} {seconds:7.3f} s{verdict}")
    print(f"Target: each planner command under {TARGET_RATIO:g}x the csv.DictReader pass.")


if __name__ == "__main__":
    main()
