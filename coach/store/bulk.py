"""A whole history written at once into a new, empty database: the demo history's write.

:class:`NewHistory` collects typed records (the engine's :class:`SetRecord`,
:class:`Decision`, :class:`Advice`, :class:`LevelMove`, :class:`HoldResult`; sessions,
checklists and checks by their fields) and turns them into rows with the store's own
helpers and statements (``rows``, ``checks``), the ones its other writes use, so a new
column cannot be added to one writer and not the other. :func:`write_new_history` writes
them in one transaction, and only into a history that holds nothing: made-up data is
never mixed with real sessions. The SQL stays in the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from coach.base.types import SqlValue
from coach.engine.checks.records import HoldResult
from coach.engine.records import LevelMove, SessionStatus, SetRecord
from coach.engine.scaling import Advice, Decision
from coach.engine.screening import Outcome
from coach.engine.timeline import Dose
from coach.store.checks import INSERT_ACTIVITY, INSERT_CHECK, INSERT_HOLD, INSERT_PSFS, hold_row
from coach.store.connection import StoreError
from coach.store.database import HistoryStore
from coach.store.facts import session_name
from coach.store.rows import (
    INSERT_ADVICE,
    INSERT_DOSE_CHANGE,
    INSERT_LEVEL_MOVE,
    INSERT_SCREENING,
    INSERT_SET,
    advice_rows,
    dose_json,
    set_row,
)

__all__ = ["HistoryNotEmptyError", "NewHistory", "write_new_history", "write_played_history"]

_JSON = json.JSONEncoder(sort_keys=True)
"""``json.dumps(value, sort_keys=True)``, as the store writes it, without a new encoder
for each of the tens of thousands of decisions."""

_TABLES = (
    "sessions",
    "sets",
    "dose_changes",
    "level_moves",
    "screenings",
    "advice",
    "checks",
    "check_holds",
    "psfs_activities",
    "psfs_ratings",
)

_INSERT_WHOLE_SESSION = (
    "INSERT INTO sessions (id, started_at, ended_at, status, source_id, title,"
    " source_path, speed, planned_seconds, baseline_pain, levels_json, stop_reason,"
    " local_date, utc_offset)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
"""A session and its end at once (the day's writes open it first, then close it)."""

Row = tuple[SqlValue, ...]


class HistoryNotEmptyError(StoreError):
    """The database already holds history; made-up data is only written to a new one."""


@dataclass
class NewHistory:
    """The rows of a whole history, added record by record, in the order played."""

    sessions: list[Row] = field(default_factory=list)
    sets: list[Row] = field(default_factory=list)
    dose_changes: list[Row] = field(default_factory=list)
    level_moves: list[Row] = field(default_factory=list)
    screenings: list[Row] = field(default_factory=list)
    advice: list[Row] = field(default_factory=list)
    checks: list[Row] = field(default_factory=list)
    holds: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    psfs: list[Row] = field(default_factory=list)
    _dose_texts: dict[Dose, str] = field(default_factory=dict)

    def add_session(
        self,
        *,
        started_at: str,
        ended_at: str,
        status: SessionStatus,
        source_id: str,
        title: str,
        source_path: str,
        planned_seconds: float,
        baseline_pain: int | None,
        levels: Mapping[str, int],
        stop_reason: str | None,
        local_date: date,
        utc_offset: int,
        speed: float = 1.0,
    ) -> int:
        """A whole session, played and ended; its row id (sessions are numbered 1, 2...
        in the order added)."""
        session_id = len(self.sessions) + 1
        self.sessions.append(
            (
                session_id,
                started_at,
                ended_at,
                status.value,
                source_id,
                title,
                source_path,
                speed,
                planned_seconds,
                baseline_pain,
                _JSON.encode(dict(levels)),
                stop_reason,
                local_date.isoformat(),
                utc_offset,
            )
        )
        return session_id

    def add_set(self, record: SetRecord) -> None:
        self.sets.append(set_row(record))

    def add_decisions(
        self, session_id: int, decisions: Sequence[Decision], at: str, moment: str
    ) -> None:
        """Dose decisions taken ``before`` the session (its checks) or ``after`` it."""
        text = self._dose_text
        self.dose_changes.extend(
            (
                session_id,
                d.program_id,
                d.exercise_id,
                text(d.before),
                text(d.after),
                d.reason,
                at,
                d.level,
                d.rule.value,
                _JSON.encode(dict(d.inputs)),
                moment,
            )
            for d in decisions
        )

    def add_advice(self, session_id: int, advice: Sequence[Advice], at: str) -> None:
        self.advice.extend(advice_rows(session_id, advice, at))

    def session_name(self, session_id: int) -> str:
        """The name the session added as ``session_id`` goes by (it is written without a
        uid: the name it will be given, :func:`coach.store.facts.session_name`)."""
        row = self.sessions[session_id - 1]
        return session_name(None, str(row[1]), row[4], row[5], row[10], row[12])

    def add_level_move(self, session_id: int, program_id: str, move: LevelMove, at: str) -> None:
        """The level answer after the session added as ``session_id`` (the engine names
        that session by its name, ``move.after_session``; the row is the store's)."""
        self.level_moves.append(
            (
                session_id,
                program_id,
                move.from_level,
                move.to_level,
                int(move.accepted),
                at,
            )
        )

    def add_screening(
        self, answers: Mapping[str, bool], outcome: Outcome, taken_at: str, local_date: date
    ) -> None:
        self.screenings.append(
            (taken_at, _JSON.encode(dict(answers)), outcome.value, local_date.isoformat())
        )

    def add_check(
        self,
        *,
        started_at: str,
        ended_at: str,
        local_date: date,
        utc_offset: int,
        pain_before: int | None,
        pain_after: int | None,
        status: SessionStatus = SessionStatus.COMPLETED,
    ) -> int:
        """A function check without a warning sign; its row id (1, 2... as added)."""
        check_id = len(self.checks) + 1
        self.checks.append(
            (
                check_id,
                started_at,
                ended_at,
                local_date.isoformat(),
                utc_offset,
                status.value,
                pain_before,
                pain_after,
                0,
                0,
                0,
            )
        )
        return check_id

    def add_hold(self, check_id: int, result: HoldResult, at: str) -> None:
        self.holds.append(hold_row(check_id, result, at))

    def add_activity(self, text: str, at: str) -> int:
        """A PSFS activity; its id (1, 2... as added)."""
        activity_id = len(self.activities) + 1
        self.activities.append((activity_id, text, at))
        return activity_id

    def add_psfs(self, check_id: int, activity_id: int, score: int, at: str) -> None:
        self.psfs.append((check_id, activity_id, score, at))

    def _dose_text(self, dose: Dose) -> str:
        """The store's own JSON of a dose, made once per distinct dose."""
        text = self._dose_texts.get(dose)
        if text is None:
            text = self._dose_texts[dose] = dose_json(dose)
        return text


def refuse_if_not_empty(store: HistoryStore) -> None:
    """HistoryNotEmptyError when the history at ``store`` holds anything."""
    with store.read() as db:
        _refuse_if_not_empty(db, store.path)


def write_new_history(store: HistoryStore, rows: NewHistory) -> None:
    """Write ``rows`` in one transaction into ``store``'s history, which must hold
    nothing (HistoryNotEmptyError; StoreError when it cannot be written)."""
    with store.read() as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            _refuse_if_not_empty(db, store.path)  # nothing slipped in meanwhile
            db.executemany(_INSERT_WHOLE_SESSION, rows.sessions)
            db.executemany(INSERT_ADVICE, rows.advice)
            db.executemany(INSERT_SET, rows.sets)
            db.executemany(INSERT_DOSE_CHANGE, rows.dose_changes)
            db.executemany(INSERT_LEVEL_MOVE, rows.level_moves)
            db.executemany(INSERT_SCREENING, rows.screenings)
            db.executemany(INSERT_CHECK, rows.checks)
            db.executemany(INSERT_HOLD, rows.holds)
            db.executemany(INSERT_ACTIVITY, rows.activities)
            db.executemany(INSERT_PSFS, rows.psfs)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def write_played_history(
    store: HistoryStore, played: HistoryStore, rows: NewHistory
) -> dict[str, int]:
    """Copy ``played`` (a history in memory that a demo filled through the store's own
    writes, as the day makes them) into ``store``'s history, which must hold nothing,
    with ``rows``' function checks (made up beside the sessions) added to it first; the
    rows of each table written. HistoryNotEmptyError; StoreError when it cannot be
    written."""
    with played.transaction() as db:
        _refuse_if_not_empty(db, played.path, _TABLES[-4:])  # the checks are only made up
        db.executemany(INSERT_CHECK, rows.checks)
        db.executemany(INSERT_HOLD, rows.holds)
        db.executemany(INSERT_ACTIVITY, rows.activities)
        db.executemany(INSERT_PSFS, rows.psfs)
        # The lease of the coach in memory that played them means nothing in the file.
        db.execute("UPDATE sessions SET owner = NULL WHERE status != 'running'")
    with store.read() as target:
        _refuse_if_not_empty(target, store.path)
        with played.read() as db:
            db.backup(target)
    with store.read() as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in _TABLES
        }


def _refuse_if_not_empty(
    db: sqlite3.Connection, path: Path, tables: Sequence[str] = _TABLES
) -> None:
    for table in tables:
        (count,) = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        if count:
            raise HistoryNotEmptyError(
                f"{path} already holds history ({count} row{'s' if count != 1 else ''} in "
                f"'{table}'); synthetic data is only written into a new, empty database, "
                "so it can never be mixed with real sessions"
            )
