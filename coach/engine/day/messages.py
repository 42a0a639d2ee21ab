"""What the day flow says and hears: effects and their results, what is shown and
asked, and the answers and reports that come back. Plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeGuard

from coach.engine.followup import FollowUpAnswer, FollowUpDue
from coach.engine.home import HomeView, RoutineRef, RoutineStatus
from coach.engine.planning import Planned
from coach.engine.records import (
    LevelMove,
    PainAnswer,
    SessionFacts,
    SessionRecord,
    SessionStatus,
    SetRecord,
    SkipReason,
    Written,
)
from coach.engine.resume import ResumeOption
from coach.engine.runner import RunnerEvent
from coach.engine.safety import SafetyFacts
from coach.engine.scaling import Advice, Decision, Replay
from coach.engine.screening import Outcome
from coach.engine.session import (
    SessionController,
    SessionSummary,
)
from coach.engine.timeline import Step
from coach.format.loader import LoadedFile

# -- effects: what the shell carries out off its loop, and what comes back ---------------


@dataclass(frozen=True, slots=True)
class LoadDay:
    """Read the session file and the history, and plan the day."""

    source: Path
    today: date
    already_offered: frozenset[str]
    """Interrupted sessions offered before in this run, by name (not offered twice)."""
    routines: tuple[RoutineRef, ...] = ()
    """The routines home lists (the ``routines`` setting)."""
    next_due: bool = False
    """When ``source`` is one of them and done today, load the first not done instead
    (at the start and after a session; never after the person chose one)."""


@dataclass(frozen=True, slots=True)
class StoreScreening:
    answers: Mapping[str, bool]
    outcome: Outcome
    local_date: date


@dataclass(frozen=True, slots=True)
class OpenSession:
    """Store a new session (status running) before its first step. Also what every later
    write of the session carries: whichever write first reaches the history creates the
    row, found again by ``uid`` (see :mod:`coach.store.journal`)."""

    uid: str
    """The session's own name, random, made when it is opened."""
    started_at: str
    source_id: str
    title: str
    source_path: str
    planned_seconds: float
    levels: Mapping[str, int]
    speed: float
    baseline_pain: int | None
    local_date: date
    """The day it is played on, where it is played."""
    utc_offset: int
    """Minutes east of UTC, where it is played."""
    checks: tuple[Decision, ...] = ()
    """The decisions taken at its start (a break, a rising week, a worse morning)."""


@dataclass(frozen=True, slots=True)
class ClaimSession:
    """Resuming an interrupted session: this coach owns it from now on."""

    opening: OpenSession


@dataclass(frozen=True, slots=True)
class SessionEnd:
    """How a session ended, with what was decided for next time."""

    status: SessionStatus
    reason: str | None
    decisions: tuple[Decision, ...]
    advice: tuple[Advice, ...] = ()


@dataclass(frozen=True, slots=True)
class SaveSets:
    """Store rated sets, oldest first, with the session's row if it has none yet; what
    the history refuses goes to the journal."""

    opening: OpenSession
    records: tuple[SetRecord, ...]


@dataclass(frozen=True, slots=True)
class CloseSession:
    """Store the sets still waiting and close the session with the decisions for next
    time, all in one transaction (or all in the journal)."""

    opening: OpenSession
    end: SessionEnd
    waiting: tuple[SetRecord, ...]


@dataclass(frozen=True, slots=True)
class CloseInterrupted:
    option: ResumeOption


@dataclass(frozen=True, slots=True)
class StoreFollowUp:
    """Store the answers about a warning sign reported during a session or after a
    function check."""

    sign: FollowUpDue
    """The sign followed up (its identity: the session or the check it was in)."""
    answer: FollowUpAnswer
    cleared: bool
    local_date: date


@dataclass(frozen=True, slots=True)
class LevelChoice:
    """The person's answer to a level offer after a session."""

    program_id: str
    from_level: int
    to_level: int
    accepted: bool


@dataclass(frozen=True, slots=True)
class CorrectSet:
    """Store a corrected rating during the session: ``records`` are every set the history
    has not taken yet with the correction in its place (or the corrected set alone),
    written like any set (to the journal when the history refuses)."""

    opening: OpenSession
    records: tuple[SetRecord, ...]
    record: SetRecord


@dataclass(frozen=True, slots=True)
class ReviseSession:
    """After the summary: store a corrected rating with the session's new outcome and
    the decisions for next time that follow from it, in place of the old ones (in the
    history, or in the journal beside the session when the history refuses)."""

    opening: OpenSession
    records: tuple[SetRecord, ...]
    """Every set the history has not taken yet, with the corrected one in its place."""
    record: SetRecord
    end: SessionEnd


@dataclass(frozen=True, slots=True)
class StoreNote:
    """Keep the person's note on a session (written after its summary), wherever the
    session is kept."""

    opening: OpenSession
    note: str


@dataclass(frozen=True, slots=True)
class StoreLevelMove:
    """Keep the person's answer to a level offer, wherever the session is kept."""

    opening: OpenSession
    choice: LevelChoice


Effect = (
    LoadDay
    | StoreScreening
    | OpenSession
    | ClaimSession
    | SaveSets
    | CloseSession
    | CloseInterrupted
    | StoreLevelMove
    | StoreFollowUp
    | CorrectSet
    | ReviseSession
    | StoreNote
)


def is_effect(output: object) -> TypeGuard[Effect]:
    """Whether ``output`` is for :func:`carry_out` (off the loop) rather than the screen."""
    return isinstance(output, Effect)


@dataclass(frozen=True, slots=True)
class DayLoaded:
    source: Path
    today: date
    loaded: LoadedFile
    planned: Planned
    histories: Mapping[str, list[SessionFacts]]
    """Each program's sessions after its saved replay in ``starts`` (all without one)."""
    moves: Mapping[str, list[LevelMove]]
    starts: Mapping[str, Replay]
    recent: tuple[SessionRecord, ...]
    safety: SafetyFacts
    """What the history holds that decides what safety asks for (the checklist, a
    warning sign's follow-up, a function check): :func:`coach.engine.safety.safety_due`."""
    offer: ResumeOption | None
    problem: str | None
    """Why the history could not be read (the day goes on without it)."""
    imported: str | None = None
    """What the import of journals did, for the person (None when nothing was there)."""
    write_problem: str | None = None
    """Why sessions cannot be written to the history now (damaged, read-only, ...)."""
    journal_problem: str | None = None
    """Why the journal cannot be written either: with ``write_problem``, nothing played
    would be saved anywhere."""
    routines: tuple[RoutineStatus, ...] = ()
    """The routines home lists, each done today or not, ``source`` marked current."""


@dataclass(frozen=True, slots=True)
class DayFailed:
    """The session file has errors, each rendered as ``file:line:col: message``."""

    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScreeningStored:
    outcome: Outcome
    problem: str | None


@dataclass(frozen=True, slots=True)
class SessionOpened:
    written: Written


@dataclass(frozen=True, slots=True)
class SetsSaved:
    records: tuple[SetRecord, ...]
    """Every set that was written, oldest first (where to: ``written.kept``)."""
    written: Written


@dataclass(frozen=True, slots=True)
class SessionClosed:
    records: tuple[SetRecord, ...]
    written: Written


@dataclass(frozen=True, slots=True)
class ClaimRefused:
    """Another coach is resuming or closing the interrupted session: this one leaves it."""

    problem: str


@dataclass(frozen=True, slots=True)
class InterruptedClosed:
    option: ResumeOption
    problem: str | None


@dataclass(frozen=True, slots=True)
class LevelMoveStored:
    written: Written


@dataclass(frozen=True, slots=True)
class NoteStored:
    written: Written


@dataclass(frozen=True, slots=True)
class FollowUpStored:
    problem: str | None


@dataclass(frozen=True, slots=True)
class SetCorrected:
    record: SetRecord
    written: Written


Result = (
    DayLoaded
    | DayFailed
    | ScreeningStored
    | SessionOpened
    | SetsSaved
    | SessionClosed
    | InterruptedClosed
    | ClaimRefused
    | LevelMoveStored
    | FollowUpStored
    | SetCorrected
    | NoteStored
)


# -- what the person sees and is asked --------------------------------------------------


class Tone(StrEnum):
    """How a notice is shown (the values are Textual's severities)."""

    INFO = "information"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Notice:
    text: str
    tone: Tone = Tone.INFO
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class ShowError:
    """A problem that stops the day (the session file cannot be used)."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShowHome:
    view: HomeView
    check_due: bool = False
    """A function check is due: home says so beside its key."""


@dataclass(frozen=True, slots=True)
class Play:
    """The session is stored: play it."""

    session: SessionController


@dataclass(frozen=True, slots=True)
class MoveOn:
    """The session moved (or only needs redrawing): the runner's events, for the player."""

    events: tuple[RunnerEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class ShowSummary:
    summary: SessionSummary
    where: str
    """Where the session is kept, in one true sentence."""


@dataclass(frozen=True, slots=True)
class Leave:
    """Nothing more today: close coach (it was started straight into a session)."""

    why: str = ""
    """Why nothing played, when a safety step stopped it (one sentence): the shell says
    it and exits non-zero. Empty when the person simply went back."""


@dataclass(frozen=True, slots=True)
class PlayCheck:
    """The checklist is clear: play a function check (coach.engine.checks)."""


Show = ShowError | ShowHome | Play | MoveOn | ShowSummary | Notice | Leave | PlayCheck


class AdviceKind(StrEnum):
    URGENT = "urgent"
    """An urgent checklist answer (today, or earlier today): no session today."""
    SAME_DAY = "same day"
    """A checklist answer that needs a doctor today: going on only once seen."""
    REVIEW = "review"
    """A checklist answer that needs a clinician soon: the person may go on gently."""
    RED_FLAG = "red flag"
    """A warning sign during the session: it has ended (and is stored so)."""
    FOLLOW_UP = "follow-up"
    """After a warning sign in an earlier session: go on only as the answers allow."""
    REST_DAY = "rest day"
    """A very painful morning: rest today, or (when the routine has it) mobility only."""
    HIGH_PAIN = "high pain"
    """A set rated at or above the program's stop_session_at: stop the session now, or
    carry on with the next exercise."""
    CANNOT_SAVE = "cannot save"
    """Neither the history nor the journal can be written: back home (the default), or
    exercise knowing nothing will be saved."""
    WITHDRAW = "withdraw"
    """A correction would withdraw a warning sign: keep it (the default), or withdraw it
    (the first answer stays in the history beside the correction)."""


@dataclass(frozen=True, slots=True)
class AskResume:
    title: str
    body: str
    can_resume: bool


@dataclass(frozen=True, slots=True)
class AskScreening:
    note: str = ""
    """What the step before it said (the follow-up's word), shown inside the checklist:
    never a notice over a safety dialog."""


@dataclass(frozen=True, slots=True)
class ShowAdvice:
    kind: AdviceKind
    title: str
    body: str
    go_on: str | None = None
    """The label of going on anyway, when that is offered."""


@dataclass(frozen=True, slots=True)
class AskBaseline:
    title: str
    note: str


@dataclass(frozen=True, slots=True)
class AskRating:
    title: str
    safe_max: int
    acceptable_max: int


@dataclass(frozen=True, slots=True)
class AskCorrection:
    """Correct the last rating: the same prompt, opened on what was given."""

    title: str
    safe_max: int
    acceptable_max: int
    answer: PainAnswer


@dataclass(frozen=True, slots=True)
class AskFollowUp:
    """Before anything else at a start: has the warning sign of last time gone, and has
    a clinician seen it?"""

    question: str


@dataclass(frozen=True, slots=True)
class AskQuit:
    """Stop the session? And why: like a skipped set, only 'it hurts' costs a step for
    what was not finished."""

    message: str
    reasons: bool = True
    """The answer says why (see :class:`QuitAnswer`)."""


@dataclass(frozen=True, slots=True)
class AskSkipReason:
    """Skipping the rest of a set: why? (Only 'it hurts' counts as pain.)"""

    exercise: str


@dataclass(frozen=True, slots=True)
class AskLevel:
    program_name: str
    from_level: int
    to_level: int
    up: bool
    criterion: str = ""
    """The level's own 'advance_when' (moving up): what the person is asked."""
    to_name: str = ""
    """The name of the level offered."""
    to_description: str = ""
    """What the level offered is for, as its file says."""


Prompt = (
    AskResume
    | AskScreening
    | ShowAdvice
    | AskBaseline
    | AskRating
    | AskQuit
    | AskLevel
    | AskSkipReason
    | AskCorrection
    | AskFollowUp
)

Output = Effect | Show | Prompt


# -- inputs: the person's answers and the player's reports ------------------------------


@dataclass(frozen=True, slots=True)
class SummaryDone:
    """Done on the summary, with the note the person wrote ('' for none)."""

    note: str = ""


@dataclass(frozen=True, slots=True)
class StartSession:
    """Start today's session (home's Start)."""


@dataclass(frozen=True, slots=True)
class ChooseSession:
    """Play another routine or program: load it and show its home."""

    source: Path


class ResumeChoice(StrEnum):
    RESUME = "resume"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class ResumeAnswer:
    choice: ResumeChoice | None
    """None: decide later (asked again at the next start)."""


@dataclass(frozen=True, slots=True)
class ScreeningAnswer:
    answers: Mapping[str, bool] | None
    """Every question's answer; None: not now (nothing stored, back to home)."""


@dataclass(frozen=True, slots=True)
class AdviceAnswer:
    go_on: bool


@dataclass(frozen=True, slots=True)
class BaselineAnswer:
    answer: PainAnswer | None


@dataclass(frozen=True, slots=True)
class RatingAnswer:
    answer: PainAnswer


@dataclass(frozen=True, slots=True)
class QuitAnswer:
    stop: bool
    reason: SkipReason | None = None
    """Why the person stops: it hurts (what was not finished steps back), no time or
    another reason (the doses stay). A stop without a reason counts as another reason."""


@dataclass(frozen=True, slots=True)
class LevelAnswer:
    accepted: bool


@dataclass(frozen=True, slots=True)
class RatingDue:
    step: Step


@dataclass(frozen=True, slots=True)
class PlayFinished:
    pass


@dataclass(frozen=True, slots=True)
class QuitAsked:
    pass


@dataclass(frozen=True, slots=True)
class SkipAsked:
    """The person pressed skip in the player."""


@dataclass(frozen=True, slots=True)
class SkipAnswer:
    reason: SkipReason | None
    """None: they changed their mind (the set goes on)."""


@dataclass(frozen=True, slots=True)
class CorrectAsked:
    """The person wants to correct the last rating (in the player or the summary)."""


@dataclass(frozen=True, slots=True)
class CorrectionAnswer:
    answer: PainAnswer | None
    """None: they kept the rating as it was."""


@dataclass(frozen=True, slots=True)
class FollowUpAnswered:
    answer: FollowUpAnswer | None
    """None: not now (back to home)."""


@dataclass(frozen=True, slots=True)
class StartCheck:
    """Home's check key: a function check now (the checklist first, when due)."""


@dataclass(frozen=True, slots=True)
class CheckFinished:
    """The function check is over (its own flow stored it)."""

    red_flag: bool
    """A nerve symptom was reported after it: followed up like one during a session,
    before any exercise."""
    stored: bool


Answer = (
    SummaryDone
    | StartCheck
    | CheckFinished
    | SkipAsked
    | SkipAnswer
    | CorrectAsked
    | CorrectionAnswer
    | FollowUpAnswered
    | StartSession
    | ChooseSession
    | ResumeAnswer
    | ScreeningAnswer
    | AdviceAnswer
    | BaselineAnswer
    | RatingAnswer
    | QuitAnswer
    | LevelAnswer
    | RatingDue
    | PlayFinished
    | QuitAsked
)

Input = Answer | Result
