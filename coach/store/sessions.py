"""Writing sessions: the day's one write (:meth:`SessionStore.write_session`) to the
history or the journal, the import of journals, resuming and closing an interrupted
session under a claim.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.engine.clock import utc_now
from coach.engine.records import (
    INTERRUPTED,
    ClaimedElsewhere,
    InterruptedSession,
    JournalImport,
    Kept,
    SessionStatus,
    SetRecord,
    Written,
)
from coach.store.connection import Database, StoreError, remove_file
from coach.store.facts import row_of, session_name
from coach.store.journal import (
    journal_files,
    read_journal,
)
from coach.store.private import (
    os_problem,
)
from coach.store.rows import (
    FACT_COLUMNS,
    INSERT_ADVICE,
    INSERT_DOSE_CHANGE,
    SESSION_COLUMNS,
    SET_COLUMNS,
    advice_rows,
    after_entries,
    apply_write,
    decision_rows,
    insert_fact,
    journal_set,
    set_facts,
    set_row,
)

if TYPE_CHECKING:
    from coach.engine.day.messages import LevelChoice, OpenSession, SessionEnd

    # Types only: the store is opened before the first frame, and the scaling and
    # timeline modules pull in pydantic, which is slow to import.
    from coach.engine.scaling import Advice, Decision


__all__ = ["SessionStore"]


class SessionStore(Database):
    """The sessions of a history: written, imported, resumed, closed."""

    def claim_session(self, opening: OpenSession) -> Written:
        """This process resumes an interrupted session (the one named ``opening.uid``):
        it owns it from now on.

        First its claim (held until the session ends, see :meth:`_claim`), so no other
        coach resumes, closes or imports it meanwhile; then, in one transaction, what its
        journal holds goes into the history and the row becomes this coach's.
        ClaimedElsewhere when another coach holds it or has taken it since it was
        offered."""
        key = opening.uid
        self._claim(key)
        waiting = self._waiting(opening.uid)
        if waiting is not None and waiting.finish is not None:
            self._release(key)
            raise ClaimedElsewhere(
                "That session was finished meanwhile: there is nothing to resume."
            )
        try:
            with self.transaction() as db:
                session_id = row_of(db, "sessions", opening.uid)
                row = db.execute(
                    "SELECT status, owner FROM sessions WHERE id = ?", (session_id,)
                ).fetchone()
                if (
                    session_id is None
                    or row is None
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
                    apply_write(db, waiting.session, list(waiting.sets.values()), None, waits)
                db.execute(
                    "UPDATE sessions SET owner = ?, resumes = resumes + 1,"
                    " uid = COALESCE(uid, ?) WHERE id = ?",
                    (self._owner(), opening.uid, session_id),
                )
        except ClaimedElsewhere:
            self._release(key)
            raise
        except StoreError as exc:
            # Its sets still have somewhere to go: the journal names the session by its
            # uid (and keeps what its last coach wrote there: nothing is removed).
            self._claimed[opening.uid] = key
            return self._to_journal(opening, (), None, str(exc))
        self._claimed[opening.uid] = key
        if waiting is not None:
            self._drop_journal(opening.uid)
        return Written(Kept.HISTORY)

    def _drop_journal(self, uid: str) -> None:
        """The session's journal is all in the history now: remove it."""
        if self._journal is not None:
            self._journal.forget(uid)
            remove_file(self._journal.path_of(uid))

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
        after = after_entries(revised, note, level_move)
        # What the journal holds for it (a resumed session's too, left by the coach
        # that was killed) goes in first, in the same transaction: the journal is only
        # removed once everything in it is in the history, and a later fact (a note, a
        # level answer) never leaves the sets or the end it follows behind.
        waiting = self._waiting(opening.uid)
        try:
            with self.transaction() as db:
                if waiting is not None:
                    apply_write(
                        db,
                        waiting.session or entries[0],
                        list(waiting.sets.values()),
                        waiting.finish,
                        list(waiting.after.values()),
                    )
                apply_write(db, *entries, [entry for _, entry in after])
        except StoreError as exc:
            return self._to_journal(opening, records, end, str(exc), after)
        self._drop_journal(opening.uid)
        if end is not None:
            self._back_up_weekly()
            key = self._claimed.pop(opening.uid, None)
            if key is not None:
                # A resumed session has ended: this coach no longer acts on it.
                self._release(key)
        return Written(Kept.HISTORY)

    def _entries(
        self,
        opening: OpenSession,
        records: Sequence[SetRecord],
        end: SessionEnd | None,
        # Any: journal entries (JSON), as read back too
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
        after: Sequence[tuple[str, dict[str, Any]]] = (),  # Any: journal entries (JSON)
    ) -> Written:
        if self._journal is None:
            return Written(Kept.NOWHERE, problem)
        session, sets, finish = self._entries(opening, records, end)
        # Any: journal entries (JSON)
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
                f"{problem}, and the journal cannot be written either: {where}",
            )
        return Written(Kept.JOURNAL, problem, str(path))

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
            if found.session is None and found.facts:
                # A checklist or a follow-up kept while the history refused it.
                try:
                    with self.transaction() as db:
                        for fact in found.facts:
                            insert_fact(db, fact["table"], fact["row"])
                except (StoreError, sqlite3.Error, KeyError, TypeError, ValueError) as exc:
                    problems.append(
                        f"The journal {path} could not be imported ({exc}); it was kept."
                    )
                    if isinstance(exc, StoreError):
                        break
                    continue
                self._journal.forget(found.uid)
                remove_file(path)
                continue
            if found.session is None:
                if found.sets or found.finish or found.bad_lines:
                    problems.append(f"The journal {path} is damaged: it was left where it is.")
                else:
                    remove_file(path)  # an empty file: a crash before its first line
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
            with self.transaction() as db:
                _, new = apply_write(
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
        remove_file(path)
        return new

    def close_interrupted(
        self,
        uid: str,
        status: SessionStatus,
        *,
        decisions: Sequence[Decision] = (),
        advice: Sequence[Advice] = (),
    ) -> None:
        """Close a session its coach never finished, as partial (reason 'interrupted'):
        it ended when its last set was rated, or when it started if none was.

        Under this coach's claim on it (ClaimedElsewhere when another coach holds it),
        with what its journal holds, in one transaction; a session no longer running
        (another coach closed it) is left as it is, so its decisions are never stored
        twice."""
        key = uid
        self._claim(key)
        try:
            waiting = self._waiting(uid)
            now = utc_now()
            with self.transaction() as db:
                if waiting is not None:
                    assert waiting.session is not None
                    apply_write(
                        db,
                        waiting.session,
                        list(waiting.sets.values()),
                        waiting.finish,
                        list(waiting.after.values()),
                    )
                session_id = row_of(db, "sessions", uid)
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
                if closed.rowcount and session_id is not None:
                    db.executemany(
                        INSERT_DOSE_CHANGE, decision_rows(session_id, decisions, now, "after")
                    )
                    db.executemany(INSERT_ADVICE, advice_rows(session_id, advice, now))
            if waiting is not None:
                self._drop_journal(uid)
        finally:
            if key not in self._claimed.values():
                self._release(key)

    def interrupted_sessions(self) -> list[InterruptedSession]:
        """Sessions still marked running whose coach is gone and that no other coach is
        resuming or closing, newest first; each with every set rated in it: those in the
        history and those waiting in its journal (the journal's rating of a set is the
        later one)."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT id, started_at, source_path, source_id, title, speed, baseline_pain,"
                " levels_json, owner, uid, local_date FROM sessions WHERE status = ?"
                " ORDER BY id DESC",
                (SessionStatus.RUNNING.value,),
            ).fetchall()
            found = []
            for line in rows:
                sid, started, path, source, title, speed, baseline, levels, owner, uid, day = line
                name = session_name(uid, started, source, title, levels, day)
                if self._alive(owner) or self._claimed_elsewhere(name):
                    continue
                waiting = self._waiting(name)
                if waiting is not None:
                    assert waiting.session is not None
                    journaled_by = waiting.session["row"].get("owner")
                    if waiting.finish is not None or (
                        journaled_by != self._owner() and self._alive(journaled_by)
                    ):
                        continue  # it ended, or a coach still plays it, into the journal
                sets = {
                    (row[0], row[3], row[-1]): set_facts(row[:-1])
                    for row in db.execute(
                        f"SELECT {FACT_COLUMNS}, attempt FROM sets WHERE session_id = ?"
                        " ORDER BY id",
                        (sid,),
                    )
                }
                if waiting is not None:
                    for key, row in waiting.sets.items():
                        sets[key] = journal_set(row)
                found.append(
                    InterruptedSession(
                        name,
                        started,
                        path,
                        source,
                        title,
                        speed,
                        baseline,
                        {k: int(v) for k, v in json.loads(levels).items()},
                        tuple(sets.values()),
                        date.fromisoformat(day) if day else None,
                    )
                )
        return found
