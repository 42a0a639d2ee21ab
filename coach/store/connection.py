"""The history database itself: where it is, how a connection and a transaction are
opened (and what an SQLite error means for the person), the checks for damage, a full
or read-only disk, the claims on sessions, and the journal read back. The store's
other parts (:mod:`coach.store.sessions`, :mod:`coach.store.safety`,
:mod:`coach.store.queries`) stand on :class:`Database` and use only its public
connection methods.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Self

from coach.engine.records import (
    ClaimedElsewhere,
    HistoryError,
)
from coach.store.journal import (
    JOURNAL_FOLDER,
    Journal,
    JournalEntry,
    JournalFile,
    journal_files,
    read_journal,
)
from coach.store.liveness import claim, claimed_elsewhere, hold_lease, owner_alive, release
from coach.store.migrations import SCHEMA_VERSION, NewerSchemaError, migrate
from coach.store.private import (
    FILE_MODE,
    create_private,
    os_problem,
    private_folder,
    tighten,
    tighten_folder,
)

if TYPE_CHECKING:
    # Types only: the store is opened before the first frame, and the scaling and
    # timeline modules pull in pydantic, which is slow to import.
    from coach.store.homecache import HomeCache
    from coach.store.replays import Replays

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "Database",
    "Health",
    "StoreError",
    "check_history",
    "disk_state",
    "health_of_error",
    "quick_check",
    "roll_back_hot_journal",
]


BUSY_TIMEOUT_SECONDS = 3.0
"""How long a write waits for another coach holding the database before giving up."""


class StoreError(HistoryError):
    """The history cannot be read or written; the message says why, for the user."""


def remove_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _side_files(path: Path) -> tuple[Path, ...]:
    """The WAL and shared-memory files SQLite keeps beside ``path``, where they exist."""
    return tuple(p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


class Health(StrEnum):
    """What state a history file is in, as far as this machine can tell."""

    SOUND = "sound"
    DAMAGED = "damaged"
    """SQLite found the file itself wrong (quick_check, not a database)."""
    FULL = "full"
    """The disk has no room: nothing wrong with the file, it cannot be written."""
    READ_ONLY = "read-only"
    """The disk or the file refuses writes."""
    DISK_ERROR = "disk error"
    """The disk reported an error (I/O), not a fault SQLite found in the file."""
    UNKNOWN = "unknown"
    """Not told now (in use by another program, not readable by this user): the reads
    and writes say what stops them, and the next coach to open it checks it."""


LOW_SPACE_BYTES = 64 * 1024
"""Less free space than this (a few pages and a WAL header) counts as a full disk."""


def disk_state(folder: Path) -> Health | None:
    """FULL or READ_ONLY when the file system holding ``folder`` is so; else None."""
    try:
        found = os.statvfs(folder)
    except OSError:
        return None
    if found.f_flag & os.ST_RDONLY:
        return Health.READ_ONLY
    if found.f_bavail * found.f_frsize < LOW_SPACE_BYTES:
        return Health.FULL
    return None


def health_of_error(exc: sqlite3.Error, folder: Path | None) -> Health:
    """What an error of SQLite's says about the file: damage only when SQLite says the
    file is wrong; a full or read-only disk, or an I/O error, is never called damage."""
    text = str(exc)
    name = str(getattr(exc, "sqlite_errorname", ""))
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or any(
        word in text for word in ("malformed", "not a database", "corrupt")
    ):
        return Health.DAMAGED
    if "locked" in text or "busy" in text:
        return Health.UNKNOWN
    disk = None if folder is None else disk_state(folder)
    if disk is not None:
        return disk
    if name == "SQLITE_FULL" or "full" in text:
        return Health.FULL
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return Health.READ_ONLY
    if name.startswith("SQLITE_IOERR") or "disk I/O" in text:
        return Health.DISK_ERROR
    if "unable to open" in text or name.startswith("SQLITE_CANTOPEN"):
        return Health.UNKNOWN
    return Health.DAMAGED


def roll_back_hot_journal(path: Path) -> None:
    """Finish what a killed writer left: a rollback journal beside the file (SQLite's
    "hot journal"), which only a connection that may write can roll back. Rolling it back
    restores the file as it was before that write; it is what any open would do."""
    journal = Path(f"{path}-journal")
    with contextlib.suppress(OSError, sqlite3.Error):
        if journal.stat().st_size > 0:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            try:
                connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            finally:
                connection.close()


def check_history(path: Path) -> tuple[Health, str | None]:
    """The state of the history file at ``path`` (read only, after rolling back what a
    killed writer left), with what was found wrong. A file that is not a database at all
    is damaged; an empty file (just created) is sound."""
    try:
        if path.stat().st_size == 0:
            return Health.SOUND, None
    except OSError:
        return Health.UNKNOWN, None
    roll_back_hot_journal(path)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=3)
    except sqlite3.Error as exc:
        return health_of_error(exc, path.parent), str(exc)
    try:
        rows = connection.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.Error as exc:
        return health_of_error(exc, path.parent), str(exc)
    finally:
        connection.close()
    found = [str(r[0]) for r in rows]
    return (Health.SOUND, None) if found == ["ok"] else (Health.DAMAGED, "; ".join(found))


def quick_check(path: Path) -> str | None:
    """What SQLite's quick_check finds wrong with the file at ``path`` (read only), or
    None when it is not damaged (see :func:`check_history`: a full or read-only disk is
    not damage)."""
    health, text = check_history(path)
    return text if health is Health.DAMAGED else None


_memory_names = itertools.count(1)


_memory_claims: dict[tuple[str, str], str] = {}
"""(database, session) -> the in-memory coach acting on it: a claim (see
:func:`coach.store.liveness.claim`) between stores that share one memory database."""


def _claimed_text(holder: str) -> str:
    return (
        f"{holder[:1].upper()}{holder[1:]} is resuming or closing this interrupted "
        "session right now, so this coach leaves it to that one."
    )


class Database:
    """The SQLite history at ``path`` (created on first use, readable by its owner only).

    A database that fails SQLite's ``quick_check`` when first opened is never written
    again (byte for byte as found): sessions go to the journal, and ``coach doctor``
    says what is wrong and can rebuild it."""

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
    def in_memory(cls, name: str | None = None) -> Self:
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

    def memory_copy(self) -> Self:
        """A store in this process's memory holding a copy of this history as it is now
        (for a view that adds what waits in the journal without writing the history).
        StoreError when the history cannot be read."""
        copy = type(self).in_memory()
        keeper = copy._keeper
        assert keeper is not None
        if self.path.is_file():
            with self.read() as db:  # checked, migrated: the same schema as the copy's
                try:
                    db.backup(keeper)
                except sqlite3.Error as exc:
                    raise StoreError(f"cannot read the history {self.path}: {exc}") from None
        return copy

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

    def journal_sessions(self) -> list[JournalFile]:
        """Every session waiting in the journal (a session line read), oldest first, read
        only: nothing is imported or removed. Each holds the session, its sets and its
        finish in the database's own columns, as :func:`apply_write` writes them."""
        return [journal for journal in self._journals() if journal.session is not None]

    def _journals(self) -> list[JournalFile]:
        """Every journal file that can be read, oldest first (read only)."""
        if self._journal is None:
            return []
        found = []
        for path in journal_files(self._journal.folder):
            with contextlib.suppress(OSError):
                found.append(read_journal(path))
        return found

    def waiting_facts(self, table: str) -> list[JournalEntry]:
        """The rows of ``table`` waiting in the journal (read only), oldest first."""
        return [f["row"] for j in self._journals() for f in j.facts if f["table"] == table]

    @contextlib.contextmanager
    def connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
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
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect(write=True) as connection:
            try:
                connection.execute("BEGIN IMMEDIATE")
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for the store package's own queries (history views, export,
        the demo history's bulk write); nothing outside the package holds one."""
        with self.connect() as connection:
            yield connection

    def _damaged_text(self) -> str:
        return (
            f"the history database {self.path} is damaged or not a coach database; coach "
            "leaves it as it is (run 'coach doctor' to check it and rebuild it)"
        )

    def _explain(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        health = health_of_error(exc, None if self._uri is not None else self.path.parent)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"the history database {self.path} is in use by another program (another coach?)"
            )
        if health is Health.DAMAGED and (
            "not a database" in text or "malformed" in text or "corrupt" in text
        ):
            self.damage = self.damage or text
            return StoreError(self._damaged_text())
        if health is Health.FULL:
            return StoreError(f"the disk is full: coach cannot write {self.path}")
        if health is Health.READ_ONLY:
            return StoreError(f"the history database {self.path} is read-only")
        if "unable to open" in text:
            return StoreError(f"coach cannot open the history database {self.path}")
        if health is Health.DISK_ERROR:
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
                tighten_folder(self.path.parent)
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
        except TimeoutError:
            raise StoreError(
                f"the history database {self.path} is being upgraded by another coach; "
                "try again in a moment"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot upgrade the history database: {os_problem(exc, self.path.parent)}"
            ) from None
        finally:
            connection.close()
        if self._uri is None:
            # SQLite made the WAL files with the database's mode (0600); say so anyway.
            for path in _side_files(self.path):
                tighten(path, FILE_MODE)
        self._ready = True

    def version(self) -> tuple[object, ...] | None:
        """What changes whenever the history does (see
        :func:`coach.store.homecache.history_version`, which the first frame uses
        without the store)."""
        from coach.store.homecache import history_version, version_of

        if self._uri is None:
            return history_version(self.path)
        try:
            connection = self._open()
            try:
                return version_of(connection)
            finally:
                connection.close()
        except sqlite3.Error:
            return None

    @property
    def home_cache(self) -> HomeCache:
        """The home views kept for the next start (see :mod:`coach.store.homecache`)."""
        if self._home_cache is None:
            from coach.store.homecache import HomeCache, home_cache_beside

            memory = self._uri is not None
            self._home_cache = HomeCache(None) if memory else home_cache_beside(self.path)
        return self._home_cache

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

    @contextlib.contextmanager
    def attached(self, other: Path) -> Iterator[sqlite3.Connection]:
        """One write transaction on this history with the database at ``other`` attached
        as ``other`` (for a merge: every addition in it, or none)."""
        with self.connect(write=True) as db:
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

        with self.transaction() as db:
            return name_facts(db)
