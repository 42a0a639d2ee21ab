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

from coach.store.connection import (
    BUSY_TIMEOUT_SECONDS,
    Database,
    Health,
    StoreError,
    check_history,
    disk_state,
    health_of_error,
    quick_check,
)
from coach.store.queries import NamedSession, QueryStore
from coach.store.rows import (
    SESSION_COLUMNS,
    SET_COLUMNS,
    apply_write,
    decision_rows,
)
from coach.store.safety import SafetyStore
from coach.store.sessions import SessionStore

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "SESSION_COLUMNS",
    "SET_COLUMNS",
    "Database",
    "Health",
    "HistoryStore",
    "NamedSession",
    "StoreError",
    "apply_write",
    "check_history",
    "decision_rows",
    "disk_state",
    "health_of_error",
    "quick_check",
]


class HistoryStore(SessionStore, SafetyStore, QueryStore):
    """The SQLite history at ``path``: the one store the day, the shell and the views use.

    Its parts, each a module of its own on :class:`coach.store.connection.Database` (the
    connection, its transactions and what an error means): the sessions written and
    imported (:mod:`coach.store.sessions`), the safety facts (:mod:`coach.store.safety`)
    and the reads for planning and home (:mod:`coach.store.queries`); the rows as written
    are in :mod:`coach.store.rows`. A database that fails SQLite's ``quick_check`` when
    first opened is never written again (byte for byte as found): sessions go to the
    journal, and ``coach doctor`` says what is wrong and can rebuild it."""
