"""The pose language of session files: an exercise's ``figure:``, as typed models.

A figure is a few *keyframes* (poses) of one simple skeleton, seen from the side, the
front or above, placed on the floor by a *base*. A pose names only what differs: joint
angles in the words a clinician uses (``left_hip: {flexion: 90}``), measured from the
anatomical position (standing, arms by the sides, palms in). ``start`` changes the
base's own pose; ``top``, ``end`` and ``hold`` change ``start``.

Every angle is checked against a human range of motion (:data:`RANGES`), so a typo such
as ``knees: {flexion: 350}`` is an error at its line and column, naming the joint and
its range. The ranges are the usual adult normal values: AAOS (1965) for the limbs,
and regional spinal values as summarised by Magee (Orthopedic Physical Assessment).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "BASES",
    "JOINTS",
    "PAIRED",
    "RANGES",
    "Figure",
    "Pose",
]

BASES = (
    "standing",
    "kneeling",
    "all-fours",
    "lying-on-back",
    "lying-on-front",
    "lying-on-side",
)
"""How a figure rests on the floor. 'lying-on-side' lies on the left side, facing the
viewer; 'all-fours' is four-point kneeling (hands under shoulders, knees under hips)."""

Base = Literal[
    "standing", "kneeling", "all-fours", "lying-on-back", "lying-on-front", "lying-on-side"
]

# Joint -> movement -> the most degrees from the anatomical position. Opposite movements of one
# joint (flexion and extension) are one signed angle inside coach; a pose names one.
RANGES: dict[str, dict[str, int]] = {
    "neck": {
        "flexion": 50,
        "extension": 60,
        "side_bend_left": 45,
        "side_bend_right": 45,
        "rotation_left": 80,
        "rotation_right": 80,
    },
    "thoracic": {
        "flexion": 45,
        "extension": 30,
        "side_bend_left": 40,
        "side_bend_right": 40,
        "rotation_left": 50,
        "rotation_right": 50,
    },
    "lumbar": {
        "flexion": 60,
        "extension": 35,
        "side_bend_left": 25,
        "side_bend_right": 25,
        "rotation_left": 18,
        "rotation_right": 18,
    },
    "pelvis": {
        "anterior_tilt": 20,
        "posterior_tilt": 20,
        "rotation_left": 45,
        "rotation_right": 45,
    },
    "shoulder": {
        "flexion": 180,
        "extension": 60,
        "abduction": 180,
        "adduction": 45,
        "horizontal_abduction": 90,
        "horizontal_adduction": 135,
    },
    "elbow": {"flexion": 150},
    "hip": {
        "flexion": 120,
        "extension": 30,
        "abduction": 45,
        "adduction": 30,
        "internal_rotation": 45,
        "external_rotation": 45,
    },
    "knee": {"flexion": 135},
    "ankle": {"dorsiflexion": 20, "plantarflexion": 50},
}

PAIRED = ("shoulder", "elbow", "hip", "knee", "ankle")
"""Joints on both sides: ``hips`` sets both, ``left_hip`` and ``right_hip`` one."""

JOINTS: tuple[str, ...] = (
    "neck",
    "thoracic",
    "lumbar",
    "pelvis",
    *(f"{side}_{joint}" for joint in PAIRED for side in ("left", "right")),
)
"""Every joint a pose can set once both-sides keys are spread out."""

# Movements that are one signed angle: the first of each pair counts positive.
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("flexion", "extension"),
    ("side_bend_left", "side_bend_right"),
    ("rotation_left", "rotation_right"),
    ("anterior_tilt", "posterior_tilt"),
    ("abduction", "adduction"),
    ("horizontal_abduction", "horizontal_adduction"),
    ("internal_rotation", "external_rotation"),
    ("dorsiflexion", "plantarflexion"),
)

_TITLES = {
    "neck": "neck",
    "thoracic": "thoracic spine",
    "lumbar": "lumbar spine",
    "pelvis": "pelvis",
    "shoulder": "shoulder",
    "elbow": "elbow",
    "hip": "hip",
    "knee": "knee",
    "ankle": "ankle",
}


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        hide_input_in_errors=True,
    )


def _angle(joint: str, movement: str) -> Any:  # Any: an Annotated type built at run time
    """A movement's field: degrees, absent by default, its range in the JSON Schema (the
    check itself is :meth:`_Joint._in_range`, whose message names the joint)."""
    return Field(default=None, json_schema_extra={"minimum": 0, "maximum": RANGES[joint][movement]})


class _Joint(_Model):
    """Angles of one joint; opposite movements (flexion and extension) exclude each other."""

    joint: ClassVar[str]

    @field_validator("*")
    @classmethod
    def _in_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return None
        movement = str(info.field_name)
        top = RANGES[cls.joint][movement]
        if not 0 <= value <= top:
            raise PydanticCustomError(
                "joint_range",
                f"{_TITLES[cls.joint]} {movement.replace('_', ' ')} must be between 0 and "
                f"{top} degrees (its human range), not {value:g}",
            )
        return float(value)

    @model_validator(mode="after")
    def _one_of_each_pair(self) -> _Joint:
        for first, second in OPPOSITES:
            if getattr(self, first, None) is not None and getattr(self, second, None) is not None:
                raise PydanticCustomError(
                    "joint_pair",
                    f"give '{first}' or '{second}', not both: they are one angle, "
                    "in opposite directions",
                )
        return self

    def signed(self) -> dict[str, float]:
        """Each movement pair as one signed angle: the first of the pair positive."""
        angles: dict[str, float] = {}
        for first, second in OPPOSITES:
            plus, minus = getattr(self, first, None), getattr(self, second, None)
            if plus is not None:
                angles[first] = plus
            elif minus is not None:
                angles[first] = -minus
        return angles


class NeckAngles(_Joint):
    """Angles of the neck, in degrees from upright."""

    joint: ClassVar[str] = "neck"
    flexion: float | None = _angle("neck", "flexion")
    """Bending forward (rounding). Up to 50."""
    extension: float | None = _angle("neck", "extension")
    """Bending backward (arching). Up to 60."""
    side_bend_left: float | None = _angle("neck", "side_bend_left")
    """Bending sideways to the left. Up to 45."""
    side_bend_right: float | None = _angle("neck", "side_bend_right")
    """Bending sideways to the right. Up to 45."""
    rotation_left: float | None = _angle("neck", "rotation_left")
    """Turning the front to the left. Up to 80."""
    rotation_right: float | None = _angle("neck", "rotation_right")
    """Turning the front to the right. Up to 80."""


class ThoracicAngles(_Joint):
    """Angles of the thoracic spine (upper back), in degrees from upright."""

    joint: ClassVar[str] = "thoracic"
    flexion: float | None = _angle("thoracic", "flexion")
    """Bending forward (rounding). Up to 45."""
    extension: float | None = _angle("thoracic", "extension")
    """Bending backward (arching). Up to 30."""
    side_bend_left: float | None = _angle("thoracic", "side_bend_left")
    """Bending sideways to the left. Up to 40."""
    side_bend_right: float | None = _angle("thoracic", "side_bend_right")
    """Bending sideways to the right. Up to 40."""
    rotation_left: float | None = _angle("thoracic", "rotation_left")
    """Turning the front to the left. Up to 50."""
    rotation_right: float | None = _angle("thoracic", "rotation_right")
    """Turning the front to the right. Up to 50."""


class LumbarAngles(_Joint):
    """Angles of the lumbar spine (low back), in degrees from upright."""

    joint: ClassVar[str] = "lumbar"
    flexion: float | None = _angle("lumbar", "flexion")
    """Bending forward (rounding). Up to 60."""
    extension: float | None = _angle("lumbar", "extension")
    """Bending backward (arching). Up to 35."""
    side_bend_left: float | None = _angle("lumbar", "side_bend_left")
    """Bending sideways to the left. Up to 25."""
    side_bend_right: float | None = _angle("lumbar", "side_bend_right")
    """Bending sideways to the right. Up to 25."""
    rotation_left: float | None = _angle("lumbar", "rotation_left")
    """Turning the front to the left. Up to 18."""
    rotation_right: float | None = _angle("lumbar", "rotation_right")
    """Turning the front to the right. Up to 18."""


class PelvisAngles(_Joint):
    """Tilt and turn of the pelvis, in degrees. A tilt keeps the trunk's and the thighs'
    direction, so the low back arches (anterior tilt) or flattens (posterior tilt); a
    turn takes the hips and legs round with it under a trunk that stays where it is (the
    spine takes the turn), as when bent knees drop to one side lying on the back."""

    joint: ClassVar[str] = "pelvis"

    anterior_tilt: float | None = _angle("pelvis", "anterior_tilt")
    """Top of the pelvis forward: the low back arches. Up to 20."""
    posterior_tilt: float | None = _angle("pelvis", "posterior_tilt")
    """Top of the pelvis back: the low back flattens. Up to 20."""
    rotation_left: float | None = _angle("pelvis", "rotation_left")
    """The front of the pelvis turned to the left, the legs with it, under a still
    trunk. Up to 45."""
    rotation_right: float | None = _angle("pelvis", "rotation_right")
    """The front of the pelvis turned to the right, the legs with it, under a still
    trunk. Up to 45."""


class ShoulderAngles(_Joint):
    """Angles of a shoulder, in degrees from the arm hanging by the side."""

    joint: ClassVar[str] = "shoulder"

    flexion: float | None = _angle("shoulder", "flexion")
    """Arm forward and up: 90 points ahead, 180 overhead. Up to 180."""
    extension: float | None = _angle("shoulder", "extension")
    """Arm backward. Up to 60."""
    abduction: float | None = _angle("shoulder", "abduction")
    """Arm out to the side: 90 level with the shoulder. Up to 180."""
    adduction: float | None = _angle("shoulder", "adduction")
    """Arm across the front of the body. Up to 45."""
    horizontal_abduction: float | None = _angle("shoulder", "horizontal_abduction")
    """A forward arm swung outward, level (opening a book). Up to 90."""
    horizontal_adduction: float | None = _angle("shoulder", "horizontal_adduction")
    """A forward arm swung across the chest, level. Up to 135."""


class ElbowAngles(_Joint):
    """Bend of an elbow, in degrees from straight."""

    joint: ClassVar[str] = "elbow"

    flexion: float | None = _angle("elbow", "flexion")
    """Hand toward the shoulder. Up to 150."""


class HipAngles(_Joint):
    """Angles of a hip, in degrees from standing."""

    joint: ClassVar[str] = "hip"

    flexion: float | None = _angle("hip", "flexion")
    """Thigh forward and up: 90 is level when standing. Up to 120."""
    extension: float | None = _angle("hip", "extension")
    """Thigh backward. Up to 30."""
    abduction: float | None = _angle("hip", "abduction")
    """Leg out to the side. Up to 45."""
    adduction: float | None = _angle("hip", "adduction")
    """Leg across the other. Up to 30."""
    internal_rotation: float | None = _angle("hip", "internal_rotation")
    """Thigh turned inward about its length. Up to 45."""
    external_rotation: float | None = _angle("hip", "external_rotation")
    """Thigh turned outward about its length. Up to 45."""


class KneeAngles(_Joint):
    """Bend of a knee, in degrees from straight."""

    joint: ClassVar[str] = "knee"

    flexion: float | None = _angle("knee", "flexion")
    """Heel toward the buttock. Up to 135."""


class AnkleAngles(_Joint):
    """Angles of an ankle, in degrees from the foot at a right angle to the shin."""

    joint: ClassVar[str] = "ankle"

    dorsiflexion: float | None = _angle("ankle", "dorsiflexion")
    """Toes toward the shin. Up to 20."""
    plantarflexion: float | None = _angle("ankle", "plantarflexion")
    """Toes pointed. Up to 50."""


class Pose(_Model):
    """Joint angles that differ from the pose this one builds on. ``hips``, ``knees``
    (and the other plural keys) set both sides; ``left_hip`` and ``right_hip`` one side,
    over the plural. 'Left' is the person's own left."""

    neck: NeckAngles | None = None
    """Neck: flexion (chin down), extension, side_bend_left/right, rotation_left/right."""
    thoracic: ThoracicAngles | None = None
    """Upper back: flexion (rounding), extension, side_bend_left/right, rotation_left/right."""
    lumbar: LumbarAngles | None = None
    """Low back: flexion (rounding), extension (arching), side_bend_left/right,
    rotation_left/right."""
    pelvis: PelvisAngles | None = None
    """Pelvic tilt (anterior_tilt or posterior_tilt) and turn (rotation_left/right)."""
    shoulders: ShoulderAngles | None = None
    """Both shoulders."""
    left_shoulder: ShoulderAngles | None = None
    """Left shoulder."""
    right_shoulder: ShoulderAngles | None = None
    """Right shoulder."""
    elbows: ElbowAngles | None = None
    """Both elbows."""
    left_elbow: ElbowAngles | None = None
    """Left elbow."""
    right_elbow: ElbowAngles | None = None
    """Right elbow."""
    hips: HipAngles | None = None
    """Both hips."""
    left_hip: HipAngles | None = None
    """Left hip."""
    right_hip: HipAngles | None = None
    """Right hip."""
    knees: KneeAngles | None = None
    """Both knees."""
    left_knee: KneeAngles | None = None
    """Left knee."""
    right_knee: KneeAngles | None = None
    """Right knee."""
    ankles: AnkleAngles | None = None
    """Both ankles."""
    left_ankle: AnkleAngles | None = None
    """Left ankle."""
    right_ankle: AnkleAngles | None = None
    """Right ankle."""

    def angles(self) -> dict[str, dict[str, float]]:
        """Joint -> signed movement angles, with the plural keys spread to both sides
        (one side's own key wins, movement by movement)."""
        spread: dict[str, dict[str, float]] = {}
        for joint in ("neck", "thoracic", "lumbar", "pelvis"):
            value: _Joint | None = getattr(self, joint)
            if value is not None:
                spread[joint] = value.signed()
        for joint in PAIRED:
            both: _Joint | None = getattr(self, f"{joint}s")
            for side in ("left", "right"):
                own: _Joint | None = getattr(self, f"{side}_{joint}")
                merged = {**(both.signed() if both else {}), **(own.signed() if own else {})}
                if merged:
                    spread[f"{side}_{joint}"] = merged
        return spread


class Figure(_Model):
    """An animated figure of the exercise: a few poses of a simple skeleton that coach
    moves in time with the tempo. Each pose names only the joints that differ from the
    one before: ``start`` from the base, the others from ``start``."""

    view: Literal["side", "front", "above"] = "side"
    """'side': seen from the person's left (bending forward and back shows best);
    'front': seen from in front when standing, from the feet when lying on the back or
    front, from above the head when lying on the side; 'above': from the ceiling (knees
    dropping to the side, an arm opening like a book, turns on the floor show best)."""
    base: Base = "standing"
    """How the body rests on the floor: standing, kneeling, all-fours (four-point
    kneeling), lying-on-back, lying-on-front or lying-on-side (on the left side). Each
    has its own pose; coach sets the figure down on whatever touches the floor."""
    start: Pose = Field(default_factory=Pose)
    """The pose at the start of each repetition, and at rest (changes from the base)."""
    top: Pose | None = None
    """The pose at the top of a repetition, reached at the end of 'up' and kept through
    the pause (changes from start). Reps exercises need one."""
    end: Pose | None = None
    """The pose a repetition ends in (changes from start; default: start itself)."""
    hold: Pose | None = None
    """The pose held during a hold (changes from start; default: top)."""
    cycle: Annotated[float, Field(ge=0.5, le=20)] = 2.0
    """Seconds for one start-top-start loop while a timed exercise plays."""
    alternate: bool = False
    """Swap left and right on every second repetition or loop (walking, knee rocks)."""
