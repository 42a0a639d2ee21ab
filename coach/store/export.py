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
from typing import Any, TextIO

from coach.engine.clock import local_day
from coach.format.text import json_safe, printable
from coach.store.database import HistoryStore

__all__ = [
    "COLUMNS",
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
)

_INTS = {
    "session_id",
    "level",
    "set_number",
    "attempt",
    "planned_sets",
    "planned_holds",
    "planned_reps",
    "pain",
}
_FLOATS = {
    "planned_hold_seconds",
    "planned_duration_seconds",
    "planned_work_seconds",
    "done_work_seconds",
}
# How the sides of a set were worked: one word a spreadsheet can filter on.
_SIDE = {"both": "both", "each": "left+right"}
_BOOLS = {"completed", "numbness", "leg_weakness", "pain_below_knee"}


def _filters(
    since: date | None, program: str | None, exercise: str | None
) -> tuple[str, list[Any]]:
    clauses, params = [], []
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
) -> list[dict[str, Any]]:
    """Every stored set matching the filters, oldest first, as :data:`COLUMNS`."""
    where, params = _filters(since, program, exercise)
    with store._read() as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT s.started_at, s.source_id, t.* FROM sets t JOIN sessions s"
            f" ON s.id = t.session_id WHERE {where} ORDER BY t.id",
            params,
        ).fetchall()
    result = []
    days: dict[str, date] = {}  # a session's sets share its start: parse it once
    for row in rows:
        started = row["started_at"]
        day = days.get(started)
        if day is None:
            day = days[started] = local_day(started)
        if since and day < since:
            continue
        result.append(
            {
                "date": day.isoformat(),
                "session_id": row["session_id"],
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
            }
        )
    return result


def session_rows(
    store: HistoryStore,
    *,
    since: date | None = None,
    program: str | None = None,
    exercise: str | None = None,
) -> list[dict[str, Any]]:
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
) -> tuple[list[dict[str, Any]], int]:
    """The rows of :func:`session_rows`, oldest first (only the last ``limit`` of them
    when given and there is no ``since``), and how many sessions match in all.

    Shaped for years of history: one grouped query over the sets-by-session index, and
    the dose changes of the sessions shown counted in one pass.
    """
    if since is not None:
        limit = None  # the local day is only known in Python: filter first, all of them
    where, params = _filters(since, program, exercise)
    join = "JOIN" if (program or exercise) else "LEFT JOIN"
    last = " ORDER BY s.id DESC LIMIT ?" if limit is not None else ""
    with store._read() as db:
        found = db.execute(
            "SELECT s.id, s.started_at, s.ended_at, s.title, s.status, s.stop_reason,"
            " s.baseline_pain, COUNT(t.id), MAX(t.pain)"
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
    result = []
    for sid, started, ended, title, status, reason, baseline, sets, peak in found:
        # Parsed once per session (thousands of them for the history screen).
        start = datetime.fromisoformat(started)
        day = start.astimezone().date()
        if since and day < since:
            total -= 1
            continue
        minutes = None
        if ended:
            span = datetime.fromisoformat(ended) - start
            minutes = round(span.total_seconds() / 60, 1)
        result.append(
            {
                "date": day.isoformat(),
                "session_id": sid,
                "routine": title,
                "status": status,
                "stop_reason": reason,
                "minutes": minutes,
                "sets": sets,
                "baseline_pain": baseline,
                "peak_pain": peak,
                "dose_changes": changes.get(sid, 0),
            }
        )
    return result, total


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...),
# @SUM(...), +1+cmd|' /C calc'!A0); a tab or carriage return can start one too. As
# OWASP recommends, such a text cell is written with a single quote in front, which
# spreadsheets show as text and do not display. A cell that starts with a quote gets
# one more, so that read_csv can take exactly one off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def write_csv(rows: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row[k]) for k in COLUMNS})


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # Escaped too: a history stored before coach refused control characters in
        # names may hold some, and a CSV is often printed to a terminal.
        return printable(neutralise_formula(value))
    return "" if value is None else value


def neutralise_formula(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula (OWASP's CSV injection advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_json(rows: Sequence[Mapping[str, Any]], out: TextIO) -> None:
    text = json.dumps(
        {"format": "coach-sets", "version": 1, "columns": list(COLUMNS), "sets": list(rows)},
        indent=2,
        ensure_ascii=False,
    )
    # The same JSON, with anything a terminal would act on written as \uXXXX.
    out.write(json_safe(text) + "\n")


def read_csv(text: str) -> list[dict[str, Any]]:
    """Rows of an exported CSV with their types restored (the inverse of write_csv)."""
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict[str, Any] = {}
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
            else:
                row[key] = value
        rows.append(row)
    return rows
