"""How fast the history answers on years of it: a report, not a test.

The goal (issue 6): for about 3,650 sessions and 150,000 sets, the history screen's first
frame and `coach history` each in under 300 ms on this machine.

The history: coach.demo.history fills a temporary database. The bundled morning routine
rates about 17 sets per session and the simulated person misses about one day in five,
so ten years of it hold only ~2,900 sessions and ~49,000 sets. To measure at the size the
goal names, the routine is played with three sets of every exercise (a copy of the
bundled files, changed only in that) over 4,560 days: ~3,680 sessions, ~162,000 sets.

1. `coach history` (the default view, the last sessions) and `coach history --json`
   (every session); for information `coach export --format csv` (every set). Wall time
   of whole processes, from just before the spawn to the exit, Python's start included;
   a warm-up, then RUNS runs, median. As a floor, `python -c pass`. Output goes to a pipe
   read to the end. The children run without PYTHONDONTWRITEBYTECODE, so the warm-up
   leaves bytecode caches behind as any installed coach has them.

2. The history screen's first frame: the real `coach` in a private tmux server (80x24)
   on the same database; once its home screen is up, "h" is sent and the pane is polled
   every 5 ms until the history's summary line ("... sessions since ...") is on screen:
   the time from the key to that frame, which includes the query of every session, the
   calendar and the layout. A fresh process each run (so the screen's first-use costs
   are counted), SCREEN_RUNS runs, median. Caveat: the 5 ms polling and the tmux client
   (a process per poll) add a few milliseconds.

3. The damage check coach runs once when it opens the history for writing (SQLite's
   ``PRAGMA quick_check``, issue 14), in this process on the same file, warm: median of
   RUNS, and as a ratio of `coach history`'s wall time measured above (it runs in the
   day's worker thread, never before the first frame).

It prints each figure against the goal with OK or MISSED and exits 0 either way (1 only
when a measurement could not be taken). `measure_cli(db_dir)` and `measure_screen(db_dir)`
are the measuring parts, for other scripts.

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
SCREEN_RUNS = 5
DAYS = 4560
"""With three sets per exercise: about 3,650 sessions and 150,000 sets (see above)."""
SETS = 3


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


def scaled_routine(folder: Path, sets: int = SETS) -> Path:
    """A copy of the bundled routine with ``sets`` sets of every exercise."""
    import shutil

    import yaml

    from coach.config.locations import bundled_sessions_dir

    shutil.copytree(bundled_sessions_dir(), folder)
    for path in sorted((folder / "programs").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for level in document["program"]["levels"]:
            for exercise in level["exercises"]:
                exercise["sets"] = sets
                bounds = (exercise.get("progression") or {}).get("sets")
                if bounds:
                    bounds["min"] = min(bounds.get("min", 1), sets)
                    bounds["max"] = max(bounds.get("max", sets), sets)
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return folder / "morning.yaml"


def generate_history(db_dir: Path, days: int = DAYS, sets: int = SETS) -> Any:
    """Write ``days`` of synthetic history into ``db_dir``; the generator's Summary."""
    from datetime import date

    from demo_cache import demo_history

    from coach.config.locations import database_path

    routine = scaled_routine(db_dir / "routine", sets)
    # A fixed end day: the same history on every run of the benchmark (played once).
    return demo_history(
        database_path(db_dir), days=days, seed=0, end=date(2026, 1, 1), source=routine
    )


def home_shown(screen: str) -> bool:
    """Home is up with its keys: the routine's title and the key bar's History. (Not the
    History button: with ten years the plan is at level 3, fifteen exercises, and the
    buttons are below the fold at 80x24.)"""
    return "Morning routine" in screen and ("h History" in screen or "h\u00a0History" in screen)


def measure_screen(db_dir: Path, runs: int = SCREEN_RUNS) -> dict[str, Any]:
    """Milliseconds from the "h" key on the home screen to the history's first frame."""
    sys.path.insert(0, str(Path(__file__).parent))
    from run import Tmux, child_env, wait_for_screen  # bench/run.py

    times = []
    with tempfile.TemporaryDirectory(prefix="coach-bench-screen-") as tmp:
        work = Path(tmp)
        for index in range(runs + 1):
            tmux = Tmux(f"history-{index}", work)
            try:
                env = child_env(work / f"data-{index}")
                env["COACH_DATA_DIR"] = str(db_dir)
                tmux.start([*coach_command(), "--audio", "none"], env)
                wait_for_screen(tmux, home_shown, 60, "home")
                time.sleep(0.3)  # let the home screen settle
                # Home is drawn from the views the last run kept before the day behind
                # it has loaded, and a key pressed before that is not acted on: "h" is
                # pressed again every 2 s until the history shows, and the time runs from
                # the press that was answered.
                first = started = time.monotonic()
                tmux.keys("h")
                while True:
                    screen = tmux.screen()
                    if "sessions since" in screen or "No sessions yet" in screen:
                        break
                    if time.monotonic() - started > 2 and time.monotonic() - first < 20:
                        started = time.monotonic()
                        tmux.keys("h")
                    if time.monotonic() - first > 20:
                        shown = "\n".join(line for line in screen.splitlines() if line.strip())
                        raise BenchError(
                            f"the history screen did not show in 20 s; the screen:\n{shown}"
                        )
                    time.sleep(0.005)
                if index:  # the first run is a warm-up (bytecode, disk cache)
                    times.append((time.monotonic() - started) * 1000)
            finally:
                tmux.kill()
    return {
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "runs_ms": times,
    }


def measure_quick_check(db_dir: Path, runs: int = RUNS) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from coach.store.database import quick_check

    path = db_dir / "history.sqlite3"
    quick_check(path)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        problem = quick_check(path)
        times.append((time.perf_counter() - started) * 1000)
        if problem is not None:
            raise BenchError(f"quick_check found damage in the synthetic history: {problem}")
    return {"median_ms": statistics.median(times), "megabytes": path.stat().st_size / 2**20}


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
            screen = measure_screen(db_dir)
            check = measure_quick_check(db_dir, args.runs)
        except Exception as exc:  # the run module's BenchError too: report, do not crash
            print(f"  NOT MEASURED: {exc}")
            return 1
    print(f"  wall time, median of {args.runs} runs after a warm-up; CPU is user + system")
    for line in report(figures):
        print(line)
    print(
        f"  history screen, first frame  median {screen['median_ms']:5.0f} ms "
        f"(min {screen['min_ms']:.0f}, max {screen['max_ms']:.0f}; "
        f"{len(screen['runs_ms'])} fresh processes)  < {GOAL_MS:.0f} ms: "
        f"{verdict(screen['median_ms'] < GOAL_MS)}"
    )
    ratio = check["median_ms"] / figures["history"]["median_ms"]
    print(
        f"  quick_check on opening       median {check['median_ms']:5.0f} ms on "
        f"{check['megabytes']:.0f} MB = {ratio:.2f}x coach history (in the worker, not the "
        "first frame)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
