"""The five protocols of issue 25, written with the format alone (sessions/examples):
each is valid without a warning, and its timeline is what the physiotherapist meant:
the phase order, each set's dose, the totals."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.engine.timeline import (
    Phase,
    Step,
    StepKind,
    Timeline,
    build_timeline,
    plan_session,
)
from coach.format.loader import check_paths, load_session_file

EXAMPLES = Path(__file__).parents[1] / "sessions" / "examples"


def timeline_of(name: str, level: int | None = None) -> Timeline:
    loaded = load_session_file(EXAMPLES / name)
    levels = {}
    if level is not None:
        levels = {p.program.id: level for p in getattr(loaded, "programs", ())} or {
            loaded.program.id: level  # type: ignore[union-attr]
        }
    return build_timeline(plan_session(loaded, levels=levels))


def work(timeline: Timeline, key: str) -> list[Step]:
    index = next(i for i, e in enumerate(timeline.plan.exercises) if e.key == key)
    return [s for s in timeline.steps if s.exercise_index == index and s.kind.is_work]


def per_set(steps: list[Step], field: str) -> list[int | None]:
    found: dict[int, int | None] = {}
    for step in steps:
        found.setdefault(step.set_number, getattr(step, field))
    return [found[n] for n in sorted(found)]


def test_every_example_is_valid_without_a_warning() -> None:
    files, diagnostics = check_paths([EXAMPLES])
    assert len(files) == 7
    assert [d.render() for d in diagnostics] == []


def test_the_big_three_is_a_pyramid_of_three_exercises() -> None:
    timeline = timeline_of("programs/mcgill-big-three.yaml")
    assert [e.key for e in timeline.plan.exercises] == ["curl-up", "side-bridge-knees", "bird-dog"]
    curl = work(timeline, "curl-up")
    assert per_set(curl, "holds") == [5, 3, 1]
    assert {s.duration for s in curl} == {10.0}
    # Each side of the side bridge: 5, 3 and 1 holds, left then right in every set.
    bridge = work(timeline, "side-bridge-knees")
    assert [(s.set_number, str(s.side)) for s in bridge if s.hold == 1] == [
        (1, "left"),
        (1, "right"),
        (2, "left"),
        (2, "right"),
        (3, "left"),
        (3, "right"),
    ]
    assert sum(1 for s in bridge if s.kind is StepKind.HOLD) == 2 * (5 + 3 + 1)
    ratings = [s for s in timeline.steps if s.kind is StepKind.RATE]
    assert len(ratings) == 9
    assert timeline.total == 745.0  # 12m 25s


def test_the_morning_routine_keeps_to_fifteen_minutes_and_rates_no_warm_up() -> None:
    timeline = timeline_of("morning-15.yaml")
    assert timeline.total <= 15 * 60
    assert timeline.total == 872.0  # 14m 32s
    warm = {0, 1}
    assert not any(s.kind is StepKind.RATE and s.exercise_index in warm for s in timeline.steps)


def test_the_squat_goes_down_first() -> None:
    timeline = timeline_of("programs/plank-and-squat.yaml")
    squat = work(timeline, "tempo-squat")
    first_rep = [(s.phase, s.duration) for s in squat if s.rep == 1 and s.set_number == 1]
    assert first_rep == [(Phase.DOWN, 3.0), (Phase.PAUSE, 1.0), (Phase.UP, 1.0)]
    assert per_set(squat, "reps") == [8, 8]
    plank = work(timeline, "plank-repeaters")
    assert per_set(plank, "holds") == [6, 6]
    rests = [s.duration for s in timeline.steps if s.kind is StepKind.REST]
    assert rests == [45.0, 45.0]  # 'rest: 30-45s' plays 45 s; the squat's 45 s
    assert timeline.total == 380.0


@pytest.mark.parametrize(
    ("level", "key", "kind"),
    [
        (1, "prone-lying", StepKind.TIMED),
        (2, "sphinx", StepKind.HOLD),
        (3, "press-up-half", StepKind.REP),
        (4, "press-up-full", StepKind.REP),
        (5, "standing-extension", StepKind.REP),
    ],
)
def test_each_extension_stage_and_its_criterion(level: int, key: str, kind: StepKind) -> None:
    loaded = load_session_file(EXAMPLES / "programs" / "extension-stages.yaml")
    program = loaded.program  # type: ignore[union-attr]
    timeline = timeline_of("programs/extension-stages.yaml", level)
    assert [e.key for e in timeline.plan.exercises] == [key]
    assert {s.kind for s in work(timeline, key)} == {kind}
    stage = program.levels[level - 1]
    assert bool(stage.advance_when) == (level < 5)  # the last stage has nowhere to go


def test_the_evening_routine_breathes_slides_and_sits() -> None:
    timeline = timeline_of("evening.yaml")
    assert [e.key for e in timeline.plan.exercises] == [
        "breathing",
        "nerve-slider",
        "wall-sit",
        "prone-lying",
    ]
    slider = work(timeline, "nerve-slider")
    assert [(s.phase, s.duration) for s in slider if s.rep == 1 and str(s.side) == "left"] == [
        (Phase.UP, 2.0),
        (Phase.DOWN, 2.0),
    ]
    wall = work(timeline, "wall-sit")
    # Up to 30 s each, ended by the person (N): the longest is what the timeline plans.
    assert [(s.duration, s.self_timed) for s in wall] == [(30.0, True)] * 3
    gaps = [s.duration for s in timeline.steps if s.kind is StepKind.HOLD_REST]
    assert gaps == [30.0, 30.0]  # 'hold_rest: 20-30s' plays 30 s
    assert timeline.total == 505.0  # 8m 25s
    stage_two = timeline_of("programs/slider-and-wall-sit.yaml", 2)
    assert {s.duration for s in work(stage_two, "wall-sit-2")} == {45.0}
