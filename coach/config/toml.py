"""Reading a small hand-written TOML file forgivingly: without pydantic, so the command
line can read one setting before the first frame.

The file is read like a session file: a regular file only (a FIFO or a device is never
opened for reading, so it cannot hang the start or fill the memory), at most
:data:`MAX_SETTINGS_BYTES`, nested at most :data:`MAX_NESTING` deep, and whatever is
wrong with it is said in sentences, never a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from coach.format.files import NotRegularFileError, read_regular_file
from coach.format.text import printable, quoted

__all__ = [
    "MAX_NESTING",
    "MAX_SETTINGS_BYTES",
    "SettingsUnreadable",
    "listed",
    "read_settings_text",
    "read_toml",
    "user_path",
]

MAX_SETTINGS_BYTES = 64 * 1024
"""Largest settings file read: coach writes about 300 bytes."""
MAX_NESTING = 16
"""Deepest nesting of arrays and tables in a value: no setting has any."""


class SettingsUnreadable(Exception):
    """The settings file cannot be read; the message says why, without the path."""


def read_settings_text(path: Path) -> str | None:
    """The text of the settings file at ``path``; None when there is none.

    SettingsUnreadable when it is not a regular file, too large, not UTF-8 or cannot be
    opened."""
    try:
        raw = read_regular_file(path, MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return None
    except NotRegularFileError as exc:
        raise SettingsUnreadable("it " + str(exc).split(";")[0]) from None
    except OSError as exc:
        raise SettingsUnreadable(str(exc.strerror or exc)) from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise SettingsUnreadable(
            f"it is larger than {MAX_SETTINGS_BYTES // 1024} KiB (a settings file is a few lines)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsUnreadable("it is not UTF-8 text") from None


def _too_deep(text: str) -> bool:
    """Whether brackets open deeper than :data:`MAX_NESTING` anywhere: tomllib reads
    nesting by recursion, and a few hundred levels end in a RecursionError. Brackets in
    quoted text count too, which only ever refuses what no setting needs."""
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif char in "]}":
            depth = max(0, depth - 1)
    return False


def _loads(text: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except RecursionError:  # _too_deep keeps this away; never a traceback regardless
        raise tomllib.TOMLDecodeError("nested too deep") from None


def read_toml(text: str, path: Path) -> tuple[dict[str, object], list[str]]:
    """The file's keys, and a sentence for each line that could not be read: when the
    text is not valid TOML as a whole, each line that is still counts, so a typo on one
    line costs only that line."""
    if _too_deep(text):
        return {}, [
            f"{printable(str(path))}: values are nested more than {MAX_NESTING} deep; "
            "the whole file is ignored"
        ]
    try:
        return _loads(text), []
    except tomllib.TOMLDecodeError:
        pass
    data: dict[str, object] = {}
    problems = []
    bad_lines: list[int] = []
    shown = printable(str(path))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parsed = _loads(line)
        except tomllib.TOMLDecodeError:
            bad_lines.append(number)
            continue
        for key, value in parsed.items():
            if key in data:
                problems.append(f"{shown}:{number}: {quoted(key)} is set twice; the first is used")
            else:
                data[key] = value
    if bad_lines:
        if len(bad_lines) == 1:
            said = f"{shown}:{bad_lines[0]}: this line is not 'key = value'; it is ignored"
        else:
            which = listed([str(n) for n in bad_lines])
            said = f"{shown}: lines {which} are not 'key = value'; they are ignored"
        problems.insert(0, said)
    return data, problems


LISTED = 5
"""Most items a sentence names before it counts the rest."""


def listed(items: list[str]) -> str:
    """``a, b and c``; past :data:`LISTED` items, ``a, b, c, d, e and 95 more``."""
    if len(items) > LISTED:
        return f"{', '.join(items[:LISTED])} and {len(items) - LISTED:,} more"
    if len(items) > 1:
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return "".join(items)


def user_path(text: str) -> tuple[Path | None, str | None]:
    """``text`` as a path with ``~`` and ``~user`` expanded, or None and the sentence
    saying why it cannot be (a user who does not exist, a home that cannot be found)."""
    try:
        return Path(text).expanduser(), None
    except (RuntimeError, KeyError, ValueError):
        user = text[1:].split("/", 1)[0]
        if user:
            return None, f"there is no user {quoted(user)} on this machine for {quoted(text)}"
        return None, f"the home folder for {quoted(text)} cannot be found"
