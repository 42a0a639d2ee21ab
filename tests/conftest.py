"""Shared fixtures: small session files written on the fly, and the CLI run in-process;
each test's tier (tests/tiers.py); every test isolated from the signal handlers that
another left behind; Hypothesis's profiles."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coach.cli import main

from . import profiles, tiers

assert profiles.PROFILE  # loaded before any test module: their settings build on it


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(tiers.TierClock(config), "coach-tier-clock")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tiers.assign_tiers(items)


# Every handler a test (or the Textual driver, or asyncio) might set and not put back. A
# real driver's SIGCONT or SIGWINCH handler left by an earlier test fires in a later one
# (under load, a stopped and continued process gets SIGCONT) and touches a dead app.
_SIGNALS = sorted(signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}, key=lambda s: int(s))


@pytest.fixture(autouse=True)
def _isolated_signals() -> Iterator[None]:
    """Each test starts with the handlers, signal mask and wakeup fd that the session
    had before it, and ends with them put back: no test sees another's."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handlers = {number: signal.getsignal(number) for number in _SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    try:
        yield
    finally:
        signal.set_wakeup_fd(wakeup)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for number, handler in handlers.items():
            if handler is not None and signal.getsignal(number) is not handler:
                signal.signal(number, handler)


@pytest.fixture(autouse=True)
def _tier_fits(request: pytest.FixtureRequest) -> Iterator[None]:
    """A unit test starts no process and no app; a tui test starts no process."""
    with tiers.watching(request.node):
        yield


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
