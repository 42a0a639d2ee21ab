"""End to end: the morning flows of issue 16 in the real program, in tmux.

``coach FILE`` opens home on that file (not only the bundled routine); a second `q` in
the player never confirms stopping (Keep going is focused); +/- change the rest; Done on
the summary goes back home, where the session just played is the last one and today is
done; q on home leaves with status 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .coach_runs import (
    MARCH,
    PLANK,
    STEP_TIMEOUT,
    TILTS,
    CoachRuns,
    answer_baseline,
    query,
    rate_set,
    session_file,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def test_a_routine_file_from_home_to_home_again(coach_runs: CoachRuns, tmp_path: Path) -> None:
    routine = session_file(tmp_path, rest="5m", name="my-routine.yaml")
    run = coach_runs.start(routine, overall_timeout=90.0)
    tmux = run.tmux
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
    assert run.exit_code() == 0
    sessions = query(run.database, "SELECT status, source_path FROM sessions")
    assert sessions == [{"status": "completed", "source_path": str(routine)}]
