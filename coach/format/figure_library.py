"""The figures that come with coach: one for every bundled exercise, by id.

Each entry is written exactly as an exercise's own ``figure:`` would be in YAML (the
same keys and words), so an author can copy one and change it; a session file names one
with ``figure: bird-dog``. They live in the package rather than in ``sessions/`` so
``coach validate FOLDER`` never mistakes them for a session file, and as Python data so
reading a session file that names one costs no YAML parsing. Each was written from the
exercise's instructions and checked by eye (tests/test_figure_snapshots.py keeps the
pictures).
"""

from __future__ import annotations

from functools import cache

from coach.base.types import JsonValue
from coach.format.figures import Figure

__all__ = ["BUNDLED_FIGURES", "bundled_figure"]

# Positions several figures start from.
HOOKLYING: dict[str, JsonValue] = {
    "hips": {"flexion": 45},
    "knees": {"flexion": 90},
    "ankles": {"plantarflexion": 45},
}
"""On the back, knees bent, feet flat."""
TABLETOP: dict[str, JsonValue] = {
    "hips": {"flexion": 90},
    "knees": {"flexion": 90},
    "shoulders": {"flexion": 90},
}
"""On the back, knees above the hips with shins level, arms to the ceiling."""
HALF_KNEELING: dict[str, JsonValue] = {
    "right_hip": {"flexion": 90},
    "right_knee": {"flexion": 90},
    "right_ankle": {"plantarflexion": 0},
}
"""Kneeling on the left knee, the right foot flat in front."""
HIP_FLEXOR_STRETCH: dict[str, JsonValue] = {
    "right_hip": {"flexion": 90},
    "right_knee": {"flexion": 100},
    "right_ankle": {"dorsiflexion": 15},
    "left_hip": {"extension": 10},
    "left_knee": {"flexion": 70},
    "pelvis": {"posterior_tilt": 10},
}
"""The stretch from half kneeling: the pelvis tucked and moved forward over the front
foot, the back thigh behind the trunk, the trunk upright (leaning back is the fault
the instructions warn against: the low back arches instead of the hip stretching)."""
ARMS_OVERHEAD = {"shoulders": {"flexion": 170}}
FOREARMS_AHEAD: dict[str, JsonValue] = {"shoulders": {"flexion": 160}, "elbows": {"flexion": 20}}
"""Lying face down, the arms ahead with the forearms and hands flat on the floor."""
HANDS_UNDER_BACK: dict[str, JsonValue] = {
    "shoulders": {"extension": 5, "abduction": 60},
    "elbows": {"flexion": 0},
}
"""Lying on the back, the hands under the low back (seen from the side: the arms run to
it; the abduction takes them toward it across the floor)."""
HANDS_BY_SHOULDERS: dict[str, JsonValue] = {
    "shoulders": {"extension": 50},
    "elbows": {"flexion": 150},
}
"""Lying face down, the hands flat on the floor beside the shoulders (a press-up's)."""
# On all fours the hands and knees stay where they are (tests/test_physio.py): only the
# spine moves, the head following it. The pelvis tucking (cat) or tipping (camel) opens or
# closes the hips over knees that stay put, and the shoulders' angle changes with the
# upper back, so the hands stay under the shoulders (the angles are the ones that keep
# them still: with the shoulders' alone, the hands and knees slid 0.05 body heights).
CAT = {
    "pelvis": {"posterior_tilt": 10},
    "lumbar": {"flexion": 20},
    "thoracic": {"flexion": 20},
    "neck": {"flexion": 20},
    "hips": {"flexion": 73},
    "shoulders": {"flexion": 117},
}
CAMEL = {
    "pelvis": {"anterior_tilt": 10},
    "lumbar": {"extension": 20},
    "thoracic": {"extension": 10},
    "neck": {"extension": 20},
    "hips": {"flexion": 104},
    "shoulders": {"flexion": 72},
}
CHILDS_POSE = {
    "hips": {"flexion": 110},
    "knees": {"flexion": 135},
    "shoulders": {"flexion": 135},
    "lumbar": {"flexion": 25},
    "thoracic": {"flexion": 15},
}
"""Sitting back toward the heels from all fours, the hands and knees where they were:
the knees bend as far as they may (the format's range) over shins that stay flat, the
hips as far as that takes them back, and the arms reach as far as the trunk leaves the
hands."""
SIDE_BRIDGE_SAG = {
    "lumbar": {"side_bend_right": 20},
    "thoracic": {"side_bend_right": 10},
    "left_shoulder": {"abduction": 80},
    "left_elbow": {"flexion": 90},
    "right_shoulder": {"abduction": 15},
    "right_elbow": {"flexion": 100},
}
SIDE_BRIDGE_UP: dict[str, JsonValue] = {
    "lumbar": {"side_bend_right": 0},
    "thoracic": {"side_bend_right": 0},
    "left_shoulder": {"abduction": 121.7},
    "left_elbow": {"flexion": 89.1},
}
"""The side bridge held: the body straight from the shoulders to the feet, on a forearm
and feet that stay where they were (the upper arm comes upright under the shoulder as the
hips lift: with its angle unchanged, the forearm slid 0.085 and the feet 0.03)."""
BRIDGE = {"hips": {"flexion": 3.3}, "knees": {"flexion": 85.9}, "ankles": {"plantarflexion": 2.8}}
"""The hips lifted to a line from the shoulders to the knees, the feet where they stood:
the knees open a little as the hips rise (with them at 90 degrees, the feet slid 0.03)."""


def _walk(hip: float, knee: float, swing: float, elbow: float) -> dict[str, JsonValue]:
    """The left knee up and the arms swinging opposite, for walking and marching."""
    return {
        "left_hip": {"flexion": hip},
        "left_knee": {"flexion": knee},
        "left_ankle": {"plantarflexion": 20},
        "right_shoulder": {"flexion": swing},
        "left_shoulder": {"extension": swing * 0.8},
        "elbows": {"flexion": elbow},
    }


BUNDLED_FIGURES: dict[str, dict[str, JsonValue]] = {
    # -- mobility -----------------------------------------------------------------------
    "walk-in-place": {
        "base": "standing",
        "top": _walk(35, 60, 25, 20),
        "cycle": 1.5,
        "alternate": True,
    },
    "cat-camel": {"base": "all-fours", "top": CAT, "end": CAMEL},
    "pelvic-tilt": {
        "base": "lying-on-back",
        "start": HOOKLYING,
        "top": {"pelvis": {"posterior_tilt": 15}},
        "end": {"pelvis": {"anterior_tilt": 12}},
    },
    "knee-rocks": {
        # From the ceiling: the knees swing across while the arms and shoulders stay flat
        # on the floor (seen from the feet, the body was a line with spikes).
        "view": "above",
        "base": "lying-on-back",
        "start": {**HOOKLYING, "shoulders": {"abduction": 60}},
        "top": {"pelvis": {"rotation_right": 30}},
        "alternate": True,
    },
    "knee-to-chest": {
        "base": "lying-on-back",
        "start": HOOKLYING,
        # The hands hold the shin just under the knee (they were above the face).
        "hold": {
            "left_hip": {"flexion": 115},
            "left_knee": {"flexion": 120},
            "shoulders": {"flexion": 10},
            "elbows": {"flexion": 70},
        },
    },
    "march-in-place": {
        "base": "standing",
        "top": _walk(60, 75, 40, 60),
        "cycle": 1.5,
        "alternate": True,
    },
    "cat-camel-slow": {
        "base": "all-fours",
        # Further than cat-camel's, the hips and shoulders as there (see CAT).
        "top": {
            "pelvis": {"posterior_tilt": 15},
            "lumbar": {"flexion": 30},
            "thoracic": {"flexion": 25},
            "neck": {"flexion": 30},
            "hips": {"flexion": 62.6},
            "shoulders": {"flexion": 124.8},
        },
        "end": {
            "pelvis": {"anterior_tilt": 15},
            "lumbar": {"extension": 25},
            "thoracic": {"extension": 15},
            "neck": {"extension": 25},
            "hips": {"flexion": 110.1},
            "shoulders": {"flexion": 66.9},
        },
    },
    "childs-pose-rock": {"base": "all-fours", "top": CHILDS_POSE, "cycle": 6},
    "hip-flexor-stretch": {
        "base": "kneeling",
        "start": HALF_KNEELING,
        "hold": {
            **HIP_FLEXOR_STRETCH,
        },
    },
    "lying-rotation-stretch": {
        "view": "above",
        "base": "lying-on-back",
        "start": {**HOOKLYING, "shoulders": {"abduction": 80}},
        # The knees lower to the right with the feet staying where they stood (the pelvis
        # turn alone took the legs round the spine as a block, and the feet slid 0.039):
        # the lower (right) hip turns in and draws across a little as the foot rolls
        # onto its outer edge.
        "hold": {
            "pelvis": {"rotation_right": 35},
            "right_hip": {"internal_rotation": 15, "adduction": 10},
        },
    },
    "brisk-march": {
        "base": "standing",
        "top": _walk(80, 90, 50, 80),
        "cycle": 1.2,
        "alternate": True,
    },
    "cat-camel-child-flow": {
        "base": "all-fours",
        # Back to the heels with the back rounded: the knees and arms as far as keeps the
        # hands and knees still (see CHILDS_POSE).
        "top": {
            **CHILDS_POSE,
            **CAT,
            "hips": {"flexion": 115},
            "shoulders": {"flexion": 142},
        },
        "cycle": 6,
    },
    "hip-flexor-reach": {
        "base": "kneeling",
        "start": HALF_KNEELING,
        "hold": {
            **HIP_FLEXOR_STRETCH,
            "left_shoulder": {"flexion": 170},
            "thoracic": {"side_bend_right": 10},
        },
    },
    "open-book": {
        # From the ceiling: the top arm sweeps from the front to the back in an arc over
        # knees that stay stacked (from above the head it was end on).
        "view": "above",
        "base": "lying-on-side",
        "start": {"hips": {"flexion": 70}, "knees": {"flexion": 90}, "shoulders": {"flexion": 90}},
        "top": {
            "right_shoulder": {"flexion": 90, "horizontal_abduction": 90},
            "thoracic": {"rotation_right": 45},
            "neck": {"rotation_right": 40},
        },
    },
    "hip-hinge-drill": {
        "base": "standing",
        "start": {"knees": {"flexion": 10}, "elbows": {"flexion": 40}},
        "top": {"hips": {"flexion": 60}, "knees": {"flexion": 20}},
    },
    # -- holds --------------------------------------------------------------------------
    "mcgill-curl-up": {
        "base": "lying-on-back",
        "start": {
            "right_hip": {"flexion": 45},
            "right_knee": {"flexion": 90},
            "right_ankle": {"plantarflexion": 45},
            **HANDS_UNDER_BACK,
        },
        # The hands stay under the low back as the head and shoulders lift (the
        # shoulders' angle follows the upper back: the hands slid 0.03 without).
        "hold": {
            "thoracic": {"flexion": 14},
            "neck": {"flexion": 8},
            "shoulders": {"extension": 0},
            "elbows": {"flexion": 2.7},
        },
    },
    "side-bridge-knees": {
        "base": "lying-on-side",
        "start": {**SIDE_BRIDGE_SAG, "knees": {"flexion": 90}},
        "hold": {
            **SIDE_BRIDGE_UP,
            "left_shoulder": {"abduction": 119.7},
            "left_elbow": {"flexion": 91.3},
        },
    },
    "bird-dog-leg": {
        "base": "all-fours",
        "hold": {"right_hip": {"flexion": 0}, "right_knee": {"flexion": 0}},
    },
    "glute-bridge-hold": {"base": "lying-on-back", "start": HOOKLYING, "hold": BRIDGE},
    "dead-bug-tabletop": {"base": "lying-on-back", "start": HOOKLYING, "hold": TABLETOP},
    "curl-up-elbows-up": {
        "base": "lying-on-back",
        "start": {
            "right_hip": {"flexion": 45},
            "right_knee": {"flexion": 90},
            "right_ankle": {"plantarflexion": 45},
            **HANDS_UNDER_BACK,
        },
        "hold": {
            "thoracic": {"flexion": 16},
            "neck": {"flexion": 8},
            "shoulders": {"extension": 0},
            "elbows": {"flexion": 3.7},
        },
    },
    "side-bridge-staggered": {
        "base": "lying-on-side",
        "start": SIDE_BRIDGE_SAG,
        "hold": {**SIDE_BRIDGE_UP, "left_hip": {"abduction": 1.1}},
    },
    "bird-dog": {
        "base": "all-fours",
        "hold": {
            "left_shoulder": {"flexion": 180},
            "right_hip": {"flexion": 0},
            "right_knee": {"flexion": 0},
        },
    },
    "glute-bridge-arms-crossed": {
        "base": "lying-on-back",
        # The arms folded across the chest, each hand at the other shoulder (drawn at the
        # face, they were).
        "start": {
            **HOOKLYING,
            "shoulders": {"flexion": 30, "horizontal_adduction": 60},
            "elbows": {"flexion": 150},
        },
        # As BRIDGE, for arms that rest on the chest (the feet stay where they stood).
        "hold": {
            "hips": {"flexion": 5.5},
            "knees": {"flexion": 84.7},
            "ankles": {"plantarflexion": 4.5},
        },
    },
    "dead-bug-heel-lower": {
        "base": "lying-on-back",
        "start": TABLETOP,
        "hold": {"left_hip": {"flexion": 30}},
    },
    "curl-up-breathing": {
        "base": "lying-on-back",
        "start": {
            "right_hip": {"flexion": 45},
            "right_knee": {"flexion": 90},
            "right_ankle": {"plantarflexion": 45},
            **HANDS_UNDER_BACK,
        },
        "hold": {
            "thoracic": {"flexion": 16},
            "neck": {"flexion": 8},
            "shoulders": {"extension": 0},
            "elbows": {"flexion": 3.7},
        },
    },
    "side-bridge-full": {
        "base": "lying-on-side",
        "start": SIDE_BRIDGE_SAG,
        "hold": {**SIDE_BRIDGE_UP, "left_hip": {"abduction": 1.1}},
    },
    "bird-dog-fist": {
        "base": "all-fours",
        "hold": {
            "left_shoulder": {"flexion": 180},
            "right_hip": {"flexion": 0},
            "right_knee": {"flexion": 0},
        },
    },
    "single-leg-bridge-hold": {
        "base": "lying-on-back",
        "start": HOOKLYING,
        "hold": {
            "hips": BRIDGE["hips"],
            "ankles": BRIDGE["ankles"],
            "right_knee": BRIDGE["knees"],
            "left_knee": {"flexion": 0},
        },
    },
    "dead-bug-reach": {
        "base": "lying-on-back",
        "start": TABLETOP,
        "hold": {
            "left_shoulder": {"flexion": 170},
            "right_hip": {"flexion": 10},
            "right_knee": {"flexion": 0},
        },
    },
    # -- extensions ---------------------------------------------------------------------
    "prone-lying": {
        "base": "lying-on-front",
        "top": {"thoracic": {"extension": 3}},
        "cycle": 5,
    },
    "sphinx": {
        # Forearms flat on the floor throughout: reaching ahead lying down, then under
        # the shoulders with the chest up (the hands were in the air).
        "base": "lying-on-front",
        "start": FOREARMS_AHEAD,
        "hold": {
            "lumbar": {"extension": 25},
            "thoracic": {"extension": 15},
            "shoulders": {"flexion": 50},
            "elbows": {"flexion": 90},
        },
    },
    "press-up-half": {
        # The hands stay where they are and the hips on the floor: the arms lift the
        # chest, the low back lets it (the pelvis rose off the floor, the hands slid).
        "base": "lying-on-front",
        "start": HANDS_BY_SHOULDERS,
        "top": {
            "lumbar": {"extension": 20},
            "thoracic": {"extension": 15},
            "shoulders": {"extension": 40},
            "elbows": {"flexion": 125},
        },
    },
    "chest-lift-small": {
        "base": "lying-on-front",
        "hold": {
            "thoracic": {"extension": 12},
            "lumbar": {"extension": 5},
            "shoulders": {"extension": 17},
        },
    },
    "standing-extension": {
        "base": "standing",
        "start": {"shoulders": {"extension": 40}, "elbows": {"flexion": 100}},
        "top": {
            "lumbar": {"extension": 20},
            "thoracic": {"extension": 10},
            "hips": {"extension": 10},
            "knees": {"flexion": 5},
        },
    },
    "press-up-full": {
        "base": "lying-on-front",
        "start": HANDS_BY_SHOULDERS,
        # The hips a little extended, so the knees stay where they lie as the low back
        # arches (they slid 0.016, and the hands 0.013).
        "top": {
            "lumbar": {"extension": 35},
            "thoracic": {"extension": 30},
            "shoulders": {"extension": 44.1},
            "elbows": {"flexion": 112.5},
            "hips": {"extension": 5.8},
        },
    },
    "bent-knee-hip-lift": {
        "base": "lying-on-front",
        "start": {**FOREARMS_AHEAD, "left_knee": {"flexion": 90}},
        "top": {"left_hip": {"extension": 15}},
    },
    "opposite-arm-leg-lift": {
        "base": "lying-on-front",
        "start": ARMS_OVERHEAD,
        "top": {"left_shoulder": {"flexion": 180}, "right_hip": {"extension": 15}},
    },
    "chest-lift-hold": {
        "base": "lying-on-front",
        "hold": {
            "thoracic": {"extension": 15},
            "lumbar": {"extension": 8},
            "shoulders": {"extension": 28},
        },
    },
    "standing-extension-overhead": {
        "base": "standing",
        "start": ARMS_OVERHEAD,
        "top": {
            "lumbar": {"extension": 20},
            "thoracic": {"extension": 15},
            "hips": {"extension": 10},
            "knees": {"flexion": 10},
        },
    },
    "superman-lift": {
        "base": "lying-on-front",
        "start": ARMS_OVERHEAD,
        "top": {
            "shoulders": {"flexion": 180},
            "thoracic": {"extension": 15},
            "lumbar": {"extension": 15},
            "hips": {"extension": 15},
        },
    },
    "prone-swimmers": {
        "base": "lying-on-front",
        "start": {
            "shoulders": {"flexion": 175},
            "thoracic": {"extension": 10},
            "lumbar": {"extension": 10},
            "hips": {"extension": 8},
        },
        "top": {
            "left_shoulder": {"flexion": 180},
            "right_shoulder": {"flexion": 165},
            "right_hip": {"extension": 18},
            "left_hip": {"extension": 3},
        },
        "cycle": 1.2,
        "alternate": True,
    },
    "superman-hold": {
        "base": "lying-on-front",
        "start": ARMS_OVERHEAD,
        "hold": {
            "shoulders": {"flexion": 180},
            "thoracic": {"extension": 15},
            "lumbar": {"extension": 15},
            "hips": {"extension": 15},
        },
    },
    "bird-dog-reach-reps": {
        "base": "all-fours",
        "top": {
            "left_shoulder": {"flexion": 180},
            "right_hip": {"flexion": 0},
            "right_knee": {"flexion": 0},
        },
    },
    "good-morning": {
        "base": "standing",
        "start": {
            "knees": {"flexion": 10},
            "shoulders": {"flexion": 30},
            "elbows": {"flexion": 130},
        },
        "top": {"hips": {"flexion": 45}, "knees": {"flexion": 15}},
    },
}
"""Figure id -> the figure, as it would be written under an exercise's ``figure:``."""


@cache
def bundled_figure(figure_id: str) -> Figure | None:
    """The bundled figure with this id, validated (once), or None when there is none."""
    data = BUNDLED_FIGURES.get(figure_id)
    return Figure.model_validate(data) if data is not None else None
