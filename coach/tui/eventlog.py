"""An optional timing log of runner events, for benchmarks and the audio tests.

Enabled with ``COACH_EVENT_LOG=path``. Each line is a JSON object with the monotonic
time the shell handled the event and the time it was due, so lateness can be measured
from outside the process. Lines are buffered in memory and written when the app exits:
the log must not add disk I/O to the timing it measures.
"""

from __future__ import annotations

import json
from pathlib import Path

from coach.base.types import JsonValue
from coach.engine.clock import Clock
from coach.engine.runner import (
    CueDue,
    Finished,
    RatingNeeded,
    RunnerEvent,
    SessionRunner,
    StepStarted,
)

__all__ = ["EventLog"]


class EventLog:
    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.lines: list[str] = []
        self.runner: SessionRunner | None = None

    def write(self, events: list[RunnerEvent], *, now: float | None = None) -> None:
        """Log ``events``, handled at ``now`` (default: the clock now)."""
        now = self.clock() if now is None else now
        for event in events:
            entry: dict[str, JsonValue] = {"t": now}
            if isinstance(event, StepStarted):
                entry |= {
                    "event": "step",
                    "kind": event.step.kind.value,
                    "index": event.step.index,
                    "at": event.step.start,
                    "due": self._due(event.step.start),
                }
            elif isinstance(event, CueDue):
                entry |= {
                    "event": "cue",
                    "cue": event.cue.kind.value,
                    "at": event.cue.at,
                    "due": event.due,
                }
            elif isinstance(event, RatingNeeded):
                entry |= {
                    "event": "rating",
                    "index": event.step.index,
                    "at": event.step.start,
                    "due": self._due(event.step.start),
                }
            elif isinstance(event, Finished):
                total = self.runner.timeline.total if self.runner is not None else None
                entry |= {
                    "event": "finished",
                    "at": total,
                    "due": self._due(total) if total is not None else None,
                }
            self.lines.append(json.dumps(entry))

    def _due(self, session_time: float) -> float | None:
        return self.runner.wall_time_of(session_time) if self.runner is not None else None

    def note_at(self, t: float, **fields: JsonValue) -> None:
        self.lines.append(json.dumps({"t": t, **fields}))

    def note(self, **fields: JsonValue) -> None:
        self.note_at(self.clock(), **fields)

    def close(self) -> None:
        if not self.lines:
            return
        try:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write("\n".join(self.lines) + "\n")
        except OSError:
            pass
        self.lines = []
