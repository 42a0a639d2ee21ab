"""Doses: how to describe them, compare them, and move them one step within their range."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from coach.engine.dose import Dose
from coach.engine.timeline import set_doses
from coach.format.durations import format_duration

if TYPE_CHECKING:
    # Only the steps need the format's models (describing and comparing doses do not,
    # and the report, which only describes them, never loads the models).
    from coach.format.v1 import Ceilings, CountRange, DurationRange, Progression

__all__ = ["describe_change", "describe_dose", "dose_direction", "step_dose"]

_UNITS = {"hold": "hold", "holds": "holds", "reps": "reps", "duration": "time", "sets": "sets"}


def describe_dose(
    dose: Dose,
    *,
    each_side: bool = False,
    per_set: Mapping[str, tuple[float, ...]] | None = None,
) -> str:
    """``2 x 5 x 8s`` style, in words people read: '2 sets of 5 x 8s', and ', each side'
    for an exercise done on each side in turn (the dose is each side's). A dose written
    per set (a pyramid) says each set's: '3 sets: 6 x 10s, 4 x 10s, 2 x 10s'."""
    side = ", each side" if each_side else ""
    if per_set and dose.sets > 1:
        each = [_one_set(d) for d in set_doses(dose, per_set)]
        return f"{dose.sets} sets: {', '.join(each)}{side}"
    sets = f"{dose.sets} set{'s' if dose.sets != 1 else ''}"
    if dose.hold is not None:
        holds = dose.holds or 1
        return f"{sets} of {holds} x {format_duration(dose.hold)}{side}"
    if dose.reps is not None:
        return f"{sets} of {dose.reps} rep{'s' if dose.reps != 1 else ''}{side}"
    if dose.duration is not None:
        return f"{sets} of {format_duration(dose.duration)}{side}"
    return sets + side


def _one_set(dose: Dose) -> str:
    if dose.hold is not None:
        return f"{dose.holds or 1} x {format_duration(dose.hold)}"
    if dose.reps is not None:
        return f"{dose.reps} rep{'s' if dose.reps != 1 else ''}"
    if dose.duration is not None:
        return format_duration(dose.duration)
    return "-"


def describe_change(before: Dose, after: Dose) -> str:
    """'hold 12s -> 10s': what differs between two doses of one exercise."""
    changed = [
        f"{_UNITS[name]} {_show(name, old)} -> {_show(name, new)}"
        for name in ("sets", "hold", "holds", "reps", "duration")
        if (old := getattr(before, name)) != (new := getattr(after, name))
    ]
    return ", ".join(changed) or describe_dose(after)


def dose_direction(before: Dose, after: Dose) -> int:
    """1 if ``after`` asks more than ``before``, -1 if less, 0 if the same."""
    for name in ("sets", "hold", "holds", "reps", "duration"):
        old, new = getattr(before, name), getattr(after, name)
        if old is not None and new is not None and old != new:
            return 1 if new > old else -1
    return 0


def _show(name: str, value: float | int | None) -> str:
    if value is None:
        return "-"
    if name in ("hold", "duration"):
        return format_duration(float(value))
    return str(int(value))


def step_dose(
    dose: Dose,
    progression: Progression | None,
    direction: int,
    ceilings: Ceilings | None = None,
) -> tuple[Dose, str]:
    """One step up (``direction=1``) or down (``-1``); returns the dose and what changed.

    Up raises the first dose (in the author's order) still below its max (and below the
    program's ceiling for it); down lowers the last one still above its min. Up never
    lowers a dose and down never raises one, whatever the range and the ceilings say.
    An empty description means nothing could move.
    """
    from coach.format.v1 import CountRange

    if progression is None:
        return dose, ""
    order = list(progression.order)
    if direction < 0:
        order.reverse()
    for name in order:
        bounds: CountRange | DurationRange | None = getattr(progression, name)
        current = getattr(dose, name)
        if bounds is None or current is None:
            continue
        top = bounds.max
        ceiling = getattr(ceilings, name, None) if ceilings is not None else None
        if ceiling is not None:
            top = min(top, ceiling)
        target = min(top, max(bounds.min, current + direction * bounds.step))
        if direction > 0 and target < current:
            continue  # above the ceiling already (the file changed): never raised
        if direction < 0 and target > current:
            continue  # below the range already (a ceiling under its min): never raised
        moved = int(target) if isinstance(bounds, CountRange) else round(float(target), 3)
        if moved != current:
            return dose.with_parts({name: moved}), (
                f"{_UNITS[name]} {_show(name, current)} -> {_show(name, moved)}"
            )
    return dose, ""
