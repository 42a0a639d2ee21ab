"""The history store: every session and every rated set, in SQLite.

Plain Python with no UI: the TUI calls it from a thread worker. Each call opens its own
short-lived connection, so calls are safe from any thread, and each write is one
transaction committed (with ``synchronous=FULL`` in WAL mode) before the call returns,
so a set that was reported saved survives the process being killed.

Its methods are the query API: no connection leaves the store package. The schema and
its upgrades are in :mod:`coach.store.migrations`; who is playing a session right now is
decided in :mod:`coach.store.liveness`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.engine.clock import local_day, utc_now
from coach.engine.followup import FollowUpAnswer, FollowUpDue, SignSource, sign_words
from coach.engine.records import (
    HIGH_PAIN,
    INTERRUPTED,
    ClaimedElsewhere,
    HistoryError,
    InterruptedSession,
    JournalImport,
    Kept,
    LevelMove,
    SessionFacts,
    SessionRecord,
    SessionStatus,
    SetFacts,
    SetRecord,
    Written,
)
from coach.engine.safety import FollowedUp, SafetyFacts
from coach.engine.screening import LastScreening, Outcome
from coach.store.journal import (
    JOURNAL_FOLDER,
    Journal,
    JournalFile,
    journal_files,
    read_journal,
)
from coach.store.liveness import claim, claimed_elsewhere, hold_lease, owner_alive, release
from coach.store.migrations import SCHEMA_VERSION, NewerSchemaError, migrate
from coach.store.private import (
    FILE_MODE,
    FOLDER_MODE,
    create_private,
    os_problem,
    private_folder,
    tighten,
)

if TYPE_CHECKING:
    from coach.engine.day.messages import LevelChoice, OpenSession, SessionEnd

    # Types only: the store is opened before the first frame, and the scaling and
    # timeline modules pull in pydantic, which is slow to import.
    from coach.engine.planning import ProgramPast
    from coach.engine.scaling import Advice, Decision
    from coach.engine.timeline import Dose
    from coach.format.v1 import Program
    from coach.store.homecache import HomeCache
    from coach.store.replays import Replays

__all__ = [
    "HistoryStore",
    "StoreError",
    "dose_json",
    "set_row",
]

BUSY_TIMEOUT_SECONDS = 3.0
"""How long a write waits for another coach holding the database before giving up."""

# The writes of rows that the synthetic history (coach.store.synthetic) also makes in bulk:
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
        f"{p}id",
    )
    return ", ".join(f"{t} DESC" if newest_first else t for t in terms)


# The columns that make a stored set's facts, in SetFacts.of's order after the index.
_FACT_COLUMNS = (
    "exercise_index, program_id, exercise_id, set_number, sets_planned, completed, pain,"
    " numbness OR leg_weakness OR pain_below_knee, skip_reason"
)


NOTE_LIMIT = 500
"""The longest note on a session, in characters (the schema's CHECK)."""


class StoreError(HistoryError):
    """The history cannot be read or written; the message says why, for the user."""


def dose_json(dose: Dose) -> str:
    """A dose as stored in a decision: only the parts it has."""
    return json.dumps({k: v for k, v in asdict(dose).items() if v is not None}, sort_keys=True)


def set_row(record: SetRecord) -> tuple[Any, ...]:
    """The values of :data:`INSERT_SET` for ``record`` (the store's and the synthetic
    history's one way of writing a set)."""
    dose, answer = record.planned, record.answer
    return (
        record.session_id,
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


def _sessions_of(db: sqlite3.Connection, program_id: str, *, after: int) -> list[SessionFacts]:
    """The sessions with ``program_id`` whose id is above ``after``, with their sets."""
    # The day each was played on, as stored then: the same plan in any time zone.
    sessions = db.execute(
        "SELECT id, COALESCE(local_date, started_at), baseline_pain, levels_json, started_at,"
        " COALESCE(uid, '') FROM sessions"
        " WHERE id > ? AND json_extract(levels_json, '$.' || json_quote(?)) IS NOT NULL"
        " ORDER BY id",
        (after, program_id),
    ).fetchall()
    # '+program_id': walk the sets by session (only those after 'after'), not by program.
    rows = db.execute(
        f"SELECT session_id, {_FACT_COLUMNS} FROM sets"
        " WHERE session_id > ? AND +program_id = ? ORDER BY id",
        (after, program_id),
    ).fetchall()
    by_session: dict[int, list[SetFacts]] = {}
    for row in rows:
        by_session.setdefault(row[0], []).append(_facts(row[1:]))
    return [
        SessionFacts(
            session_id=sid,
            day=date.fromisoformat(day) if len(day) == 10 else local_day(day),
            baseline=baseline,
            level=int(json.loads(levels)[program_id]),
            sets=tuple(by_session.get(sid, ())),
            started_at=started,
            uid=uid,
        )
        for sid, day, baseline, levels, started, uid in sessions
    ]


def _journal_facts(
    waiting: JournalFile, program_id: str, session_id: int
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
        _journal_set(r) for _, r in sorted(waiting.sets.items()) if r["program_id"] == program_id
    ]
    facts = SessionFacts(
        session_id=session_id,
        day=date.fromisoformat(row["local_date"]),
        baseline=row["baseline_pain"],
        level=int(levels[program_id]),
        sets=tuple(sets),
        started_at=row["started_at"],
        uid=str(waiting.session["uid"]),
    )
    move = waiting.after.get(f"level_move:{program_id}")
    answer = None
    if move is not None:
        answer = LevelMove(
            session_id, int(move["from_level"]), int(move["to_level"]), bool(move["accepted"])
        )
    return facts, answer


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
        all_sessions[index] = replace(stored, sets=tuple(merged.values()))
        if move is not None and not any(m.after_session == stored.session_id for m in moves):
            all_moves.append(replace(move, after_session=stored.session_id))
    return tuple(all_sessions), tuple(all_moves)


def _moves_of(db: sqlite3.Connection, program_id: str, *, after: int) -> list[LevelMove]:
    rows = db.execute(
        "SELECT session_id, from_level, to_level, accepted FROM level_moves"
        " WHERE program_id = ? AND session_id > ? ORDER BY id",
        (program_id, after),
    ).fetchall()
    return [LevelMove(s, f, t, bool(a)) for s, f, t, a in rows]


def _facts(row: Sequence[Any]) -> SetFacts:
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


def _journal_set(row: Mapping[str, Any]) -> SetFacts:
    """A set as the journal keeps it (a row of :data:`SET_COLUMNS`), as the engine sees it."""
    return _facts(
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
) -> list[tuple[Any, ...]]:
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


def advice_rows(session_id: int, advice: Sequence[Advice], at: str) -> list[tuple[Any, ...]]:
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


def _correct(db: sqlite3.Connection, record: SetRecord) -> None:
    answer = record.answer
    cursor = db.execute(
        f"UPDATE sets SET {KEEP_FIRST_ANSWER} pain = ?, numbness = ?, leg_weakness = ?,"
        " pain_below_knee = ?, corrected_at = ?"
        " WHERE id = (SELECT MAX(id) FROM sets WHERE session_id = ?"
        " AND exercise_index = ? AND set_number = ?)",
        (
            answer.pain,
            int(answer.numbness),
            int(answer.leg_weakness),
            int(answer.pain_below_knee),
            utc_now(),
            record.session_id,
            record.exercise_index,
            record.set_number,
        ),
    )
    if cursor.rowcount != 1:
        raise StoreError("the set to correct is not in the history")


def _apply(
    db: sqlite3.Connection,
    session: Mapping[str, Any],
    sets: Sequence[Mapping[str, Any]],
    finish: Mapping[str, Any] | None,
    after: Sequence[Mapping[str, Any]] = (),
) -> tuple[int, int]:
    """Write a session as the journal holds it (see :mod:`coach.store.journal`) inside the
    open transaction, changing nothing already there: found by its uid (or its row id),
    created otherwise; then ``after``, the facts that follow it (a revised outcome, a
    note, a level answer). The live write and the import of a journal both come here.
    Returns the session's id and how many sets were added."""
    uid = session["uid"]
    found = db.execute("SELECT id FROM sessions WHERE uid = ?", (uid,)).fetchone()
    if found is None and session.get("id") is not None:
        found = db.execute(
            "SELECT id FROM sessions WHERE id = ? AND (uid IS NULL OR uid = ?)",
            (session["id"], uid),
        ).fetchone()
        if found is not None:
            db.execute("UPDATE sessions SET uid = ? WHERE id = ?", (uid, found[0]))
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
        _apply_after(db, session_id, fact)
    return session_id, added


def _apply_after(db: sqlite3.Connection, session_id: int, fact: Mapping[str, Any]) -> None:
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


def _last_screening(db: sqlite3.Connection) -> LastScreening | None:
    row = db.execute(
        "SELECT taken_at, COALESCE(local_date, date(taken_at, 'localtime')), outcome,"
        " answers_json FROM screenings ORDER BY taken_at DESC, id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    taken_at, day, outcome, answers = row
    ticked = tuple(key for key, yes in json.loads(answers).items() if yes)
    return LastScreening(taken_at, date.fromisoformat(day), Outcome(outcome), ticked)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _side_files(path: Path) -> tuple[Path, ...]:
    """The WAL and shared-memory files SQLite keeps beside ``path``, where they exist."""
    return tuple(p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def quick_check(path: Path) -> str | None:
    """What SQLite's quick_check finds wrong with the file at ``path`` (read only), or
    None when it is sound. A file that is not a database at all counts as damaged; an
    empty file (just created) does not."""
    try:
        if path.stat().st_size == 0:
            return None
    except OSError:
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=3)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = connection.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.Error as exc:
        text = str(exc)
        if "locked" in text or "busy" in text or "unable to open" in text:
            # In use, or not readable by this user: not damage. The next coach to open
            # it checks it; the reads and writes say what stops them.
            return None
        return text
    finally:
        connection.close()
    found = [str(r[0]) for r in rows]
    return None if found == ["ok"] else "; ".join(found)


def _after_entries(
    revised: SessionEnd | None, note: str | None, level_move: LevelChoice | None
) -> list[tuple[str, dict[str, Any]]]:
    """The facts that follow a session, as the journal keeps them, each with the key
    under which a later one replaces it."""
    now = utc_now()
    found: list[tuple[str, dict[str, Any]]] = []
    fact: dict[str, Any]
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


@dataclass(frozen=True, slots=True)
class NamedSession:
    """A session found by its uid."""

    id: int
    uid: str
    source_path: str


_memory_names = itertools.count(1)
_memory_claims: dict[tuple[str, str], str] = {}
"""(database, session) -> the in-memory coach acting on it: a claim (see
:func:`coach.store.liveness.claim`) between stores that share one memory database."""


def claim_key(uid: str | None, session_id: int | None) -> str:
    """The name a session is claimed by: its uid, or for a row stored before sessions
    had one, its row id."""
    return uid if uid else f"row{session_id}"


def _claimed_text(holder: str) -> str:
    return (
        f"{holder[:1].upper()}{holder[1:]} is resuming or closing this interrupted "
        "session right now, so this coach leaves it to that one."
    )


class HistoryStore:
    """The SQLite history at ``path`` (created on first use, readable by its owner only).

    A database that fails SQLite's ``quick_check`` when first opened is never written
    again by this store (byte for byte as found): sessions go to the journal, and
    ``coach doctor`` says what is wrong and can rebuild it."""

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._ready = False
        self._uri: str | None = None
        self._keeper: sqlite3.Connection | None = None
        self._locks: Path | None = path.parent / "locks"
        self._memory_owner = ""
        self._replays: Replays | None = None
        self._home_cache: HomeCache | None = None
        self._journal: Journal | None = Journal(path.parent / JOURNAL_FOLDER)
        self.damage: str | None = None
        """What quick_check found wrong when the database was opened (then it is only
        read, never written)."""
        self._claimed: dict[str, str] = {}
        """The uid of each session this coach resumed -> its claim, until it ends."""

    @classmethod
    def in_memory(cls, name: str | None = None) -> HistoryStore:
        """A store that lives in this process's memory only: the same SQL and rules on a
        database no file holds (for tests of the day). Stores made with the same
        ``name`` share one database, each as a coach of its own: sessions another one
        left running look interrupted to this one."""
        store = cls(Path(":memory:"))
        number = next(_memory_names)
        store._uri = f"file:coach-memory-{name or number}?mode=memory&cache=shared"
        store._locks = None
        store._journal = None
        store._memory_owner = f"memory:{number}"
        # A shared in-memory database lives while one connection to it is open.
        store._keeper = sqlite3.connect(store._uri, uri=True, check_same_thread=False)
        return store

    @property
    def journal_folder(self) -> Path | None:
        """Where sessions go when the database refuses them (None in memory)."""
        return None if self._journal is None else self._journal.folder

    def _open(self, *, readonly: bool = False) -> sqlite3.Connection:
        if self._uri is not None:
            return sqlite3.connect(
                self._uri, uri=True, timeout=self.busy_timeout, isolation_level=None
            )
        if readonly:
            # A damaged file is only read: not even a checkpoint may touch it.
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, isolation_level=None)
        return sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)

    def _owner(self) -> str | None:
        """What marks a session as this process's (see :mod:`coach.store.liveness`)."""
        return self._memory_owner if self._locks is None else hold_lease(self._locks)

    def _alive(self, owner: str | None) -> bool:
        if self._locks is None:
            return owner == self._memory_owner
        return owner_alive(self._locks, owner)

    def _claim(self, key: str) -> None:
        """Take this coach's claim on the session ``key`` before acting on it (resume,
        close, import); ClaimedElsewhere, saying who, when another coach holds it."""
        if self._locks is None:
            assert self._uri is not None
            holder = _memory_claims.setdefault((self._uri, key), self._memory_owner)
            if holder != self._memory_owner:
                raise ClaimedElsewhere(_claimed_text("another coach"))
            return
        held = claim(self._locks, key)
        if held is not None:
            raise ClaimedElsewhere(_claimed_text(held))

    def _release(self, key: str) -> None:
        if self._locks is None:
            assert self._uri is not None
            if _memory_claims.get((self._uri, key)) == self._memory_owner:
                del _memory_claims[(self._uri, key)]
            return
        release(self._locks, key)

    def _claimed_elsewhere(self, key: str) -> bool:
        if self._locks is None:
            holder = _memory_claims.get((self._uri or "", key))
            return holder is not None and holder != self._memory_owner
        return claimed_elsewhere(self._locks, key) is not None

    def _waiting(self, uid: str | None) -> JournalFile | None:
        """What the journal holds for the session ``uid``, read only (None when nothing
        readable): its sets are the session's as much as the rows in the history."""
        if self._journal is None or not uid:
            return None
        try:
            found = read_journal(self._journal.path_of(uid))
        except (OSError, ValueError):
            return None
        return found if found.session is not None else None

    # -- connections ------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._prepare()
        if write and self.damage is not None:
            raise StoreError(self._damaged_text())
        try:
            connection = self._open(readonly=self.damage is not None)
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
        with self._connect(write=True) as connection:
            try:
                connection.execute("BEGIN IMMEDIATE")
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _damaged_text(self) -> str:
        return (
            f"the history database {self.path} is damaged or not a coach database; coach "
            "leaves it as it is (run 'coach doctor' to check it and rebuild it)"
        )

    def _explain(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        code = getattr(exc, "sqlite_errorcode", None)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"the history database {self.path} is in use by another program (another coach?)"
            )
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            self.damage = self.damage or text
            return StoreError(self._damaged_text())
        if "full" in text or code == getattr(sqlite3, "SQLITE_FULL", 13):
            return StoreError(f"the disk is full: coach cannot write {self.path}")
        if "readonly" in text or "read-only" in text:
            return StoreError(f"the history database {self.path} is read-only")
        if "unable to open" in text:
            return StoreError(f"coach cannot open the history database {self.path}")
        if "disk I/O" in text:
            return StoreError(
                f"the disk reported an error writing {self.path} (is it full, or removed?)"
            )
        return StoreError(f"history database error: {text} ({self.path})")

    def _prepare(self) -> None:
        """Create the folder and file, owner-only, check an existing file for damage, then
        migrate (only an undamaged one)."""
        if self._uri is None:
            try:
                private_folder(self.path.parent)
                tighten(self.path.parent, FOLDER_MODE)
                if self.path.exists():
                    for path in (self.path, *_side_files(self.path)):
                        tighten(path, FILE_MODE)
                    self.damage = quick_check(self.path)
                    if self.damage is not None:
                        self._ready = True
                        return
                else:
                    # Health data: readable by its owner only, from the first byte.
                    os.close(create_private(self.path))
            except OSError as exc:
                raise StoreError(
                    f"cannot use the history folder: {os_problem(exc, self.path)}"
                ) from None
        try:
            connection = self._open()
        except sqlite3.Error as exc:
            raise self._explain(exc) from None
        try:
            migrate(connection, None if self._uri is not None else self.path)
        except NewerSchemaError as exc:
            raise StoreError(
                f"the history database {self.path} was written by a newer coach "
                f"(schema {exc.version}; this one knows {SCHEMA_VERSION}); update coach"
            ) from None
        except sqlite3.Error as exc:
            raise self._explain(exc) from None
        finally:
            connection.close()
        if self._uri is None:
            # SQLite made the WAL files with the database's mode (0600); say so anyway.
            for path in _side_files(self.path):
                tighten(path, FILE_MODE)
        self._ready = True

    def version(self) -> tuple[object, ...] | None:
        """What changes whenever the history does: its newest rows and the state of its
        last session. None when that cannot be told at once (no database yet, another
        program holds it, an older schema) or when a session is still marked running.

        For the first frame: it waits at most a few milliseconds, never migrates and
        never creates the database."""
        if self._uri is None and not self.path.is_file():
            return None
        try:
            if self._uri is not None:
                connection = self._open()
            else:
                connection = sqlite3.connect(self.path, timeout=0.02, isolation_level=None)
            try:
                if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    return None
                row = connection.execute(
                    "SELECT (SELECT MAX(id) FROM sessions),"
                    " (SELECT status FROM sessions ORDER BY id DESC LIMIT 1),"
                    " (SELECT MAX(id) FROM sets), (SELECT MAX(id) FROM level_moves),"
                    # A correction after the summary rewrites the decisions (new ids); a
                    # checklist or a follow-up changes what home says first.
                    " (SELECT MAX(id) FROM dose_changes), (SELECT MAX(id) FROM screenings),"
                    " (SELECT MAX(id) FROM follow_ups),"
                    # A warning sign after a function check changes it too.
                    " (SELECT id || status FROM checks ORDER BY id DESC LIMIT 1),"
                    " (SELECT COUNT(*) FROM sessions WHERE status = ?)",
                    (SessionStatus.RUNNING.value,),
                ).fetchone()
            finally:
                connection.close()
        except sqlite3.Error:
            return None
        *version, running = row
        return None if running else tuple(version)

    @property
    def home_cache(self) -> HomeCache:
        """The home views kept for the next start (see :mod:`coach.store.homecache`)."""
        if self._home_cache is None:
            from coach.store.homecache import HomeCache

            where = None if self._uri is not None else self.path.parent / "cache" / "home.json"
            self._home_cache = HomeCache(where)
        return self._home_cache

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A connection for the store package's own queries (history views, export,
        the synthetic history); nothing outside the package holds one."""
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
        local_date: date | None = None,
        utc_offset: int | None = None,
        checks: Sequence[Decision] = (),
    ) -> int:
        """Store a new session (running) with the decisions taken at its start, in one
        transaction. ``local_date`` and ``utc_offset`` (minutes east of UTC) say where in
        the day it was played; by default, now on this machine."""
        now = datetime.now(UTC).astimezone()
        if started_at is None:
            started_at = utc_now()
        if local_date is None:
            local_date = datetime.fromisoformat(started_at).astimezone().date()
        if utc_offset is None:
            offset = now.utcoffset()
            utc_offset = round(offset.total_seconds() / 60) if offset is not None else 0
        with self._transaction() as db:
            cursor = db.execute(
                INSERT_SESSION,
                (
                    started_at,
                    source_id,
                    title,
                    source_path,
                    speed,
                    planned_seconds,
                    baseline_pain,
                    json.dumps(dict(levels), sort_keys=True),
                    self._owner(),
                    local_date.isoformat(),
                    utc_offset,
                ),
            )
            assert cursor.lastrowid is not None
            session_id = cursor.lastrowid
            db.executemany(
                INSERT_DOSE_CHANGE, decision_rows(session_id, checks, started_at, "before")
            )
            return session_id

    def claim_session(self, opening: OpenSession) -> Written:
        """This process resumes an interrupted session (``opening.session_id``): it owns
        it from now on, under ``opening.uid`` when it had none.

        First its claim (held until the session ends, see :meth:`_claim`), so no other
        coach resumes, closes or imports it meanwhile; then, in one transaction, what its
        journal holds goes into the history and the row becomes this coach's.
        ClaimedElsewhere when another coach holds it or has taken it since it was
        offered."""
        key = self._claim_key_of(opening)
        self._claim(key)
        waiting = self._waiting(opening.uid)
        if waiting is not None and waiting.finish is not None:
            self._release(key)
            raise ClaimedElsewhere(
                "That session was finished meanwhile: there is nothing to resume."
            )
        try:
            with self._transaction() as db:
                row = db.execute(
                    "SELECT status, owner FROM sessions WHERE id = ?", (opening.session_id,)
                ).fetchone()
                if (
                    row is None
                    or row[0] != SessionStatus.RUNNING.value
                    or (row[1] != self._owner() and self._alive(row[1]))
                ):
                    raise ClaimedElsewhere(
                        "Another coach has resumed or closed that session since it was "
                        "offered, so this coach leaves it to that one."
                    )
                if waiting is not None:
                    assert waiting.session is not None
                    waits = list(waiting.after.values())
                    _apply(db, waiting.session, list(waiting.sets.values()), None, waits)
                db.execute(
                    "UPDATE sessions SET owner = ?, resumes = resumes + 1,"
                    " uid = COALESCE(uid, ?) WHERE id = ?",
                    (self._owner(), opening.uid, opening.session_id),
                )
        except ClaimedElsewhere:
            self._release(key)
            raise
        except StoreError as exc:
            # Its sets still have somewhere to go: the journal names the row (and keeps
            # what its last coach wrote there: nothing is removed).
            self._claimed[opening.uid] = key
            return self._to_journal(opening, (), None, str(exc))
        self._claimed[opening.uid] = key
        if waiting is not None:
            self._drop_journal(opening.uid)
        return Written(Kept.HISTORY, opening.session_id)

    def _claim_key_of(self, opening: OpenSession) -> str:
        """The claim name of the stored session ``opening`` resumes: its stored uid (the
        opening's is new when the row had none)."""
        if opening.session_id is None:
            return claim_key(opening.uid, None)
        try:
            with self._connect() as db:
                row = db.execute(
                    "SELECT uid FROM sessions WHERE id = ?", (opening.session_id,)
                ).fetchone()
        except StoreError:
            return claim_key(opening.uid, None)
        return claim_key(row[0] if row else opening.uid, opening.session_id)

    def _drop_journal(self, uid: str) -> None:
        """The session's journal is all in the history now: remove it."""
        if self._journal is not None:
            self._journal.forget(uid)
            _remove(self._journal.path_of(uid))

    # -- writing a session durably (the day's one way) ----------------------------------

    def write_session(
        self,
        opening: OpenSession,
        records: Sequence[SetRecord] = (),
        end: SessionEnd | None = None,
        *,
        revised: SessionEnd | None = None,
        note: str | None = None,
        level_move: LevelChoice | None = None,
    ) -> Written:
        """Store the session, ``records`` (oldest first) and its ``end``, and the facts
        that follow it (``revised``: its outcome after a rating corrected on the summary;
        the person's ``note``; a ``level_move`` answered), all in one transaction: its row
        is created by whichever write first reaches the history, a set already stored is
        not stored twice (a changed rating replaces it), and an end closes it only while
        it is still running. Every fact of a session goes through here, so it is kept
        wherever the session is, under the session's uid.

        When the history refuses the transaction (in use, damaged, read-only, full),
        the same entries are appended to the session's journal and flushed to the disk
        before this returns; :class:`Written` says where they are. Never raises."""
        entries = self._entries(opening, records, end)
        after = _after_entries(revised, note, level_move)
        # What the journal holds for it (a resumed session's too, left by the coach
        # that was killed) goes in first, in the same transaction: the journal is only
        # removed once everything in it is in the history, and a later fact (a note, a
        # level answer) never leaves the sets or the end it follows behind.
        waiting = self._waiting(opening.uid)
        try:
            with self._transaction() as db:
                if waiting is not None:
                    _apply(
                        db,
                        waiting.session or entries[0],
                        list(waiting.sets.values()),
                        waiting.finish,
                        list(waiting.after.values()),
                    )
                session_id, _ = _apply(db, *entries, [entry for _, entry in after])
        except StoreError as exc:
            return self._to_journal(opening, records, end, str(exc), after)
        self._drop_journal(opening.uid)
        if end is not None:
            self._back_up_weekly()
            key = self._claimed.pop(opening.uid, None)
            if key is not None:
                # A resumed session has ended: this coach no longer acts on it.
                self._release(key)
        return Written(Kept.HISTORY, session_id)

    def _entries(
        self, opening: OpenSession, records: Sequence[SetRecord], end: SessionEnd | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
        """The write as the journal keeps it (and as its import reads it back)."""
        row = dict(
            zip(
                SESSION_COLUMNS,
                (
                    opening.started_at,
                    opening.source_id,
                    opening.title,
                    opening.source_path,
                    opening.speed,
                    opening.planned_seconds,
                    opening.baseline_pain,
                    json.dumps(dict(opening.levels), sort_keys=True),
                    self._owner(),
                    opening.local_date.isoformat(),
                    opening.utc_offset,
                ),
                strict=True,
            )
        )
        session = {
            "type": "session",
            "uid": opening.uid,
            "id": opening.session_id,
            "row": row,
            "checks": [
                list(r[1:]) for r in decision_rows(0, opening.checks, opening.started_at, "before")
            ],
        }
        sets = [dict(zip(SET_COLUMNS[1:], set_row(r)[1:], strict=True)) for r in records]
        finish = None
        if end is not None:
            now = utc_now()
            finish = {
                "type": "finish",
                "ended_at": now,
                "status": SessionStatus(end.status).value,
                "reason": end.reason,
                "decisions": [list(r[1:]) for r in decision_rows(0, end.decisions, now, "after")],
                "advice": [list(r[1:]) for r in advice_rows(0, end.advice, now)],
            }
        return session, sets, finish

    def _to_journal(
        self,
        opening: OpenSession,
        records: Sequence[SetRecord],
        end: SessionEnd | None,
        problem: str,
        after: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> Written:
        if self._journal is None:
            return Written(Kept.NOWHERE, opening.session_id, problem)
        session, sets, finish = self._entries(opening, records, end)
        lines: list[tuple[str, dict[str, Any]]] = [("session", session)]
        for row in sets:
            key = f"set:{row['exercise_index']}:{row['set_number']}:{row['attempt']}"
            lines.append((key, {"type": "set", "row": row}))
        if finish is not None:
            lines.append(("finish", finish))
        lines.extend(after)
        try:
            path = self._journal.append(opening.uid, lines)
        except OSError as exc:
            where = os_problem(exc, self._journal.path_of(opening.uid))
            return Written(
                Kept.NOWHERE,
                opening.session_id,
                f"{problem}, and the journal cannot be written either: {where}",
            )
        return Written(Kept.JOURNAL, opening.session_id, problem, str(path))

    def import_journals(self) -> JournalImport:
        """Import every journal whose coach has ended (or is this process: it imports
        only between sessions) into the history, each file in one transaction, removed
        once its rows are committed. A file that cannot be imported stays for later,
        with one sentence saying why. Never raises."""
        if self._journal is None:
            return JournalImport()
        sessions = sets = 0
        problems: list[str] = []
        mine = self._owner()
        for path in journal_files(self._journal.folder):
            try:
                found = read_journal(path)
            except OSError as exc:
                problems.append(f"The journal {path} cannot be read: {os_problem(exc, path)}.")
                continue
            if found.session is None:
                if found.sets or found.finish or found.bad_lines:
                    problems.append(f"The journal {path} is damaged: it was left where it is.")
                else:
                    _remove(path)  # an empty file: a crash before its first line
                continue
            owner = found.session["row"].get("owner")
            if owner != mine and self._alive(owner):
                continue  # another coach is still writing it
            try:
                self._claim(found.uid)
            except ClaimedElsewhere:
                continue  # another coach is resuming, closing or importing it now
            try:
                outcome = self._import_claimed(path)
            finally:
                if found.uid not in self._claimed:  # not a session this coach resumed
                    self._release(found.uid)
            if isinstance(outcome, int):
                sessions += 1
                sets += outcome
            elif outcome is not None:
                problems.append(outcome[0])
                if outcome[1]:
                    break
        return JournalImport(sessions, sets, tuple(problems))

    def _import_claimed(self, path: Path) -> int | tuple[str, bool] | None:
        """Import one journal, read again now that this coach holds its claim: the sets
        added, None when it is gone (imported meanwhile), or what went wrong and whether
        the history refuses every write."""
        assert self._journal is not None
        try:
            found = read_journal(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return f"The journal {path} cannot be read: {os_problem(exc, path)}.", False
        if found.session is None:
            return None
        try:
            with self._transaction() as db:
                _, new = _apply(
                    db,
                    found.session,
                    list(found.sets.values()),
                    found.finish,
                    list(found.after.values()),
                )
        except (StoreError, sqlite3.Error, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, StoreError):
                # The history refuses writes (in use, damaged): all wait for later.
                return (
                    f"{len(found.sets)} rated sets wait in {path}: {exc}. They go into "
                    "the history as soon as it can take them.",
                    True,
                )
            return f"The journal {path} could not be imported ({exc}); it was kept.", False
        self._journal.forget(found.uid)
        _remove(path)
        return new

    def journal_sessions(self) -> list[JournalFile]:
        """Every session waiting in the journal (a session line read), oldest first, read
        only: nothing is imported or removed. Each holds the session, its sets and its
        finish in the database's own columns, as :func:`_apply` writes them."""
        if self._journal is None:
            return []
        found = []
        for path in journal_files(self._journal.folder):
            try:
                journal = read_journal(path)
            except OSError:
                continue
            if journal.session is not None:
                found.append(journal)
        return found

    def write_problems(self) -> tuple[str | None, str | None]:
        """Why a session could not be written to the history now (damaged, read-only,
        cannot be created), and why not to the journal either. Writes nothing but a probe
        file in the journal's folder (removed at once)."""
        problem: str | None = None
        try:
            if not self._ready:
                self._prepare()
            if self.damage is not None:
                problem = self._damaged_text()
            elif self._uri is None and not os.access(self.path, os.W_OK):
                problem = f"the history database {self.path} is read-only"
            elif self._uri is None and not os.access(self.path.parent, os.W_OK):
                problem = f"coach is not allowed to write in {self.path.parent}"
        except StoreError as exc:
            problem = str(exc)
        if problem is None:
            return None, None
        if self._journal is None:
            return problem, "a history in memory has no journal"
        return problem, self._journal.can_write()

    def _back_up_weekly(self) -> None:
        """A copy of the history at most once a week, the last few kept (see
        :mod:`coach.store.backups`); a failure here never fails the session."""
        if self._uri is not None or self.damage is not None:
            return
        from coach.store.backups import back_up_if_due

        with contextlib.suppress(OSError, sqlite3.Error):
            back_up_if_due(self.path)

    def set_baseline(self, session_id: int, pain: int | None) -> None:
        with self._transaction() as db:
            db.execute("UPDATE sessions SET baseline_pain = ? WHERE id = ?", (pain, session_id))

    def record_set(self, record: SetRecord) -> int:
        with self._transaction() as db:
            cursor = db.execute(INSERT_SET, set_row(record))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_session(
        self,
        session_id: int,
        status: SessionStatus,
        *,
        reason: str | None = None,
        decisions: Sequence[Decision] = (),
        advice: Sequence[Advice] = (),
        interrupted: bool = False,
    ) -> None:
        """Close a session and store the decisions for next time, in one transaction."""
        now = utc_now()
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, status = ?, stop_reason = ? WHERE id = ?",
                (now, SessionStatus(status).value, reason, session_id),
            )
            if interrupted:
                db.execute(
                    "UPDATE sessions SET ended_at = COALESCE((SELECT MAX(rated_at) FROM sets"
                    " WHERE session_id = sessions.id), started_at) WHERE id = ?",
                    (session_id,),
                )
            db.executemany(INSERT_DOSE_CHANGE, decision_rows(session_id, decisions, now, "after"))
            db.executemany(INSERT_ADVICE, advice_rows(session_id, advice, now))

    def close_interrupted(
        self,
        session_id: int,
        status: SessionStatus,
        *,
        decisions: Sequence[Decision] = (),
        advice: Sequence[Advice] = (),
        uid: str | None = None,
    ) -> None:
        """Close a session its coach never finished, as partial (reason 'interrupted'):
        it ended when its last set was rated, or when it started if none was.

        Under this coach's claim on it (ClaimedElsewhere when another coach holds it),
        with what its journal holds, in one transaction; a session no longer running
        (another coach closed it) is left as it is, so its decisions are never stored
        twice."""
        key = claim_key(uid, session_id)
        self._claim(key)
        try:
            waiting = self._waiting(uid)
            now = utc_now()
            with self._transaction() as db:
                if waiting is not None:
                    assert waiting.session is not None
                    _apply(
                        db,
                        waiting.session,
                        list(waiting.sets.values()),
                        waiting.finish,
                        list(waiting.after.values()),
                    )
                closed = db.execute(
                    "UPDATE sessions SET status = ?, stop_reason = ?, ended_at ="
                    " COALESCE((SELECT MAX(rated_at) FROM sets WHERE session_id = sessions.id),"
                    " started_at) WHERE id = ? AND status = ?",
                    (
                        SessionStatus(status).value,
                        INTERRUPTED,
                        session_id,
                        SessionStatus.RUNNING.value,
                    ),
                )
                if closed.rowcount:
                    db.executemany(
                        INSERT_DOSE_CHANGE, decision_rows(session_id, decisions, now, "after")
                    )
                    db.executemany(INSERT_ADVICE, advice_rows(session_id, advice, now))
            if waiting is not None and uid is not None:
                self._drop_journal(uid)
        finally:
            if key not in self._claimed.values():
                self._release(key)

    def record_level_move(
        self, session_id: int, program_id: str, from_level: int, to_level: int, *, accepted: bool
    ) -> None:
        with self._transaction() as db:
            db.execute(
                INSERT_LEVEL_MOVE,
                (session_id, program_id, from_level, to_level, int(accepted), utc_now()),
            )

    def record_screening(
        self, answers: Mapping[str, bool], outcome: str, local_date: date | None = None
    ) -> None:
        """Store a red-flag checklist, answered on ``local_date`` (by default, today on
        this machine)."""
        now = utc_now()
        day = local_date or datetime.fromisoformat(now).astimezone().date()
        with self._transaction() as db:
            db.execute(
                INSERT_SCREENING,
                (now, json.dumps(dict(answers), sort_keys=True), outcome, day.isoformat()),
            )

    def last_check_day(self) -> date | None:
        """The day of the last function check with a hold done (coach.store.checks)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT MAX(c.local_date) FROM checks c WHERE EXISTS (SELECT 1 FROM"
                " check_holds h WHERE h.check_id = c.id AND h.seconds IS NOT NULL)"
            ).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def last_screening(self) -> LastScreening | None:
        """The latest red-flag checklist, if any."""
        with self._connect() as db:
            return _last_screening(db)

    def safety_facts(self) -> SafetyFacts:
        """What decides what safety asks for at a start (:mod:`coach.engine.safety`), read
        in one place: the last checklist, the latest warning sign of a session and of a
        function check, the follow-ups that let the person go on, the latest session
        stopped for very high pain, the last function check."""
        with self._connect() as db:
            last = _last_screening(db)
            # By status first (indexed): a session is closed as a red flag as soon as the
            # sign is stored; only a running one (its coach killed) needs its sets read.
            # A running one has no end yet: its sign's time is unknown.
            session = db.execute(
                "SELECT id, COALESCE(local_date, date(started_at, 'localtime')),"
                " CASE WHEN status = ? THEN ended_at END FROM sessions"
                " WHERE status = ? OR (status = ? AND EXISTS (SELECT 1 FROM sets"
                " WHERE sets.session_id = sessions.id"
                " AND (numbness OR leg_weakness OR pain_below_knee)))"
                f" ORDER BY {played_order(newest_first=True)} LIMIT 1",
                (
                    SessionStatus.RED_FLAG.value,
                    SessionStatus.RED_FLAG.value,
                    SessionStatus.RUNNING.value,
                ),
            ).fetchone()
            signs: list[FollowUpDue] = []
            if session is not None:
                sid, day, at = session
                flags = db.execute(
                    "SELECT MAX(numbness), MAX(leg_weakness), MAX(pain_below_knee) FROM sets"
                    " WHERE session_id = ?",
                    (sid,),
                ).fetchone()
                signs.append(FollowUpDue(sid, date.fromisoformat(day), sign_words(*flags), at=at))
            check = db.execute(
                "SELECT id, local_date, COALESCE(ended_at, started_at), numbness, leg_weakness,"
                " pain_below_knee FROM checks WHERE numbness OR leg_weakness OR pain_below_knee"
                " ORDER BY started_at DESC, id DESC LIMIT 1"
            ).fetchone()
            if check is not None:
                cid, day, at, *flags = check
                signs.append(
                    FollowUpDue(
                        cid,
                        date.fromisoformat(day),
                        sign_words(*flags),
                        SignSource.CHECK,
                        at,
                    )
                )
            cleared_session, cleared_check, cleared_at = db.execute(
                "SELECT COALESCE(MAX(session_id), 0), COALESCE(MAX(check_id), 0),"
                " MAX(asked_at) FROM follow_ups WHERE cleared = 1"
            ).fetchone()
            (high_pain,) = db.execute(
                "SELECT MAX(ended_at) FROM sessions WHERE status = ? AND stop_reason = ?",
                (SessionStatus.STOPPED.value, HIGH_PAIN),
            ).fetchone()
            (has_sessions,) = db.execute("SELECT EXISTS (SELECT 1 FROM sessions)").fetchone()
        waiting, waiting_high_pain = self._waiting_safety()
        stops = [at for at in (high_pain, waiting_high_pain) if at is not None]
        return SafetyFacts(
            last,
            (*signs, *waiting),
            FollowedUp(cleared_session, cleared_check, cleared_at),
            max(stops, default=None),
            self.last_check_day(),
            bool(has_sessions) or bool(waiting) or waiting_high_pain is not None,
        )

    def _waiting_safety(self) -> tuple[list[FollowUpDue], str | None]:
        """The warning signs, and the latest stop for very high pain, of sessions still
        waiting in the journal (the history refused them and has not taken them yet):
        what is due counts them as if stored. Reads only; a file it cannot read is left
        to the import, which says so."""
        signs: list[FollowUpDue] = []
        high_pain: str | None = None
        if self._journal is None:
            return signs, high_pain
        for found in self.journal_sessions():
            try:
                assert found.session is not None
                row, finish = found.session["row"], found.finish or {}
                status, ended_at = finish.get("status"), finish.get("ended_at")
                marks = [
                    any(s.get(flag) for s in found.sets.values())
                    for flag in ("numbness", "leg_weakness", "pain_below_knee")
                ]
                if status == SessionStatus.RED_FLAG.value or (not finish and any(marks)):
                    sid = found.session.get("id")
                    signs.append(
                        FollowUpDue(
                            sid if isinstance(sid, int) else None,
                            date.fromisoformat(row["local_date"]),
                            sign_words(*marks),
                            at=ended_at if isinstance(ended_at, str) else None,
                        )
                    )
                if finish.get("reason") == HIGH_PAIN and isinstance(ended_at, str):
                    high_pain = max(high_pain or ended_at, ended_at)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        return signs, high_pain

    def record_follow_up(
        self, sign: FollowUpDue, answer: FollowUpAnswer, *, cleared: bool, local_date: date
    ) -> None:
        """Store a follow-up of ``sign`` (the warning sign of a session or of a check)."""
        if sign.sign_id is None:
            raise StoreError(
                "the session of this warning sign is still in the journal, not in the "
                "history, so coach asks again at the next start"
            )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO follow_ups (session_id, check_id, asked_at, local_date, symptoms,"
                " clinician_seen, cleared) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    sign.session_id,
                    sign.check_id,
                    utc_now(),
                    local_date.isoformat(),
                    answer.symptoms.value,
                    int(answer.clinician_seen),
                    int(cleared),
                ),
            )

    # -- merging another history (coach.store.merge) ----------------------------------

    @contextlib.contextmanager
    def attached(self, other: Path) -> Iterator[sqlite3.Connection]:
        """One write transaction on this history with the database at ``other`` attached
        as ``other`` (for a merge: every addition in it, or none)."""
        with self._connect(write=True) as db:
            db.execute("ATTACH DATABASE ? AS other", (str(other),))
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            finally:
                db.execute("DETACH DATABASE other")

    def name_facts(self) -> int:
        """Name every fact that has no uid yet (see :mod:`coach.store.facts`)."""
        from coach.store.facts import name_facts

        with self._transaction() as db:
            return name_facts(db)

    def sessions_named(self, uids: Sequence[str]) -> list[NamedSession]:
        """The sessions with these uids: where their file was, and their row."""
        with self._connect() as db:
            found = []
            for uid in uids:
                row = db.execute(
                    "SELECT id, uid, source_path FROM sessions WHERE uid = ?", (uid,)
                ).fetchone()
                if row is not None:
                    found.append(NamedSession(*row))
        return found

    def replace_decisions(self, rows: Sequence[tuple[int, Sequence[Sequence[Any]]]]) -> None:
        """For each (session id, decision rows): the decisions after that session, in
        place of any stored (one transaction for all)."""
        with self._transaction() as db:
            for session_id in {session_id for session_id, _ in rows}:
                db.execute(
                    "DELETE FROM dose_changes WHERE session_id = ? AND moment = 'after'",
                    (session_id,),
                )
            for _, decisions in rows:
                db.executemany(INSERT_DOSE_CHANGE, decisions)

    # -- reading ----------------------------------------------------------------------

    def program_history(self, program_id: str) -> list[SessionFacts]:
        """Every session that included ``program_id``, as the scaling engine sees it."""
        with self._connect() as db:
            return _sessions_of(db, program_id, after=0)

    def level_moves(self, program_id: str) -> list[LevelMove]:
        with self._connect() as db:
            return _moves_of(db, program_id, after=0)

    def program_past(self, program: Program, start_level: int = 1) -> ProgramPast:
        """``program``'s past for planning: its saved replay, when one still matches the
        history, and the sessions and level moves since (see :mod:`coach.store.replays`)."""
        from coach.store.replays import Replays

        if self._replays is None:
            where = None if self._uri is not None else self.path.parent / "cache" / "replay.json"
            self._replays = Replays(where)
        waiting = self._waiting_facts(program.id)
        with self._connect() as db:
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
                    _sessions_of(db, program.id, after=after),
                    _moves_of(db, program.id, after=after),
                ),
            )

    def _waiting_facts(self, program_id: str) -> list[tuple[SessionFacts, LevelMove | None]]:
        """The sessions of ``program_id`` waiting in the journal (read only: nothing is
        imported or removed here), each with the level answer after it, if any. Their
        row ids are negative and distinct (they have no row yet); they replay by their
        day and start like any session."""
        found: list[tuple[SessionFacts, LevelMove | None]] = []
        for number, waiting in enumerate(self.journal_sessions(), start=2):
            try:
                facts = _journal_facts(waiting, program_id, -number)
            except (KeyError, TypeError, ValueError):
                continue  # unreadable: the start's import says so, once
            if facts is not None:
                found.append(facts)
        return found

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
        """Sessions still marked running whose coach is gone and that no other coach is
        resuming or closing, newest first; each with every set rated in it: those in the
        history and those waiting in its journal (the journal's rating of a set is the
        later one)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, started_at, source_path, source_id, title, speed, baseline_pain,"
                " levels_json, owner, uid, local_date FROM sessions WHERE status = ?"
                " ORDER BY id DESC",
                (SessionStatus.RUNNING.value,),
            ).fetchall()
            found = []
            for line in rows:
                sid, started, path, source, title, speed, baseline, levels, owner, uid, day = line
                if self._alive(owner) or self._claimed_elsewhere(claim_key(uid, sid)):
                    continue
                waiting = self._waiting(uid)
                if waiting is not None:
                    assert waiting.session is not None
                    journaled_by = waiting.session["row"].get("owner")
                    if waiting.finish is not None or (
                        journaled_by != self._owner() and self._alive(journaled_by)
                    ):
                        continue  # it ended, or a coach still plays it, into the journal
                sets = {
                    (row[0], row[3], row[-1]): _facts(row[:-1])
                    for row in db.execute(
                        f"SELECT {_FACT_COLUMNS}, attempt FROM sets WHERE session_id = ?"
                        " ORDER BY id",
                        (sid,),
                    )
                }
                if waiting is not None:
                    for key, row in waiting.sets.items():
                        sets[key] = _journal_set(row)
                found.append(
                    InterruptedSession(
                        sid,
                        started,
                        path,
                        source,
                        title,
                        speed,
                        baseline,
                        {k: int(v) for k, v in json.loads(levels).items()},
                        tuple(sets.values()),
                        uid,
                        date.fromisoformat(day) if day else None,
                    )
                )
        return found

    def recent_sessions(self, limit: int = 20) -> list[SessionRecord]:
        with self._connect() as db:
            # Newest first in the order they were played (see SessionFacts.order), not by
            # row id: a session imported from the journal late is not 'the last one'.
            rows = db.execute(
                "SELECT s.id, s.started_at, s.ended_at, s.status, s.source_id, s.title,"
                " s.baseline_pain, COUNT(t.id), MAX(t.pain), s.local_date, s.stop_reason"
                " FROM (SELECT * FROM sessions"
                f" ORDER BY {played_order(newest_first=True)} LIMIT ?) s"
                " LEFT JOIN sets t ON t.session_id = s.id"
                f" GROUP BY s.id ORDER BY {played_order('s', newest_first=True)}",
                (limit,),
            ).fetchall()
        return [SessionRecord(*row) for row in rows]
