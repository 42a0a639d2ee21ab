"""Home, drawn in the first frame: the home views of the next few days, kept in a file.

Loading a routine and planning it takes the engine, the format's models and the history,
which is most of a second on a small machine. Home does not wait for that: after each
run coach keeps what home will show today and on the next days (``cache/home.json``
beside the history, readable by its owner only), and the next start draws it at once
while the day loads behind it. A view is used only while everything it was made from is
unchanged: this coach's version, the session files (path, size and modification time),
the history (its newest rows and the state of its last session), the time zone and the
day; and never while a session is still marked running (that start may have to offer to
resume it). When the day has loaded, the flow's own home replaces the drawn one if they
differ, so a stale view can cost a redraw, never a wrong plan.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from coach import __version__
from coach.base.atomic import write_atomic
from coach.base.types import read_object
from coach.engine.home import HomeView, RoutineRef
from coach.store.private import private_folder

if TYPE_CHECKING:
    import sqlite3

    from coach.engine.day import DayLoaded, History


class _Kept(Protocol):
    """What :func:`refresh_home` needs of the store (the store itself, in practice; a
    protocol so that this module never imports the one that imports it)."""

    @property
    def home_cache(self) -> HomeCache: ...

    def version(self) -> tuple[object, ...] | None: ...


if TYPE_CHECKING:

    class KeptStore(History, _Kept, Protocol):
        """The history store as :func:`refresh_home` uses it."""


__all__ = [
    "RUNNING",
    "HomeCache",
    "files_key",
    "history_version",
    "home_cache_beside",
    "refresh_home",
    "remember_home",
]

_FORMAT = 1
_SOURCES_KEPT = 5
"""Views are kept for the last few session files played."""

HistoryVersion = Sequence[object]
"""What changes whenever the history does (see ``HistoryStore.version``)."""


RUNNING = "running"
"""A session still marked running (``SessionStatus.RUNNING``, written out: the records
module is not imported before the first frame)."""

VERSION_QUERY = (
    "SELECT (SELECT MAX(id) FROM sessions),"
    " (SELECT status FROM sessions ORDER BY id DESC LIMIT 1),"
    " (SELECT MAX(id) FROM sets), (SELECT MAX(id) FROM level_moves),"
    # A correction after the summary rewrites the decisions (new ids); a checklist or a
    # follow-up changes what home says first.
    " (SELECT MAX(id) FROM dose_changes), (SELECT MAX(id) FROM screenings),"
    " (SELECT MAX(id) FROM follow_ups),"
    # A warning sign after a function check changes it too.
    " (SELECT id || status FROM checks ORDER BY id DESC LIMIT 1),"
    " (SELECT COUNT(*) FROM sessions WHERE status = ?)"
)


def version_of(connection: sqlite3.Connection) -> tuple[object, ...] | None:
    """What changes whenever the history open on ``connection`` does (see
    :func:`history_version`); sqlite3.Error when it cannot be read."""
    from coach.store.migrations import SCHEMA_VERSION  # with sqlite3 (see below)

    if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return None
    *version, running = connection.execute(VERSION_QUERY, (RUNNING,)).fetchone()
    return None if running else tuple(version)


def history_version(path: Path) -> tuple[object, ...] | None:
    """What changes whenever the history in the file ``path`` does: its newest rows and
    the state of its last session. None when that cannot be told at once (no database
    yet, another program holds it, an older schema) or when a session is still marked
    running.

    For the first frame: it waits at most a few milliseconds, never migrates and never
    creates the database; and it needs nothing of the store but this module (importing
    the history store, its records and the safety rules took 16 ms of the first frame's
    CPU)."""
    # Here, not at the top: a first start has no kept view and never opens the history
    # before its first frame (importing sqlite3 alone costs that frame 4 ms).
    import sqlite3

    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(path, timeout=0.02, isolation_level=None)
        try:
            return version_of(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def home_cache_beside(history: Path) -> HomeCache:
    """The home views kept beside the history file ``history``."""
    return HomeCache(history.parent / "cache" / "home.json")


def files_key(paths: Iterable[Path]) -> list[list[object]] | None:
    """Path, size and modification time of each file; None when one cannot be read."""
    key: list[list[object]] = []
    for path in paths:
        try:
            status = path.stat()
        except (OSError, ValueError):
            return None
        key.append([str(path), status.st_size, status.st_mtime_ns])
    return key


def _zone() -> str:
    return f"{os.environ.get('TZ', '')}|{time.tzname}|{time.timezone}|{time.altzone}"


class HomeCache:
    """The home views of one history's data folder (in memory when ``path`` is None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory: dict[str, object] = {}

    def read(self, source: Path, today: date, version: HistoryVersion) -> HomeView | None:
        """Home for ``source`` on ``today``, if what it was made from is unchanged."""
        try:
            entry = self._entries().get(str(source.resolve()))
            if not isinstance(entry, Mapping) or entry.get("coach") != __version__:
                return None
            if entry.get("zone") != _zone() or entry.get("history") != list(version):
                return None
            files = entry.get("files")
            if not isinstance(files, list) or files_key(Path(f[0]) for f in files) != files:
                return None
            view = read_object(entry.get("views", {})).get(today.isoformat())
            return None if view is None else HomeView.from_json(view)
        except (KeyError, TypeError, ValueError, IndexError, OSError, AttributeError):
            return None

    def holds(self, source: Path, today: date) -> bool:
        """Whether a view of ``source`` for ``today`` is kept at all, whatever it was made
        from (when none is, the history need not be read to know home cannot be drawn)."""
        try:
            entry = self._entries().get(str(source.resolve()))
            return isinstance(entry, dict) and today.isoformat() in entry.get("views", {})
        except (TypeError, AttributeError, OSError, ValueError):
            return False

    def write(
        self,
        source: Path,
        files: Sequence[Path],
        version: HistoryVersion,
        views: Mapping[date, HomeView],
    ) -> None:
        """Keep ``views`` (by day) of ``source``, made from ``files`` and the history at
        ``version``. A cache: a failure to write only costs the next start its head start."""
        key = files_key(files)
        if key is None:
            return
        entries = {k: v for k, v in self._entries().items() if k != str(source.resolve())}
        entries[str(source.resolve())] = {
            "coach": __version__,
            "zone": _zone(),
            "history": list(version),
            "files": key,
            "views": {day.isoformat(): view.to_json() for day, view in views.items()},
            "written": time.time(),
        }
        newest = sorted(entries.items(), key=lambda kv: _written(kv[1]), reverse=True)
        self._store(dict(newest[:_SOURCES_KEPT]))

    def _entries(self) -> dict[str, object]:
        if self.path is None:
            return self._memory
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return {}
        entries = data.get("sources")
        return entries if isinstance(entries, dict) else {}

    def _store(self, entries: dict[str, object]) -> None:
        if self.path is None:
            self._memory = entries
            return
        with contextlib.suppress(OSError):
            private_folder(self.path.parent)
            write_atomic(self.path, json.dumps({"format": _FORMAT, "sources": entries}))


def _written(entry: object) -> float:
    """When an entry was written (0 for one that does not say)."""
    written = entry.get("written", 0) if isinstance(entry, Mapping) else 0
    return float(written) if isinstance(written, int | float) else 0.0


def remember_home(cache: HomeCache, day: DayLoaded, version: HistoryVersion | None) -> None:
    """Keep the home views of ``day`` (just loaded, from the history at ``version``) for
    the next start; nothing when the start had to say something first (an interrupted
    session to offer, a history that could not be read)."""
    from coach.engine.day import home_views
    from coach.format.loader import RoutineFile

    if version is None or day.offer is not None or day.problem is not None:
        return
    loaded = day.loaded
    files = (
        [loaded.path, *(pf.path for pf in loaded.programs)]
        if isinstance(loaded, RoutineFile)
        else [loaded.path]
    )
    cache.write(day.source, files, version, home_views(day))


def refresh_home(
    store: KeptStore, source: Path, today: date, routines: Sequence[RoutineRef] = ()
) -> None:
    """After a run: keep the home views of ``source`` (with the ``routines`` home lists)
    for the next start, unless the kept ones still match the history (loading the day
    again only when it changed)."""
    from coach.engine.day import DayLoaded, LoadDay, carry_out
    from coach.engine.records import HistoryError
    from coach.format.loader import load_session_file

    version = store.version()
    if version is None or store.home_cache.read(source, today, version) is not None:
        return
    with contextlib.suppress(HistoryError, OSError):
        result = carry_out(
            LoadDay(source, today, frozenset(), tuple(routines)), store, load_session_file
        )
        if isinstance(result, DayLoaded):
            remember_home(store.home_cache, result, version)
