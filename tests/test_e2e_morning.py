"""End to end: the morning flows of issue 16 in the real program, in tmux.

``coach FILE`` opens home on that file (not only the bundled routine); a second `q` in
the player never confirms stopping (Keep going is focused); +/- change the rest; Done on
the summary goes back home, where the session just played is the last one and today is
done; q on home leaves with status 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_e2e_tmux import (
    COACH,
    MARCH,
    PLANK,
    SESSION_FILE,
    SPEED,
    STEP_TIMEOUT,
    TILTS,
    answer_baseline,
    query,
    rate_set,
)
from .tmux_driver import TmuxDriver, accelerated, tmux_binary

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def test_a_routine_file_from_home_to_home_again(tmp_path: Path) -> None:
    if tmux_binary() is None:
        pytest.skip("tmux is not installed")
    routine = tmp_path / "my-routine.yaml"
    routine.write_text(
        SESSION_FILE.format(plank=PLANK, tilts=TILTS, march=MARCH, rest="5m"), encoding="utf-8"
    )
    data = tmp_path / "data"
    exit_file = tmp_path / "exit"
    with TmuxDriver(width=80, height=24, overall_timeout=90.0) as tmux:
        tmux.start(
            [
                "env",
                f"COACH_CONFIG_DIR={tmp_path}",
                "TZ=UTC",
                *accelerated(SPEED),
                COACH,
                routine,
                "--data-dir",
                data,
            ],
            exit_file=exit_file,
        )
        home = tmux.wait_for("E2E program", "Today", timeout=STEP_TIMEOUT)
        assert PLANK in home
        tmux.send("Enter")
        answer_baseline(tmux, 2)
        rate_set(tmux, PLANK, 1, 2, "2", "Enter")
        rest = tmux.wait_for("REST", timeout=STEP_TIMEOUT)
        # The rest's own keys show, during a rest (the key bar joins words with no-break spaces).
        assert "+/- Rest" in rest.replace("\xa0", " "), rest
        tmux.send("q")
        tmux.wait_for("Stop this session?", timeout=STEP_TIMEOUT)
        tmux.send("q")  # a second q is not a yes
        tmux.send("Enter")  # Keep going is focused
        tmux.wait_gone("Stop this session?", timeout=STEP_TIMEOUT)
        tmux.wait_for("REST", timeout=STEP_TIMEOUT)
        tmux.send("n")  # the long rest: on to the next set
        rate_set(tmux, PLANK, 2, 2, "1", "Enter")
        rate_set(tmux, TILTS, 1, 1, "1", "Enter")
        rate_set(tmux, MARCH, 1, 1, "0", "Enter")
        tmux.wait_for("Session complete", "Saved in", timeout=STEP_TIMEOUT)
        tmux.send("Enter")  # Done
        again = tmux.wait_for("Last session", "Today", timeout=STEP_TIMEOUT)
        assert "Last session" in again, again
        tmux.send("q")
        assert tmux.wait_for_file(exit_file, timeout=STEP_TIMEOUT).strip() == "0"
    sessions = query(data / "history.sqlite3", "SELECT status, source_path FROM sessions")
    assert sessions == [{"status": "completed", "source_path": str(routine)}]
