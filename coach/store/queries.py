"""Reading a history for planning and for home: each program's sessions and level
answers (with those waiting in the journal), the recent sessions, a session's sets
and decisions, and what a merge needs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from coach.base.types import SqlValue
from coach.engine.clock import local_day
from coach.engine.records import (
    LevelMove,
    SessionFacts,
    SessionRecord,
    SessionStatus,
    SetFacts,
)
from coach.store.connection import Database
from coach.store.facts import SESSION_NAME_COLUMNS, columns_of, session_name
from coach.store.journal import (
    JournalFile,
)
from coach.store.rows import (
    FACT_COLUMNS,
    INSERT_DOSE_CHANGE,
    journal_set,
    played_order,
    set_facts,
)

if TYPE_CHECKING:
    # Types only: the store is opened before the first frame, and the scaling and
    # timeline modules pull in pydantic, which is slow to import.
    from coach.engine.planning import ProgramPast
    from coach.format.v1 import Program


__all__ = ["NamedSession", "QueryStore"]


def _sessions_of(db: sqlite3.Connection, program_id: str, *, after: int) -> list[SessionFacts]:
    """The sessions with ``program_id`` whose row is above ``after``, with their sets."""
    return [facts for _, facts in _rows_of(db, program_id, after=after)]


def _rows_of(
    db: sqlite3.Connection, program_id: str, *, after: int
) -> list[tuple[int, SessionFacts]]:
    """:func:`_sessions_of`, each with its row (the store's own handle: the replay
    checkpoints are kept by row)."""
    # The day each was played on, as stored then: the same plan in any time zone.
    sessions = db.execute(
        "SELECT id, COALESCE(local_date, started_at), baseline_pain, levels_json, started_at,"
        f" status, stop_reason, {SESSION_NAME_COLUMNS} FROM sessions"
        " WHERE id > ? AND json_extract(levels_json, '$.' || json_quote(?)) IS NOT NULL"
        " ORDER BY id",
        (after, program_id),
    ).fetchall()
    # '+program_id': walk the sets by session (only those after 'after'), not by program.
    rows = db.execute(
        f"SELECT session_id, {FACT_COLUMNS} FROM sets"
        " WHERE session_id > ? AND +program_id = ? ORDER BY id",
        (after, program_id),
    ).fetchall()
    by_session: dict[int, list[SetFacts]] = {}
    for row in rows:
        by_session.setdefault(row[0], []).append(set_facts(row[1:]))
    return [
        (
            sid,
            SessionFacts(
                day=date.fromisoformat(day) if len(day) == 10 else local_day(day),
                baseline=baseline,
                level=int(json.loads(levels)[program_id]),
                sets=tuple(by_session.get(sid, ())),
                started_at=started,
                uid=session_name(*named),
                status=_status(status),
                stop_reason=stop_reason,
            ),
        )
        for sid, day, baseline, levels, started, status, stop_reason, *named in sessions
    ]


def _status(value: object) -> SessionStatus | None:
    """A stored status as the engine reads it (None for one it does not know)."""
    try:
        return SessionStatus(str(value))
    except ValueError:
        return None


def _journal_facts(
    waiting: JournalFile, program_id: str
) -> tuple[SessionFacts, LevelMove | None] | None:
    """A journal's session as the scaling engine sees it, for ``program_id`` (None when
    it has no session line or does not include that program)."""
    if waiting.session is None:
        return None
    row = waiting.session["row"]
    levels = json.loads(row["levels_json"])
    if program_id not in levels:
        return None
    sets = [
        journal_set(r) for _, r in sorted(waiting.sets.items()) if r["program_id"] == program_id
    ]
    # How it ended: its end line, or a revision after its summary.
    end = waiting.after.get("revise") or waiting.finish or {}
    facts = SessionFacts(
        day=date.fromisoformat(row["local_date"]),
        baseline=row["baseline_pain"],
        level=int(levels[program_id]),
        sets=tuple(sets),
        started_at=row["started_at"],
        uid=str(waiting.session["uid"]),
        status=_status(end.get("status", SessionStatus.RUNNING.value)),
        stop_reason=end.get("reason"),
    )
    move = waiting.after.get(f"level_move:{program_id}")
    answer = None
    if move is not None:
        answer = LevelMove(
            facts.uid, int(move["from_level"]), int(move["to_level"]), bool(move["accepted"])
        )
    return facts, answer


def _with_waiting_records(
    stored: list[SessionRecord], journals: Sequence[JournalFile], limit: int
) -> list[SessionRecord]:
    """The newest ``limit`` sessions, those waiting in the journal counted like stored
    ones (what home says is derived from both: a session played while the history was
    held elsewhere is done today). A session partly stored is one session."""
    if not journals:
        return stored
    by_uid = {r.uid: i for i, r in enumerate(stored)}
    found = list(stored)
    for waiting in journals:
        try:
            record = _journal_record(waiting)
        except (KeyError, TypeError, ValueError):
            continue  # unreadable: the start's import says so, once
        if record is None:
            continue
        at = by_uid.get(record.uid)
        if at is None:
            found.append(record)
            continue
        kept = found[at]
        peaks = [p for p in (kept.peak_pain, record.peak_pain) if p is not None]
        found[at] = replace(
            kept,
            sets_done=max(kept.sets_done, record.sets_done),
            peak_pain=max(peaks) if peaks else None,
            status=record.status if record.ended_at else kept.status,
            ended_at=record.ended_at or kept.ended_at,
        )
    found.sort(key=lambda r: (r.local_date or r.started_at[:10], r.started_at, r.uid), reverse=True)
    return found[:limit]


def _journal_record(waiting: JournalFile) -> SessionRecord | None:
    """A journal's session as home shows it (None without a session line)."""
    if waiting.session is None:
        return None
    row = waiting.session["row"]
    pains = [r["pain"] for r in waiting.sets.values() if r["pain"] is not None]
    end = waiting.after.get("revise") or waiting.finish or {}
    return SessionRecord(
        uid=str(waiting.session["uid"]),
        started_at=str(row["started_at"]),
        ended_at=end.get("ended_at"),
        status=_status(end.get("status")) or SessionStatus.RUNNING,
        source_id=str(row["source_id"]),
        title=str(row["title"]),
        baseline_pain=row["baseline_pain"],
        sets_done=len(waiting.sets),
        peak_pain=max(pains) if pains else None,
        local_date=row["local_date"],
        stop_reason=end.get("reason"),
    )


def _with_waiting(
    sessions: list[SessionFacts],
    moves: list[LevelMove],
    waiting: Sequence[tuple[SessionFacts, LevelMove | None]],
) -> tuple[tuple[SessionFacts, ...], tuple[LevelMove, ...]]:
    """The stored sessions and level moves with those waiting in the journal: a session
    partly stored (its row and first sets in the history, later ones in the journal) is
    one session, its sets the union, the journal's rating of a set the later one."""
    by_uid = {s.uid: i for i, s in enumerate(sessions) if s.uid}
    all_sessions = list(sessions)
    all_moves = list(moves)
    for facts, move in waiting:
        index = by_uid.get(facts.uid)
        if index is None:
            all_sessions.append(facts)
            if move is not None:
                all_moves.append(move)
            continue
        stored = all_sessions[index]
        merged = {(f.exercise_index, f.set_number): f for f in stored.sets}
        merged |= {(f.exercise_index, f.set_number): f for f in facts.sets}
        ended = facts if facts.status is not SessionStatus.RUNNING else stored
        all_sessions[index] = replace(
            stored,
            sets=tuple(merged.values()),
            status=ended.status,
            stop_reason=ended.stop_reason,
        )
        if move is not None and not any(m.after_session == stored.uid for m in moves):
            all_moves.append(replace(move, after_session=stored.uid))
    return tuple(all_sessions), tuple(all_moves)


def _moves_of(db: sqlite3.Connection, program_id: str, *, after: int) -> list[LevelMove]:
    # Named by their session's uid: the row id stays in the store.
    columns = columns_of("s", SESSION_NAME_COLUMNS)
    rows = db.execute(
        f"SELECT m.from_level, m.to_level, m.accepted, {columns} FROM level_moves m"
        " JOIN sessions s ON s.id = m.session_id"
        " WHERE m.program_id = ? AND m.session_id > ? ORDER BY m.id",
        (program_id, after),
    ).fetchall()
    return [LevelMove(session_name(*named), f, t, bool(a)) for f, t, a, *named in rows]


@dataclass(frozen=True, slots=True)
class NamedSession:
    """A session found by its uid."""

    id: int
    uid: str
    source_path: str


class QueryStore(Database):
    """A history's reads for planning and home."""

    def sessions_named(self, uids: Sequence[str]) -> list[NamedSession]:
        """The sessions with these uids: where their file was, and their row."""
        with self.connect() as db:
            found = []
            for uid in uids:
                row = db.execute(
                    "SELECT id, uid, source_path FROM sessions WHERE uid = ?", (uid,)
                ).fetchone()
                if row is not None:
                    found.append(NamedSession(*row))
        return found

    def replace_decisions(self, rows: Sequence[tuple[int, Sequence[Sequence[SqlValue]]]]) -> None:
        """For each (session id, decision rows): the decisions after that session, in
        place of any stored (one transaction for all)."""
        with self.transaction() as db:
            for session_id in {session_id for session_id, _ in rows}:
                db.execute(
                    "DELETE FROM dose_changes WHERE session_id = ? AND moment = 'after'",
                    (session_id,),
                )
            for _, decisions in rows:
                db.executemany(INSERT_DOSE_CHANGE, decisions)

    def program_history(self, program_id: str) -> list[SessionFacts]:
        """Every session that included ``program_id``, as the scaling engine sees it."""
        with self.connect() as db:
            return _sessions_of(db, program_id, after=0)

    def level_moves(self, program_id: str) -> list[LevelMove]:
        with self.connect() as db:
            return _moves_of(db, program_id, after=0)

    def program_past(self, program: Program, start_level: int = 1) -> ProgramPast:
        """``program``'s past for planning: its saved replay, when one still matches the
        history, and the sessions and level moves since (see :mod:`coach.store.replays`)."""
        from coach.store.replays import Replays

        if self._replays is None:
            where = None if self._uri is not None else self.path.parent / "cache" / "replay.json"
            self._replays = Replays(where)
        waiting = self._waiting_facts(program.id)
        with self.connect() as db:
            if waiting:
                # Sessions waiting in the journal count like stored ones (what coach says
                # is derived from both): rare, so this replays in full, not from a
                # checkpoint they might fall inside.
                from coach.engine.planning import ProgramPast

                sessions = _sessions_of(db, program.id, after=0)
                moves = _moves_of(db, program.id, after=0)
                return ProgramPast(None, *_with_waiting(sessions, moves, waiting))
            return self._replays.past(
                db,
                program,
                start_level,
                lambda after: (
                    _rows_of(db, program.id, after=after),
                    _moves_of(db, program.id, after=after),
                ),
            )

    def _waiting_facts(self, program_id: str) -> list[tuple[SessionFacts, LevelMove | None]]:
        """The sessions of ``program_id`` waiting in the journal (read only: nothing is
        imported or removed here), each with the level answer after it, if any. They
        replay by their day, start and uid like any session."""
        found: list[tuple[SessionFacts, LevelMove | None]] = []
        for waiting in self.journal_sessions():
            try:
                facts = _journal_facts(waiting, program_id)
            except (KeyError, TypeError, ValueError):
                continue  # unreadable: the start's import says so, once
            if facts is not None:
                found.append(facts)
        return found

    def recent_sessions(self, limit: int = 20) -> list[SessionRecord]:
        with self.connect() as db:
            # Newest first in the order they were played (see SessionFacts.order), not by
            # row id: a session imported from the journal late is not 'the last one'.
            rows = db.execute(
                "SELECT s.started_at, s.ended_at, s.status, s.source_id, s.title,"
                " s.baseline_pain, COUNT(t.id), MAX(t.pain), s.local_date, s.stop_reason,"
                f" {columns_of('s', SESSION_NAME_COLUMNS)}"
                " FROM (SELECT * FROM sessions"
                f" ORDER BY {played_order(newest_first=True)} LIMIT ?) s"
                " LEFT JOIN sets t ON t.session_id = s.id"
                f" GROUP BY s.id ORDER BY {played_order('s', newest_first=True)}",
                (limit,),
            ).fetchall()
        stored = [
            SessionRecord(
                uid=session_name(*named),
                started_at=started_at,
                ended_at=ended_at,
                status=SessionStatus(status),
                source_id=source_id,
                title=title,
                baseline_pain=baseline,
                sets_done=sets_done,
                peak_pain=peak,
                local_date=local_date,
                stop_reason=stop_reason,
            )
            for (
                started_at, ended_at, status, source_id, title, baseline, sets_done, peak,
                local_date, stop_reason, *named,
            ) in rows
        ]  # fmt: skip
        return _with_waiting_records(stored, self.journal_sessions(), limit)
