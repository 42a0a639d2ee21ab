"""One session from its first step to its summary: the runner plus what the user answered.

The day flow (:mod:`coach.engine.day`) owns the screens' order; this owns one session's
decisions: what a pain answer means (carry on, end this exercise for today, or stop and
see a clinician), what gets stored for each set, and what the summary says.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from coach.engine.clock import Clock, WallClock, stamp, system_wall
from coach.engine.planning import Planned, plan_today, programs_of
from coach.engine.records import (
    HIGH_PAIN,
    InterruptedSession,
    LevelMove,
    PainAnswer,
    SessionFacts,
    SessionStatus,
    SetFacts,
    SetRecord,
    SkipReason,
)
from coach.engine.runner import RunnerEvent, RunState, SessionRunner
from coach.engine.scaling import Replay
from coach.engine.signs import EMERGENCY_REMINDER
from coach.engine.timeline import SessionPlan, Step, Timeline, build_timeline
from coach.format.loader import LoadedFile
from coach.format.v1 import Scaling

__all__ = [
    "HIGH_PAIN_ADVICE",
    "RED_FLAG_ADVICE",
    "AfterRating",
    "SessionController",
    "SessionSummary",
    "after_rating",
    "scaling_of",
]

RED_FLAG_ADVICE = (
    "Stop here for today. Numbness or tingling, weakness in a leg, or pain spreading "
    "below the knee can mean a nerve is irritated, and that needs a clinician's eyes "
    "before you exercise again. Contact your doctor or physiotherapist soon.\n\n"
    "Seek emergency care now if you also notice numbness around the groin or buttocks, "
    "new trouble passing or holding urine or stools, or leg weakness that is quickly "
    "getting worse."
)


class AfterRating(StrEnum):
    CONTINUE = "continue"
    END_EXERCISE = "end exercise"
    """Pain above the acceptable zone: the remaining sets of this exercise are skipped."""
    HIGH_PAIN = "high pain"
    """Pain at or above the program's stop_session_at: offer to end the whole session."""
    RED_FLAG = "red flag"
    """Stop the session and advise seeing a clinician."""
    REOPEN = "reopen"
    """A corrected rating no longer ends the exercise coach ended for it, and nothing
    since has begun: its remaining sets are played after all."""


HIGH_PAIN_ADVICE = (
    "That is a lot of pain for an exercise session. Stopping here is the safe choice: "
    "the sets you rated are kept, and the next session starts a step lower.\n\n"
    "Rest in a comfortable position and move gently through the day. If the pain does not "
    "ease over the next days, or you notice numbness or tingling or weakness in a leg, see "
    f"a doctor or physiotherapist. {EMERGENCY_REMINDER}"
)


def after_rating(record: SetRecord, limits: Scaling) -> AfterRating:
    """What a rated set asks for, by the in-session rules: a warning sign stops the
    session, pain at or above ``stop_session_at`` offers to stop it (carrying on ends the
    exercise), pain above the acceptable zone ends the exercise before its last set, and
    anything else carries on. The one place these rules are written (the day and the demo
    history both ask it)."""
    if record.answer.red_flag:
        return AfterRating.RED_FLAG
    pain = record.answer.pain
    if pain is not None and pain >= limits.stop_session_at:
        return AfterRating.HIGH_PAIN
    too_high = pain is not None and pain > limits.acceptable_max
    if too_high and record.set_number < record.sets_planned:
        return AfterRating.END_EXERCISE
    return AfterRating.CONTINUE


def scaling_of(loaded: LoadedFile) -> dict[str, Scaling]:
    return {program.id: program.scaling for program, _ in programs_of(loaded)}


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    """One exercise in the summary."""

    name: str
    sets_rated: int
    sets_planned: int
    ratings: tuple[int | None, ...]
    program_id: str = ""
    exercise_id: str = ""
    """Which exercise it is: the decisions about it are found by these, never by its
    name (two programs may each have a 'Bird dog')."""
    rated: bool = True
    """False for an exercise written 'rate: false' (a warm-up): ``sets_rated`` counts
    the sets played, and there are no ratings."""
    per_set: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    """Its doses written per set (a pyramid), to describe next time's dose."""


@dataclass(frozen=True, slots=True)
class SessionSummary:
    status: SessionStatus
    baseline: int | None
    results: tuple[ExerciseResult, ...]
    after: Planned
    """The plan for next time, with the decisions this session led to."""
    elapsed_seconds: float
    stop_reason: str | None = None
    high_pain_from: int = 8
    """The lowest stop_session_at among the session's programs."""
    rehearsal: bool = False
    """Played at another speed: nothing was stored."""
    over_zone: int | None = None
    """The highest rating above its program's acceptable zone (None when none was)."""
    hurt: bool = False
    """A set was cut short because it hurt."""

    @property
    def peak(self) -> int | None:
        found = [p for r in self.results for p in r.ratings if p is not None]
        return max(found) if found else None

    @property
    def headline(self) -> str:
        """The first line of the summary: never 'well done' after pain that high."""
        peak = self.peak
        if self.rehearsal:
            return "Rehearsal over. Nothing was stored and the plan has not changed."
        if self.status is SessionStatus.RED_FLAG:
            return "Session stopped for your safety. Please see a clinician."
        if self.stop_reason == HIGH_PAIN:
            return f"Session stopped: pain {peak}/10 is too high today. Go gently."
        if self.status is SessionStatus.STOPPED:
            # Where the sets are is said beneath, truthfully (the day flow knows).
            return "Session stopped early."
        if peak is not None and peak >= self.high_pain_from:
            return f"Session over. Pain reached {peak}/10: take it easy for the rest of the day."
        if self.over_zone is not None:
            return (
                f"Session over. Pain reached {self.over_zone}/10, above the acceptable zone: "
                "go gently for the rest of the day."
            )
        if self.hurt:
            return (
                "Session over. A set was stopped because it hurt: go gently for the rest of "
                "the day."
            )
        return "Session complete. Well done."


@dataclass
class SessionController:
    """Drives one session: the runner, the answers, the records."""

    plan: SessionPlan
    scaling: Mapping[str, Scaling]
    source_path: Path
    clock: Clock = time.monotonic
    wall: WallClock = system_wall
    speed: float = 1.0
    timeline: Timeline = field(init=False)
    runner: SessionRunner = field(init=False)
    started_at: str = ""
    """When the session started (as stored) and its identity: where it comes among the
    day's sessions, whether its row exists yet or not (see SessionFacts.order)."""
    uid: str = ""
    baseline: int | None = None
    rated: list[SetFacts] = field(default_factory=list)
    """Every rated set, in order."""
    status: SessionStatus = SessionStatus.RUNNING
    stop_reason: str | None = None
    started_monotonic: float | None = None
    rehearsal: bool = False
    """Played at another speed than 1 to rehearse it: nothing is stored."""
    last_record: SetRecord | None = None
    """The latest rating given in this run (the one a correction replaces)."""
    _last_index: int = -1
    _step_started_wall: dict[tuple[int, int], str] = field(default_factory=dict)
    _skipped: dict[tuple[int, int], SkipReason] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.timeline = build_timeline(self.plan)
        self.runner = SessionRunner(self.timeline, clock=self.clock, speed=self.speed)

    def resume(
        self, session: InterruptedSession, step_index: int, ended_exercises: frozenset[int]
    ) -> None:
        """Carry on an interrupted session: its rated sets count, the runner starts at
        ``step_index``."""
        self.started_at, self.uid = session.started_at, session.uid
        self.baseline = session.baseline_pain
        self.rated = list(session.sets)
        self.runner.start_at(step_index, ended_exercises=ended_exercises)

    def note_step_started(self, step: Step) -> None:
        """Remember when each set's first step began, for the record."""
        key = (step.exercise_index, step.set_number)
        if step.kind.is_work and key not in self._step_started_wall:
            self._step_started_wall[key] = stamp(self.wall())

    def start(self) -> list[RunnerEvent]:
        """The player is on screen: the session's clock starts."""
        if self.started_monotonic is None:
            self.started_monotonic = self.clock()
        return self.runner.start()

    def skip(self, reason: SkipReason) -> list[RunnerEvent]:
        """The person skips the rest of the step they are in, and said why."""
        step = self.runner.step
        if step is not None and step.kind.is_work:
            self._skipped[(step.exercise_index, step.set_number)] = reason
        return self.runner.skip()

    def record_for(self, answer: PainAnswer) -> SetRecord:
        """The row to store for the set being rated now."""
        step = self.runner.step
        assert step is not None and self.uid
        item = self.plan.exercises[step.exercise_index]
        outcome = self.runner.set_outcome(step.exercise_index, step.set_number)
        return SetRecord(
            session_uid=self.uid,
            exercise_index=step.exercise_index,
            program_id=item.program_id,
            level=item.level,
            exercise_id=item.key,
            exercise_name=item.name,
            kind=item.exercise.kind,
            set_number=step.set_number,
            sets_planned=item.dose.sets,
            planned=item.dose,
            planned_work_seconds=outcome.planned_work,
            done_work_seconds=round(outcome.done_work, 3),
            completed=outcome.completed,
            answer=answer,
            attempt=outcome.attempt,
            started_at=self._step_started_wall.pop((step.exercise_index, step.set_number), None),
            rated_at=stamp(self.wall()),
            sides=item.exercise.sides,
            skipped=(
                None
                if outcome.completed
                else self._skipped.pop((step.exercise_index, step.set_number), None)
            ),
        )

    def accept(self, record: SetRecord) -> AfterRating:
        """The set is stored: decide what happens next (the runner is not moved yet)."""
        self.rated.append(record.facts)
        self.last_record = record
        self._last_index = len(self.rated) - 1
        return self._after(record)

    def correct(self, answer: PainAnswer) -> SetRecord:
        """The last rating, corrected: the record to store in its place (the session's
        facts change with it)."""
        last = self.last_record
        assert last is not None
        record = replace(last, answer=answer)
        self.rated[self._last_index] = record.facts
        self.last_record = record
        return record

    def after_correction(self, record: SetRecord) -> AfterRating:
        """What a corrected rating asks for now, during the session. Pain above the
        acceptable zone ends the exercise only while it is still the one being played;
        an exercise coach ended for the first rating, which the corrected one would not
        end, goes on (:attr:`AfterRating.REOPEN`) while nothing after it has begun."""
        outcome = self._after(record)
        runner = self.runner
        step = runner.step
        if outcome is AfterRating.END_EXERCISE and (
            step is None or step.exercise_index != record.exercise_index
        ):
            return AfterRating.CONTINUE
        if (
            outcome is AfterRating.CONTINUE
            and record.set_number < record.sets_planned
            and runner.exercise_ended_early(record.exercise_index)
            and (step is None or not step.kind.is_work)
            and not runner.worked_after(record.exercise_index)
        ):
            return AfterRating.REOPEN
        return outcome

    def reopen(self, record: SetRecord) -> list[RunnerEvent]:
        """Play the sets of ``record``'s exercise after it (see :attr:`AfterRating.REOPEN`)."""
        return self.runner.reopen_exercise(record.exercise_index, record.set_number)

    def _after(self, record: SetRecord) -> AfterRating:
        outcome = after_rating(record, self.scaling.get(record.program_id, Scaling()))
        if outcome is AfterRating.RED_FLAG:
            self.status = SessionStatus.RED_FLAG
            self.runner.abort()
        return outcome

    def exercise_follows(self) -> bool:
        """Whether another exercise comes after the one being played (what 'carry on with
        the next exercise' needs)."""
        runner = self.runner
        step = runner.step
        if step is None:
            return False
        return any(s.exercise_index != step.exercise_index for s in runner.steps[runner.index :])

    def hold_still(self) -> Callable[[], list[RunnerEvent]]:
        """Pause the session if it is running; return what undoes that (the events of
        resuming, for the player)."""
        was_running = self.runner.state is RunState.RUNNING
        self.runner.pause()

        def resume() -> list[RunnerEvent]:
            return self.runner.resume() if was_running else []

        return resume

    def facts(self, session_day: date) -> dict[str, SessionFacts]:
        """This session as the scaling engine sees it, per program."""
        return {
            program_id: SessionFacts(
                day=session_day,
                baseline=self.baseline,
                level=level,
                sets=tuple(s for s in self.rated if s.program_id == program_id),
                started_at=self.started_at,
                uid=self.uid,
                status=self.status,
                stop_reason=self.stop_reason,
            )
            for program_id, level in self.plan.levels.items()
        }

    def plan_after(
        self,
        loaded: LoadedFile,
        histories: Mapping[str, list[SessionFacts]],
        moves: Mapping[str, list[LevelMove]],
        today: date,
        starts: Mapping[str, Replay] | None = None,
    ) -> Planned:
        """Next time's plan, with this session added to the history: for the next day, as
        a step up decided now applies after a night."""
        now = self.facts(today)
        combined = {pid: [*histories.get(pid, []), fact] for pid, fact in now.items()}
        tomorrow = today + timedelta(days=1)
        return plan_today(loaded, combined, moves, today=tomorrow, starts=starts)

    def summary(self, after: Planned) -> SessionSummary:
        rows = []
        for index, item in enumerate(self.plan.exercises):
            mine = [s for s in self.rated if s.exercise_index == index]
            done = len({s.set_number for s in mine})
            if not item.exercise.rate:
                # Never rated: the sets the runner played count instead.
                done = sum(
                    self.runner.set_outcome(index, number).done_work > 0
                    for number in range(1, item.dose.sets + 1)
                )
            rows.append(
                ExerciseResult(
                    item.name,
                    done,
                    item.dose.sets,
                    tuple(s.pain for s in mine),
                    item.program_id,
                    item.key,
                    item.exercise.rate,
                    item.exercise.per_set,
                )
            )
        elapsed = 0.0
        if self.started_monotonic is not None:
            elapsed = self.clock() - self.started_monotonic
        high = min((s.stop_session_at for s in self.scaling.values()), default=8)
        over = [
            s.pain
            for s in self.rated
            if s.pain is not None
            and s.pain > self.scaling.get(s.program_id, Scaling()).acceptable_max
        ]
        return SessionSummary(
            self.status,
            self.baseline,
            tuple(rows),
            after,
            elapsed,
            self.stop_reason,
            high,
            self.rehearsal,
            max(over, default=None),
            any(s.skipped is SkipReason.PAIN for s in self.rated),
        )
