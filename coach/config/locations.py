"""Every path coach reads or writes, in one place.

The bundled sessions and sounds travel inside the package (``coach/_bundled``) when coach
is installed from a wheel; in a source checkout they are the top-level ``sessions/`` and
``sounds/`` folders. User data goes to the platform's data directory unless
``COACH_DATA_DIR`` (or a command's ``--data-dir``) says otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CONFIG_DIR_ENV",
    "DATA_DIR_ENV",
    "bundled_sessions_dir",
    "bundled_sounds_dir",
    "cache_dir",
    "config_dir",
    "data_dir",
    "database_path",
    "default_routine",
    "home_routine",
    "home_routines",
    "schema_path",
    "settings_path",
]

DATA_DIR_ENV = "COACH_DATA_DIR"
CONFIG_DIR_ENV = "COACH_CONFIG_DIR"
SCHEMA_FILE = "coach-v1.schema.json"

_PACKAGE = Path(__file__).resolve().parent.parent
"""The coach package folder (this module is in ``coach/config``)."""


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def bundled_sessions_dir() -> Path:
    """The sessions shipped with coach."""
    return _bundled("sessions")


def bundled_sounds_dir() -> Path:
    """The cue sounds shipped with coach."""
    return _bundled("sounds")


def default_routine() -> Path:
    """The routine ``coach`` plays when given no file: the bundled morning routine."""
    return bundled_sessions_dir() / "morning.yaml"


def home_routine(settings_file: Path | None = None) -> tuple[Path, str | None]:
    """The routine home opens on: the first of the ``routines`` setting (home shows the
    first not done today, see :func:`home_routines`), else the ``default_routine``
    setting when it names a file, else the bundled morning routine; and, when a setting
    is not used, why."""
    from coach.config.toml import SettingsUnreadable, read_settings_text, read_toml, user_path
    from coach.format.text import printable

    where = settings_file if settings_file is not None else settings_path()
    listed, _ = home_routines(where)
    if listed:
        return listed[0][0], None
    try:
        text = read_settings_text(where)
    except SettingsUnreadable:
        return default_routine(), None  # said when the settings are read, with the rest
    if text is None:
        return default_routine(), None
    data, _ = read_toml(text, where)
    chosen = data.get("default_routine", "")
    if not isinstance(chosen, str) or not chosen:
        return default_routine(), None
    path, unusable = user_path(chosen)
    found = False
    if path is not None and printable(chosen) == chosen:
        try:
            found = path.is_file()
        except (OSError, ValueError):
            found = False
    if not found:
        return default_routine(), (
            f"the default routine {printable(chosen)} (default_routine in "
            f"{printable(str(where))}) is not a file"
            + (f" ({unusable})" if unusable else "")
            + "; home opens on the bundled morning routine"
        )
    assert path is not None
    return path, None


def home_routines(settings_file: Path | None = None) -> tuple[list[tuple[Path, str]], list[str]]:
    """The routines home lists (the ``routines`` setting), each file with its reminder
    time ('' without one), in order; and, for each one not used, why. Read without the
    settings' model (at the start, before the first frame): a malformed setting is left
    to the settings' own check, which says why."""
    import re

    from coach.config.toml import SettingsUnreadable, read_settings_text, read_toml, user_path
    from coach.format.text import printable

    where = settings_file if settings_file is not None else settings_path()
    try:
        text = read_settings_text(where)
    except SettingsUnreadable:
        return [], []
    if text is None:
        return [], []
    data, _ = read_toml(text, where)
    listed = data.get("routines", [])
    if not isinstance(listed, list):
        return [], []
    found: list[tuple[Path, str]] = []
    unused: list[str] = []
    for entry in listed[:9]:
        file, at = (entry, "") if isinstance(entry, str) else ("", "")
        if isinstance(entry, dict):
            file, at = entry.get("file", ""), entry.get("remind_at", "")
        if not isinstance(file, str) or not file or printable(file) != file:
            continue
        time = (
            re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", at) if isinstance(at, str) else None
        )
        at = f"{int(time[1]):02d}:{time[2]}" if time is not None else ""
        path, _ = user_path(file)
        try:
            is_file = path is not None and path.is_file()
        except (OSError, ValueError):
            is_file = False
        if not is_file or path is None:
            unused.append(
                f"the routine {printable(file)} (routines in {printable(str(where))}) is not "
                "a file; home leaves it out"
            )
            continue
        found.append((path, at))
    return found, unused


def schema_path() -> Path:
    """The committed JSON Schema of the session format, next to the bundled sessions."""
    return bundled_sessions_dir() / SCHEMA_FILE


def data_dir(override: Path | str | None = None) -> Path:
    """Where history is kept: ``override``, else ``$COACH_DATA_DIR``, else the platform's
    user data directory (for example ``~/.local/share/coach`` on Linux)."""
    if override is not None:
        return Path(override).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    # Imported here: platformdirs is only needed when no override is given.
    from platformdirs import user_data_path

    return user_data_path("coach", appauthor=False)


def config_dir() -> Path:
    """Where settings live: ``$COACH_CONFIG_DIR``, else the platform's user config folder."""
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_config_path

    return user_config_path("coach", appauthor=False)


def cache_dir() -> Path:
    """Rendered speech and other things coach can make again: the user cache folder."""
    from_env = os.environ.get("COACH_CACHE_DIR")
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("coach", appauthor=False)


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def database_path(override: Path | str | None = None) -> Path:
    """The SQLite history database."""
    return data_dir(override) / "history.sqlite3"
