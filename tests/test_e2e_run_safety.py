"""End to end: 'coach run' left at a safety step says why nothing played, and exits
non-zero (a script or the reminder must not read 'all is well')."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .sessions import write_program
from .tmux_driver import TmuxDriver, tmux_binary

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

COACH = Path(sys.executable).parent / "coach"


@pytest.mark.skipif(tmux_binary() is None, reason="tmux is not installed")
def test_escape_on_the_checklist_of_coach_run_says_why_and_exits_non_zero(
    tmp_path: Path,
) -> None:
    exit_file = tmp_path / "exit-status"
    with TmuxDriver(width=80, height=24, overall_timeout=60.0) as tmux:
        tmux.start(
            [
                "env",
                f"COACH_CONFIG_DIR={tmp_path}",
                "TZ=UTC",
                COACH,
                "run",
                write_program(tmp_path),
                "--data-dir",
                tmp_path / "data",
            ],
            exit_file=exit_file,
        )
        tmux.wait_for("A quick safety check", timeout=20)
        tmux.send("Escape")
        code = int(tmux.wait_for_file(exit_file, timeout=20).strip())
        screen = tmux.wait_for("EXIT:", timeout=10)
    assert code == 4
    assert "Nothing played: the safety checklist was left unanswered." in screen
