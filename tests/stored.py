"""History set up the way the product writes it: one session through
``HistoryStore.write_session(opening, sets, end)``, the day's one write (the store has
no other way in for a test, and needs none).

``opening`` makes the session's opening as the day makes it, with defaults for what a
test does not care about; ``a_set`` one rated set; ``store_session`` writes them (and the
end, the level answer) and returns the session's row; ``sets_of`` and ``decisions_of``
read back what was stored, as rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from coach.engine.clock import utc_now
from coach.engine.day.messages import LevelChoice, OpenSession, SessionEnd
from coach.engine.ids import new_id
from coach.engine.records import Kept, PainAnswer, SessionStatus, SetRecord
from coach.engine.scaling import Advice, Decision
from coach.engine.timeline import Dose
from coach.store.database import HistoryStore


def opening(
    *,
    source_id: str = "morning",
    title: str = "Morning routine",
    source_path: str = "/x/morning.yaml",
    planned_seconds: float = 600,
    levels: Mapping[str, int] | None = None,
    speed: float = 1.0,
    baseline_pain: int | None = None,
    started_at: str | None = None,
    local_date: date | None = None,
    utc_offset: int | None = None,
    checks: Sequence[Decision] = (),
    uid: str | None = None,
) -> OpenSession:
    """A session's opening as the day makes it; by default started now, on this machine's
    day and offset."""
    started_at = started_at or utc_now()
    local = datetime.fromisoformat(started_at).astimezone()
    if utc_offset is None:
        offset = local.utcoffset()
        utc_offset = round(offset.total_seconds() / 60) if offset is not None else 0
    return OpenSession(
        uid=uid or new_id(),
        started_at=started_at,
        source_id=source_id,
        title=title,
        source_path=source_path,
        planned_seconds=planned_seconds,
        levels=dict(levels if levels is not None else {"holds": 1}),
        speed=speed,
        baseline_pain=baseline_pain,
        local_date=local_date or local.date(),
        utc_offset=utc_offset,
        checks=tuple(checks),
    )


def a_set(
    set_number: int = 1,
    pain: int | None = 2,
    *,
    program_id: str = "holds",
    exercise_id: str = "bird-dog",
    exercise_name: str = "Bird dog",
    **changes: Any,
) -> SetRecord:
    """One rated set of a 2 x 3 x 8 s hold (``changes`` replace any other field)."""
    record = SetRecord(
        session_uid="",  # written with an opening: the store files it under that session
        exercise_index=0,
        program_id=program_id,
        level=1,
        exercise_id=exercise_id,
        exercise_name=exercise_name,
        kind="hold",
        set_number=set_number,
        sets_planned=2,
        planned=Dose(sets=2, hold=8, holds=3),
        planned_work_seconds=48,
        done_work_seconds=48,
        completed=True,
        answer=PainAnswer(pain),
        rated_at=utc_now(),
    )
    return replace(record, **changes) if changes else record


def store_session(
    store: HistoryStore,
    session: OpenSession | None = None,
    sets: Sequence[SetRecord] = (),
    status: SessionStatus | None = None,
    *,
    reason: str | None = None,
    decisions: Sequence[Decision] = (),
    advice: Sequence[Advice] = (),
    level_move: LevelChoice | None = None,
) -> int:
    """Write ``session`` (a default opening when None) with ``sets`` and, when
    ``status`` is given, its end, through the product's one write; its row (for reading
    the tables: the product names it by ``session.uid`` only). Fails the
    test unless the history took it."""
    session = session or opening()
    end = None if status is None else SessionEnd(status, reason, tuple(decisions), tuple(advice))
    written = store.write_session(session, sets, end, level_move=level_move)
    assert written.kept is Kept.HISTORY, written.problem
    return row_of_session(store, session.uid)


def row_of_session(store: HistoryStore, uid: str) -> int:
    """The row of the session named ``uid`` (tests read the tables by it)."""
    with store.connect() as db:
        (row,) = db.execute("SELECT id FROM sessions WHERE uid = ?", (uid,)).fetchone()
    return int(row)


def _rows(store: HistoryStore, query: str, session_id: int) -> list[dict[str, Any]]:
    with store.connect() as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(query, (session_id,)).fetchall()]


def sets_of(store: HistoryStore, session_id: int) -> list[dict[str, Any]]:
    """The stored sets of a session, as rows, in the order they were stored."""
    return _rows(store, "SELECT * FROM sets WHERE session_id = ? ORDER BY id", session_id)


def decisions_of(store: HistoryStore, session_id: int) -> list[dict[str, Any]]:
    """The stored dose changes of a session, as rows."""
    return _rows(store, "SELECT * FROM dose_changes WHERE session_id = ? ORDER BY id", session_id)
