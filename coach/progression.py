"""The doses planned for next time, each with one plain sentence saying why.

This is the simple rule the player ships with: the highest pain rating of an exercise's
sets decides. At or below the program's ``safe_max`` with every set done, the dose goes
one step up; up to ``acceptable_max`` it stays; above that, or when a set was cut short,
it steps back once. A missing rating never counts as a good one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from coach.durations import format_duration
from coach.format_v1 import CountRange, DurationRange, Progression, Scaling
from coach.storage import DoseChange
from coach.timeline import Dose, PlannedExercise

__all__ = [
    "ExerciseResult",
    "RatedSet",
    "describe_dose",
    "dose_direction",
    "next_doses",
    "results_by_exercise",
    "step_dose",
]

_UNITS = {"hold": "hold", "holds": "holds", "reps": "reps", "duration": "time", "sets": "sets"}


@dataclass(frozen=True, slots=True)
class RatedSet:
    """What the plan needs to know of one set."""

    exercise_index: int
    set_number: int
    pain: int | None
    completed: bool


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    item: PlannedExercise
    sets: tuple[RatedSet, ...]
    ended_early: bool = False

    @property
    def peak(self) -> int | None:
        ratings = [s.pain for s in self.sets if s.pain is not None]
        return max(ratings) if ratings else None

    @property
    def missing_rating(self) -> bool:
        return any(s.pain is None for s in self.sets)

    @property
    def all_done(self) -> bool:
        numbers = {s.set_number for s in self.sets if s.completed}
        return not self.ended_early and numbers >= set(range(1, self.item.dose.sets + 1))


def results_by_exercise(
    exercises: Sequence[PlannedExercise], sets: Iterable[RatedSet], ended_early: set[int]
) -> list[ExerciseResult]:
    """Group rated sets by exercise; the latest attempt of a set wins."""
    latest: dict[tuple[int, int], RatedSet] = {}
    for rated in sets:
        latest[(rated.exercise_index, rated.set_number)] = rated
    return [
        ExerciseResult(
            item,
            tuple(s for (ex, _), s in sorted(latest.items()) if ex == index),
            index in ended_early,
        )
        for index, item in enumerate(exercises)
    ]


def describe_dose(dose: Dose) -> str:
    """``2 x 5 x 8s`` style, in words people read: '2 sets of 5 holds of 8s'."""
    sets = f"{dose.sets} set{'s' if dose.sets != 1 else ''}"
    if dose.hold is not None:
        holds = dose.holds or 1
        return f"{sets} of {holds} x {format_duration(dose.hold)}"
    if dose.reps is not None:
        return f"{sets} of {dose.reps} reps"
    if dose.duration is not None:
        return f"{sets} of {format_duration(dose.duration)}"
    return sets


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


def step_dose(dose: Dose, progression: Progression | None, direction: int) -> tuple[Dose, str]:
    """One step up (``direction=1``) or down (``-1``); returns the dose and what changed.

    Up raises the first dose (in the author's order) still below its max; down lowers the
    last one still above its min. An empty description means nothing could move.
    """
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
        target = min(bounds.max, max(bounds.min, current + direction * bounds.step))
        moved: Any = int(target) if isinstance(bounds, CountRange) else round(float(target), 3)
        if moved != current:
            return replace(dose, **{name: moved}), (
                f"{_UNITS[name]} {_show(name, current)} -> {_show(name, moved)}"
            )
    return dose, ""


def next_doses(
    results: Sequence[ExerciseResult], scaling: Mapping[str, Scaling]
) -> tuple[DoseChange, ...]:
    """The dose of every exercise for next time, with its reason."""
    changes = []
    for result in results:
        item = result.item
        limits = scaling.get(item.program_id, Scaling())
        dose, reason = _decide(result, limits)
        changes.append(DoseChange(item.program_id, item.key, item.name, item.dose, dose, reason))
    return tuple(changes)


def _decide(result: ExerciseResult, limits: Scaling) -> tuple[Dose, str]:
    item = result.item
    progression = item.exercise.progression
    peak = result.peak
    now = describe_dose(item.dose)
    if not result.sets:
        return item.dose, f"Not done today, so the dose stays at {now}."
    if peak is not None and peak > limits.acceptable_max:
        dose, what = step_dose(item.dose, progression, -1)
        high = f"Pain reached {peak}/10, above {limits.acceptable_max}"
        if what:
            return dose, f"{high}: one step back, {what}."
        return dose, f"{high}, and the dose is already at its minimum."
    if result.ended_early or not result.all_done:
        dose, what = step_dose(item.dose, progression, -1)
        if what:
            return dose, f"Not every set was finished: one step back, {what}."
        return dose, "Not every set was finished; the dose is already at its minimum."
    if result.missing_rating or peak is None:
        return item.dose, f"A set was not rated, so the dose stays at {now}."
    if peak <= limits.safe_max:
        dose, what = step_dose(item.dose, progression, 1)
        if what:
            return dose, f"Pain peaked at {peak}/10 and all sets were done: {what}."
        if progression is None:
            return dose, f"Pain peaked at {peak}/10; this exercise has no progression: {now}."
        return dose, f"Pain peaked at {peak}/10 and the dose is at the top of its range ({now})."
    return item.dose, f"Pain peaked at {peak}/10, in the acceptable zone: same dose ({now})."
