"""Problems found in a session file, reported the way compilers report them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from coach.format.text import printable

__all__ = ["Diagnostic", "Mark", "SessionFileError", "Severity"]


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    """A position in a text file; both numbers count from 1, as editors show them."""

    line: int
    column: int


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place in one file."""

    path: Path
    mark: Mark
    message: str
    severity: Severity = Severity.ERROR
    count: int = 1
    """How many problems this line stands for: more than one for the line that counts
    the problems of a file past those shown."""

    def render(self, relative_to: Path | None = None) -> str:
        """``path:line:col: message`` (warnings say so after the position), always one
        line of printable text: a file named with a line break or an escape sequence
        cannot forge a line of output or move the cursor."""
        shown = self.path
        if relative_to is not None:
            try:
                shown = self.path.resolve().relative_to(relative_to.resolve())
            except (OSError, ValueError, RuntimeError):
                shown = self.path
        prefix = f"{printable(str(shown))}:{self.mark.line}:{self.mark.column}: "
        if self.severity is Severity.WARNING:
            prefix += "warning: "
        return prefix + printable(self.message)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.path), self.mark.line, self.mark.column, self.message)


class SessionFileError(Exception):
    """Raised when a file cannot be turned into a session; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
        super().__init__("\n".join(d.render() for d in self.diagnostics))
