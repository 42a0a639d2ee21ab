"""Saved replays: each program's scaling state through an older session, kept so that
planning replays only the sessions since, not years of them.

A checkpoint is derived data, kept beside the history in ``cache/replay.json`` (readable
by its owner only) or, for an in-memory store, in memory. It is used only while it still
matches: the program's content, its start level and the rules' version are its key; the
session it was taken through must still be in the history with the same start time; and
no set or level move may have been added since to a session it covers. (Sessions replay
in the order they were played, by the local day stored with each and their start, never
by row id: a session imported from the journal after later ones were stored still
replays in its place, and a checkpoint it would fall inside is not used.) Anything else,
or a file that cannot be read, means a full replay (and a new checkpoint), never a wrong
plan.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from coach.base.atomic import write_atomic
from coach.base.types import JsonObject, JsonValue
from coach.engine.planning import ProgramPast
from coach.engine.records import LevelMove, SessionFacts, SessionStatus
from coach.engine.scaling import RULES_VERSION, Replay, replay_history
from coach.format.v1 import Program
from coach.store.private import private_folder

__all__ = ["KEEP_RECENT", "Replays", "checkpoint_key"]

KEEP_RECENT = 3
"""The newest sessions of a program stay out of its checkpoint: they are the ones that
can still change (a level move answered after the summary, an interrupted one resumed)."""

_FORMAT = 1

ReadAfter = Callable[[int], tuple[list[tuple[int, SessionFacts]], list[LevelMove]]]
"""The sessions (each with its row: the checkpoint's handle, kept in the store) and the
level moves after a row."""
"""The program's sessions and level moves after a session id (0: all of them)."""


@dataclass(frozen=True, slots=True)
class _Checkpoint:
    key: str
    through_session: int
    through_started: str
    through_set: int
    """The newest set id of the whole history when it was taken."""
    through_move: int
    last_day: date
    state: JsonObject
    """Replay.to_json's output (or the same, read back)."""

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "key": self.key,
            "through_session": self.through_session,
            "through_started": self.through_started,
            "through_set": self.through_set,
            "through_move": self.through_move,
            "last_day": self.last_day.isoformat(),
            "state": dict(self.state),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> _Checkpoint:  # Any: JSON read back
        return cls(
            str(data["key"]),
            int(data["through_session"]),
            str(data["through_started"]),
            int(data["through_set"]),
            int(data["through_move"]),
            date.fromisoformat(data["last_day"]),
            dict(data["state"]),
        )


def checkpoint_key(program: Program, start_level: int) -> str:
    """What a checkpoint is only valid for: this program's content, its start level, its
    part of a routine's time budget and the rules."""
    text = f"{RULES_VERSION}|{start_level}|{program.model_dump_json()}"
    if program.budget is not None:
        text += f"|{program.budget}"
    return hashlib.sha256(text.encode()).hexdigest()


class Replays:
    """The checkpoints of one history: a file, or memory when ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory: dict[str, JsonValue] = {}

    def past(
        self, db: sqlite3.Connection, program: Program, start_level: int, read_after: ReadAfter
    ) -> ProgramPast:
        """``program``'s past: from its checkpoint when one is usable, else from the
        start; a newer checkpoint is saved when sessions have piled up since."""
        key = checkpoint_key(program, start_level)
        checkpoint = self._load(program.id, key)
        start = None
        if checkpoint is not None and _usable(db, program.id, checkpoint):
            start = _replay_of(program, checkpoint)
        if start is not None and checkpoint is not None:
            sessions, moves = read_after(checkpoint.through_session)
        else:
            sessions, moves = read_after(0)
        return self._advance(db, program, start_level, key, start, sessions, moves)

    def _advance(
        self,
        db: sqlite3.Connection,
        program: Program,
        start_level: int,
        key: str,
        start: Replay | None,
        sessions: Sequence[tuple[int, SessionFacts]],
        moves: Sequence[LevelMove],
    ) -> ProgramPast:
        pairs = sorted(sessions, key=lambda pair: pair[1].order)
        ordered = [facts for _, facts in pairs]
        rows = [row for row, _ in pairs]
        cut = len(ordered) - KEEP_RECENT
        # A session still marked running may yet be resumed: it and what follows stay out.
        (running,) = db.execute(
            "SELECT MIN(id) FROM sessions WHERE status = ?", (SessionStatus.RUNNING.value,)
        ).fetchone()
        if running is not None:
            cut = min(cut, next((i for i, row in enumerate(rows) if row >= running), cut))
        # What the checkpoint covers is read back as 'every row up to an id', so it must
        # be a prefix in both orders: a session imported from the journal after later
        # ones were stored has a higher id than sessions played after it.
        while cut > 0 and max(rows[:cut]) > min(rows[cut:]):
            cut -= 1
        if cut <= 0:
            return ProgramPast(start, tuple(ordered), tuple(moves))
        older, newer = ordered[:cut], ordered[cut:]
        through = rows[cut - 1]

        covered = {s.uid for s in older}
        replay = replay_history(
            program,
            older,
            [m for m in moves if m.after_session in covered],
            start_level=start_level,
            start=start,
        )
        started = db.execute("SELECT started_at FROM sessions WHERE id = ?", (through,)).fetchone()
        newest_set, newest_move = db.execute(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM sets),"
            " (SELECT COALESCE(MAX(id), 0) FROM level_moves)"
        ).fetchone()
        if started is not None:
            checkpoint = _Checkpoint(
                key, through, started[0], newest_set, newest_move, older[-1].day, replay.to_json()
            )
            self._save(program.id, checkpoint)
        return ProgramPast(
            replay, tuple(newer), tuple(m for m in moves if m.after_session not in covered)
        )

    # -- the file -----------------------------------------------------------------------

    def _load(self, program_id: str, key: str) -> _Checkpoint | None:
        found = self._programs().get(program_id)
        try:
            checkpoint = _Checkpoint.from_json(found) if found is not None else None
        except (KeyError, TypeError, ValueError):
            return None
        return checkpoint if checkpoint is not None and checkpoint.key == key else None

    def _programs(self) -> dict[str, Any]:  # Any: JSON read back, checked as it is used
        if self.path is None:
            return self._memory
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return {}
        programs = data.get("programs")
        return programs if isinstance(programs, dict) else {}

    def _save(self, program_id: str, checkpoint: _Checkpoint) -> None:
        programs = dict(self._programs())
        programs[program_id] = checkpoint.to_json()
        if self.path is None:
            self._memory = programs
            return
        # A cache: when it cannot be written, the next start replays in full.
        with contextlib.suppress(OSError):
            private_folder(self.path.parent)
            write_atomic(self.path, json.dumps({"format": _FORMAT, "programs": programs}))


def _usable(db: sqlite3.Connection, program_id: str, checkpoint: _Checkpoint) -> bool:
    """Whether nothing the checkpoint covers has changed since it was taken."""
    row = db.execute(
        "SELECT started_at FROM sessions WHERE id = ?", (checkpoint.through_session,)
    ).fetchone()
    if row is None or row[0] != checkpoint.through_started:
        return False
    # A session stored since that was played before the checkpoint's last one (imported
    # from the journal late) belongs inside it: replay from the start.
    # The whole order, to the uid: sessions of one day and start (a clock that did not
    # move, a merged history) are told apart by their uids, not their row ids.
    earlier = db.execute(
        "SELECT 1 FROM sessions WHERE id > ? AND (COALESCE(local_date, started_at),"
        " started_at, COALESCE(uid, '')) < (SELECT COALESCE(local_date, started_at),"
        " started_at, COALESCE(uid, '') FROM sessions WHERE id = ?) LIMIT 1",
        (checkpoint.through_session, checkpoint.through_session),
    ).fetchone()
    if earlier is not None:
        return False
    added_set = db.execute(
        "SELECT 1 FROM sets WHERE id > ? AND session_id <= ? AND program_id = ? LIMIT 1",
        (checkpoint.through_set, checkpoint.through_session, program_id),
    ).fetchone()
    added_move = db.execute(
        "SELECT 1 FROM level_moves WHERE id > ? AND session_id <= ? AND program_id = ? LIMIT 1",
        (checkpoint.through_move, checkpoint.through_session, program_id),
    ).fetchone()
    return added_set is None and added_move is None


def _replay_of(program: Program, checkpoint: _Checkpoint) -> Replay | None:
    try:
        return Replay.from_json(program, checkpoint.state)
    except (KeyError, TypeError, ValueError):
        return None
