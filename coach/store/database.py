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
import socket
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Types only: the store is opened before the first frame, and the timeline module
    # pulls in pydantic, which is slow to import.
    from coach.engine.scaling import Decision, LevelMove, SessionFacts
    from coach.engine.timeline import Dose

__all__ = [
    "SCHEMA_VERSION",
    "HistoryStore",
    "InterruptedSession",
    "SessionRecord",
    "SetRecord",
    "StoreError",
    "StoredSet",
    "local_day",
    "local_today",
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
    # v2: decisions keep the rule and the inputs they were based on; level moves and
    # red-flag screenings are stored with their dates.
    """
    ALTER TABLE dose_changes ADD COLUMN level INTEGER;
    ALTER TABLE dose_changes ADD COLUMN rule TEXT;
    ALTER TABLE dose_changes ADD COLUMN inputs_json TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE level_moves (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id),
        program_id  TEXT NOT NULL,
        from_level  INTEGER NOT NULL,
        to_level    INTEGER NOT NULL,
        accepted    INTEGER NOT NULL CHECK (accepted IN (0, 1)),
        decided_at  TEXT NOT NULL
    );
    CREATE TABLE screenings (
        id          INTEGER PRIMARY KEY,
        taken_at    TEXT NOT NULL,
        answers_json TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('clear', 'review', 'urgent'))
    );
    """,
    # v3: which process runs a session (so the next start can tell an interrupted session
    # from one another coach is playing right now), and how often it was resumed.
    """
    ALTER TABLE sessions ADD COLUMN owner TEXT;
    ALTER TABLE sessions ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX sessions_by_status ON sessions(status);
    """,
    # v4: indexes for years of history: a session's sets, peak pain and decisions are
    # read from indexes alone (the history screen and `coach history` list thousands).
    """
    CREATE INDEX dose_changes_by_session ON dose_changes(session_id);
    CREATE INDEX level_moves_by_session ON level_moves(session_id);
    DROP INDEX sets_by_session;
    CREATE INDEX sets_by_session ON sets(session_id, pain);
    """,
    # v5: whether a set was done with both sides together or each side in turn (one
    # rating covers both); NULL for sets stored before it was recorded.
    """
    ALTER TABLE sets ADD COLUMN sides TEXT CHECK (sides IN ('both', 'each'));
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

BUSY_TIMEOUT_SECONDS = 3.0
"""How long a write waits for another coach holding the database before giving up."""

# The writes of rows that the synthetic history (coach.store.synthetic) also makes in bulk:
# one text for each, so a new column cannot be added to one writer and not the other.
INSERT_SET = (
    "INSERT INTO sets (session_id, exercise_index, program_id, level, exercise_id,"
    " exercise_name, kind, set_number, sets_planned, attempt, planned_hold,"
    " planned_holds, planned_reps, planned_duration, planned_work_seconds,"
    " done_work_seconds, completed, pain, numbness, leg_weakness, pain_below_knee,"
    " started_at, rated_at, sides)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_DOSE_CHANGE = (
    "INSERT INTO dose_changes (session_id, program_id, exercise_id, before_json,"
    " after_json, reason, decided_at, level, rule, inputs_json)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_LEVEL_MOVE = (
    "INSERT INTO level_moves (session_id, program_id, from_level, to_level,"
    " accepted, decided_at) VALUES (?, ?, ?, ?, ?, ?)"
)
INSERT_SCREENING = "INSERT INTO screenings (taken_at, answers_json, outcome) VALUES (?, ?, ?)"


class StoreError(Exception):
    """The history cannot be read or written; the message says why, for the user."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def local_today() -> date:
    """Today in the user's time zone: sessions belong to the day they are done."""
    return datetime.now(UTC).astimezone().date()


def local_day(timestamp: str) -> date:
    """The user's calendar day of a stored UTC timestamp (sessions happen in local time)."""
    return datetime.fromisoformat(timestamp).astimezone().date()


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
    sides: str | None = None
    """'both' (both sides together) or 'each' (left, then right; one rating for both)."""


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


@dataclass(frozen=True, slots=True)
class StoredSet:
    """What resuming needs to know about a set rated before the interruption."""

    exercise_index: int
    program_id: str
    exercise_id: str
    set_number: int
    sets_planned: int
    pain: int | None
    completed: bool
    red_flag: bool


@dataclass(frozen=True, slots=True)
class InterruptedSession:
    """A session left 'running' by a coach that is no longer running (killed, crashed,
    the laptop's battery died): it can be resumed or closed as partial."""

    id: int
    started_at: str
    source_path: str
    source_id: str
    title: str
    speed: float
    baseline_pain: int | None
    levels: Mapping[str, int]
    sets: tuple[StoredSet, ...]

    @property
    def day(self) -> date:
        return local_day(self.started_at)


def this_process() -> str:
    """Who owns a running session: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(owner: str | None) -> bool:
    """Whether the coach that started a session is still running (on this machine)."""
    if not owner:
        return False
    host, _, pid_text = owner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        # Another machine's session (a synced folder): it cannot be checked, and SQLite
        # over a sync service is not supported anyway; treat it as interrupted.
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    proc = Path("/proc") / str(pid)
    if Path("/proc/self").exists():
        # Linux: a killed coach whose parent has not reaped it yet is a zombie, and after
        # a reboot its process id may belong to something else entirely.
        try:
            state = (proc / "stat").read_text().rpartition(")")[2].split()[0]
            command = (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            return False
        return state != "Z" and b"coach" in command
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # it exists, under another user
    except (ProcessLookupError, OverflowError, OSError):
        return False
    return True


def _dose_json(dose: Dose) -> str:
    return json.dumps({k: v for k, v in asdict(dose).items() if v is not None}, sort_keys=True)


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

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for queries elsewhere in the core (history views, export)."""
        with self._connect() as connection:
            yield connection

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
                " planned_seconds, baseline_pain, levels_json, owner)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (started_at or utc_now(), source_id, title, source_path, speed,
                 planned_seconds, baseline_pain, json.dumps(dict(levels), sort_keys=True),
                 this_process()),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def claim_session(self, session_id: int) -> None:
        """This process resumes an interrupted session: it owns it from now on."""
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET owner = ?, resumes = resumes + 1"
                " WHERE id = ? AND status = 'running'",
                (this_process(), session_id),
            )

    def set_baseline(self, session_id: int, pain: int | None) -> None:
        with self._transaction() as db:
            db.execute("UPDATE sessions SET baseline_pain = ? WHERE id = ?", (pain, session_id))

    def record_set(self, record: SetRecord) -> int:
        dose = record.planned
        with self._transaction() as db:
            cursor = db.execute(
                INSERT_SET,
                (
                    record.session_id, record.exercise_index, record.program_id, record.level,
                    record.exercise_id, record.exercise_name, record.kind, record.set_number,
                    record.sets_planned, record.attempt, dose.hold, dose.holds, dose.reps,
                    dose.duration, record.planned_work_seconds, record.done_work_seconds,
                    int(record.completed), record.pain, int(record.numbness),
                    int(record.leg_weakness), int(record.pain_below_knee), record.started_at,
                    record.rated_at or utc_now(), record.sides,
                ),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_session(
        self,
        session_id: int,
        status: str,
        *,
        reason: str | None = None,
        decisions: Sequence[Decision] = (),
        interrupted: bool = False,
    ) -> None:
        """Close a session and store the decisions for next time, in one transaction."""
        now = utc_now()
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, status = ?, stop_reason = ? WHERE id = ?",
                (now, status, reason, session_id),
            )
            if interrupted:
                db.execute(
                    "UPDATE sessions SET ended_at = COALESCE((SELECT MAX(rated_at) FROM sets"
                    " WHERE session_id = sessions.id), started_at) WHERE id = ?",
                    (session_id,),
                )
            db.executemany(
                INSERT_DOSE_CHANGE,
                [
                    (session_id, d.program_id, d.exercise_id, _dose_json(d.before),
                     _dose_json(d.after), d.reason, now, d.level, d.rule.value,
                     json.dumps(dict(d.inputs), sort_keys=True))
                    for d in decisions
                ],
            )  # fmt: skip

    def close_interrupted(
        self, session_id: int, status: str, *, decisions: Sequence[Decision] = ()
    ) -> None:
        """Close a session its coach never finished, as partial (reason 'interrupted'):
        it ended when its last set was rated, or when it started if none was."""
        self.finish_session(session_id, status, reason="interrupted", decisions=decisions,
                            interrupted=True)  # fmt: skip

    def record_level_move(self, session_id: int, program_id: str, from_level: int,
                          to_level: int, *, accepted: bool) -> None:  # fmt: skip
        with self._transaction() as db:
            db.execute(
                INSERT_LEVEL_MOVE,
                (session_id, program_id, from_level, to_level, int(accepted), utc_now()),
            )

    def record_screening(self, answers: Mapping[str, bool], outcome: str) -> None:
        with self._transaction() as db:
            db.execute(
                INSERT_SCREENING,
                (utc_now(), json.dumps(dict(answers), sort_keys=True), outcome),
            )

    def last_screening(self) -> tuple[str, str] | None:
        """(taken_at, outcome) of the latest red-flag screening, if any."""
        with self._connect() as db:
            row = db.execute(
                "SELECT taken_at, outcome FROM screenings ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return (row[0], row[1]) if row else None

    # -- reading ----------------------------------------------------------------------

    def program_history(self, program_id: str) -> list[SessionFacts]:
        """Every session that included ``program_id``, as the scaling engine sees it."""
        from coach.engine.scaling import SessionFacts, SetFacts

        with self._connect() as db:
            sessions = db.execute(
                "SELECT id, started_at, baseline_pain, levels_json FROM sessions"
                " WHERE json_extract(levels_json, '$.' || json_quote(?)) IS NOT NULL"
                " ORDER BY id",
                (program_id,),
            ).fetchall()
            rows = db.execute(
                "SELECT session_id, exercise_id, set_number, pain, completed,"
                " numbness OR leg_weakness OR pain_below_knee"
                " FROM sets WHERE program_id = ? ORDER BY id",
                (program_id,),
            ).fetchall()
        by_session: dict[int, list[SetFacts]] = {}
        for session_id, exercise_id, number, pain, completed, red_flag in rows:
            by_session.setdefault(session_id, []).append(
                SetFacts(exercise_id, number, pain, bool(completed), bool(red_flag))
            )
        return [
            SessionFacts(
                session_id=sid,
                day=local_day(started),
                baseline=baseline,
                level=int(json.loads(levels)[program_id]),
                sets=tuple(by_session.get(sid, ())),
            )
            for sid, started, baseline, levels in sessions
        ]

    def level_moves(self, program_id: str) -> list[LevelMove]:
        from coach.engine.scaling import LevelMove

        with self._connect() as db:
            rows = db.execute(
                "SELECT session_id, from_level, to_level, accepted FROM level_moves"
                " WHERE program_id = ? ORDER BY id",
                (program_id,),
            ).fetchall()
        return [LevelMove(s, f, t, bool(a)) for s, f, t, a in rows]

    def decisions_of(self, session_id: int) -> list[dict[str, Any]]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT * FROM dose_changes WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return [dict(row) for row in rows]

    def sets_of(self, session_id: int) -> list[dict[str, Any]]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT * FROM sets WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return [dict(row) for row in rows]

    def interrupted_sessions(self) -> list[InterruptedSession]:
        """Sessions still marked running whose coach is gone, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, started_at, source_path, source_id, title, speed, baseline_pain,"
                " levels_json, owner FROM sessions WHERE status = 'running' ORDER BY id DESC"
            ).fetchall()
            found = []
            for sid, started, path, source, title, speed, baseline, levels, owner in rows:
                if _owner_alive(owner):
                    continue
                sets = db.execute(
                    "SELECT exercise_index, program_id, exercise_id, set_number, sets_planned,"
                    " pain, completed, numbness OR leg_weakness OR pain_below_knee"
                    " FROM sets WHERE session_id = ? ORDER BY id",
                    (sid,),
                ).fetchall()
                found.append(
                    InterruptedSession(
                        sid, started, path, source, title, speed, baseline,
                        {k: int(v) for k, v in json.loads(levels).items()},
                        tuple(StoredSet(i, p, e, n, sp, pain, bool(c), bool(r))
                              for i, p, e, n, sp, pain, c, r in sets),
                    )
                )  # fmt: skip
        return found

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
