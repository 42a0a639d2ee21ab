"""Faults a history meets, for tests: another program holding it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def locked(path: Path, *, wait: float = 10.0) -> Iterator[None]:
    """Another program holding the history at ``path`` with an exclusive lock (as
    ``BEGIN EXCLUSIVE`` kept open does): every write of a coach goes to the journal."""
    db = sqlite3.connect(path, isolation_level=None, timeout=wait)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()
