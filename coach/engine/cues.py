"""Which sounds a session plays, and when: a pure function of the timeline.

Cue times are offsets on the session clock (the same clock the preview prints), so the
runner can turn them into wall-clock deadlines at any speed and after any pause.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coach.engine.timeline import Phase, Step, StepKind, Timeline

__all__ = ["Cue", "CueKind", "schedule_cues"]

# A halfway cue in a very short hold is noise; below this it is left out.
MIN_HALFWAY_SECONDS = 6.0


class CueKind(StrEnum):
    TICK = "tick"
    """A get-ready countdown second."""
    START = "start"
    """Work begins: a hold, a timed block, or a repetition's first phase."""
    HALFWAY = "halfway"
    LAST = "last"
    """One of the final seconds of a hold or timed block."""
    END = "end"
    """Work ends."""
    UP = "up"
    """Rep pacing: move into the position."""
    PAUSE = "pause"
    """Rep pacing: hold still."""
    DOWN = "down"
    """Rep pacing: return."""
    SWITCH = "switch"
    REST_END = "rest_end"
    DONE = "done"


_PHASE_CUES = {Phase.UP: CueKind.UP, Phase.PAUSE: CueKind.PAUSE, Phase.DOWN: CueKind.DOWN}


@dataclass(frozen=True, slots=True)
class Cue:
    """A sound due at ``at`` seconds on the session clock, belonging to step ``step``."""

    at: float
    kind: CueKind
    step: int
    exercise_index: int


def schedule_cues(timeline: Timeline) -> tuple[Cue, ...]:
    """Every cue of the session, in the order they sound."""
    cues: list[Cue] = []
    plan = timeline.plan
    for step in timeline.steps:
        settings = plan.exercises[step.exercise_index].cues

        def add(at: float, kind: CueKind, step: Step = step) -> None:
            cues.append(Cue(round(at, 6), kind, step.index, step.exercise_index))

        if step.kind is StepKind.GET_READY:
            if settings.countdown:
                # Ticks on the last three whole seconds: "3, 2, 1", then the start cue.
                for remaining in range(min(3, int(step.duration)), 0, -1):
                    add(step.end - remaining, CueKind.TICK)
        elif step.kind in (StepKind.HOLD, StepKind.TIMED):
            if settings.start:
                add(step.start, CueKind.START)
            if settings.halfway and step.duration >= MIN_HALFWAY_SECONDS:
                add(step.start + step.duration / 2, CueKind.HALFWAY)
            last = min(settings.last_seconds, int(step.duration) - 1)
            for remaining in range(last, 0, -1):
                add(step.end - remaining, CueKind.LAST)
            if settings.end:
                add(step.end, CueKind.END)
        elif step.kind is StepKind.REP:
            assert step.phase is not None
            first_of_set = step.rep == 1 and step.phase is _first_phase(timeline, step)
            if first_of_set and settings.start:
                add(step.start, CueKind.START)
            else:
                add(step.start, _PHASE_CUES[step.phase])
            if settings.end and step.rep == step.reps and _is_last_phase(timeline, step):
                add(step.end, CueKind.END)
        elif step.kind is StepKind.SWITCH:
            add(step.start, CueKind.SWITCH)
        elif step.kind in (StepKind.REST, StepKind.REST_AFTER, StepKind.HOLD_REST):
            add(step.end, CueKind.REST_END)
    if timeline.steps:
        last_step = timeline.steps[-1]
        cues.append(Cue(timeline.total, CueKind.DONE, last_step.index, last_step.exercise_index))
    cues.sort(key=lambda cue: (cue.at, cue.step))
    return tuple(_without_clashes(cues))


def _first_phase(timeline: Timeline, step: Step) -> Phase | None:
    before = timeline.steps[step.index - 1] if step.index else None
    if before is None or before.kind is not StepKind.REP or before.block != step.block:
        return step.phase
    return None


def _is_last_phase(timeline: Timeline, step: Step) -> bool:
    after = timeline.steps[step.index + 1] if step.index + 1 < len(timeline.steps) else None
    return after is None or after.kind is not StepKind.REP or after.block != step.block


def _without_clashes(cues: list[Cue]) -> list[Cue]:
    """At one instant only the most meaningful cue sounds (an end beats a rest's end)."""
    kept: list[Cue] = []
    for cue in cues:
        if kept and abs(kept[-1].at - cue.at) < 1e-6:
            if _weight(cue) < _weight(kept[-1]):
                kept[-1] = cue
            continue
        kept.append(cue)
    return kept


_FIRST = (CueKind.DONE, CueKind.SWITCH, CueKind.END, CueKind.START)
_ORDER = {kind: i for i, kind in enumerate(CueKind)}


def _weight(cue: Cue) -> int:
    """Lower sounds first when two cues fall on the same instant."""
    return _FIRST.index(cue.kind) if cue.kind in _FIRST else len(_FIRST) + _ORDER[cue.kind]
