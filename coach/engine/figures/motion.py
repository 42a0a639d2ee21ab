"""Which pose the figure shows at each moment of a session: a pure function of the step.

The timeline already says when each phase of a repetition starts and ends (the same
instants the cues sound), so the figure needs no clock of its own: given the current
step and the seconds since it started on the session clock, :func:`frame_at` gives the
posture and whether it is mirrored. During ``up`` it blends from the start pose to the
top, eased; it stays at the top through the pause; during ``down`` it blends to the end
pose. A hold shows the hold pose (moving into it in the first half second) with a slow
breathing motion; between holds, in rests, while getting ready and while a pain rating
waits, the start pose. The rest before the next exercise shows the next one's start.
The right side of a ``sides: each`` exercise is the mirror image of the left.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from coach.engine.figures.skeleton import BASE_POSTURES, Posture, draw
from coach.engine.timeline import (
    Phase,
    PlannedExercise,
    Side,
    Step,
    StepKind,
    Stroke,
    Timeline,
)
from coach.format.figure_library import bundled_figure
from coach.format.figures import Figure, Pose

__all__ = [
    "SETTLE_SECONDS",
    "Frame",
    "Keyframes",
    "blend",
    "ease",
    "extent",
    "figure_of",
    "frame_at",
    "keyframes",
    "moves_during",
    "pose_steps",
    "swapped",
]

SETTLE_SECONDS = 0.5
"""Time to move into a hold, or out of it into the rest between holds. After it the
figure is still: a hold is held still, and a figure that breathed (the upper back 2
degrees either way) redrew four times a second for it, which cost a hold with its
figure 1.6 times termdown's CPU against a goal of 0.6 (make bench)."""


@dataclass(frozen=True, slots=True, eq=False)
class Keyframes:
    """A figure's poses, each complete (every joint angle), ready to blend."""

    base: str
    view: str
    start: Posture
    top: Posture
    end: Posture
    hold: Posture
    cycle: float
    alternate: bool


@dataclass(frozen=True, slots=True)
class Frame:
    """What the figure shows now: whose keyframes, the posture, mirrored or not."""

    keys: Keyframes
    posture: Posture
    mirrored: bool


def figure_of(item: PlannedExercise) -> Figure | None:
    """The exercise's figure: its own keyframes, or the bundled one its id names."""
    figure = item.exercise.figure
    if isinstance(figure, str):
        return bundled_figure(figure)
    return figure


def _on(
    posture: Mapping[tuple[str, str], float], pose: Pose | None
) -> dict[tuple[str, str], float]:
    merged = dict(posture)
    if pose is not None:
        for joint, movements in pose.angles().items():
            for movement, degrees in movements.items():
                merged[joint, movement] = degrees
    return merged


@lru_cache(maxsize=256)
def keyframes(figure: Figure) -> Keyframes:
    """The figure's poses made complete: start on the base's pose, the others on start."""
    start = _on(BASE_POSTURES[figure.base], figure.start)
    top = _on(start, figure.top) if figure.top is not None else start
    end = _on(start, figure.end) if figure.end is not None else start
    hold = _on(start, figure.hold) if figure.hold is not None else top
    return Keyframes(
        figure.base, figure.view, start, top, end, hold, figure.cycle, figure.alternate
    )


def ease(fraction: float) -> float:
    """Smooth start and stop (a cosine ramp): a movement of the body, not of a robot."""
    f = min(1.0, max(0.0, fraction))
    return (1 - math.cos(math.pi * f)) / 2


def blend(a: Posture, b: Posture, weight: float) -> dict[tuple[str, str], float]:
    """Every angle ``weight`` of the way from ``a`` to ``b`` (0 is a, 1 is b)."""
    return {
        key: a.get(key, 0.0) + (b.get(key, 0.0) - a.get(key, 0.0)) * weight
        for key in a.keys() | b.keys()
    }


def swapped(posture: Posture) -> dict[tuple[str, str], float]:
    """Left and right exchanged: the other leg steps, the knees sway the other way."""
    out: dict[tuple[str, str], float] = {}
    for (joint, movement), degrees in posture.items():
        if joint.startswith("left_"):
            joint = "right_" + joint.removeprefix("left_")
        elif joint.startswith("right_"):
            joint = "left_" + joint.removeprefix("right_")
        elif movement in ("side_bend_left", "rotation_left"):
            degrees = -degrees
        out[joint, movement] = degrees
    return out


def moves_during(step: Step, keys: Keyframes, elapsed: float = 0.0) -> bool:
    """Whether the figure changes after ``elapsed`` seconds of ``step`` (so it must be
    redrawn): a hold and the rest after it only while they settle, then never."""
    if step.kind is StepKind.REP:
        stroke = _stroke(step)
        if stroke is Stroke.OUT:
            return keys.start != keys.top or keys.end != keys.top
        if stroke is Stroke.BACK:
            return keys.top != keys.end
        return False
    if step.kind is StepKind.HOLD:
        return elapsed < SETTLE_SECONDS and keys.start != keys.hold
    if step.kind is StepKind.HOLD_REST:
        return elapsed < SETTLE_SECONDS and keys.hold != keys.start
    if step.kind is StepKind.TIMED and _still(keys):
        return elapsed < SETTLE_SECONDS and keys.start != keys.hold
    return step.kind is StepKind.TIMED


def _still(keys: Keyframes) -> bool:
    """No loop to play: the top is the start (a hold figure on a timed block)."""
    return keys.top == keys.start and keys.hold != keys.start


def frame_at(timeline: Timeline, step: Step, elapsed: float) -> Frame | None:
    """The figure ``elapsed`` session seconds into ``step``; None when the exercise shown
    has no figure."""
    plan = timeline.plan
    shown = step.exercise_index
    if step.kind is StepKind.REST_AFTER:
        shown = min(shown + 1, len(plan.exercises) - 1)
    item = plan.exercises[shown]
    figure = figure_of(item)
    if figure is None:
        return None
    keys = keyframes(figure)
    mirrored = step.side is Side.RIGHT and shown == step.exercise_index
    t = min(max(0.0, elapsed), step.duration) if step.duration > 0 else 0.0
    posture: Posture = keys.start
    if step.kind is StepKind.REP:
        posture = _rep(keys, step, t)
        if keys.alternate and (step.rep or 1) % 2 == 0:
            posture = swapped(posture)
    elif step.kind is StepKind.HOLD:
        # Into the pose, then still: nothing moves while a hold is held.
        posture = blend(keys.start, keys.hold, ease(t / SETTLE_SECONDS))
    elif step.kind is StepKind.HOLD_REST:
        posture = blend(keys.hold, keys.start, ease(t / SETTLE_SECONDS))
    elif step.kind is StepKind.TIMED and _still(keys):
        # A timed block with nothing to loop (a hold figure): into the pose, then still.
        posture = blend(keys.start, keys.hold, ease(t / SETTLE_SECONDS))
    elif step.kind is StepKind.TIMED:
        loops = t / keys.cycle
        # Out to the top and back in each loop, the same ease both ways.
        half = (loops % 1.0) * 2
        posture = blend(keys.start, keys.top, ease(half if half <= 1 else 2 - half))
        if keys.alternate and int(loops) % 2 == 1:
            posture = swapped(posture)
    return Frame(keys, posture, mirrored)


def _stroke(step: Step) -> Stroke:
    """Where the body goes in this phase: the timeline's word, else (a step built by
    hand) the order up, pause, down."""
    if step.stroke is not None:
        return step.stroke
    return {Phase.UP: Stroke.OUT, Phase.PAUSE: Stroke.AT_TOP}.get(
        step.phase or Phase.DOWN, Stroke.BACK
    )


def _rep(keys: Keyframes, step: Step, t: float) -> Posture:
    fraction = t / step.duration if step.duration > 0 else 1.0
    # After the first repetition, each starts from where the last one ended (cat-camel
    # goes from the sagging back straight into the rounded one).
    origin = keys.start if (step.rep or 1) == 1 else keys.end
    stroke = _stroke(step)
    if stroke is Stroke.OUT:
        # The first movement of the tempo, whatever its name: up, or down for a squat.
        return blend(origin, keys.top, ease(fraction))
    if stroke is Stroke.AT_TOP:
        return keys.top
    if stroke is Stroke.AT_START:
        return origin
    if stroke is Stroke.AT_END:
        return keys.end
    return blend(keys.top, keys.end, ease(fraction))


@lru_cache(maxsize=64)
def pose_steps(duration: float, max_rate: float) -> tuple[float, ...]:
    """When to draw an eased movement of ``duration`` seconds: the instants (from 0 to
    ``duration``) at which it has gone 0, 1/N, 2/N ... of the way, with N the fewest
    equal steps that move it no more at once than ``max_rate`` pictures a second at
    equal times would at their largest step (and never more pictures than those).

    Drawn at equal times, a cosine-eased movement changed little at its ends and most in
    its middle: of 8 pictures for a 2 s movement at 4 a second, the first and last moved
    it 4 % each and the middle ones 20 %. At equal steps of the movement, 5 pictures
    move it 20 % each: as smooth where it shows, and 3 repaints fewer (each costs
    Textual about 2.5 ms here: make bench's reps against termdown)."""
    if duration <= 0 or max_rate <= 0:
        return (0.0,)
    at_equal_times = max(1, round(duration * max_rate))
    largest = math.sin(math.pi / (2 * at_equal_times))
    n = min(at_equal_times, max(1, math.ceil(1 / largest - 1e-9)))
    return tuple(duration * math.acos(1 - 2 * k / n) / math.pi for k in range(n + 1))


@lru_cache(maxsize=256)
def extent(keys: Keyframes) -> tuple[float, float, float, float]:
    """The room the figure needs in all its poses and the blends between them (left,
    bottom, right, top in body heights): one fit for every frame, so it never zooms."""
    lefts, bottoms, rights, tops = [], [], [], []
    pairs = ((keys.start, keys.top), (keys.top, keys.end), (keys.start, keys.hold))
    for a, b in pairs:
        for i in range(5):
            for posture in (blend(a, b, i / 4), blend(swapped(a), swapped(b), i / 4)):
                left, bottom, right, top = draw(posture, keys.base, keys.view).bounds()
                lefts.append(left)
                bottoms.append(bottom)
                rights.append(right)
                tops.append(top)
    return (min(lefts), min(bottoms), max(rights), max(tops))
