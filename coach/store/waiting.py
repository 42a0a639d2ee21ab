"""The history as the views show it: what the database holds, and what waits in the
journal to be saved (see :mod:`coach.store.journal`), marked as such.

``coach history``, ``coach export`` and ``coach report`` read through :func:`with_waiting`:
a copy of the history in memory with every journal's sessions applied by the same code
an import uses (``apply_write``), so each view runs its own queries unchanged and only marks
the rows that came from the journal. The journal is only read: nothing is imported,
nothing removed, the database file is not written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from coach.store.database import HistoryStore, apply_write

__all__ = ["Waiting", "with_waiting"]


@dataclass(frozen=True, slots=True)
class Waiting:
    """What of a view's history waits in the journal, by its ids in the view's store."""

    sessions: frozenset[int] = field(default_factory=frozenset)
    """Sessions with anything waiting: a set, a corrected rating, their end, their row."""
    sets: frozenset[int] = frozenset()
    """Sets only in the journal."""

    def saved(self, session_id: int) -> bool:
        return session_id not in self.sessions


def with_waiting(store: HistoryStore) -> tuple[HistoryStore, Waiting]:
    """``store`` itself when no session waits in its journal; else a copy of it in memory
    with the journal's sessions in, for reading only, and what of it waits. Raises
    StoreError when the history cannot be read."""
    journals = store.journal_sessions()
    if not journals:
        return store, Waiting()
    view = store.memory_copy()
    sessions: set[int] = set()
    with view.transaction() as db:
        (last_set,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM sets").fetchone()
        for journal in journals:
            assert journal.session is not None
            before = db.total_changes
            db.execute("SAVEPOINT journal")
            try:
                session_id, _ = apply_write(
                    db, journal.session, list(journal.sets.values()), journal.finish
                )
            except (sqlite3.Error, KeyError, TypeError, ValueError):
                # A journal the import would keep aside too ('coach doctor' names it).
                db.execute("ROLLBACK TO journal")
                db.execute("RELEASE journal")
                continue
            db.execute("RELEASE journal")
            if db.total_changes != before:
                sessions.add(session_id)
        waiting_sets = {r[0] for r in db.execute("SELECT id FROM sets WHERE id > ?", (last_set,))}
    return view, Waiting(frozenset(sessions), frozenset(waiting_sets))
