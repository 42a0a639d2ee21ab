"""One hold of a function check against a monotonic clock: a get-ready countdown, then
the hold, which ends when the person stops it or at the ceiling. A cue every 30 s.

Like the session runner it never sleeps and never does I/O: the shell calls
:meth:`HoldTimer.update` when it wakes (at :meth:`HoldTimer.next_wake`) and reads the
state. The time held is measured on the monotonic clock from the end of the countdown
to the key that stopped it, and never passes the ceiling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import count

from coach.engine.checks.protocol import (
    CEILING_SECONDS,
    CUE_EVERY_SECONDS,
    GET_READY_SECONDS,
    EndedBy,
)
from coach.engine.clock import Clock

__all__ = ["HoldPhase", "HoldTimer", "PlannedCue"]

_numbers = count(1)


class HoldPhase(StrEnum):
    NOT_STARTED = "not started"
    GET_READY = "get ready"
    HOLDING = "holding"
    ENDED = "ended"
    CANCELLED = "cancelled"
    """Stopped during the countdown: nothing was measured."""


@dataclass(frozen=True, slots=True)
class PlannedCue:
    """A sound due at a monotonic time: ``key`` names this one sounding of it."""

    key: str
    due: float
    name: str
    """A cue of the audio catalog: 'tick', 'start', 'halfway', 'end'."""


@dataclass
class HoldTimer:
    clock: Clock
    ceiling: float = CEILING_SECONDS
    get_ready: float = GET_READY_SECONDS
    cue_every: float = CUE_EVERY_SECONDS
    phase: HoldPhase = HoldPhase.NOT_STARTED
    seconds: float | None = None
    """The time held, once ended."""
    ended_by: EndedBy | None = None
    _ready_at: float = 0.0
    _number: int = field(default_factory=lambda: next(_numbers))

    @property
    def hold_starts_at(self) -> float:
        """The monotonic time the hold starts (the end of the countdown)."""
        return self._ready_at + self.get_ready

    def start(self) -> None:
        if self.phase is HoldPhase.NOT_STARTED:
            self._ready_at = self.clock()
            self.phase = HoldPhase.GET_READY
            self.update()

    def update(self) -> bool:
        """Catch up with the clock; True when the hold has just reached the ceiling."""
        now = self.clock()
        if self.phase is HoldPhase.GET_READY and now >= self.hold_starts_at:
            self.phase = HoldPhase.HOLDING
        if self.phase is HoldPhase.HOLDING and now - self.hold_starts_at >= self.ceiling:
            self._end(self.ceiling, EndedBy.CEILING)
            return True
        return False

    def stop(self, by: EndedBy) -> bool:
        """The person stopped: True when a hold time was measured (False during the
        countdown, which is cancelled, and after the end)."""
        self.update()
        if self.phase is HoldPhase.GET_READY:
            self.phase = HoldPhase.CANCELLED
            return False
        if self.phase is not HoldPhase.HOLDING:
            return False
        held = min(self.ceiling, max(0.0, self.clock() - self.hold_starts_at))
        self._end(held, EndedBy.CEILING if held >= self.ceiling else by)
        return True

    def _end(self, seconds: float, by: EndedBy) -> None:
        self.seconds = round(seconds, 1)
        self.ended_by = by
        self.phase = HoldPhase.ENDED

    def held(self) -> float:
        """Seconds held so far (0 during the countdown; the result once ended)."""
        if self.phase is HoldPhase.ENDED:
            return self.seconds or 0.0
        if self.phase is not HoldPhase.HOLDING:
            return 0.0
        return min(self.ceiling, max(0.0, self.clock() - self.hold_starts_at))

    def countdown(self) -> int:
        """Whole seconds left before the hold starts (shown during get ready)."""
        return max(0, math.ceil(self.hold_starts_at - self.clock() - 1e-9))

    def next_wake(self) -> float | None:
        """When what is shown next changes (a whole second), or the hold starts or ends."""
        if self.phase not in (HoldPhase.GET_READY, HoldPhase.HOLDING):
            return None
        now = self.clock()
        since = now - self.hold_starts_at
        # The display changes on whole seconds counted from the start of the hold.
        return self.hold_starts_at + math.floor(since + 1e-9) + 1

    def cues(self) -> list[PlannedCue]:
        """The cues still to sound: three ticks before the start, the start, one every
        30 s, and the end at the ceiling. Empty once the hold has ended."""
        if self.phase not in (HoldPhase.GET_READY, HoldPhase.HOLDING):
            return []
        start = self.hold_starts_at
        planned = [
            PlannedCue(f"check{self._number}:tick{n}", start - n, "tick")
            for n in (3, 2, 1)
            if n <= self.get_ready
        ]
        planned.append(PlannedCue(f"check{self._number}:start", start, "start"))
        mark = self.cue_every
        while mark < self.ceiling - 1e-9:
            planned.append(PlannedCue(f"check{self._number}:at{mark:g}", start + mark, "halfway"))
            mark += self.cue_every
        planned.append(PlannedCue(f"check{self._number}:ceiling", start + self.ceiling, "end"))
        now = self.clock()
        return [c for c in planned if c.due >= now - 0.5]
