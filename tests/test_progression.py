"""The placeholder rule for next time's dose, and the reasons it gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coach.format_v1 import Scaling
from coach.loader import load_session_file
from coach.progression import (
    ExerciseResult,
    RatedSet,
    describe_dose,
    dose_direction,
    next_doses,
    step_dose,
)
from coach.timeline import Dose, PlannedExercise, plan_session

from .strategies import dump

HOLD: dict[str, Any] = {
    "id": "bird-dog",
    "name": "Bird dog",
    "kind": "hold",
    "hold": 10,
    "holds": 3,
    "sets": 2,
    "progression": {"hold": {"min": 6, "max": 12, "step": 2}, "holds": {"min": 2, "max": 4}},
}


def planned(tmp_path: Path, exercise: dict[str, Any] = HOLD) -> PlannedExercise:
    path = tmp_path / "p.yaml"
    document = {
        "version": 1,
        "program": {"id": "p", "name": "P", "levels": [{"name": "L", "exercises": [exercise]}]},
    }
    path.write_text(dump(document), encoding="utf-8")
    (item,) = plan_session(load_session_file(path)).exercises
    return item


def decide(
    item: PlannedExercise,
    pains: list[int | None],
    *,
    completed: bool = True,
    ended_early: bool = False,
    scaling: Scaling | None = None,
) -> tuple[Dose, str]:
    sets = tuple(RatedSet(0, n, p, completed) for n, p in enumerate(pains, start=1))
    result = ExerciseResult(item, sets, ended_early)
    (change,) = next_doses([result], {"p": scaling or Scaling()})
    return change.after, change.reason


@pytest.mark.parametrize(
    ("pains", "hold", "reason"),
    [
        ([0, 2], 12, "Pain peaked at 2/10 and all sets were done: hold 10s -> 12s."),
        ([2, 3], 10, "Pain peaked at 3/10, in the acceptable zone: same dose"),
        ([5, 5], 10, "Pain peaked at 5/10, in the acceptable zone"),
        ([1, 6], 10, "Pain reached 6/10, above 5: one step back, holds 3 -> 2."),
        ([1, None], 10, "A set was not rated, so the dose stays"),
    ],
)
def test_peak_pain_decides(
    tmp_path: Path, pains: list[int | None], hold: float, reason: str
) -> None:
    dose, why = decide(planned(tmp_path), pains)
    assert dose.hold == hold
    assert why.startswith(reason)


def test_a_missing_set_steps_back(tmp_path: Path) -> None:
    dose, why = decide(planned(tmp_path), [1])  # only one of two sets
    assert (dose.hold, dose.holds) == (10, 2)
    assert why == "Not every set was finished: one step back, holds 3 -> 2."


def test_a_cut_short_set_steps_back(tmp_path: Path) -> None:
    dose, why = decide(planned(tmp_path), [1, 1], completed=False)
    assert dose.holds == 2
    assert why.startswith("Not every set was finished")


def test_program_thresholds_override_the_defaults(tmp_path: Path) -> None:
    dose, why = decide(planned(tmp_path), [3, 3], scaling=Scaling(safe_max=3, acceptable_max=6))
    assert dose.hold == 12
    dose, why = decide(planned(tmp_path), [6, 1], scaling=Scaling(safe_max=3, acceptable_max=6))
    assert dose.hold == 10 and "acceptable zone" in why


def test_not_done_today_keeps_the_dose(tmp_path: Path) -> None:
    dose, why = decide(planned(tmp_path), [])
    assert dose == Dose(sets=2, hold=10, holds=3)
    assert why.startswith("Not done today")


def test_steps_follow_the_authors_order_and_stay_in_bounds(tmp_path: Path) -> None:
    item = planned(tmp_path)
    progression = item.exercise.progression
    up, what = step_dose(Dose(2, 12, 3), progression, 1)  # hold at max: holds goes up
    assert (up, what) == (Dose(2, 12, 4), "holds 3 -> 4")
    top, what = step_dose(Dose(2, 12, 4), progression, 1)
    assert (top, what) == (Dose(2, 12, 4), "")
    down, what = step_dose(Dose(2, 12, 2), progression, -1)  # holds at min: hold goes down
    assert (down, what) == (Dose(2, 10, 2), "hold 12s -> 10s")


def test_no_progression_never_changes(tmp_path: Path) -> None:
    item = planned(tmp_path, {"name": "Walk", "kind": "timed", "duration": 30})
    dose, why = decide(item, [0])
    assert dose == item.dose
    assert "no progression" in why


def test_descriptions_and_directions() -> None:
    assert describe_dose(Dose(2, hold=8, holds=3)) == "2 sets of 3 x 8s"
    assert describe_dose(Dose(1, reps=6)) == "1 set of 6 reps"
    assert describe_dose(Dose(1, duration=90)) == "1 set of 1m 30s"
    assert dose_direction(Dose(1, reps=6), Dose(1, reps=7)) == 1
    assert dose_direction(Dose(2, hold=8), Dose(1, hold=8)) == -1
    assert dose_direction(Dose(1, reps=6), Dose(1, reps=6)) == 0
