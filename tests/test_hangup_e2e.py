"""End to end: coach leaves within 2 s when its terminal closes, at every stage of a
morning, and frees its session lock (the issue "A house that keeps its shape").

A closing terminal used to leave coach running (often in tmux; every time when no SIGHUP
came, only the end of its input), holding the lock that tells other coaches it is still
playing. Each stage is closed once here, in tmux and on
a bare pseudo-terminal; ``make hangup`` (scripts/hangup.py) repeats them under load.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from .coach_runs import query
from .hangup import GONE_WITHIN, STAGES, STEP_TIMEOUT, Terminal, close_at, command
from .test_durability_e2e import locked
from .tmux_driver import TmuxDriver, tmux_binary

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@pytest.fixture(autouse=True)
def _needs_tmux() -> None:
    if tmux_binary() is None:
        pytest.skip("tmux is not installed (the end-to-end tests drive coach in tmux)")


@pytest.mark.parametrize("stage", STAGES)
def test_closing_the_terminal_ends_coach_and_frees_its_lock(stage: str, tmp_path: Path) -> None:
    closed = close_at(stage, tmp_path, "tmux")
    assert closed.seconds is not None, closed.describe()
    assert closed.seconds <= GONE_WITHIN, closed.describe()
    assert closed.held == [], closed.describe()


@pytest.mark.parametrize("stage", ["checklist", "playing"])
def test_a_terminal_that_ends_without_sighup_ends_coach(stage: str, tmp_path: Path) -> None:
    closed = close_at(stage, tmp_path, "pty")
    assert closed.seconds is not None, closed.describe()
    assert closed.held == [], closed.describe()


def test_the_next_start_resumes_what_the_closed_terminal_was_playing(tmp_path: Path) -> None:
    closed = close_at("pain", tmp_path, "tmux")
    assert closed.ok, closed.describe()
    # Its lock is free, so the session is interrupted, not "being played elsewhere".
    with TmuxDriver(width=80, height=24, prefix="coach-hangup") as again:
        again.start(command(tmp_path, "pain"), exit_file=tmp_path / "exit-again")
        again.wait_for("Your last session was interrupted", timeout=STEP_TIMEOUT)


def test_a_set_kept_in_the_journal_survives_a_terminal_ending_without_sighup(
    tmp_path: Path,
) -> None:
    database = tmp_path / "data" / "history.sqlite3"
    held = contextlib.ExitStack()

    def rate_while_the_history_is_locked(terminal: Terminal) -> None:
        held.enter_context(locked(database))  # until coach has gone
        terminal.send("4", "Enter")
        terminal.wait_for("kept safely in the journal", timeout=STEP_TIMEOUT)

    with held:
        closed = close_at("pain", tmp_path, "pty", before_close=rate_while_the_history_is_locked)
    assert closed.ok, closed.describe()
    assert len(list((tmp_path / "data" / "journal").glob("*.jsonl"))) == 1
    with TmuxDriver(width=80, height=24, prefix="coach-hangup") as again:
        again.start(command(tmp_path, "pain"), exit_file=tmp_path / "exit-again")
        again.wait_for("Your last session was interrupted", timeout=STEP_TIMEOUT)
    assert [row["pain"] for row in query(database, "SELECT pain FROM sets")] == [4]
