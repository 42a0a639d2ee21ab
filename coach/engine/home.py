"""What home shows: today's plan as plain text, ready to draw or to keep for next time.

Plain data and nothing heavy to import: the store keeps the views of the next days in a
small file (see :mod:`coach.store.homecache`), so the next start can draw home in its
first frame, before the engine and the session files are loaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coach.engine.records import SessionRecord, result_text

__all__ = ["HomeRow", "HomeView", "last_session_text"]


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


@dataclass(frozen=True, slots=True)
class HomeView:
    title: str
    description: str
    total_seconds: float
    rows: tuple[HomeRow, ...]
    last_session: str
    notes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HomeView:
        """The view from :meth:`to_json`'s output; KeyError, TypeError or ValueError when
        it is not one."""
        rows: Sequence[Mapping[str, Any]] = data["rows"]
        return cls(
            title=str(data["title"]),
            description=str(data["description"]),
            total_seconds=float(data["total_seconds"]),
            rows=tuple(
                HomeRow(
                    str(r["program_id"]),
                    str(r["program_name"]),
                    int(r["level"]),
                    str(r["level_name"]),
                    str(r["exercise"]),
                    str(r["dose"]),
                )
                for r in rows
            ),
            last_session=str(data["last_session"]),
            notes=tuple(str(n) for n in data["notes"]),
        )


def last_session_text(recent: Sequence[SessionRecord]) -> str:
    if not recent:
        return "First session: welcome. Go gently; it gets easier."
    last = recent[0]
    peak = "no ratings" if last.peak_pain is None else f"peak pain {last.peak_pain}/10"
    day = last.local_date or last.started_at[:10]
    return (
        f"Last session {day}: {result_text(last.status, last.stop_reason)}, "
        f"{last.sets_done} sets, {peak}"
    )
