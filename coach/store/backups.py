"""Rolling backups of the history: a damaged file costs days, not years.

After a session is closed, at most once every :data:`EVERY_DAYS` days, the history is
copied with SQLite's online backup API (a consistent copy even while another coach
writes) into ``backups/history-YYYY-MM-DD.db`` beside it, 0600 from the first byte; the
newest :data:`KEEP` are kept. A copy is made only of a database that passed
``quick_check`` (the store never backs up a damaged file over a sound backup).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coach.base.atomic import atomic_path
from coach.store.private import private_folder

__all__ = ["BACKUP_FOLDER", "EVERY_DAYS", "KEEP", "back_up", "back_up_if_due", "backups"]

BACKUP_FOLDER = "backups"
EVERY_DAYS = 7
KEEP = 4

_NAME = re.compile(r"^history-(\d{4}-\d{2}-\d{2})\.db$")


def backups(history: Path) -> list[tuple[date, Path]]:
    """The backups of the history at ``history``, oldest first."""
    folder = history.parent / BACKUP_FOLDER
    found: list[tuple[date, Path]] = []
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            match = _NAME.match(path.name)
            if match:
                with contextlib.suppress(ValueError):
                    found.append((date.fromisoformat(match.group(1)), path))
    return sorted(found)


def back_up_if_due(history: Path, today: date | None = None) -> Path | None:
    """Back the history up when the newest backup is :data:`EVERY_DAYS` days old or more
    (or there is none); the new backup's path, or None when none was due."""
    today = today or datetime.now(UTC).astimezone().date()
    found = backups(history)
    if found and today - found[-1][0] < timedelta(days=EVERY_DAYS):
        return None
    return back_up(history, today)


def back_up(history: Path, today: date) -> Path:
    """Copy the history into today's backup (replacing one made earlier today), then keep
    only the newest :data:`KEEP`. OSError or sqlite3.Error when it cannot be made."""
    folder = history.parent / BACKUP_FOLDER
    private_folder(folder)
    target = folder / f"history-{today.isoformat()}.db"
    # On the disk before its name says it is a backup: a crash never leaves a backup
    # that is only partly written under the real name.
    with atomic_path(target) as partial:
        source = sqlite3.connect(f"{history.resolve().as_uri()}?mode=ro", uri=True, timeout=3)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
                # One self-contained file: no WAL beside the copy.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        finally:
            source.close()
    for _, old in backups(history)[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target
