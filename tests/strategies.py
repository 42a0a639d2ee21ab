"""Hypothesis strategies for session documents, shared by the property tests."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

# Keys of the format, so random documents reach deep into the schema instead of failing
# on the first unknown key.
FORMAT_KEYS = [
    "version",
    "program",
    "routine",
    "id",
    "name",
    "description",
    "levels",
    "exercises",
    "kind",
    "hold",
    "holds",
    "hold_rest",
    "reps",
    "tempo",
    "up",
    "pause",
    "down",
    "duration",
    "sets",
    "rest",
    "rest_after",
    "switch",
    "get_ready",
    "sides",
    "instructions",
    "stop_if",
    "cues",
    "sounds",
    "start",
    "end",
    "halfway",
    "last_seconds",
    "countdown",
    "progression",
    "min",
    "max",
    "step",
    "scaling",
    "safe_max",
    "acceptable_max",
    "unlock",
    "programs",
    "file",
    "level",
    "sessions_at_max",
    "max_pain",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "hold",
            "reps",
            "timed",
            "each",
            "both",
            "1:30",
            "45s",
            "1m 30s",
            "no",
            "off",
            "yes",
            ".nan",
            "1e999",
            "",
            "~",
            "Side plank [left]",
            "x" * 300,
        ]
    ),
    st.text(max_size=20),
)

keys = st.one_of(st.sampled_from(FORMAT_KEYS), st.text(min_size=1, max_size=12))

json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=40,
)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """Random documents shaped roughly like session files."""
    body = draw(st.dictionaries(keys, json_like, max_size=5))
    top = draw(st.sampled_from(["program", "routine", None]))
    if top is not None:
        body[top] = draw(json_like)
    if draw(st.booleans()):
        body["version"] = draw(st.sampled_from([1, 2, "1", None]))
    return body


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


durations = st.sampled_from([1, 2, 3, 5, 8, 10, "12s", "1m", "1m 5s", 2.5])
short_rests = st.sampled_from([0, 1, 3, 5, "10s"])


@st.composite
def exercises(draw: st.DrawFn, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["hold", "reps", "timed"]))
    exercise: dict[str, Any] = {
        "id": f"ex-{index}",
        "name": draw(st.sampled_from(["Bird dog", "Side plank [left]", "Cat/camel", "Café"])),
        "kind": kind,
        "sets": draw(st.integers(min_value=1, max_value=3)),
        "rest": draw(short_rests),
        "rest_after": draw(short_rests),
        "sides": draw(st.sampled_from(["both", "each"])),
        "switch": draw(short_rests),
        "get_ready": draw(st.sampled_from([0, 3, 5])),
    }
    if kind == "hold":
        exercise |= {
            "hold": draw(durations),
            "holds": draw(st.integers(min_value=1, max_value=4)),
            "hold_rest": draw(short_rests),
        }
    elif kind == "reps":
        exercise |= {
            "reps": draw(st.integers(min_value=1, max_value=5)),
            "tempo": {
                "up": draw(st.sampled_from([0.5, 1, 2])),
                "pause": draw(st.sampled_from([0, 1])),
                "down": draw(st.sampled_from([0, 1, 2])),
            },
        }
    else:
        exercise["duration"] = draw(durations)
    return exercise


@st.composite
def valid_programs(draw: st.DrawFn, max_exercises: int = 4) -> dict[str, Any]:
    """Random programs that are valid: for properties of timelines and players."""
    count = draw(st.integers(min_value=1, max_value=max_exercises))
    return {
        "version": 1,
        "program": {
            "id": "random",
            "name": "Random program",
            "get_ready": draw(st.sampled_from([0, 2, 5])),
            "levels": [
                {"name": "Level 1", "exercises": [draw(exercises(i)) for i in range(count)]}
            ],
        },
    }
