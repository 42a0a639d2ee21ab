"""How fast `coach history` answers on ten years of history: a report, not a test.

It writes ten years of synthetic history (coach.synthetic, the bundled morning routine)
into a temporary folder, timing the generation, then measures the wall time of whole
`coach` processes on it, from just before the spawn to the exit, Python's start
included: `coach history` (the default view, the last sessions), `coach history --json`
(every session) and, for information, `coach export --format csv` (every set). Each is
run once as a warm-up, then RUNS times; the median is compared with the goal. As a floor,
the same is measured for `python -c pass`.

Output goes to a pipe that is read to the end (so rich lays the table out for 80
columns, as for a non-terminal). The children run without PYTHONDONTWRITEBYTECODE, so
the warm-up leaves bytecode caches behind as any installed coach has them; everything
else of the environment is kept, except COACH_* variables.

It prints each figure against the goal with OK or MISSED and exits 0 either way (1 only
when a measurement could not be taken). `measure_cli(db_dir)` is the measuring part, for
other scripts: it returns the figures as a dict.

    .venv/bin/python bench/history.py [--days N] [--runs N] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent  # the venv's bin: do not resolve the symlink
COACH = BIN / "coach"

GOAL_MS = 300.0
RUNS = 7
DAYS = 3650


class BenchError(RuntimeError):
    """A measurement could not be taken (the command failed)."""


def coach_command() -> list[str]:
    """The installed `coach` script, else the package run by this interpreter."""
    return [str(COACH)] if COACH.exists() else [sys.executable, "-m", "coach"]


def child_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COACH_") and k != "PYTHONDONTWRITEBYTECODE"
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_runs(argv: Sequence[str], runs: int = RUNS) -> dict[str, Any]:
    """Wall times of ``argv`` in ms, after one warm-up run: median, min, max, each run;
    and the median CPU time (user + system) of the process, which a busy machine
    disturbs less than the wall time."""
    env = child_env()
    times, cpu = [], []
    size = 0
    for index in range(runs + 1):
        cpu_before = _children_cpu()
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env
        )
        out, err = process.communicate(timeout=120)
        elapsed = (time.perf_counter() - started) * 1000
        if process.returncode != 0:
            raise BenchError(
                f"{' '.join(argv)} exited with {process.returncode}: {err.decode()[-500:]}"
            )
        if index:  # the first run only warms the caches
            times.append(elapsed)
            cpu.append((_children_cpu() - cpu_before) * 1000)
            size = len(out)
    return {
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "runs_ms": times,
        "cpu_median_ms": statistics.median(cpu),
        "output_bytes": size,
    }


def measure_cli(db_dir: Path, runs: int = RUNS) -> dict[str, Any]:
    """Median wall times of the history commands on the history in ``db_dir``.

    Returns ``{"goal_ms": ..., "python": {...}, "history": {...}, "history_json": {...},
    "export_csv": {...}}``, each entry as :func:`time_runs` gives it.
    """
    coach = coach_command()
    data = ["--data-dir", str(db_dir)]
    return {
        "goal_ms": GOAL_MS,
        "python": time_runs([sys.executable, "-c", "pass"], runs),
        "history": time_runs([*coach, "history", *data], runs),
        "history_json": time_runs([*coach, "history", "--json", *data], runs),
        "export_csv": time_runs([*coach, "export", "--format", "csv", *data], runs),
    }


def generate_history(db_dir: Path, days: int = DAYS) -> Any:
    """Write ``days`` of synthetic history into ``db_dir``; the generator's Summary."""
    from datetime import date

    from coach.locations import database_path
    from coach.synthetic import generate

    # A fixed end day: the same history on every run of the benchmark.
    return generate(database_path(db_dir), days=days, seed=0, end=date(2026, 1, 1))


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def report(figures: dict[str, Any]) -> list[str]:
    goal = figures["goal_ms"]
    lines = []
    for key, label, judged in (
        ("history", "coach history", True),
        ("history_json", "coach history --json", True),
        ("export_csv", "coach export --format csv", False),
        ("python", "python -c pass (floor)", False),
    ):
        run = figures[key]
        text = (
            f"  {label:<26} median {run['median_ms']:5.0f} ms "
            f"(min {run['min_ms']:.0f}, max {run['max_ms']:.0f}, CPU {run['cpu_median_ms']:.0f}; "
            f"{run['output_bytes'] / 1024:,.0f} KiB out)"
        )
        if key != "python":
            note = "" if judged else " (for information)"
            text += f"  < {goal:.0f} ms: {verdict(run['median_ms'] < goal)}{note}"
        lines.append(text)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=DAYS, help="days of synthetic history")
    parser.add_argument("--runs", type=int, default=RUNS, help="measured runs per command")
    parser.add_argument(
        "--data-dir", type=Path, help="measure this existing history instead of generating one"
    )
    args = parser.parse_args(argv)
    print(
        f"coach history benchmark: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="coach-bench-history-") as tmp:
        db_dir = args.data_dir
        if db_dir is None:
            db_dir = Path(tmp)
            summary = generate_history(db_dir, args.days)
            print(
                f"  synthetic history: {summary.sessions:,} sessions, {summary.sets:,} sets, "
                f"{summary.dose_changes:,} decisions over {summary.days:,} days, "
                f"generated in {summary.seconds:.1f} s",
                flush=True,
            )
        try:
            figures = measure_cli(db_dir, args.runs)
        except (BenchError, subprocess.TimeoutExpired) as exc:
            print(f"  NOT MEASURED: {exc}")
            return 1
    print(f"  wall time, median of {args.runs} runs after a warm-up; CPU is user + system")
    for line in report(figures):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
