"""Durations as authors write them (``45``, ``"45s"``, ``"1m30s"``) and as people read them."""

from __future__ import annotations

import math
import re

__all__ = ["DurationError", "format_clock", "format_duration", "parse_duration"]

# Minutes and seconds, each optional, with an optional space between: "1m30s", "1m 30s",
# "2m", "45s", "2.5s". Spelled-out units are accepted because authors type them.
_DURATION = re.compile(
    r"""
    ^\s*
    (?:(?P<minutes>\d{1,3}(?:\.\d{1,3})?)\s*(?:minutes?|mins?|m))?
    \s*
    (?:(?P<seconds>\d{1,5}(?:\.\d{1,3})?)\s*(?:seconds?|secs?|s)?)?
    \s*$
    """,
    re.VERBOSE,
)
_CLOCK_LIKE = re.compile(r"^\s*\d+\s*:\s*\d+")


class DurationError(ValueError):
    """A value that cannot be read as a duration; the message says how to write one."""


def parse_duration(value: object) -> float:
    """Return the duration in seconds, rounded to milliseconds.

    Accepts non-negative numbers (seconds) and strings such as ``"45s"``, ``"1m30s"`` or
    ``"1m 30s"``. Booleans and clock notation (``1:30``) are refused rather than guessed
    at: YAML 1.1 would read ``1:30`` as 90, which an author almost never means.
    """
    if isinstance(value, bool):
        raise DurationError(f"expected a duration such as 45s or 1m30s, not {str(value).lower()}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value)
    else:
        raise DurationError("expected a duration such as 45s or 1m30s")
    if not math.isfinite(seconds):
        raise DurationError("a duration must be a finite number of seconds")
    if seconds < 0:
        raise DurationError("a duration cannot be negative")
    return round(seconds, 3)


def _parse_text(text: str) -> float:
    if _CLOCK_LIKE.match(text):
        raise DurationError(
            f"{text.strip()!r} looks like clock time, which is ambiguous; "
            "write minutes and seconds, for example 1m30s"
        )
    match = _DURATION.match(text)
    if match is None or (match["minutes"] is None and match["seconds"] is None):
        raise DurationError(f"{text!r} is not a duration; write it like 45, 45s, 1m30s or 1m 30s")
    minutes = float(match["minutes"] or 0)
    seconds = float(match["seconds"] or 0)
    return minutes * 60 + seconds


def format_duration(seconds: float) -> str:
    """Format seconds for people: ``45s``, ``1m 30s``, ``2m``, ``2.5s``."""
    millis = round(seconds * 1000)
    whole, frac = divmod(millis, 1000)
    minutes, secs = divmod(whole, 60)
    sec_text = f"{secs}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(secs)
    if minutes and (secs or frac):
        return f"{minutes}m {sec_text}s"
    if minutes:
        return f"{minutes}m"
    return f"{sec_text}s"


def format_clock(seconds: float) -> str:
    """Format a running clock as ``m:ss`` (or ``h:mm:ss`` past an hour), rounding down."""
    total = max(0, math.floor(seconds + 1e-9))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
