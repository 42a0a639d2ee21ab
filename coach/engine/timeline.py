"""From a loaded file to the plan of today's session, and from a plan to timed steps.

A :class:`SessionPlan` says which exercises are done at which dose; a :class:`Timeline`
spells that out as a flat list of steps (get ready, hold, rep phases, switch sides, rest,
pain rating), each with its planned start offset. The preview prints the timeline and the
player walks it, so both agree on every second by construction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from coach.engine.dose import Dose
from coach.format.loader import AnyExercise, LoadedFile, ProgramFile, exercise_key
from coach.format.v1 import Cues, HoldExercise, Program, RepsExercise, TimedExercise

__all__ = [
    "CueSettings",
    "Dose",
    "Phase",
    "PlannedExercise",
    "SessionPlan",
    "Side",
    "Step",
    "StepKind",
    "Stroke",
    "Timeline",
    "build_timeline",
    "default_dose",
    "dose_for_set",
    "plan_session",
    "program_seconds",
    "rep_phases",
    "set_doses",
    "work_words",
]


class StepKind(StrEnum):
    GET_READY = "get ready"
    HOLD = "hold"
    HOLD_REST = "short rest"
    REP = "rep"
    TIMED = "move"
    SWITCH = "switch sides"
    REST = "rest"
    REST_AFTER = "rest before next"
    RATE = "rate pain"

    @property
    def is_work(self) -> bool:
        return self in (StepKind.HOLD, StepKind.REP, StepKind.TIMED)

    @property
    def is_rest(self) -> bool:
        return self in (StepKind.HOLD_REST, StepKind.REST, StepKind.REST_AFTER, StepKind.SWITCH)


class Phase(StrEnum):
    """The part of a repetition; ``PAUSE`` is shown to the user as 'hold'."""

    UP = "up"
    PAUSE = "hold"
    DOWN = "down"


_PHASES = {"up": Phase.UP, "pause": Phase.PAUSE, "down": Phase.DOWN}


class Stroke(StrEnum):
    """What the body does in a phase of a repetition, whatever the phase is called: the
    first movement goes out to the far point (the figure's ``top``), the next comes back
    (to its ``end``), a pause stays where the body is."""

    OUT = "out"
    BACK = "back"
    AT_START = "at start"
    AT_TOP = "at top"
    AT_END = "at end"


def rep_phases(exercise: RepsExercise) -> tuple[tuple[Phase, float, Stroke], ...]:
    """The phases of one repetition that take time, in the order played, each with its
    stroke: ``down, pause, up`` (a squat) lowers out to the far point and rises back."""
    found: list[tuple[Phase, float, Stroke]] = []
    at = Stroke.AT_START
    for name, seconds in exercise.phases:
        if seconds <= 0:
            continue
        phase = _PHASES[name]
        if phase is Phase.PAUSE:
            stroke = at
        else:
            stroke = Stroke.BACK if at is Stroke.AT_TOP else Stroke.OUT
            at = Stroke.AT_END if stroke is Stroke.BACK else Stroke.AT_TOP
        found.append((phase, seconds, stroke))
    return tuple(found)


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class CueSettings:
    """Cue choices after inheritance: exercise, then program, then these defaults."""

    countdown: bool = True
    start: bool = True
    halfway: bool = False
    last_seconds: int = 3
    end: bool = True
    sounds: Mapping[str, str] = field(default_factory=dict)

    def merged(self, cues: Cues | None) -> CueSettings:
        if cues is None:
            return self
        sounds = dict(self.sounds)
        if cues.sounds is not None:
            sounds.update({k: v for k, v in cues.sounds if v is not None})
        return CueSettings(
            countdown=self.countdown if cues.countdown is None else cues.countdown,
            start=self.start if cues.start is None else cues.start,
            halfway=self.halfway if cues.halfway is None else cues.halfway,
            last_seconds=self.last_seconds if cues.last_seconds is None else cues.last_seconds,
            end=self.end if cues.end is None else cues.end,
            sounds=sounds,
        )


@dataclass(frozen=True, slots=True)
class PlannedExercise:
    """One exercise of today's session, with everything the player needs."""

    program_id: str
    program_name: str
    level: int
    """1-based level of the program this exercise belongs to."""
    level_name: str
    key: str
    """The exercise id (stable across renames when the author sets one)."""
    exercise: AnyExercise
    dose: Dose
    get_ready: float
    cues: CueSettings

    @property
    def name(self) -> str:
        return self.exercise.name


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """Today's session: what is done, in order, at which dose."""

    title: str
    source_id: str
    """The routine id, or the program id when a single program is played."""
    exercises: tuple[PlannedExercise, ...]
    levels: Mapping[str, int] = field(default_factory=dict)
    """Program id -> 1-based level used today."""


@dataclass(frozen=True, slots=True)
class Step:
    """One timed (or, for pain ratings, untimed) step of a session."""

    index: int
    kind: StepKind
    duration: float
    """Planned seconds; 0 for a pain rating, which waits for the user."""
    start: float
    """Planned offset from the session start, excluding untimed steps."""
    exercise_index: int
    set_number: int
    sets: int
    block: int
    """Steps of one preview row (a set's holds or reps on one side, a rest...) share it."""
    side: Side | None = None
    rep: int | None = None
    reps: int | None = None
    phase: Phase | None = None
    stroke: Stroke | None = None
    """For a rep's phase: where the body goes (the figure follows it)."""
    hold: int | None = None
    holds: int | None = None
    self_timed: bool = False
    """A hold the person ends with N (``hold: {up_to: ...}``): no question asked."""

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class Timeline:
    plan: SessionPlan
    steps: tuple[Step, ...]

    @property
    def total(self) -> float:
        """Planned seconds of the whole session (pain ratings take no planned time)."""
        return self.steps[-1].end if self.steps else 0.0

    def blocks(self) -> Iterator[tuple[Step, ...]]:
        """Consecutive steps grouped by block, for the preview table."""
        current: list[Step] = []
        for step in self.steps:
            if current and step.block != current[0].block:
                yield tuple(current)
                current = []
            current.append(step)
        if current:
            yield tuple(current)


def default_dose(exercise: AnyExercise) -> Dose:
    """The dose written in the file, before any scaling: for doses written per set (a
    pyramid), the first set's, which progression acts on."""
    sets = exercise.set_count
    if isinstance(exercise, HoldExercise):
        return Dose(sets=sets, hold=_float(exercise, "hold"), holds=_int(exercise, "holds"))
    if isinstance(exercise, RepsExercise):
        return Dose(sets=sets, reps=_int(exercise, "reps"))
    return Dose(sets=sets, duration=_float(exercise, "duration"))


def _float(exercise: AnyExercise, name: str) -> float:
    value = exercise.written(name)
    assert value is not None
    return float(value)


def _int(exercise: AnyExercise, name: str) -> int:
    value = exercise.written(name)
    assert value is not None
    return int(value)


_FLOOR = {"hold": 1.0, "holds": 1, "reps": 1, "duration": 1.0}
"""The least each dose can be in one set of a pyramid stepped back below its shape."""


def dose_for_set(dose: Dose, per_set: Mapping[str, tuple[float, ...]], set_number: int) -> Dose:
    """Set ``set_number``'s dose of an exercise whose doses are written per set: each
    set keeps its difference from the first as written, so progression moves the whole
    pyramid (6-4-2 holds one step up is 7-5-3), never below one hold or one second."""
    changes: dict[str, float | int] = {}
    for name, values in per_set.items():
        first = getattr(dose, name)
        if first is None:
            continue
        index = min(max(set_number, 1), len(values)) - 1
        value = first + (values[index] - values[0])
        changes[name] = max(_FLOOR[name], int(value) if name in ("holds", "reps") else value)
    return replace(dose, **changes) if changes else dose  # type: ignore[arg-type]


def set_doses(dose: Dose, per_set: Mapping[str, tuple[float, ...]]) -> tuple[Dose, ...]:
    """Each set's dose, in order."""
    return tuple(dose_for_set(dose, per_set, n) for n in range(1, dose.sets + 1))


def work_words(exercise: AnyExercise) -> tuple[str, str]:
    """What the player shows during a hold or timed block (upper case), and how the
    preview says it: the exercise's own ``label`` when it has one, else 'HOLD' for a hold
    and 'MOVE' ('keep moving') for a timed block. Reps show their phases instead."""
    label = getattr(exercise, "label", None)
    if label:
        return label.upper(), label.lower()
    if isinstance(exercise, HoldExercise):
        return "HOLD", "hold"
    return "MOVE", "keep moving"


def plan_session(
    loaded: LoadedFile,
    *,
    levels: Mapping[str, int] | None = None,
    doses: Mapping[tuple[str, str], Dose] | None = None,
) -> SessionPlan:
    """Today's plan for a routine or a single program.

    ``levels`` gives each program's current level (1-based; the routine's start level or 1
    when absent) and ``doses`` each exercise's current dose by (program id, exercise id).
    """
    levels = levels or {}
    doses = doses or {}
    if isinstance(loaded, ProgramFile):
        entries = [(loaded.program, levels.get(loaded.program.id, 1))]
        title, source_id, routine_ready = loaded.program.name, loaded.program.id, None
    else:
        entries = [
            (pf.program, levels.get(pf.program.id, start))
            for pf, start in zip(loaded.programs, loaded.start_levels, strict=True)
        ]
        routine = loaded.routine
        title, source_id, routine_ready = routine.name, routine.id, routine.get_ready
    planned: list[PlannedExercise] = []
    used: dict[str, int] = {}
    for program, wanted in entries:
        level = program.level_number(wanted)
        used[program.id] = level
        planned.extend(_plan_level(program, level, routine_ready, doses))
    return SessionPlan(title, source_id, tuple(planned), used)


def _plan_level(
    program: Program,
    level: int,
    routine_ready: float | None,
    doses: Mapping[tuple[str, str], Dose],
) -> Iterator[PlannedExercise]:
    chosen = program.levels[level - 1]
    program_cues = CueSettings().merged(program.cues)
    for exercise in chosen.exercises:
        key = exercise_key(exercise)
        if exercise.get_ready is not None:
            ready = exercise.get_ready
        elif routine_ready is not None:
            ready = routine_ready
        else:
            ready = program.get_ready
        yield PlannedExercise(
            program_id=program.id,
            program_name=program.name,
            level=level,
            level_name=chosen.name,
            key=key,
            exercise=exercise,
            dose=doses.get((program.id, key), default_dose(exercise)),
            get_ready=ready,
            cues=program_cues.merged(exercise.cues),
        )


def build_timeline(plan: SessionPlan) -> Timeline:
    """Spell the plan out as steps with planned start offsets."""
    builder = _Builder()
    last = len(plan.exercises) - 1
    for index, item in enumerate(plan.exercises):
        builder.exercise(index, item, is_last=index == last)
    return Timeline(plan, tuple(builder.steps))


def program_seconds(
    program: Program, level: int, doses: Mapping[str, Dose], routine_ready: float | None = None
) -> float:
    """How long ``program``'s ``level`` takes at ``doses`` (by exercise id; the written dose
    for one missing), counted as a session plays it: each exercise's get-ready (its own,
    else the routine's ``routine_ready``, else the program's), sets, rests and the rest
    after it."""
    builder = _Builder()
    for item in _plan_level(
        program, level, routine_ready, {(program.id, k): d for k, d in doses.items()}
    ):
        builder.exercise(0, item, is_last=False)
    return builder.clock


class _Builder:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.clock = 0.0
        self.block = 0

    def add(self, kind: StepKind, duration: float, **fields: object) -> None:
        if duration <= 0 and kind is not StepKind.RATE:
            return
        step = Step(
            index=len(self.steps),
            kind=kind,
            duration=duration,
            start=self.clock,
            block=self.block,
            **fields,  # type: ignore[arg-type]
        )
        self.steps.append(step)
        self.clock += duration

    def next_block(self) -> None:
        self.block += 1

    def exercise(self, index: int, item: PlannedExercise, *, is_last: bool) -> None:
        exercise, dose = item.exercise, item.dose
        common = {"exercise_index": index, "sets": dose.sets}
        self.next_block()
        self.add(StepKind.GET_READY, item.get_ready, set_number=1, **common)
        sides: tuple[Side | None, ...] = (
            (Side.LEFT, Side.RIGHT) if exercise.sides == "each" else (None,)
        )
        for set_number in range(1, dose.sets + 1):
            for side in sides:
                if side is Side.RIGHT:
                    self.next_block()
                    self.add(
                        StepKind.SWITCH, exercise.switch, set_number=set_number, side=side, **common
                    )
                self.next_block()
                self._work(
                    exercise,
                    dose_for_set(dose, exercise.per_set, set_number),
                    set_number=set_number,
                    side=side,
                    **common,
                )
            if exercise.rate:
                self.next_block()
                self.add(StepKind.RATE, 0.0, set_number=set_number, **common)
            if set_number < dose.sets:
                self.next_block()
                self.add(StepKind.REST, exercise.rest, set_number=set_number, **common)
        if not is_last:
            self.next_block()
            self.add(StepKind.REST_AFTER, exercise.rest_after, set_number=dose.sets, **common)

    def _work(self, exercise: AnyExercise, dose: Dose, **where: object) -> None:
        if isinstance(exercise, HoldExercise):
            holds = dose.holds or 1
            for number in range(1, holds + 1):
                self.add(
                    StepKind.HOLD,
                    dose.hold or _float(exercise, "hold"),
                    hold=number,
                    holds=holds,
                    self_timed=exercise.self_timed,
                    **where,
                )
                if number < holds:
                    self.add(
                        StepKind.HOLD_REST, exercise.hold_rest, hold=number, holds=holds, **where
                    )
        elif isinstance(exercise, RepsExercise):
            reps = dose.reps or _int(exercise, "reps")
            phases = rep_phases(exercise)
            for number in range(1, reps + 1):
                for phase, seconds, stroke in phases:
                    self.add(
                        StepKind.REP,
                        seconds,
                        rep=number,
                        reps=reps,
                        phase=phase,
                        stroke=stroke,
                        **where,
                    )
        else:
            assert isinstance(exercise, TimedExercise)
            self.add(StepKind.TIMED, dose.duration or _float(exercise, "duration"), **where)
