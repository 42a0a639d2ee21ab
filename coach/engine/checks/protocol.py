"""The function check's protocol: which holds, in which order, how each is done, when it
stops, and what an easier version is when a position is not tolerated.

The tests are the trunk endurance holds of McGill's battery (McGill, Childs and
Liebenson, Arch Phys Med Rehabil 1999), the extensor hold in the Biering-Sorensen
position (Biering-Sorensen, Spine 1984): each is held until the position is lost, the
person stops it, or the ceiling of 240 s. The numbers, guides and their sources are in
docs/checks.md; this module holds them as data, without any I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CEILING_SECONDS",
    "CUE_EVERY_SECONDS",
    "GET_READY_SECONDS",
    "SAFETY_NOTE",
    "TESTS",
    "EndedBy",
    "HoldTest",
    "TestInfo",
    "Variant",
    "info",
]

CEILING_SECONDS = 240.0
"""Every hold stops here: the Biering-Sorensen test's usual ceiling (the domain brief);
the other holds use it too, so no test runs open-ended."""

CUE_EVERY_SECONDS = 30.0
"""A cue sounds every 30 s of a hold, so the person knows time passes without looking."""

GET_READY_SECONDS = 5.0
"""A countdown before each hold, to get into the position."""


class HoldTest(StrEnum):
    """The four holds, stored by value."""

    EXTENSOR = "extensor"
    FLEXOR = "flexor"
    SIDE_LEFT = "side_left"
    SIDE_RIGHT = "side_right"


class Variant(StrEnum):
    STANDARD = "standard"
    """The test position: compared with earlier checks and with the usual guides."""
    EASIER = "easier"
    """The easier alternative, when the test position is not tolerated: kept and shown,
    but compared only with the same easier version."""


class EndedBy(StrEnum):
    """Why a hold ended."""

    STOPPED = "stopped"
    """The person (or whoever timed them) stopped it: the position was lost."""
    PAIN = "pain"
    """Stopped because it hurt: the time is what could be held without pain."""
    CEILING = "ceiling"
    """Held to the ceiling: the test cannot show more."""
    SKIPPED = "skipped"
    """Not done today (no time is stored)."""


@dataclass(frozen=True, slots=True)
class TestInfo:
    test: HoldTest
    name: str
    short: str
    """A few letters, for narrow table headers."""
    short_name: str
    """A word or two, for tables and legends."""
    position: str
    """How to get into the test position and what 'losing it' means."""
    easier_name: str
    easier: str
    """The easier alternative, for when the test position is not tolerated."""


SAFETY_NOTE = (
    "Stop at once if pain rises sharply, or you feel numbness, tingling or pain spreading "
    "down a leg. Stopping early is fine: the time you held is what counts. If this "
    "position does not suit your back today, choose the easier version or skip the test."
)

TESTS: tuple[TestInfo, ...] = (
    TestInfo(
        HoldTest.EXTENSOR,
        "Back extensor hold",
        "Ext",
        "Extensor",
        "Lie face down with your hips on the edge of a bed or bench and your legs held "
        "down (a strap or a helper). Cross your arms over your chest and hold your upper "
        "body straight out, level with your legs. The hold ends when your upper body "
        "drops below level.",
        "Floor back extension hold",
        "Lie face down on the floor, arms by your sides, and lift your chest a little off "
        "the floor. Hold until it touches down.",
    ),
    TestInfo(
        HoldTest.FLEXOR,
        "Trunk flexor hold",
        "Flex",
        "Flexor",
        "Sit with knees and hips bent, feet held down, arms crossed over your chest, and "
        "lean back against a support (a wedge or firm cushions) so that your back is at "
        "60 degrees from the floor: 30 degrees back from sitting upright. The support is "
        "moved about 10 cm back and you hold that angle. The hold ends when your back "
        "drops to the support.",
        "Flexor hold, leaning back less",
        "Sit as above but lean back only half as far: your back 15 degrees back from "
        "sitting upright (75 degrees from the floor), the support about 10 cm behind you. "
        "Hold until you need to sit up or your back drops to the support.",
    ),
    TestInfo(
        HoldTest.SIDE_LEFT,
        "Side bridge, left side",
        "SB-L",
        "Side bridge L",
        "Lie on your left side, legs straight, top foot in front of the lower one. Lift "
        "your hips so your body is straight from head to feet, resting on your left "
        "forearm and feet. The hold ends when your hips drop.",
        "Kneeling side bridge, left side",
        "As the side bridge, but with your knees bent and resting on them instead of your "
        "feet. Hold until your hips drop.",
    ),
    TestInfo(
        HoldTest.SIDE_RIGHT,
        "Side bridge, right side",
        "SB-R",
        "Side bridge R",
        "Lie on your right side, legs straight, top foot in front of the lower one. Lift "
        "your hips so your body is straight from head to feet, resting on your right "
        "forearm and feet. The hold ends when your hips drop.",
        "Kneeling side bridge, right side",
        "As the side bridge, but with your knees bent and resting on them instead of your "
        "feet. Hold until your hips drop.",
    ),
)
"""In the order a check plays them: the extensor hold first, while fresh."""

_BY_TEST = {t.test: t for t in TESTS}


def info(test: HoldTest) -> TestInfo:
    return _BY_TEST[test]
