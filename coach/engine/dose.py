"""A dose: the numbers of an exercise that auto-scaling changes.

A module of its own, with nothing from the format: what reads stored doses (the history,
the report) describes and compares them without loading the session format's models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coach.base.types import JsonValue

__all__ = ["Dose"]


@dataclass(frozen=True, slots=True)
class Dose:
    """How much of an exercise is planned: the numbers auto-scaling changes."""

    sets: int
    hold: float | None = None
    """Seconds per hold (hold exercises)."""
    holds: int | None = None
    """Holds per set (hold exercises)."""
    reps: int | None = None
    """Repetitions per set (reps exercises)."""
    duration: float | None = None
    """Seconds per set (timed exercises)."""

    def to_json(self) -> dict[str, int | float]:
        """The dose as stored (a decision's before and after): its parts that are set."""
        return {name: value for name in _DOSE_PARTS if (value := getattr(self, name)) is not None}

    def with_parts(self, changes: Mapping[str, float]) -> Dose:
        """This dose with the parts named in ``changes`` set (the counts as whole
        numbers); KeyError for a name that is not a part."""
        for name in changes:
            if name not in _DOSE_PARTS:
                raise KeyError(name)

        def whole(name: str, now: int | None) -> int | None:
            return int(changes[name]) if name in changes else now

        def seconds(name: str, now: float | None) -> float | None:
            return changes.get(name, now)

        return Dose(
            int(changes.get("sets", self.sets)),
            seconds("hold", self.hold),
            whole("holds", self.holds),
            whole("reps", self.reps),
            seconds("duration", self.duration),
        )

    @classmethod
    def from_json(cls, data: JsonValue) -> Dose:
        """The dose :meth:`to_json` wrote; ValueError for anything else."""
        if not isinstance(data, Mapping):
            raise ValueError(f"not a dose: {data!r}")

        def number(name: str) -> float | None:
            value = data.get(name)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"a dose's {name} is not a number: {value!r}")
            return value

        def whole(name: str) -> int | None:
            value = number(name)
            return None if value is None else int(value)

        sets = whole("sets")
        if sets is None:
            raise ValueError(f"a dose without sets: {data!r}")
        hold, duration = number("hold"), number("duration")
        return cls(sets, hold, whole("holds"), whole("reps"), duration)


_DOSE_PARTS = ("sets", "hold", "holds", "reps", "duration")
