"""How fast and how big the clinician's report is: a report, not a test.

The goals (issue 26): the report for ten years of synthetic history written in under
2 s of CPU and under 5 MB; a 12-week report in under 0.5 s of CPU. CPU time (user and
system, of the child process) rather than wall time: other work on the machine delays a
process far more than it adds to the CPU it uses; the wall time is printed beside.

The history: `coach demo-history` (coach.demo.history) with the bundled morning
routine, 3,650 days to today, seed 0: about 3,000 sessions, 50,000 sets,
50,000 decisions and 120 function checks. Each figure is the CPU time of a whole
`coach report` process (Python's start and every import included), after one warm-up
run; the median of RUNS runs, and the size of the file written.

    .venv/bin/python bench/report.py [--runs N]
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
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from history import child_env, coach_command  # bench/history.py

RUNS = 5
DAYS = 3650
GOALS = {"ten years": (2.0, 5 * 1024 * 1024), "12 weeks": (0.5, None)}
"""Seconds of CPU, and bytes."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    db_dir: Path, since: date, target: Path, runs: int
) -> tuple[list[float], list[float], int]:
    """CPU and wall times (s) of `coach report --since since`, after a warm-up, and the
    size of the file."""
    command = [*coach_command(), "report", "--since", since.isoformat(), "-o", str(target)]
    command += ["--data-dir", str(db_dir)]
    env = child_env()
    cpu, wall = [], []
    for index in range(runs + 1):
        before = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"coach report failed: {done.stderr[-400:]}")
        if index:
            cpu.append(_children_cpu() - before)
            wall.append(elapsed)
    return cpu, wall, target.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    print(
        f"coach report benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    from demo_cache import demo_history

    from coach.config.locations import database_path, default_routine

    today = date.today()
    with tempfile.TemporaryDirectory(prefix="coach-bench-report-") as tmp:
        folder = Path(tmp)
        # Ending today, so that 'the last 12 weeks' of `coach report` holds sessions.
        summary = demo_history(
            database_path(folder), source=default_routine(), days=DAYS, seed=0, end=today
        )
        print(
            f"  synthetic history: {summary.sessions:,} sessions, {summary.sets:,} sets, "
            f"{summary.dose_changes:,} decisions, {summary.checks} checks over {DAYS:,} days",
            flush=True,
        )
        periods = {
            "ten years": summary.first_day,
            "12 weeks": today - timedelta(weeks=12) + timedelta(days=1),
        }
        for name, since in periods.items():
            cpu, wall, size = measure(folder, since, folder / f"{name}.html", args.runs)
            seconds_goal, size_goal = GOALS[name]
            median = statistics.median(cpu)
            verdict = "OK" if median < seconds_goal else "MISSED"
            text = (
                f"  report, {name:<9} median {median:5.2f} s CPU (min {min(cpu):.2f}, max "
                f"{max(cpu):.2f}; whole process)  < {seconds_goal:g} s: {verdict}"
                f"  · {statistics.median(wall):.2f} s wall  · {size / 1024 / 1024:.2f} MB"
            )
            if size_goal is not None:
                text += (
                    f" < {size_goal / 1024 / 1024:.0f} MB: {'OK' if size < size_goal else 'MISSED'}"
                )
            print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
