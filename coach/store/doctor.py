"""``coach doctor``: what state the history is in, and a rebuild when it is damaged.

The check reads: SQLite's ``quick_check`` (after rolling back what a killed writer left,
as any open does), the schema version, the counts, the permissions, the journals waiting,
the backups, and whether the disk is full or read-only (which is never called damage).
The rebuild never destroys anything: it makes a new database (the current schema) from
every row of the damaged file that can still be read, every row of every backup that the
file lost (each fact once, matched by what it is), then imports the journals; the damaged
original is kept beside it under a new name.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coach.base.atomic import sync
from coach.base.types import JsonValue, SqlValue
from coach.engine.records import RECOVERED
from coach.store.backups import backups
from coach.store.database import Health, check_history, disk_state
from coach.store.journal import JOURNAL_FOLDER, journal_files, read_journal
from coach.store.liveness import exclusive
from coach.store.private import FILE_MODE, FOLDER_MODE, create_private, tighten

__all__ = ["Examination", "Rebuilt", "Source", "examine", "rebuild"]

# Copied in this order, parents before children; the columns both schemas have.
TABLES = (
    "sessions",
    "sets",
    "dose_changes",
    "advice",
    "level_moves",
    "screenings",
    "follow_ups",
    "checks",
    "check_holds",
    "psfs_activities",
    "psfs_ratings",
)


@dataclass
class Examination:
    """What ``coach doctor`` found."""

    path: Path
    exists: bool
    health: Health = Health.SOUND
    damage: str | None = None
    """What was found wrong: SQLite's words about the file, or the error the disk gave."""
    schema: int | None = None
    sessions: int | None = None
    sets: int | None = None
    loose: list[tuple[str, bool]] = field(default_factory=list)
    """Files or folders others could read, as found, and whether they were tightened."""
    journal_files: int = 0
    """Sessions waiting in the journal."""
    journal_sets: int = 0
    journal_facts: int = 0
    """Checklists and follow-ups waiting in the journal."""
    backups: list[Path] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        """Not damaged, and the disk can take its writes."""
        return self.health in (Health.SOUND, Health.UNKNOWN)

    @property
    def damaged(self) -> bool:
        return self.health is Health.DAMAGED

    def lines(self) -> list[str]:
        """The report, a sentence a line."""
        out: list[str] = []
        if not self.exists:
            out.append(
                f"History: {self.path} does not exist yet (it is made by the first session)."
            )
        elif self.health is Health.DAMAGED:
            out.append(f"History: {self.path} is DAMAGED: {self.damage}")
            out.append(
                "coach does not write to it: sessions go to the journal. Run "
                "'coach doctor --rebuild' to make a new one from what can be read "
                "(the damaged file is kept)."
            )
        elif self.health is Health.DISK_ERROR:
            out.append(
                f"History: the disk reported an error reading {self.path} ({self.damage}); "
                "that is the disk, not damage SQLite found in the file. Check the disk."
            )
        elif self.schema is not None:
            out.append(
                f"History: {self.path} is sound (schema {self.schema}; {self.sessions} "
                f"sessions, {self.sets} rated sets)."
            )
        else:
            why = "" if self.damage is None else f" ({self.damage})"
            out.append(
                f"History: {self.path} could not be read now{why}; nothing in it was found damaged."
            )
        if self.health is Health.FULL:
            out.append(
                "Disk: full. coach cannot write the history or its journal until there is "
                "room; that is not damage (a rebuild would not help)."
            )
        elif self.health is Health.READ_ONLY:
            out.append(
                "Disk: the history or its disk is read-only; coach cannot write to it. "
                "That is not damage (a rebuild would not help)."
            )
        for path, tightened in self.loose:
            now = "now owner-only" if tightened else "coach could not change that"
            out.append(f"Permissions: {path} could be read by others; {now}.")
        if self.journal_files or self.journal_facts:
            waiting = []
            if self.journal_files:
                waiting.append(
                    f"{_count(self.journal_sets, 'rated set')} of "
                    f"{_count(self.journal_files, 'session')}"
                )
            if self.journal_facts:
                waiting.append(
                    _count(self.journal_facts, "checklist or follow-up", "s or follow-ups")
                )
            out.append(
                f"Journal: {' and '.join(waiting)} wait to go into the history; the next "
                "start of coach imports them."
            )
        else:
            out.append("Journal: nothing waiting.")
        if self.backups:
            out.append(
                f"Backups: {len(self.backups)}, the newest {self.backups[-1]} (one a week, "
                "the last four kept)."
            )
        else:
            out.append("Backups: none yet (one is made a week, after a session).")
        return out


def examine(path: Path) -> Examination:
    """Check the history at ``path`` without writing to it (only permissions are
    tightened, as coach does whenever it opens the history)."""
    found = Examination(path, path.is_file())
    folder = path.parent
    for candidate, mode in (
        (folder, FOLDER_MODE),
        (path, FILE_MODE),
        (Path(f"{path}-wal"), FILE_MODE),
        (Path(f"{path}-shm"), FILE_MODE),
    ):
        with contextlib.suppress(OSError):
            if candidate.exists() and stat.S_IMODE(candidate.stat().st_mode) & 0o077:
                tighten(candidate, mode)
                found.loose.append(
                    (str(candidate), not stat.S_IMODE(candidate.stat().st_mode) & 0o077)
                )
    for journal in journal_files(folder / JOURNAL_FOLDER):
        with contextlib.suppress(OSError):
            waiting = read_journal(journal)
            found.journal_sets += len(waiting.sets)
            found.journal_facts += len(waiting.facts)
            found.journal_files += waiting.session is not None
    found.backups = [p for _, p in backups(path)]
    if not found.exists:
        found.health = disk_state(folder) or Health.SOUND
        return found
    found.health, found.damage = check_history(path)
    if found.health is not Health.SOUND:
        return found
    with contextlib.suppress(sqlite3.Error), _read_only(path) as db:
        found.schema = db.execute("PRAGMA user_version").fetchone()[0]
        found.sessions = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        found.sets = db.execute("SELECT COUNT(*) FROM sets").fetchone()[0]
    # A sound file on a full (or read-only) disk still cannot take a session.
    found.health = disk_state(folder) or Health.SOUND
    return found


@dataclass(frozen=True)
class Source:
    """What one file gave the rebuilt history."""

    path: Path
    sessions: int
    """Sessions added from it (not already there from a file read before)."""
    sets: int
    unreadable: int
    """Rows it holds that could not be read (or were not rows at all)."""


@dataclass(frozen=True)
class Rebuilt:
    path: Path
    kept_as: Path
    sources: tuple[Source, ...]
    """The damaged file first, then each backup, newest first."""
    sessions: int
    sets: int
    recovered: int
    """Sessions whose own row was lost, made again to hold what survived of them (so
    their rated sets stay theirs and their ids are never given to a new session)."""
    imported_sets: int

    @property
    def unreadable(self) -> int:
        """Rows of the damaged file that could not be read."""
        return self.sources[0].unreadable if self.sources else 0


def rebuild(path: Path) -> Rebuilt:
    """A new history at ``path``: every row that can be read of the damaged one, with
    every row of every backup it lost (rows matched by what they are, never doubled),
    then the journals. The damaged file is kept as ``<name>.damaged-<time>``.

    Built in a temporary file, flushed to the disk and checked, then put in place in one
    rename: OSError or sqlite3.Error when it cannot be done (a full disk), and then the
    original is as it was and no new file is left."""
    from coach.store.database import HistoryStore
    from coach.store.facts import name_facts
    from coach.store.migrations import migrate

    folder = path.parent
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept_as = path.with_name(f"{path.name}.damaged-{stamp}")
    with exclusive(folder / "locks", f"rebuild-{path.name}", wait=1.0):
        # What a killed rebuild left: the claim is ours, so no other rebuild writes them.
        for stale in folder.glob(f".{path.name}.rebuilding-*"):
            _remove(stale)
        fresh = folder / f".{path.name}.rebuilding-{stamp}-{os.getpid()}"
        try:
            os.close(create_private(fresh, os.O_RDWR | os.O_EXCL))
            target = sqlite3.connect(fresh, isolation_level=None)
            try:
                migrate(target, None)
                target.execute("BEGIN IMMEDIATE")
                sources = [_merge(path, target, first=True)]
                for backup in _backups_of(path):
                    sources.append(_merge(backup, target, first=False))
                recovered = _recover_parents(target)
                # Every fact named, those made again here too: the store finds them by
                # the names the engine knows them by.
                name_facts(target)
                target.execute("COMMIT")
                _check(target)
                sessions, sets = target.execute(
                    "SELECT (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM sets)"
                ).fetchone()
                # One self-contained file: the WAL written back and removed.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
            sync(fresh)
            # The damaged file keeps its WAL: it goes with it (and must never meet the new one).
            for side in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{path}{side}").replace(Path(f"{kept_as}{side}"))
            try:
                os.link(path, kept_as)  # kept under its new name while still in place
            except FileExistsError:
                raise
            except OSError:
                path.replace(kept_as)  # no hard links here: a moment without a history
            fresh.replace(path)
            sync(folder)
        except BaseException:
            for leftover in (fresh, *(Path(f"{fresh}{s}") for s in ("-wal", "-shm", "-journal"))):
                _remove(leftover)
            raise
    # Caches made from the damaged history (replays through sets it no longer holds).
    for cache in ("replay.json", "home.json"):
        _remove(folder / "cache" / cache)
    imported = HistoryStore(path).import_journals()
    return Rebuilt(path, kept_as, tuple(sources), sessions, sets, recovered, imported.sets)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _backups_of(path: Path) -> list[Path]:
    """Every copy of the history beside it, newest first: the weekly backups, then the
    copies made before upgrades."""
    weekly = [p for _, p in reversed(backups(path))]
    upgrades = sorted(
        path.parent.glob(f"{path.stem}.v*.backup{path.suffix}"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    return weekly + upgrades


def _check(target: sqlite3.Connection) -> None:
    problems = [r[0] for r in target.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError("the rebuilt database failed its own check")
    if target.execute("PRAGMA foreign_key_check").fetchall():
        raise sqlite3.DatabaseError("the rebuilt database holds rows without their session")


# -- reading what can be read ---------------------------------------------------------

_MIN_ROWID = -(2**63)
_MAX_ROWID = 2**63 - 1
_GAP_READ_ONE_BY_ONE = 4096
"""A damaged stretch of rowids up to this long is also read one row at a time (a page
whose damage spared some of its rows)."""


def _salvage(
    db: sqlite3.Connection, table: str, names: str
) -> tuple[list[tuple[SqlValue, ...]], int]:
    """Every row of ``table`` that can be read (rowid first, then ``names``), in rowid
    order, and how many rows are known to be lost.

    A sound table is read in one pass. Around a damaged page the pass stops; the walk
    goes on after it (where a read from a rowid on works again, found by doubling then
    halving the step), the rows of a short damaged stretch are tried one by one, and so
    are the rows the table's indexes name (a damaged last page has no pages after it:
    its rows are found through the indexes), so one bad page never costs its
    neighbours."""
    select = f"SELECT rowid, {names} FROM {table}"
    rows: dict[int, tuple[SqlValue, ...]] = {}
    start = _MIN_ROWID  # the next rowid to read
    stretches = 0
    step = 1
    for _ in range(200):  # each round gets past a damaged stretch, or doubles its stride
        read = 0
        try:
            for row in db.execute(f"{select} WHERE rowid >= ? ORDER BY rowid", (start,)):
                if isinstance(row[0], int) and row[0] >= start:
                    rows[row[0]] = tuple(row)
                    start = row[0] + 1
                    read += 1
            break
        except sqlite3.Error:
            if read or not stretches:
                stretches += 1  # a new damaged stretch, not the same one again
            # A read that fails again at once (a seek the damage did not stop, a walk it
            # did) goes on with a longer stride: never one rowid at a time.
            step = 1 if read else step * 2
            after = _next_readable(db, table, start, step)
            end = _MAX_ROWID if after is None else after - 1
            if read and end - start < _GAP_READ_ONE_BY_ONE:
                _read_each(db, select, range(start, end + 1), rows)
            if after is None:
                break
            start = after
        if start > _MAX_ROWID:
            break
    known = _indexed_rowids(db, table)
    _read_each(db, select, sorted(known - rows.keys()), rows)
    lost = len(known - rows.keys())
    return [rows[k] for k in sorted(rows)], lost if known else stretches


def _read_each(
    db: sqlite3.Connection,
    select: str,
    rowids: Iterable[int],
    into: dict[int, tuple[SqlValue, ...]],
) -> None:
    for rowid in rowids:
        try:
            row = db.execute(f"{select} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error:
            continue
        if row is not None and row[0] == rowid:
            into[rowid] = tuple(row)


def _readable_from(db: sqlite3.Connection, table: str, rowid: int) -> bool:
    try:
        db.execute(
            f"SELECT rowid FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (rowid,)
        ).fetchone()
    except sqlite3.Error:
        return False
    return True


def _next_readable(db: sqlite3.Connection, table: str, start: int, step: int) -> int | None:
    """The smallest rowid above ``start`` (where a read failed) from which the table
    reads again (a read from inside a damaged page fails, one from after it works), or
    None when none does (the damage reaches the table's last page). The search starts
    ``step`` rowids on and doubles its step."""
    failing = start
    while True:
        probe = start + step
        if probe > _MAX_ROWID:
            return None
        if _readable_from(db, table, probe):
            break
        failing = probe
        step *= 2
    working = probe
    while working - failing > 1:
        middle = (failing + working) // 2
        if _readable_from(db, table, middle):
            working = middle
        else:
            failing = middle
    return working


def _indexed_rowids(db: sqlite3.Connection, table: str) -> set[int]:
    """The rowids the table's indexes hold (as far as they can be read)."""
    found: set[int] = set()
    try:
        indexes = [r[1] for r in db.execute(f"PRAGMA index_list({table})") if not r[4]]
    except sqlite3.Error:
        return found
    for index in indexes:
        with contextlib.suppress(sqlite3.Error):
            for (rowid,) in db.execute(f'SELECT rowid FROM {table} INDEXED BY "{index}"'):
                if isinstance(rowid, int):
                    found.add(rowid)
    return found


# -- merging: every fact once, under its own identity -----------------------------------

# What a row is, apart from its id: rows of another file with the same values are the
# same fact (a set is its session's exercise, set and attempt). The parents' ids are
# those of the rebuilt history.
_IDENTITY: dict[str, tuple[str, ...]] = {
    "sets": ("session_id", "exercise_index", "set_number", "attempt"),
    "level_moves": ("session_id", "program_id", "decided_at"),
    "screenings": ("taken_at",),
    "follow_ups": ("session_id", "asked_at"),
    "checks": ("started_at",),
    "check_holds": ("check_id", "test"),
    "psfs_activities": ("text", "created_at"),
    "psfs_ratings": ("check_id", "activity_id"),
}
# Written for a whole session at once (a correction rewrites them): a session's rows
# come from the first file that has any, never a mix of two versions.
_BY_SESSION = {"dose_changes", "advice"}
# Which table each reference points to.
_PARENTS = {"session_id": "sessions", "check_id": "checks", "activity_id": "psfs_activities"}


def _merge(source: Path, target: sqlite3.Connection, *, first: bool) -> Source:
    """Add to ``target`` (inside its open transaction) every readable row of ``source``
    it does not hold yet. The damaged file (``first``) keeps its ids; a backup's row keeps
    its id when that is free, else takes a new one (and its children follow it)."""
    added = {"sessions": 0, "sets": 0}
    unreadable = 0
    try:
        db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=3)
    except sqlite3.Error:
        return Source(source, 0, 0, 0)
    ids: dict[str, dict[int, int]] = {parent: {} for parent in _PARENTS.values()}
    try:
        for table in TABLES:
            ours = [r[1] for r in target.execute(f"PRAGMA table_info({table})")]
            try:
                theirs = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            except sqlite3.Error:
                unreadable += 1
                continue
            columns = [c for c in ours if c in theirs]
            if "id" not in columns:
                continue
            rows, lost = _salvage(db, table, ", ".join(columns))
            unreadable += lost
            had = set()
            if table in _BY_SESSION:
                had = {r[0] for r in target.execute(f"SELECT DISTINCT session_id FROM {table}")}
            for raw in rows:
                row = dict(zip(columns, raw[1:], strict=True))
                for column, parent in _PARENTS.items():
                    if row.get(column) is not None:
                        row[column] = ids[parent].get(row[column], row[column])
                if table in _BY_SESSION and row.get("session_id") in had:
                    continue
                there = _find(target, table, row)
                if there is None:
                    there = _insert(target, table, row, keep_id=first)
                    if there is None:
                        unreadable += 1  # not a row at all (the damage made it up)
                        continue
                    if table in added:
                        added[table] += 1
                old = raw[1 + columns.index("id")]
                if table in ids and isinstance(old, int):
                    ids[table][old] = there
    finally:
        db.close()
    return Source(source, added["sessions"], added["sets"], unreadable)


def _find(target: sqlite3.Connection, table: str, row: dict[str, JsonValue]) -> int | None:
    """The id of the row of ``target`` that is the same fact as ``row``, if any."""
    if table == "sessions":
        found = None
        if row.get("uid") is not None:
            found = target.execute(
                "SELECT id FROM sessions WHERE uid = ?", (row["uid"],)
            ).fetchone()
        if found is None:
            found = target.execute(
                "SELECT id FROM sessions WHERE started_at IS ? AND source_id IS ?"
                " AND (uid IS NULL OR ? IS NULL)",
                (row.get("started_at"), row.get("source_id"), row.get("uid")),
            ).fetchone()
        return None if found is None else int(found[0])
    if table in _BY_SESSION:
        if row.get("session_id") is not None:
            return None  # the whole session's rows are new (see _merge)
        key: tuple[str, ...] = ("program_id", "decided_at", "reason")
    else:
        key = _IDENTITY[table]
    where = " AND ".join(f"{c} IS ?" for c in key)
    found = target.execute(
        f"SELECT id FROM {table} WHERE {where}", tuple(row.get(c) for c in key)
    ).fetchone()
    return None if found is None else int(found[0])


def _insert(
    target: sqlite3.Connection, table: str, row: dict[str, JsonValue], *, keep_id: bool
) -> int | None:
    """Insert ``row`` (under its own id when that is free, or always for the damaged
    file's rows); its new id, or None when it breaks the schema's rules."""
    values = dict(row)
    if not keep_id:
        free = target.execute(f"SELECT 1 FROM {table} WHERE id = ?", (values["id"],)).fetchone()
        if free is not None:
            del values["id"]
    names = ", ".join(values)
    try:
        cursor = target.execute(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
    except sqlite3.IntegrityError:
        return None
    return cursor.lastrowid


# -- what the damage took: parents made again for the rows that survived them -----------

_RECOVERED_TITLE = "Recovered session (its own record was lost to damage)"
_RECOVERED_CHECK_TEXT = "(an activity whose words were lost to damage)"


def _recover_parents(target: sqlite3.Connection) -> int:
    """A placeholder for every session, check or activity whose rows survived it: its
    sets stay its own, and its id is never given to a new session. The sessions made."""
    made = 0
    children = ("sets", "dose_changes", "level_moves", "advice", "follow_ups")
    missing = sorted(
        {
            sid
            for child in children
            for (sid,) in target.execute(
                f"SELECT DISTINCT session_id FROM {child} WHERE session_id IS NOT NULL"
                " AND session_id NOT IN (SELECT id FROM sessions)"
            )
        }
    )
    for sid in missing:
        (started, ended) = target.execute(
            "SELECT MIN(t), MAX(t) FROM (SELECT COALESCE(started_at, rated_at) AS t FROM sets"
            " WHERE session_id = :s UNION ALL SELECT rated_at FROM sets WHERE session_id = :s"
            " UNION ALL SELECT decided_at FROM dose_changes WHERE session_id = :s"
            " UNION ALL SELECT decided_at FROM level_moves WHERE session_id = :s"
            " UNION ALL SELECT decided_at FROM advice WHERE session_id = :s)",
            {"s": sid},
        ).fetchone()
        started = started or "1970-01-01T00:00:00.000+00:00"
        levels = dict(
            target.execute(
                "SELECT program_id, MIN(level) FROM sets WHERE session_id = ? GROUP BY program_id",
                (sid,),
            ).fetchall()
        )
        target.execute(
            "INSERT INTO sessions (id, started_at, ended_at, status, stop_reason, source_id,"
            " title, source_path, planned_seconds, levels_json, local_date, utc_offset)"
            " VALUES (?, ?, ?, 'stopped', ?, ?, ?, '', 0, ?, date(?, 'localtime'), 0)",
            (
                sid,
                started,
                ended or started,
                RECOVERED,
                next(iter(levels), "recovered"),
                _RECOVERED_TITLE,
                json.dumps(levels, sort_keys=True),
                started,
            ),
        )
        made += 1
    for child, column in (("check_holds", "check_id"), ("psfs_ratings", "check_id")):
        for (cid,) in target.execute(
            f"SELECT DISTINCT {column} FROM {child} WHERE {column} NOT IN (SELECT id FROM checks)"
        ).fetchall():
            (when,) = target.execute(
                "SELECT MIN(t) FROM (SELECT recorded_at AS t FROM check_holds WHERE check_id = :c"
                " UNION ALL SELECT rated_at FROM psfs_ratings WHERE check_id = :c)",
                {"c": cid},
            ).fetchone()
            when = when or "1970-01-01T00:00:00.000+00:00"
            target.execute(
                "INSERT INTO checks (id, started_at, ended_at, local_date, status)"
                " VALUES (?, ?, ?, date(?, 'localtime'), 'stopped')",
                (cid, when, when, when),
            )
    for (aid,) in target.execute(
        "SELECT DISTINCT activity_id FROM psfs_ratings"
        " WHERE activity_id NOT IN (SELECT id FROM psfs_activities)"
    ).fetchall():
        (when,) = target.execute(
            "SELECT MIN(rated_at) FROM psfs_ratings WHERE activity_id = ?", (aid,)
        ).fetchone()
        target.execute(
            "INSERT INTO psfs_activities (id, text, created_at) VALUES (?, ?, ?)",
            (aid, _RECOVERED_CHECK_TEXT, when),
        )
    return made


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=3)
    try:
        yield db
    finally:
        db.close()


def _count(n: int, word: str, plural: str = "s") -> str:
    """'1 session', '3 sessions'; ``plural`` replaces the word's last part ('checklist or
    follow-up' -> 'checklists or follow-ups')."""
    if n == 1:
        return f"{n} {word}"
    if plural == "s":
        return f"{n} {word}s"
    head = word.split(" ")[0]
    return f"{n} {head}{plural}"
