from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.format.durations import DurationError, format_clock, format_duration, parse_duration


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        (45, 45.0),
        (0, 0.0),
        (2.5, 2.5),
        ("45", 45.0),
        ("45s", 45.0),
        ("1m30s", 90.0),
        ("1m 30s", 90.0),
        ("2m", 120.0),
        ("2.5s", 2.5),
        (" 1 min 30 sec ", 90.0),
        ("90 seconds", 90.0),
    ],
)
def test_accepted_spellings(written: object, seconds: float) -> None:
    assert parse_duration(written) == seconds


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("1:30", "1m30s"),  # YAML 1.1 would make this 90: never guess
        ("0:45", "1m30s"),
        ("", "not a duration"),
        ("abc", "not a duration"),
        ("1ms", "not a duration"),
        ("1h", "not a duration"),
        (True, "not true"),
        (False, "not false"),
        (-1, "negative"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (None, "expected a duration"),
        ([45], "expected a duration"),
    ],
)
def test_refused_with_a_hint(written: object, hint: str) -> None:
    with pytest.raises(DurationError, match=hint):
        parse_duration(written)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(45, "45s"), (90, "1m 30s"), (120, "2m"), (2.5, "2.5s"), (0, "0s"), (61.25, "1m 1.25s")],
)
def test_format_duration(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (59.99, "0:59"), (754, "12:34"), (3725, "1:02:05")]
)
def test_format_clock(seconds: float, shown: str) -> None:
    assert format_clock(seconds) == shown


@given(st.integers(min_value=0, max_value=3600 * 1000))
def test_formatted_durations_read_back(millis: int) -> None:
    seconds = millis / 1000
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, abs=1e-9)


@given(st.text(max_size=30))
def test_any_text_parses_or_says_why(text: str) -> None:
    try:
        assert parse_duration(text) >= 0
    except DurationError as exc:
        assert str(exc)
