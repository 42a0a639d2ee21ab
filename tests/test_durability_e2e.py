"""End to end: the real program loses no rated set to SIGTERM or SIGHUP while the
history is locked by another program (issue 14).

coach plays in tmux (see tests/test_e2e_tmux.py); the test holds the history with an
exclusive lock before a set is rated, so the set goes to the journal; then the coach
process gets SIGTERM (a shutdown, ``kill``) or SIGHUP (its terminal closed). It must
leave cleanly, say on the terminal where the set is, and the next start, with the lock
gone, must import it: the history then holds exactly the sets rated, each once.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from .coach_runs import (
    PLANK,
    STEP_TIMEOUT,
    TILTS,
    CoachRun,
    StartCoach,
    answer_baseline,
    pain_title,
    query,
    rate_set,
)
from .faults import locked
from .tmux_driver import shows

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def coach_pid(run: CoachRun) -> int:
    """The coach process: the only child of the pane's shell."""
    shell = run.tmux._tmux("display-message", "-p", "#{pane_pid}").stdout.strip()
    children = subprocess.run(
        ["pgrep", "-P", shell], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(children) == 1, children
    return int(children[0])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_with_sets_in_the_journal_loses_nothing(
    start_coach: StartCoach,
    signum: signal.Signals,
) -> None:
    run = start_coach(rest="5m")
    tmux = run.tmux
    answer_baseline(tmux, 2)
    rate_set(tmux, PLANK, 1, 2, "3", "Enter")
    tmux.wait_for("REST", timeout=STEP_TIMEOUT)
    # A second set, rated while another program holds the history.
    tmux.send("n")  # skip the long rest
    with locked(run.database):
        rate_set(tmux, PLANK, 2, 2, "4", "Enter")
        screen = tmux.wait_for("kept safely in the journal", timeout=STEP_TIMEOUT)
        assert "Could not save" not in screen
        os.kill(coach_pid(run), signum)
        assert run.exit_code() == 0
        gone = tmux.wait_for("EXIT:0", timeout=STEP_TIMEOUT)
        assert "Traceback" not in gone
        assert shows(gone, "they are kept in the journal"), gone
        # Nothing written to the history meanwhile: set 2 is only in the journal.
        assert [r["pain"] for r in query(run.database, "SELECT pain FROM sets")] == [3]
    [journal] = (run.data_dir / "journal").glob("*.jsonl")
    assert journal.stat().st_mode & 0o777 == 0o600
    # The next start imports it, then offers to resume the interrupted session.
    again = start_coach(rest="5m")
    again.tmux.wait_for("Your last session was interrupted", timeout=STEP_TIMEOUT)
    assert [r["pain"] for r in query(run.database, "SELECT pain FROM sets ORDER BY id")] == [3, 4]
    assert not journal.exists()


def test_sets_saved_nowhere_make_the_exit_status_say_so(
    start_coach: StartCoach,
) -> None:
    """A set neither the history nor the journal could take: coach says so on the way
    out and exits with 3, never 0 (a script or the reminder must not read success)."""
    run = start_coach(rest="5m")
    tmux = run.tmux
    answer_baseline(tmux, 2)
    rate_set(tmux, PLANK, 1, 2, "3", "Enter")
    tmux.wait_for("REST", timeout=STEP_TIMEOUT)
    tmux.send("n")  # skip the long rest
    # The journal's folder cannot be made: a file stands in its place.
    (run.data_dir / "journal").write_text("in the way\n", encoding="utf-8")
    with locked(run.database):
        rate_set(tmux, PLANK, 2, 2, "4", "Enter")
        # The session plays on to the next rating (what it showed is told elsewhere).
        tmux.wait_for(pain_title(TILTS, 1, 1), timeout=STEP_TIMEOUT)
        os.kill(coach_pid(run), signal.SIGTERM)
        assert run.exit_code() == 3
        gone = tmux.wait_for("EXIT:3", timeout=STEP_TIMEOUT)
    assert "Traceback" not in gone
    assert shows(gone, "1 rated set could NOT be saved"), gone


def test_a_killed_session_is_offered_with_its_journal_while_the_history_is_held(
    start_coach: StartCoach,
) -> None:
    """Killed with a set in the journal; started again while another program still holds
    the history (the journal cannot be imported): the offer counts every acknowledged
    set, and resuming goes on after the last of them."""
    run = start_coach(rest="5m")
    tmux = run.tmux
    answer_baseline(tmux, 2)
    rate_set(tmux, PLANK, 1, 2, "3", "Enter")
    tmux.wait_for("REST", timeout=STEP_TIMEOUT)
    tmux.send("n")  # skip the long rest
    with locked(run.database):
        rate_set(tmux, PLANK, 2, 2, "4", "Enter")
        tmux.wait_for("kept safely in the journal", timeout=STEP_TIMEOUT)
        os.kill(coach_pid(run), signal.SIGKILL)
        run.exit_code()
        again = start_coach(rest="5m")
        offer = again.tmux.wait_for("Your last session was interrupted", timeout=STEP_TIMEOUT)
        assert "stopped before its end: 2 of 4" in offer, offer
        again.tmux.wait_for(f"Resume goes on at {TILTS}, set 1 of 1", timeout=STEP_TIMEOUT)
    [journal] = (run.data_dir / "journal").glob("*.jsonl")
    assert [r["pain"] for r in query(run.database, "SELECT pain FROM sets ORDER BY id")] == [3]
    assert journal.exists()  # nothing was taken from it while the history was held
