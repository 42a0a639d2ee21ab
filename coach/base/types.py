"""The shapes of data that crosses a boundary untyped: JSON, and SQLite's values.

Every layer may name them (the engine's decisions carry their inputs as JSON, the store
writes and reads both); they import nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

__all__ = [
    "JsonObject",
    "JsonValue",
    "SqlValue",
    "json_int",
    "json_object",
    "read_bool",
    "read_float",
    "read_int",
    "read_list",
    "read_object",
    "read_optional_int",
    "read_optional_str",
    "read_str",
]

JsonValue: TypeAlias = (
    "bool | int | float | str | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)
"""What ``json.dumps`` writes and ``json.loads`` reads back (read-only containers, so a
``list[int]`` or a ``dict[str, float]`` is one too)."""

JsonObject: TypeAlias = Mapping[str, JsonValue]
"""A JSON object: a decision's inputs, a dose as stored, a journal entry."""

SqlValue: TypeAlias = int | float | str | bytes | None
"""What SQLite stores in a column, and what a query's parameters may be."""


def json_object(value: JsonValue) -> JsonObject:
    """``value`` when it is a JSON object, else an empty one (a row stored before the
    field existed, or another kind of decision's)."""
    return value if isinstance(value, Mapping) else {}


def json_int(value: JsonValue) -> int | None:
    """``value`` when it is a whole number (never a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# What a JSON file written by coach must hold, read back strictly: each raises TypeError
# for a value of another kind (a file damaged or from elsewhere), as a shape read back
# from JSON is said to do.


def read_int(value: JsonValue) -> int:
    """``value`` as a whole number (never a bool); TypeError otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"not a whole number: {value!r}")


def read_float(value: JsonValue) -> float:
    """``value`` as a number (never a bool); TypeError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise TypeError(f"not a number: {value!r}")


def read_optional_int(value: JsonValue) -> int | None:
    return None if value is None else read_int(value)


def read_str(value: JsonValue) -> str:
    """``value`` as a text; TypeError otherwise."""
    if isinstance(value, str):
        return value
    raise TypeError(f"not a text: {value!r}")


def read_optional_str(value: JsonValue) -> str | None:
    return None if value is None else read_str(value)


def read_bool(value: JsonValue) -> bool:
    """``value`` as true or false; TypeError otherwise."""
    if isinstance(value, bool):
        return value
    raise TypeError(f"not true or false: {value!r}")


def read_list(value: JsonValue) -> Sequence[JsonValue]:
    """``value`` as a list (never a text); TypeError otherwise."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return value
    raise TypeError(f"not a list: {value!r}")


def read_object(value: JsonValue) -> JsonObject:
    """``value`` as a JSON object; TypeError otherwise."""
    if isinstance(value, Mapping):
        return value
    raise TypeError(f"not an object: {value!r}")
