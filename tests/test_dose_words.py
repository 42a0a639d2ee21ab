"""Doses and counts in words: plurals right, and 'each side' where it applies."""

from __future__ import annotations

from coach.engine.home import last_session_text
from coach.engine.progression import describe_dose
from coach.engine.records import SessionRecord
from coach.engine.timeline import Dose, build_timeline

from .player_harness import bundled_levels, bundled_plan


def test_one_is_singular() -> None:
    assert describe_dose(Dose(sets=1, reps=1)) == "1 set of 1 rep"
    assert describe_dose(Dose(sets=2, reps=8)) == "2 sets of 8 reps"
    record = SessionRecord("s-1", "2026-12-01T07:00:00Z", None, "completed", "m", "M", 2, 1, 3)
    assert "1 set," in last_session_text([record])
    assert "1 sets" not in last_session_text([record])


def test_each_side_is_said_where_it_applies() -> None:
    assert describe_dose(Dose(sets=1, hold=10, holds=2), each_side=True) == (
        "1 set of 2 x 10s, each side"
    )
    assert describe_dose(Dose(sets=2, reps=6), each_side=True) == "2 sets of 6 reps, each side"
    # Every bundled exercise done on each side says so in its dose, and no other does (the
    # player's words; home's table keeps the short dose until it can wrap at 40 columns).
    for program, level in bundled_levels():
        plan, _ = bundled_plan(program, level)
        sided = {
            step.exercise_index for step in build_timeline(plan).steps if step.side is not None
        }
        for index, item in enumerate(plan.exercises):
            words = describe_dose(item.dose, each_side=item.exercise.sides == "each")
            assert words.endswith(", each side") == (index in sided), (item.key, words)
