"""Time as the engine sees it: a monotonic clock for timing, a wall clock for dates.

Both are injected. The runner and the day flow read time only through a :data:`Clock`
(seconds on a monotonic clock) and a :data:`WallClock` (an aware ``datetime`` now), so
tests and rehearsals can move time by hand with :class:`FakeClock` and a fixed wall
clock. Stored timestamps are UTC ISO strings with milliseconds (:func:`stamp`); a
session belongs to the user's local calendar day (:func:`local_day`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

__all__ = [
    "Clock",
    "FakeClock",
    "WallClock",
    "local_day",
    "local_today",
    "stamp",
    "stamping_with",
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


_STAMPING: ContextVar[WallClock | None] = ContextVar("coach_stamping", default=None)
"""The wall clock what is stored is stamped with, when not the machine's."""


@contextmanager
def stamping_with(wall: WallClock) -> Iterator[None]:
    """Stamp what is stored with ``wall`` instead of the machine's clock, in this context
    only: the demo history plays years of mornings through the store's own writes, each
    stamped when it happened to the made-up person."""
    token = _STAMPING.set(wall)
    try:
        yield
    finally:
        _STAMPING.reset(token)


def utc_now() -> str:
    """The machine's clock (or the one of :func:`stamping_with`), as stored."""
    wall = _STAMPING.get()
    return stamp(system_wall() if wall is None else wall())


def local_today() -> date:
    """Today in the user's time zone: sessions belong to the day they are done."""
    return system_wall().astimezone().date()


def local_day(timestamp: str) -> date:
    """The user's calendar day of a stored UTC timestamp (sessions happen in local time)."""
    return datetime.fromisoformat(timestamp).astimezone().date()
