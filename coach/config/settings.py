"""User settings: a small TOML file, read once at start and written by the settings screen.

The file lives in the user config folder (``coach/settings.toml``; see
:mod:`coach.config.locations`). Every key is optional. Each key is checked on its own:
a bad value (or an unknown key, or a line that is not TOML) is reported in one sentence
and only that key falls back to its default; the others keep what the file says.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coach.base.atomic import write_atomic
from coach.config.identity import BIRTH_PATTERN, REPORT_NAME_MAX
from coach.config.toml import (
    SettingsUnreadable,
    listed,
    read_settings_text,
    read_toml,
    user_path,
)
from coach.format.text import printable, quoted

if TYPE_CHECKING:
    from tomlkit.items import Array

__all__ = [
    "AUDIO_CHOICES",
    "MAX_PROBLEMS",
    "ROUTINES_MAX",
    "SETTING_KEYS",
    "RoutineSetting",
    "Settings",
    "check_value",
    "load_settings",
    "routine_entry",
    "save_settings",
    "settings_toml",
    "with_changes",
]

AUDIO_CHOICES = ("auto", "simpleaudio", "player", "bell", "none")

ROUTINES_MAX = 9
"""Most routines home lists (keys 1-9 choose them)."""

TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
"""A time of day, 00:00 to 23:59 (the hour may have one digit)."""


class RoutineSetting(BaseModel):
    """One routine home lists, written ``{file = "...", remind_at = "07:30"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    file: str = Field(min_length=1)
    """The routine (or program) file."""
    remind_at: str = Field(default="", pattern=r"^$|" + TIME_PATTERN)
    """Its daily reminder, HH:MM (set with 'coach remind --at HH:MM FILE'); empty: none."""


def routine_entry(entry: str | RoutineSetting) -> RoutineSetting:
    """A ``routines`` item as a file and a time (a plain text is a file, no reminder)."""
    return RoutineSetting(file=entry) if isinstance(entry, str) else entry


class Settings(BaseModel):
    """What a user can set in ``settings.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    screening_weeks: int = Field(default=4, ge=1, le=52)
    """Weeks between red-flag screenings, 1-52 (also asked before the very first session)."""
    check_weeks: int = Field(default=4, ge=1, le=52)
    """Weeks between the function checks home offers, 1-52 (one can be done any time)."""
    audio: Literal["auto", "simpleaudio", "player", "bell", "none"] = "auto"
    """How cues are played: 'auto' picks the best available."""
    volume: int = Field(default=80, ge=0, le=100)
    """Cue volume, 0-100."""
    speech: bool = True
    """Speak exercise names and the last counts when a speech engine is installed."""
    default_routine: str = ""
    """The routine or program file home opens on; empty: the bundled morning routine."""
    routines: list[str | RoutineSetting] = Field(default_factory=list, max_length=ROUTINES_MAX)
    """The routines home lists, in order, each done today or not (keys 1-9 choose one;
    at the start, and after a session, home shows the first not done): files, or
    ``{file = "...", remind_at = "07:30"}`` with a daily reminder. Empty: home shows
    ``default_routine`` alone."""
    report_name: str = Field(default="", max_length=REPORT_NAME_MAX)
    """The name or identifier in the header of every page of the report for a clinician
    (at most 80 characters); empty: none."""
    date_of_birth: str = Field(default="", pattern=BIRTH_PATTERN)
    """Shown beside the name in the report (YYYY-MM-DD); empty: not shown."""

    @field_validator("default_routine")
    @classmethod
    def _shown_as_typed(cls, value: str) -> str:
        # Nothing a terminal would act on is kept, whoever builds the settings.
        if printable(value) != value:
            raise ValueError("holds a control, bidirectional or invisible character")
        return value

    @field_validator("routines")
    @classmethod
    def _files_shown_as_typed(cls, value: list[str | RoutineSetting]) -> list[str | RoutineSetting]:
        for entry in value:
            cls._shown_as_typed(routine_entry(entry).file)
        return value


SETTING_KEYS: tuple[str, ...] = tuple(Settings.model_fields)


def check_value(key: str, value: object) -> str | None:
    """None when ``value`` is allowed for ``key``, else one sentence saying why not."""
    if key not in Settings.model_fields:
        return f"{quoted(key)} is not a setting (the settings are {', '.join(SETTING_KEYS)})"
    if isinstance(value, str) and printable(value) != value:
        return (
            f"{key}: {quoted(value)} holds a control, bidirectional or invisible character; "
            "type it again without"
        )
    if key == "default_routine" and isinstance(value, str) and value:
        _, unusable = user_path(value)
        if unusable is not None:
            return f"{key}: {unusable}"
    if key == "routines" and (problem := _routines_problem(value)) is not None:
        return problem
    try:
        # Strict: TOML has types, and "yes" or "30" in quotes is a mistake to point out.
        Settings.model_validate({key: value}, strict=True)
    except ValidationError as exc:
        return f"{key}: {_allowed(key, exc)}"
    return None


def _routines_problem(value: object) -> str | None:
    """None when ``value`` is a list of routines, else one sentence saying why not."""
    form = (
        'routines: must be a list of files, such as ["~/rehab/morning.yaml", '
        '{file = "~/rehab/evening.yaml", remind_at = "19:00"}]'
    )
    if not isinstance(value, list):
        return form
    if len(value) > ROUTINES_MAX:
        return f"routines: at most {ROUTINES_MAX} (keys 1-9 choose them); {len(value)} are listed"
    for number, entry in enumerate(value, start=1):
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - {"file", "remind_at"})
            if unknown:
                return (
                    f"routines: item {number} has {quoted(unknown[0])}; an item takes file "
                    "and remind_at"
                )
            file, at = entry.get("file"), entry.get("remind_at", "")
        else:
            file, at = entry, ""
        if not isinstance(file, str) or not file:
            return f"routines: item {number} names no file; {form[len('routines: ') :]}"
        if printable(file) != file:
            return (
                f"routines: item {number} holds a control, bidirectional or invisible "
                "character; type it again without"
            )
        _, unusable = user_path(file)
        if unusable is not None:
            return f"routines: item {number}: {unusable}"
        if not isinstance(at, str) or (at and not _is_time(at)):
            return (
                f'routines: item {number}\'s remind_at must be a quoted time like "07:30" '
                "(00:00 to 23:59)"
            )
    return None


def _is_time(text: str) -> bool:
    import re

    return re.fullmatch(TIME_PATTERN, text) is not None


def _allowed(key: str, exc: ValidationError) -> str:
    """What ``key`` takes, in words (pydantic's own message names types, not values)."""
    field = Settings.model_fields[key]
    if key == "audio":
        return f"must be one of {', '.join(AUDIO_CHOICES)}"
    if field.annotation is bool:
        return "must be true or false"
    if field.annotation is int:
        low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
        high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
        return f"must be a whole number from {low} to {high}"
    if key == "report_name":
        return f"must be a quoted text of at most {REPORT_NAME_MAX} characters"
    if key == "date_of_birth":
        return "must be a quoted date, YYYY-MM-DD (or empty)"
    if field.annotation is str:
        return "must be a quoted text"
    return str(exc.errors()[0]["msg"])


MAX_PROBLEMS = 8
"""Most problems with the settings file said one by one; the rest are counted."""


def load_settings(path: Path) -> tuple[Settings, tuple[str, ...]]:
    """The settings at ``path`` (defaults if missing), and the problems found, one
    sentence each, at most :data:`MAX_PROBLEMS` of them and a count of the rest. A bad
    key falls back to its default alone; a file that cannot be read (not a regular
    file, too large, not UTF-8, nested too deep) gives the defaults and one sentence."""
    try:
        text = read_settings_text(path)
    except SettingsUnreadable as exc:
        return Settings(), (f"cannot read {printable(str(path))}: {exc}; using the defaults",)
    if text is None:
        return Settings(), ()
    data, problems = read_toml(text, path)
    good: dict[str, object] = {}
    unknown: list[str] = []
    for key, value in data.items():
        if key not in Settings.model_fields:
            unknown.append(quoted(key))
            continue
        problem = check_value(key, value)
        if problem is None:
            good[key] = value
        else:
            problems.append(f"{printable(str(path))}: {problem}; using the default for it")
    if unknown:
        are = "is not a setting" if len(unknown) == 1 else "are not settings"
        problems.append(
            f"{printable(str(path))}: {listed(unknown)} {are} (the settings are "
            f"{', '.join(SETTING_KEYS)}); ignored"
        )
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - (MAX_PROBLEMS - 1)
        problems[MAX_PROBLEMS - 1 :] = [f"and {more:,} more problems in {printable(str(path))}"]
    return Settings.model_validate(good), tuple(problems)


HEADER = "coach settings (see 'Settings' in the README)."
"""The comment that starts a settings file coach writes afresh."""


def settings_toml(settings: Settings, current: str | None = None) -> str:
    """The settings as the TOML ``load_settings`` reads back, every key written.

    Given the file's ``current`` text, that text with each value changed in place
    (tomlkit): the person's comments, blank lines, key order and any other lines stay as
    they wrote them, and a key the file lacks is added after the others. A text that is
    not TOML as a whole cannot be edited in place: the settings are written afresh."""
    import tomlkit  # about 55 ms to import: loaded only when the settings are written
    from tomlkit.exceptions import TOMLKitError

    document = None
    if current is not None:
        with contextlib.suppress(TOMLKitError):
            document = tomlkit.parse(current)
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment(HEADER))
    for key, value in settings.model_dump().items():
        if key == "routines":
            value = _routines_toml(value)
        if document.get(key) != value:
            document[key] = value
    return tomlkit.dumps(document)


def _routines_toml(entries: Sequence[object]) -> Array:
    """The routines as TOML writes them: a file alone as a text, one with a reminder as
    an inline table (an array of tables would take every key written after it)."""
    import tomlkit  # imported already by settings_toml, its only caller

    array = tomlkit.array()
    for entry in entries:
        if isinstance(entry, dict) and entry.get("remind_at"):
            table = tomlkit.inline_table()
            table.update({"file": entry["file"], "remind_at": entry["remind_at"]})
            array.append(table)
        else:
            array.append(entry["file"] if isinstance(entry, dict) else entry)
    if len(entries) > 1:
        array.multiline(True)
    return array


def _current_text(path: Path) -> str | None:
    """The settings file's text to edit in place; None when there is none to keep."""
    try:
        return read_settings_text(path)
    except SettingsUnreadable:
        return None


def save_settings(path: Path, settings: Settings) -> None:
    """Write ``settings`` to ``path`` atomically: a temporary file beside it, flushed to
    disk, readable by the user only, then renamed over it; a crash leaves the old file
    or the new one, never half of one. What the person wrote in the file around the
    values (comments, order) is kept (:func:`settings_toml`). OSError when it cannot be
    written."""
    text = settings_toml(settings, _current_text(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def with_changes(settings: Settings, changes: Mapping[str, object]) -> Settings:
    """``settings`` with ``changes`` (values already checked with :func:`check_value`)."""
    return Settings.model_validate({**settings.model_dump(), **changes})
