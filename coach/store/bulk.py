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
from coach.store.facts import check_name, name_of, session_name
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
    " local_date, utc_offset, uid)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
    _session_rows: dict[str, int] = field(default_factory=dict)
    """Each session's row, by the uid the records name it by (the rows stay here)."""
    _check_rows: dict[str, int] = field(default_factory=dict)
    _activity_rows: dict[str, int] = field(default_factory=dict)

    def name_session(
        self,
        *,
        started_at: str,
        source_id: str,
        title: str,
        levels: Mapping[str, int],
        local_date: date,
    ) -> str:
        """The uid of the next session to be added (its sets and decisions name it by
        this before it is added): :func:`coach.store.facts.session_name` of its row, the
        name a session written without one would be given."""
        uid = session_name(
            None, started_at, source_id, title, _JSON.encode(dict(levels)), local_date.isoformat()
        )
        self._session_rows.setdefault(uid, len(self._session_rows) + 1)
        return uid

    def name_check(self, *, started_at: str, local_date: date, pain_before: int | None) -> str:
        """The uid of the next check to be added (its holds name it by this first)."""
        uid = check_name(None, started_at, local_date.isoformat(), pain_before)
        self._check_rows.setdefault(uid, len(self._check_rows) + 1)
        return uid

    @property
    def activity_uids(self) -> list[str]:
        """The PSFS activities added, in order."""
        return list(self._activity_rows)

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
    ) -> str:
        """A whole session, played and ended; its uid (:meth:`name_session`)."""
        uid = self.name_session(
            started_at=started_at,
            source_id=source_id,
            title=title,
            levels=levels,
            local_date=local_date,
        )
        session_id = self._session_rows[uid]
        if session_id != len(self.sessions) + 1:
            raise ValueError(f"session {uid} named out of turn")
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
                uid,
            )
        )
        return uid

    def add_set(self, record: SetRecord) -> None:
        self.sets.append(set_row(record, self._session_rows[record.session_uid]))

    def add_decisions(
        self, session: str, decisions: Sequence[Decision], at: str, moment: str
    ) -> None:
        """Dose decisions taken ``before`` the session named ``session`` (its checks) or
        ``after`` it."""
        text = self._dose_text
        session_id = self._session_rows[session]
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

    def add_advice(self, session: str, advice: Sequence[Advice], at: str) -> None:
        self.advice.extend(advice_rows(self._session_rows[session], advice, at))

    def add_level_move(self, program_id: str, move: LevelMove, at: str) -> None:
        """The level answer after the session ``move.after_session`` names (the row is
        the store's)."""
        self.level_moves.append(
            (
                self._session_rows[move.after_session],
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
    ) -> str:
        """A function check without a warning sign; its uid (:meth:`name_check`)."""
        uid = self.name_check(started_at=started_at, local_date=local_date, pain_before=pain_before)
        check_id = self._check_rows[uid]
        if check_id != len(self.checks) + 1:
            raise ValueError(f"check {uid} named out of turn")
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
                uid,
            )
        )
        return uid

    def add_hold(self, check: str, result: HoldResult, at: str) -> None:
        """A hold of the check named ``check`` (named before it is added)."""
        self.holds.append(hold_row(self._check_rows[check], result, at))

    def add_activity(self, text: str, at: str) -> str:
        """A PSFS activity; its uid."""
        uid = name_of("psfs_activities", None, at, text)
        activity_id = len(self.activities) + 1
        self._activity_rows[uid] = activity_id
        self.activities.append((activity_id, text, at, uid))
        return uid

    def add_psfs(self, check: str, activity: str, score: int, at: str) -> None:
        self.psfs.append((self._check_rows[check], self._activity_rows[activity], score, at))

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
