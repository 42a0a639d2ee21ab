"""What the audio thread is handed: the next few seconds of sounds, as a pure function of
the runner and the plan. Cues, a session's own sound files, and (with speech) the words
said as steps begin and over the last seconds of a hold."""

from __future__ import annotations

from coach.audio.cueset import sound_name
from coach.audio.speech import COUNTS, speech_key
from coach.engine.cues import CueKind
from coach.engine.runner import SessionRunner
from coach.engine.timeline import SessionPlan, StepKind

__all__ = ["HORIZON_SECONDS", "cue_plan", "spoken_phrases"]

HORIZON_SECONDS = 3.0
"""How far ahead cues are handed over; the screen wakes at least once a second."""

_SAID_AT_START = {
    StepKind.SWITCH: "switch sides",
    StepKind.REST: "rest",
    StepKind.REST_AFTER: "rest",
    StepKind.HOLD_REST: "rest",
}


def spoken_phrases(plan: SessionPlan) -> list[str]:
    """Every phrase a session may say, to render before it starts."""
    names = [item.name for item in plan.exercises]
    return list(dict.fromkeys([*names, *_SAID_AT_START.values(), *COUNTS.values()]))


def cue_plan(
    runner: SessionRunner,
    plan: SessionPlan,
    *,
    speech: bool,
    horizon: float = HORIZON_SECONDS,
) -> list[tuple[str, float, str]]:
    """``(key, monotonic deadline, sound name)`` for everything due within ``horizon``."""
    items = []
    for due in runner.upcoming_cues(horizon):
        cue = due.cue
        custom = plan.exercises[cue.exercise_index].cues.sounds.get(cue.kind.value)
        key = runner.cue_key(cue)
        items.append((key, due.due, sound_name(cue.kind.value, custom)))
        if speech and cue.kind is CueKind.LAST:
            word = COUNTS.get(round(runner.steps[cue.step].end - cue.at))
            if word:
                items.append((f"{key}:say", due.due, speech_key(word)))
    if speech:
        for step, due_at in runner.upcoming_starts(horizon):
            if step.kind is StepKind.GET_READY:
                text = plan.exercises[step.exercise_index].name
            elif step.kind in _SAID_AT_START:
                text = _SAID_AT_START[step.kind]
            else:
                continue
            items.append((f"{runner.jumps}:say:{step.index}", due_at, speech_key(text)))
    items.sort(key=lambda item: item[1])
    return items
