"""A history's rows as they are written: the columns and inserts of each table, a set's
and a decision's values, and how one write of a session (from the day or from a journal)
is applied inside a transaction. Shared by the store's writers, the demo history's bulk
write and the views; no connection is opened here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from coach.base.types import SqlValue
from coach.engine.clock import utc_now
from coach.engine.records import (
    SessionStatus,
    SetFacts,
    SetRecord,
)
from coach.store.journal import (
    FACT_TABLES,
    JournalEntry,
)

if TYPE_CHECKING:
    from coach.engine.day.messages import LevelChoice, SessionEnd

    # Types only: the store is opened before the first frame, and the scaling and
    # timeline modules pull in pydantic, which is slow to import.
    from coach.engine.scaling import Advice, Decision
    from coach.engine.timeline import Dose

__all__ = [
    "FACT_COLUMNS",
    "INSERT_ADVICE",
    "INSERT_DOSE_CHANGE",
    "INSERT_LEVEL_MOVE",
    "INSERT_SCREENING",
    "INSERT_SESSION",
    "INSERT_SET",
    "NOTE_LIMIT",
    "SESSION_COLUMNS",
    "SET_COLUMNS",
    "advice_rows",
    "after_entries",
    "apply_after",
    "apply_write",
    "decision_rows",
    "dose_json",
    "insert_fact",
    "journal_set",
    "played_order",
    "set_facts",
    "set_row",
]


# The writes of rows that the demo history's bulk write (store.bulk) also makes:
# one text for each, so a new column cannot be added to one writer and not the other.
SET_COLUMNS = (
    "session_id", "exercise_index", "program_id", "level", "exercise_id", "exercise_name",
    "kind", "set_number", "sets_planned", "attempt", "planned_hold", "planned_holds",
    "planned_reps", "planned_duration", "planned_work_seconds", "done_work_seconds",
    "completed", "pain", "numbness", "leg_weakness", "pain_below_knee", "started_at",
    "rated_at", "sides", "skip_reason",
)  # fmt: skip
"""The columns of a set as written, in :func:`set_row`'s order (the journal's too)."""


INSERT_SET = (
    f"INSERT INTO sets ({', '.join(SET_COLUMNS)}) VALUES ({', '.join('?' * len(SET_COLUMNS))})"
)


INSERT_DOSE_CHANGE = (
    "INSERT INTO dose_changes (session_id, program_id, exercise_id, before_json,"
    " after_json, reason, decided_at, level, rule, inputs_json, moment)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


INSERT_ADVICE = (
    "INSERT INTO advice (session_id, program_id, rule, reason, inputs_json, decided_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


SESSION_COLUMNS = (
    "started_at", "source_id", "title", "source_path", "speed", "planned_seconds",
    "baseline_pain", "levels_json", "owner", "local_date", "utc_offset",
)  # fmt: skip
"""The columns of a new session's row (the journal keeps them, with its uid)."""


INSERT_SESSION = (
    f"INSERT INTO sessions ({', '.join(SESSION_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(SESSION_COLUMNS))})"
)


INSERT_LEVEL_MOVE = (
    "INSERT INTO level_moves (session_id, program_id, from_level, to_level,"
    " accepted, decided_at) VALUES (?, ?, ?, ?, ?, ?)"
)


INSERT_SCREENING = (
    "INSERT INTO screenings (taken_at, answers_json, outcome, local_date) VALUES (?, ?, ?, ?)"
)


def played_order(table: str = "", *, newest_first: bool = False) -> str:
    """An ORDER BY list putting sessions (of ``table``, an alias or empty) in the order
    they were played: SessionFacts.order's, in SQL."""
    p = f"{table}." if table else ""
    terms = (
        f"COALESCE({p}local_date, {p}started_at)",
        f"{p}started_at",
        f"COALESCE({p}uid, '')",
    )
    return ", ".join(f"{t} DESC" if newest_first else t for t in terms)


# The columns that make a stored set's facts, in SetFacts.of's order after the index.
FACT_COLUMNS = (
    "exercise_index, program_id, exercise_id, set_number, sets_planned, completed, pain,"
    " numbness OR leg_weakness OR pain_below_knee, skip_reason"
)


NOTE_LIMIT = 500
"""The longest note on a session, in characters (the schema's CHECK)."""


def dose_json(dose: Dose) -> str:
    """A dose as stored in a decision: only the parts it has."""
    return json.dumps({k: v for k, v in asdict(dose).items() if v is not None}, sort_keys=True)


def set_row(record: SetRecord, session_id: int = 0) -> tuple[SqlValue, ...]:
    """The values of :data:`INSERT_SET` for ``record``, in the session of row
    ``session_id`` (the store's and the bulk history's one way of writing a set; the
    record names its session by uid, the row is the store's)."""
    dose, answer = record.planned, record.answer
    return (
        session_id,
        record.exercise_index,
        record.program_id,
        record.level,
        record.exercise_id,
        record.exercise_name,
        record.kind,
        record.set_number,
        record.sets_planned,
        record.attempt,
        dose.hold,
        dose.holds,
        dose.reps,
        dose.duration,
        record.planned_work_seconds,
        record.done_work_seconds,
        int(record.completed),
        answer.pain,
        int(answer.numbness),
        int(answer.leg_weakness),
        int(answer.pain_below_knee),
        record.started_at,
        record.rated_at or utc_now(),
        record.sides,
        record.skipped.value if record.skipped else None,
    )


def set_facts(row: Sequence[Any]) -> SetFacts:  # Any: a row as SQLite returns it, unpacked
    index, program, exercise, number, planned, completed, pain, red_flag, skipped = row
    return SetFacts.of(
        exercise_index=index,
        program_id=program,
        exercise_id=exercise,
        set_number=number,
        sets_planned=planned,
        completed=completed,
        pain=pain,
        red_flag=red_flag,
        skipped=skipped,
    )


def journal_set(row: JournalEntry) -> SetFacts:
    """A set as the journal keeps it (a row of :data:`SET_COLUMNS`), as the engine sees it."""
    return set_facts(
        (
            row["exercise_index"],
            row["program_id"],
            row["exercise_id"],
            row["set_number"],
            row["sets_planned"],
            row["completed"],
            row["pain"],
            row["numbness"] or row["leg_weakness"] or row["pain_below_knee"],
            row["skip_reason"],
        )
    )


def decision_rows(
    session_id: int, decisions: Sequence[Decision], at: str, moment: str
) -> list[tuple[SqlValue, ...]]:
    """The values of :data:`INSERT_DOSE_CHANGE` for ``decisions``."""
    return [
        (
            session_id,
            d.program_id,
            d.exercise_id,
            dose_json(d.before),
            dose_json(d.after),
            d.reason,
            at,
            d.level,
            d.rule.value,
            json.dumps(dict(d.inputs), sort_keys=True),
            moment,
        )
        for d in decisions
    ]


def advice_rows(session_id: int, advice: Sequence[Advice], at: str) -> list[tuple[SqlValue, ...]]:
    """The values of :data:`INSERT_ADVICE` for ``advice``."""
    return [
        (
            session_id,
            a.program_id,
            a.rule.value,
            a.reason,
            json.dumps(dict(a.inputs), sort_keys=True),
            at,
        )
        for a in advice
    ]


KEEP_FIRST_ANSWER = (
    "first_answer = COALESCE(first_answer, json_object('pain', pain, 'numbness', numbness,"
    " 'leg_weakness', leg_weakness, 'pain_below_knee', pain_below_knee)),"
)
"""The SET clause that keeps a set's first answer when it is first corrected (SQLite
reads the row's values before the update)."""


def apply_write(
    db: sqlite3.Connection,
    session: JournalEntry,
    sets: Sequence[JournalEntry],
    finish: JournalEntry | None,
    after: Sequence[JournalEntry] = (),
) -> tuple[int, int]:
    """Write a session as the journal holds it (see :mod:`coach.store.journal`) inside the
    open transaction, changing nothing already there: found by its uid (a journal written
    before sessions were found by uid alone may name the row of a resumed session by its
    id: that row, when it is the same session), created otherwise; then ``after``, the
    facts that follow it (a revised outcome, a note, a level answer). The live write and
    the import of a journal both come here. Returns the session's row (the store's own
    handle) and how many sets were added."""
    uid = session["uid"]
    found = db.execute("SELECT id FROM sessions WHERE uid = ?", (uid,)).fetchone()
    if found is None and isinstance(session.get("id"), int):
        # An older journal: its row, if it is the session the journal holds (its start).
        found = db.execute(
            "SELECT id FROM sessions WHERE id = ? AND started_at = ?",
            (session["id"], session["row"]["started_at"]),
        ).fetchone()
    if found is None:
        row = session["row"]
        cursor = db.execute(INSERT_SESSION, tuple(row[c] for c in SESSION_COLUMNS))
        assert cursor.lastrowid is not None
        session_id = cursor.lastrowid
        db.execute("UPDATE sessions SET uid = ? WHERE id = ?", (uid, session_id))
        db.executemany(INSERT_DOSE_CHANGE, [(session_id, *r) for r in session.get("checks", ())])
    else:
        session_id = found[0]
    added = 0
    for row in sets:
        there = db.execute(
            "SELECT id, pain, numbness, leg_weakness, pain_below_knee FROM sets"
            " WHERE session_id = ? AND exercise_index = ? AND set_number = ? AND attempt = ?",
            (session_id, row["exercise_index"], row["set_number"], row["attempt"]),
        ).fetchone()
        answer = (row["pain"], row["numbness"], row["leg_weakness"], row["pain_below_knee"])
        if there is None:
            db.execute(INSERT_SET, (session_id, *(row[c] for c in SET_COLUMNS[1:])))
            added += 1
        elif tuple(there[1:]) != answer:
            # A rating corrected: the answer first given stays beside it (a warning
            # sign withdrawn is never lost).
            db.execute(
                f"UPDATE sets SET {KEEP_FIRST_ANSWER} pain = ?, numbness = ?,"
                " leg_weakness = ?, pain_below_knee = ?, corrected_at = ? WHERE id = ?",
                (*answer, utc_now(), there[0]),
            )
    if finish is not None:
        closed = db.execute(
            "UPDATE sessions SET ended_at = ?, status = ?, stop_reason = ? WHERE id = ?"
            " AND status = ?",
            (
                finish["ended_at"],
                finish["status"],
                finish["reason"],
                session_id,
                SessionStatus.RUNNING.value,
            ),
        )
        if closed.rowcount:
            db.executemany(
                INSERT_DOSE_CHANGE, [(session_id, *r) for r in finish.get("decisions", ())]
            )
            db.executemany(INSERT_ADVICE, [(session_id, *r) for r in finish.get("advice", ())])
    for fact in after:
        apply_after(db, session_id, fact)
    return session_id, added


def insert_fact(db: sqlite3.Connection, table: str, row: JournalEntry) -> None:
    """Insert a fact that stands apart from any session (see :data:`FACT_TABLES`) unless
    a row with its uid is already there: inserting it twice changes nothing."""
    if table not in FACT_TABLES:
        raise ValueError(f"not a table of standalone facts: {table!r}")
    here = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    columns = [c for c in row if c in here and c != "id"]
    db.execute(
        f"INSERT INTO {table} ({', '.join(columns)})"
        f" SELECT {', '.join('?' * len(columns))}"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE uid = ?)",
        (*(row[c] for c in columns), row["uid"]),
    )


# Any: a journal entry (JSON)
def apply_after(db: sqlite3.Connection, session_id: int, fact: Mapping[str, Any]) -> None:
    """One fact that follows a session, as the journal holds it; applying it twice
    changes nothing more than applying it once."""
    kind = fact["type"]
    if kind == "revise":
        # A rating corrected after the summary (the set itself came with the sets): the
        # outcome and the decisions after the session are replaced by what follows now.
        db.execute(
            "UPDATE sessions SET status = ?, stop_reason = ?, ended_at = COALESCE(ended_at, ?)"
            " WHERE id = ?",
            (fact["status"], fact["reason"], fact["at"], session_id),
        )
        db.execute(
            "DELETE FROM dose_changes WHERE session_id = ? AND moment = 'after'", (session_id,)
        )
        db.execute("DELETE FROM advice WHERE session_id = ?", (session_id,))
        db.executemany(INSERT_DOSE_CHANGE, [(session_id, *r) for r in fact["decisions"]])
        db.executemany(INSERT_ADVICE, [(session_id, *r) for r in fact["advice"]])
    elif kind == "note":
        text = str(fact["text"])[:NOTE_LIMIT]
        db.execute("UPDATE sessions SET note = ? WHERE id = ?", (text or None, session_id))
    elif kind == "level_move":
        there = db.execute(
            "SELECT 1 FROM level_moves WHERE session_id = ? AND program_id = ?",
            (session_id, fact["program_id"]),
        ).fetchone()
        if there is None:
            db.execute(
                INSERT_LEVEL_MOVE,
                (
                    session_id,
                    fact["program_id"],
                    int(fact["from_level"]),
                    int(fact["to_level"]),
                    int(bool(fact["accepted"])),
                    fact["at"],
                ),
            )
    else:
        raise ValueError(f"unknown kind of fact {kind!r}")


def after_entries(
    revised: SessionEnd | None, note: str | None, level_move: LevelChoice | None
) -> list[tuple[str, JournalEntry]]:
    """The facts that follow a session, as the journal keeps them, each with the key
    under which a later one replaces it."""
    now = utc_now()
    found: list[tuple[str, JournalEntry]] = []
    fact: JournalEntry
    if revised is not None:
        decisions = decision_rows(0, revised.decisions, now, "after")
        fact = {
            "type": "revise",
            "at": now,
            "status": SessionStatus(revised.status).value,
            "reason": revised.reason,
            "decisions": [list(r[1:]) for r in decisions],
            "advice": [list(r[1:]) for r in advice_rows(0, revised.advice, now)],
        }
        found.append(("revise", fact))
    if note is not None:
        found.append(("note", {"type": "note", "at": now, "text": note[:NOTE_LIMIT]}))
    if level_move is not None:
        fact = {
            "type": "level_move",
            "at": now,
            "program_id": level_move.program_id,
            "from_level": level_move.from_level,
            "to_level": level_move.to_level,
            "accepted": level_move.accepted,
        }
        found.append((f"level_move:{level_move.program_id}", fact))
    return found
