"""What the history screen shows, read from the store: plain Python, no UI.

Queries are shaped for ten years of daily sessions (thousands of sessions, over a hundred
thousand sets): the session list with its pain figures is one grouped query over the
sets-by-session index, an exercise's dose series one query over the sets-by-exercise
index, and everything else (days, streaks, the calendar) is computed from the session list
in memory.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

from coach.base.types import JsonValue
from coach.engine.clock import local_day
from coach.engine.followup import SignSource, sign_words
from coach.engine.records import SessionStatus, result_text
from coach.store.database import HistoryStore
from coach.store.facts import (
    CHECK_NAME_COLUMNS,
    SESSION_NAME_COLUMNS,
    check_name,
    columns_of,
    row_of,
    session_name,
)
from coach.store.waiting import Waiting

__all__ = [
    "DosePoint",
    "ExerciseRef",
    "FollowUpPoint",
    "HistoryView",
    "Period",
    "SessionDetail",
    "SessionPoint",
    "Streaks",
    "calendar_weeks",
    "day_marks",
    "folded",
    "follow_ups",
    "streaks",
]


@dataclass(frozen=True, slots=True)
class SessionPoint:
    """One session, as the history lists and charts it."""

    uid: str
    """Its identity (the store finds its row by it)."""
    day: date
    """The local calendar day it started."""
    title: str
    status: SessionStatus
    stop_reason: str | None
    baseline_pain: int | None
    peak_pain: int | None
    sets: int
    minutes: float | None
    dose_changes: int
    seconds: int | None = None
    """How long it took, start to end (None while it has no end)."""
    saved: bool = True
    """False while some of it waits in the journal (see :mod:`coach.store.waiting`)."""

    @property
    def result(self) -> str:
        return result_text(self.status, self.stop_reason)


@dataclass(frozen=True, slots=True)
class ExerciseRef:
    """An exercise that appears in the history (ids are unique within a program)."""

    program_id: str
    exercise_id: str
    name: str
    """Its most recent name (authors may rename; the id stays)."""
    kind: str
    sessions: int
    last_day: date

    @property
    def label(self) -> str:
        return f"{self.name} ({self.program_id})"


@dataclass(frozen=True, slots=True)
class DosePoint:
    """An exercise in one session: the planned dose of its first set and the worst pain."""

    session_id: int
    day: date
    level: int
    hold: float | None
    holds: int | None
    reps: int | None
    duration: float | None
    sets: int
    peak_pain: int | None

    @property
    def amount(self) -> float | None:
        """One number for the dose of a set, whichever part of it progressed: seconds
        held (hold x holds), repetitions, or seconds of movement."""
        if self.hold is not None:
            return float(self.hold * (self.holds or 1))
        if self.reps is not None:
            return float(self.reps)
        if self.duration is not None:
            return float(self.duration)
        return None


class StoredSet(TypedDict):
    """One rated set of a session, as stored (the columns the history screen shows)."""

    session_id: int
    program_id: str
    exercise_id: str
    exercise_name: str
    set_number: int
    sets_planned: int
    attempt: int
    planned_hold: float | None
    planned_holds: int | None
    planned_reps: int | None
    planned_duration: float | None
    planned_work_seconds: float
    done_work_seconds: float
    completed: bool
    pain: int | None
    numbness: bool
    leg_weakness: bool
    pain_below_knee: bool


class StoredDecision(TypedDict):
    """A dose decision taken with a session, its doses decoded."""

    program_id: str
    exercise_id: str
    level: int | None
    rule: str | None
    reason: str
    before: JsonValue
    after: JsonValue
    inputs: JsonValue


class StoredLevelMove(TypedDict):
    """A level offered after a session, and the answer."""

    program_id: str
    from_level: int
    to_level: int
    accepted: bool


@dataclass(frozen=True, slots=True)
class SessionDetail:
    session: SessionPoint
    sets: tuple[StoredSet, ...]
    decisions: tuple[StoredDecision, ...]
    level_moves: tuple[StoredLevelMove, ...]
    note: str | None = None
    """The person's note on the session, as written (untrusted text)."""
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    """The name of each (program id, exercise id) of its sets and decisions, as stored
    with the sets: an exercise decided on but not done in the session is named as it
    was last done before (untrusted text)."""

    def name_of(self, program_id: str, exercise_id: str) -> str:
        """The exercise's stored name, or its id when no set of it was ever stored."""
        return self.names.get((program_id, exercise_id), exercise_id)


@dataclass(frozen=True, slots=True)
class Streaks:
    current: int
    """Days in a row with a session, ending today or yesterday (today may be to come)."""
    longest: int
    last_30: int
    """Days with a session among the last 30."""


class HistoryView:
    """Read-only queries over a :class:`HistoryStore` for the history screen."""

    def __init__(
        self, store: HistoryStore, waiting: Waiting | None = None, *, journal: bool = False
    ) -> None:
        self.source = store
        """The history itself (the report and the checks read it; ``store`` may be a
        copy in memory with the journal's sessions in)."""
        self._store = store
        self._waiting = waiting
        self._journal = journal and waiting is None
        """Whether the sessions waiting in the journal are still to be read in (by the
        first query, in the worker that runs it: never on the event loop)."""
        self._lock = threading.Lock()

    def _resolved(self) -> tuple[HistoryStore, Waiting | None]:
        with self._lock:
            if self._journal:
                from coach.store.waiting import with_waiting

                self._store, self._waiting = with_waiting(self._store)
                self._journal = False
            return self._store, self._waiting

    @property
    def store(self) -> HistoryStore:
        """The history the queries read: with what waits in the journal, when asked."""
        return self._resolved()[0]

    @property
    def waiting(self) -> Waiting | None:
        """What of :attr:`store` waits in the journal, when it is a view with it."""
        return self._resolved()[1]

    def sessions(self) -> list[SessionPoint]:
        """Every session, oldest first, with its sets, peak pain and dose changes: the
        rows `coach history` lists."""
        from coach.store.export import session_page

        rows, _ = session_page(self.store, waiting=self.waiting)
        return [
            SessionPoint(
                row["session_id"],
                date.fromisoformat(row["date"]),
                row["routine"],
                row["status"],
                row["stop_reason"],
                row["baseline_pain"],
                row["peak_pain"],
                row["sets"],
                row["minutes"],
                row["dose_changes"],
                row["seconds"],
                row["saved"],
            )
            for row in rows
        ]

    def exercises(self) -> list[ExerciseRef]:
        """Every exercise with at least one rated set, most recently done first."""
        with self.store.read() as db:
            rows = db.execute(
                "SELECT t.program_id, t.exercise_id,"
                " (SELECT u.exercise_name FROM sets u WHERE u.program_id = t.program_id"
                "  AND u.exercise_id = t.exercise_id ORDER BY u.id DESC LIMIT 1),"
                " (SELECT u.kind FROM sets u WHERE u.program_id = t.program_id"
                "  AND u.exercise_id = t.exercise_id ORDER BY u.id DESC LIMIT 1),"
                " COUNT(DISTINCT t.session_id), MAX(t.session_id)"
                " FROM sets t GROUP BY t.program_id, t.exercise_id"
            ).fetchall()
            last_ids = sorted({row[5] for row in rows})
            last_started: dict[int, str] = {}
            for sid in last_ids:
                found = db.execute("SELECT started_at FROM sessions WHERE id = ?", (sid,))
                last_started[sid] = found.fetchone()[0]
        refs = [
            ExerciseRef(program, exercise, name, kind, count, local_day(last_started[last]))
            for program, exercise, name, kind, count, last in rows
        ]
        refs.sort(key=lambda r: (-r.last_day.toordinal(), r.program_id, r.name))
        return refs

    def dose_series(self, program_id: str, exercise_id: str) -> list[DosePoint]:
        """One point per session that rated the exercise, oldest first."""
        with self.store.read() as db:
            rows = db.execute(
                "SELECT t.session_id, s.started_at, t.level, t.planned_hold, t.planned_holds,"
                " t.planned_reps, t.planned_duration, t.sets_planned, MAX(t.pain)"
                " FROM sets t JOIN sessions s ON s.id = t.session_id"
                " WHERE t.program_id = ? AND t.exercise_id = ?"
                " GROUP BY t.session_id ORDER BY s.started_at, t.session_id",
                (program_id, exercise_id),
            ).fetchall()
        return [
            DosePoint(sid, local_day(started), level, hold, holds, reps, duration, sets, peak)
            for sid, started, level, hold, holds, reps, duration, sets, peak in rows
        ]

    def detail(self, session: SessionPoint) -> SessionDetail:
        """A session's sets, the decisions taken after it and any level change."""
        with self.store.read() as db:
            session_row = row_of(db, "sessions", session.uid)
            db.row_factory = sqlite3.Row
            sets = db.execute(
                "SELECT * FROM sets WHERE session_id = ? ORDER BY id", (session_row,)
            ).fetchall()
            decisions = db.execute(
                "SELECT * FROM dose_changes WHERE session_id = ? ORDER BY id", (session_row,)
            ).fetchall()
            moves = db.execute(
                "SELECT * FROM level_moves WHERE session_id = ? ORDER BY id", (session_row,)
            ).fetchall()
            note = db.execute("SELECT note FROM sessions WHERE id = ?", (session_row,)).fetchone()
            names = {(r["program_id"], r["exercise_id"]): r["exercise_name"] for r in sets}
            # A decision on an exercise not done this time ("Not done: ...") has no set
            # here: its name is the one it had when last done, up to this session (one
            # look-up on the sets-by-exercise index each; a session decides on a few).
            for row in decisions:
                key = (row["program_id"], row["exercise_id"])
                if key not in names:
                    found = db.execute(
                        "SELECT exercise_name FROM sets WHERE program_id = ?"
                        " AND exercise_id = ? ORDER BY session_id <= ? DESC, id DESC LIMIT 1",
                        (*key, session_row),
                    ).fetchone()
                    if found is not None:
                        names[key] = found[0]
        return SessionDetail(
            session,
            tuple(_stored_set(r) for r in sets),
            tuple(_stored_decision(r) for r in decisions),
            tuple(
                StoredLevelMove(
                    program_id=r["program_id"],
                    from_level=r["from_level"],
                    to_level=r["to_level"],
                    accepted=bool(r["accepted"]),
                )
                for r in moves
            ),
            note[0] if note else None,
            names,
        )


_SYMPTOMS = {"gone": "gone", "better": "better but not gone", "same": "the same or worse"}


@dataclass(frozen=True, slots=True)
class FollowUpPoint:
    """A follow-up of a warning sign, as the history and the report list it."""

    day: date
    """The local day it was answered."""
    source: SignSource
    sign_uid: str
    """The uid of the session or function check the sign was reported in."""
    sign_day: date | None
    """The day of the session or function check the sign was reported in."""
    signs: tuple[str, ...]
    """What was reported then, in words (may be empty)."""
    symptoms: str
    """How the sign is now: 'gone', 'better' or 'same' (the same or worse)."""
    clinician_seen: bool
    went_on: bool
    """The answers let the person go on (to the checklist, then exercise)."""

    @property
    def followed(self) -> str:
        """'numbness or tingling after the function check of 2026-11-30'."""
        what = " and ".join(self.signs) or "a warning sign"
        where = "the function check" if self.source is SignSource.CHECK else "the session"
        when = f" of {self.sign_day.isoformat()}" if self.sign_day is not None else ""
        return f"{what} after {where}{when}"

    @property
    def answer(self) -> str:
        """'gone; a clinician has seen it'."""
        seen = "a clinician has seen it" if self.clinician_seen else "no clinician has seen it"
        return f"{_SYMPTOMS.get(self.symptoms, self.symptoms)}; {seen}"

    @property
    def outcome(self) -> str:
        return "went on" if self.went_on else "no exercise until seen"

    def line(self) -> str:
        """One line for `coach history`."""
        return f"{self.day.isoformat()}  {self.followed}: {self.answer}; {self.outcome}."


def follow_ups(store: HistoryStore, since: date | None = None) -> list[FollowUpPoint]:
    """Every follow-up of a warning sign answered from ``since`` on, oldest first, with
    the sign it followed (a session's or a function check's)."""
    flags = "MAX(numbness), MAX(leg_weakness), MAX(pain_below_knee)"
    with store.read() as db:
        rows = db.execute(
            "SELECT f.local_date, f.session_id, f.check_id, f.symptoms, f.clinician_seen,"
            " f.cleared, COALESCE(s.local_date, date(s.started_at, 'localtime')),"
            " c.local_date, c.numbness, c.leg_weakness, c.pain_below_knee,"
            f" {columns_of('s', SESSION_NAME_COLUMNS)}, {columns_of('c', CHECK_NAME_COLUMNS)}"
            " FROM follow_ups f LEFT JOIN sessions s ON s.id = f.session_id"
            " LEFT JOIN checks c ON c.id = f.check_id WHERE f.local_date >= ? ORDER BY f.id",
            (since.isoformat() if since else "",),
        ).fetchall()
        found = []
        width = len(SESSION_NAME_COLUMNS.split(","))
        for day, sid, _check, symptoms, seen, cleared, session_day, check_day, *rest in rows:
            marks, named = rest[:3], rest[3:]
            sign_uid = (
                session_name(*named[:width]) if sid is not None else check_name(*named[width:])
            )
            if sid is not None:
                marks = list(
                    db.execute(f"SELECT {flags} FROM sets WHERE session_id = ?", (sid,)).fetchone()
                )
            signs = sign_words(*marks)
            sign_day = session_day if sid is not None else check_day
            found.append(
                FollowUpPoint(
                    date.fromisoformat(day),
                    SignSource.SESSION if sid is not None else SignSource.CHECK,
                    sign_uid,
                    date.fromisoformat(sign_day) if sign_day else None,
                    signs,
                    symptoms,
                    bool(seen),
                    bool(cleared),
                )
            )
    return found


def _stored_set(row: sqlite3.Row) -> StoredSet:
    return StoredSet(
        session_id=row["session_id"],
        program_id=row["program_id"],
        exercise_id=row["exercise_id"],
        exercise_name=row["exercise_name"],
        set_number=row["set_number"],
        sets_planned=row["sets_planned"],
        attempt=row["attempt"],
        planned_hold=row["planned_hold"],
        planned_holds=row["planned_holds"],
        planned_reps=row["planned_reps"],
        planned_duration=row["planned_duration"],
        planned_work_seconds=row["planned_work_seconds"],
        done_work_seconds=row["done_work_seconds"],
        completed=bool(row["completed"]),
        pain=row["pain"],
        numbness=bool(row["numbness"]),
        leg_weakness=bool(row["leg_weakness"]),
        pain_below_knee=bool(row["pain_below_knee"]),
    )


def _stored_decision(row: sqlite3.Row) -> StoredDecision:
    return StoredDecision(
        program_id=row["program_id"],
        exercise_id=row["exercise_id"],
        level=row["level"],
        rule=row["rule"],
        reason=row["reason"],
        before=json.loads(row["before_json"]),
        after=json.loads(row["after_json"]),
        inputs=json.loads(row["inputs_json"]),
    )


def day_marks(sessions: Iterable[SessionPoint]) -> dict[date, int]:
    """Per day, how it went: 0 nothing rated, 1 some sets, 2 a completed session."""
    marks: dict[date, int] = {}
    for session in sessions:
        mark = 2 if session.status == SessionStatus.COMPLETED else (1 if session.sets else 0)
        marks[session.day] = max(marks.get(session.day, 0), mark)
    return marks


def streaks(days: Iterable[date], today: date) -> Streaks:
    """Runs of consecutive days with a session."""
    active = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in active:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if previous is not None and (today - previous).days <= 1:
        current = run
    window = today - timedelta(days=29)
    last_30 = sum(1 for day in active if window <= day <= today)
    return Streaks(current, longest, last_30)


def calendar_weeks(end: date, weeks: int) -> list[list[date]]:
    """Columns of a calendar heat map: ``weeks`` weeks of Monday-to-Sunday days, the
    last one holding ``end`` (days after ``end`` are included; callers leave them blank)."""
    last_monday = end - timedelta(days=end.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    return [[first_monday + timedelta(weeks=w, days=d) for d in range(7)] for w in range(weeks)]


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    """The Monday of the week, or the first of the month."""
    sessions: int
    baseline: float | None
    """Average pain at the start of its sessions."""
    peak: int | None
    """The highest pain rated in it."""


def folded(sessions: Iterable[SessionPoint], by: str = "week") -> list[Period]:
    """Sessions folded into Monday-to-Sunday weeks (or calendar months), oldest first:
    long periods are charted this way, since years of days do not fit a terminal."""
    buckets: dict[date, list[SessionPoint]] = {}
    for session in sessions:
        if by == "month":
            start = session.day.replace(day=1)
        else:
            start = session.day - timedelta(days=session.day.weekday())
        buckets.setdefault(start, []).append(session)
    periods = []
    for start in sorted(buckets):
        group = buckets[start]
        baselines = [s.baseline_pain for s in group if s.baseline_pain is not None]
        peaks = [s.peak_pain for s in group if s.peak_pain is not None]
        periods.append(
            Period(
                start,
                len(group),
                round(sum(baselines) / len(baselines), 2) if baselines else None,
                max(peaks) if peaks else None,
            )
        )
    return periods
