"""End to end: coach leaves within 2 s when its terminal closes, at every stage of a
morning, and frees its session lock (the issue "A house that keeps its shape").

A closing terminal used to leave coach running (often in tmux; every time when no SIGHUP
came, only the end of its input), holding the lock that tells other coaches it is still
playing. Each stage is closed once here, in tmux and on
a bare pseudo-terminal; ``make hangup`` (scripts/hangup.py) repeats them under load.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .hangup import GONE_WITHIN, STAGES, STEP_TIMEOUT, close_at, command
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
