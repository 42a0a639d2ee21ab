"""Doses written per set: a 6-4-2 pyramid is one exercise with one history, and
progression moves the whole pyramid (6-4-2, then 7-5-3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.engine import day
from coach.engine.progression import describe_dose
from coach.engine.records import PainAnswer
from coach.engine.timeline import Dose, StepKind, build_timeline, dose_for_set, plan_session
from coach.format.loader import ProgramFile, load_session_file
from coach.store.database import HistoryStore

from .day_helpers import TODAY, Shell, begin_session, rate_every_set
from .sessions import write_program
from .test_loader import errors_of, program

Write = Callable[..., Path]

BIG_THREE: dict[str, object] = {
    "version": 1,
    "program": {
        "id": "big3",
        "name": "Big 3",
        "get_ready": 3,
        "levels": [
            {
                "name": "Level 1",
                "exercises": [
                    {
                        "id": "curl-up",
                        "name": "Curl-up",
                        "kind": "hold",
                        "hold": 10,
                        "holds": [6, 4, 2],
                        "hold_rest": 2,
                        "rest": 20,
                        "progression": {"holds": {"min": 2, "max": 8}},
                    }
                ],
            }
        ],
    },
}


def holds_per_set(timeline) -> list[int]:  # type: ignore[no-untyped-def]
    found: dict[int, int] = {}
    for step in timeline.steps:
        if step.kind is StepKind.HOLD:
            found[step.set_number] = step.holds
    return [found[n] for n in sorted(found)]


def test_a_pyramid_is_one_exercise_with_a_set_per_value(tmp_path: Path) -> None:
    loaded = load_session_file(write_program(tmp_path, BIG_THREE))
    assert isinstance(loaded, ProgramFile)
    timeline = build_timeline(plan_session(loaded))
    assert [e.key for e in timeline.plan.exercises] == ["curl-up"]
    assert timeline.plan.exercises[0].dose == Dose(sets=3, hold=10.0, holds=6)
    assert holds_per_set(timeline) == [6, 4, 2]
    # 6, 4 and 2 holds of 10 s with 2 s between, two rests of 20 s, a 3 s get ready.
    assert timeline.total == 3 + (60 + 10) + 20 + (40 + 6) + 20 + (20 + 2)
    assert describe_dose(timeline.plan.exercises[0].dose, per_set={"holds": (6, 4, 2)}) == (
        "3 sets: 6 x 10s, 4 x 10s, 2 x 10s"
    )


def test_progression_moves_the_whole_pyramid(tmp_path: Path) -> None:
    source = write_program(tmp_path, BIG_THREE)
    store = HistoryStore.in_memory()
    first = Shell(source, store)
    begin_session(first)
    rate_every_set(first, [0, 0, 0])
    second = Shell(source, store, today=TODAY + timedelta(days=1))
    home = second.last(day.ShowHome).view
    assert home.rows[0].dose == "3 sets: 7 x 10s, 5 x 10s, 3 x 10s"
    second.answer(day.StartSession())
    second.answer(day.BaselineAnswer(PainAnswer(1)))
    session = second.last(day.Play).session
    assert holds_per_set(session.timeline) == [7, 5, 3]
    # One history: every set of the pyramid is the one exercise's.
    stored = [s for session in store.program_history("big3") for s in session.sets]
    assert [s.exercise_id for s in stored] == ["curl-up"] * 3


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "          hold: [10s, 8s]\n          holds: [6, 4, 2]\n",
            "11:18: 'holds' lists 3 sets but 'hold' lists 2; give every per-set list one "
            "value per set",
        ),
        (
            "          hold: 10s\n          holds: [6, 4, 2]\n          sets: 2\n",
            "12:17: sets is 2 but 'holds' lists 3 values, one per set; leave 'sets' out "
            "(the list gives it)",
        ),
        (
            "          hold: 10s\n          holds: [6, 4, 2]\n          progression:\n"
            "            sets: {min: 1, max: 3}\n",
            "13:13: the sets follow the list in 'holds', so 'sets' cannot progress; progress "
            "'holds' (the whole list moves by each step)",
        ),
        ("          hold: 10s\n          holds: [6, 40]\n", "11:22: must be at most 30, not 40"),
        ("          hold: 10s\n          holds: [6]\n", "11:18: needs at least 2 items"),
    ],
)
def test_per_set_mistakes(write: Write, lines: str, expected: str) -> None:
    path = write("p.yaml", program("        - name: Curl-up\n          kind: hold\n" + lines))
    assert expected in errors_of(path)


@given(
    values=st.lists(st.integers(1, 30), min_size=2, max_size=8),
    first=st.integers(1, 30),
)
def test_each_set_keeps_its_difference_from_the_first(values: list[int], first: int) -> None:
    per_set = {"holds": tuple(float(v) for v in values)}
    dose = Dose(sets=len(values), hold=10.0, holds=first)
    played = [dose_for_set(dose, per_set, n).holds for n in range(1, len(values) + 1)]
    assert played[0] == first
    for value, got in zip(values, played, strict=True):
        assert got == max(1, first + value - values[0])


def test_a_timed_pyramid_and_reps_list(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Walk\n"
            "          kind: timed\n"
            "          duration: [2m, 1m, 30s]\n"
            "          rest: 0s\n"
            "          rest_after: 0s\n"
            "        - name: Squat\n"
            "          kind: reps\n"
            "          reps: [10, 8]\n"
            "          tempo: {up: 1s, pause: 0s, down: 1s}\n"
            "          rest: 0s\n",
            extra="  get_ready: 0s\n",
        ),
    )
    loaded = load_session_file(path)
    timeline = build_timeline(plan_session(loaded))
    timed = [s.duration for s in timeline.steps if s.kind is StepKind.TIMED]
    reps = {(s.set_number, s.reps) for s in timeline.steps if s.kind is StepKind.REP}
    assert timed == [120.0, 60.0, 30.0]
    assert reps == {(1, 10), (2, 8)}
    assert timeline.total == 210 + 36


def test_old_single_doses_are_unchanged(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Bird dog\n          kind: hold\n          hold: 8s\n"
            "          holds: 5\n          sets: 2\n"
        ),
    )
    timeline = build_timeline(plan_session(load_session_file(path)))
    assert holds_per_set(timeline) == [5, 5]
    assert timeline.plan.exercises[0].dose == Dose(sets=2, hold=8.0, holds=5)
