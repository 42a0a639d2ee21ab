"""From joint angles to a drawing: a small skeleton, set down on the floor as gravity would.

A *posture* is every joint angle of the body, flat: ``("left_hip", "flexion") -> 90``,
signed (extension is negative flexion), in degrees from the anatomical position. The
skeleton turns it into points in 3-D (forward kinematics from the pelvis), turns the
body into the world by its base (lying on the back, on all fours...), projects it for
the view, and then rests it on the floor: of the edges of its outline, the one nearest
the base's own position under which the centre of mass lies, so a glute bridge rests on
its shoulders and feet and a curl-up on its pelvis and heel. What comes out is a
:class:`Drawing` in body heights (a standing figure is about 1.0 tall), floor at y = 0.

Pure geometry: no I/O, no time, no drawing library.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "BASE_POSTURES",
    "Drawing",
    "Posture",
    "Segment",
    "draw",
    "landmarks",
    "mirrored",
]

Posture = Mapping[tuple[str, str], float]
"""(joint, movement) -> signed degrees; a movement left out is 0 (the anatomical position)."""

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows


# -- the body's measures, in body heights (after Drillis and Contini's proportions) --------

PELVIS = (-0.035, 0.06, 0.0)
"""Hip joint centre to the base of the spine (L5/S1): up and a little behind."""
LUMBAR = (0.055, 0.055)
THORACIC = (0.085, 0.085)
NECK = 0.05
HEAD_OFFSET = 0.055
HEAD_RADIUS = 0.06
SHOULDER = (0.01, -0.045, 0.13)
"""Top of the thoracic spine to a shoulder joint: forward, down, sideways (left +)."""
UPPER_ARM, FOREARM, HAND = 0.17, 0.15, 0.07
HIP_WIDTH = 0.09
TRUNK = 0.055
"""Half the trunk's depth: lying down, the spine is this far above the floor."""
THIGH, SHANK = 0.245, 0.245
HEEL = (-0.03, -0.04)
TOE = (0.12, -0.04)
"""Heel and toe from the ankle, in the foot's frame (forward, up)."""

# Share of body mass (rounded from Dempster's tables), for the centre of mass, which
# then sits just above the hips as it should (a prone chest lift rests on the legs).
_MASS = {
    "pelvis": 0.16,
    "lumbar": 0.07,
    "thoracic": 0.085,
    "head": 0.07,
    "thigh": 0.105,
    "shank": 0.045,
    "foot": 0.015,
    "upper_arm": 0.03,
    "forearm": 0.025,
}

BASE_POSTURES: dict[str, dict[tuple[str, str], float]] = {
    "standing": {},
    "kneeling": {
        ("left_knee", "flexion"): 90,
        ("right_knee", "flexion"): 90,
        ("left_ankle", "dorsiflexion"): -80,
        ("right_ankle", "dorsiflexion"): -80,
    },
    "all-fours": {
        ("left_hip", "flexion"): 90,
        ("right_hip", "flexion"): 90,
        ("left_knee", "flexion"): 90,
        ("right_knee", "flexion"): 90,
        ("left_shoulder", "flexion"): 90,
        ("right_shoulder", "flexion"): 90,
        ("left_ankle", "dorsiflexion"): -80,
        ("right_ankle", "dorsiflexion"): -80,
    },
    "lying-on-back": {
        ("left_ankle", "dorsiflexion"): -20,
        ("right_ankle", "dorsiflexion"): -20,
    },
    "lying-on-front": {
        ("left_ankle", "dorsiflexion"): -80,
        ("right_ankle", "dorsiflexion"): -80,
    },
    "lying-on-side": {},
}
"""Each base's own pose, before a figure's ``start`` changes it. Feet that rest on their
tops (kneeling, lying face down) point further than an author may write: the range
checks are for what a person does, and these are where the floor puts the foot."""

# Body frame: x forward, y up, z to the person's left. World: X right on screen (side
# view), Y up, Z toward the side view's camera. Each base's rotation, as the world
# directions of the body's x, y and z.
_BASE_AXES: dict[str, tuple[Vec, Vec, Vec]] = {
    "standing": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "kneeling": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "all-fours": ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
    "lying-on-back": ((0, 1, 0), (-1, 0, 0), (0, 0, 1)),
    "lying-on-front": ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
    "lying-on-side": ((0, 0, 1), (-1, 0, 0), (0, -1, 0)),
}

# How far (degrees) the body may roll from its base's position to rest on an edge: a
# body on the floor settles where it falls; one on its feet or knees balances itself.
MAX_ROLL = 50.0
MAX_ROLL_UPRIGHT = 15.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A straight line of the drawing; ``near`` is on the viewer's side of the body."""

    x1: float
    y1: float
    x2: float
    y2: float
    near: bool = True


@dataclass(frozen=True, slots=True)
class Drawing:
    """A figure as lines and a head, in body heights, floor at y = 0, y up."""

    segments: tuple[Segment, ...]
    head: tuple[float, float]
    head_radius: float
    floor: bool = True
    """Whether y = 0 is the floor (drawn as a line); not seen from above."""

    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top), head included."""
        xs = [c for s in self.segments for c in (s.x1, s.x2)]
        ys = [c for s in self.segments for c in (s.y1, s.y2)]
        hx, hy = self.head
        r = self.head_radius
        return (
            min([*xs, hx - r]),
            min([*ys, hy - r]),
            max([*xs, hx + r]),
            max([*ys, hy + r]),
        )


def mirrored(drawing: Drawing, about: float = 0.0) -> Drawing:
    """The drawing flipped left to right about x = ``about``: the other side's exercise
    (a right-side bird dog is the mirror image of a left-side one)."""

    def flip(x: float) -> float:
        return 2 * about - x

    return Drawing(
        tuple(Segment(flip(s.x1), s.y1, flip(s.x2), s.y2, s.near) for s in drawing.segments),
        (flip(drawing.head[0]), drawing.head[1]),
        drawing.head_radius,
        drawing.floor,
    )


# -- small 3-D algebra ------------------------------------------------------------------


def _mul(a: Mat, b: Mat) -> Mat:
    return tuple(  # type: ignore[return-value]
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )


def _apply(m: Mat, v: Vec) -> Vec:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _rx(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((1, 0, 0), (0, c, -s), (0, s, c))


def _ry(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, 0, s), (0, 1, 0), (-s, 0, c))


def _rz(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


_IDENTITY: Mat = ((1, 0, 0), (0, 1, 0), (0, 0, 1))


def _chain(*matrices: Mat) -> Mat:
    result = _IDENTITY
    for m in matrices:
        result = _mul(result, m)
    return result


# -- forward kinematics -----------------------------------------------------------------


@dataclass
class _Body:
    """Points in the body frame, each segment with its mass share and side."""

    lines: list[tuple[Vec, Vec, str, float]]
    """From, to, side ("left", "right", "mid") and half thickness: a body is not a stick,
    and resting on the floor it lies on its back's surface, not on its spine."""
    masses: list[tuple[Vec, float]]
    head: Vec
    soles: list[tuple[Vec, Vec]]
    """Each foot's heel and toe: a standing body stands on one of them."""
    shins: list[tuple[Vec, Vec]]
    """Each knee and ankle: a kneeling body kneels on one of them."""
    points: dict[str, Vec]
    """The named landmarks (:data:`LANDMARKS`), for checks of a pose."""


def _spine_joint(posture: Posture, region: str, parts: int) -> Mat:
    """One of ``parts`` equal joints of a spinal region: flexion bends toward the front,
    side bends toward the named side, rotation turns the front."""
    flexion = posture.get((region, "flexion"), 0.0) / parts
    side = posture.get((region, "side_bend_left"), 0.0) / parts
    turn = posture.get((region, "rotation_left"), 0.0) / parts
    return _chain(_rz(-flexion), _rx(side), _ry(-turn))


def _body(posture: Posture) -> _Body:
    """The skeleton in the body frame, from the hip joints' centre."""
    lines: list[tuple[Vec, Vec, str, float]] = []
    masses: list[tuple[Vec, float]] = []
    soles: list[tuple[Vec, Vec]] = []
    shins: list[tuple[Vec, Vec]] = []

    def line(a: Vec, b: Vec, side: str, mass: float = 0.0, thick: float = 0.0) -> None:
        lines.append((a, b, side, thick))
        if mass:
            masses.append((((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2), mass))

    # The pelvis tilts; the low back and the thighs take the tilt back, so the trunk and
    # legs keep their direction and only the curve of the low back changes.
    tilt = posture.get(("pelvis", "anterior_tilt"), 0.0)
    pelvis = _rz(-tilt)
    origin: Vec = (0.0, 0.0, 0.0)
    sacrum = _apply(pelvis, PELVIS)
    line(origin, sacrum, "mid", _MASS["pelvis"], TRUNK)
    frame = _mul(pelvis, _rz(tilt / 2))
    point = sacrum
    for index, length in enumerate(LUMBAR):
        frame = _mul(frame, _spine_joint(posture, "lumbar", len(LUMBAR)))
        if index == 1:
            frame = _mul(frame, _rz(tilt / 2))
        nxt = _add(point, _apply(frame, (0.0, length, 0.0)))
        line(point, nxt, "mid", _MASS["lumbar"], TRUNK)
        point = nxt
    for length in THORACIC:
        frame = _mul(frame, _spine_joint(posture, "thoracic", len(THORACIC)))
        nxt = _add(point, _apply(frame, (0.0, length, 0.0)))
        line(point, nxt, "mid", _MASS["thoracic"], TRUNK)
        point = nxt
    top, chest = point, frame
    points: dict[str, Vec] = {"pelvis": origin, "sacrum": sacrum, "chest": top}
    points["low_back"] = lines[1][1]
    neck_frame = _mul(chest, _spine_joint(posture, "neck", 1))
    neck_top = _add(top, _apply(neck_frame, (0.0, NECK, 0.0)))
    line(top, neck_top, "mid")
    head = _add(neck_top, _apply(neck_frame, (0.015, HEAD_OFFSET, 0.0)))
    masses.append((head, _MASS["head"]))
    points["head"] = head

    # A turn of the pelvis takes the hips and legs round the body's long axis under a
    # trunk that stays put (the spine takes the turn).
    legs = _mul(_ry(-posture.get(("pelvis", "rotation_left"), 0.0)), pelvis)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        # Arm: horizontal abduction, then flexion, then abduction (see docs/authoring.md).
        shoulder = _add(top, _apply(chest, (SHOULDER[0], SHOULDER[1], sign * SHOULDER[2])))
        line(top, shoulder, side, 0.0, TRUNK)
        joint = f"{side}_shoulder"
        arm = _chain(
            chest,
            _ry(-sign * posture.get((joint, "horizontal_abduction"), 0.0)),
            _rz(posture.get((joint, "flexion"), 0.0)),
            _rx(-sign * posture.get((joint, "abduction"), 0.0)),
        )
        elbow = _add(shoulder, _apply(arm, (0.0, -UPPER_ARM, 0.0)))
        line(shoulder, elbow, side, _MASS["upper_arm"], 0.03)
        forearm = _mul(arm, _rz(posture.get((f"{side}_elbow", "flexion"), 0.0)))
        wrist = _add(elbow, _apply(forearm, (0.0, -FOREARM, 0.0)))
        line(elbow, wrist, side, _MASS["forearm"], 0.025)
        hand = _add(wrist, _apply(forearm, (0.0, -HAND, 0.0)))
        line(wrist, hand, side, 0.0, 0.015)

        hip = _apply(legs, (0.0, 0.0, sign * HIP_WIDTH))
        joint = f"{side}_hip"
        thigh = _chain(
            legs,
            _rz(tilt + posture.get((joint, "flexion"), 0.0)),
            _rx(-sign * posture.get((joint, "abduction"), 0.0)),
            _ry(sign * posture.get((joint, "internal_rotation"), 0.0)),
        )
        knee = _add(hip, _apply(thigh, (0.0, -THIGH, 0.0)))
        line(origin, hip, side)
        line(hip, knee, side, _MASS["thigh"], 0.05)
        shank = _mul(thigh, _rz(-posture.get((f"{side}_knee", "flexion"), 0.0)))
        ankle = _add(knee, _apply(shank, (0.0, -SHANK, 0.0)))
        line(knee, ankle, side, _MASS["shank"], 0.035)
        foot = _mul(shank, _rz(posture.get((f"{side}_ankle", "dorsiflexion"), 0.0)))
        heel = _add(ankle, _apply(foot, (HEEL[0], HEEL[1], 0.0)))
        toe = _add(ankle, _apply(foot, (TOE[0], TOE[1], 0.0)))
        line(ankle, heel, side)
        line(heel, toe, side, _MASS["foot"])
        soles.append((heel, toe))
        shins.append((knee, ankle))
        for name, at in (
            ("shoulder", shoulder),
            ("elbow", elbow),
            ("wrist", wrist),
            ("hand", hand),
            ("hip", hip),
            ("knee", knee),
            ("ankle", ankle),
            ("heel", heel),
            ("toe", toe),
        ):
            points[f"{side}_{name}"] = at
    return _Body(lines, masses, head, soles, shins, points)


# -- into the world, onto the screen, onto the floor ---------------------------------------


def _projector(base: str, view: str) -> tuple[Mat, int, int, int]:
    """The base's rotation, and which world axes are the screen's x, its y and the
    depth (toward the viewer)."""
    x_axis, y_axis, z_axis = _BASE_AXES[base]
    # Columns are the world directions of the body axes.
    rotation: Mat = (
        (x_axis[0], y_axis[0], z_axis[0]),
        (x_axis[1], y_axis[1], z_axis[1]),
        (x_axis[2], y_axis[2], z_axis[2]),
    )
    # side: screen x = world X, y = Y, depth = Z (toward the camera). front: the camera
    # a quarter turn round, looking along -X: screen x = Z, depth = X. above: the camera
    # on the ceiling: screen x = X, screen y = Z (the side view's camera at the top),
    # depth = Y.
    if view == "side":
        return rotation, 0, 1, 2
    if view == "above":
        return rotation, 0, 2, 1
    return rotation, 2, 1, 0


@dataclass(frozen=True, slots=True)
class _Placed:
    """A body's points as the drawing has them: across the screen, up from the floor,
    and toward the viewer."""

    body: _Body
    rotation: Mat
    across: int
    up: int
    deep: int
    cos: float
    sin: float
    middle: float
    floor: float

    def screen(self, p: Vec) -> tuple[float, float, float]:
        w = _apply(self.rotation, p)
        return w[self.across], w[self.up], w[self.deep]

    def place(self, p: Vec) -> tuple[float, float, float]:
        x, y, depth = self.screen(p)
        tx, ty = x * self.cos - y * self.sin, x * self.sin + y * self.cos
        return (tx - self.middle, ty - self.floor, depth)


def _place(posture: Posture, base: str, view: str) -> _Placed:
    """The posture turned for ``view`` and set down on the floor in ``base``'s way."""
    body = _body(posture)
    rotation, across, up, deep = _projector(base, view)

    def screen(p: Vec) -> tuple[float, float, float]:
        w = _apply(rotation, p)
        return w[across], w[up], w[deep]

    flat = [(screen(a), screen(b), thick) for a, b, _, thick in body.lines]
    head = screen(body.head)
    centre = _centre_of_mass([(screen(p), m) for p, m in body.masses])
    outline = [
        (p[0] + dx, p[1] + dy)
        for a, b, thick in flat
        for p in (a, b)
        for dx, dy in ((0.0, -thick), (0.0, thick), (-thick, 0.0), (thick, 0.0))
    ]
    outline += [
        (head[0] + HEAD_RADIUS * math.cos(t), head[1] + HEAD_RADIUS * math.sin(t))
        for t in (i * math.pi / 8 for i in range(16))
    ]
    if view == "above":
        # Seen from the ceiling there is no floor to rest on: the body lies as its base
        # lays it (its back flat, for knee rocks), and the picture's bottom is y = 0.
        roll = 0.0
    elif base in ("standing", "kneeling"):
        # On its feet (or knees) a body keeps a sole (or a shin) flat on the floor, and
        # then settles a little onto whatever else touches it (the front foot of a lunge).
        pairs = body.soles if base == "standing" else body.shins
        level = _standing_roll(outline, [(screen(a), screen(b)) for a, b in pairs])
        roll = level + _resting_roll(
            _turned(outline, level), _turned([centre], level)[0], MAX_ROLL_UPRIGHT
        )
    elif base == "lying-on-front":
        # Face down, the belly is soft and flattens on the floor: the pelvis stays where
        # the base puts it, and the chest, arms and legs lift from there.
        roll = 0.0
    else:
        roll = _resting_roll(outline, centre, MAX_ROLL)
    c, s = math.cos(roll), math.sin(roll)
    # Seen from above, y = 0 is across the pelvis (the picture's bottom would move with
    # an arm sweeping across it); else the floor.
    floor = 0.0 if view == "above" else min(x * s + y * c for x, y in outline)
    middle = _anchor(body, base, screen, c, s)
    return _Placed(body, rotation, across, up, deep, c, s, middle, floor)


def _anchor(
    body: _Body,
    base: str,
    screen: Callable[[Vec], tuple[float, float, float]],
    c: float,
    s: float,
) -> float:
    """Where x = 0 is: on what the body rests on, so that it stays put while the rest
    moves (centred on the centre of mass, a bird dog's supporting hand slid as the other
    arm rose). Standing, the lower heel (between the two when both are down); kneeling
    and on all fours, the lower knee (on the pelvis, a cat-camel's knees and hands slid
    as the back rounded, and a child's pose's as the hips went back to the heels); lying
    on the side, the lower elbow (on the pelvis, a side bridge's forearm slid as the hips
    rose); otherwise the pelvis, which is also the point the resting turn is about, so a figure
    that changes the edge it rests on does not jump sideways."""
    if base == "lying-on-side":
        # On the lower forearm, which a side bridge pivots on as the hips lift.
        x, y, _ = screen(body.points["left_elbow"])
        return x * c - y * s
    if base not in ("standing", "kneeling", "all-fours"):
        return 0.0
    joint = "heel" if base == "standing" else "knee"
    placed = []
    for side in ("left", "right"):
        x, y, _ = screen(body.points[f"{side}_{joint}"])
        # Height, across, and how far forward of the hips in the body (on all fours,
        # the knee a thigh swings back from is not the one kneeling).
        placed.append((x * s + y * c, x * c - y * s, body.points[f"{side}_{joint}"][0]))
    (low_y, low_x, low_ahead), (high_y, high_x, high_ahead) = sorted(placed)
    if high_y - low_y < 0.01:
        # Both down. On all fours a leg starting to lift is still level with the other
        # (the body tips a little as it goes): the knee still under the hips is the one
        # kneeling.
        if base == "all-fours" and abs(low_ahead - high_ahead) > 1e-4:
            return low_x if low_ahead > high_ahead else high_x
        return (low_x + high_x) / 2
    return low_x


def landmarks(posture: Posture, base: str, view: str) -> dict[str, tuple[float, float, float]]:
    """The body's landmarks (joints, hands, heels, toes, the head's centre, the pelvis,
    the low back and the top of the chest): x across the picture, height above the
    floor, and the third axis (toward the viewer; seen from above, up the picture); in
    body heights. What the checks of a figure measure."""
    placed = _place(posture, base, view)
    if view != "above":
        return {name: placed.place(p) for name, p in placed.body.points.items()}
    # Seen from above the picture's y is across the floor: the height is the world's.
    ground = min(
        _apply(placed.rotation, p)[1] - thick
        for a, b, _, thick in placed.body.lines
        for p in (a, b)
    )
    out = {}
    for name, p in placed.body.points.items():
        x, y, _ = placed.place(p)
        out[name] = (x, _apply(placed.rotation, p)[1] - ground, y)
    return out


def draw(posture: Posture, base: str, view: str) -> Drawing:
    """The posture as seen in ``view``, resting on the floor in ``base``'s way."""
    placed = _place(posture, base, view)
    # The side of the body toward the viewer is drawn brighter: in a side view of a body
    # whose left-right axis points at the camera, that side's limbs; else all of them.
    sideways = _apply(placed.rotation, (0.0, 0.0, 1.0))[placed.deep]
    near_side = "left" if sideways > 0.5 else "right" if sideways < -0.5 else None
    segments = []
    for a, b, side, _ in placed.body.lines:
        x1, y1, _ = placed.place(a)
        x2, y2, _ = placed.place(b)
        near = side == "mid" or near_side is None or side == near_side
        segments.append(Segment(x1, y1, x2, y2, near))
    hx, hy, _ = placed.place(placed.body.head)
    return Drawing(tuple(segments), (hx, hy), HEAD_RADIUS, floor=view != "above")


def _turned(points: list[tuple[float, float]], roll: float) -> list[tuple[float, float]]:
    c, s = math.cos(roll), math.sin(roll)
    return [(x * c - y * s, x * s + y * c) for x, y in points]


def _standing_roll(
    outline: list[tuple[float, float]],
    pairs: list[tuple[tuple[float, float, float], tuple[float, float, float]]],
) -> float:
    """Radians that lay one of ``pairs`` (soles or shins) flat on the floor: the one that
    is then lowest, the smaller turn if both are. Seen end on (a front view), no turn."""
    best: tuple[float, float] | None = None  # (height above the floor, roll)
    for a, b in pairs:
        dx, dy = b[0] - a[0], b[1] - a[1]
        if math.hypot(dx, dy) < 0.05:
            continue
        if dx < 0:
            dx, dy = -dx, -dy
        roll = -math.atan2(dy, dx)
        ends = _turned([(a[0], a[1]), (b[0], b[1])], roll)
        floor = min(y for _, y in _turned(outline, roll))
        height = min(y for _, y in ends) - floor
        key = (round(height, 2), abs(roll))
        if best is None or key < (round(best[0], 2), abs(best[1])):
            best = (height, roll)
    return best[1] if best is not None else 0.0


def _centre_of_mass(
    points: Iterable[tuple[tuple[float, float, float], float]],
) -> tuple[float, float]:
    """The centre of mass on the screen."""
    total = sx = sy = 0.0
    for (x, y, _), mass in points:
        total += mass
        sx += x * mass
        sy += y * mass
    return (sx / total, sy / total) if total else (0.0, 0.0)


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex outline, counter-clockwise (Andrew's monotone chain)."""
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _resting_roll(
    points: list[tuple[float, float]], centre: tuple[float, float], limit: float
) -> float:
    """Radians to turn the figure so it rests as it would fall: on the edge of its outline
    under its centre of mass, turned level; if it then has another edge under it, on to
    that one. A turn beyond ``limit`` degrees means the body holds itself up (a person leaning
    back stands on their heels), so then there is no turn at all."""
    hull = _hull(points)
    total = 0.0
    for _ in range(8):
        c, s = math.cos(total), math.sin(total)
        turned = [(x * c - y * s, x * s + y * c) for x, y in hull]
        cx = centre[0] * c - centre[1] * s
        angle = 0.0
        # The outline is counter-clockwise: its lower edges run left to right.
        for i, a in enumerate(turned):
            b = turned[(i + 1) % len(turned)]
            if a[0] < b[0] and a[0] - 1e-9 <= cx <= b[0] + 1e-9:
                angle = math.atan2(b[1] - a[1], b[0] - a[0])
                break
        if abs(angle) < 1e-6:
            break
        total -= angle
        if abs(math.degrees(total)) > limit:
            return 0.0
    return total
