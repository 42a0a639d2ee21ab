"""The journal: where a session's writes go when the history database refuses them.

One file per session, ``journal/<session uid>.jsonl`` beside the database: JSON lines,
each appended and flushed to the disk (``fsync``) before the write is reported done, so a
rating the screen acknowledged survives a crash, a full history lock, a damaged
database or a closed terminal. The next coach to open the history imports every
journal whose coach has ended (:meth:`coach.store.HistoryStore.import_journals`), in
one transaction per file, and removes the file only after its rows are committed:
importing twice changes nothing.

Each line is one object with a ``type``:

* ``session``: the session row, its ``uid`` and the decisions taken at its start (a
  journal written by an older coach may also carry the database ``id`` of a resumed
  session: its import uses that row only when it is the same session, by its start);
* ``set``: one rated set, as its database row; a later line for the same set (the same
  exercise, set number and attempt) is a corrected rating and replaces it;
* ``finish``: how the session ended, with the decisions and advice for next time;
* ``revise``: its outcome and decisions again, after a rating corrected on its summary
  (the corrected set comes as a ``set`` line);
* ``note``: the person's note on it;
* ``level_move``: the answer to a level offer after it, for one program.

A later ``revise`` or ``note`` line replaces an earlier one, as a later ``set`` line does.

A fact that stands apart from any session (a checklist answered, a follow-up of a
warning sign) has a file of its own, named by the fact's uid, with one line:

* ``fact``: the ``table`` it belongs in (``screenings`` or ``follow_ups``) and its ``row``,
  with its uid.

A line cut short by a crash or a full disk is never followed by another: a failed
append truncates the file back to where it was. When reading, a last line without its
newline (a crash mid-write) is ignored; any other line that is not a valid object is
reported and skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from coach.store.private import create_private, private_folder, tighten_folder

__all__ = [
    "FACT_TABLES",
    "JOURNAL_FOLDER",
    "Journal",
    "JournalEntry",
    "JournalFile",
    "journal_files",
    "read_journal",
]

JournalEntry: TypeAlias = dict[str, Any]  # Any: a line's JSON; store.rows converts each field
"""One journal line's fields (a session, a set, what follows a session, a fact), as
written and as read back: each field is converted where it is used (``store.rows``)."""

JOURNAL_FOLDER = "journal"
"""The journal's folder, beside the database."""

VERSION = 1

FACT_TABLES = frozenset({"screenings", "follow_ups"})
"""The tables a fact standing apart from any session may be journaled for."""

_NAME = re.compile(r"^[0-9a-f]{32}\.jsonl$")


@dataclass
class JournalFile:
    """What one journal file holds, as read back."""

    path: Path
    session: JournalEntry | None = None
    sets: dict[tuple[int, int, int], JournalEntry] = field(default_factory=dict)
    """The latest line for each set, by (exercise index, set number, attempt)."""
    finish: JournalEntry | None = None
    after: dict[str, JournalEntry] = field(default_factory=dict)
    """The facts that follow the session (``revise``, ``note``, ``level_move``), the
    latest of each kind (of each program's for a level move), in the order first
    written."""
    facts: list[JournalEntry] = field(default_factory=list)
    """Facts that stand apart from any session (a file of their own): each a ``table``
    of :data:`FACT_TABLES` and its ``row``."""
    bad_lines: int = 0
    """Lines that were not a valid entry (a torn last line is not counted)."""

    @property
    def uid(self) -> str:
        return self.path.stem


class Journal:
    """The journal files of one data folder, written by this process.

    Remembers what it has appended, so a set retried with every later rating is
    written once (again only when its rating changed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._written: dict[str, dict[str, str]] = {}
        """uid -> line key -> the line last appended for it."""

    def path_of(self, uid: str) -> Path:
        return self.folder / f"{uid}.jsonl"

    def append(self, uid: str, entries: list[tuple[str, JournalEntry]]) -> Path:
        """Append the ``(key, entry)`` pairs not already there, and flush them to the
        disk before returning; OSError when they could not all be written (nothing
        partial is left behind)."""
        written = self._written.setdefault(uid, {})
        lines: list[tuple[str, str]] = []
        for key, entry in entries:
            line = json.dumps({"v": VERSION, **entry}, sort_keys=True, separators=(",", ":"))
            if written.get(key) != line:
                lines.append((key, line))
        path = self.path_of(uid)
        if not lines:
            return path
        private_folder(self.folder)
        tighten_folder(self.folder)
        new = not path.exists()
        descriptor = create_private(path, os.O_WRONLY | os.O_APPEND)
        try:
            size = os.fstat(descriptor).st_size
            data = "".join(line + "\n" for _, line in lines).encode("utf-8")
            try:
                _write_all(descriptor, data)
                os.fsync(descriptor)
            except OSError:
                # Never leave a torn line for the next append to run into.
                with contextlib.suppress(OSError):
                    os.ftruncate(descriptor, size)
                    os.fsync(descriptor)
                raise
        finally:
            os.close(descriptor)
        if new:
            _sync_folder(self.folder)
        for key, line in lines:
            written[key] = line
        return path

    def can_write(self) -> str | None:
        """None when a journal file can be created and flushed here; else why not (an
        OSError's text). Leaves nothing behind."""
        probe = self.folder / f".probe-{os.getpid()}"
        try:
            private_folder(self.folder)
            descriptor = create_private(probe, os.O_WRONLY | os.O_TRUNC)
            try:
                _write_all(descriptor, b"{}\n")
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError as exc:
            from coach.store.private import os_problem

            return os_problem(exc, self.folder)
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
        return None

    def forget(self, uid: str) -> None:
        self._written.pop(uid, None)


def journal_files(folder: Path) -> list[Path]:
    """The journal files in ``folder``, oldest first."""
    try:
        found = [p for p in folder.iterdir() if _NAME.match(p.name) and p.is_file()]
    except OSError:
        return []

    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=age)


def read_journal(path: Path) -> JournalFile:
    """Read one journal file (OSError when it cannot be read)."""
    found = JournalFile(path)
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        lines.pop()  # no newline at the end: a write cut short, never acknowledged
    for raw in lines:
        try:
            entry = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            found.bad_lines += 1
            continue
        if not isinstance(entry, dict) or entry.get("v") != VERSION:
            found.bad_lines += 1
            continue
        kind = entry.get("type")
        if kind == "session" and isinstance(entry.get("row"), dict):
            found.session = entry
        elif kind == "set" and isinstance(entry.get("row"), dict):
            row = entry["row"]
            try:
                key = (int(row["exercise_index"]), int(row["set_number"]), int(row["attempt"]))
            except (KeyError, TypeError, ValueError):
                found.bad_lines += 1
                continue
            found.sets[key] = row
        elif kind == "finish":
            found.finish = entry
        elif (
            kind == "fact"
            and entry.get("table") in FACT_TABLES
            and isinstance(entry.get("row"), dict)
            and isinstance(entry["row"].get("uid"), str)
        ):
            found.facts.append(entry)
        elif kind in ("revise", "note") and isinstance(entry.get("at"), str):
            found.after[kind] = entry
        elif kind == "level_move" and isinstance(entry.get("program_id"), str):
            found.after[f"level_move:{entry['program_id']}"] = entry
        else:
            found.bad_lines += 1
    return found


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for a new file (its name must survive a power cut too)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
