"""Shared fixtures: small session files written on the fly, and the CLI run in-process;
each test's tier (tests/tiers.py); every test isolated from the signal handlers that
another left behind; Hypothesis's profiles."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import shutil
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from coach.cli import main

if TYPE_CHECKING:
    from coach.demo.history import Summary

from . import isolation, profiles, tiers
from .coach_runs import CoachRun, CoachRuns, StartCoach, session_file

assert profiles.PROFILE  # loaded before any test module: their settings build on it


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(tiers.TierClock(config), "coach-tier-clock")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups it adds
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tiers.assign_tiers(items)


@pytest.fixture(autouse=True)
def _isolated_signals() -> Iterator[None]:
    """No test sees the signal handlers another left (tests/isolation.py)."""
    with isolation.signals_restored():
        yield


@pytest.fixture(autouse=True)
def _tier_fits(request: pytest.FixtureRequest) -> Iterator[None]:
    """A unit test starts no process and no app; a tui test starts no process."""
    with tiers.watching(request.node):
        yield


@pytest.fixture
def coach_runs(tmp_path: Path) -> Iterator[CoachRuns]:
    """The real program in tmux on a faked clock (tests/coach_runs.py), as many as a
    test starts; every tmux server is closed when the test ends."""
    runs = CoachRuns(tmp_path)
    try:
        yield runs
    finally:
        runs.close()


@pytest.fixture
def start_coach(coach_runs: CoachRuns, tmp_path: Path) -> StartCoach:
    """``coach run`` on the three-exercise end-to-end program at 80x24, ten times
    faster than real time from ``at``; ``rest`` is the rest between the plank's sets."""

    def start(*, rest: str = "2s", at: str = "+0") -> CoachRun:
        return coach_runs.start("run", session_file(tmp_path, rest=rest), at=at)

    return start


MINIMAL_PROGRAM = """\
version: 1
program:
  id: holds
  name: Holds
  levels:
    - name: Level 1
      exercises:
        - name: Bird dog
          kind: hold
          hold: 10s
"""


@pytest.fixture(scope="session")
def demo_history(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Summary]:
    """``make(path, days=, seed=, end=)``: the demo history of those arguments (the bundled
    routine, in UTC) written at ``path``. Each is played once per run and copied for
    every use: a year of mornings through the day flow takes seconds, and every xdist
    worker asked for the same few. The first worker to need one plays it under a lock
    in the run's own temporary folder (shared by the workers, new each run); the others
    wait for it and copy it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    cache = root / "demo-histories"
    cache.mkdir(exist_ok=True)

    def make(path: Path, *, days: int, seed: int, end: date) -> Summary:
        from coach.config.locations import default_routine
        from coach.demo.history import generate  # loads the whole engine: only when used

        name = f"{days}-{seed}-{end.isoformat()}"
        kept, about = cache / f"{name}.sqlite3", cache / f"{name}.pickle"
        with (cache / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not about.exists():
                playing = cache / f"{name}.{os.getpid()}.sqlite3"
                summary = generate(
                    playing, source=default_routine(), days=days, seed=seed, end=end, tz=UTC
                )
                playing.replace(kept)
                about.write_bytes(pickle.dumps(replace(summary, path=kept)))
            summary = pickle.loads(about.read_bytes())
        shutil.copyfile(kept, path)
        return replace(summary, path=path)

    return make


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented text (or bytes) to a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return _write


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``coach`` in-process with arguments; return exit code and output."""

    def _run(*args: str | Path) -> CliResult:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse exits for --help, --version and usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to a history database, as any reader of the file would open it
    (the store itself hands no connection out)."""
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()
