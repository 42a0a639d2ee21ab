"""An interrupted session is the history's rows and its journal together, and only one
coach at a time acts on it.

Sessions killed while their sets waited in the journal (another program held the
history) are offered, resumed and closed with every acknowledged set; two coaches on one
data folder never both resume, close or import one session: the second is told who holds
it. Two coaches are two processes (a lock is the process's), so the second is a forked
child where it matters.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import sqlite3
from collections.abc import Iterator
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from coach.engine import day
from coach.engine.day.messages import OpenSession
from coach.engine.records import ClaimedElsewhere, InterruptedSession, PainAnswer, SessionStatus
from coach.store.database import HistoryStore

from .day_helpers import Shell, begin_session, rate_every_set
from .sessions import write_program
from .test_durability import (
    HISTORY,
    journals,
    locked,
    orphan,
    store_at,
    stored_pains,
)

DEAD = "lease:" + "0" * 32
"""The owner of a coach that has ended."""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "routine").mkdir()
    return write_program(tmp_path / "routine")


def killed_mid_session(source: Path, folder: Path) -> None:
    """A coach rated two sets into the history, then was killed."""
    store = store_at(folder)
    store.recent_sessions()
    shell = Shell(source, store)
    begin_session(shell)
    rate_every_set(shell, [3])
    shell.answer(day.RatingAnswer(PainAnswer(4)))  # nothing asked yet: set 2 is due
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db, db:
        db.execute("UPDATE sessions SET owner = ?", (DEAD,))
    shell.play_until_asked()


def interrupted_into_the_journal(source: Path, folder: Path) -> None:
    """As above, with set 2 (pain 4) acknowledged from the journal only."""
    store = store_at(folder)
    store.recent_sessions()
    shell = Shell(source, store)
    begin_session(shell)
    rate_every_set(shell, [3])
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db, db:
        db.execute("UPDATE sessions SET owner = ?", (DEAD,))
    with locked(folder / HISTORY):
        shell.answer(day.RatingAnswer(PainAnswer(4)))
        assert shell.flow.kept.value == "journal"
    [path] = journals(folder)
    orphan(path)  # the coach that wrote it is gone


# -- 6. the offer and the resume count what was acknowledged --------------------------------


def test_the_offer_counts_the_sets_waiting_in_the_journal(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    interrupted_into_the_journal(source, folder)
    with locked(folder / HISTORY):
        # The import fails (the history is held): the offer is still the whole session.
        second = Shell(source, store_at(folder))
        ask = second.last(day.AskResume)
        assert "2 of 3 sets rated" in ask.body, ask.body
        assert "Resume goes on at Cat-camel, set 1 of 1" in ask.body, ask.body
        second.answer(day.ResumeAnswer(day.ResumeChoice.RESUME))
        # The claim went to the journal too; what the dead coach wrote there stays.
        [path] = journals(folder)
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert [e["row"]["pain"] for e in lines if e["type"] == "set"] == [4]
        second.play_until_asked()
        assert second.last(day.AskRating).title.startswith("Cat-camel, set 1 of 1")
    second.answer(day.RatingAnswer(PainAnswer(1)))
    second.play_until_asked()
    # Every acknowledged rating, each once, in the order rated; the journal is done.
    assert stored_pains(folder / HISTORY) == [[3, 4, 1]]
    assert journals(folder) == []
    assert second.last(day.ShowSummary).where.startswith("Saved in")


def test_resuming_once_the_history_is_free_brings_the_journal_in(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    interrupted_into_the_journal(source, folder)
    [path] = journals(folder)
    with locked(folder / HISTORY):
        second = Shell(source, store_at(folder))
        assert "2 of 3 sets rated" in second.last(day.AskResume).body
    # The history is free when the person answers: the claim takes the journal in.
    second.answer(day.ResumeAnswer(day.ResumeChoice.RESUME))
    assert not path.exists()
    assert stored_pains(folder / HISTORY) == [[3, 4]]
    rate_every_set(second, [0])
    assert stored_pains(folder / HISTORY) == [[3, 4, 0]]


def test_closing_keeps_the_sets_waiting_in_the_journal(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    interrupted_into_the_journal(source, folder)
    with locked(folder / HISTORY):
        second = Shell(source, store_at(folder))
    second.answer(day.ResumeAnswer(day.ResumeChoice.CLOSE))
    assert any("its 2 rated sets are in your history" in n for n in second.notices())
    assert stored_pains(folder / HISTORY) == [[3, 4]]
    assert journals(folder) == []


# -- 7. claims, not races ------------------------------------------------------------------


def interrupted(folder: Path) -> tuple[InterruptedSession, OpenSession]:
    [session] = store_at(folder).interrupted_sessions()
    opening = OpenSession(
        uid=session.uid,
        started_at=session.started_at,
        source_id=session.source_id,
        title=session.title,
        source_path=session.source_path,
        planned_seconds=60.0,
        levels=dict(session.levels),
        speed=1.0,
        baseline_pain=session.baseline_pain,
        local_date=session.day,
        utc_offset=0,
    )
    return session, opening


def _resume_and_hold(database: str, opening: OpenSession, ready: Event, done: Event) -> None:
    """The other coach: resumes the session, then plays it until told to stop."""
    HistoryStore(Path(database), busy_timeout=0.05).claim_session(opening)
    ready.set()
    done.wait(20)


@contextlib.contextmanager
def another_coach_resumes(folder: Path, opening: OpenSession) -> Iterator[int]:
    """A second coach process that has resumed the session and still plays it."""
    context = multiprocessing.get_context("fork")
    ready, done = context.Event(), context.Event()
    child = context.Process(
        target=_resume_and_hold, args=(str(folder / HISTORY), opening, ready, done)
    )
    child.start()
    try:
        assert ready.wait(20), "the other coach never started"
        assert child.pid is not None
        yield child.pid
    finally:
        done.set()
        child.join(20)


@pytest.mark.e2e  # a real second process (forked) holds the claim
def test_a_session_another_coach_resumed_is_neither_resumed_nor_closed_here(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    interrupted_into_the_journal(source, folder)
    session, opening = interrupted(folder)
    with locked(folder / HISTORY), another_coach_resumes(folder, opening) as pid:
        # The other coach's claim reached only the journal (the history is held).
        here = store_at(folder)
        assert here.interrupted_sessions() == []  # not offered
        with pytest.raises(ClaimedElsewhere, match=rf"^Another coach \(process {pid}\) is"):
            here.claim_session(opening)
        with pytest.raises(ClaimedElsewhere, match=rf"process {pid}"):
            here.close_interrupted(session.uid, SessionStatus.STOPPED)
    assert journals(folder) != []  # nothing of it was taken or removed here


def test_two_coaches_started_together_never_both_resume(source: Path, tmp_path: Path) -> None:
    """Both were offered the session; the second to answer is told, and home follows."""
    first_store = HistoryStore.in_memory("together")
    played = Shell(source, first_store)
    begin_session(played)
    played.play_until_asked()
    played.answer(day.RatingAnswer(PainAnswer(2)))
    one = Shell(source, HistoryStore.in_memory("together"))
    two = Shell(source, HistoryStore.in_memory("together"))
    assert one.last(day.AskResume) and two.last(day.AskResume)
    one.answer(day.ResumeAnswer(day.ResumeChoice.RESUME))
    assert isinstance(one.last(day.Play), day.Play)
    two.answer(day.ResumeAnswer(day.ResumeChoice.RESUME))
    assert "is resuming or closing this interrupted session right now" in two.notices()[-1]
    assert isinstance(two.seen[-1], day.ShowHome)  # not offered again
    assert two.flow.session is None
    # Nor can it close what the first one plays.
    three = Shell(source, HistoryStore.in_memory("together"))
    assert not any(isinstance(o, day.AskResume) for o in three.seen)
    rate_every_set(one, [1, 0])
    assert [s.status for s in first_store.recent_sessions()] == ["completed"]
    assert [s.sets_done for s in first_store.recent_sessions()] == [3]


def test_two_coaches_closing_together_store_the_decisions_once(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    killed_mid_session(source, folder)
    # Both started before either answered: both are offered it, and both close it.
    one, two = Shell(source, store_at(folder)), Shell(source, store_at(folder))
    one.answer(day.ResumeAnswer(day.ResumeChoice.CLOSE))
    two.answer(day.ResumeAnswer(day.ResumeChoice.CLOSE))
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
        after = db.execute(
            "SELECT program_id, exercise_id, COUNT(*) FROM dose_changes WHERE moment = 'after'"
            " GROUP BY program_id, exercise_id"
        ).fetchall()
        [(status, reason)] = db.execute("SELECT status, stop_reason FROM sessions").fetchall()
    assert after and all(count == 1 for *_, count in after), after
    assert (status, reason) == ("stopped", "interrupted")
