"""The history's schema, version by version, and how a database is brought up to date.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` takes a database
from any older version to the current one, all steps in one transaction, after a backup
copy of the file (so a failed upgrade never costs the history), by the one coach that
holds the upgrade's claim.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from coach.base.atomic import PARTIAL, commit, temporary_beside
from coach.store.facts import name_facts
from coach.store.liveness import exclusive

__all__ = [
    "MIGRATIONS",
    "MIGRATION_STEPS",
    "SCHEMA_VERSION",
    "NewerSchemaError",
    "migrate",
    "statements",
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
    # v6: the pain-monitoring model in full. Each session keeps the local day it was played
    # on and its offset from UTC, so the rules give the same plan in any time zone (older
    # rows get the day of the zone they are upgraded in, the best there is). A set keeps
    # why it was skipped. Decisions taken at a session's start (a break, a rising week, a
    # worse morning) are stored like those after it, marked 'before'; decisions about a
    # whole program or day (a rising week, pain at the easiest dose, a rest day) go to
    # 'advice'.
    """
    ALTER TABLE sessions ADD COLUMN local_date TEXT;
    ALTER TABLE sessions ADD COLUMN utc_offset INTEGER;
    UPDATE sessions SET
        local_date = date(started_at, 'localtime'),
        utc_offset = CAST(round((julianday(datetime(started_at, 'localtime'))
                                 - julianday(datetime(started_at))) * 1440) AS INTEGER);
    ALTER TABLE sets ADD COLUMN skip_reason TEXT CHECK (skip_reason IN ('pain', 'time', 'other'));
    ALTER TABLE dose_changes ADD COLUMN moment TEXT NOT NULL DEFAULT 'after'
        CHECK (moment IN ('before', 'after'));
    CREATE TABLE advice (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER REFERENCES sessions(id),
        program_id  TEXT,
        rule        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        inputs_json TEXT NOT NULL DEFAULT '{}',
        decided_at  TEXT NOT NULL
    );
    CREATE INDEX advice_by_session ON advice(session_id);
    """,
    # v7: red flags that cannot slip through. A checklist keeps the local day it was
    # answered on (an urgent answer blocks sessions for the rest of that day) and may come
    # out 'same_day' (see a doctor today); a CHECK cannot be altered, so the table is
    # rebuilt. Each follow-up after a warning sign during a session is kept, with whether
    # it let the person go on. A set whose rating was corrected says when.
    """
    ALTER TABLE sets ADD COLUMN corrected_at TEXT;
    CREATE TABLE screenings_v7 (
        id           INTEGER PRIMARY KEY,
        taken_at     TEXT NOT NULL,
        answers_json TEXT NOT NULL,
        outcome      TEXT NOT NULL CHECK (outcome IN ('clear', 'review', 'same_day', 'urgent')),
        local_date   TEXT
    );
    INSERT INTO screenings_v7 (id, taken_at, answers_json, outcome, local_date)
        SELECT id, taken_at, answers_json, outcome, date(taken_at, 'localtime') FROM screenings;
    DROP TABLE screenings;
    ALTER TABLE screenings_v7 RENAME TO screenings;
    CREATE TABLE follow_ups (
        id             INTEGER PRIMARY KEY,
        session_id     INTEGER NOT NULL REFERENCES sessions(id),
        asked_at       TEXT NOT NULL,
        local_date     TEXT NOT NULL,
        symptoms       TEXT NOT NULL CHECK (symptoms IN ('gone', 'better', 'same')),
        clinician_seen INTEGER NOT NULL CHECK (clinician_seen IN (0, 1)),
        cleared        INTEGER NOT NULL CHECK (cleared IN (0, 1))
    );
    CREATE INDEX follow_ups_by_session ON follow_ups(session_id);
    """,
    # -- function checks and the Patient-Specific Functional Scale (issue 18) -----------
    # v8: a function check is a session of its own kind: the trunk endurance holds
    # (coach.engine.checks), each stored as soon as it ends, with the pain before and
    # after; the activities the person named for the PSFS (their own words: untrusted
    # text) and each check's 0-10 rating of them. A check left 'running' was
    # interrupted: its stored holds still count.
    """
    CREATE TABLE checks (
        id              INTEGER PRIMARY KEY,
        started_at      TEXT NOT NULL,
        ended_at        TEXT,
        local_date      TEXT NOT NULL,
        utc_offset      INTEGER NOT NULL DEFAULT 0,
        status          TEXT NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'completed', 'stopped', 'red_flag')),
        pain_before     INTEGER CHECK (pain_before BETWEEN 0 AND 10),
        pain_after      INTEGER CHECK (pain_after BETWEEN 0 AND 10),
        numbness        INTEGER NOT NULL DEFAULT 0 CHECK (numbness IN (0, 1)),
        leg_weakness    INTEGER NOT NULL DEFAULT 0 CHECK (leg_weakness IN (0, 1)),
        pain_below_knee INTEGER NOT NULL DEFAULT 0 CHECK (pain_below_knee IN (0, 1))
    );
    CREATE INDEX checks_by_day ON checks(local_date);
    CREATE TABLE check_holds (
        id          INTEGER PRIMARY KEY,
        check_id    INTEGER NOT NULL REFERENCES checks(id),
        test        TEXT NOT NULL
                    CHECK (test IN ('extensor', 'flexor', 'side_left', 'side_right')),
        variant     TEXT NOT NULL CHECK (variant IN ('standard', 'easier')),
        seconds     REAL CHECK (seconds >= 0),
        ceiling     REAL NOT NULL,
        ended_by    TEXT NOT NULL
                    CHECK (ended_by IN ('stopped', 'pain', 'ceiling', 'skipped')),
        recorded_at TEXT NOT NULL,
        UNIQUE (check_id, test)
    );
    CREATE TABLE psfs_activities (
        id          INTEGER PRIMARY KEY,
        text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 200),
        created_at  TEXT NOT NULL
    );
    CREATE TABLE psfs_ratings (
        id          INTEGER PRIMARY KEY,
        check_id    INTEGER NOT NULL REFERENCES checks(id),
        activity_id INTEGER NOT NULL REFERENCES psfs_activities(id),
        score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
        rated_at    TEXT NOT NULL,
        UNIQUE (check_id, activity_id)
    );
    """,
    # -- end of issue 18's block --------------------------------------------------------
    # v9: nothing rated is lost. Each session has a random uid, written with it from the
    # start, so a session kept in the journal while the database refused it (see
    # coach.store.journal) is imported exactly once, whether or not its row was ever
    # created; NULL for sessions stored before (a unique index allows many NULLs).
    """
    ALTER TABLE sessions ADD COLUMN uid TEXT;
    CREATE UNIQUE INDEX sessions_by_uid ON sessions(uid);
    """,
    # -- a note on a session (issue 16) -------------------------------------------------
    # v10: the person's own words after the summary ("slept badly", "new mat"): untrusted
    # text, one short note per session, shown in the history and exported.
    """
    ALTER TABLE sessions ADD COLUMN note TEXT CHECK (note IS NULL OR length(note) <= 500);
    """,
    # -- end of issue 16's block --------------------------------------------------------
    # -- one truth: a warning sign after a function check is followed up too ------------
    # v11: a follow-up is about the warning sign of a session or of a function check,
    # exactly one of them. session_id was NOT NULL and a constraint cannot be altered,
    # so the table is rebuilt (its rows keep their ids).
    """
    CREATE TABLE follow_ups_v11 (
        id             INTEGER PRIMARY KEY,
        session_id     INTEGER REFERENCES sessions(id),
        check_id       INTEGER REFERENCES checks(id),
        asked_at       TEXT NOT NULL,
        local_date     TEXT NOT NULL,
        symptoms       TEXT NOT NULL CHECK (symptoms IN ('gone', 'better', 'same')),
        clinician_seen INTEGER NOT NULL CHECK (clinician_seen IN (0, 1)),
        cleared        INTEGER NOT NULL CHECK (cleared IN (0, 1)),
        CHECK ((session_id IS NULL) <> (check_id IS NULL))
    );
    INSERT INTO follow_ups_v11 (id, session_id, check_id, asked_at, local_date, symptoms,
                                clinician_seen, cleared)
        SELECT id, session_id, NULL, asked_at, local_date, symptoms, clinician_seen, cleared
        FROM follow_ups;
    DROP TABLE follow_ups;
    ALTER TABLE follow_ups_v11 RENAME TO follow_ups;
    CREATE INDEX follow_ups_by_session ON follow_ups(session_id);
    CREATE INDEX follow_ups_by_check ON follow_ups(check_id);
    """,
    # -- end of the one-truth block -------------------------------------------------------
    # -- one truth: every fact has its own identity (issue 22) ---------------------------
    # v12: the facts that did not have one get a uid column, so that a history can be
    # merged into another (coach merge) and each fact found again there: a checklist, a
    # follow-up, a function check, a PSFS activity. Rows are named by
    # coach.store.facts.name_facts (from their own instant and content, so the same row
    # gets the same name wherever it is named); sessions already had one.
    """
    ALTER TABLE screenings ADD COLUMN uid TEXT;
    CREATE INDEX screenings_by_uid ON screenings(uid);
    ALTER TABLE follow_ups ADD COLUMN uid TEXT;
    CREATE INDEX follow_ups_by_uid ON follow_ups(uid);
    ALTER TABLE checks ADD COLUMN uid TEXT;
    CREATE INDEX checks_by_uid ON checks(uid);
    ALTER TABLE psfs_activities ADD COLUMN uid TEXT;
    CREATE INDEX psfs_activities_by_uid ON psfs_activities(uid)
    """,
    # -- end of issue 22's block --------------------------------------------------------
    # -- issue 23 (safety23): the answer first given, kept beside a correction ----------
    # A corrected set replaces its row's answer (and sets corrected_at). A warning sign
    # withdrawn that way must stay on record: the first correction keeps the answer as
    # it was first given, as JSON ({"pain", "numbness", "leg_weakness",
    # "pain_below_knee"}); NULL for a set never corrected.
    """
    ALTER TABLE sets ADD COLUMN first_answer TEXT
    """,
    # -- end of issue 23's block --------------------------------------------------------
    # -- one truth: no row id outside the store (issue 22) --------------------------------
    # v14: every fact has its uid on disk, so that the store finds a session, a check or
    # an activity by the name the engine knows it by: the rows written before a name was
    # made for them (sessions before v9, checks and activities before this) are named
    # here, in the same transaction, by coach.store.facts.name_facts (see
    # MIGRATION_STEPS), as they would have been named before a merge.
    """
    CREATE INDEX IF NOT EXISTS checks_by_uid ON checks(uid)
    """,
    # -- end of issue 22's second block ---------------------------------------------------
)
SCHEMA_VERSION = len(MIGRATIONS)

MIGRATION_STEPS: dict[int, Callable[[sqlite3.Connection], object]] = {13: name_facts}
"""What a step does beyond its SQL (by the step's index in :data:`MIGRATIONS`), run
right after it in the same transaction."""


class NewerSchemaError(Exception):
    """The database was written by a newer coach: its schema version is above ours."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def statements(script: str) -> list[str]:
    """Split a migration script into statements (they hold no semicolons in strings)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def migrate(connection: sqlite3.Connection, path: Path | None) -> None:
    """Bring the database on ``connection`` (the file at ``path``) to :data:`SCHEMA_VERSION`.

    Only one coach upgrades a file at a time: the upgrade is claimed first (an OS lock in
    ``locks/`` beside it, see :mod:`coach.store.liveness`) and the version read again once
    the claim is held, so a second coach started at the same moment finds the work done.
    A database that already holds history is copied first (``path`` beside it, readable by
    its owner only, never half written); then every step runs in one transaction with the
    new ``user_version``, so a kill at any instant leaves the old version or the new one.
    Raises :class:`NewerSchemaError` for a schema this coach does not know,
    ``sqlite3.Error`` when a step fails (nothing is changed then), and OSError when the
    claim or the copy cannot be made.
    """
    version = _version(connection)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(version)
    if version == SCHEMA_VERSION:
        connection.execute("PRAGMA journal_mode = WAL")  # already WAL: takes no lock
        return
    if path is None:
        connection.execute("PRAGMA journal_mode = WAL")
        _upgrade(connection, version)
    else:
        with exclusive(path.parent / "locks", f"upgrade-{path.name}"):
            # Only under the claim: switching an older file to WAL needs it alone, and
            # another coach's upgrade holds it for longer than SQLite's busy wait (a second
            # coach started at the same moment was told "in use by another program").
            connection.execute("PRAGMA journal_mode = WAL")
            version = _version(connection)  # another coach may have upgraded it meanwhile
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(version)
            if version < SCHEMA_VERSION:
                if version > 0:
                    _backup(connection, path, version)
                _upgrade(connection, version)


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _upgrade(connection: sqlite3.Connection, version: int) -> None:
    """Every step from ``version`` up, with the new ``user_version``, in one transaction
    (SQLite's ALTER TABLE and PRAGMA user_version are both transactional)."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        # Read again under the write lock: a coach of an older release (which takes no
        # claim) may have upgraded the file since.
        version = _version(connection)
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(version)
        for index in range(version, SCHEMA_VERSION):
            for statement in statements(MIGRATIONS[index]):
                connection.execute(statement)
            step = MIGRATION_STEPS.get(index)
            if step is not None:
                step(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _backup(connection: sqlite3.Connection, path: Path, version: int) -> None:
    """A copy of the file as it is before the upgrade: written into a private temporary
    file, flushed to the disk, then renamed into place, under a name no other upgrade
    uses (a second coach, or one started again in the same second after a kill)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # Copies a killed upgrade left half made: the claim is ours, so no one writes them.
    for stale in path.parent.glob(f".{path.stem}.v*.backup*{PARTIAL}"):
        with contextlib.suppress(OSError):
            stale.unlink()
    # Created 0600 before SQLite opens it: never readable by others, not even briefly.
    partial = temporary_beside(path.with_name(f"{path.stem}.v{version}.backup"))
    try:
        copy = sqlite3.connect(partial)
        try:
            connection.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
        for attempt in itertools.count(1):
            suffix = "" if attempt == 1 else f"-{attempt}"
            target = path.with_name(f"{path.stem}.v{version}.{stamp}{suffix}.backup{path.suffix}")
            try:
                commit(partial, target, replace=False)  # never replaces a copy already there
                break
            except FileExistsError:
                continue
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
