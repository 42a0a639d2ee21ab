"""A session the home screen offers to play instead of today's routine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Choice"]


@dataclass(frozen=True, slots=True)
class Choice:
    path: Path
    label: str
