"""Merging another history into this one (``coach merge``): for a person with two
computers, or a history restored from a copy.

Every fact is found by its identity (:mod:`coach.store.facts`), never by row id: a
session by its uid, a set by its session and (exercise, set number, attempt), a level
answer by its session and program, a checklist, a follow-up, a function check and a
PSFS activity by their own uids, a check's holds and ratings by their check (and
activity). What this history lacks is added; what it has is kept, except a rating that
was corrected later on the other side, which replaces the older one. So merging twice
adds nothing the second time, and merging A into B or B into A gives the same facts
(and so the same plans: sessions replay by the day and time they were played).

The other history is never written: it is copied (SQLite's backup, so a coach playing
there right now is not disturbed), the copy brought up to this coach's schema, the
sessions its journal holds imported into the copy, and its rows named there. Its
sessions still running are left out (their coach may still be playing them): merge
again once they end. Decisions are not copied: what was decided on the other computer
was decided without this one's sessions. They are re-derived from the merged history
with the session file, where this computer has it.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from coach.base.types import SqlValue
from coach.engine.clock import utc_now
from coach.engine.planning import programs_of
from coach.engine.scaling import Replay
from coach.format.diagnostics import SessionFileError
from coach.format.loader import load_session_file
from coach.store.database import HistoryStore, StoreError, decision_rows
from coach.store.facts import name_facts

__all__ = ["MergeError", "MergeReport", "copy_of", "merge_attached", "merge_history"]

HISTORY_FILE = "history.sqlite3"


class MergeError(Exception):
    """The other history cannot be merged; the message says why, for the person."""


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What a merge added."""

    sessions: int = 0
    sets: int = 0
    corrected: int = 0
    level_moves: int = 0
    checklists: int = 0
    follow_ups: int = 0
    checks: int = 0
    running: int = 0
    """Sessions still running in the other history, left out."""
    added: tuple[str, ...] = ()
    """The uids of the sessions added."""
    derived: int = 0
    """Sessions added whose decisions were re-derived."""
    underived: int = 0
    """Sessions added whose session file is not on this computer: no decisions."""

    def text(self) -> str:
        """What to tell the person, in plain sentences."""
        if not (self.sessions or self.sets or self.corrected or self.level_moves) and not (
            self.checklists or self.follow_ups or self.checks
        ):
            lines = ["Nothing to add: this history already has everything the other one has."]
        else:
            lines = [
                f"Added {_count(self.sessions, 'session')} with {_count(self.sets, 'rated set')}"
                f", {_count(self.checklists, 'checklist')}, {_count(self.follow_ups, 'follow-up')}"
                f" and {_count(self.checks, 'function check')}."
            ]
            if self.corrected:
                lines.append(f"{_count(self.corrected, 'rating')} corrected there replaced.")
            if self.level_moves:
                lines.append(f"{_count(self.level_moves, 'level answer')} added.")
            if self.derived:
                lines.append(
                    f"Decisions after {_count(self.derived, 'added session')} were worked out "
                    "again from the whole history."
                )
            if self.underived:
                lines.append(
                    f"{_count(self.underived, 'added session')} played from a session file "
                    "this computer does not have: its sets count for the plan, but its "
                    "decisions are not shown."
                )
        if self.running:
            lines.append(
                f"{_count(self.running, 'session')} still running there "
                "were left out: merge again once it has ended."
            )
        return " ".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def history_file(source: Path) -> Path:
    """The history database ``source`` names: a data folder holding one, or the file."""
    if source.is_dir():
        found = source / HISTORY_FILE
        if not found.is_file():
            raise MergeError(f"{source} holds no coach history ({HISTORY_FILE} is not there)")
        return found
    if not source.is_file():
        raise MergeError(f"{source} does not exist")
    return source


@contextlib.contextmanager
def copy_of(source: Path) -> Iterator[Path]:
    """A private copy of the history at ``source`` (and of its journal), in a temporary
    folder removed afterwards; the original is only read."""
    path = history_file(source)
    with tempfile.TemporaryDirectory(prefix="coach-merge-") as folder:
        copy = Path(folder) / HISTORY_FILE
        try:
            original = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        except sqlite3.Error as exc:
            raise MergeError(f"cannot read {path}: {exc}") from None
        try:
            target = sqlite3.connect(copy)
            try:
                original.backup(target)
            finally:
                target.close()
        except sqlite3.Error as exc:
            raise MergeError(f"cannot read {path}: {exc}") from None
        finally:
            original.close()
        journal = path.parent / "journal"
        if journal.is_dir():
            (Path(folder) / "journal").mkdir(mode=0o700)
            for entry in journal.glob("*.jsonl"):
                with contextlib.suppress(OSError):
                    shutil.copyfile(entry, Path(folder) / "journal" / entry.name)
        yield copy


def _columns(db: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA {schema}.table_info({table})")]


def merge_attached(db: sqlite3.Connection) -> MergeReport:
    """Add what the history attached as ``other`` has and ``main`` lacks, inside the
    caller's transaction (both already at this coach's schema, ``other`` named)."""
    name_facts(db)
    added = tuple(
        row[0]
        for row in db.execute(
            "SELECT uid FROM other.sessions WHERE status != 'running' AND uid IS NOT NULL"
            " AND uid NOT IN (SELECT uid FROM main.sessions WHERE uid IS NOT NULL)"
        )
    )
    running = db.execute(
        "SELECT COUNT(*) FROM other.sessions o WHERE o.status = 'running'"
        " AND o.uid NOT IN (SELECT uid FROM main.sessions WHERE uid IS NOT NULL)"
    ).fetchone()[0]

    def insert(table: str, where: str, mapped: dict[str, str] | None = None) -> int:
        """Copy ``other``'s rows of ``table`` matching ``where`` (alias t), each column
        as is but for the ``mapped`` ones (a column -> the SQL giving its value here)."""
        mapped = mapped or {}
        here = set(_columns(db, "main", table))
        columns = [c for c in _columns(db, "other", table) if c in here and c != "id"]
        values = [mapped.get(c, f"t.{c}") for c in columns]
        cursor = db.execute(
            f"INSERT INTO main.{table} ({', '.join(columns)})"
            f" SELECT {', '.join(values)} FROM other.{table} t WHERE {where}"
        )
        return cursor.rowcount

    sessions = insert(
        "sessions",
        "t.status != 'running' AND t.uid IS NOT NULL"
        " AND t.uid NOT IN (SELECT uid FROM main.sessions WHERE uid IS NOT NULL)",
    )
    session_here = (
        "(SELECT m.id FROM main.sessions m JOIN other.sessions o ON o.uid = m.uid"
        " WHERE o.id = t.session_id AND o.status != 'running')"
    )
    sets = insert(
        "sets",
        f"{session_here} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM main.sets x"
        f" WHERE x.session_id = {session_here} AND x.exercise_index = t.exercise_index"
        " AND x.set_number = t.set_number AND x.attempt = t.attempt)",
        {"session_id": session_here},
    )
    # A rating corrected later on the other side replaces this one (the later instant
    # wins, the greater rating on a tie: the same whichever way the merge goes).
    corrected = db.execute(
        "UPDATE main.sets SET first_answer = COALESCE(main.sets.first_answer, t.first_answer,"
        " json_object('pain', main.sets.pain, 'numbness', main.sets.numbness,"
        " 'leg_weakness', main.sets.leg_weakness,"
        " 'pain_below_knee', main.sets.pain_below_knee)),"
        " pain = t.pain, numbness = t.numbness,"
        " leg_weakness = t.leg_weakness, pain_below_knee = t.pain_below_knee,"
        " corrected_at = t.corrected_at"
        " FROM other.sets t JOIN other.sessions o ON o.id = t.session_id"
        " JOIN main.sessions m ON m.uid = o.uid"
        " WHERE main.sets.session_id = m.id AND main.sets.exercise_index = t.exercise_index"
        " AND main.sets.set_number = t.set_number AND main.sets.attempt = t.attempt"
        " AND (COALESCE(t.corrected_at, t.rated_at), t.pain, t.numbness, t.leg_weakness,"
        " t.pain_below_knee) > (COALESCE(main.sets.corrected_at, main.sets.rated_at),"
        " main.sets.pain, main.sets.numbness, main.sets.leg_weakness,"
        " main.sets.pain_below_knee)"
    ).rowcount
    db.execute(
        "UPDATE main.sessions SET note = o.note FROM other.sessions o"
        " WHERE main.sessions.uid = o.uid AND main.sessions.note IS NULL"
        " AND o.note IS NOT NULL"
    )
    level_moves = insert(
        "level_moves",
        f"{session_here} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM main.level_moves x"
        f" WHERE x.session_id = {session_here} AND x.program_id = t.program_id)",
        {"session_id": session_here},
    )
    checklists = insert(
        "screenings",
        "t.uid IS NOT NULL AND t.uid NOT IN (SELECT uid FROM main.screenings"
        " WHERE uid IS NOT NULL)",
    )
    checks = insert(
        "checks",
        "t.status != 'running' AND t.uid IS NOT NULL"
        " AND t.uid NOT IN (SELECT uid FROM main.checks WHERE uid IS NOT NULL)",
    )
    check_here = (
        "(SELECT m.id FROM main.checks m JOIN other.checks o ON o.uid = m.uid"
        " WHERE o.id = t.check_id)"
    )
    insert(
        "check_holds",
        f"{check_here} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM main.check_holds x"
        f" WHERE x.check_id = {check_here} AND x.test = t.test)",
        {"check_id": check_here},
    )
    insert(
        "psfs_activities",
        "t.uid IS NOT NULL AND t.uid NOT IN (SELECT uid FROM main.psfs_activities"
        " WHERE uid IS NOT NULL)",
    )
    activity_here = (
        "(SELECT m.id FROM main.psfs_activities m JOIN other.psfs_activities o"
        " ON o.uid = m.uid WHERE o.id = t.activity_id)"
    )
    insert(
        "psfs_ratings",
        f"{check_here} IS NOT NULL AND {activity_here} IS NOT NULL AND NOT EXISTS"
        f" (SELECT 1 FROM main.psfs_ratings x WHERE x.check_id = {check_here}"
        f" AND x.activity_id = {activity_here})",
        {"check_id": check_here, "activity_id": activity_here},
    )
    # A follow-up points at the session (or check) it followed: found here by its name.
    follow_columns = set(_columns(db, "other", "follow_ups"))
    mapped = {"session_id": session_here}
    where = (
        "t.uid IS NOT NULL AND t.uid NOT IN (SELECT uid FROM main.follow_ups WHERE uid IS NOT NULL)"
    )
    if "check_id" in follow_columns:
        mapped["check_id"] = check_here
        where += (
            f" AND (t.session_id IS NULL OR {session_here} IS NOT NULL)"
            f" AND (t.check_id IS NULL OR {check_here} IS NOT NULL)"
        )
        mapped["session_id"] = f"CASE WHEN t.session_id IS NULL THEN NULL ELSE {session_here} END"
        mapped["check_id"] = f"CASE WHEN t.check_id IS NULL THEN NULL ELSE {check_here} END"
    else:
        where += f" AND {session_here} IS NOT NULL"
    follow_ups = insert("follow_ups", where, mapped)
    return MergeReport(
        sessions=sessions,
        sets=sets,
        corrected=corrected,
        level_moves=level_moves,
        checklists=checklists,
        follow_ups=follow_ups,
        checks=checks,
        running=running,
        added=added,
    )


def merge_history(store: HistoryStore, source: Path) -> MergeReport:
    """Merge the history at ``source`` (a data folder or a history file) into ``store``:
    what it lacks is added in one transaction, then the added sessions' decisions are
    re-derived. Raises :class:`MergeError` (or StoreError) with one sentence."""
    here = store.path.resolve()
    if history_file(source).resolve() == here:
        raise MergeError("that is this history itself: there is nothing to merge")
    # This history's own sessions waiting in its journal go in first (as at a start),
    # so that the merge and everything after see them in the history.
    store.import_journals()
    with copy_of(source) as copy:
        other = HistoryStore(copy)
        try:
            other.import_journals()  # its sessions waiting in its journal count too
            other.name_facts()
        except StoreError as exc:
            raise MergeError(f"the other history cannot be read: {exc}") from None
        with store.attached(copy) as db:
            report = merge_attached(db)
    derived, underived = derive_decisions(store, report.added)
    return replace(report, derived=derived, underived=underived)


def derive_decisions(store: HistoryStore, uids: Sequence[str]) -> tuple[int, int]:
    """Store the decisions after each session of ``uids`` as the rules make them from
    the whole history now (with each session's file, where this computer has it; a
    routine's every program). Returns how many sessions got them and how many could not
    (their file is missing or no longer loads)."""
    if not uids:
        return 0, 0
    wanted = set(uids)
    sessions = store.sessions_named(uids)
    row_of = {s.uid: s.id for s in sessions}
    rows: list[tuple[int, list[tuple[SqlValue, ...]]]] = []
    done: set[str] = set()
    for source_path in sorted({s.source_path for s in sessions}):
        try:
            loaded = load_session_file(Path(source_path))
        except (OSError, SessionFileError):
            continue
        for program, start in programs_of(loaded):
            history = store.program_history(program.id)
            moves = {m.after_session: m for m in store.level_moves(program.id)}
            replay = Replay(program, start)
            now = utc_now()
            for facts in sorted(history, key=lambda f: f.order):
                decisions = replay.add(facts)
                row = row_of.get(facts.uid)
                if facts.uid in wanted and row is not None:
                    rows.append((row, decision_rows(row, decisions, now, "after")))
                    done.add(facts.uid)
                move = moves.get(facts.uid)
                if move is not None:
                    replay.answer(move)
    store.replace_decisions(rows)
    return len(done), len(wanted - done)
