"""The history store: every session and every rated set, in SQLite.

Plain Python with no UI: the TUI calls it from a thread worker. Each call opens its own
short-lived connection, so calls are safe from any thread, and each write is one
transaction committed (with ``synchronous=FULL`` in WAL mode) before the call returns,
so a set that was reported saved survives the process being killed.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` takes a database
from any older version to the current one, after a backup copy of the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coach.timeline import Dose

__all__ = [
    "SCHEMA_VERSION",
    "DoseChange",
    "HistoryStore",
    "SessionRecord",
    "SetRecord",
    "StoreError",
    "utc_now",
]

# Each entry takes the database from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id              INTEGER PRIMARY KEY,
        started_at      TEXT NOT NULL,
        ended_at        TEXT,
        status          TEXT NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'completed', 'stopped', 'red_flag')),
        source_id       TEXT NOT NULL,
        title           TEXT NOT NULL,
        source_path     TEXT NOT NULL,
        speed           REAL NOT NULL DEFAULT 1,
        planned_seconds REAL NOT NULL,
        baseline_pain   INTEGER CHECK (baseline_pain BETWEEN 0 AND 10),
        levels_json     TEXT NOT NULL DEFAULT '{}',
        stop_reason     TEXT
    );
    CREATE TABLE sets (
        id                  INTEGER PRIMARY KEY,
        session_id          INTEGER NOT NULL REFERENCES sessions(id),
        exercise_index      INTEGER NOT NULL,
        program_id          TEXT NOT NULL,
        level               INTEGER NOT NULL,
        exercise_id         TEXT NOT NULL,
        exercise_name       TEXT NOT NULL,
        kind                TEXT NOT NULL,
        set_number          INTEGER NOT NULL,
        sets_planned        INTEGER NOT NULL,
        attempt             INTEGER NOT NULL DEFAULT 1,
        planned_hold        REAL,
        planned_holds       INTEGER,
        planned_reps        INTEGER,
        planned_duration    REAL,
        planned_work_seconds REAL NOT NULL,
        done_work_seconds   REAL NOT NULL,
        completed           INTEGER NOT NULL CHECK (completed IN (0, 1)),
        pain                INTEGER CHECK (pain BETWEEN 0 AND 10),
        numbness            INTEGER NOT NULL DEFAULT 0,
        leg_weakness        INTEGER NOT NULL DEFAULT 0,
        pain_below_knee     INTEGER NOT NULL DEFAULT 0,
        started_at          TEXT,
        rated_at            TEXT NOT NULL
    );
    CREATE INDEX sets_by_session ON sets(session_id);
    CREATE INDEX sets_by_exercise ON sets(program_id, exercise_id);
    CREATE TABLE dose_changes (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER REFERENCES sessions(id),
        program_id  TEXT NOT NULL,
        exercise_id TEXT NOT NULL,
        before_json TEXT NOT NULL,
        after_json  TEXT NOT NULL,
        reason      TEXT NOT NULL,
        decided_at  TEXT NOT NULL
    );
    CREATE INDEX dose_changes_by_exercise ON dose_changes(program_id, exercise_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

BUSY_TIMEOUT_SECONDS = 3.0
"""How long a write waits for another coach holding the database before giving up."""


class StoreError(Exception):
    """The history cannot be read or written; the message says why, for the user."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class SetRecord:
    """One rated set, as stored."""

    session_id: int
    exercise_index: int
    program_id: str
    level: int
    exercise_id: str
    exercise_name: str
    kind: str
    set_number: int
    sets_planned: int
    planned: Dose
    planned_work_seconds: float
    done_work_seconds: float
    completed: bool
    pain: int | None
    numbness: bool = False
    leg_weakness: bool = False
    pain_below_knee: bool = False
    attempt: int = 1
    started_at: str | None = None
    rated_at: str = ""


@dataclass(frozen=True, slots=True)
class DoseChange:
    """A planned dose for next time, with the one sentence that explains it."""

    program_id: str
    exercise_id: str
    exercise_name: str
    before: Dose
    after: Dose
    reason: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    started_at: str
    ended_at: str | None
    status: str
    source_id: str
    title: str
    baseline_pain: int | None
    sets_done: int
    peak_pain: int | None


def _dose_json(dose: Dose) -> str:
    return json.dumps({k: v for k, v in asdict(dose).items() if v is not None}, sort_keys=True)


def _dose_from_json(text: str) -> Dose:
    data: dict[str, Any] = json.loads(text)
    return Dose(**data)


class HistoryStore:
    """The SQLite history at ``path`` (created on first use, readable by its owner only)."""

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._ready = False

    # -- connections ------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._prepare()
        try:
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._explain(exc) from None
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = FULL")
            yield connection
        except sqlite3.Error as exc:
            raise self._explain(exc) from None
        finally:
            connection.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as connection:
            try:
                connection.execute("BEGIN IMMEDIATE")
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _explain(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"the history database is in use by another program (another coach?): {self.path}"
            )
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return StoreError(
                f"the history database is damaged or not a coach database: {self.path} "
                "(it was left untouched; move it aside to start a new one)"
            )
        if "readonly" in text or "unable to open" in text:
            return StoreError(f"cannot write the history database: {self.path} ({text})")
        return StoreError(f"history database error: {text} ({self.path})")

    def _prepare(self) -> None:
        """Create the folder and file with private permissions, then migrate."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                # Health data: readable by its owner only, from the first byte.
                descriptor = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(descriptor)
        except OSError as exc:
            raise StoreError(
                f"cannot create the history database {self.path}: {exc.strerror}"
            ) from None
        try:
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._explain(exc) from None
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the history database {self.path} was written by a newer coach "
                    f"(schema {version}; this one knows {SCHEMA_VERSION}); update coach"
                )
            if version < SCHEMA_VERSION:
                if version > 0:
                    self._backup(connection, version)
                connection.execute("PRAGMA journal_mode = WAL")
                for index in range(version, SCHEMA_VERSION):
                    connection.execute("BEGIN IMMEDIATE")
                    for statement in _statements(MIGRATIONS[index]):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {index + 1}")
                    connection.execute("COMMIT")
            else:
                connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise self._explain(exc) from None
        finally:
            connection.close()
        self._ready = True

    def _backup(self, connection: sqlite3.Connection, version: int) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(
            f"{self.path.stem}.v{version}.{stamp}.backup{self.path.suffix}"
        )
        copy = sqlite3.connect(target)
        try:
            connection.backup(copy)
        finally:
            copy.close()
        target.chmod(0o600)

    # -- writing ----------------------------------------------------------------------

    def start_session(
        self,
        *,
        source_id: str,
        title: str,
        source_path: str,
        planned_seconds: float,
        levels: Mapping[str, int],
        speed: float = 1.0,
        baseline_pain: int | None = None,
        started_at: str | None = None,
    ) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO sessions (started_at, source_id, title, source_path, speed,"
                " planned_seconds, baseline_pain, levels_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (started_at or utc_now(), source_id, title, source_path, speed,
                 planned_seconds, baseline_pain, json.dumps(dict(levels), sort_keys=True)),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def set_baseline(self, session_id: int, pain: int | None) -> None:
        with self._transaction() as db:
            db.execute("UPDATE sessions SET baseline_pain = ? WHERE id = ?", (pain, session_id))

    def record_set(self, record: SetRecord) -> int:
        dose = record.planned
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO sets (session_id, exercise_index, program_id, level, exercise_id,"
                " exercise_name, kind, set_number, sets_planned, attempt, planned_hold,"
                " planned_holds, planned_reps, planned_duration, planned_work_seconds,"
                " done_work_seconds, completed, pain, numbness, leg_weakness, pain_below_knee,"
                " started_at, rated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.session_id, record.exercise_index, record.program_id, record.level,
                    record.exercise_id, record.exercise_name, record.kind, record.set_number,
                    record.sets_planned, record.attempt, dose.hold, dose.holds, dose.reps,
                    dose.duration, record.planned_work_seconds, record.done_work_seconds,
                    int(record.completed), record.pain, int(record.numbness),
                    int(record.leg_weakness), int(record.pain_below_knee), record.started_at,
                    record.rated_at or utc_now(),
                ),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_session(self, session_id: int, status: str, *, reason: str | None = None,
                       changes: tuple[DoseChange, ...] = ()) -> None:  # fmt: skip
        """Close a session and store the doses planned for next time, in one transaction."""
        now = utc_now()
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, status = ?, stop_reason = ? WHERE id = ?",
                (now, status, reason, session_id),
            )
            db.executemany(
                "INSERT INTO dose_changes (session_id, program_id, exercise_id, before_json,"
                " after_json, reason, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (session_id, c.program_id, c.exercise_id, _dose_json(c.before),
                     _dose_json(c.after), c.reason, now)
                    for c in changes
                ],
            )  # fmt: skip

    # -- reading ----------------------------------------------------------------------

    def current_doses(self) -> dict[tuple[str, str], Dose]:
        """The latest planned dose of every exercise that has one."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT program_id, exercise_id, after_json FROM dose_changes"
                " WHERE id IN (SELECT MAX(id) FROM dose_changes"
                "              GROUP BY program_id, exercise_id)"
            ).fetchall()
        return {(p, e): _dose_from_json(after) for p, e, after in rows}

    def current_levels(self) -> dict[str, int]:
        """Each program's level in its latest session."""
        with self._connect() as db:
            rows = db.execute("SELECT levels_json FROM sessions ORDER BY id").fetchall()
        levels: dict[str, int] = {}
        for (text,) in rows:
            levels.update(json.loads(text))
        return levels

    def sets_of(self, session_id: int) -> list[dict[str, Any]]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT * FROM sets WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return [dict(row) for row in rows]

    def session(self, session_id: int) -> dict[str, Any] | None:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return dict(row) if row is not None else None

    def recent_sessions(self, limit: int = 20) -> list[SessionRecord]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT s.id, s.started_at, s.ended_at, s.status, s.source_id, s.title,"
                " s.baseline_pain, COUNT(t.id), MAX(t.pain)"
                " FROM sessions s LEFT JOIN sets t ON t.session_id = s.id"
                " GROUP BY s.id ORDER BY s.id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [SessionRecord(*row) for row in rows]


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (they hold no semicolons in strings)."""
    return [part.strip() for part in script.split(";") if part.strip()]
