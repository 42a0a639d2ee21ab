"""Figures a physiotherapist would sign: every frame of every bundled figure's motion
against the clinical constraints written beside it (coach/engine/figures/physio.py),
and each kind of check against the fault it was written for (the poses the figures had
when a physiotherapist graded them: each must fail), so a check cannot pass by
measuring nothing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from coach.engine.figures.motion import keyframes
from coach.engine.figures.physio import (
    BASE_CONSTRAINTS,
    CONSTRAINTS,
    Level,
    Near,
    OnFloor,
    Planted,
    Still,
    Upright,
    motion_frames,
    problems,
)
from coach.engine.figures.skeleton import landmarks
from coach.format.figure_library import (
    BUNDLED_FIGURES,
    HALF_KNEELING,
    HOOKLYING,
    bundled_figure,
)
from coach.format.figures import BASES, Figure

ROOT = Path(__file__).resolve().parent.parent


STILL_SLIDING = {
    # 0.089: the chest turns about the spine, so the lower shoulder joint swings forward
    # with it; a person rolls the back of the shoulder blade onto the floor instead, and
    # the model's chest cannot roll on its contact (no angle moves the turn's axis).
    "open-book": "left shoulder",
    # 0.18: lying flat (the start, and the rest between holds: "lower down to rest"),
    # the floor under where the shoulder will be once propped is 0.06 from the shoulder,
    # nearer than a 0.17 upper arm reaches, so the elbows must be placed as the chest
    # comes up, which a blend of two poses draws as a slide (an elbow out to the side
    # would slide across the floor instead, unseen from the side).
    "sphinx": "left elbow",
}
"""Figures whose support still slides, and one support that does: open, each checked to
slide (tests below), so the entry must go when the figure is fixed. Keeping these still
needs more of the model than new angles (a chest that rolls on the floor; a limb lifted
and put down between two poses)."""


def _sliding(found: list[str]) -> list[str]:
    return [p for p in found if "on the floor" in p and "slides" in p]


@pytest.mark.parametrize("name", sorted(BUNDLED_FIGURES))
def test_every_frame_of_every_bundled_figure_keeps_its_constraints(name: str) -> None:
    figure = bundled_figure(name)
    assert figure is not None
    keys = keyframes(figure)
    frames = list(motion_frames(keys))
    assert len(frames) >= 36  # four legs of nine frames at least
    found = problems(name, keys)
    if name in STILL_SLIDING:  # every other check still holds for it
        found = [p for p in found if p not in _sliding(found)]
    assert found == []


def test_every_constraint_names_a_bundled_figure_and_every_base_has_its_own() -> None:
    assert set(CONSTRAINTS) <= set(BUNDLED_FIGURES)
    assert set(BASE_CONSTRAINTS) == set(BASES)
    # The figures the physiotherapist's grading named, each with its own checks.
    graded = {
        "hip-flexor-stretch": Upright,
        "hip-flexor-reach": Upright,
        "knee-rocks": Level,
        "lying-rotation-stretch": Level,
        "sphinx": OnFloor,
        "bent-knee-hip-lift": OnFloor,
        "mcgill-curl-up": Near,
        "knee-to-chest": Near,
        "glute-bridge-arms-crossed": Near,
        "bird-dog": Still,
        "open-book": Still,
    }
    for name, kind in graded.items():
        assert any(isinstance(c, kind) for c in CONSTRAINTS[name]), name
    # Knee rocks, lying rotation and open book are drawn where their movement shows: from
    # the ceiling, not end on (a line with spikes).
    for name in ("knee-rocks", "lying-rotation-stretch", "open-book"):
        assert BUNDLED_FIGURES[name]["view"] == "above"


def graded(name: str, data: dict[str, Any]) -> list[str]:
    """The problems a figure written as ``data`` has, under ``name``'s constraints."""
    return problems(name, keyframes(Figure.model_validate(data)))


# The poses the bundled figures had when they were graded, each showing its fault.
OLD_HIP_FLEXOR = {
    "base": "kneeling",
    "start": HALF_KNEELING,
    "hold": {
        "right_hip": {"flexion": 75},
        "right_knee": {"flexion": 100},
        "right_ankle": {"dorsiflexion": 15},
        "left_hip": {"extension": 10},
        "pelvis": {"posterior_tilt": 10},
    },
}
OLD_KNEE_ROCKS = {
    "view": "front",
    "base": "lying-on-back",
    "start": {**HOOKLYING, "shoulders": {"abduction": 80}},
    "top": {
        "left_hip": {"abduction": 35},
        "right_hip": {"adduction": 25},
        "lumbar": {"rotation_right": 10},
    },
    "alternate": True,
}
OLD_SPHINX = {
    "base": "lying-on-front",
    "start": {"shoulders": {"flexion": 150}, "elbows": {"flexion": 100}},
    "hold": {
        "lumbar": {"extension": 25},
        "thoracic": {"extension": 15},
        "shoulders": {"flexion": 75},
        "elbows": {"flexion": 90},
    },
}
OLD_CURL_UP = {
    "base": "lying-on-back",
    "start": {
        "right_hip": {"flexion": 45},
        "right_knee": {"flexion": 90},
        "right_ankle": {"plantarflexion": 45},
        "shoulders": {"extension": 10},
        "elbows": {"flexion": 30},
    },
    "hold": {"thoracic": {"flexion": 14}, "neck": {"flexion": 8}},
}
OLD_KNEE_TO_CHEST = {
    "base": "lying-on-back",
    "start": HOOKLYING,
    "hold": {
        "left_hip": {"flexion": 115},
        "left_knee": {"flexion": 120},
        "shoulders": {"flexion": 60},
        "elbows": {"flexion": 80},
    },
}
OLD_ARMS_CROSSED = {
    "base": "lying-on-back",
    "start": {**HOOKLYING, "shoulders": {"flexion": 40}, "elbows": {"flexion": 120}},
    "hold": {"hips": {"flexion": 0}, "ankles": {"plantarflexion": 0}},
}
OLD_PRESS_UP = {
    "base": "lying-on-front",
    "start": {"shoulders": {"extension": 40}, "elbows": {"flexion": 150}},
    "top": {
        "lumbar": {"extension": 35},
        "thoracic": {"extension": 20},
        "shoulders": {"flexion": 20},
        "elbows": {"flexion": 10},
    },
}
# The cat-camel as graded: the shoulders' angle alone followed the back, so the hands
# and knees slid as it rounded and sagged (and the picture was set on the pelvis).
OLD_CAT_CAMEL = {
    "base": "all-fours",
    "top": {
        "pelvis": {"posterior_tilt": 10},
        "lumbar": {"flexion": 20},
        "thoracic": {"flexion": 20},
        "neck": {"flexion": 20},
        "shoulders": {"flexion": 130},
    },
    "end": {
        "pelvis": {"anterior_tilt": 10},
        "lumbar": {"extension": 20},
        "thoracic": {"extension": 10},
        "neck": {"extension": 20},
        "shoulders": {"flexion": 60},
    },
}
# A child's pose whose hips go back without the arms reaching: the hands slide.
OLD_CHILDS_POSE = {
    "base": "all-fours",
    "top": {
        "hips": {"flexion": 120},
        "knees": {"flexion": 135},
        "shoulders": {"flexion": 170},
        "lumbar": {"flexion": 25},
        "thoracic": {"flexion": 15},
    },
}
# A bird dog whose supporting arm moves: the hand on the floor slides.
SLIDING_BIRD_DOG = {
    "base": "all-fours",
    "hold": {
        "left_shoulder": {"flexion": 180},
        "right_shoulder": {"flexion": 70},
        "right_hip": {"flexion": 0},
        "right_knee": {"flexion": 0},
    },
}


@pytest.mark.parametrize(
    ("name", "data", "fault"),
    [
        ("hip-flexor-stretch", OLD_HIP_FLEXOR, "the trunk leans back"),
        ("knee-rocks", OLD_KNEE_ROCKS, "left shoulder and right shoulder tilt"),
        ("sphinx", OLD_SPHINX, "wrist is"),
        ("bent-knee-hip-lift", OLD_SPHINX, "above the floor"),
        ("mcgill-curl-up", OLD_CURL_UP, "from the low back"),
        ("knee-to-chest", OLD_KNEE_TO_CHEST, "from the raised knee or shin"),
        ("glute-bridge-arms-crossed", OLD_ARMS_CROSSED, "from the chest"),
        ("press-up-full", OLD_PRESS_UP, "pelvis is"),
        ("bird-dog", SLIDING_BIRD_DOG, "right hand slides"),
        ("cat-camel", OLD_CAT_CAMEL, "left hand slides"),
        ("childs-pose-rock", OLD_CHILDS_POSE, "right hand slides"),
    ],
)
def test_each_check_catches_the_fault_it_was_written_for(
    name: str, data: dict[str, Any], fault: str
) -> None:
    found = graded(name, data)
    assert any(fault in problem for problem in found), found


ON_THE_FLOOR = ("all-fours", "lying-on-back", "lying-on-front", "lying-on-side")


@pytest.mark.parametrize(
    "name", sorted(n for n, f in BUNDLED_FIGURES.items() if f["base"] in ON_THE_FLOOR)
)
def test_what_a_floor_figure_rests_on_stays_put_through_its_whole_motion(name: str) -> None:
    """Every all-fours and lying figure has its ground contacts checked (the hands and
    knees on all fours; what each lying figure rests on), over every frame of its motion
    both ways round, and none slides: measured here from the frames themselves, so the
    check cannot pass by naming nothing that is on the floor."""
    figure = bundled_figure(name)
    assert figure is not None
    keys = keyframes(figure)
    planted = [
        c for c in BASE_CONSTRAINTS[keys.base] + CONSTRAINTS.get(name, ()) if isinstance(c, Planted)
    ]
    assert planted, f"{name}: no ground contacts checked"
    frames = [
        (label, landmarks(posture, keys.base, keys.view))
        for label, posture, _ in motion_frames(keys)
    ]
    down = [n for c in planted for n in c.where if all(p[n][1] <= c.height for _, p in frames)]
    assert down, f"{name}: none of its ground contacts stays on the floor"
    slid = [problem for check in planted for problem in check.slides(frames, keys.view)]
    if name in STILL_SLIDING:
        assert any(f"{STILL_SLIDING[name]} slides" in problem for problem in slid), slid
    else:
        assert slid == []


def test_cat_camel_moves_only_the_spine_on_hands_and_knees_that_stay() -> None:
    """Measured directly: through the rounding and the sag both hands and both knees stay
    within a hundredth of a body height of where they started, while the back does move
    (the top of the chest rises and falls by more than five hundredths)."""
    keys = keyframes(bundled_figure("cat-camel"))  # type: ignore[arg-type]
    frames = [landmarks(p, keys.base, keys.view) for _, p, _ in motion_frames(keys)]
    for name in ("left_hand", "right_hand", "left_knee", "right_knee"):
        for points in frames:
            assert abs(points[name][0] - frames[0][name][0]) <= 0.01, name
            assert abs(points[name][1] - frames[0][name][1]) <= 0.01, name
    chest = [points["low_back"][1] for points in frames]
    assert max(chest) - min(chest) > 0.05


def test_knee_rocks_keeps_both_shoulders_flat_in_every_frame() -> None:
    """Measured directly: the shoulders' heights differ by under a hundredth of a body
    height in every frame, both ways round (they were 6-11 degrees apart)."""
    keys = keyframes(bundled_figure("knee-rocks"))  # type: ignore[arg-type]
    for _, posture, _ in motion_frames(keys):
        points = landmarks(posture, keys.base, keys.view)
        assert abs(points["left_shoulder"][1] - points["right_shoulder"][1]) < 0.01
        # and the knees do swing: across the picture, seen from above
    tops = [
        landmarks(p, keys.base, keys.view)["left_knee"][2]
        for label, p, _ in motion_frames(keys)
        if label.startswith("start->top")
    ]
    assert max(tops) - min(tops) > 0.1


def test_the_guides_table_of_constraints_is_current() -> None:
    script = ROOT / "scripts" / "make_figure_pictures.py"
    spec = importlib.util.spec_from_file_location("make_figure_pictures", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert module.guide_with_table(guide) == guide, "run scripts/make_figure_pictures.py"
    for name in BUNDLED_FIGURES:
        assert f"| `{name}` |" in module.physio_markdown()
