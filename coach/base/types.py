"""The shapes of data that crosses a boundary untyped: JSON, and SQLite's values.

Every layer may name them (the engine's decisions carry their inputs as JSON, the store
writes and reads both); they import nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

__all__ = ["JsonObject", "JsonValue", "SqlValue", "json_int", "json_object"]

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
