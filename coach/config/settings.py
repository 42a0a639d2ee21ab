"""User settings: a small TOML file, read once at start; bad values fall back with a note.

The file lives in the user config folder (``coach/settings.toml``; see
:mod:`coach.config.locations`). Every key is optional.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Settings", "load_settings"]


class Settings(BaseModel):
    """What a user can set in ``settings.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    screening_weeks: int = Field(default=4, ge=1, le=52)
    """Weeks between red-flag screenings (also asked before the very first session)."""
    check_weeks: int = Field(default=4, ge=1, le=52)
    """Weeks between the function checks home offers (one can be done any time)."""
    audio: Literal["auto", "simpleaudio", "player", "bell", "none"] = "auto"
    """How cues are played: 'auto' picks the best available."""
    volume: int = Field(default=80, ge=0, le=100)
    """Cue volume, 0-100."""
    speech: bool = True
    """Speak exercise names and the last counts when a speech engine is installed."""


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The settings at ``path`` (defaults if missing), and a problem to tell the user."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), f"cannot read {path}: {exc}; using the defaults"
    try:
        data = tomllib.loads(text)
        return Settings.model_validate(data), None
    except tomllib.TOMLDecodeError as exc:
        return Settings(), f"{path}: {exc}; using the defaults"
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return Settings(), f"{path}: {where}: {first['msg']}; using the defaults"
