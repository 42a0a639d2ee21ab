"""Who the report for a clinician is about: the two settings it reads, ``report_name``
and ``date_of_birth``, read from ``settings.toml`` without the settings model.

``coach report`` needs nothing else from the settings, and the model (pydantic) costs a
third of a short report's time to load. The file is read the same way
(:func:`coach.config.toml.read_settings_text`, bounded, regular files only), the bounds
are the ones the model declares (:mod:`coach.config.settings` uses the constants
below), and a bad value is said in the same sentence and falls back to the same
default; ``tests/test_report_numbers.py`` checks that the two agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from coach.config.toml import SettingsUnreadable, read_settings_text, read_toml
from coach.format.text import printable, quoted

__all__ = ["BIRTH_PATTERN", "REPORT_NAME_MAX", "report_identity"]

REPORT_NAME_MAX = 80
"""Most characters of ``report_name``."""
BIRTH_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"
"""``date_of_birth``: YYYY-MM-DD, or empty."""

_PROBLEMS = {
    "report_name": f"must be a quoted text of at most {REPORT_NAME_MAX} characters",
    "date_of_birth": "must be a quoted date, YYYY-MM-DD (or empty)",
}


def _problem(key: str, value: object) -> str | None:
    """What :func:`coach.config.settings.check_value` says of ``value`` for ``key``."""
    if isinstance(value, str) and printable(value) != value:
        return (
            f"{key}: {quoted(value)} holds a control, bidirectional or invisible character; "
            "type it again without"
        )
    if not isinstance(value, str):
        return f"{key}: {_PROBLEMS[key]}"
    if key == "report_name" and len(value) > REPORT_NAME_MAX:
        return f"{key}: {_PROBLEMS[key]}"
    if key == "date_of_birth" and not re.match(BIRTH_PATTERN, value):
        return f"{key}: {_PROBLEMS[key]}"
    return None


def report_identity(path: Path) -> tuple[str, str, tuple[str, ...]]:
    """``report_name`` and ``date_of_birth`` from the settings at ``path`` (empty when
    unset or not allowed), and the problems found with them or with the file, one
    sentence each, as :func:`coach.config.settings.load_settings` words them."""
    try:
        text = read_settings_text(path)
    except SettingsUnreadable as exc:
        return "", "", (f"cannot read {printable(str(path))}: {exc}; using the defaults",)
    if text is None:
        return "", "", ()
    data, problems = read_toml(text, path)
    found = {"report_name": "", "date_of_birth": ""}
    for key in found:
        if key not in data:
            continue
        value = data[key]
        problem = _problem(key, value)
        if problem is None and isinstance(value, str):  # _problem has checked it is text
            found[key] = value
        else:
            problems.append(f"{printable(str(path))}: {problem}; using the default for it")
    return found["report_name"], found["date_of_birth"], tuple(problems)
