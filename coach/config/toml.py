"""Reading a small hand-written TOML file forgivingly: without pydantic, so the command
line can read one setting before the first frame."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

__all__ = ["read_toml"]


def read_toml(text: str, path: Path) -> tuple[dict[str, Any], list[str]]:
    """The file's keys, and a sentence for each line that could not be read: when the
    text is not valid TOML as a whole, each line that is still counts, so a typo on one
    line costs only that line."""
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError:
        pass
    data: dict[str, Any] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parsed = tomllib.loads(line)
        except tomllib.TOMLDecodeError:
            problems.append(f"{path}:{number}: this line is not 'key = value'; it is ignored")
            continue
        for key, value in parsed.items():
            if key in data:
                problems.append(f"{path}:{number}: '{key}' is set twice; the first is used")
            else:
                data[key] = value
    return data, problems
