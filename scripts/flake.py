"""Run the suite several times under CPU load and fail on any difference in outcomes.

    python scripts/flake.py --runs 3 -- PYTEST_COMMAND...

While the runs go on, one busy process per core keeps the machine loaded (``stress
--cpu N`` when it is installed, else Python busy loops), as a loaded CI machine or a
laptop doing something else would. Each run writes a JUnit XML report; a test whose
outcome (passed, failed, error, skipped) is not the same in every run, or that failed in
any, is listed, and the exit status is 1. The load is stopped however this ends.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path


def _spin() -> None:
    while True:
        pass


class Load:
    """One busy process per core, for as long as it is open."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.stress: subprocess.Popen[bytes] | None = None
        self.loops: list[multiprocessing.Process] = []

    def __enter__(self) -> Load:
        stress = shutil.which("stress")
        if stress:
            self.stress = subprocess.Popen(
                [stress, "--cpu", str(self.workers)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its workers are its children: stopped as a group
            )
            print(f"flake: load from stress --cpu {self.workers}", flush=True)
        else:
            context = multiprocessing.get_context("spawn")
            self.loops = [context.Process(target=_spin, daemon=True) for _ in range(self.workers)]
            for loop in self.loops:
                loop.start()
            print(f"flake: load from {self.workers} Python busy loops (no stress)", flush=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stress is not None:
            os.killpg(self.stress.pid, signal.SIGTERM)  # its own group, made above
            self.stress.wait(timeout=10)
        for loop in self.loops:
            loop.terminate()
            loop.join(timeout=10)


def outcomes(report: Path) -> dict[str, str]:
    """Each test's outcome in a JUnit XML report."""
    found: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
                if child.tag != "skipped":
                    break
        found[name] = outcome
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load", type=int, default=os.cpu_count() or 2, help="busy processes")
    parser.add_argument("pytest", nargs=argparse.REMAINDER, help="the pytest command, after --")
    args = parser.parse_args(argv)
    command = [a for a in args.pytest if a != "--"] or [sys.executable, "-m", "pytest"]
    runs: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="coach-flake-") as folder, Load(args.load):
        for number in range(1, args.runs + 1):
            report = Path(folder) / f"run-{number}.xml"
            started = time.monotonic()
            # A short temporary folder of the run's own (see the Makefile's PYTEST).
            base = f"--basetemp={folder}/t{number}"
            code = subprocess.call([*command, "-q", base, f"--junitxml={report}"])
            took = time.monotonic() - started
            print(f"flake: run {number} of {args.runs}: exit {code} in {took:.0f} s", flush=True)
            if not report.exists():
                print("flake: the run wrote no report", file=sys.stderr)
                return 1
            runs.append(outcomes(report))
    names = sorted(set().union(*runs))
    differing = {
        name: [run.get(name, "not run") for run in runs]
        for name in names
        if len({run.get(name, "not run") for run in runs}) > 1
        or any(run.get(name) in ("failed", "error") for run in runs)
    }
    for name, seen in differing.items():
        print(f"flake: {name}: {', '.join(seen)}")
    print(
        f"flake: {len(names)} tests, {args.runs} runs under load:"
        f" {len(differing)} with an outcome that differed or failed"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
