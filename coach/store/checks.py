"""Function checks and PSFS ratings in the history database: writes and reads.

:class:`CheckStore` is the check flow's port (:class:`coach.engine.checks.CheckPort`)
on a :class:`~coach.store.database.HistoryStore`: each hold and each set of ratings is
one transaction, committed before the call returns, so a result the screen calls saved
is on disk. The tables are in migration 7 (:mod:`coach.store.migrations`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from coach.base.types import JsonValue, SqlValue
from coach.engine.checks.messages import PsfsEntry
from coach.engine.checks.protocol import EndedBy, HoldTest, Variant
from coach.engine.checks.psfs import MAX_ACTIVITIES, clean_activity
from coach.engine.checks.records import CheckHistory, CheckRecord, HoldResult, PsfsActivity
from coach.engine.clock import utc_now
from coach.engine.ids import new_id
from coach.engine.records import PainAnswer, SessionStatus
from coach.store.database import HistoryStore, StoreError
from coach.store.facts import CHECK_NAME_COLUMNS, check_name, columns_of, name_of, row_of

__all__ = [
    "CHECK_COLUMNS",
    "INSERT_ACTIVITY",
    "INSERT_CHECK",
    "INSERT_HOLD",
    "INSERT_PSFS",
    "PSFS_COLUMNS",
    "CheckStore",
    "check_export",
    "hold_row",
    "psfs_export",
    "read_checks",
]

# One text for each insert that store.bulk also makes (as for sessions and sets).
INSERT_CHECK = (
    "INSERT INTO checks (id, started_at, ended_at, local_date, utc_offset, status,"
    " pain_before, pain_after, numbness, leg_weakness, pain_below_knee, uid)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_HOLD = (
    "INSERT INTO check_holds (check_id, test, variant, seconds, ceiling, ended_by,"
    " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_ACTIVITY = "INSERT INTO psfs_activities (id, text, created_at, uid) VALUES (?, ?, ?, ?)"
INSERT_PSFS = (
    "INSERT INTO psfs_ratings (check_id, activity_id, score, rated_at) VALUES (?, ?, ?, ?)"
)


class CheckStore:
    """Checks in ``store``'s database."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    # -- writing ------------------------------------------------------------------------

    def open_check(
        self, *, uid: str, local_date: date, utc_offset: int, pain_before: int | None
    ) -> None:
        """Store a new check (running) under ``uid``, the name the flow gave it."""
        with self.store.transaction() as db:
            db.execute(
                INSERT_CHECK,
                (
                    None,
                    utc_now(),
                    None,
                    local_date.isoformat(),
                    utc_offset,
                    "running",
                    pain_before,
                    None,
                    0,
                    0,
                    0,
                    uid,
                ),
            )

    def record_hold(self, check_uid: str, result: HoldResult) -> None:
        with self.store.transaction() as db:
            db.execute(INSERT_HOLD, hold_row(_check_row(db, check_uid), result, utc_now()))

    def record_psfs(
        self, check_uid: str, entries: Sequence[PsfsEntry]
    ) -> tuple[tuple[PsfsActivity, ...], tuple[tuple[str, int], ...]]:
        """Store the ratings of one check, naming new activities (up to three in all);
        return every activity named and the ratings as stored."""
        now = utc_now()
        ratings: list[tuple[str, int]] = []
        with self.store.transaction() as db:
            check_id = _check_row(db, check_uid)
            known = {uid: row for row, uid in _activity_rows(db)}
            for entry in entries:
                if not 0 <= entry.score <= 10:
                    raise StoreError(f"a PSFS rating must be 0-10, not {entry.score}")
                activity = entry.activity
                if activity is None:
                    text = clean_activity(entry.text)
                    if not text:
                        continue
                    if len(known) >= MAX_ACTIVITIES:
                        raise StoreError(f"at most {MAX_ACTIVITIES} activities can be named")
                    activity = new_id()
                    cursor = db.execute(INSERT_ACTIVITY, (None, text, now, activity))
                    assert cursor.lastrowid is not None
                    known[activity] = cursor.lastrowid
                elif activity not in known:
                    raise StoreError(f"no PSFS activity {activity}")
                db.execute(INSERT_PSFS, (check_id, known[activity], entry.score, now))
                ratings.append((activity, entry.score))
            activities = _activities(db)
        return activities, tuple(ratings)

    def close_check(
        self, check_uid: str, status: SessionStatus, pain_after: PainAnswer | None
    ) -> None:
        answer = pain_after or PainAnswer(None)
        with self.store.transaction() as db:
            db.execute(
                "UPDATE checks SET ended_at = ?, status = ?, pain_after = ?, numbness = ?,"
                " leg_weakness = ?, pain_below_knee = ? WHERE id = ?",
                (
                    utc_now(),
                    status,
                    answer.pain,
                    int(answer.numbness),
                    int(answer.leg_weakness),
                    int(answer.pain_below_knee),
                    _check_row(db, check_uid),
                ),
            )

    # -- reading ------------------------------------------------------------------------

    def check_history(self, since: date | None = None) -> CheckHistory:
        """Every check (from ``since``), oldest first, and every PSFS activity."""
        with self.store.read() as db:
            return read_checks(db, since)

    def last_check_day(self) -> date | None:
        """The day of the latest check with at least one hold done, if any."""
        return self.store.last_check_day()


def hold_row(check_id: int, result: HoldResult, at: str) -> tuple[SqlValue, ...]:
    """The values of :data:`INSERT_HOLD` for ``result``."""
    return (
        check_id,
        result.test.value,
        result.variant.value,
        result.seconds,
        result.ceiling,
        result.ended_by.value,
        at,
    )


def _check_row(db: sqlite3.Connection, uid: str) -> int:
    """The row of the check named ``uid`` (StoreError when the history has none)."""
    row = row_of(db, "checks", uid)
    if row is None:
        raise StoreError(f"no function check {uid} in the history")
    return row


def _activity_rows(db: sqlite3.Connection) -> list[tuple[int, str]]:
    """Every PSFS activity's row and uid, oldest first."""
    return [
        (row_id, name_of("psfs_activities", uid, created, text))
        for row_id, uid, created, text in db.execute(
            "SELECT id, uid, created_at, text FROM psfs_activities ORDER BY id"
        )
    ]


def _activities(db: sqlite3.Connection) -> tuple[PsfsActivity, ...]:
    rows = db.execute("SELECT uid, created_at, text FROM psfs_activities ORDER BY id").fetchall()
    return tuple(PsfsActivity(name_of("psfs_activities", u, c, t), t) for u, c, t in rows)


def read_checks(db: sqlite3.Connection, since: date | None = None) -> CheckHistory:
    """The checks on ``db`` (from ``since``), oldest first, with their holds and ratings."""
    first = since.isoformat() if since is not None else ""
    found = db.execute(
        "SELECT id, local_date, status, pain_before, pain_after,"
        f" numbness OR leg_weakness OR pain_below_knee, {CHECK_NAME_COLUMNS} FROM checks"
        " WHERE local_date >= ? ORDER BY local_date, id",
        (first,),
    ).fetchall()
    holds: dict[int, dict[HoldTest, HoldResult]] = {}
    for check_id, test, variant, seconds, ceiling, ended_by in db.execute(
        "SELECT h.check_id, h.test, h.variant, h.seconds, h.ceiling, h.ended_by"
        " FROM check_holds h JOIN checks c ON c.id = h.check_id WHERE c.local_date >= ?"
        " ORDER BY h.id",
        (first,),
    ):
        kind = HoldTest(test)
        holds.setdefault(check_id, {})[kind] = HoldResult(
            kind, Variant(variant), seconds, EndedBy(ended_by), ceiling
        )
    ratings: dict[int, dict[str, int]] = {}
    activities = dict(_activity_rows(db))
    for check_id, activity, score in db.execute(
        "SELECT r.check_id, r.activity_id, r.score FROM psfs_ratings r"
        " JOIN checks c ON c.id = r.check_id WHERE c.local_date >= ? ORDER BY r.id",
        (first,),
    ):
        ratings.setdefault(check_id, {})[activities[activity]] = score
    checks = tuple(
        CheckRecord(
            check_name(*named),
            date.fromisoformat(day),
            SessionStatus(status),
            before,
            after,
            bool(flag),
            holds.get(check_id, {}),
            ratings.get(check_id, {}),
        )
        for check_id, day, status, before, after, flag, *named in found
    )
    return CheckHistory(checks, _activities(db))


def check_export(store: HistoryStore, since: date | None = None) -> list[dict[str, JsonValue]]:
    """One row per hold of every check (from ``since``), as :data:`CHECK_COLUMNS`."""
    with store.read() as db:
        rows = db.execute(
            "SELECT c.local_date, c.id, c.started_at, c.status, h.test, h.variant, h.seconds,"
            " h.ceiling, h.ended_by, h.recorded_at, c.pain_before, c.pain_after,"
            f" c.numbness, c.leg_weakness, c.pain_below_knee, {columns_of('c', CHECK_NAME_COLUMNS)}"
            " FROM check_holds h JOIN checks c ON c.id = h.check_id WHERE c.local_date >= ?"
            " ORDER BY c.local_date, c.id, h.id",
            (since.isoformat() if since else "",),
        ).fetchall()
    result = []
    width = len(CHECK_COLUMNS)
    for row in rows:
        entry: dict[str, JsonValue] = dict(zip(CHECK_COLUMNS, row[:width], strict=True))
        entry["check_id"] = check_name(*row[width:])  # its uid: no row id leaves the store
        for flag in ("numbness", "leg_weakness", "pain_below_knee"):
            entry[flag] = bool(entry[flag])
        result.append(entry)
    return result


CHECK_COLUMNS: tuple[str, ...] = (
    "date",
    "check_id",
    "check_started_at",
    "check_status",
    "test",
    "variant",
    "seconds",
    "ceiling_seconds",
    "ended_by",
    "recorded_at",
    "pain_before",
    "pain_after",
    "numbness",
    "leg_weakness",
    "pain_below_knee",
)

PSFS_COLUMNS: tuple[str, ...] = (
    "date",
    "check_id",
    "activity_id",
    "activity",
    "score",
    "rated_at",
)


def psfs_export(store: HistoryStore, since: date | None = None) -> list[dict[str, JsonValue]]:
    """One row per PSFS rating (from ``since``), as :data:`PSFS_COLUMNS`."""
    with store.read() as db:
        rows = db.execute(
            "SELECT c.local_date, a.text, r.score, r.rated_at, a.uid, a.created_at,"
            f" {columns_of('c', CHECK_NAME_COLUMNS)} FROM psfs_ratings r"
            " JOIN checks c ON c.id = r.check_id JOIN psfs_activities a ON a.id = r.activity_id"
            " WHERE c.local_date >= ? ORDER BY c.local_date, c.id, r.id",
            (since.isoformat() if since else "",),
        ).fetchall()
    # Each check and activity by its uid: no row id leaves the store.
    return [
        dict(
            zip(
                PSFS_COLUMNS,
                (
                    day,
                    check_name(*check),
                    name_of("psfs_activities", uid, created, text),
                    text,
                    score,
                    rated_at,
                ),
                strict=True,
            )
        )
        for day, text, score, rated_at, uid, created, *check in rows
    ]
