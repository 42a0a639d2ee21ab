"""History out of coach: one row per set, with stable column names, as CSV or JSON.

The columns (documented in docs/export.md) are a contract with whoever reads the file: a
spreadsheet, pandas, a clinician's tools. New columns may be added at the end; existing
ones keep their names and meaning.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TextIO, TypedDict

from coach.base.types import JsonValue, SqlValue
from coach.engine.clock import local_day
from coach.engine.records import SessionStatus
from coach.format.text import json_safe, printable
from coach.store.database import HistoryStore
from coach.store.facts import (
    CHECK_NAME_COLUMNS,
    SESSION_NAME_COLUMNS,
    check_name,
    columns_of,
    session_name,
)
from coach.store.waiting import Waiting

__all__ = [
    "COLUMNS",
    "DECISION_COLUMNS",
    "DecisionRow",
    "SessionRow",
    "SetRow",
    "decision_export",
    "export_rows",
    "read_csv",
    "session_page",
    "session_rows",
    "write_csv",
    "write_json",
]

COLUMNS: tuple[str, ...] = (
    "date",
    "session_id",
    "session_started_at",
    "routine",
    "program",
    "level",
    "exercise",
    "exercise_name",
    "kind",
    "set_number",
    "attempt",
    "planned_sets",
    "planned_hold_seconds",
    "planned_holds",
    "planned_reps",
    "planned_duration_seconds",
    "planned_work_seconds",
    "done_work_seconds",
    "completed",
    "pain",
    "numbness",
    "leg_weakness",
    "pain_below_knee",
    "rated_at",
    "side",
    "skip_reason",
    "session_note",
    "saved",
)

# One row per decision: a dose change (before a session or after it), a piece of advice,
# a level offer and its answer, a red-flag screening. See docs/export.md.
DECISION_COLUMNS: tuple[str, ...] = (
    "date",
    "session_id",
    "decided_at",
    "kind",
    "moment",
    "program",
    "level",
    "exercise",
    "rule",
    "before",
    "after",
    "accepted",
    "reason",
    "inputs",
)


class SetRow(TypedDict):
    """One rated set, as exported (:data:`COLUMNS`, in that order)."""

    date: str
    session_id: str
    """Its session's uid: the same in the history and the journal, in any copy of it."""
    session_started_at: str
    routine: str
    program: str
    level: int
    exercise: str
    exercise_name: str
    kind: str
    set_number: int
    attempt: int
    planned_sets: int
    planned_hold_seconds: float | None
    planned_holds: int | None
    planned_reps: int | None
    planned_duration_seconds: float | None
    planned_work_seconds: float
    done_work_seconds: float
    completed: bool
    pain: int | None
    numbness: bool
    leg_weakness: bool
    pain_below_knee: bool
    rated_at: str
    side: str | None
    skip_reason: str | None
    session_note: str | None
    saved: bool


class SessionRow(TypedDict):
    """One session, as `coach history` lists it and the history screen reads it."""

    date: str
    session_id: str
    """Its uid."""
    routine: str
    status: SessionStatus
    stop_reason: str | None
    minutes: float | None
    seconds: int | None
    sets: int
    baseline_pain: int | None
    peak_pain: int | None
    dose_changes: int
    saved: bool


class DecisionRow(TypedDict):
    """One decision, as exported (:data:`DECISION_COLUMNS`) and as the report reads it."""

    date: str | None
    session_id: str | None
    """The uid of the session it was taken before or after (None for none)."""
    decided_at: str
    kind: str
    """'dose', 'advice', 'level', 'follow-up' or 'screening'."""
    moment: str | None
    """A dose change's: 'before' the session (a check) or 'after' it."""
    program: str | None
    level: int | None
    exercise: str | None
    rule: str | None
    before: JsonValue
    """A dose as a JSON object (a dose change), or a level (a level move)."""
    after: JsonValue
    accepted: bool | None
    reason: str | None
    inputs: JsonValue


_INTS = {
    "score",
    "pain_before",
    "pain_after",
    "level",
    "set_number",
    "attempt",
    "planned_sets",
    "planned_holds",
    "planned_reps",
    "pain",
}
_FLOATS = {
    "seconds",
    "ceiling_seconds",
    "planned_hold_seconds",
    "planned_duration_seconds",
    "planned_work_seconds",
    "done_work_seconds",
}
# How the sides of a set were worked: one word a spreadsheet can filter on.
_SIDE = {"both": "both", "each": "left+right"}
_BOOLS = {"completed", "numbness", "leg_weakness", "pain_below_knee", "accepted", "saved"}
_JSON = {"before", "after", "inputs"}


def _filters(
    since: date | None, program: str | None, exercise: str | None
) -> tuple[str, list[SqlValue]]:
    clauses: list[str] = []
    params: list[SqlValue] = []
    if program:
        clauses.append("t.program_id = ?")
        params.append(program)
    if exercise:
        clauses.append("t.exercise_id = ?")
        params.append(exercise)
    if since:
        # Stored in UTC; a day earlier is fetched and the local date filters exactly below.
        clauses.append("s.started_at >= ?")
        params.append(date.fromordinal(since.toordinal() - 1).isoformat())
    return (" AND ".join(clauses) or "1"), params


def export_rows(
    store: HistoryStore,
    *,
    since: date | None = None,
    program: str | None = None,
    exercise: str | None = None,
    waiting: Waiting | None = None,
) -> list[SetRow]:
    """Every stored set matching the filters, oldest first, as :data:`COLUMNS`; with
    ``waiting`` (see :mod:`coach.store.waiting`), those in the journal say
    ``saved: false`` (and their session's id is empty while its row is not saved)."""
    waiting = waiting or Waiting()
    where, params = _filters(since, program, exercise)
    with store.read() as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT s.started_at, s.local_date, s.source_id, s.note AS session_note,"
            f" {columns_of('s', SESSION_NAME_COLUMNS).replace('s.uid', 's.uid AS session_uid')}"
            ", t.* FROM sets t JOIN sessions s"
            f" ON s.id = t.session_id WHERE {where} ORDER BY t.id",
            params,
        ).fetchall()
    result: list[SetRow] = []
    days: dict[str, date] = {}  # a session's sets share its start: parse it once
    for row in rows:
        started = row["started_at"]
        day = days.get(started)
        if day is None:
            day = days[started] = _day_of(row["local_date"], started)
        if since and day < since:
            continue
        result.append(
            {
                "date": day.isoformat(),
                "session_id": session_name(
                    row["session_uid"],
                    row["started_at"],
                    row["source_id"],
                    row["title"],
                    row["levels_json"],
                    row["local_date"],
                ),
                "session_started_at": row["started_at"],
                "routine": row["source_id"],
                "program": row["program_id"],
                "level": row["level"],
                "exercise": row["exercise_id"],
                "exercise_name": row["exercise_name"],
                "kind": row["kind"],
                "set_number": row["set_number"],
                "attempt": row["attempt"],
                "planned_sets": row["sets_planned"],
                "planned_hold_seconds": row["planned_hold"],
                "planned_holds": row["planned_holds"],
                "planned_reps": row["planned_reps"],
                "planned_duration_seconds": row["planned_duration"],
                "planned_work_seconds": row["planned_work_seconds"],
                "done_work_seconds": row["done_work_seconds"],
                "completed": bool(row["completed"]),
                "pain": row["pain"],
                "numbness": bool(row["numbness"]),
                "leg_weakness": bool(row["leg_weakness"]),
                "pain_below_knee": bool(row["pain_below_knee"]),
                "rated_at": row["rated_at"],
                "side": _SIDE.get(row["sides"]),
                "skip_reason": row["skip_reason"],
                "session_note": row["session_note"],
                "saved": row["id"] not in waiting.sets,
            }
        )
    return result


def session_rows(
    store: HistoryStore,
    *,
    since: date | None = None,
    program: str | None = None,
    exercise: str | None = None,
) -> list[SessionRow]:
    """One row per session (with at least one matching set, when filtered by program or
    exercise): date, routine, duration, sets, baseline and peak pain, dose changes."""
    return session_page(store, since=since, program=program, exercise=exercise)[0]


def session_page(
    store: HistoryStore,
    *,
    since: date | None = None,
    program: str | None = None,
    exercise: str | None = None,
    limit: int | None = None,
    waiting: Waiting | None = None,
) -> tuple[list[SessionRow], int]:
    """The rows of :func:`session_rows`, oldest first (only the last ``limit`` of them
    when given and there is no ``since``), and how many sessions match in all.

    Shaped for years of history: one grouped query over the sets-by-session index, and
    the dose changes of the sessions shown counted in one pass. With ``waiting``, a
    session with anything in the journal says ``saved: false``.
    """
    waiting = waiting or Waiting()
    if since is not None:
        limit = None  # the local day is only known in Python: filter first, all of them
    where, params = _filters(since, program, exercise)
    join = "JOIN" if (program or exercise) else "LEFT JOIN"
    last = " ORDER BY s.id DESC LIMIT ?" if limit is not None else ""
    with store.read() as db:
        found = db.execute(
            "SELECT s.id, s.started_at, s.local_date, s.ended_at, s.title, s.status,"
            " s.stop_reason,"
            " s.baseline_pain, COUNT(t.id), MAX(t.pain),"
            f" {columns_of('s', SESSION_NAME_COLUMNS)}"
            f" FROM sessions s {join} sets t ON t.session_id = s.id"
            f" WHERE {where} GROUP BY s.id{last}",
            [*params, limit] if limit is not None else params,
        ).fetchall()
        found.sort()
        if limit is None:
            total = len(found)
        elif program or exercise:
            (total,) = db.execute(
                f"SELECT COUNT(DISTINCT t.session_id) FROM sets t WHERE {where}", params
            ).fetchone()
        else:
            (total,) = db.execute("SELECT COUNT(*) FROM sessions").fetchone()
        changes: dict[int, int] = {}
        if found:
            changes = dict(
                db.execute(
                    "SELECT session_id, COUNT(*) FROM dose_changes"
                    " WHERE session_id BETWEEN ? AND ? AND before_json != after_json"
                    " GROUP BY session_id",
                    (found[0][0], found[-1][0]),
                ).fetchall()
            )
    result: list[SessionRow] = []
    for sid, started, local, ended, title, status, reason, baseline, sets, peak, *named in found:
        # Parsed once per session (thousands of them for the history screen).
        start = datetime.fromisoformat(started)
        day = date.fromisoformat(local) if local else start.astimezone().date()
        if since and day < since:
            total -= 1
            continue
        minutes: float | None = None
        seconds: int | None = None
        if ended:
            span = datetime.fromisoformat(ended) - start
            minutes = round(span.total_seconds() / 60, 1)
            # Whole seconds too: people read a length as "13m 28s" (format_elapsed),
            # which a tenth of a minute cannot give.
            seconds = round(span.total_seconds())
        result.append(
            {
                "date": day.isoformat(),
                "session_id": session_name(*named),
                "routine": title,
                "status": SessionStatus(status),
                "stop_reason": reason,
                "minutes": minutes,
                "seconds": seconds,
                "sets": sets,
                "baseline_pain": baseline,
                "peak_pain": peak,
                "dose_changes": changes.get(sid, 0),
                "saved": waiting.saved(sid),
            }
        )
    return result, total


def _day_of(local_date: str | None, started_at: str) -> date:
    """The day a session was played on: as stored when it was played (the same in any
    time zone); for rows older than that record, the day in this computer's zone."""
    return date.fromisoformat(local_date) if local_date else local_day(started_at)


def decision_export(
    store: HistoryStore,
    *,
    since: date | None = None,
    program: str | None = None,
    exercise: str | None = None,
) -> list[DecisionRow]:
    """Every stored decision matching the filters as :data:`DECISION_COLUMNS`, in the
    order they were taken: dose changes (the rule, its inputs and the sentence shown),
    advice, level offers and red-flag screenings (these last have no program, so a
    program or exercise filter leaves them out)."""
    # In time order, a session's decisions together, when it started: the checks before
    # it, its advice, the dose changes after it, and the level offer that closes it.
    found: list[tuple[tuple[str, int, int], DecisionRow]] = []
    # Ten years hold about 50,000 dose decisions over a few hundred distinct doses and
    # inputs: each distinct JSON text is parsed once, and the decisions that hold it
    # share the value (which no reader changes).
    parsed: dict[str, JsonValue] = {}

    def loads(text: str) -> JsonValue:
        value = parsed.get(text)
        if value is None:
            value = parsed[text] = json.loads(text)
        return value

    with store.read() as db:
        db.row_factory = sqlite3.Row
        # Each session's uid: decisions name their session by it (no row id leaves).
        sessions = {}
        names: dict[int, str] = {}
        for sid, local_date, started_at, *named in db.execute(
            f"SELECT id, local_date, started_at, {SESSION_NAME_COLUMNS} FROM sessions"
        ):
            sessions[sid] = (_day_of(local_date, started_at), started_at)
            names[sid] = session_name(*named)
        days = {sid: day for sid, (day, _) in sessions.items()}
        # Only the rows of sessions from 'since' on are read (and their JSON parsed): the
        # smallest such id bounds them all, and the day filters exactly in add().
        first = min((sid for sid, day in days.items() if since is None or day >= since), default=0)
        if since is not None and not any(day >= since for day in days.values()):
            first = max(days, default=0) + 1

        def add(
            order: int,
            row: sqlite3.Row,
            day: date | None,
            *,
            kind: str,
            session_id: int | None = None,
            moment: str | None = None,
            program: str | None = None,
            level: int | None = None,
            exercise: str | None = None,
            rule: str | None = None,
            before: JsonValue = None,
            after: JsonValue = None,
            accepted: bool | None = None,
            reason: str | None = None,
            inputs: JsonValue = None,
        ) -> None:
            if since and (day is None or day < since):
                return
            entry = DecisionRow(
                date=day.isoformat() if day else None,
                session_id=names.get(session_id) if session_id is not None else None,
                decided_at=row["decided_at"],
                kind=kind,
                moment=moment,
                program=program,
                level=level,
                exercise=exercise,
                rule=rule,
                before=before,
                after=after,
                accepted=accepted,
                reason=reason,
                inputs=inputs,
            )
            session = sessions.get(session_id) if session_id is not None else None
            when = session[1] if session else row["decided_at"]
            found.append(((when, order, row["id"]), entry))

        # The dose decisions are most of them (ten years: 50,000): read as plain tuples
        # and made into their rows directly, in DECISION_COLUMNS' order.
        iso = {sid: day.isoformat() for sid, day in days.items()}
        cursor = db.cursor()
        cursor.row_factory = None
        for (
            row_id,
            sid,
            decided_at,
            moment,
            program_id,
            level,
            exercise_id,
            rule,
            before_json,
            after_json,
            reason,
            inputs_json,
        ) in cursor.execute(
            "SELECT id, session_id, decided_at, moment, program_id, level, exercise_id, rule,"
            " before_json, after_json, reason, inputs_json FROM dose_changes"
            " WHERE session_id >= ? OR session_id IS NULL",
            (first,),
        ):
            if (program and program_id != program) or (exercise and exercise_id != exercise):
                continue
            day = days.get(sid)
            if since and (day is None or day < since):
                continue
            session = sessions.get(sid)
            entry = DecisionRow(
                date=iso.get(sid),
                session_id=names.get(sid),
                decided_at=decided_at,
                kind="dose",
                moment=moment,
                program=program_id,
                level=level,
                exercise=exercise_id,
                rule=rule,
                before=loads(before_json),
                after=loads(after_json),
                accepted=None,
                reason=reason,
                inputs=loads(inputs_json),
            )
            when = session[1] if session else decided_at
            found.append(((when, 0 if moment == "before" else 2, row_id), entry))
        if exercise:
            return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]
        for row in db.execute(
            "SELECT * FROM advice WHERE session_id >= ? OR session_id IS NULL", (first,)
        ):
            if program and row["program_id"] != program:
                continue
            add(
                1,
                row,
                days.get(row["session_id"]),
                session_id=row["session_id"],
                kind="advice",
                program=row["program_id"] or None,
                rule=row["rule"],
                reason=row["reason"],
                inputs=loads(row["inputs_json"]),
            )
        for row in db.execute(
            "SELECT * FROM level_moves WHERE session_id >= ? OR session_id IS NULL", (first,)
        ):
            if program and row["program_id"] != program:
                continue
            old, new, accepted = row["from_level"], row["to_level"], bool(row["accepted"])
            add(
                3,
                row,
                days.get(row["session_id"]),
                session_id=row["session_id"],
                kind="level",
                program=row["program_id"],
                level=old,
                rule="level up" if new > old else "level down",
                before=old,
                after=new,
                accepted=accepted,
                reason=_level_sentence(old, new, accepted),
            )
        if not program:
            checks = {
                check_row: check_name(*named)
                for check_row, *named in db.execute(
                    f"SELECT id, {CHECK_NAME_COLUMNS} FROM checks"
                ).fetchall()
            }
            for row in db.execute("SELECT id, asked_at AS decided_at, * FROM follow_ups"):
                add(
                    1,
                    row,
                    date.fromisoformat(row["local_date"]),
                    session_id=row["session_id"],
                    kind="follow-up",
                    rule="cleared" if row["cleared"] else "see a clinician first",
                    accepted=bool(row["cleared"]),
                    reason=_follow_up_sentence(
                        row["symptoms"], bool(row["clinician_seen"]), row["check_id"] is not None
                    ),
                    inputs={
                        "symptoms": row["symptoms"],
                        "clinician_seen": bool(row["clinician_seen"]),
                        # A sign after a function check: which check (no session).
                        **(
                            {"check_id": checks.get(row["check_id"])}
                            if row["check_id"] is not None
                            else {}
                        ),
                    },
                )
            for row in db.execute("SELECT id, taken_at AS decided_at, * FROM screenings"):
                add(
                    1,
                    row,
                    local_day(row["decided_at"]),
                    kind="screening",
                    rule=row["outcome"],
                    reason=_SCREENING.get(row["outcome"], row["outcome"]),
                    inputs=loads(row["answers_json"]),
                )
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]


_SCREENING = {
    "clear": "Warning-sign check: none reported.",
    "review": "Warning-sign check: a sign to review with a clinician soon.",
    "same_day": "Warning-sign check: a sign to see a doctor about the same day.",
    "urgent": "Warning-sign check: a sign that needs urgent medical care.",
}

_SYMPTOMS = {"gone": "has gone", "better": "is better but not gone", "same": "is the same or worse"}


def _follow_up_sentence(symptoms: str, seen: bool, after_check: bool = False) -> str:
    who = "a clinician has seen it" if seen else "no clinician has seen it yet"
    sign = "a warning sign after a function check" if after_check else "a warning sign"
    return f"Follow-up of {sign}: it {_SYMPTOMS.get(symptoms, symptoms)}, and {who}."


def _level_sentence(old: int, new: int, accepted: bool) -> str:
    direction = "up" if new > old else "down"
    if accepted:
        return f"Moved {direction} from level {old} to level {new}."
    return f"Level {new} offered; staying at level {old} for now."


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...),
# @SUM(...), +1+cmd|' /C calc'!A0); a tab or carriage return can start one too. As
# OWASP recommends, such a text cell is written with a single quote in front, which
# spreadsheets show as text and do not display. A cell that starts with a quote gets
# one more, so that read_csv can take exactly one off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def write_csv(
    rows: Iterable[Mapping[str, object]], out: TextIO, columns: Sequence[str] = COLUMNS
) -> None:
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row[k]) for k in columns})


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        # Doses and a rule's inputs: compact JSON, one cell (escaped like any text).
        value = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        # Escaped too: a history stored before coach refused control characters in
        # names may hold some, and a CSV is often printed to a terminal.
        return printable(neutralise_formula(value))
    return "" if value is None else value


def neutralise_formula(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula (OWASP's CSV injection advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_json(
    rows: Sequence[Mapping[str, object]],
    out: TextIO,
    columns: Sequence[str] = COLUMNS,
    what: str | None = None,
    key: str | None = None,
) -> None:
    """``{"format": "coach-<what>", "version": 1, "columns": [...], "<key>": [...]}``;
    ``what`` is 'sets' or 'decisions' by default, after ``columns``, and ``key`` is
    ``what`` unless given."""
    what = what or ("decisions" if columns is DECISION_COLUMNS else "sets")
    text = json.dumps(
        {
            "format": f"coach-{what}",
            "version": 1,
            "columns": list(columns),
            key or what: list(rows),
        },
        indent=2,
        ensure_ascii=False,
    )
    # The same JSON, with anything a terminal would act on written as \uXXXX.
    out.write(json_safe(text) + "\n")


def read_csv(text: str) -> list[dict[str, JsonValue]]:
    """Rows of an exported CSV (sets or decisions) with their types restored (the
    inverse of write_csv)."""
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict[str, JsonValue] = {}
        for key, value in raw.items():
            if value == "":
                row[key] = None
            elif key in _INTS:
                row[key] = int(value)
            elif key in _FLOATS:
                row[key] = float(value)
            elif key in _BOOLS:
                row[key] = value == "true"
            elif value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
                row[key] = value[1:]  # the quote write_csv put in front of a formula
            elif key in _JSON:
                row[key] = json.loads(value)
            else:
                row[key] = value
        rows.append(row)
    return rows
