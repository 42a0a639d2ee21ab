"""What a physiotherapist checks in each bundled figure, as data, and the checks.

A figure can look like the exercise and still show the fault its own instructions warn
against (a hip flexor stretch leaning back, knee rocks lifting the shoulders). So each
bundled figure has its clinical constraints written beside it here, in measures of the
drawing: the trunk's angle from vertical, a landmark's height above the floor, two
landmarks level, a hand on a body part, a support that stays put. The tests check every
frame of every figure's motion against them (tests/test_physio.py), and the guide lists
them (docs/authoring.md, from :func:`constraint_table`).

Landmarks are those of :func:`coach.engine.figures.skeleton.landmarks`; lengths are in
body heights (a standing person is 1.0 tall; a hand is 0.07 long).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from coach.engine.figures.motion import Keyframes, blend, swapped
from coach.engine.figures.skeleton import Posture, landmarks

__all__ = [
    "BASE_CONSTRAINTS",
    "CONSTRAINTS",
    "AnyOnFloor",
    "Level",
    "Near",
    "OnFloor",
    "Planted",
    "Still",
    "Upright",
    "constraint_table",
    "motion_frames",
    "problems",
]

Points = Mapping[str, tuple[float, float, float]]

SIDES = ("left", "right")


@dataclass(frozen=True, slots=True)
class Upright:
    """The trunk (the base of the spine to the top of the chest) leans back at most
    ``back`` degrees and forward at most ``forward``, seen from the side (facing right)."""

    back: float = 0.0
    forward: float = 15.0

    def text(self) -> str:
        return (
            f"trunk upright: leaning back at most {self.back:g}°, forward at most {self.forward:g}°"
        )

    def problem(self, points: Points, view: str) -> str | None:
        lean = trunk_lean(points)
        if lean < -self.back - 1e-6:
            return f"the trunk leans back {-lean:.1f}°"
        if lean > self.forward + 1e-6:
            return f"the trunk leans forward {lean:.1f}°"
        return None


@dataclass(frozen=True, slots=True)
class OnFloor:
    """Each of ``where`` at most ``height`` above the floor (touching it: a joint is
    drawn inside the limb, so a forearm flat on the floor has its elbow about 0.03 up)."""

    where: tuple[str, ...]
    height: float = 0.06

    def text(self) -> str:
        return f"on the floor: {_names(self.where)}"

    def problem(self, points: Points, view: str) -> str | None:
        for name in self.where:
            up = points[name][1]
            if up > self.height + 1e-6:
                return f"{_name(name)} is {up:.3f} above the floor (at most {self.height:g})"
        return None


@dataclass(frozen=True, slots=True)
class AnyOnFloor:
    """At least one of ``where`` at most ``height`` above the floor: what the body rests
    on (a foot standing, a hand on all fours)."""

    where: tuple[str, ...]
    height: float = 0.06

    def text(self) -> str:
        return f"resting on the floor: one of {_names(self.where)}"

    def problem(self, points: Points, view: str) -> str | None:
        low = min(points[name][1] for name in self.where)
        if low > self.height + 1e-6:
            return f"none of {_names(self.where)} is on the floor (lowest {low:.3f} up)"
        return None


@dataclass(frozen=True, slots=True)
class Level:
    """The line from ``a`` to ``b`` at most ``degrees`` from level (both shoulders flat
    on the floor: no lift, no tilt)."""

    a: str
    b: str
    degrees: float = 3.0

    def text(self) -> str:
        return f"{_name(self.a)} and {_name(self.b)} level (within {self.degrees:g}°)"

    def problem(self, points: Points, view: str) -> str | None:
        (ax, ay, az), (bx, by, bz) = points[self.a], points[self.b]
        tilt = math.degrees(math.atan2(abs(ay - by), math.hypot(ax - bx, az - bz)))
        if tilt > self.degrees + 1e-6:
            return f"{_name(self.a)} and {_name(self.b)} tilt {tilt:.1f}° from level"
        return None


@dataclass(frozen=True, slots=True)
class Near:
    """``point`` within ``distance`` of the body part from ``start`` to ``end`` in the
    picture (a hand on the shin, hands on the chest); with ``below``, also no higher than
    the part's lower end (hands under the low back)."""

    point: str
    start: str
    end: str
    distance: float
    part: str
    below: bool = False
    held: bool = False
    """Only in the pose held (a knee-to-chest: the hands reach the knee, then hold it)."""

    def text(self) -> str:
        where = "under" if self.below else "on"
        when = " in the hold" if self.held else ""
        return f"{_name(self.point)} {where} the {self.part}{when}"

    def problem(self, points: Points, view: str) -> str | None:
        # As the picture shows it: a side view cannot show how far apart across the body.
        a, b, c = (_drawn(points[n], view) for n in (self.point, self.start, self.end))
        gap = _to_segment((*a, 0.0), (*b, 0.0), (*c, 0.0))
        if gap > self.distance + 1e-6:
            return (
                f"{_name(self.point)} is {gap:.3f} from the {self.part} (at most {self.distance:g})"
            )
        if self.below and points[self.point][1] > min(points[self.start][1], points[self.end][1]):
            return f"{_name(self.point)} is above the {self.part}, not under it"
        return None


@dataclass(frozen=True, slots=True)
class Still:
    """Each of ``where`` stays where it is in every frame (within ``tolerance``): the
    hand or knee a body rests on does not slide while the rest of it moves."""

    where: tuple[str, ...]
    tolerance: float = 0.01

    def text(self) -> str:
        return f"does not slide: {_names(self.where)}"

    def problem(self, points: Points, view: str) -> str | None:  # checked across frames instead
        return None


@dataclass(frozen=True, slots=True)
class Planted:
    """What the body rests on does not slide: each of ``where`` that is on the floor (at
    most ``height`` up) in every frame of the motion stays where it is (within
    ``tolerance``) in all of them. On all fours, the hands and knees a cat-camel or a
    child's pose rests on; a bird dog's lifted hand and knee are not on the floor
    throughout, so they may move."""

    where: tuple[str, ...]
    height: float = 0.06
    tolerance: float = 0.01

    def text(self) -> str:
        return f"resting on the floor, does not slide: {_names(self.where)}"

    def problem(self, points: Points, view: str) -> str | None:  # checked across frames instead
        return None

    def slides(self, frames: list[tuple[str, Points]], view: str) -> list[str]:
        """Each frame in which a support that stays down has moved from where it was."""
        down = [n for n in self.where if all(points[n][1] <= self.height for _, points in frames)]
        found = []
        first = frames[0][1]
        for label, points in frames:
            for name in down:
                # Along the floor (it may press into it or ease off, within the height).
                moved = math.dist(_on_floor(points[name], view), _on_floor(first[name], view))
                if moved > self.tolerance:
                    found.append(f"{label}: {_name(name)} slides {moved:.3f} on the floor")
        return found


Constraint = Upright | OnFloor | AnyOnFloor | Level | Near | Still | Planted


def _name(landmark: str) -> str:
    return landmark.replace("_", " ")


def _names(where: tuple[str, ...]) -> str:
    return ", ".join(_name(w) for w in where)


def _to_segment(
    p: tuple[float, float, float], a: tuple[float, float, float], b: tuple[float, float, float]
) -> float:
    ab = [b[i] - a[i] for i in range(3)]
    ap = [p[i] - a[i] for i in range(3)]
    length = sum(c * c for c in ab)
    t = 0.0 if length == 0 else max(0.0, min(1.0, sum(ab[i] * ap[i] for i in range(3)) / length))
    return math.dist(p, tuple(a[i] + ab[i] * t for i in range(3)))


def trunk_lean(points: Points) -> float:
    """Degrees the trunk leans forward (negative: back) from vertical: the line from the
    base of the spine to the top of the chest (upright standing is 0)."""
    (px, py, _), (cx, cy, _) = points["sacrum"], points["chest"]
    return math.degrees(math.atan2(cx - px, cy - py))


def _both(*names: str) -> tuple[str, ...]:
    return tuple(f"{side}_{name}" for name in names for side in SIDES)


KNEE_DOWN = 0.09
"""A knee on the floor: the body rests on the kneecap, in front of the joint."""
_SHOULDERS_FLAT: tuple[Constraint, ...] = (
    Level("left_shoulder", "right_shoulder", 3.0),
    OnFloor(_both("shoulder"), 0.08),
)
_HALF_KNEELING: tuple[Constraint, ...] = (
    Upright(back=0.0, forward=12.0),
    OnFloor(("left_knee",), KNEE_DOWN),
    OnFloor(("right_heel", "right_toe")),
    Still(("left_knee", "right_heel")),
)
_CURL_UP_HANDS = tuple(
    Near(f"{side}_hand", "sacrum", "low_back", 0.07, "low back", below=True) for side in SIDES
)
_ALL_FOURS_SUPPORT: tuple[Constraint, ...] = (
    OnFloor(("right_hand",)),
    OnFloor(("left_knee",), KNEE_DOWN),
    Still(("right_hand", "left_knee")),
)

_ARMS_CROSSED = tuple(Near(f"{side}_hand", "low_back", "chest", 0.07, "chest") for side in SIDES)
PELVIS_DOWN = 0.09
"""The pelvis on the floor lying face down (its joint is 0.055 up when flat)."""
_FOREARMS_DOWN: tuple[Constraint, ...] = (OnFloor(_both("elbow", "wrist", "hand")),)
_PRESS_UP: tuple[Constraint, ...] = (OnFloor(_both("hand")), Still(_both("hand"), 0.02))

CONSTRAINTS: dict[str, tuple[Constraint, ...]] = {
    "hip-flexor-stretch": _HALF_KNEELING,
    "hip-flexor-reach": _HALF_KNEELING,
    "knee-rocks": _SHOULDERS_FLAT,
    "lying-rotation-stretch": _SHOULDERS_FLAT,
    "open-book": (OnFloor(("left_knee", "left_hip"), 0.1), Still(_both("knee"))),
    "sphinx": _FOREARMS_DOWN,
    "bent-knee-hip-lift": _FOREARMS_DOWN,
    "mcgill-curl-up": _CURL_UP_HANDS,
    "curl-up-elbows-up": _CURL_UP_HANDS,
    "curl-up-breathing": _CURL_UP_HANDS,
    "knee-to-chest": tuple(
        Near(f"{side}_hand", "left_knee", "left_ankle", 0.05, "raised knee or shin", held=True)
        for side in SIDES
    ),
    "glute-bridge-arms-crossed": _ARMS_CROSSED,
    "bird-dog": _ALL_FOURS_SUPPORT,
    "bird-dog-fist": _ALL_FOURS_SUPPORT,
    "bird-dog-leg": (OnFloor(_both("hand"), 0.06), Still(_both("hand"))),
    "bird-dog-reach-reps": _ALL_FOURS_SUPPORT,
    "press-up-half": _PRESS_UP,
    "press-up-full": _PRESS_UP,
    "standing-extension": (OnFloor(_both("heel", "toe"), 0.03),),
    "standing-extension-overhead": (OnFloor(_both("heel", "toe"), 0.03),),
}
"""Figure id -> what a physiotherapist checks in every frame of it, besides its base's."""

BASE_CONSTRAINTS: dict[str, tuple[Constraint, ...]] = {
    "standing": (AnyOnFloor(_both("heel", "toe"), 0.03),),
    "kneeling": (AnyOnFloor(_both("knee"), KNEE_DOWN),),
    "all-fours": (
        AnyOnFloor(_both("hand")),
        Planted(_both("hand")),
        Planted(_both("knee"), KNEE_DOWN),
    ),
    "lying-on-back": (
        Level("left_shoulder", "right_shoulder", 3.0),
        OnFloor(_both("shoulder"), 0.12),
        Planted((*_both("heel", "toe", "hand"), "sacrum")),
        Planted(_both("shoulder"), 0.08),
    ),
    "lying-on-front": (
        OnFloor(("pelvis",), PELVIS_DOWN),
        Planted(_both("hand", "elbow", "knee")),
        Planted(("pelvis",), PELVIS_DOWN),
    ),
    "lying-on-side": (
        AnyOnFloor(("left_elbow", "left_shoulder")),
        Planted(("left_shoulder", "left_elbow", "left_hand")),
        # The lower leg's joints are inside a thick thigh: 0.095 up, lying on it.
        Planted(("left_knee", "left_heel", "left_toe"), 0.1),
    ),
}
"""Base -> what every figure on it keeps in every frame: something to rest on, and what
stays on the floor does not slide (the hands and knees on all fours; lying down, the
feet, hands, forearms and knees, and on the side the lower arm and leg); lying on the
back, both shoulders down and level (a curl-up lifts them a little); face down, the
pelvis down."""


def motion_frames(keys: Keyframes, steps: int = 8) -> Iterator[tuple[str, Posture, bool]]:
    """Every pose the figure passes through, named, and whether it is the pose held (or
    the top): start to top, top to end, end back to top (a second repetition), into and
    out of the hold; both ways round for a figure that alternates sides."""
    legs = (
        ("start", "top", keys.start, keys.top),
        ("top", "end", keys.top, keys.end),
        ("end", "top", keys.end, keys.top),
        ("start", "hold", keys.start, keys.hold),
    )
    for a_name, b_name, a, b in legs:
        for i in range(steps + 1):
            posture = blend(a, b, i / steps)
            label = f"{a_name}->{b_name} {i}/{steps}"
            held = i == steps and (b_name == "hold" or (b_name == "top" and b != keys.start))
            yield label, posture, held
            if keys.alternate:
                yield label + " (other side)", swapped(posture), held


def _on_floor(point: tuple[float, float, float], view: str) -> tuple[float, ...]:
    """Where a landmark is along the floor, as far as the picture shows it: from the
    ceiling, both ways across it; from the side or the front, across the picture."""
    return (point[0], point[2]) if view == "above" else (point[0],)


def _drawn(point: tuple[float, float, float], view: str) -> tuple[float, float]:
    """Where a landmark is in the picture (seen from above, its height is not)."""
    return (point[0], point[2]) if view == "above" else (point[0], point[1])


def problems(figure_id: str, keys: Keyframes) -> list[str]:
    """Every broken constraint of the figure, frame by frame ('' when none)."""
    found: list[str] = []
    checks = BASE_CONSTRAINTS[keys.base] + CONSTRAINTS.get(figure_id, ())
    first: Points | None = None
    frames: list[tuple[str, Points]] = []
    for label, posture, held in motion_frames(keys):
        points = landmarks(posture, keys.base, keys.view)
        frames.append((label, points))
        if first is None:
            first = points
        for check in checks:
            if isinstance(check, Planted):
                continue
            if isinstance(check, Still):
                for name in check.where:
                    moved = math.dist(
                        _drawn(points[name], keys.view), _drawn(first[name], keys.view)
                    )
                    if moved > check.tolerance:
                        found.append(f"{label}: {_name(name)} slides {moved:.3f}")
                continue
            if isinstance(check, Near) and check.held and not held:
                continue
            problem = check.problem(points, keys.view)
            if problem is not None:
                found.append(f"{label}: {problem}")
    for check in checks:
        if isinstance(check, Planted):
            found += check.slides(frames, keys.view)
    return found


def constraint_table(figures: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Each figure (id -> its base) with its constraints in words, its base's first."""
    return [
        (name, [c.text() for c in BASE_CONSTRAINTS[base] + CONSTRAINTS.get(name, ())])
        for name, base in sorted(figures.items())
    ]
