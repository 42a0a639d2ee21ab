"""Function checks: the trunk endurance holds, their measurement error and ratios, and
the check session itself (a state machine with an injected clock, like the day; its
messages are in :mod:`coach.engine.checks.messages`).

See docs/checks.md for the protocol, the guides and their sources.
"""

from coach.engine.checks.carry import CheckPort, carry_out
from coach.engine.checks.flow import HIGH_PAIN_BEFORE, CheckFlow, CheckStage, check_due
from coach.engine.checks.measures import (
    HOLD_MDC_SECONDS,
    Change,
    Direction,
    Ratio,
    classify,
    hold_change,
    ratios,
)
from coach.engine.checks.protocol import (
    CEILING_SECONDS,
    CUE_EVERY_SECONDS,
    SAFETY_NOTE,
    TESTS,
    EndedBy,
    HoldTest,
    TestInfo,
    Variant,
    info,
)
from coach.engine.checks.records import CheckHistory, CheckRecord, HoldResult, PsfsActivity
from coach.engine.checks.timer import HoldPhase, HoldTimer, PlannedCue

__all__ = [
    "CEILING_SECONDS",
    "CUE_EVERY_SECONDS",
    "HIGH_PAIN_BEFORE",
    "HOLD_MDC_SECONDS",
    "SAFETY_NOTE",
    "TESTS",
    "Change",
    "CheckFlow",
    "CheckHistory",
    "CheckPort",
    "CheckRecord",
    "CheckStage",
    "Direction",
    "EndedBy",
    "HoldPhase",
    "HoldResult",
    "HoldTest",
    "HoldTimer",
    "PlannedCue",
    "PsfsActivity",
    "Ratio",
    "TestInfo",
    "Variant",
    "carry_out",
    "check_due",
    "classify",
    "hold_change",
    "info",
    "ratios",
]
