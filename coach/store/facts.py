"""Every fact's identity in the history: a uid that is the same wherever the fact is.

A session is named when it opens (:func:`coach.engine.ids.new_id`, a UUIDv7). The other
facts a history keeps apart from sessions (a checklist answered, a follow-up, a function
check, an activity named for the PSFS) are named here, from the instant they happened
and what they hold: a UUIDv7 whose 48 time bits are that instant and whose 74 others
come from a hash of the row. Naming is therefore reproducible: the same row named in
two copies of a history, or named again after a restore from a backup, gets the same
name, so merging one history into another twice adds nothing the second time.

Rows written without a name (a checklist stored this morning) are named the first time
a name is needed (:func:`name_facts`, before a merge or an export), in the history they
are in; rows of a history that may not be written (a merge's source) are named in a
copy.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "CHECK_NAME_COLUMNS",
    "NAMED",
    "SESSION_NAME_COLUMNS",
    "Named",
    "check_name",
    "columns_of",
    "fact_uid",
    "name_facts",
    "name_of",
    "row_of",
    "session_name",
]


@dataclass(frozen=True, slots=True)
class Named:
    """A table whose rows are named by :func:`name_facts`."""

    table: str
    instant: str
    """The column that says when the fact happened."""
    content: tuple[str, ...]
    """The columns that, with the instant, make the fact what it is."""


NAMED: tuple[Named, ...] = (
    Named("sessions", "started_at", ("source_id", "title", "levels_json", "local_date")),
    Named("screenings", "taken_at", ("answers_json", "outcome", "local_date")),
    Named("checks", "started_at", ("local_date", "pain_before")),
    Named("psfs_activities", "created_at", ("text",)),
    # A follow-up's own content: which session or check it followed is named by the
    # merge (through those rows' names), not here.
    Named("follow_ups", "asked_at", ("local_date", "symptoms", "clinician_seen", "cleared")),
)


def fact_uid(instant: str, content: Sequence[object]) -> str:
    """The name of a fact that happened at ``instant`` (ISO 8601) and holds ``content``:
    a UUIDv7 (RFC 9562) as 32 hex digits, its time the instant's milliseconds."""
    try:
        moment = datetime.fromisoformat(instant)
        ms = int(moment.timestamp() * 1000) if moment.tzinfo else 0
    except (TypeError, ValueError):
        ms = 0
    text = json.dumps([instant, *content], sort_keys=True, default=str)
    digest = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:10], "big")
    value = (max(ms, 0) & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((digest >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= digest & ((1 << 62) - 1)
    return uuid.UUID(int=value).hex


def name_of(table: str, uid: str | None, instant: object, *content: object) -> str:
    """A row's uid as stored, or for a row not named yet, the name :func:`name_facts`
    will give it (the same: reading a fact before it is named and after gives one
    identity). ``instant`` and ``content`` are its :data:`NAMED` columns, in order."""
    if uid:
        return uid
    return fact_uid(str(instant), [table, *content])


def session_name(uid: str | None, started_at: str, *content: object) -> str:
    """:func:`name_of` a session, from :data:`SESSION_NAME_COLUMNS`."""
    return name_of("sessions", uid, started_at, *content)


def check_name(uid: str | None, started_at: str, *content: object) -> str:
    """:func:`name_of` a function check, from :data:`CHECK_NAME_COLUMNS`."""
    return name_of("checks", uid, started_at, *content)


SESSION_NAME_COLUMNS = "uid, started_at, source_id, title, levels_json, local_date"
"""The columns :func:`session_name` takes, in order (for a SELECT)."""
CHECK_NAME_COLUMNS = "uid, started_at, local_date, pain_before"
"""The columns :func:`check_name` takes, in order."""


def columns_of(alias: str, columns: str) -> str:
    """``columns`` (as above) of the table ``alias`` in a join: 'uid, x' -> 's.uid, s.x'."""
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def name_facts(db: sqlite3.Connection) -> int:
    """Name every row of :data:`NAMED` that has no name yet, inside the caller's
    transaction; returns how many were named."""
    named = 0
    for spec in NAMED:
        columns = ", ".join((spec.instant, *spec.content))
        rows = db.execute(f"SELECT id, {columns} FROM {spec.table} WHERE uid IS NULL").fetchall()
        for row_id, instant, *content in rows:
            uid = fact_uid(str(instant), [spec.table, *content])
            # Two rows alike to the millisecond (made-up data, a history copied into
            # itself) must still differ: the second is named with its rank among them.
            rank = 0
            while db.execute(f"SELECT 1 FROM {spec.table} WHERE uid = ?", (uid,)).fetchone():
                rank += 1
                uid = fact_uid(str(instant), [spec.table, *content, rank])
            db.execute(f"UPDATE {spec.table} SET uid = ? WHERE id = ?", (uid, row_id))
            named += 1
    return named


def row_of(db: sqlite3.Connection, table: str, uid: str) -> int | None:
    """The row of the fact named ``uid`` in ``table`` (a table of :data:`NAMED`), None
    when there is none: how the store turns the engine's names into its own handles. A
    row not named yet (written without one since) is found by the name it will get."""
    found = db.execute(f"SELECT id FROM {table} WHERE uid = ?", (uid,)).fetchone()
    if found is not None:
        return int(found[0])
    spec = next(n for n in NAMED if n.table == table)
    if db.execute(f"SELECT 1 FROM {table} WHERE uid IS NULL LIMIT 1").fetchone() is None:
        return None
    columns = ", ".join((spec.instant, *spec.content))
    for row_id, instant, *content in db.execute(
        f"SELECT id, {columns} FROM {table} WHERE uid IS NULL"
    ).fetchall():
        if fact_uid(str(instant), [table, *content]) == uid:
            return int(row_id)
    return None
