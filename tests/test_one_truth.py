"""One truth: a session has one identity wherever it is kept (issue 22).

A session the history database refused lives in the journal until the next start; it
must replay in the order it was played, say the same in its summary as the same session
stored in the database, and every fact about it (a correction, a note, a level answer)
must be kept durably wherever the session itself is.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.engine import day
from coach.engine.records import Kept
from coach.store.database import HistoryStore

from .day_helpers import TODAY, Shell, begin_session, rate_every_set
from .sessions import write_program

HISTORY = "history.sqlite3"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "routine").mkdir()
    return write_program(tmp_path / "routine")


def store_at(folder: Path) -> HistoryStore:
    return HistoryStore(folder / HISTORY, busy_timeout=0.05)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another program holding the history with an exclusive lock."""
    db = sqlite3.connect(path, isolation_level=None, timeout=5)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


def play_day(
    source: Path, folder: Path, on: date, pains: list[int], *, hold: bool = False
) -> Shell:
    """A whole session on ``on``: from home to the summary (the history held by another
    program throughout when ``hold``)."""
    store = store_at(folder)
    store.recent_sessions()  # the history exists before the lock
    with locked(folder / HISTORY) if hold else contextlib.nullcontext():
        shell = Shell(source, store, today=on)
        begin_session(shell, baseline=1)
        rate_every_set(shell, pains)
        if hold:
            assert shell.flow.kept is Kept.JOURNAL
    return shell


def reasons(shell: Shell) -> list[str]:
    summary = shell.last(day.ShowSummary).summary
    return [d.reason for d in summary.after.decisions]


PAINS = [4, 4, 4]
"""Every set of the small program at 4/10: above safe, within acceptable."""


def test_a_journaled_session_replays_after_the_stored_ones(source: Path, tmp_path: Path) -> None:
    """Case 1: the session kept in the journal is not 'the first session of the day
    before every stored one', nor 'days after the last one'."""
    folder = tmp_path / "data"
    play_day(source, folder, TODAY, [1, 1, 1])
    held = play_day(source, folder, TODAY + timedelta(days=1), PAINS, hold=True)
    plain_folder = tmp_path / "plain"
    play_day(source, plain_folder, TODAY, [1, 1, 1])
    plain = play_day(source, plain_folder, TODAY + timedelta(days=1), PAINS)
    for text in reasons(held):
        assert "not the first session today" not in text
        assert "days since the last session" not in text
    # The same session says the same, kept in the journal or in the database.
    assert reasons(held) == reasons(plain)
    assert held.last(day.ShowSummary).summary.after.decisions == (
        plain.last(day.ShowSummary).summary.after.decisions
    )


def test_a_worse_second_session_the_same_day_stores_and_keeps_what_it_played(
    source: Path, tmp_path: Path
) -> None:
    """Case 2: played one step lower than the morning (a worse start), the session's
    decisions start from that lower dose, and so does tomorrow's plan."""
    folder = tmp_path / "data"
    play_day(source, folder, TODAY, [1, 1, 1])  # hold 10s -> 11s from tomorrow
    play_day(source, folder, TODAY + timedelta(days=1), [1, 1, 1])  # 11s played
    store = store_at(folder)
    second = Shell(source, store, today=TODAY + timedelta(days=1))
    begin_session(second, baseline=5)  # much worse than this morning's 1/10
    played = second.flow.session.plan.exercises[0].dose  # type: ignore[union-attr]
    assert played.hold == 10  # one step below the 11s played this morning
    rate_every_set(second, [3, 3, 3])  # acceptable: the dose holds
    decision = next(
        d
        for d in second.last(day.ShowSummary).summary.after.decisions
        if d.exercise_id == "side-plank"
    )
    assert decision.before.hold == 10 and decision.after.hold == 10
    tomorrow = Shell(source, store_at(folder), today=TODAY + timedelta(days=2))
    assert tomorrow.flow.planned is not None
    assert tomorrow.flow.planned.plan.exercises[0].dose.hold == 10
