"""The day, from opening coach to the offers after the summary, without a screen.

:class:`DayFlow` is the order of a morning: load the routine and the history, offer to
resume an interrupted session, ask the red-flag checklist when it is due, ask how the
back feels, play, ask a pain rating after every set and store it, finish, show the
summary, offer a level move. It is a state machine driven from one thread (the shell's
event loop) and it never blocks and does no I/O:

* what needs the disk leaves it as an :data:`Effect` (load the day, store a set...). The
  shell carries it out off its loop with :func:`carry_out`, through the ports it is
  given (the history store, the session-file loader), and feeds back the :data:`Result`;
* what needs the person leaves it as a :data:`Prompt` or a :data:`Show` (ask the
  baseline, show the summary...), and the person's :data:`Answer` comes back;
* the player reports :class:`RatingDue`, :class:`PlayFinished` and :class:`QuitAsked`.

``DayFlow.handle`` takes any of those inputs and returns what follows, in order. Tests
drive it with a fake clock and an in-memory store, exactly as the TUI does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol, TypeGuard

from coach.engine.clock import Clock, WallClock, system_wall
from coach.engine.home import HomeRow, HomeView, last_session_text
from coach.engine.planning import Planned, ProgramPast, plan_today, programs_of
from coach.engine.progression import describe_dose
from coach.engine.records import (
    RED_FLAG_REASON,
    HistoryError,
    InterruptedSession,
    LevelMove,
    PainAnswer,
    SessionFacts,
    SessionRecord,
    SessionStatus,
    SetRecord,
)
from coach.engine.resume import ResumeOption, consider, offer_text
from coach.engine.runner import RunnerEvent
from coach.engine.scaling import Decision, Replay, Rule
from coach.engine.screening import REVIEW_ADVICE, URGENT_ADVICE, Outcome, assess, is_due
from coach.engine.session import (
    RED_FLAG_ADVICE,
    AfterRating,
    SessionController,
    SessionSummary,
    scaling_of,
)
from coach.engine.timeline import SessionPlan, Step, build_timeline
from coach.format.diagnostics import SessionFileError
from coach.format.loader import LoadedFile, RoutineFile
from coach.format.v1 import Program, Scaling

__all__ = [
    "AdviceAnswer",
    "AdviceKind",
    "AskBaseline",
    "AskLevel",
    "AskQuit",
    "AskRating",
    "AskResume",
    "AskScreening",
    "BaselineAnswer",
    "ChooseSession",
    "ClaimSession",
    "CloseInterrupted",
    "CloseSession",
    "DayFailed",
    "DayFlow",
    "DayLoaded",
    "History",
    "HistoryError",
    "InterruptedClosed",
    "Leave",
    "LevelAnswer",
    "LevelMoveStored",
    "LoadDay",
    "MoveOn",
    "Notice",
    "OpenSession",
    "Play",
    "PlayFinished",
    "QuitAnswer",
    "QuitAsked",
    "RatingAnswer",
    "RatingDue",
    "ResumeAnswer",
    "ResumeChoice",
    "SaveSets",
    "ScreeningAnswer",
    "ScreeningStored",
    "SessionClosed",
    "SessionOpened",
    "SetsSaved",
    "ShowAdvice",
    "ShowError",
    "ShowHome",
    "ShowSummary",
    "StartSession",
    "StoreLevelMove",
    "StoreScreening",
    "Tone",
    "carry_out",
    "home_view",
    "home_views",
    "is_effect",
]

RECENT_SESSIONS = 10
"""Sessions home lists under 'Last session' (it shows the newest)."""


# -- the ports: what the day needs from the shell's world -------------------------------


class History(Protocol):
    """The history store as the day uses it (:class:`coach.store.HistoryStore`). Every
    method may raise :class:`HistoryError`."""

    @property
    def path(self) -> Path: ...

    def program_past(self, program: Program, start_level: int = ...) -> ProgramPast: ...

    def recent_sessions(self, limit: int = ...) -> list[SessionRecord]: ...

    def last_screening(self) -> tuple[str, str] | None: ...

    def interrupted_sessions(self) -> list[InterruptedSession]: ...

    def record_screening(self, answers: Mapping[str, bool], outcome: str) -> None: ...

    def start_session(
        self,
        *,
        source_id: str,
        title: str,
        source_path: str,
        planned_seconds: float,
        levels: Mapping[str, int],
        speed: float = ...,
        baseline_pain: int | None = ...,
    ) -> int: ...

    def claim_session(self, session_id: int) -> None: ...

    def record_set(self, record: SetRecord) -> int: ...

    def finish_session(
        self,
        session_id: int,
        status: SessionStatus,
        *,
        reason: str | None = ...,
        decisions: Sequence[Decision] = ...,
    ) -> None: ...

    def close_interrupted(
        self, session_id: int, status: SessionStatus, *, decisions: Sequence[Decision] = ...
    ) -> None: ...

    def record_level_move(
        self, session_id: int, program_id: str, from_level: int, to_level: int, *, accepted: bool
    ) -> None: ...


Load = Callable[[Path], LoadedFile]
"""Reads and checks a session file (:func:`coach.format.loader.load_session_file`)."""


# -- effects: what the shell carries out off its loop, and what comes back ---------------


@dataclass(frozen=True, slots=True)
class LoadDay:
    """Read the session file and the history, and plan the day."""

    source: Path
    today: date
    already_offered: frozenset[int]
    """Interrupted sessions offered before in this run (not offered twice)."""


@dataclass(frozen=True, slots=True)
class StoreScreening:
    answers: Mapping[str, bool]
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class OpenSession:
    """Store a new session (status running) before its first step."""

    source_id: str
    title: str
    source_path: str
    planned_seconds: float
    levels: Mapping[str, int]
    speed: float
    baseline_pain: int | None


@dataclass(frozen=True, slots=True)
class ClaimSession:
    """Resuming an interrupted session: this coach owns it from now on."""

    session_id: int


@dataclass(frozen=True, slots=True)
class SaveSets:
    """Store rated sets, oldest first, stopping at the first that fails."""

    records: tuple[SetRecord, ...]


@dataclass(frozen=True, slots=True)
class CloseSession:
    """Store the sets still waiting (those of an opened session), then close it with the
    decisions for next time."""

    session_id: int | None
    status: SessionStatus
    reason: str | None
    decisions: tuple[Decision, ...]
    waiting: tuple[SetRecord, ...]


@dataclass(frozen=True, slots=True)
class CloseInterrupted:
    option: ResumeOption


@dataclass(frozen=True, slots=True)
class StoreLevelMove:
    session_id: int
    program_id: str
    from_level: int
    to_level: int
    accepted: bool


Effect = (
    LoadDay
    | StoreScreening
    | OpenSession
    | ClaimSession
    | SaveSets
    | CloseSession
    | CloseInterrupted
    | StoreLevelMove
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
    last_screening: tuple[str, str] | None
    offer: ResumeOption | None
    problem: str | None
    """Why the history could not be read (the day goes on without it)."""


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
    session_id: int
    """-1 when the session could not be stored."""
    problem: str | None


@dataclass(frozen=True, slots=True)
class SetsSaved:
    saved: tuple[SetRecord, ...]
    problem: str | None


@dataclass(frozen=True, slots=True)
class SessionClosed:
    saved: tuple[SetRecord, ...]
    problem: str | None


@dataclass(frozen=True, slots=True)
class InterruptedClosed:
    option: ResumeOption
    problem: str | None


@dataclass(frozen=True, slots=True)
class LevelMoveStored:
    problem: str | None


Result = (
    DayLoaded
    | DayFailed
    | ScreeningStored
    | SessionOpened
    | SetsSaved
    | SessionClosed
    | InterruptedClosed
    | LevelMoveStored
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
    saved_to: str


@dataclass(frozen=True, slots=True)
class Leave:
    """Nothing more today: close coach (it was started straight into a session)."""


Show = ShowError | ShowHome | Play | MoveOn | ShowSummary | Notice | Leave


class AdviceKind(StrEnum):
    URGENT = "urgent"
    """An urgent checklist answer: no session today."""
    REVIEW = "review"
    """A checklist answer that needs a clinician soon: the person may go on gently."""
    RED_FLAG = "red flag"
    """A warning sign during the session: it ends."""


@dataclass(frozen=True, slots=True)
class AskResume:
    title: str
    body: str
    can_resume: bool


@dataclass(frozen=True, slots=True)
class AskScreening:
    pass


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
class AskQuit:
    message: str


@dataclass(frozen=True, slots=True)
class AskLevel:
    program_name: str
    from_level: int
    to_level: int
    up: bool


Prompt = AskResume | AskScreening | ShowAdvice | AskBaseline | AskRating | AskQuit | AskLevel

Output = Effect | Show | Prompt


# -- inputs: the person's answers and the player's reports ------------------------------


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
    answers: Mapping[str, bool]


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


Answer = (
    StartSession
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


class Stage(StrEnum):
    LOADING = "loading"
    FAILED = "failed"
    RESUME = "resume question"
    HOME = "home"
    SCREENING = "screening"
    ADVICE = "advice"
    BASELINE = "baseline"
    OPENING = "opening the session"
    PLAYING = "playing"
    RATING = "rating"
    SAVING = "saving a set"
    QUITTING = "quit question"
    CLOSING = "closing the session"
    SUMMARY = "summary"
    LEFT = "left"


# -- the flow ----------------------------------------------------------------------------


@dataclass
class DayFlow:
    """One run of coach on one session file. Feed it inputs; act on what it returns."""

    source: Path
    saved_to: str
    """Where the history is, for the summary."""
    today: Callable[[], date]
    clock: Clock = time.monotonic
    wall: WallClock = system_wall
    speed: float = 1.0
    skip_home: bool = False
    """Started straight into a session ('coach run'): no home screen, and leave when done."""
    screening_weeks: int = 4
    stage: Stage = Stage.LOADING
    loaded: LoadedFile | None = None
    planned: Planned | None = None
    histories: Mapping[str, list[SessionFacts]] = field(default_factory=dict)
    moves: Mapping[str, list[LevelMove]] = field(default_factory=dict)
    starts: Mapping[str, Replay] = field(default_factory=dict)
    session: SessionController | None = None
    screening_due: bool = False
    store_problem: str | None = None
    unsaved: list[SetRecord] = field(default_factory=list)
    """Rated sets the history refused so far, oldest first (retried with the next)."""
    offered: set[int] = field(default_factory=set)
    _home: ShowHome | None = None
    _offer: ResumeOption | None = None
    _advice: AdviceKind | None = None
    _rating: SetRecord | None = None
    _after: Planned | None = None
    _resume_play: Callable[[], list[RunnerEvent]] | None = None
    _level_offer: tuple[str, int, int] | None = None

    def begin(self) -> LoadDay:
        """The first thing to do: load the day."""
        return self._load(self.source)

    def handle(self, event: Input) -> list[Output]:
        """What follows ``event``, in order."""
        match event:
            case DayLoaded():
                return self._loaded(event)
            case DayFailed(lines):
                self.stage = Stage.FAILED
                return [ShowError("This session file has problems", lines)]
            case StartSession():
                return self._start()
            case ChooseSession(source):
                return [self._load(source)]
            case ResumeAnswer(choice):
                return self._resume_answered(choice)
            case InterruptedClosed():
                return self._interrupted_closed(event)
            case ScreeningAnswer(answers):
                return [StoreScreening(dict(answers), assess(answers))]
            case ScreeningStored(outcome, problem):
                return [*self._stored(problem), *self._screened(outcome)]
            case AdviceAnswer(go_on):
                return self._advice_answered(go_on)
            case BaselineAnswer(answer):
                return self._baseline_given(answer)
            case SessionOpened(session_id, problem):
                return self._opened(session_id, problem)
            case RatingDue(step):
                return self._ask_rating(step)
            case RatingAnswer(answer):
                return self._rated(answer)
            case SetsSaved(saved, problem):
                return self._set_saved(saved, problem)
            case PlayFinished():
                return self._finish(SessionStatus.COMPLETED)
            case QuitAsked():
                return self._quit_asked()
            case QuitAnswer(stop):
                return self._quit_answered(stop)
            case SessionClosed(saved, problem):
                return self._closed(saved, problem)
            case LevelAnswer(accepted):
                return self._level_answered(accepted)
            case LevelMoveStored(problem):
                return self._stored(problem)
        return []

    # -- loading ------------------------------------------------------------------------

    def _load(self, source: Path) -> LoadDay:
        self.stage = Stage.LOADING
        return LoadDay(source, self.today(), frozenset(self.offered))

    def _loaded(self, day: DayLoaded) -> list[Output]:
        self.source, self.loaded, self.planned = day.source, day.loaded, day.planned
        self.histories, self.moves, self.starts = day.histories, day.moves, day.starts
        self.store_problem = day.problem
        self.screening_due = day.problem is not None or is_due(
            day.last_screening, self.today(), self.screening_weeks
        )
        outputs: list[Output] = []
        if day.problem:
            outputs.append(
                Notice(
                    f"{day.problem}. You can still exercise; sets will be kept in memory.",
                    Tone.ERROR,
                    15,
                )
            )
        self._home = ShowHome(home_view(day.loaded, day.planned, day.recent))
        if day.offer is not None:
            self._offer = day.offer
            self.offered.add(day.offer.session.id)
            self.stage = Stage.RESUME
            body = offer_text(day.offer, self.today())
            outputs.append(
                AskResume("Your last session was interrupted", body, day.offer.can_resume)
            )
            return outputs
        return outputs + self._show_start()

    def _show_start(self) -> list[Output]:
        if self.skip_home:
            return self._start()
        assert self._home is not None
        self.stage = Stage.HOME
        return [self._home]

    # -- an interrupted session ---------------------------------------------------------

    def _resume_answered(self, choice: ResumeChoice | None) -> list[Output]:
        option = self._offer
        if option is None or self.stage is not Stage.RESUME:
            return []
        if choice is ResumeChoice.CLOSE:
            return [CloseInterrupted(option)]
        if choice is not ResumeChoice.RESUME or not option.can_resume:
            return self._show_start()
        assert option.planned is not None and option.point is not None
        assert option.loaded is not None
        interrupted = option.session
        self.source = Path(interrupted.source_path)
        self.loaded, self.planned = option.loaded, option.planned
        # The history before this session: planning after it adds the session itself.
        self.histories = {
            pid: [f for f in facts if f.session_id != interrupted.id]
            for pid, facts in option.histories.items()
        }
        self.moves = {pid: list(moves) for pid, moves in option.moves.items()}
        self.starts = option.starts
        self.session = self._controller(option.planned.plan, option.loaded)
        self.session.resume(interrupted, option.point.step_index, option.point.ended_exercises)
        self.stage = Stage.OPENING
        return [ClaimSession(interrupted.id)]

    def _interrupted_closed(self, event: InterruptedClosed) -> list[Output]:
        interrupted = event.option.session
        rated = len({(s.exercise_index, s.set_number) for s in interrupted.sets})
        return [
            *self._stored(event.problem),
            Notice(
                f"Closed the interrupted {interrupted.title} as partial; its {rated} rated "
                f"set{'s' if rated != 1 else ''} are in your history.",
                seconds=8,
            ),
            # The history changed: plan again (this also offers any older interrupted one).
            self._load(self.source),
        ]

    # -- before the session -------------------------------------------------------------

    def _start(self) -> list[Output]:
        if self.screening_due:
            self.stage = Stage.SCREENING
            return [AskScreening()]
        return self._ask_baseline()

    def _screened(self, outcome: Outcome) -> list[Output]:
        if outcome is Outcome.URGENT:
            return self._advise(AdviceKind.URGENT, "Seek emergency care now", URGENT_ADVICE)
        if outcome is Outcome.REVIEW:
            return self._advise(
                AdviceKind.REVIEW,
                "Please see a clinician soon",
                REVIEW_ADVICE,
                go_on="Exercise gently today anyway",
            )
        self.screening_due = False
        return self._ask_baseline()

    def _advise(
        self, kind: AdviceKind, title: str, body: str, go_on: str | None = None
    ) -> list[Output]:
        self.stage = Stage.ADVICE
        self._advice = kind
        return [ShowAdvice(kind, title, body, go_on)]

    def _advice_answered(self, go_on: bool) -> list[Output]:
        kind, self._advice = self._advice, None
        if kind is AdviceKind.RED_FLAG:
            return self._finish(SessionStatus.RED_FLAG)
        if kind is AdviceKind.REVIEW and go_on:
            return self._ask_baseline()
        return self._blocked()

    def _blocked(self) -> list[Output]:
        """No session today: back to home (or out, when started with 'coach run')."""
        if self.skip_home:
            self.stage = Stage.LEFT
            return [Leave()]
        self.stage = Stage.HOME
        return []

    def _ask_baseline(self) -> list[Output]:
        self.stage = Stage.BASELINE
        return [
            AskBaseline(
                "Before we start: how does your back feel right now?",
                "Compare it with how it usually feels; coach compares it with last time.",
            )
        ]

    def _baseline_given(self, answer: PainAnswer | None) -> list[Output]:
        assert self.loaded is not None
        baseline = answer.pain if answer is not None else None
        # The next-morning check: a back clearly worse than at the start of the last
        # session cancels the step up planned from it.
        planned = plan_today(
            self.loaded,
            self.histories,
            self.moves,
            today=self.today(),
            baseline_today=baseline,
            starts=self.starts,
        )
        outputs: list[Output] = []
        cancelled = [d for d in planned.decisions if d.rule is Rule.MORNING_CHECK]
        if cancelled:
            first = cancelled[0].reason.split(", so")[0]
            outputs.append(Notice(f"{first}: no step up today.", seconds=10))
        self.planned = planned
        self.session = self._controller(planned.plan, self.loaded)
        self.session.baseline = baseline
        self.stage = Stage.OPENING
        session = self.session
        outputs.append(
            OpenSession(
                source_id=session.plan.source_id,
                title=session.plan.title,
                source_path=str(session.source_path),
                planned_seconds=session.timeline.total,
                levels=dict(session.plan.levels),
                speed=self.speed,
                baseline_pain=baseline,
            )
        )
        return outputs

    def _controller(self, plan: SessionPlan, loaded: LoadedFile) -> SessionController:
        return SessionController(
            plan,
            scaling_of(loaded),
            self.source,
            clock=self.clock,
            wall=self.wall,
            speed=self.speed,
        )

    def _opened(self, session_id: int, problem: str | None) -> list[Output]:
        session = self.session
        if session is None or self.stage is not Stage.OPENING:
            return []
        session.session_id = session_id
        session.started_monotonic = self.clock()
        self.stage = Stage.PLAYING
        return [*self._stored(problem), Play(session)]

    # -- during the session -------------------------------------------------------------

    def _ask_rating(self, step: Step) -> list[Output]:
        session = self.session
        assert session is not None
        item = session.plan.exercises[step.exercise_index]
        limits = session.scaling.get(item.program_id, Scaling())
        self.stage = Stage.RATING
        title = f"{item.name}, set {step.set_number} of {step.sets}: how much does your back hurt?"
        return [AskRating(title, limits.safe_max, limits.acceptable_max)]

    def _rated(self, answer: PainAnswer) -> list[Output]:
        session = self.session
        if session is None or self.stage is not Stage.RATING:
            return []
        record = session.record_for(answer)
        self._rating = record
        self.stage = Stage.SAVING
        if record.session_id < 0:
            # The session row itself could not be stored: the set waits in memory.
            return self._set_saved((), self.store_problem or "the session could not be opened")
        return [SaveSets((*self.unsaved, record))]

    def _set_saved(self, saved: tuple[SetRecord, ...], problem: str | None) -> list[Output]:
        session, record = self.session, self._rating
        if session is None or record is None or self.stage is not Stage.SAVING:
            return []
        self._rating = None
        self.unsaved = [r for r in [*self.unsaved, record] if r not in saved]
        outputs = self._stored(problem)
        outcome = session.accept(record)
        self.stage = Stage.PLAYING
        if outcome is AfterRating.RED_FLAG:
            return outputs + self._advise(
                AdviceKind.RED_FLAG, "Please stop and see a clinician", RED_FLAG_ADVICE
            )
        runner = session.runner
        if outcome is AfterRating.END_EXERCISE:
            outputs.append(
                Notice(
                    f"Pain {record.answer.pain}/10 is above the acceptable zone, so "
                    f"{record.exercise_name} ends here for today. That is the plan working, "
                    "not a failure.",
                    seconds=8,
                )
            )
            return [*outputs, MoveOn(tuple(runner.end_exercise()))]
        return [*outputs, MoveOn(tuple(runner.rated()))]

    def _quit_asked(self) -> list[Output]:
        session = self.session
        if session is None or self.stage is not Stage.PLAYING:
            return []
        # The clock stops while the question is up: a pain prompt must not pop up over
        # it, and the hold must not run out unattended.
        self._resume_play = session.hold_still()
        self.stage = Stage.QUITTING
        return [MoveOn(), AskQuit("Stop this session? The sets you rated are saved.")]

    def _quit_answered(self, stop: bool) -> list[Output]:
        session, resume = self.session, self._resume_play
        if session is None or resume is None or self.stage is not Stage.QUITTING:
            return []
        self._resume_play = None
        if stop:
            session.runner.abort()
            return self._finish(SessionStatus.STOPPED)
        self.stage = Stage.PLAYING
        return [MoveOn(tuple(resume()))]

    # -- after the session --------------------------------------------------------------

    def _finish(self, status: SessionStatus) -> list[Output]:
        session = self.session
        assert session is not None and self.loaded is not None
        if session.status is not SessionStatus.RED_FLAG:
            session.status = status
        after = session.plan_after(
            self.loaded, self.histories, self.moves, self.today(), self.starts
        )
        self._after = after
        self.stage = Stage.CLOSING
        status = session.status
        opened = session.session_id is not None and session.session_id >= 0
        return [
            CloseSession(
                session.session_id if opened else None,
                status,
                RED_FLAG_REASON if status is SessionStatus.RED_FLAG else None,
                after.decisions,
                tuple(r for r in self.unsaved if r.session_id >= 0),
            )
        ]

    def _closed(self, saved: tuple[SetRecord, ...], problem: str | None) -> list[Output]:
        session, after = self.session, self._after
        if session is None or after is None or self.stage is not Stage.CLOSING:
            return []
        self.unsaved = [r for r in self.unsaved if r not in saved]
        self.stage = Stage.SUMMARY
        outputs: list[Output] = [
            *self._stored(problem),
            ShowSummary(session.summary(after), self.saved_to),
        ]
        if session.status is not SessionStatus.RED_FLAG:
            outputs.extend(self._offer_level(session, after))
        return outputs

    def _offer_level(self, session: SessionController, after: Planned) -> list[Output]:
        """Ask about the first level move the engine offers; the person decides."""
        programs = after.programs.values()
        offers = [(p, p.offer_up, True) for p in programs if p.offer_up is not None] + [
            (p, p.offer_down, False) for p in programs if p.offer_down is not None
        ]
        if not offers:
            return []
        program_plan, to_level, up = offers[0]
        name = next(
            (
                e.program_name
                for e in session.plan.exercises
                if e.program_id == program_plan.program_id
            ),
            program_plan.program_id,
        )
        self._level_offer = (program_plan.program_id, program_plan.level, to_level)
        return [AskLevel(name, program_plan.level, to_level, up)]

    def _level_answered(self, accepted: bool) -> list[Output]:
        session, offer = self.session, self._level_offer
        self._level_offer = None
        if session is None or offer is None:
            return []
        if session.session_id is None or session.session_id < 0:
            return []
        program_id, from_level, to_level = offer
        return [StoreLevelMove(session.session_id, program_id, from_level, to_level, accepted)]

    def _stored(self, problem: str | None) -> list[Output]:
        """A notice when the history refused a write."""
        if not problem:
            return []
        self.store_problem = problem
        return [
            Notice(
                f"Could not save: {problem}. Nothing is lost while coach stays open; "
                "it keeps trying.",
                Tone.ERROR,
                15,
            )
        ]


def home_view(loaded: LoadedFile, planned: Planned, recent: Sequence[SessionRecord]) -> HomeView:
    """What home shows for ``planned``."""
    about = loaded.routine if isinstance(loaded, RoutineFile) else loaded.program
    plan = planned.plan
    return HomeView(
        title=plan.title,
        description=about.description,
        total_seconds=build_timeline(plan).total,
        rows=tuple(
            HomeRow(
                e.program_id, e.program_name, e.level, e.level_name, e.name, describe_dose(e.dose)
            )
            for e in plan.exercises
        ),
        last_session=last_session_text(recent),
        notes=planned.notes,
    )


HOME_DAYS = 3
"""Days ahead (today included) whose home views are kept for the next start."""


def home_views(day: DayLoaded, days: int = HOME_DAYS) -> dict[date, HomeView]:
    """Home on the loaded day and the following ones, from the same history (the gap and
    weekly rules count from each day)."""
    views = {day.today: home_view(day.loaded, day.planned, day.recent)}
    for offset in range(1, days):
        when = day.today + timedelta(days=offset)
        planned = plan_today(day.loaded, day.histories, day.moves, today=when, starts=day.starts)
        views[when] = home_view(day.loaded, planned, day.recent)
    return views


# -- carrying effects out ----------------------------------------------------------------


def carry_out(effect: Effect, history: History, load: Load) -> Result:
    """Do what ``effect`` asks through the ports, and say how it went.

    The one place the day touches the disk, always through ``history`` and ``load``;
    the shell calls it from a worker thread, never on its event loop. History failures
    come back as a result's ``problem``, never as an exception.
    """
    match effect:
        case LoadDay():
            return _load_day(effect, history, load)
        case StoreScreening(answers, outcome):
            # Stored before the next screen shows, like a set: a checklist answered and
            # then lost to a crash would be asked again, and its answers would be missing.
            return ScreeningStored(outcome, _attempt(history.record_screening, answers, outcome))
        case OpenSession():
            try:
                session_id = history.start_session(
                    source_id=effect.source_id,
                    title=effect.title,
                    source_path=effect.source_path,
                    planned_seconds=effect.planned_seconds,
                    levels=effect.levels,
                    speed=effect.speed,
                    baseline_pain=effect.baseline_pain,
                )
            except HistoryError as exc:
                return SessionOpened(-1, str(exc))
            return SessionOpened(session_id, None)
        case ClaimSession(session_id):
            return SessionOpened(session_id, _attempt(history.claim_session, session_id))
        case SaveSets(records):
            saved, problem = _save(records, history)
            return SetsSaved(saved, problem)
        case CloseSession():
            saved, problem = _save(effect.waiting, history)
            if problem is None and effect.session_id is not None:
                problem = _attempt(
                    lambda: history.finish_session(
                        effect.session_id,  # type: ignore[arg-type]
                        effect.status,
                        reason=effect.reason,
                        decisions=effect.decisions,
                    )
                )
            return SessionClosed(saved, problem)
        case CloseInterrupted(option):
            problem = _attempt(
                lambda: history.close_interrupted(
                    option.session.id, option.close_status, decisions=option.closing
                )
            )
            return InterruptedClosed(option, problem)
        case StoreLevelMove():
            problem = _attempt(
                lambda: history.record_level_move(
                    effect.session_id,
                    effect.program_id,
                    effect.from_level,
                    effect.to_level,
                    accepted=effect.accepted,
                )
            )
            return LevelMoveStored(problem)
    raise AssertionError(f"unknown effect {effect!r}")


def _attempt(action: Callable[..., object], *args: object) -> str | None:
    try:
        action(*args)
    except HistoryError as exc:
        return str(exc)
    return None


def _save(
    records: Sequence[SetRecord], history: History
) -> tuple[tuple[SetRecord, ...], str | None]:
    saved: list[SetRecord] = []
    for record in records:
        try:
            history.record_set(record)
        except HistoryError as exc:
            return tuple(saved), str(exc)
        saved.append(record)
    return tuple(saved), None


def _load_day(effect: LoadDay, history: History, load: Load) -> DayLoaded | DayFailed:
    try:
        loaded = load(effect.source)
    except SessionFileError as exc:
        return DayFailed(tuple(d.render() for d in exc.diagnostics))
    histories: dict[str, list[SessionFacts]] = {}
    moves: dict[str, list[LevelMove]] = {}
    starts: dict[str, Replay] = {}
    recent: list[SessionRecord] = []
    last_screening = None
    offer = None
    problem = None
    try:
        _read_pasts(loaded, history, histories, moves, starts)
        recent = history.recent_sessions(RECENT_SESSIONS)
        last_screening = history.last_screening()
        interrupted = [
            s for s in history.interrupted_sessions() if s.id not in effect.already_offered
        ]
        if interrupted:
            offer = _consider(
                interrupted[0], effect, loaded, (histories, moves, starts), history, load
            )
    except HistoryError as exc:
        problem = str(exc)
    planned = plan_today(loaded, histories, moves, today=effect.today, starts=starts)
    return DayLoaded(
        effect.source,
        effect.today,
        loaded,
        planned,
        histories,
        moves,
        starts,
        tuple(recent),
        last_screening,
        offer,
        problem,
    )


Pasts = tuple[dict[str, list[SessionFacts]], dict[str, list[LevelMove]], dict[str, Replay]]


def _read_pasts(
    loaded: LoadedFile,
    history: History,
    histories: dict[str, list[SessionFacts]],
    moves: dict[str, list[LevelMove]],
    starts: dict[str, Replay],
) -> None:
    """Each program's saved replay and the sessions and moves since, into the maps."""
    for program, start_level in programs_of(loaded):
        past = history.program_past(program, start_level)
        histories[program.id] = list(past.sessions)
        moves[program.id] = list(past.moves)
        if past.start is not None:
            starts[program.id] = past.start


def _consider(
    session: InterruptedSession,
    effect: LoadDay,
    loaded: LoadedFile,
    pasts: Pasts,
    history: History,
    load: Load,
) -> ResumeOption:
    """The options for an interrupted session, with its own session file and history."""
    path = Path(session.source_path)
    try:
        same = path.resolve() == effect.source.resolve()
    except (OSError, ValueError):
        same = False
    if same:
        return consider(session, loaded, pasts[0], pasts[1], effect.today, pasts[2])
    its_loaded: LoadedFile | None
    try:
        its_loaded = load(path)
    except (SessionFileError, OSError):
        its_loaded = None
    its: Pasts = ({}, {}, {})
    if its_loaded is not None:
        _read_pasts(its_loaded, history, *its)
    return consider(session, its_loaded, its[0], its[1], effect.today, its[2])
