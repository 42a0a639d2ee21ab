"""The messages a physiotherapist met writing real protocols (issue 25), each with the
exact fix: a key of another kind, an unquoted colon, a rest that never plays, a step
warned about in a range of one value, a still figure on a timed block."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coach.engine.figures.motion import figure_of, frame_at, keyframes, moves_during
from coach.engine.timeline import StepKind, build_timeline, plan_session
from coach.format.loader import load_session_file

from .test_loader import errors_of, program

Write = Callable[..., Path]


def warnings_of(path: Path) -> list[str]:
    return [f"{w.mark.line}:{w.mark.column}: {w.message}" for w in load_session_file(path).warnings]


@pytest.mark.parametrize(
    ("kind", "line", "expected"),
    [
        (
            "hold\n          hold: 10s",
            "reps: 5",
            "'reps' is a key of a reps exercise, not of a hold one: a hold exercise has "
            "'hold' (seconds per hold) and 'holds' (holds per set); for reps, write kind: reps",
        ),
        (
            "reps\n          reps: 5",
            "duration: 30s",
            "'duration' is a key of a timed exercise, not of a reps one: a reps exercise has "
            "'reps' (repetitions per set) and 'tempo'; for duration, write kind: timed",
        ),
        ("hold\n          hold: 10s", "hols: 5", "unknown key 'hols'; did you mean 'holds'?"),
    ],
)
def test_a_key_of_another_kind_says_which(
    write: Write, kind: str, line: str, expected: str
) -> None:
    path = write(
        "p.yaml", program(f"        - name: A\n          kind: {kind}\n          {line}\n")
    )
    assert [e.split(": ", 1)[1] for e in errors_of(path)] == [expected]


def test_an_unquoted_colon_says_to_quote(write: Write) -> None:
    path = write("p.yaml", "version: 1\nprogram:\n  id: m\n  name: Level 1: tolerance\n")
    (error,) = errors_of(path)
    assert error.startswith("4:16: YAML syntax: mapping values are not allowed")
    assert error.endswith(
        "a colon then a space inside a text starts a new key: put the whole text in quotes, "
        'as in name: "Level 1: tolerance"'
    )


def test_a_rest_with_one_set_warns_and_a_range_of_one_value_does_not(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: A\n"
            "          kind: hold\n"
            "          hold: 10s\n"
            "          rest: 20s\n"
            "          progression:\n"
            "            hold: {min: 10s, max: 10s, step: 5s}\n"
        ),
    )
    assert warnings_of(path) == [
        "11:11: 'rest' is the rest between sets, and this exercise has one set, so it is "
        "never played; for a rest before the next exercise write 'rest_after'"
    ]


def test_a_hold_figure_keeps_still_on_a_timed_block(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Lie on the elbows\n"
            "          kind: timed\n"
            "          label: lie still\n"
            "          duration: 30s\n"
            "          figure: sphinx\n"
        ),
    )
    timeline = build_timeline(plan_session(load_session_file(path)))
    keys = keyframes(figure_of(timeline.plan.exercises[0]))  # type: ignore[arg-type]
    (block,) = [s for s in timeline.steps if s.kind is StepKind.TIMED]
    late = frame_at(timeline, block, 20.0)
    assert late is not None and late.posture == pytest.approx(keys.hold)
    assert not moves_during(block, keys, 20.0)


def test_a_timed_figure_with_neither_top_nor_hold_says_both(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Walk\n"
            "          kind: timed\n"
            "          duration: 30s\n"
            "          figure: {base: standing, start: {}}\n"
        ),
    )
    assert [e.split(": ", 1)[1] for e in errors_of(path)] == [
        "a timed exercise's figure needs a 'top' pose (where a loop goes from 'start'), or a "
        "'hold' pose to keep still in"
    ]
