"""Change that is real, and the ratios between holds: pure functions of stored checks.

A change is shown against measurement error, never as progress when it is within it:
hold times change by less than about 30-45 s between two tests of the same person with
back pain without any real change (the Biering-Sorensen test's minimal detectable
change; see docs/checks.md), so coach takes the upper end, 45 s, for every hold: a
smaller change is "no clear change". The ratios are those McGill's battery reads, with
their usual guides; a ratio that cannot be computed (a hold of 0 s, a skipped or easier
test) says why instead of dividing by zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from coach.engine.checks.protocol import EndedBy, HoldTest, Variant
from coach.engine.checks.records import HoldResult

__all__ = [
    "HEALTHY_NORMS",
    "HOLD_MDC_SECONDS",
    "LEFT_RIGHT_GUIDE",
    "NORM_SOURCE",
    "PAIN_CAVEAT",
    "SHORTEST_SECONDS",
    "SIDE_EXTENSOR_GUIDE",
    "Change",
    "Direction",
    "Ratio",
    "classify",
    "hold_change",
    "ratios",
]

HOLD_MDC_SECONDS = 45.0
"""The smallest hold-time change taken as real: the upper end of the 30-45 s minimal
detectable change of the Biering-Sorensen test in people with back pain (domain brief;
docs/checks.md). Applied to every hold, as no smaller figure is known for the others."""

SHORTEST_SECONDS = 1.0
"""A hold shorter than this is shown as 'under 1 s' and never divided by (or into): its
time is the reaction of whoever stopped the clock, not the back's endurance."""

PAIN_CAVEAT = "stopped by pain: the time may be less than the position could be held"
"""Said wherever a hold stopped by pain counts: in a change and in a ratio."""

FLEXOR_EXTENSOR_GUIDE = 1.0
"""Flexor / extensor hold below 1.0 (McGill's guide)."""
LEFT_RIGHT_GUIDE = 0.05
"""Left and right side bridge within 5% of each other (McGill's guide)."""
SIDE_EXTENSOR_GUIDE = 0.75
"""Each side bridge / extensor hold below 0.75 (McGill's guide)."""


NORM_SOURCE = "McGill, Childs and Liebenson, Arch Phys Med Rehabil 1999 (75 healthy young adults)"
HEALTHY_NORMS: dict[str, str] = {
    "Flexor / extensor": "0.99 men, 0.79 women",
    "Left side bridge / extensor": "about 0.65 men, 0.39 women",
    "Right side bridge / extensor": "about 0.65 men, 0.39 women",
}
"""The ratios McGill measured in healthy young adults, shown beside a person's ratios
(:data:`NORM_SOURCE`; the domain brief). Left / right has only its guide."""


class Direction(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    NO_CLEAR_CHANGE = "no clear change"
    NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True, slots=True)
class Change:
    """A change between two measures, judged against the measurement error."""

    direction: Direction
    delta: float | None
    """After minus before (None when not comparable)."""
    threshold: float
    """The smallest change taken as real."""
    note: str
    """Why, in a few words: 'within the 45 s measurement error'."""
    caveats: tuple[str, ...] = ()
    """What limits the reading: 'the back extensor hold was stopped by pain...'."""

    @property
    def real(self) -> bool:
        return self.direction in (Direction.BETTER, Direction.WORSE)

    @property
    def words(self) -> str:
        """For a table cell: 'real change, +52 s', 'no clear change'..."""
        if self.direction is Direction.NOT_COMPARABLE or self.delta is None:
            return "not comparable"
        if self.real:
            return f"real change, {self.direction.value}"
        return "no clear change"


def classify(
    before: float,
    after: float,
    threshold: float,
    unit: str = "",
    limit: str = "measurement error",
) -> Change:
    """``after`` against ``before``: better (up) or worse (down) only when the change is
    at least ``threshold``; anything smaller is no clear change. ``limit`` names what the
    threshold is, for the note."""
    delta = after - before
    shown = _amount(abs(delta), unit)
    bound = f"{_amount(threshold, unit)} {limit}"
    if abs(delta) < threshold:
        note = "the same" if delta == 0 else f"{shown}, less than the {bound}"
        return Change(Direction.NO_CLEAR_CHANGE, delta, threshold, note)
    direction = Direction.BETTER if delta > 0 else Direction.WORSE
    way = "up" if delta > 0 else "down"
    return Change(direction, delta, threshold, f"{way} {shown}, at least the {bound}")


def _amount(value: float, unit: str) -> str:
    """'45 s', '1 point', '2.5 points'."""
    number = _number(value)
    if unit == " points" and number == "1":
        unit = " point"
    return f"{number}{unit}"


def hold_change(
    before: HoldResult | None, after: HoldResult | None, threshold: float = HOLD_MDC_SECONDS
) -> Change:
    """How a hold changed between two checks, against its measurement error."""
    if before is None or after is None or not before.done or not after.done:
        return Change(Direction.NOT_COMPARABLE, None, threshold, "not done both times")
    if before.variant is not after.variant:
        return Change(Direction.NOT_COMPARABLE, None, threshold, "different versions")
    assert before.seconds is not None and after.seconds is not None
    if before.at_ceiling and after.at_ceiling:
        return Change(Direction.NO_CLEAR_CHANGE, 0.0, threshold, "at the ceiling both times")
    change = classify(before.seconds, after.seconds, threshold, " s")
    caveats = tuple(
        f"{when} {PAIN_CAVEAT}"
        for when, hold in (("before:", before), ("after:", after))
        if hold.ended_by is EndedBy.PAIN
    )
    if caveats:
        return Change(change.direction, change.delta, change.threshold, change.note, caveats)
    return change


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio between two holds, with its usual guide."""

    name: str
    value: float | None
    """None when it cannot be computed (the note says why)."""
    guide: str
    within: bool | None
    """Whether it is within the guide; None when that cannot be told."""
    note: str = ""
    caveats: tuple[str, ...] = ()
    """What limits the reading (a hold stopped by pain)."""


def _usable(holds: Mapping[HoldTest, HoldResult], test: HoldTest) -> HoldResult | None:
    hold = holds.get(test)
    if hold is None or not hold.done or hold.variant is not Variant.STANDARD:
        return None
    return hold


_NAMES = {
    HoldTest.EXTENSOR: "extensor",
    HoldTest.FLEXOR: "flexor",
    HoldTest.SIDE_LEFT: "left side bridge",
    HoldTest.SIDE_RIGHT: "right side bridge",
}


def _missing(test: HoldTest) -> str:
    return f"needs the {_NAMES[test]} hold in its standard version"


def _quotient(
    name: str,
    guide: str,
    limit: float,
    top: HoldResult | None,
    bottom: HoldResult | None,
    top_test: HoldTest,
    bottom_test: HoldTest,
) -> Ratio:
    """``top / bottom``, within the guide when below ``limit``."""
    if top is None or bottom is None:
        return Ratio(name, None, guide, None, _missing(top_test if top is None else bottom_test))
    assert top.seconds is not None and bottom.seconds is not None
    for hold, test in ((bottom, bottom_test), (top, top_test)):
        short = _too_short(hold, test)
        if short:
            return Ratio(name, None, guide, None, short)
    value = top.seconds / bottom.seconds
    caveats = _pain_caveats((top, top_test), (bottom, bottom_test))
    note = ""
    if bottom.at_ceiling and top.at_ceiling:
        # Both could have gone on: the true ratio could be anything.
        note = "both holds reached the 240 s ceiling: the ratio cannot be known"
        return Ratio(name, value, guide, None, note, caveats)
    if bottom.at_ceiling and not top.at_ceiling:
        # The bottom hold could have gone on: the true ratio is at most this.
        note = f"the {_NAMES[bottom_test]} hold reached the ceiling: the ratio may be lower"
        within: bool | None = True if value < limit else None
    elif top.at_ceiling and not bottom.at_ceiling:
        note = f"the {_NAMES[top_test]} hold reached the ceiling: the ratio may be higher"
        within = False if value >= limit else None
    else:
        within = value < limit
    return Ratio(name, value, guide, within, note, caveats)


def _too_short(hold: HoldResult, test: HoldTest) -> str:
    """Why ``hold`` is too short to be part of a ratio, or ''."""
    assert hold.seconds is not None
    if hold.seconds <= 0:
        return f"the {_NAMES[test]} hold was 0 s"
    if hold.seconds < SHORTEST_SECONDS:
        return f"the {_NAMES[test]} hold was under 1 s"
    return ""


def _pain_caveats(*holds: tuple[HoldResult, HoldTest]) -> tuple[str, ...]:
    return tuple(
        f"the {_NAMES[test]} hold was {PAIN_CAVEAT}"
        for hold, test in holds
        if hold.ended_by is EndedBy.PAIN
    )


def ratios(holds: Mapping[HoldTest, HoldResult]) -> tuple[Ratio, ...]:
    """The ratios a clinician reads from one check: flexor/extensor, left/right side
    bridge, and each side bridge/extensor, each with its usual guide."""
    extensor = _usable(holds, HoldTest.EXTENSOR)
    flexor = _usable(holds, HoldTest.FLEXOR)
    left = _usable(holds, HoldTest.SIDE_LEFT)
    right = _usable(holds, HoldTest.SIDE_RIGHT)
    return (
        _quotient(
            "Flexor / extensor",
            f"below {FLEXOR_EXTENSOR_GUIDE:.2f}",
            FLEXOR_EXTENSOR_GUIDE,
            flexor,
            extensor,
            HoldTest.FLEXOR,
            HoldTest.EXTENSOR,
        ),
        _left_right(left, right),
        _quotient(
            "Left side bridge / extensor",
            f"below {SIDE_EXTENSOR_GUIDE:.2f}",
            SIDE_EXTENSOR_GUIDE,
            left,
            extensor,
            HoldTest.SIDE_LEFT,
            HoldTest.EXTENSOR,
        ),
        _quotient(
            "Right side bridge / extensor",
            f"below {SIDE_EXTENSOR_GUIDE:.2f}",
            SIDE_EXTENSOR_GUIDE,
            right,
            extensor,
            HoldTest.SIDE_RIGHT,
            HoldTest.EXTENSOR,
        ),
    )


def _left_right(left: HoldResult | None, right: HoldResult | None) -> Ratio:
    """Left / right side bridge; the guide is on how far apart they are, as a share of
    the longer one, so a side of 0 s is simply 100% apart."""
    name, guide = "Left / right side bridge", f"within {LEFT_RIGHT_GUIDE:.0%} of each other"
    if left is None or right is None:
        missing = HoldTest.SIDE_LEFT if left is None else HoldTest.SIDE_RIGHT
        return Ratio(name, None, guide, None, _missing(missing))
    assert left.seconds is not None and right.seconds is not None
    longer = max(left.seconds, right.seconds)
    if longer <= 0:
        return Ratio(name, None, guide, None, "both sides were 0 s")
    if longer < SHORTEST_SECONDS:
        return Ratio(name, None, guide, None, "both sides were under 1 s")
    caveats = _pain_caveats((left, HoldTest.SIDE_LEFT), (right, HoldTest.SIDE_RIGHT))
    apart = abs(left.seconds - right.seconds) / longer
    value = left.seconds / right.seconds if right.seconds >= SHORTEST_SECONDS else None
    if left.at_ceiling and right.at_ceiling:
        note = "both sides reached the 240 s ceiling: how far apart they are cannot be known"
        return Ratio(name, value, guide, None, note, caveats)
    note = f"{apart:.0%} apart"
    return Ratio(name, value, guide, apart <= LEFT_RIGHT_GUIDE + 1e-9, note, caveats)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
