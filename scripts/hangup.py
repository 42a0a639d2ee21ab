"""``make hangup``: close coach's terminal at every stage of a morning, many times, with
the CPU busy; fail if a coach is ever left running or holding its lock.

Each round closes the terminal once at every stage (home, the checklist, the baseline
and pain prompts, mid-hold, the summary) with ``tmux kill-server``, and once on a bare
pseudo-terminal with no SIGHUP (at a stage that turns with the round). Meanwhile the CPU
is kept busy by ``stress --cpu N`` when it is installed, otherwise by N Python busy
loops; both are this script's children and end with it. A coach left running is killed
(by its pid: it is this script's) and counted. See tests/hangup.py for what is checked.

    python scripts/hangup.py [--rounds 50] [--load 2]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hangup import STAGES, Closed, close_at
from tests.tmux_driver import tmux_binary


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def busy(cpus: int) -> Iterator[str]:
    """The CPU kept busy on ``cpus`` cores while the block runs; says how."""
    if cpus <= 0:
        yield "no load"
        return
    stress = shutil.which("stress")
    if stress is not None:
        process = subprocess.Popen(
            [stress, "--cpu", str(cpus)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            yield f"stress --cpu {cpus}"
        finally:
            # stress's workers are its children: SIGTERM to stress ends them too.
            process.terminate()
            process.wait()
        return
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(cpus)]
    for spinner in spinners:
        spinner.start()
    try:
        yield f"{cpus} Python busy loops"
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.join()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--load", type=int, default=2, help="cores kept busy (0: none)")
    args = parser.parse_args(argv)
    if tmux_binary() is None:
        print("make hangup needs tmux", file=sys.stderr)
        return 2
    results: list[Closed] = []
    errors: list[str] = []
    started = time.monotonic()
    with busy(args.load) as load, tempfile.TemporaryDirectory(prefix="coach-hangup-") as tmp:
        print(f"{args.rounds} rounds of {len(STAGES)} stages in tmux and 1 on a bare pty; {load}")
        for number in range(args.rounds):
            plan = [(stage, "tmux") for stage in STAGES]
            plan.append((STAGES[number % len(STAGES)], "pty"))
            for stage, way in plan:
                folder = Path(tmp) / f"{number}-{stage}-{way}"
                try:
                    closed = close_at(stage, folder, way)
                except AssertionError as exc:  # never reached the stage: not a verdict
                    errors.append(f"round {number + 1}, {stage} ({way}): {exc}"[:400])
                    continue
                results.append(closed)
                if not closed.ok:
                    print(f"  round {number + 1}: {closed.describe()}", flush=True)
                shutil.rmtree(folder, ignore_errors=True)
            print(f"round {number + 1}/{args.rounds} done", flush=True)
    failed = [r for r in results if not r.ok]
    times = [r.seconds for r in results if r.seconds is not None]
    print(f"\n{len(results)} closes in {time.monotonic() - started:.0f}s under {load}")
    for way in ("tmux", "pty"):
        done = [r for r in results if r.way == way]
        left = [r for r in done if r.seconds is None]
        held = [r for r in done if r.seconds is not None and r.held]
        print(
            f"  {way}: {len(done)} closes, {len(left)} coach left running, {len(held)} locks held"
        )
    if times:
        times.sort()
        print(
            f"  time to go: median {statistics.median(times):.2f}s, "
            f"95th percentile {times[int(0.95 * (len(times) - 1))]:.2f}s, max {times[-1]:.2f}s"
        )
    for line in errors:
        print(f"  not reached: {line}")
    if failed:
        print(f"FAILED: {len(failed)} of {len(results)} closes left a coach or its lock")
        return 1
    if not results or len(errors) > len(results) // 10:
        print("FAILED: too few stages were reached to judge")
        return 1
    print("OK: every coach left within 2 s and freed its lock")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
