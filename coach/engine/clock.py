"""Time as the engine sees it: a monotonic clock for timing, a wall clock for dates.

Both are injected. The runner and the day flow read time only through a :data:`Clock`
(seconds on a monotonic clock) and a :data:`WallClock` (an aware ``datetime`` now), so
tests and rehearsals can move time by hand with :class:`FakeClock` and a fixed wall
clock. Stored timestamps are UTC ISO strings with milliseconds (:func:`stamp`); a
session belongs to the user's local calendar day (:func:`local_day`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

__all__ = [
    "Clock",
    "FakeClock",
    "WallClock",
    "local_day",
    "local_today",
    "stamp",
    "system_wall",
    "utc_now",
]

Clock = Callable[[], float]
"""Seconds on a monotonic clock (``time.monotonic`` in the program)."""

WallClock = Callable[[], datetime]
"""The current moment, time-zone aware (:func:`system_wall` in the program)."""


class FakeClock:
    """A monotonic clock that only moves when told to: for tests and rehearsals."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def system_wall() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """How a moment is stored: UTC, ISO 8601, to the millisecond."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def utc_now() -> str:
    """The machine's clock, as stored."""
    return stamp(system_wall())


def local_today() -> date:
    """Today in the user's time zone: sessions belong to the day they are done."""
    return system_wall().astimezone().date()


def local_day(timestamp: str) -> date:
    """The user's calendar day of a stored UTC timestamp (sessions happen in local time)."""
    return datetime.fromisoformat(timestamp).astimezone().date()
