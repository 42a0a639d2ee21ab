"""``coach doctor``: what state the history is in, and a rebuild when it is damaged.

The check reads only: SQLite's ``quick_check``, the schema version, the counts, the
permissions, the journals waiting, the backups. The rebuild never destroys anything: it
makes a new database (the current schema) from every row that can still be read, from
the newest backup when that holds more sessions, then imports the journals; the damaged
original is kept beside it under a new name.
"""

from __future__ import annotations

import contextlib
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coach.store.backups import backups
from coach.store.journal import JOURNAL_FOLDER, journal_files, read_journal
from coach.store.private import FILE_MODE, FOLDER_MODE, tighten

__all__ = ["Examination", "Rebuilt", "examine", "rebuild"]

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
    damage: str | None = None
    schema: int | None = None
    sessions: int | None = None
    sets: int | None = None
    loose: list[str] = field(default_factory=list)
    """Files or folders others could read, as found (tightened when allowed)."""
    journal_files: int = 0
    journal_sets: int = 0
    backups: list[Path] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return self.damage is None

    def lines(self) -> list[str]:
        """The report, a sentence a line."""
        out: list[str] = []
        if not self.exists:
            out.append(
                f"History: {self.path} does not exist yet (it is made by the first session)."
            )
        elif self.damage is not None:
            out.append(f"History: {self.path} is DAMAGED: {self.damage}")
            out.append(
                "coach does not write to it: sessions go to the journal. Run "
                "'coach doctor --rebuild' to make a new one from what can be read "
                "(the damaged file is kept)."
            )
        else:
            out.append(
                f"History: {self.path} is sound (schema {self.schema}; {self.sessions} "
                f"sessions, {self.sets} rated sets)."
            )
        for path in self.loose:
            out.append(f"Permissions: {path} could be read by others; now owner-only.")
        if self.journal_files:
            out.append(
                f"Journal: {self.journal_sets} rated sets in {self.journal_files} file(s) "
                "wait to go into the history; the next start of coach imports them."
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
                found.loose.append(str(candidate))
                tighten(candidate, mode)
    for journal in journal_files(folder / JOURNAL_FOLDER):
        with contextlib.suppress(OSError):
            found.journal_sets += len(read_journal(journal).sets)
            found.journal_files += 1
    found.backups = [p for _, p in backups(path)]
    if not found.exists:
        return found
    from coach.store.database import quick_check

    found.damage = quick_check(path)
    if found.damage is not None:
        return found
    with contextlib.suppress(sqlite3.Error), _read_only(path) as db:
        found.schema = db.execute("PRAGMA user_version").fetchone()[0]
        found.sessions = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        found.sets = db.execute("SELECT COUNT(*) FROM sets").fetchone()[0]
    return found


@dataclass(frozen=True)
class Rebuilt:
    path: Path
    kept_as: Path
    source: Path
    """Where the rows came from: the damaged file, or the newest backup."""
    sessions: int
    sets: int
    unreadable: int
    """Rows that could not be read in the damaged file."""
    imported_sets: int


def rebuild(path: Path) -> Rebuilt:
    """A new history at ``path`` from what can be read of the damaged one (or of the
    newest backup, when that has more sessions), plus the journals. The damaged file is
    renamed ``<name>.damaged-<time>``. OSError or sqlite3.Error when it cannot be done
    (then nothing has been moved)."""
    from coach.store.database import HistoryStore

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    fresh = path.with_name(f"{path.name}.rebuilding-{stamp}")
    kept_as = path.with_name(f"{path.name}.damaged-{stamp}")
    store = HistoryStore(fresh)
    store.recent_sessions(1)  # made, migrated to the current schema, 0600
    source = path
    target = sqlite3.connect(fresh, isolation_level=None)
    try:
        sessions, unreadable = _copy(path, target)
        kept = backups(path)
        newest = kept[-1][1] if kept else None
        if newest is not None and sessions < _count(newest):
            # The damage took more than the last backup lacks: start from the backup.
            for table in reversed(TABLES):
                with contextlib.suppress(sqlite3.Error):
                    target.execute(f"DELETE FROM {table}")
            _copy(newest, target)
            source = newest
        problems = target.execute("PRAGMA integrity_check").fetchall()
        if [r[0] for r in problems] != ["ok"]:
            raise sqlite3.DatabaseError("the rebuilt database failed its own check")
        counts = (
            target.execute("SELECT COUNT(*) FROM sessions").fetchone()[0],
            target.execute("SELECT COUNT(*) FROM sets").fetchone()[0],
        )
    finally:
        target.close()
    for side in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{side}").replace(Path(f"{kept_as}{side}"))
    path.replace(kept_as)
    Path(fresh).replace(path)
    for side in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{fresh}{side}").unlink()
    imported = HistoryStore(path).import_journals()
    return Rebuilt(path, kept_as, source, counts[0], counts[1], unreadable, imported.sets)


def _count(path: Path) -> int:
    try:
        with _read_only(path) as db:
            return int(db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
    except sqlite3.Error:
        return 0


def _copy(source: Path, target: sqlite3.Connection) -> tuple[int, int]:
    """Every row of :data:`TABLES` that can be read in ``source`` into ``target`` (their
    ids kept); the sessions copied and the rows that could not be read."""
    unreadable = 0
    try:
        db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0, 0
    try:
        target.execute("BEGIN")
        for table in TABLES:
            ours = [r[1] for r in target.execute(f"PRAGMA table_info({table})")]
            try:
                theirs = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            except sqlite3.Error:
                continue
            columns = [c for c in ours if c in theirs]
            if not columns:
                continue
            names = ", ".join(columns)
            insert = (
                f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
            )
            rows, lost = _readable_rows(db, table, names)
            unreadable += lost
            target.executemany(insert, rows)
        target.execute("COMMIT")
        (sessions,) = target.execute("SELECT COUNT(*) FROM sessions").fetchone()
    finally:
        db.close()
    return int(sessions), unreadable


def _readable_rows(
    db: sqlite3.Connection, table: str, names: str
) -> tuple[list[tuple[object, ...]], int]:
    """The rows of ``table`` that can be read: all at once when the table is sound, else
    row by row around the damaged pages."""
    try:
        return db.execute(f"SELECT {names} FROM {table} ORDER BY rowid").fetchall(), 0
    except sqlite3.Error:
        pass
    try:
        (top,) = db.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()
    except sqlite3.Error:
        top = None
    if not top:
        return [], 1
    rows: list[tuple[object, ...]] = []
    lost = 0
    for rowid in range(1, int(top) + 1):
        try:
            row = db.execute(f"SELECT {names} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error:
            lost += 1
            continue
        if row is not None:
            rows.append(row)
    return rows, lost


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=3)
    try:
        yield db
    finally:
        db.close()
