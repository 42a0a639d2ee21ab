"""The day flow: a small coordinator over its sub-flows (see the package's docstring).

:class:`DayFlow` holds the settings and the state, each part frozen and replaced whole:
the stage with its own data (:mod:`coach.engine.day.stages`), the day as loaded, what
safety asks for, where the session's facts are and the session being played
(:mod:`coach.engine.day.context`). :meth:`DayFlow.handle` routes each input to the
sub-flow it belongs to:

* :mod:`~coach.engine.day.loading`: the day read from the disk, home, an interrupted
  session's offer;
* :mod:`~coach.engine.day.safety`: the follow-up of an earlier warning sign, the
  checklist, their advice, and the way to a function check;
* :mod:`~coach.engine.day.opening`: the baseline, a rest or easy day, storing the
  session (or claiming an interrupted one);
* :mod:`~coach.engine.day.playing` and :mod:`~coach.engine.day.correcting`: ratings,
  skips, stopping, corrections;
* :mod:`~coach.engine.day.closing`: the end, the summary, the level offer, the note.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from coach.engine.clock import Clock, WallClock, system_wall
from coach.engine.day import closing, correcting, loading, opening, playing, safety
from coach.engine.day.context import Day, Keeping, Run, Safety
from coach.engine.day.ends import load
from coach.engine.day.keeping import lost, stored
from coach.engine.day.messages import (
    AdviceAnswer,
    AdviceKind,
    BaselineAnswer,
    CheckFinished,
    ChooseSession,
    ClaimRefused,
    CorrectAsked,
    CorrectionAnswer,
    DayFailed,
    DayLoaded,
    FollowUpAnswered,
    FollowUpStored,
    Input,
    InterruptedClosed,
    LevelAnswer,
    LevelMoveStored,
    LoadDay,
    NoteStored,
    OpenSession,
    Output,
    PlayFinished,
    QuitAnswer,
    QuitAsked,
    RatingAnswer,
    RatingDue,
    ResumeAnswer,
    ScreeningAnswer,
    ScreeningStored,
    SessionClosed,
    SessionOpened,
    SetCorrected,
    SetsSaved,
    ShowError,
    SkipAnswer,
    SkipAsked,
    StartCheck,
    StartSession,
    SummaryDone,
)
from coach.engine.day.opening import rest_day_advice  # tests name it from here
from coach.engine.day.stages import Advising, At, Stage, StageState
from coach.engine.followup import FollowUpDue
from coach.engine.home import RoutineRef
from coach.engine.ids import new_id
from coach.engine.planning import Planned
from coach.engine.records import Kept, LevelMove, SessionFacts, SessionStatus, SetRecord
from coach.engine.rehearsal import is_rehearsal, speed_problem
from coach.engine.scaling import Replay
from coach.engine.screening import LastScreening
from coach.engine.session import SessionController
from coach.format.loader import LoadedFile

__all__ = ["DayFlow", "Stage", "rest_day_advice"]


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
    new_uid: Callable[[], str] = new_id
    """Names each session: time-ordered and unique (two coaches, or two computers merged
    later, never pick the same)."""
    state: StageState = field(default=At(Stage.LOADING))
    day: Day | None = None
    safety: Safety = field(default_factory=Safety)
    keeping: Keeping = field(default_factory=Keeping)
    run: Run | None = None
    offered: set[str] = field(default_factory=set)
    """Interrupted sessions offered in this run, by name (never offered twice)."""
    home_source: Path | None = None
    """The file home showed before a resume (loaded again if another coach has it)."""
    routines: tuple[RoutineRef, ...] = ()
    """The routines home lists (the ``routines`` setting): at the start and after a
    session, home shows the first not done today."""
    opened: bool = False
    """``source`` was asked for by name ('coach FILE'): the start shows it, done or not."""

    def __post_init__(self) -> None:
        problem = speed_problem(self.speed)
        if problem is not None:
            raise ValueError(problem)

    # -- what the shell and the tests read ------------------------------------------------

    @property
    def stage(self) -> Stage:
        return self.state.stage

    @property
    def rehearsal(self) -> bool:
        """Played at another speed to rehearse it, or played without saving (the person
        agreed when nothing could be saved): nothing is stored, nothing changes. Never
        at about the real pace (see :mod:`coach.engine.rehearsal`)."""
        return is_rehearsal(self.speed) or self.without_saving

    @property
    def without_saving(self) -> bool:
        return self.day is not None and self.day.without_saving

    @property
    def loaded(self) -> LoadedFile | None:
        return self.day.loaded if self.day is not None else None

    @property
    def planned(self) -> Planned | None:
        return self.day.planned if self.day is not None else None

    @property
    def histories(self) -> Mapping[str, list[SessionFacts]]:
        return self.day.histories if self.day is not None else {}

    @property
    def moves(self) -> Mapping[str, list[LevelMove]]:
        return self.day.moves if self.day is not None else {}

    @property
    def starts(self) -> Mapping[str, Replay]:
        return self.day.starts if self.day is not None else {}

    @property
    def session(self) -> SessionController | None:
        return self.run.session if self.run is not None else None

    @property
    def opening(self) -> OpenSession | None:
        return self.keeping.opening

    @property
    def unsaved(self) -> list[SetRecord]:
        """Rated sets not in the history database yet, oldest first."""
        return list(self.keeping.unsaved)

    @property
    def kept(self) -> Kept:
        return self.keeping.kept

    @property
    def journal(self) -> str | None:
        return self.keeping.journal

    @property
    def store_problem(self) -> str | None:
        return self.keeping.problem

    @property
    def follow_up(self) -> FollowUpDue | None:
        return self.safety.follow_up

    @property
    def blocked(self) -> bool:
        return self.safety.blocked

    @property
    def review(self) -> LastScreening | None:
        return self.safety.review

    @property
    def check_due(self) -> bool:
        return self.safety.check_due

    def loaded_day(self) -> Day:
        assert self.day is not None, "the day is not loaded yet"
        return self.day

    def played(self) -> Run:
        assert self.run is not None, "no session is being played"
        return self.run

    # -- the coordinator ------------------------------------------------------------------

    def begin(self) -> LoadDay:
        """The first thing to do: load the day."""
        return load(self, self.source, next_due=not self.opened)

    def handle(self, event: Input) -> list[Output]:
        """What follows ``event``, in order."""
        match event:
            case DayLoaded():
                return loading.loaded(
                    self,
                    event,
                    screening_weeks=self.screening_weeks,
                    check_weeks=self.check_weeks,
                )
            case DayFailed(lines):
                self.state = At(Stage.FAILED)
                return [ShowError("This session file has problems", lines)]
            case StartSession():
                # Only from home: a second Enter on the way out must not start twice.
                if self.stage is not Stage.HOME:
                    return []
                self.safety = replace(self.safety, check_wanted=False)
                return safety.start(self)
            case StartCheck():
                return safety.start_check(self)
            case CheckFinished(red_flag):
                return safety.check_finished(self, red_flag)
            case ChooseSession(source):
                return [load(self, source)]
            case ResumeAnswer(choice):
                return loading.resume_answered(self, choice)
            case InterruptedClosed():
                return loading.interrupted_closed(self, event)
            case ClaimRefused(problem):
                return opening.claim_refused(self, problem)
            case ScreeningAnswer(answers):
                return safety.screening_answered(self, answers)
            case ScreeningStored(outcome, problem):
                return safety.screening_stored(self, outcome, problem)
            case FollowUpAnswered(answer):
                return safety.follow_up_answered(self, answer)
            case FollowUpStored(problem):
                return safety.follow_up_stored(self, problem)
            case AdviceAnswer(go_on):
                return self._advice_answered(go_on)
            case BaselineAnswer(answer):
                return opening.baseline_given(self, answer)
            case SessionOpened(written):
                return opening.opened(self, written)
            case RatingDue(step):
                return playing.ask_rating(self, step)
            case RatingAnswer(answer):
                return playing.rated(self, answer)
            case SetsSaved(records, written):
                return playing.set_saved(self, records, written)
            case SkipAsked():
                return playing.skip_asked(self)
            case SkipAnswer(reason):
                return playing.skip_answered(self, reason)
            case QuitAsked():
                return playing.quit_asked(self)
            case QuitAnswer(stop, reason):
                return playing.quit_answered(self, stop, reason)
            case CorrectAsked():
                return correcting.correct_asked(self)
            case CorrectionAnswer(answer):
                return correcting.correction_answered(self, answer)
            case SetCorrected(record, written):
                return correcting.set_corrected(self, record, written)
            case PlayFinished():
                return closing.finish(self, SessionStatus.COMPLETED)
            case SessionClosed(records, written):
                return closing.closed(self, records, written)
            case LevelAnswer(accepted):
                return closing.level_answered(self, accepted)
            case LevelMoveStored(written):
                return stored(self, lost(written))
            case SummaryDone(note):
                return closing.summary_done(self, note)
            case NoteStored(written):
                if self.stage is not Stage.NOTING:
                    return []
                return [*stored(self, lost(written)), *closing.after_summary(self)]
        return []

    def _advice_answered(self, go_on: bool) -> list[Output]:
        """Advice is answered by the sub-flow that showed it."""
        state = self.state
        if not isinstance(state, Advising):
            return []
        match state.kind:
            case AdviceKind.RED_FLAG:
                return closing.red_flag_seen(self, state)
            case AdviceKind.HIGH_PAIN:
                return playing.high_pain_answered(self, state, go_on)
            case AdviceKind.REST_DAY:
                return opening.rest_day_answered(self, state, go_on)
            case AdviceKind.WITHDRAW if state.back is not None:
                return correcting.withdraw_answered(self, state, go_on)
        return safety.advice_answered(self, state, go_on)
