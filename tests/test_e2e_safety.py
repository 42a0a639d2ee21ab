"""End to end: a warning sign after a function check, in the real program (tmux).

The check is started from home with `c`, stopped before its first hold, and ends with
weakness in a leg ticked in its pain question: the advice to see a clinician shows. Then
coach is quit and started again on the same history: the follow-up is asked before
anything else, and `c` does not start another (maximal) check. What is due comes from
the history, not from the first run's memory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .coach_runs import (
    CLEAR_CHECKLIST,
    SCREENING,
    STEP_TIMEOUT,
    CoachRuns,
    query,
    session_file,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

SIGN = "after the function check, you reported weakness in a leg."


def shows_sign(screen: str) -> bool:
    """The sign is on screen (lines wrap anywhere: compared with spaces evened out)."""
    return SIGN in " ".join(screen.split())


def test_a_sign_after_a_check_is_followed_up_after_a_restart(
    coach_runs: CoachRuns, tmp_path: Path
) -> None:
    routine = session_file(tmp_path, name="routine.yaml")
    first = coach_runs.start(routine, size=(100, 30), overall_timeout=90.0)
    with first.tmux as tmux:
        tmux.wait_for("E2E program", "Today", timeout=STEP_TIMEOUT)
        tmux.send("c")
        tmux.wait_for(SCREENING, timeout=STEP_TIMEOUT)  # a new history: the checklist first
        tmux.send(*CLEAR_CHECKLIST)
        tmux.wait_for("Function check: how does your back feel right now?", timeout=STEP_TIMEOUT)
        tmux.send("2", "Enter")
        tmux.wait_for("Not today", timeout=STEP_TIMEOUT)  # the activities: not today
        tmux.send("Escape")
        tmux.wait_for("Back extensor hold", timeout=STEP_TIMEOUT)  # the first test
        tmux.send("q")
        tmux.wait_for("Stop the check here?", timeout=STEP_TIMEOUT)
        tmux.send("y")
        tmux.wait_for("After the check: how does your back feel now?", timeout=STEP_TIMEOUT)
        # Each key seen on screen before the next: the prompt may still be mounting.
        tmux.wait_until(lambda screen: "w\xa0Weakness" in screen, "its keys", timeout=STEP_TIMEOUT)
        tmux.send("3")
        tmux.wait_for("[3]", timeout=STEP_TIMEOUT)
        tmux.send("w")
        tmux.wait_for("[x] Weakness in a leg", timeout=STEP_TIMEOUT)
        tmux.send("Enter")
        tmux.wait_for("Please stop and see a clinician", timeout=STEP_TIMEOUT)
        tmux.send("Enter")
        tmux.wait_gone("Please stop and see a clinician", timeout=STEP_TIMEOUT)
        tmux.wait_for("Done", timeout=STEP_TIMEOUT)  # the check's summary
        tmux.send("Enter")
        # Home, read afresh from the history, says what comes first next time.
        home = tmux.wait_until(shows_sign, "home with the sign", timeout=STEP_TIMEOUT)
        assert "E2E program" in home
        tmux.send("q")
        assert first.exit_code() == 0

    # Started again: home says it, and `c` asks the follow-up, not a check.
    second = coach_runs.start(routine, size=(100, 30), overall_timeout=90.0)
    with second.tmux as tmux:
        home = tmux.wait_until(shows_sign, "home with the sign", timeout=STEP_TIMEOUT)
        assert "E2E program" in home
        tmux.send("c")
        asked = tmux.wait_for("It has gone", timeout=STEP_TIMEOUT)
        assert SIGN in " ".join(asked.split()), asked
        assert "Function check: how does your back feel" not in asked
        tmux.send("Escape")  # not now: back home, no check
        tmux.wait_gone("It has gone", timeout=STEP_TIMEOUT)
        tmux.send("Enter")  # nor a session: the same question first
        tmux.wait_for("It has gone", timeout=STEP_TIMEOUT)
        tmux.send("Escape")
        tmux.wait_gone("It has gone", timeout=STEP_TIMEOUT)
        tmux.send("q")
        assert second.exit_code() == 0
    database = second.database
    checks = query(database, "SELECT id, status, leg_weakness FROM checks")
    assert checks == [{"id": 1, "status": "red_flag", "leg_weakness": 1}]
    assert query(database, "SELECT COUNT(*) AS n FROM sessions") == [{"n": 0}]
    assert query(database, "SELECT COUNT(*) AS n FROM follow_ups") == [{"n": 0}]
