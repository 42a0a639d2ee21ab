"""Plans and timelines: every second of a session is accounted for, in order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coach.engine.timeline import Dose, Phase, Side, StepKind, build_timeline, plan_session
from coach.format.loader import load_session_file

Write = Callable[..., Path]


def timeline_of(write: Write, exercises: str, *, routine_ready: str | None = None):  # type: ignore[no-untyped-def]
    write(
        "p.yaml",
        "version: 1\nprogram:\n  id: p\n  name: P\n  get_ready: 4\n  levels:\n"
        "    - name: L1\n      exercises:\n"
        + exercises
        + "    - name: L2\n      exercises:\n        - {name: Z, kind: timed, duration: 9}\n",
    )
    ready = f"  get_ready: {routine_ready}\n" if routine_ready else ""
    routine = write(
        "r.yaml",
        f"version: 1\nroutine:\n  id: r\n  name: R\n{ready}  programs:\n    - file: p.yaml\n",
    )
    return build_timeline(plan_session(load_session_file(routine)))


def kinds(timeline) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    return [(s.kind.value, s.duration) for s in timeline.steps]


def test_holds_with_rests_inside_a_set(write: Write) -> None:
    timeline = timeline_of(
        write,
        "        - {name: A, kind: hold, hold: 10, holds: 3, hold_rest: 5, sets: 2, rest: 30}\n",
    )
    assert kinds(timeline) == [
        ("get ready", 4),
        ("hold", 10),
        ("short rest", 5),
        ("hold", 10),
        ("short rest", 5),
        ("hold", 10),
        ("rate pain", 0),
        ("rest", 30),
        ("hold", 10),
        ("short rest", 5),
        ("hold", 10),
        ("short rest", 5),
        ("hold", 10),
        ("rate pain", 0),
    ]
    assert timeline.total == 4 + 40 + 30 + 40
    holds = [s for s in timeline.steps if s.kind is StepKind.HOLD]
    assert [(s.set_number, s.hold, s.holds) for s in holds][:3] == [(1, 1, 3), (1, 2, 3), (1, 3, 3)]


def test_sides_each_switches_within_a_set(write: Write) -> None:
    timeline = timeline_of(
        write,
        "        - {name: A, kind: hold, hold: 10, sides: each, switch: 3, sets: 2, rest: 20}\n",
    )
    assert [(s.kind.value, s.side, s.set_number) for s in timeline.steps] == [
        ("get ready", None, 1),
        ("hold", Side.LEFT, 1),
        ("switch sides", Side.RIGHT, 1),
        ("hold", Side.RIGHT, 1),
        ("rate pain", None, 1),
        ("rest", None, 1),
        ("hold", Side.LEFT, 2),
        ("switch sides", Side.RIGHT, 2),
        ("hold", Side.RIGHT, 2),
        ("rate pain", None, 2),
    ]


def test_tempo_reps_have_phases(write: Write) -> None:
    timeline = timeline_of(
        write,
        "        - {name: A, kind: reps, reps: 2, tempo: {up: 2, pause: 0, down: 1.5}}\n",
    )
    reps = [(s.rep, s.phase, s.duration) for s in timeline.steps if s.kind is StepKind.REP]
    # A zero-second phase is not a step.
    assert reps == [(1, Phase.UP, 2), (1, Phase.DOWN, 1.5), (2, Phase.UP, 2), (2, Phase.DOWN, 1.5)]


def test_rest_after_separates_exercises_but_not_the_end(write: Write) -> None:
    timeline = timeline_of(
        write,
        "        - {name: A, kind: timed, duration: 30, rest_after: 15}\n"
        "        - {name: B, kind: timed, duration: 20, rest_after: 15, get_ready: 2}\n",
    )
    assert kinds(timeline) == [
        ("get ready", 4),
        ("move", 30),
        ("rate pain", 0),
        ("rest before next", 15),
        ("get ready", 2),
        ("move", 20),
        ("rate pain", 0),
    ]
    assert [s.start for s in timeline.steps] == [0, 4, 34, 34, 49, 51, 71]
    assert timeline.total == 71


def test_routine_countdown_overrides_the_programs(write: Write) -> None:
    timeline = timeline_of(
        write, "        - {name: A, kind: timed, duration: 30}\n", routine_ready="8s"
    )
    assert timeline.steps[0].kind is StepKind.GET_READY
    assert timeline.steps[0].duration == 8


def test_levels_and_doses_come_from_the_user_state(write: Write) -> None:
    write(
        "p.yaml",
        "version: 1\nprogram:\n  id: p\n  name: P\n  levels:\n"
        "    - name: L1\n      exercises: [{id: a, name: A, kind: hold, hold: 5}]\n"
        "    - name: L2\n      exercises: [{id: b, name: B, kind: hold, hold: 5}]\n",
    )
    loaded = load_session_file(
        write(
            "r.yaml",
            "version: 1\nroutine: {id: r, name: R, programs: [{file: p.yaml, level: 2}]}\n",
        )
    )
    assert [e.key for e in plan_session(loaded).exercises] == ["b"]
    at_one = plan_session(
        loaded, levels={"p": 1}, doses={("p", "a"): Dose(sets=2, hold=7, holds=2)}
    )
    (item,) = at_one.exercises
    assert (item.key, item.level, item.dose) == ("a", 1, Dose(sets=2, hold=7, holds=2))
    steps = build_timeline(at_one).steps
    assert [s.duration for s in steps if s.kind is StepKind.HOLD] == [7, 7, 7, 7]
    # A level beyond the program's last is clamped, never an IndexError.
    assert plan_session(loaded, levels={"p": 9}).levels == {"p": 2}


def test_cues_inherit_from_program_then_defaults(write: Write) -> None:
    write(
        "p.yaml",
        "version: 1\nprogram:\n  id: p\n  name: P\n  cues: {halfway: true, last_seconds: 5}\n"
        "  levels:\n    - name: L1\n      exercises:\n"
        "        - {name: A, kind: hold, hold: 5, cues: {last_seconds: 0}}\n"
        "        - {name: B, kind: hold, hold: 5}\n",
    )
    plan = plan_session(
        load_session_file(
            write("r.yaml", "version: 1\nroutine: {id: r, name: R, programs: [{file: p.yaml}]}\n")
        )
    )
    a, b = plan.exercises
    assert (a.cues.halfway, a.cues.last_seconds, a.cues.start) == (True, 0, True)
    assert (b.cues.halfway, b.cues.last_seconds) == (True, 5)


def test_blocks_group_a_sets_work(write: Write) -> None:
    timeline = timeline_of(write, "        - {name: A, kind: reps, reps: 3, sides: each}\n")
    shapes = [(b[0].kind.value, len(b)) for b in timeline.blocks()]
    assert shapes == [
        ("get ready", 1),
        ("rep", 9),
        ("switch sides", 1),
        ("rep", 9),
        ("rate pain", 1),
    ]
