"""The day flow itself: a state machine from loading the day to the offers after the
summary (see the package's docstring)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from coach.engine.clock import Clock, WallClock, stamp, system_wall
from coach.engine.day.messages import (
    AdviceAnswer,
    AdviceKind,
    AskBaseline,
    AskCorrection,
    AskFollowUp,
    AskLevel,
    AskQuit,
    AskRating,
    AskResume,
    AskScreening,
    AskSkipReason,
    BaselineAnswer,
    CheckFinished,
    ChooseSession,
    ClaimRefused,
    ClaimSession,
    CloseInterrupted,
    CloseSession,
    CorrectAsked,
    CorrectionAnswer,
    CorrectSet,
    DayFailed,
    DayLoaded,
    FollowUpAnswered,
    FollowUpStored,
    Input,
    InterruptedClosed,
    Leave,
    LevelAnswer,
    LevelChoice,
    LevelMoveStored,
    LoadDay,
    MoveOn,
    NoteStored,
    Notice,
    OpenSession,
    Output,
    Play,
    PlayCheck,
    PlayFinished,
    QuitAnswer,
    QuitAsked,
    RatingAnswer,
    RatingDue,
    ResumeAnswer,
    ResumeChoice,
    ReviseSession,
    SaveSets,
    ScreeningAnswer,
    ScreeningStored,
    SessionClosed,
    SessionEnd,
    SessionOpened,
    SetCorrected,
    SetsSaved,
    ShowAdvice,
    ShowError,
    ShowHome,
    ShowSummary,
    SkipAnswer,
    SkipAsked,
    StartCheck,
    StartSession,
    StoreFollowUp,
    StoreLevelMove,
    StoreNote,
    StoreScreening,
    SummaryDone,
    Tone,
)
from coach.engine.day.views import home_view, safety_notes
from coach.engine.followup import (
    FollowUpAnswer,
    FollowUpDue,
    SignSource,
    next_step,
    sign_words,
)
from coach.engine.ids import new_id
from coach.engine.planning import Planned, plan_today, programs_of
from coach.engine.records import (
    HIGH_PAIN,
    RED_FLAG_REASON,
    REST_DAY,
    SIGN_WITHDRAWN,
    Kept,
    LevelMove,
    PainAnswer,
    SessionFacts,
    SessionStatus,
    SetRecord,
    SkipReason,
    Written,
    quit_reason,
    quit_skip,
)
from coach.engine.rehearsal import is_rehearsal, speed_problem
from coach.engine.resume import ResumeOption, offer_text
from coach.engine.runner import RunnerEvent
from coach.engine.safety import SafetyDue, safety_due
from coach.engine.scaling import Advice, Replay, Rule
from coach.engine.screening import (
    URGENT_TODAY_ADVICE,
    LastScreening,
    Outcome,
    assess,
)
from coach.engine.session import (
    HIGH_PAIN_ADVICE,
    RED_FLAG_ADVICE,
    AfterRating,
    SessionController,
    scaling_of,
)
from coach.engine.signs import EMERGENCY_REMINDER, TIER_ADVICE, blocks_until_seen
from coach.engine.timeline import SessionPlan, Step
from coach.format.loader import LoadedFile, RoutineFile
from coach.format.text import typed
from coach.format.v1 import Scaling


class Stage(StrEnum):
    LOADING = "loading"
    FAILED = "failed"
    RESUME = "resume question"
    HOME = "home"
    FOLLOW_UP = "warning-sign follow-up"
    SCREENING = "screening"
    ADVICE = "advice"
    BASELINE = "baseline"
    OPENING = "opening the session"
    PLAYING = "playing"
    RATING = "rating"
    SAVING = "saving a set"
    SKIPPING = "skip question"
    CORRECTING = "correcting a rating"
    CORRECTING_AFTER = "correcting a rating after the session"
    QUITTING = "quit question"
    RESTING = "storing a rest day"
    CLOSING = "closing the session"
    SUMMARY = "summary"
    NOTING = "storing the note on a session"
    LEFT = "left"
    CHECKING = "function check"


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
    check_weeks: int = 4
    """Weeks between the function checks home offers."""
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
    """Rated sets not in the history database yet, oldest first: each write carries them
    again until the history takes them. Where they are meanwhile: :attr:`kept`."""
    kept: Kept = Kept.HISTORY
    """Where the last write of this session went: the journal keeps :attr:`unsaved` safe
    on the disk; NOWHERE means the journal failed too."""
    journal: str | None = None
    """The journal file holding this session, once it has one."""
    new_uid: Callable[[], str] = new_id
    """Names each session: time-ordered and unique (two coaches, or two computers merged
    later, never pick the same)."""
    opening: OpenSession | None = None
    """The session being played, as every write of it carries it."""
    cannot_save: str | None = None
    """Why nothing played now could be saved anywhere (the history and the journal both
    refuse): the person is asked before a session starts."""
    without_saving: bool = False
    """The person chose to exercise although nothing can be saved."""
    offered: set[int] = field(default_factory=set)
    _home: ShowHome | None = None
    _offer: ResumeOption | None = None
    _home_source: Path | None = None
    """The file home showed before a resume (loaded again if another coach has it)."""
    _advice: AdviceKind | None = None
    _rating: SetRecord | None = None
    _after: Planned | None = None
    _resume_play: Callable[[], list[RunnerEvent]] | None = None
    _level_offer: tuple[str, int, int] | None = None
    _day_advice: list[Advice] = field(default_factory=list)
    follow_up: FollowUpDue | None = None
    """A warning sign of an earlier session or check, asked about before anything else."""
    blocked: bool = False
    """An urgent checklist answer today: no session until tomorrow."""
    review: LastScreening | None = None
    """The last checklist asked for a clinician's review: home says so until a later one
    clears it."""
    _follow_up_answer: FollowUpAnswer | None = None
    _advice_went_on: bool = False
    _correction_before: PainAnswer | None = None
    _withdrawing: tuple[PainAnswer, Stage] | None = None
    """A correction that would withdraw a warning sign, while the person is asked."""
    _safety_shown: tuple[str, ...] = ()
    _then: list[Output] = field(default_factory=list)
    """What follows the advice on screen (the summary after a warning sign)."""
    _baseline: int | None = None
    """What the person chose for the day (an easy day), stored with the session."""
    check_due: bool = False
    _check_wanted: bool = False
    """The person asked for a function check: it follows the checklist."""
    _check_sign: bool = False
    """A warning sign was reported after the check just played: if the history could
    not keep it (no follow-up comes from it), the checklist is asked all the same."""
    _ticked: tuple[str, ...] = ()
    """The checklist questions answered yes, while their answers are being stored."""

    @property
    def rehearsal(self) -> bool:
        """Played at another speed to rehearse it, or played without saving (the person
        agreed when nothing could be saved): nothing is stored, nothing changes. Never
        at about the real pace (see :mod:`coach.engine.rehearsal`)."""
        return is_rehearsal(self.speed) or self.without_saving

    def __post_init__(self) -> None:
        problem = speed_problem(self.speed)
        if problem is not None:
            raise ValueError(problem)

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
                # Only from home: a second Enter on the way out must not start twice.
                if self.stage is not Stage.HOME:
                    return []
                self._check_wanted = False
                return self._start()
            case StartCheck():
                return self._start_check() if self.stage is Stage.HOME else []
            case CheckFinished(red_flag, stored):
                return self._check_finished(red_flag, stored)
            case ChooseSession(source):
                return [self._load(source)]
            case ResumeAnswer(choice):
                return self._resume_answered(choice)
            case InterruptedClosed():
                return self._interrupted_closed(event)
            case ClaimRefused(problem):
                return self._claim_refused(problem)
            case ScreeningAnswer(answers):
                if self.stage is not Stage.SCREENING:
                    return []
                if answers is None:
                    # Not now: nothing stored, no session.
                    return self._blocked(_WHY[Stage.SCREENING])
                self._ticked = tuple(key for key, yes in answers.items() if yes)
                if self.without_saving:
                    return self._screened(assess(answers))  # agreed: nothing is stored
                return [StoreScreening(dict(answers), assess(answers), self.today())]
            case ScreeningStored(outcome, problem):
                if not problem:
                    # As the next start reads it from the history: a review asked for
                    # stands on home until a later checklist clears it.
                    review = LastScreening("", self.today(), outcome, self._ticked)
                    self.review = review if outcome is Outcome.REVIEW else None
                return [*self._stored(problem), *self._screened(outcome)]
            case AdviceAnswer(go_on):
                return self._advice_answered(go_on)
            case BaselineAnswer(answer):
                return self._baseline_given(answer)
            case SessionOpened(written):
                return self._opened(written)
            case RatingDue(step):
                return self._ask_rating(step)
            case RatingAnswer(answer):
                return self._rated(answer)
            case FollowUpAnswered(answer):
                return self._follow_up_answered(answer)
            case FollowUpStored(problem):
                return self._follow_up_stored(problem)
            case CorrectAsked():
                return self._correct_asked()
            case CorrectionAnswer(answer):
                return self._correction_answered(answer)
            case SetCorrected(record, written):
                return self._set_corrected(record, written)
            case SkipAsked():
                return self._skip_asked()
            case SkipAnswer(reason):
                return self._skip_answered(reason)
            case SetsSaved(records, written):
                return self._set_saved(records, written)
            case PlayFinished():
                return self._finish(SessionStatus.COMPLETED)
            case QuitAsked():
                return self._quit_asked()
            case QuitAnswer(stop, reason):
                return self._quit_answered(stop, reason)
            case SessionClosed(records, written):
                return self._closed(records, written)
            case LevelAnswer(accepted):
                return self._level_answered(accepted)
            case LevelMoveStored(written):
                return self._stored(self._lost(written))
            case SummaryDone(note):
                return self._summary_done(note)
            case NoteStored(written):
                if self.stage is not Stage.NOTING:
                    return []
                return [*self._stored(self._lost(written)), *self._after_summary()]
        return []

    # -- loading ------------------------------------------------------------------------

    def _load(self, source: Path) -> LoadDay:
        self.stage = Stage.LOADING
        return LoadDay(source, self.today(), frozenset(self.offered))

    def _loaded(self, day: DayLoaded) -> list[Output]:
        self.source, self.loaded, self.planned = day.source, day.loaded, day.planned
        self.histories, self.moves, self.starts = day.histories, day.moves, day.starts
        self.store_problem = day.problem
        # What is due is read from what the history holds, never remembered from an
        # earlier run: a new coach, started a minute later, asks the same.
        due = safety_due(
            day.safety,
            self.today(),
            screening_weeks=self.screening_weeks,
            check_weeks=self.check_weeks,
        )
        unkept_sign = self._check_sign and due.follow_up is None
        self._check_sign = False
        self.screening_due = day.problem is not None or due.checklist or unkept_sign
        self.follow_up = due.follow_up
        self.blocked = self.blocked or due.blocked
        self.review = due.review
        outputs: list[Output] = []
        if day.imported:
            outputs.append(Notice(day.imported, seconds=12))
        self.cannot_save = None
        self.without_saving = False
        saving = None
        if day.write_problem and day.journal_problem:
            self.cannot_save = (
                f"{_sentence(day.write_problem)} The journal, where coach keeps sessions "
                f"the history refuses, cannot be written either: {day.journal_problem}."
            )
            saving = f"Nothing you do now can be saved. {self.cannot_save}"
        elif day.write_problem:
            saving = (
                f"{_sentence(day.write_problem)} Your sessions are kept in the journal "
                "beside it and go into the history once it can take them."
            )
        if day.problem and saving is None:
            outputs.append(Notice(f"{_sentence(day.problem)}", Tone.ERROR, 15))
        self._safety_shown = safety_notes(due)
        self.check_due = due.check
        view = home_view(
            day.loaded,
            day.planned,
            day.recent,
            self._safety_shown,
            self.today(),
            blocked=self.blocked,
        )
        if day.problem:
            # Never 'First session: welcome' over a history that is there but unreadable.
            view = replace(
                view,
                last_session=(
                    "Your history cannot be read just now, so today's doses are the "
                    "routine's starting doses, not your progress."
                ),
            )
        if saving is not None:
            view = replace(view, notes=(*view.notes, saving))
        self._home = ShowHome(view, self.check_due)
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
        self._home_source = self.source
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
        self.unsaved, self.kept, self.journal = [], Kept.HISTORY, None
        self.session.uid = self.session.uid or self.new_uid()
        self.opening = OpenSession(
            uid=self.session.uid,
            started_at=interrupted.started_at,
            source_id=interrupted.source_id,
            title=interrupted.title,
            source_path=interrupted.source_path,
            planned_seconds=self.session.timeline.total,
            levels=dict(interrupted.levels),
            speed=interrupted.speed,
            baseline_pain=interrupted.baseline_pain,
            local_date=interrupted.day,
            utc_offset=0,
            session_id=interrupted.id,
        )
        return [ClaimSession(self.opening)]

    def _claim_refused(self, problem: str) -> list[Output]:
        """Another coach resumes or closes the interrupted session: say so, and load the
        day again without it (it is among those offered already)."""
        option = self._offer
        if option is None or self.stage not in (Stage.RESUME, Stage.OPENING):
            return []
        self._offer = None
        self.session, self.opening = None, None
        return [Notice(problem, Tone.WARNING, 12), self._load(self._home_source or self.source)]

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
        if self.blocked:
            # An urgent answer earlier today: whatever is pressed, no session until
            # tomorrow (a rehearsal neither).
            return self._advise(
                AdviceKind.URGENT, TIER_ADVICE[Outcome.URGENT][0], URGENT_TODAY_ADVICE
            )
        if self.cannot_save is not None and not self.rehearsal:
            # Never play a session whose ratings have nowhere to go unless the person
            # agrees, knowing it.
            return self._advise(
                AdviceKind.CANNOT_SAVE,
                "coach cannot save this session",
                f"{self.cannot_save}\n\nTo keep your history, choose another folder for "
                "it (or leave, free some space, and start coach again, with --data-dir and a "
                "folder you can write). You can also exercise now without saving: nothing of "
                "this session will be recorded, and tomorrow's plan will not count it.",
                go_on="Exercise without saving",
            )
        if self.rehearsal and self.without_saving:
            return self._ask_baseline()
        if self.rehearsal and self.follow_up is not None:
            # A rehearsal stores nothing, so it cannot answer the follow-up: it shows
            # the sign and stops, never plays past it.
            return self._advise(
                AdviceKind.FOLLOW_UP,
                "A warning sign waits for its follow-up",
                f"{self.follow_up.question()} A rehearsal does not play while it waits. "
                "Start coach at normal speed to say how it is now and whether a clinician "
                "has seen it.",
            )
        if self.rehearsal:
            # A coach trying a session out on someone's machine: no checklist, no history.
            notice = Notice(
                f"Rehearsal at {self.speed:g}x: nothing is stored and the plan does not change.",
                seconds=10,
            )
            return [notice, *self._ask_baseline()]
        if self.follow_up is not None:
            self.stage = Stage.FOLLOW_UP
            return [AskFollowUp(self.follow_up.question())]
        return self._checklist_or_baseline()

    def _checklist_or_baseline(self, note: str = "") -> list[Output]:
        if self.screening_due:
            self.stage = Stage.SCREENING
            return [AskScreening(note)]
        return self._ask_baseline()

    def _screened(self, outcome: Outcome) -> list[Output]:
        if outcome is Outcome.CLEAR:
            self.screening_due = False
            return self._ask_baseline()
        title, body = TIER_ADVICE[outcome]
        if outcome is Outcome.URGENT:
            self.blocked = True
            return self._advise(AdviceKind.URGENT, title, body)
        if outcome is Outcome.SAME_DAY:
            go_on = "I have already seen a doctor about this"
            return self._advise(AdviceKind.SAME_DAY, title, body, go_on=go_on)
        # A review: gentle exercise is the person's call, unless a line ticked holds
        # sessions until a clinician has seen it (as the same sign after a set does).
        go_on = (
            "A clinician has seen this and said I can exercise"
            if blocks_until_seen(self._ticked)
            else "Exercise gently today anyway"
        )
        return self._advise(AdviceKind.REVIEW, title, body, go_on=go_on)

    # -- a warning sign last time ---------------------------------------------------------

    def _follow_up_answered(self, answer: FollowUpAnswer | None) -> list[Output]:
        due = self.follow_up
        if due is None or self.stage is not Stage.FOLLOW_UP:
            return []
        if answer is None:
            return self._blocked(_WHY[Stage.FOLLOW_UP])
        self._follow_up_answer = answer
        step = next_step(answer)
        if step.choice is not None:
            # Going on is the person's call, on their clinician's word: asked first.
            return self._advise(AdviceKind.FOLLOW_UP, step.title, step.body, go_on=step.choice)
        return self._store_follow_up(cleared=step.go_on)

    def _store_follow_up(self, *, cleared: bool) -> list[Output]:
        due, answer = self.follow_up, self._follow_up_answer
        assert due is not None and answer is not None
        self.stage = Stage.FOLLOW_UP
        return [StoreFollowUp(due, answer, cleared, self.today())]

    def _follow_up_stored(self, problem: str | None) -> list[Output]:
        answer = self._follow_up_answer
        if answer is None or self.stage is not Stage.FOLLOW_UP:
            return []
        self._follow_up_answer = None
        step = next_step(answer)
        outputs = self._stored(problem)
        cleared = step.go_on or self._advice_went_on
        self._advice_went_on = False
        if not cleared:
            if step.choice is not None:
                return [*outputs, *self._blocked(_SIGN_STAYS)]
            # Still there and nobody has seen it: say so, then home.
            return [*outputs, *self._advise(AdviceKind.FOLLOW_UP, step.title, step.body)]
        self.follow_up = None
        # The checklist again, whenever it was last answered: a sign may have come since.
        self.screening_due = True
        # What the follow-up says goes inside the checklist that follows, never as a
        # notice laid over it.
        note = f"{step.title}. {step.body}" if step.title else ""
        return [*outputs, *self._checklist_or_baseline(note)]

    def _advise(
        self, kind: AdviceKind, title: str, body: str, go_on: str | None = None
    ) -> list[Output]:
        self.stage = Stage.ADVICE
        self._advice = kind
        return [ShowAdvice(kind, title, body, go_on)]

    def _advice_answered(self, go_on: bool) -> list[Output]:
        if self.stage is not Stage.ADVICE:
            return []
        kind, self._advice = self._advice, None
        session = self.session
        if kind is AdviceKind.RED_FLAG:
            # The session is already closed as a red flag: on to its summary.
            then, self._then = self._then, []
            self.stage = Stage.SUMMARY if then else self.stage
            return then or self._blocked(_SIGN_STAYS)
        if kind is AdviceKind.HIGH_PAIN and session is not None:
            resume, self._resume_play = self._resume_play, None
            if go_on:
                self.stage = Stage.PLAYING
                if resume is not None:  # after a corrected rating: play on from there
                    return [MoveOn(tuple(resume()))]
                return [MoveOn(tuple(session.runner.end_exercise()))]
            session.stop_reason = HIGH_PAIN
            session.runner.abort()
            return self._finish(SessionStatus.STOPPED)
        if kind is AdviceKind.REST_DAY:
            return self._easy_day() if go_on else self._rest_day()
        if kind is AdviceKind.WITHDRAW and self._withdrawing is not None:
            (answer, stage), self._withdrawing = self._withdrawing, None
            self.stage = stage
            return self._correct_with(answer) if go_on else self._correction_done()
        if kind is AdviceKind.CANNOT_SAVE:
            if not go_on:
                return self._blocked()
            self.without_saving = True
            # The checklist still comes first; only nothing of it is stored.
            if self.follow_up is not None:
                self.stage = Stage.FOLLOW_UP
                return [AskFollowUp(self.follow_up.question())]
            return self._checklist_or_baseline()
        if kind is AdviceKind.FOLLOW_UP:
            if self._follow_up_answer is None:
                # The advice after a follow-up that did not clear, or a rehearsal held
                # by a sign that waits for its follow-up.
                return self._blocked(_SIGN_STAYS)
            self._advice_went_on = go_on
            return self._store_follow_up(cleared=go_on)
        if kind in (AdviceKind.REVIEW, AdviceKind.SAME_DAY) and go_on:
            return self._ask_baseline()
        return self._blocked(_ADVISED.get(kind, "") if kind is not None else "")

    def _blocked(self, why: str = "") -> list[Output]:
        """No session now: back to home (or out, when started with 'coach run', saying
        ``why`` when a safety step stopped it). Home is drawn again when what it must
        say first has changed."""
        if self.skip_home:
            self.stage = Stage.LEFT
            return [Leave(why)]
        self.stage = Stage.HOME
        home = self._home
        if home is None:
            return []
        view = home.view
        safety = safety_notes(
            SafetyDue(self.follow_up, self.screening_due, self.blocked, self.review, False)
        )
        planned = tuple(n for n in view.notes if n not in self._safety_shown)
        if safety == self._safety_shown:
            return []
        self._safety_shown = safety
        if self.blocked:
            # An urgent answer: the block and what to do; no welcome, no way to start.
            view = replace(view, last_session="", blocked=True)
        self._home = ShowHome(replace(view, notes=(*safety, *planned)), self.check_due)
        return [self._home]

    def _ask_baseline(self) -> list[Output]:
        if self._check_wanted:
            # The checklist is clear (or was not due): the check the person asked for.
            return self._play_check()
        self.stage = Stage.BASELINE
        return [
            AskBaseline(
                "Before we start: how does your back feel right now?",
                "Compare it with how it usually feels: coach checks it against your usual "
                "mornings.",
            )
        ]

    def _baseline_given(self, answer: PainAnswer | None) -> list[Output]:
        if self.stage is not Stage.BASELINE:
            return []
        assert self.loaded is not None
        if answer is None:
            return self._blocked()  # back: no session now
        baseline = answer.pain
        # Today's checks need the baseline: the next morning, the week with today in it.
        planned = plan_today(
            self.loaded,
            self.histories,
            self.moves,
            today=self.today(),
            baseline_today=baseline,
            starts=self.starts,
        )
        self.planned = planned
        self._baseline = baseline
        self._day_advice = []
        outputs: list[Output] = [*self._check_notices(planned)]
        rest_day = any(p.rest_day for p in planned.programs.values())
        if baseline is not None and rest_day and not self.rehearsal:
            easy = self._easy_programs()
            return outputs + self._advise(
                AdviceKind.REST_DAY,
                "An easy day today",
                rest_day_advice(baseline),
                go_on="Mobility only" if easy else None,
            )
        return outputs + self._open(planned.plan)

    def _check_notices(self, planned: Planned) -> list[Output]:
        """Say before the session starts what today's checks changed, in one sentence."""
        notices: list[Output] = []
        usual = [p.morning_note for p in planned.programs.values() if p.morning_note]
        if usual and not any(p.rest_day for p in planned.programs.values()):
            notices.append(Notice(usual[0], seconds=10))
        rules = {d.rule for d in planned.checks}
        if Rule.MORNING_CHECK in rules:
            first = next(d for d in planned.checks if d.rule is Rule.MORNING_CHECK)
            why = first.reason.split(", after")[0]
            notices.append(Notice(f"{why}: what you did last time steps back today.", seconds=10))
        elif Rule.WEEKLY_STEP_BACK in rules:
            # The engine's own sentence: what the week's rule did today, as it did it.
            rising = (
                a.reason
                for p in planned.programs.values()
                for a in p.advice
                if a.rule is Rule.RISING_WEEK
            )
            notices.append(Notice(next(rising), seconds=10))
        return notices

    def _easy_programs(self) -> list[str]:
        """The routine's programs for an easy day (none for a single program)."""
        loaded = self.loaded
        if not isinstance(loaded, RoutineFile):
            return []
        return [
            pf.program.id
            for pf, ref in zip(loaded.programs, loaded.routine.programs, strict=True)
            if ref.easy_day
        ]

    def _easy_day(self) -> list[Output]:
        """A very painful morning, and the person chose mobility only."""
        assert self.planned is not None
        easy = set(self._easy_programs())
        plan = self.planned.plan
        only = replace(plan, exercises=tuple(e for e in plan.exercises if e.program_id in easy))
        self._day_advice = [
            Advice(
                "",
                Rule.EASY_DAY,
                f"Starting pain {self._baseline}/10: an easy day, mobility only.",
                {"baseline": self._baseline},
            )
        ]
        return self._open(only)

    def _rest_day(self) -> list[Output]:
        """A very painful morning, and the person rests: stored, so the week's trend and
        the usual starting pain count this morning too."""
        assert self.planned is not None
        self._day_advice = [
            Advice(
                "",
                Rule.REST_DAY,
                f"Starting pain {self._baseline}/10: a rest day.",
                {"baseline": self._baseline},
            )
        ]
        plan = replace(self.planned.plan, exercises=())
        outputs = self._open(plan)
        self.stage = Stage.RESTING
        return outputs

    def _open(self, plan: SessionPlan) -> list[Output]:
        """Store the session about to be played (nothing in a rehearsal)."""
        assert self.loaded is not None and self.planned is not None
        session = self.session = self._controller(plan, self.loaded)
        session.baseline = self._baseline
        session.rehearsal = self.rehearsal
        self.stage = Stage.OPENING
        self.unsaved, self.kept, self.journal = [], Kept.HISTORY, None
        now = self.wall()
        session.started_at, session.uid = stamp(now), self.new_uid()
        if self.rehearsal:
            self.opening = None
            return self._opened(Written(Kept.HISTORY, 0))
        offset = now.astimezone().utcoffset()
        self.opening = OpenSession(
            uid=session.uid,
            started_at=session.started_at,
            source_id=session.plan.source_id,
            title=session.plan.title,
            source_path=str(session.source_path),
            planned_seconds=session.timeline.total,
            levels=dict(session.plan.levels),
            speed=self.speed,
            baseline_pain=self._baseline,
            local_date=self.today(),
            utc_offset=round(offset.total_seconds() / 60) if offset is not None else 0,
            checks=self.planned.checks,
        )
        return [self.opening]

    def _controller(self, plan: SessionPlan, loaded: LoadedFile) -> SessionController:
        return SessionController(
            plan,
            scaling_of(loaded),
            self.source,
            clock=self.clock,
            wall=self.wall,
            speed=self.speed,
        )

    def _opened(self, written: Written) -> list[Output]:
        session = self.session
        if session is None or self.stage not in (Stage.OPENING, Stage.RESTING):
            return []
        session.session_id = written.session_id if written.kept is Kept.HISTORY else -1
        if written.session_id is not None and written.session_id >= 0:
            session.session_id = written.session_id  # a resumed session keeps its row
        notes = self._kept((), written)
        if self.stage is Stage.RESTING:
            session.stop_reason = REST_DAY
            return [*notes, *self._finish(SessionStatus.STOPPED)]
        self.stage = Stage.PLAYING
        return [*notes, Play(session)]

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
        if self.rehearsal or self.opening is None:
            return self._set_saved((record,), Written(Kept.HISTORY, session.session_id))
        # Every set the history has not taken yet goes with it, oldest first, and the
        # session's row when it has none: acknowledged only once durable somewhere.
        return [SaveSets(self.opening, (*self.unsaved, record))]

    def _set_saved(self, records: tuple[SetRecord, ...], written: Written) -> list[Output]:
        session, record = self.session, self._rating
        if session is None or record is None or self.stage is not Stage.SAVING:
            return []
        self._rating = None
        outputs = self._kept(records, written)
        outcome = session.accept(record)
        self.stage = Stage.PLAYING
        return outputs + self._after_rating(outcome, record)

    def _after_rating(self, outcome: AfterRating, record: SetRecord) -> list[Output]:
        """What follows a rating (or a corrected one): a warning sign closes the session at
        once, very high pain asks, pain above the zone ends the exercise."""
        session = self.session
        assert session is not None
        outputs: list[Output] = []
        if outcome is AfterRating.RED_FLAG:
            # Closed as a red flag before the advice shows: closing coach on the advice
            # must not leave it 'interrupted'.
            self._resume_play = None
            return self._finish(SessionStatus.RED_FLAG)
        if outcome is AfterRating.HIGH_PAIN:
            return outputs + self._advise(
                AdviceKind.HIGH_PAIN,
                f"Pain {record.answer.pain}/10: stop for today?",
                HIGH_PAIN_ADVICE,
                # After the last exercise there is nothing to carry on with.
                go_on="Carry on with the next exercise" if session.exercise_follows() else None,
            )
        runner = session.runner
        resume, self._resume_play = self._resume_play, None
        events = resume() if resume is not None else []
        if outcome is AfterRating.REOPEN:
            left = record.sets_planned - record.set_number
            which = (
                f"set {record.sets_planned} of {record.sets_planned} is"
                if left == 1
                else f"sets {record.set_number + 1} to {record.sets_planned} are"
            )
            outputs.append(
                Notice(
                    f"{record.exercise_name} goes on after all: {which} played after all.",
                    seconds=8,
                )
            )
            return [*outputs, MoveOn((*events, *session.reopen(record)))]
        if outcome is AfterRating.END_EXERCISE:
            outputs.append(
                Notice(
                    f"Pain {record.answer.pain}/10 is above the acceptable zone, so "
                    f"{record.exercise_name} ends here for today. That is the plan working, "
                    "not a failure.",
                    seconds=8,
                )
            )
            return [*outputs, MoveOn((*events, *runner.end_exercise()))]
        if resume is not None:
            return [*outputs, MoveOn(tuple(events))]  # a correction: play on
        return [*outputs, MoveOn(tuple(runner.rated()))]

    # -- correcting the last rating -------------------------------------------------------

    def _correct_asked(self) -> list[Output]:
        session = self.session
        if session is None or self.stage not in (Stage.PLAYING, Stage.SUMMARY):
            return []
        record = session.last_record
        if record is None:
            return [Notice("No set has been rated yet in this session.", seconds=4)]
        if self.stage is Stage.PLAYING:
            self._resume_play = session.hold_still()
            self.stage = Stage.CORRECTING
            head: list[Output] = [MoveOn()]
        else:
            self.stage = Stage.CORRECTING_AFTER
            head = []
        item = session.plan.exercises[record.exercise_index]
        limits = session.scaling.get(item.program_id, Scaling())
        title = (
            f"Correct your rating: {record.exercise_name}, set {record.set_number} of "
            f"{record.sets_planned}"
        )
        return [
            *head,
            AskCorrection(title, limits.safe_max, limits.acceptable_max, record.answer),
        ]

    def _correction_answered(self, answer: PainAnswer | None) -> list[Output]:
        session = self.session
        if session is None or self.stage not in (Stage.CORRECTING, Stage.CORRECTING_AFTER):
            return []
        last = session.last_record
        assert last is not None
        if answer is None or answer == last.answer:
            return self._correction_done()
        withdrawn = _withdrawn(last.answer, answer)
        if withdrawn:
            # Withdrawing a warning sign is asked first; keeping it is the default.
            self._withdrawing = (answer, self.stage)
            return self._advise(
                AdviceKind.WITHDRAW,
                "Withdraw a warning sign?",
                f"You reported {_listed(withdrawn)} after {last.exercise_name}, set "
                f"{last.set_number}. Withdraw it only if it was a slip of the key. If you "
                "felt it, keep it: it is what your clinician needs to know. Your first "
                "answer stays in your history beside the correction.",
                go_on="Withdraw it: it was a slip",
            )
        return self._correct_with(answer)

    def _correct_with(self, answer: PainAnswer) -> list[Output]:
        session = self.session
        assert session is not None
        last = session.last_record
        assert last is not None
        before = last.answer
        record = session.correct(answer)
        if record.session_id < 0 and session.session_id is not None:
            # Rated before the session's row existed: it is the row it is in now.
            record = replace(record, session_id=session.session_id)
        if self.rehearsal or self.opening is None:
            return self._corrected(record)  # nothing is stored
        self._correction_before = before
        # The correction goes wherever the session is, like any rating: with every set
        # still waiting for the history, in its place among them.
        waiting = [r for r in self.unsaved if not _same_set(r, record)]
        records = (*waiting, record)
        if self.stage is Stage.CORRECTING:
            return [CorrectSet(self.opening, records, record)]
        status, reason, after = self._revised(record)
        self._after = after
        advice = [a for p in after.programs.values() for a in p.advice]
        end = SessionEnd(status, reason, after.decisions, tuple(advice))
        return [ReviseSession(self.opening, records, record, end)]

    def _set_corrected(self, record: SetRecord, written: Written) -> list[Output]:
        session = self.session
        if session is None or self.stage not in (Stage.CORRECTING, Stage.CORRECTING_AFTER):
            return []
        problem = self._lost(written)
        notes: list[Output] = []
        if problem is None:
            waiting = tuple(r for r in self.unsaved if not _same_set(r, record))
            after = self.stage is Stage.CORRECTING_AFTER  # the summary says where it is
            notes = self._kept((*waiting, record), written, closing=after)
        if problem is not None:
            # Not stored: the first rating stands, on screen as in the history.
            before = self._correction_before
            assert before is not None
            session.correct(before)
            if self.stage is Stage.CORRECTING_AFTER:
                self._revised(session.last_record or record)
            notice = Notice(
                f"Could not store the corrected rating: {problem}. The history keeps the "
                "first one.",
                Tone.ERROR,
                12,
            )
            return [notice, *self._correction_done()]
        return [*notes, *self._corrected(record)]

    def _corrected(self, record: SetRecord) -> list[Output]:
        """The correction is stored: act on it as on a new rating."""
        session = self.session
        assert session is not None
        self._correction_before = None
        note = Notice(
            f"Corrected: {record.exercise_name}, set {record.set_number}, pain "
            f"{'not rated' if record.answer.pain is None else f'{record.answer.pain}/10'}.",
            seconds=5,
        )
        if self.stage is Stage.CORRECTING_AFTER:
            return [note, *self._summary_again()]
        self.stage = Stage.PLAYING
        return [note, *self._after_rating(session.after_correction(record), record)]

    def _correction_done(self) -> list[Output]:
        """Back where the correction was asked from, nothing changed."""
        if self.stage is Stage.CORRECTING_AFTER:
            self.stage = Stage.SUMMARY
            return []
        self.stage = Stage.PLAYING
        resume, self._resume_play = self._resume_play, None
        return [MoveOn(tuple(resume()))] if resume is not None else []

    def _revised(self, record: SetRecord) -> tuple[SessionStatus, str | None, Planned]:
        """The session's outcome and next time's plan with ``record`` in it (after the
        summary)."""
        session = self.session
        assert session is not None and self.loaded is not None
        if record.answer.red_flag:
            session.status, session.stop_reason = SessionStatus.RED_FLAG, None
        elif session.status is SessionStatus.RED_FLAG:
            # The warning sign was a slip, corrected: the session did stop there.
            session.status, session.stop_reason = SessionStatus.STOPPED, SIGN_WITHDRAWN
        after = session.plan_after(
            self.loaded, self.histories, self.moves, self.today(), self.starts
        )
        self._after = after
        reason = (
            RED_FLAG_REASON if session.status is SessionStatus.RED_FLAG else session.stop_reason
        )
        return session.status, reason, after

    def _summary_again(self) -> list[Output]:
        """The summary, redrawn after a correction (the advice first for a new sign)."""
        session, after = self.session, self._after
        assert session is not None and after is not None
        self.follow_up = self._sign_of(session)
        summary = ShowSummary(session.summary(after), self._where())
        if session.status is SessionStatus.RED_FLAG:
            self._then = [summary]
            return self._advise(
                AdviceKind.RED_FLAG, "Please stop and see a clinician", RED_FLAG_ADVICE
            )
        self.stage = Stage.SUMMARY
        return [summary]

    def _sign_of(self, session: SessionController) -> FollowUpDue | None:
        """The follow-up a warning sign in ``session`` calls for, if it had one."""
        if session.status is not SessionStatus.RED_FLAG:
            if self.follow_up is not None and self.follow_up.session_id == session.session_id:
                return None  # the sign was withdrawn (a corrected rating)
            return self.follow_up
        if session.session_id is None or session.session_id < 0 or self.rehearsal:
            return self.follow_up
        last = session.last_record
        answer = last.answer if last is not None else PainAnswer(None)
        signs = sign_words(answer.numbness, answer.leg_weakness, answer.pain_below_knee)
        return FollowUpDue(session.session_id, self.today(), signs, SignSource.SESSION)

    def _skip_asked(self) -> list[Output]:
        session = self.session
        if session is None or self.stage is not Stage.PLAYING:
            return []
        step = session.runner.step
        if step is None or not step.kind.is_work:
            return [MoveOn(tuple(session.runner.skip()))]
        if step.self_timed:
            # A hold the person ends ('up to 45 s'): N is its end, not a set cut short.
            return [MoveOn(tuple(session.runner.end_hold()))]
        # Skipping work cuts a set short: ask why, with the clock stopped, so that only
        # pain counts as pain.
        self._resume_play = session.hold_still()
        self.stage = Stage.SKIPPING
        item = session.plan.exercises[step.exercise_index]
        return [MoveOn(), AskSkipReason(f"{item.name}, set {step.set_number} of {step.sets}")]

    def _skip_answered(self, reason: SkipReason | None) -> list[Output]:
        session, resume = self.session, self._resume_play
        if session is None or resume is None or self.stage is not Stage.SKIPPING:
            return []
        self._resume_play = None
        self.stage = Stage.PLAYING
        events = resume()
        if reason is not None:
            events += session.skip(reason)
        return [MoveOn(tuple(events))]

    def _quit_asked(self) -> list[Output]:
        session = self.session
        if session is None or self.stage is not Stage.PLAYING:
            return []
        # The clock stops while the question is up: a pain prompt must not pop up over
        # it, and the hold must not run out unattended.
        self._resume_play = session.hold_still()
        self.stage = Stage.QUITTING
        return [MoveOn(), AskQuit(f"Stop this session? {self._rated_so_far()}")]

    def _quit_answered(self, stop: bool, reason: SkipReason | None = None) -> list[Output]:
        session, resume = self.session, self._resume_play
        if session is None or resume is None or self.stage is not Stage.QUITTING:
            return []
        self._resume_play = None
        if stop:
            # Stored with the session: the rules read why (only pain costs a step).
            session.stop_reason = quit_reason(reason or SkipReason.OTHER)
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
        if self.rehearsal or self.opening is None:
            return self._closed((), Written(Kept.HISTORY, session.session_id))
        status = session.status
        reason = RED_FLAG_REASON if status is SessionStatus.RED_FLAG else session.stop_reason
        advice = [*self._day_advice, *(a for p in after.programs.values() for a in p.advice)]
        if reason == HIGH_PAIN:
            peak = max((s.pain for s in session.rated if s.pain is not None), default=None)
            advice.append(
                Advice("", Rule.HIGH_PAIN, f"Stopped for today at pain {peak}/10.", {"peak": peak})
            )
        end = SessionEnd(status, reason, after.decisions, tuple(advice))
        return [CloseSession(self.opening, end, tuple(self.unsaved))]

    def _closed(self, records: tuple[SetRecord, ...], written: Written) -> list[Output]:
        session, after = self.session, self._after
        if session is None or after is None or self.stage is not Stage.CLOSING:
            return []
        notes = self._kept(records, written, closing=True)
        if session.stop_reason == REST_DAY:
            notice = Notice(
                "Rest day noted. Gentle walking and changing position often help; see a "
                "doctor or physiotherapist if the pain does not settle.",
                seconds=12,
            )
            return [*notes, notice, *self._blocked()]
        summary = ShowSummary(session.summary(after), self._where())
        if session.status is SessionStatus.RED_FLAG:
            # Stored as a red flag: now the advice, then the summary.
            self.follow_up = self._sign_of(session)
            self._then = [summary]
            return [
                *notes,
                *self._advise(
                    AdviceKind.RED_FLAG, "Please stop and see a clinician", RED_FLAG_ADVICE
                ),
            ]
        self.stage = Stage.SUMMARY
        outputs: list[Output] = [*notes, summary]
        settled = session.stop_reason is None or quit_skip(session.stop_reason) is not None
        if settled and not self.rehearsal:
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
        # What the file says of the two levels: the criterion of the one left, and what
        # the one offered is for (issue 25: the stage criterion at the moment of decision).
        program = (
            next((p for p, _ in programs_of(self.loaded) if p.id == program_plan.program_id), None)
            if self.loaded is not None
            else None
        )
        if program is None:
            return [AskLevel(name, program_plan.level, to_level, up)]
        here = program.levels[program.level_number(program_plan.level) - 1]
        there = program.levels[program.level_number(to_level) - 1]
        return [
            AskLevel(
                name,
                program_plan.level,
                to_level,
                up,
                here.advance_when if up else "",
                there.name,
                there.description,
            )
        ]

    def _level_answered(self, accepted: bool) -> list[Output]:
        session, offer = self.session, self._level_offer
        self._level_offer = None
        if session is None or offer is None:
            return []
        if self.opening is None:
            return []  # a rehearsal: nothing is stored
        program_id, from_level, to_level = offer
        choice = LevelChoice(program_id, from_level, to_level, accepted)
        return [StoreLevelMove(self.opening, choice)]

    # -- after the summary -------------------------------------------------------------

    def _summary_done(self, note: str) -> list[Output]:
        """Done: keep the note (if any, and if the session was stored), then home."""
        if self.stage is not Stage.SUMMARY:
            return []
        session = self.session
        # As typed, without what a terminal would act on (the input refuses it too).
        note = typed(note)
        if note and session is not None and self.opening is not None:
            # Kept with the session, wherever it is (the history, or its journal).
            self.stage = Stage.NOTING
            return [StoreNote(self.opening, note)]
        return self._after_summary()

    def _after_summary(self) -> list[Output]:
        """Home again, with today's plan read afresh; out when started by 'coach run'."""
        if self.skip_home:
            self.stage = Stage.LEFT
            return [Leave()]
        self.session = None
        self._after = None
        return [self._load(self.source)]

    # -- a function check (coach.engine.checks plays it) -------------------------------

    def _start_check(self) -> list[Output]:
        if self.stage is not Stage.HOME:
            return []
        if self.rehearsal:
            return [Notice("A rehearsal does not do function checks.", seconds=6)]
        self._check_wanted = True
        return self._start()

    def _play_check(self) -> list[Output]:
        self._check_wanted = False
        self.stage = Stage.CHECKING
        return [PlayCheck()]

    def _check_finished(self, red_flag: bool, stored: bool) -> list[Output]:
        if self.stage is not Stage.CHECKING:
            return []
        # Home again, read afresh: what the check stored decides what is due now. A nerve
        # symptom after its holds waits for its follow-up like one during a session
        # (then the checklist), before any exercise or another check.
        self._check_sign = red_flag
        return [self._load(self.source)]

    @staticmethod
    def _lost(written: Written) -> str | None:
        """Why a fact could not be kept anywhere (None when the history or the journal
        holds it)."""
        if written.kept is not Kept.NOWHERE:
            return None
        return written.problem or "neither the history nor the journal could take it"

    def _stored(self, problem: str | None) -> list[Output]:
        """A notice when the history refused a write."""
        if not problem:
            return []
        self.store_problem = problem
        return [Notice(f"Could not save: {problem}.", Tone.ERROR, 15)]

    def _kept(
        self, records: tuple[SetRecord, ...], written: Written, *, closing: bool = False
    ) -> list[Output]:
        """Where a write of the session went: remember it, and tell the person what is
        true (only what is true: 'saved' only once it is on the disk)."""
        session, before = self.session, self.kept
        self.kept = written.kept
        if written.kept is Kept.HISTORY:
            self.unsaved = []
            unknown = session is not None and (session.session_id or -1) < 0
            if session is not None and unknown and written.session_id is not None:
                session.session_id = written.session_id
            if before is Kept.HISTORY or closing:
                return []
            return [Notice("The history can take ratings again: every set is in it now.")]
        if records:
            self.unsaved = list(records)  # every set not yet in the history, in order
        self.store_problem = written.problem
        problem = written.problem or "the history refused it"
        if written.kept is Kept.JOURNAL:
            self.journal = written.journal
            if before is Kept.JOURNAL or closing:
                return []
            return [
                Notice(
                    f"The history cannot take this session now: {problem}. Every rating is "
                    f"kept safely in the journal ({written.journal}) and goes into the "
                    "history at the next start.",
                    Tone.WARNING,
                    15,
                )
            ]
        if closing:
            return []  # the summary says it
        return [
            Notice(
                f"NOT saved: {problem}. Please note your ratings down; coach tries again "
                "with the next one.",
                Tone.ERROR,
                20,
            )
        ]

    def _where(self) -> str:
        """The summary's line about where the session is kept."""
        if self.without_saving:
            return "Not saved, as you chose: nothing of this session was recorded."
        if self.rehearsal:
            return "Nothing was stored."
        if self.kept is Kept.HISTORY:
            return f"Saved in {self.saved_to}"
        if self.kept is Kept.JOURNAL:
            return (
                f"Kept in the journal {self.journal} (the history could not take it: "
                f"{self.store_problem}); it goes into the history at the next start."
            )
        count = len(self.unsaved)
        return (
            f"NOT saved: {self.store_problem}. {count} rated set{'s' if count != 1 else ''} "
            "could not be written anywhere; coach tries once more as it closes."
        )

    def _rated_so_far(self) -> str:
        """What is true of the sets rated so far (for the question before stopping)."""
        if self.rehearsal:
            return "Nothing of it is stored."
        if self.kept is Kept.HISTORY or not self.unsaved:
            return "The sets you rated are saved."
        if self.kept is Kept.JOURNAL:
            return "The sets you rated are kept safely in the journal."
        count = len(self.unsaved)
        return f"{count} rated set{'s' if count != 1 else ''} could not be saved yet."


_WHY = {
    Stage.SCREENING: "Nothing played: the safety checklist was left unanswered.",
    Stage.FOLLOW_UP: "Nothing played: the question about the last warning sign was left "
    "unanswered.",
}
_SIGN_STAYS = "Nothing played: a warning sign waits until it has gone or a clinician has seen it."
_ADVISED = {
    AdviceKind.URGENT: "Nothing played: a sign that needs emergency care was reported today.",
    AdviceKind.SAME_DAY: "Nothing played: the safety checklist asks you to see a doctor today.",
    AdviceKind.REVIEW: "Nothing played: the safety checklist asks you to see a clinician.",
}
"""Why ``coach run`` left without playing, after each kind of safety advice."""


def _withdrawn(before: PainAnswer, after: PainAnswer) -> tuple[str, ...]:
    """The warning signs of ``before`` that ``after`` no longer has, in words."""
    was = sign_words(before.numbness, before.leg_weakness, before.pain_below_knee)
    now = sign_words(after.numbness, after.leg_weakness, after.pain_below_knee)
    return tuple(words for words in was if words not in now)


def _listed(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first and a full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def rest_day_advice(baseline: int) -> str:
    return (
        f"Your back is at {baseline}/10 this morning, which is high. Today is a day to be "
        "kind to it: rest if you need to, walk a little and change position often; gentle "
        "movement helps more than staying still. Your plan waits for you.\n\n"
        "If the pain is new or much worse than usual, or it comes with numbness, weakness "
        f"in a leg or a fever, see a doctor today. {EMERGENCY_REMINDER}"
    )


def _same_set(a: SetRecord, b: SetRecord) -> bool:
    return (a.session_id, a.exercise_index, a.set_number, a.attempt) == (
        b.session_id,
        b.exercise_index,
        b.set_number,
        b.attempt,
    )
