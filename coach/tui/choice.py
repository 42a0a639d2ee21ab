"""A session the home screen offers to play instead of today's routine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Choice", "named"]


@dataclass(frozen=True, slots=True)
class Choice:
    path: Path
    origin: str
    """Where it comes from, in a word or two: 'bundled', 'your default', 'opened'."""
    name: str = ""
    """What the file calls itself ('Routine: Morning routine'), once read."""

    @property
    def label(self) -> str:
        """How the picker lists it: its name (the file's name until that is read)."""
        return f"{self.name or self.path.name} ({self.origin})"


def named(choice: Choice) -> Choice:
    """``choice`` with the name its file gives (a routine's title, a program's name);
    unchanged when the file cannot be read. Reads the file: call it off the event loop."""
    from coach.format.diagnostics import SessionFileError
    from coach.format.loader import ProgramFile, load_session_file
    from coach.format.text import printable

    if choice.name:
        return choice
    try:
        loaded = load_session_file(choice.path)
    except (SessionFileError, OSError):
        return choice
    if isinstance(loaded, ProgramFile):
        name = f"Program only: {loaded.program.name}"
    else:
        name = f"Routine: {loaded.routine.name}"
    return replace(choice, name=printable(name))
