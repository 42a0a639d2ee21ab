"""Rests written as a range, as a physiotherapist writes them ('20-30s'): the longer end
plays (N ends a rest early), and a range that cannot be meant says how to write it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.engine.timeline import StepKind, build_timeline, plan_session
from coach.format.loader import load_session_file
from coach.format.schema import schema_dict
from coach.format.v1 import HoldExercise

from .test_loader import errors_of, program

Write = Callable[..., Path]


def test_a_range_plays_its_longer_end(write: Write) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: Bird dog\n"
            "          kind: hold\n"
            "          hold: 10s\n"
            "          holds: 2\n"
            "          hold_rest: 5 - 10s\n"
            "          sets: 2\n"
            "          rest: 20-30s\n"
            "          rest_after: 1m to 1m30s\n"
            "        - name: Cat camel\n"
            "          kind: reps\n"
            "          reps: 1\n"
        ),
    )
    steps = build_timeline(plan_session(load_session_file(path))).steps
    rests = [(s.kind, s.duration) for s in steps if s.kind.is_rest]
    assert rests == [
        (StepKind.HOLD_REST, 10.0),
        (StepKind.REST, 30.0),
        (StepKind.HOLD_REST, 10.0),
        (StepKind.REST_AFTER, 90.0),
    ]


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("1-2m", "write the unit on both ends of a range: '1m-2m'"),
        ("30-20s", "a range starts at its shorter rest: write '20s-30s'"),
        ("20m-30m", "must be between 0s and 10m, not 30m"),
    ],
)
def test_ranges_that_cannot_be_meant(write: Write, rest: str, expected: str) -> None:
    path = write(
        "p.yaml",
        program(
            "        - name: A\n          kind: hold\n          hold: 10s\n"
            f"          rest: {rest}\n"
        ),
    )
    assert [e.split(": ", 1)[1] for e in errors_of(path)] == [expected]


RANGE_PATTERN = re.compile(
    next(
        option["pattern"]
        for option in schema_dict()["$defs"]["HoldExercise"]["properties"]["rest"]["anyOf"]
        if "-" in option.get("pattern", "") and "to" in option.get("pattern", "")
    )
)


@given(low=st.integers(0, 600), high=st.integers(0, 600), unit=st.sampled_from(["", "s"]))
def test_the_schema_and_the_loader_agree_on_second_ranges(low: int, high: int, unit: str) -> None:
    text = f"{low}-{high}{unit}"
    assert RANGE_PATTERN.match(text)
    data = {"name": "A", "kind": "hold", "hold": 10, "rest": text}
    if low <= high:
        assert HoldExercise.model_validate(data).rest == high
    else:
        with pytest.raises(ValueError, match="starts at its shorter rest"):
            HoldExercise.model_validate(data)


def test_a_long_text_of_spaces_as_a_rest_is_refused_at_once(write: Callable[..., Path]) -> None:
    """The fuzzer's case: a rest of thousands of spaces and words held `coach validate`
    for minutes (the range pattern backtracking); the length is checked first."""
    import time

    rest = "1" + " " * 4000 + "2s"
    path = write(
        "long.yaml",
        program(
            f"        - name: Bird dog\n          kind: hold\n          hold: 10s\n"
            f"          sets: 2\n          rest: '{rest}'\n"
        ),
    )
    started = time.process_time()
    [problem] = errors_of(path)
    assert time.process_time() - started < 1.0
    assert "rest" in problem or "duration" in problem or "characters" in problem, problem


def test_a_get_ready_beyond_any_number_is_one_error_not_a_crash(
    write: Callable[..., Path],
) -> None:
    """get_ready: 1e308 is refused; the level's time at its top once added it up to
    infinity and crashed on the way to a warning."""
    path = write(
        "huge.yaml",
        program(
            "        - name: Bird dog\n          kind: hold\n          hold: 10s\n",
            "  get_ready: 1e308\n",
        ),
    )
    [problem] = errors_of(path)
    assert "far too long" in problem
