"""Walks a timeline against a monotonic clock: the heart of the player, without any UI.

Time is kept as a *session clock* that maps onto the monotonic clock through an anchor:
``session = anchor_session + (now - anchor_wall) * speed`` while running, frozen while
paused or waiting for a pain rating. Steps end when the session clock passes their planned
end, so there is no accumulated drift, paused time is excluded exactly, and a session run
without skips takes exactly the previewed total on the session clock.

The runner never sleeps and never does I/O. The shell calls :meth:`SessionRunner.update`
whenever it wakes (at :meth:`SessionRunner.next_wake`) and acts on the returned events.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass, field
from enum import StrEnum

from coach.engine.clock import Clock
from coach.engine.cues import Cue, CueKind, schedule_cues
from coach.engine.timeline import PlannedExercise, Step, StepKind, Timeline

__all__ = [
    "CueDue",
    "Finished",
    "RatingNeeded",
    "RunState",
    "RunnerEvent",
    "SessionRunner",
    "SetOutcome",
    "StepStarted",
]

# Session-clock slack when comparing against planned times: converting a deadline to
# wall time and back is not exact in floating point, and must not leave a step a few
# femtoseconds short of its end forever.
EPSILON = 1e-6

# Steps whose length the person may change as they go: waiting, never working.
ADJUSTABLE = frozenset({StepKind.GET_READY, StepKind.REST, StepKind.HOLD_REST, StepKind.REST_AFTER})

# A cue more than this late (the machine slept, the user skipped) is dropped, not played.
STALE_CUE_SECONDS = 0.5


class RunState(StrEnum):
    NOT_STARTED = "not started"
    RUNNING = "running"
    PAUSED = "paused"
    RATING = "waiting for a pain rating"
    FINISHED = "finished"
    ABORTED = "aborted"


@dataclass(frozen=True, slots=True)
class StepStarted:
    step: Step


@dataclass(frozen=True, slots=True)
class CueDue:
    cue: Cue
    due: float
    """When it should sound, on the monotonic clock."""


@dataclass(frozen=True, slots=True)
class RatingNeeded:
    step: Step


@dataclass(frozen=True, slots=True)
class Finished:
    pass


RunnerEvent = StepStarted | CueDue | RatingNeeded | Finished


@dataclass(slots=True)
class SetOutcome:
    """What happened in one set, for the history store."""

    exercise_index: int
    set_number: int
    planned_work: float
    """Seconds of work the set planned (holds, rep phases or timed block, all sides)."""
    done_work: float = 0.0
    """Seconds of work actually run on the session clock."""
    skipped_steps: int = 0
    started_wall: float | None = None
    attempt: int = 1
    """1 for the first try; more when the user went back to redo the set."""
    released: float = 0.0
    """Seconds of self-timed holds the person did not need (ended them sooner with N)."""

    @property
    def completed(self) -> bool:
        return (
            self.skipped_steps == 0 and self.done_work + self.released + 1e-6 >= self.planned_work
        )


@dataclass
class SessionRunner:
    """Runs one timeline. Create, :meth:`start`, then :meth:`update` when woken."""

    timeline: Timeline
    clock: Clock = time.monotonic
    speed: float = 1.0
    state: RunState = RunState.NOT_STARTED
    index: int = 0
    """The current step."""
    _anchor_wall: float = 0.0
    _anchor_session: float = 0.0
    _frozen_at: float = 0.0
    _cues: tuple[Cue, ...] = ()
    _cue_times: list[float] = field(default_factory=list)
    _next_cue: int = 0
    _cue_floor: int = 0
    """Cues before this index are never handed out again (set when a rest changes)."""
    _sets: dict[tuple[int, int], SetOutcome] = field(default_factory=dict)
    _ended_exercises: set[int] = field(default_factory=set)
    _first_step: int = 0
    jumps: int = 0
    """How many times skip, back or end-exercise moved the session clock."""

    def __post_init__(self) -> None:
        if not self.speed > 0:
            raise ValueError("speed must be positive")
        self._cues = schedule_cues(self.timeline)
        self._cue_times = [cue.at for cue in self._cues]

    # -- the session clock ------------------------------------------------------------

    def session_time(self) -> float:
        """Seconds on the session clock (the preview's clock)."""
        if self.state is RunState.RUNNING:
            return self._anchor_session + (self.clock() - self._anchor_wall) * self.speed
        return self._frozen_at

    def wall_time_of(self, session_time: float) -> float:
        """The monotonic time at which the session clock reads ``session_time`` (or did,
        or will, if nothing pauses it in between)."""
        return self._wall_at(session_time)

    def _wall_at(self, session_time: float) -> float:
        return self._anchor_wall + (session_time - self._anchor_session) / self.speed

    def _run_from(self, session_time: float, wall: float) -> None:
        self._anchor_session = session_time
        self._anchor_wall = wall
        self._frozen_at = session_time
        self.state = RunState.RUNNING

    def _freeze(self, session_time: float) -> None:
        self._frozen_at = session_time

    # -- what the shell reads ---------------------------------------------------------

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.timeline.steps

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def exercise(self) -> PlannedExercise | None:
        step = self.step
        return self.timeline.plan.exercises[step.exercise_index] if step else None

    def remaining(self) -> float:
        """Session-clock seconds left in the current step."""
        step = self.step
        if step is None:
            return 0.0
        return max(0.0, step.end - self.session_time())

    def upcoming(self) -> Step | None:
        """The next step that is not a pain rating (for 'next:' on screen)."""
        for step in self.steps[self.index + 1 :]:
            if step.kind is not StepKind.RATE:
                return step
        return None

    def next_wake(self, *, cues: bool = True) -> float | None:
        """Monotonic time of the next step end (or cue); None when nothing is scheduled.

        A screen whose cues are played by their own thread passes ``cues=False`` and
        wakes only for steps and for its display."""
        if self.state is not RunState.RUNNING:
            return None
        step = self.step
        candidates = []
        if step is not None:
            candidates.append(step.end)
        if cues and self._next_cue < len(self._cues):
            candidates.append(self._cues[self._next_cue].at)
        if not candidates:
            return None
        return self._wall_at(min(candidates))

    def next_display_change(self) -> float | None:
        """Monotonic time at which the whole seconds shown on screen next change."""
        if self.state is not RunState.RUNNING or self.step is None:
            return None
        remaining = self.remaining()
        fraction = remaining - int(remaining)
        # The display shows ceil(remaining): it changes when remaining crosses an integer.
        to_next = fraction if fraction > 1e-9 else 1.0
        return self.clock() + to_next / self.speed

    def upcoming_cues(self, horizon: float) -> list[CueDue]:
        """Cues due within ``horizon`` wall-clock seconds, up to the next pain rating
        (whose wait nobody can predict), with their monotonic deadlines."""
        if self.state in (RunState.NOT_STARTED, RunState.ABORTED):
            return []
        now = self.session_time()
        # Paused, rating or finished: only what was due just now (the end of a hold at
        # the moment the rating opens) is still to be played; nothing ahead.
        limit = now + horizon * self.speed if self.state is RunState.RUNNING else now
        for step in self.steps[self.index :]:
            if step.kind is StepKind.RATE:
                limit = min(limit, step.start)
                break
        # From a little in the past: a cue the UI has just passed may not have been
        # played yet by the audio thread, and dropping it from the plan would lose it.
        first = bisect.bisect_left(self._cue_times, now - STALE_CUE_SECONDS * self.speed)
        first = max(first, self._cue_floor)
        upcoming = []
        for cue in self._cues[first:]:
            if cue.at > limit + EPSILON:
                break
            upcoming.append(CueDue(cue, self._wall_at(cue.at)))
        return upcoming

    def upcoming_starts(self, horizon: float) -> list[tuple[Step, float]]:
        """Steps starting within ``horizon`` wall-clock seconds (up to the next rating),
        with the monotonic time each starts: for announcements."""
        if self.state is not RunState.RUNNING:
            return []
        now = self.session_time()
        limit = now + horizon * self.speed
        starts = []
        for step in self.steps[self.index :]:
            if step.start > limit + EPSILON:
                break
            # After a rest was made longer the clock is before its start: it has begun.
            begun = step.index == self.index and step.start > now
            if step.start >= now - STALE_CUE_SECONDS * self.speed and not begun:
                starts.append((step, self._wall_at(step.start)))
            if step.kind is StepKind.RATE:
                break
        return starts

    def cue_key(self, cue: Cue) -> str:
        """Identifies one sounding of a cue: the same after a pause, new after a jump."""
        return f"{self.jumps}:{cue.step}:{cue.kind.value}:{cue.at}"

    def set_outcome(self, exercise_index: int, set_number: int) -> SetOutcome:
        key = (exercise_index, set_number)
        if key not in self._sets:
            planned = sum(
                s.duration
                for s in self.steps
                if s.exercise_index == exercise_index
                and s.set_number == set_number
                and s.kind.is_work
            )
            self._sets[key] = SetOutcome(exercise_index, set_number, planned)
        return self._sets[key]

    # -- transitions ------------------------------------------------------------------

    def start_at(self, index: int, *, ended_exercises: frozenset[int] = frozenset()) -> None:
        """Make :meth:`start` begin at step ``index`` (resuming an interrupted session);
        ``ended_exercises`` were stopped for the day before the interruption."""
        if self.state is RunState.NOT_STARTED:
            self._first_step = max(0, min(index, len(self.steps)))
            self._ended_exercises |= set(ended_exercises)

    def start(self) -> list[RunnerEvent]:
        if self.state is not RunState.NOT_STARTED:
            return []
        self.index = self._first_step
        first = self.step
        at = first.start if first is not None else self.timeline.total
        self._run_from(at, self.clock())
        self._next_cue = bisect.bisect_left(self._cue_times, at - EPSILON)
        events: list[RunnerEvent] = []
        if self.step is None:
            self.state = RunState.FINISHED
            return [Finished()]
        events.append(StepStarted(self.step))
        return events + self.update()

    def update(self) -> list[RunnerEvent]:
        """Move past every step that has ended; return what happened, in order."""
        if self.state is not RunState.RUNNING:
            return []
        now_session = self.session_time()
        events: list[RunnerEvent] = []
        while True:
            events.extend(self._cues_until(now_session))
            step = self.step
            if step is None:
                self.state = RunState.FINISHED
                self._freeze(self.timeline.total)
                events.append(Finished())
                break
            if step.kind is StepKind.RATE:
                self.state = RunState.RATING
                self._freeze(step.start)
                events.append(RatingNeeded(step))
                break
            if now_session < step.end - EPSILON:
                break
            self._account(step, ran=step.duration)
            self.index += 1
            if self.step is not None:
                events.append(StepStarted(self.step))
        return events

    def _cues_until(self, now_session: float) -> list[RunnerEvent]:
        due: list[RunnerEvent] = []
        limit = self.step.end if self.step is not None else self.timeline.total
        while self._next_cue < len(self._cues):
            cue = self._cues[self._next_cue]
            if cue.at > now_session + EPSILON or cue.at > limit + EPSILON:
                break
            self._next_cue += 1
            late = now_session - cue.at > STALE_CUE_SECONDS * self.speed
            if late and cue.kind is not CueKind.DONE:
                continue
            due.append(CueDue(cue, self._wall_at(cue.at)))
        return due

    def _account(self, step: Step, *, ran: float, skipped: bool = False) -> None:
        if not step.kind.is_work:
            return
        outcome = self.set_outcome(step.exercise_index, step.set_number)
        outcome.done_work += ran
        if skipped:
            outcome.skipped_steps += 1

    def _jump(self, index: int) -> list[RunnerEvent]:
        """Continue from the start of step ``index`` (forwards or backwards)."""
        self.jumps += 1
        self._cue_floor = 0
        self.index = index
        step = self.step
        target = step.start if step is not None else self.timeline.total
        self._next_cue = bisect.bisect_left(self._cue_times, target - EPSILON)
        resume_paused = self.state is RunState.PAUSED
        self._run_from(target, self.clock())
        events: list[RunnerEvent] = []
        if step is not None:
            events.append(StepStarted(step))
        events.extend(self.update())
        if resume_paused and self.state is RunState.RUNNING:
            self.pause()
        return events

    def pause(self) -> None:
        if self.state is RunState.RUNNING:
            self._freeze(self.session_time())
            self.state = RunState.PAUSED

    def resume(self) -> list[RunnerEvent]:
        if self.state is not RunState.PAUSED:
            return []
        self._run_from(self._frozen_at, self.clock())
        return self.update()

    def toggle_pause(self) -> list[RunnerEvent]:
        if self.state is RunState.RUNNING:
            self.pause()
            return []
        return self.resume()

    def can_adjust(self) -> bool:
        """Whether :meth:`adjust` would change anything now: during a rest or a get-ready
        countdown, running or paused."""
        step = self.step
        return (
            step is not None
            and step.kind in ADJUSTABLE
            and self.state in (RunState.RUNNING, RunState.PAUSED)
        )

    def adjust(self, seconds: float) -> list[RunnerEvent]:
        """Make the current rest ``seconds`` longer (or, negative, shorter; cutting more
        than is left ends it now). Nothing happens outside a rest.

        The session clock moves instead of the plan: back to give more time, forward to
        take some, so every later step keeps its planned length and the cues of this
        rest sound again at their new times (a new ``jumps``, so new cue keys)."""
        step = self.step
        if step is None or not self.can_adjust() or seconds == 0:
            return []
        now = self.session_time()
        target = min(step.end, now - seconds)
        self.jumps += 1
        # The cues of this rest from the new time on are due again; never those of the
        # steps before it, nor the one that opened it.
        self._next_cue = max(
            bisect.bisect_left(self._cue_times, target - EPSILON),
            bisect.bisect_right(self._cue_times, step.start + EPSILON),
        )
        self._cue_floor = self._next_cue
        if self.state is RunState.PAUSED:
            self._anchor_session = target
            self._freeze(target)
            return []
        self._run_from(target, self.clock())
        return self.update()

    def skip(self) -> list[RunnerEvent]:
        """End the current step now and go on to the next one."""
        step = self.step
        if step is None or self.state not in (RunState.RUNNING, RunState.PAUSED):
            return []
        ran = max(0.0, min(step.duration, self.session_time() - step.start))
        self._account(step, ran=ran, skipped=ran + 1e-6 < step.duration)
        return self._jump(self.index + 1)

    def end_hold(self) -> list[RunnerEvent]:
        """The person ends a self-timed hold: the seconds held count as done, the rest of
        its time as not needed (the set stays complete), and the session goes on."""
        step = self.step
        if (
            step is None
            or not step.self_timed
            or self.state not in (RunState.RUNNING, RunState.PAUSED)
        ):
            return []
        ran = max(0.0, min(step.duration, self.session_time() - step.start))
        self._account(step, ran=ran)
        self.set_outcome(step.exercise_index, step.set_number).released += step.duration - ran
        return self._jump(self.index + 1)

    def back(self) -> list[RunnerEvent]:
        """Redo the current set (after a set, the one just finished) from its first step."""
        step = self.step
        if step is None or self.state not in (RunState.RUNNING, RunState.PAUSED):
            return []
        first = self._first_step_of_set(step)
        key = (step.exercise_index, step.set_number)
        previous = self._sets.pop(key, None)
        outcome = self.set_outcome(*key)
        outcome.attempt = (previous.attempt + 1) if previous is not None else 1
        return self._jump(first)

    def _first_step_of_set(self, step: Step) -> int:
        if step.kind is StepKind.GET_READY:
            return step.index
        for candidate in self.steps:
            if (
                candidate.exercise_index == step.exercise_index
                and candidate.set_number == step.set_number
                and (candidate.kind.is_work or candidate.kind is StepKind.SWITCH)
            ):
                return candidate.index
        return step.index

    def rated(self) -> list[RunnerEvent]:
        """The pain rating of the current set is recorded: carry on from where we froze."""
        step = self.step
        if self.state is not RunState.RATING or step is None:
            return []
        self.index += 1
        self._run_from(step.start, self.clock())
        events: list[RunnerEvent] = []
        if self.step is not None:
            events.append(StepStarted(self.step))
        return events + self.update()

    def end_exercise(self) -> list[RunnerEvent]:
        """Stop the current exercise for today (pain too high) and go to the next one."""
        step = self.step
        if step is None:
            return []
        exercise_index = step.exercise_index
        self._ended_exercises.add(exercise_index)
        target = next(
            (s.index for s in self.steps[self.index + 1 :] if s.exercise_index != exercise_index),
            len(self.steps),
        )
        if self.state is RunState.RATING:
            self.state = RunState.RUNNING
        return self._jump(target)

    def reopen_exercise(self, exercise_index: int, set_number: int) -> list[RunnerEvent]:
        """Take back :meth:`end_exercise` (the rating that ended it was corrected): go on
        from the step after set ``set_number``'s rating."""
        rate = next(
            (
                s.index
                for s in self.steps
                if s.exercise_index == exercise_index
                and s.set_number == set_number
                and s.kind is StepKind.RATE
            ),
            None,
        )
        if rate is None or self.state in (RunState.FINISHED, RunState.ABORTED):
            return []
        self._ended_exercises.discard(exercise_index)
        return self._jump(rate + 1)

    def exercise_ended_early(self, exercise_index: int) -> bool:
        """Whether :meth:`end_exercise` ended this exercise (and it was not reopened)."""
        return exercise_index in self._ended_exercises

    def worked_after(self, exercise_index: int) -> bool:
        """Whether any work of a later exercise has run."""
        return any(
            index > exercise_index and outcome.done_work > 0
            for (index, _), outcome in self._sets.items()
        )

    def abort(self) -> None:
        if self.state not in (RunState.FINISHED, RunState.ABORTED):
            self._freeze(self.session_time())
            self.state = RunState.ABORTED
