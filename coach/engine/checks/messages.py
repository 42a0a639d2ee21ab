"""What the check flow says and hears: effects and their results, what it shows and
asks, and the answers that come back. Plain data, like the day's (coach.engine.day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.engine.checks.protocol import EndedBy, TestInfo, Variant
from coach.engine.checks.records import CheckHistory, HoldResult, PsfsActivity
from coach.engine.checks.timer import HoldTimer
from coach.engine.records import PainAnswer, SessionStatus

__all__ = [
    "AskCheckPain",
    "AskCheckQuit",
    "AskPsfs",
    "CheckAdviceAnswer",
    "CheckAnswer",
    "CheckClosed",
    "CheckEffect",
    "CheckInput",
    "CheckNotice",
    "CheckOpened",
    "CheckOutput",
    "CheckOver",
    "CheckPainAnswer",
    "CheckQuitAnswer",
    "CheckQuitAsked",
    "CheckResult",
    "ChecksLoaded",
    "CloseCheck",
    "HoldStop",
    "HoldStored",
    "HoldTick",
    "LoadChecks",
    "OpenCheck",
    "PsfsAnswer",
    "PsfsEntry",
    "PsfsStored",
    "ResultSeen",
    "ShowCheckAdvice",
    "ShowCheckSummary",
    "ShowHold",
    "ShowHoldResult",
    "ShowTest",
    "StoreHold",
    "StorePsfs",
    "SummarySeen",
    "TestAnswer",
]

# -- effects and results -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadChecks:
    """Read the earlier checks and the PSFS activities."""


@dataclass(frozen=True, slots=True)
class OpenCheck:
    uid: str
    """The check's identity, made by the flow as it opens (the store's row is its own)."""
    local_date: date
    utc_offset: int
    pain_before: int | None


@dataclass(frozen=True, slots=True)
class PsfsEntry:
    """One PSFS rating: of a named activity (``activity_id``), or of a new one."""

    activity: str | None
    """The uid of an activity named before (:attr:`PsfsActivity.id`), or None for a new
    one (``text``)."""
    text: str
    score: int


@dataclass(frozen=True, slots=True)
class StorePsfs:
    check_uid: str
    entries: tuple[PsfsEntry, ...]


@dataclass(frozen=True, slots=True)
class StoreHold:
    check_uid: str
    result: HoldResult


@dataclass(frozen=True, slots=True)
class CloseCheck:
    check_uid: str
    status: SessionStatus
    pain_after: PainAnswer | None


CheckEffect = LoadChecks | OpenCheck | StorePsfs | StoreHold | CloseCheck


@dataclass(frozen=True, slots=True)
class ChecksLoaded:
    history: CheckHistory
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class CheckOpened:
    problem: str | None = None
    """Why it could not be stored (None: it is in the history, under the flow's uid)."""


@dataclass(frozen=True, slots=True)
class PsfsStored:
    activities: tuple[PsfsActivity, ...]
    """Every activity now named (the new ones with their uids)."""
    ratings: tuple[tuple[str, int], ...]
    """(activity uid, score) as stored."""
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class HoldStored:
    result: HoldResult
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class CheckClosed:
    problem: str | None = None


CheckResult = ChecksLoaded | CheckOpened | PsfsStored | HoldStored | CheckClosed

# -- what the person sees and is asked ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class AskCheckPain:
    title: str
    note: str
    symptoms: bool
    """Ask about numbness, leg weakness and pain below the knee too (after the holds)."""


@dataclass(frozen=True, slots=True)
class ShowCheckAdvice:
    title: str
    body: str
    go_on: str | None = None
    stay: str = "Not today"


@dataclass(frozen=True, slots=True)
class AskPsfs:
    activities: tuple[PsfsActivity, ...]
    """The activities named before, shown again to be rated."""
    last: tuple[tuple[str, int], ...]
    """Their ratings at the last check, (activity uid, score)."""


@dataclass(frozen=True, slots=True)
class ShowTest:
    """The next hold: its position, the safety note, the easier version."""

    number: int
    count: int
    info: TestInfo
    variant: Variant
    last: HoldResult | None
    """This hold at the last check that had it."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ShowHold:
    """The hold is on: show the timer (the shell wakes at its ``next_wake``)."""

    info: TestInfo
    variant: Variant
    timer: HoldTimer


@dataclass(frozen=True, slots=True)
class ShowHoldResult:
    result: HoldResult
    saved: bool
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class AskCheckQuit:
    message: str


@dataclass(frozen=True, slots=True)
class ShowCheckSummary:
    history: CheckHistory
    """Every check, this one last."""
    unsaved: int
    """Results that could not be stored."""


@dataclass(frozen=True, slots=True)
class CheckNotice:
    text: str
    error: bool = False


@dataclass(frozen=True, slots=True)
class CheckOver:
    """The check is over: back to home."""

    red_flag: bool = False
    stored: bool = False
    """At least one result of it is in the history."""


CheckOutput = (
    CheckEffect
    | AskCheckPain
    | ShowCheckAdvice
    | AskPsfs
    | ShowTest
    | ShowHold
    | ShowHoldResult
    | AskCheckQuit
    | ShowCheckSummary
    | CheckNotice
    | CheckOver
)

# -- answers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckPainAnswer:
    answer: PainAnswer | None


@dataclass(frozen=True, slots=True)
class CheckAdviceAnswer:
    go_on: bool


@dataclass(frozen=True, slots=True)
class PsfsAnswer:
    entries: tuple[PsfsEntry, ...] | None
    """None: not today."""


@dataclass(frozen=True, slots=True)
class TestAnswer:
    start: bool
    """False: skip this test today."""
    variant: Variant = Variant.STANDARD


@dataclass(frozen=True, slots=True)
class HoldTick:
    """The shell woke during a hold: catch up with the clock."""


@dataclass(frozen=True, slots=True)
class HoldStop:
    by: EndedBy


@dataclass(frozen=True, slots=True)
class ResultSeen:
    pass


@dataclass(frozen=True, slots=True)
class CheckQuitAsked:
    pass


@dataclass(frozen=True, slots=True)
class CheckQuitAnswer:
    stop: bool


@dataclass(frozen=True, slots=True)
class SummarySeen:
    pass


CheckAnswer = (
    CheckPainAnswer
    | CheckAdviceAnswer
    | PsfsAnswer
    | TestAnswer
    | HoldTick
    | HoldStop
    | ResultSeen
    | CheckQuitAsked
    | CheckQuitAnswer
    | SummarySeen
)

CheckInput = CheckAnswer | CheckResult
