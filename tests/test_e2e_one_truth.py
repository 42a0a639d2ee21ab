"""End to end (issue 22, case 1): a session played while another program holds the
history is kept in the journal, and its summary says what the same session stored at
once says: never 'not the first session today' on a new day, never 'N days since the
last session' about itself. The real program in tmux, on faked days (libfaketime)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .coach_runs import (
    MARCH,
    PLANK,
    STEP_TIMEOUT,
    TILTS,
    CoachRun,
    CoachRuns,
    answer_baseline,
    query,
    rate_set,
    session_file,
)
from .faults import locked

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

SETS = [(PLANK, 1, 2), (PLANK, 2, 2), (TILTS, 1, 1), (MARCH, 1, 1)]


@pytest.fixture
def play(coach_runs: CoachRuns, tmp_path: Path) -> Callable[[str, Path], CoachRun]:
    source = session_file(tmp_path)

    def start(at: str, data_dir: Path) -> CoachRun:
        # Tall enough that the summary's reasons are on screen without scrolling.
        return coach_runs.start(
            "run", source, data_dir=data_dir, at=at, speed=10, size=(100, 60), overall_timeout=90.0
        )

    return start


def morning(run: CoachRun, pain: int, *, screening: bool) -> str:
    """Play the whole session rating every set ``pain``; return the summary's screen."""
    answer_baseline(run.tmux, 1, screening=screening)
    for name, number, planned in SETS:
        rate_set(run.tmux, name, number, planned, str(pain), "Enter")
    summary = run.tmux.wait_for("Why", timeout=STEP_TIMEOUT)
    run.tmux.send("Enter")
    assert run.exit_code() == 0
    return summary


def test_a_session_kept_in_the_journal_says_what_a_stored_one_says(
    play: Callable[[str, Path], CoachRun], tmp_path: Path
) -> None:
    summaries = {}
    for name, hold in (("locked", True), ("free", False)):
        data = tmp_path / name
        morning(play("@2026-12-01 08:00:00", data), 1, screening=True)
        second = play("@2026-12-02 08:00:00", data)
        if hold:
            with locked(data / "history.sqlite3"):
                summary = morning(second, 4, screening=False)
            assert list((data / "journal").glob("*.jsonl")), "not kept in the journal"
            assert "Kept in the journal" in " ".join(summary.split())
        else:
            summary = morning(second, 4, screening=False)
        text = " ".join(summary.split())  # a sentence may wrap
        assert "not the first session today" not in text
        assert "days since the last session" not in text
        reasons = [line.strip() for line in summary.splitlines() if "Pain peaked at" in line]
        assert reasons, summary
        summaries[name] = reasons
    assert summaries["locked"] == summaries["free"]
    # The next start imports it: the history holds what the screen said.
    play("@2026-12-03 08:00:00", tmp_path / "locked").tmux.wait_for(
        "how does your back feel", timeout=STEP_TIMEOUT
    )
    pains = query(tmp_path / "locked" / "history.sqlite3", "SELECT pain FROM sets ORDER BY id")
    assert [row["pain"] for row in pains] == [1, 1, 1, 1, 4, 4, 4, 4]
