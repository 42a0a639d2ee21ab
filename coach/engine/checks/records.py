"""A function check as stored and read back: its holds, its pain before and after, and
the person's Patient-Specific Functional Scale ratings. Plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from coach.engine.checks.protocol import CEILING_SECONDS, EndedBy, HoldTest, Variant
from coach.engine.records import SessionStatus

__all__ = ["CheckHistory", "CheckRecord", "HoldResult", "PsfsActivity"]


@dataclass(frozen=True, slots=True)
class HoldResult:
    """One hold of a check: how long, in which version, and why it ended."""

    test: HoldTest
    variant: Variant
    seconds: float | None
    """None when the test was skipped."""
    ended_by: EndedBy
    ceiling: float = CEILING_SECONDS

    @property
    def done(self) -> bool:
        return self.seconds is not None and self.ended_by is not EndedBy.SKIPPED

    @property
    def at_ceiling(self) -> bool:
        return self.seconds is not None and self.seconds >= self.ceiling - 1e-6


@dataclass(frozen=True, slots=True)
class PsfsActivity:
    """An activity the person named: their own words, shown literally everywhere."""

    id: str
    """Its uid, made when it was named: the same in every copy of the history."""
    text: str


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """One function check."""

    uid: str
    """Its identity, made when it was opened (a UUIDv7, see :mod:`coach.engine.ids`)."""
    day: date
    """The local day it was done on."""
    status: SessionStatus
    """Completed, stopped, red flag, or running (interrupted): a session's statuses."""
    pain_before: int | None
    pain_after: int | None
    red_flag: bool = False
    """Numbness, leg weakness or pain below the knee was reported after it."""
    holds: Mapping[HoldTest, HoldResult] = field(default_factory=dict)
    psfs: Mapping[str, int] = field(default_factory=dict)
    """Activity uid -> the 0-10 rating given at this check."""


@dataclass(frozen=True, slots=True)
class CheckHistory:
    """Every check, oldest first, and the activities named for the PSFS."""

    checks: tuple[CheckRecord, ...] = ()
    activities: tuple[PsfsActivity, ...] = ()

    @property
    def last(self) -> CheckRecord | None:
        return self.checks[-1] if self.checks else None

    def activity_text(self, activity: str) -> str:
        for named in self.activities:
            if named.id == activity:
                return named.text
        return "an activity"
