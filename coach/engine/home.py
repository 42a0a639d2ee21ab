"""What home shows: today's plan as plain text, ready to draw or to keep for next time.

Plain data and nothing heavy to import: the store keeps the views of the next days in a
small file (see :mod:`coach.store.homecache`), so the next start can draw home in its
first frame, before the engine and the session files are loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from coach.base.types import JsonValue, read_float, read_int, read_list, read_object

if TYPE_CHECKING:
    # Types only: home is drawn in the first frame, and the records' dataclasses cost it
    # 7 ms of CPU (the texts below are made once the day has loaded them anyway).
    from coach.engine.records import SessionRecord

__all__ = [
    "HomeRow",
    "HomeView",
    "RoutineRef",
    "RoutineStatus",
    "last_session_text",
    "next_due",
    "routine_done",
    "today_text",
]


@dataclass(frozen=True, slots=True)
class HomeRow:
    """One exercise of today's plan."""

    program_id: str
    program_name: str
    level: int
    level_name: str
    exercise: str
    dose: str
    """In words: '2 sets of 5 x 8s'."""
    arrow: str = " "
    """How the dose compares with last time: '↑', '↓', '=', or ' ' for a first time."""
    reason: str = ""
    """Why the dose is what it is, in the decision's one sentence."""


@dataclass(frozen=True, slots=True)
class RoutineRef:
    """A routine home lists (the ``routines`` setting), with its reminder time."""

    path: Path
    remind_at: str = ""
    """'07:30', or '' without a reminder."""


@dataclass(frozen=True, slots=True)
class RoutineStatus:
    """A routine home lists, and where it stands today."""

    path: str
    name: str
    source_id: str
    """The routine's id, as its sessions are stored ('' when the file cannot be read)."""
    done: bool
    """A session of it today, with at least one set done."""
    remind_at: str = ""
    current: bool = False
    """The one home shows the plan of (Enter plays it)."""

    def to_json(self) -> dict[str, JsonValue]:
        record: dict[str, JsonValue] = asdict(self)
        return record

    @classmethod
    def from_json(cls, value: JsonValue) -> RoutineStatus:
        data = read_object(value)
        return cls(
            str(data["path"]),
            str(data["name"]),
            str(data["source_id"]),
            bool(data["done"]),
            str(data.get("remind_at", "")),
            bool(data.get("current", False)),
        )


def routine_done(recent: Sequence[SessionRecord], source_id: str, on: date) -> bool:
    """Whether a session of ``source_id`` was played on ``on`` (a set of it done)."""
    return bool(source_id) and any(
        r.source_id == source_id and r.sets_done and _day_of(r) == on for r in recent
    )


def next_due(routines: Sequence[RoutineStatus], current: str) -> str:
    """The routine to show when ``current`` (a path) is done today: the first of the
    list not done yet; ``current`` itself when it is not done, is not listed, or every
    routine is done."""
    mine = next((r for r in routines if r.path == current), None)
    if mine is None or not mine.done:
        return current
    return next((r.path for r in routines if not r.done and r.source_id), current)


@dataclass(frozen=True, slots=True)
class HomeView:
    title: str
    description: str
    total_seconds: float
    rows: tuple[HomeRow, ...]
    last_session: str
    notes: tuple[str, ...]
    today: str = ""
    """Sessions done today and the streak, in one line ('' before the first session)."""
    blocked: bool = False
    """An urgent answer today: home says the block and what to do, with no welcome and
    no way to start."""
    routines: tuple[RoutineStatus, ...] = ()
    """The routines home lists (the ``routines`` setting), each done today or not, the
    one shown marked; empty with fewer than two."""

    def to_json(self) -> dict[str, JsonValue]:
        view: dict[str, JsonValue] = asdict(self)
        return view

    @classmethod
    def from_json(cls, value: JsonValue) -> HomeView:
        """The view from :meth:`to_json`'s output; KeyError, TypeError or ValueError when
        it is not one."""
        data = read_object(value)
        rows = [read_object(r) for r in read_list(data["rows"])]
        return cls(
            title=str(data["title"]),
            description=str(data["description"]),
            total_seconds=read_float(data["total_seconds"]),
            rows=tuple(
                HomeRow(
                    str(r["program_id"]),
                    str(r["program_name"]),
                    read_int(r["level"]),
                    str(r["level_name"]),
                    str(r["exercise"]),
                    str(r["dose"]),
                    str(r.get("arrow", " ")),
                    str(r.get("reason", "")),
                )
                for r in rows
            ),
            last_session=str(data["last_session"]),
            notes=tuple(str(n) for n in read_list(data["notes"])),
            today=str(data.get("today", "")),
            blocked=bool(data.get("blocked", False)),
            routines=tuple(RoutineStatus.from_json(r) for r in read_list(data.get("routines", ()))),
        )


def last_session_text(recent: Sequence[SessionRecord]) -> str:
    from coach.engine.records import result_text  # loaded with the day (see above)

    if not recent:
        return "First session: welcome. Go gently; it gets easier."
    last = recent[0]
    peak = "no ratings" if last.peak_pain is None else f"peak pain {last.peak_pain}/10"
    day = last.local_date or last.started_at[:10]
    return (
        f"Last session {day}: {result_text(last.status, last.stop_reason)}, "
        f"{last.sets_done} set{'s' if last.sets_done != 1 else ''}, {peak}"
    )


def _day_of(record: SessionRecord) -> date | None:
    try:
        return date.fromisoformat(record.local_date or record.started_at[:10])
    except ValueError:
        return None


def today_text(
    recent: Sequence[SessionRecord],
    on: date,
    limit: int | None = None,
    source_id: str | None = None,
) -> str:
    """Sessions done on ``on`` and the days in a row with one, in a line: 'Done today: 1
    session; another is extra · 4 days in a row'.

    ``recent`` is the newest sessions, newest first, at most ``limit`` of them: a run
    that reaches the oldest of a full list may be longer, and says so ('30+ days').
    With ``source_id`` (one of several routines), only its sessions count as done today:
    the evening routine is not 'extra' after the morning one."""
    days = sorted({d for r in recent if (d := _day_of(r)) is not None and d <= on}, reverse=True)
    if not days:
        return ""
    done = sum(
        1 for r in recent if _day_of(r) == on and r.sets_done and source_id in (None, r.source_id)
    )
    run = 0
    if (on - days[0]).days <= 1:
        run = 1
        while run < len(days) and (days[run - 1] - days[run]) == timedelta(days=1):
            run += 1
    full = limit is not None and len(recent) >= limit
    more = "+" if run and run == len(days) and full else ""
    streak = f"{run}{more} day{'s' if run != 1 or more else ''} in a row"
    if not run:
        streak = f"last session {(on - days[0]).days} days ago"
    if not done:
        return f"Not done yet today · {streak}"
    plural = "s" if done != 1 else ""
    return f"Done today: {done} session{plural}; another is extra · {streak}"
