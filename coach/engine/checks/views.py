"""A check in words and rows, for the summary, the history's checks view and the report:
each hold today, at the check before and at the first, with the change against the
measurement error; the ratios; the PSFS score. Plain text, no markup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.engine.checks.measures import SHORTEST_SECONDS, Change, Ratio, hold_change, ratios
from coach.engine.checks.protocol import TESTS, EndedBy, TestInfo, Variant
from coach.engine.checks.psfs import psfs_change, psfs_score
from coach.engine.checks.records import CheckHistory, CheckRecord, HoldResult

__all__ = [
    "DatedRatio",
    "HoldRow",
    "hold_rows",
    "latest_hold_rows",
    "latest_ratios",
    "psfs_text",
    "ratio_text",
    "seconds_text",
]


def seconds_text(result: HoldResult | None) -> str:
    """'87 s', '240 s (ceiling)', '62 s (easier)', 'skipped', '-'."""
    if result is None:
        return "-"
    if not result.done or result.seconds is None:
        return "skipped"
    # Never '0 s' for a hold that lasted a moment: rounding would hide that it happened.
    text = "under 1 s" if 0 < result.seconds < SHORTEST_SECONDS else f"{result.seconds:.0f} s"
    extras = []
    if result.variant is Variant.EASIER:
        extras.append("easier")
    if result.at_ceiling:
        extras.append("ceiling")
    elif result.ended_by is EndedBy.PAIN:
        extras.append("pain")
    return f"{text} ({', '.join(extras)})" if extras else text


@dataclass(frozen=True, slots=True)
class HoldRow:
    info: TestInfo
    today: HoldResult | None
    before: HoldResult | None
    first: HoldResult | None
    since_before: Change
    since_first: Change
    day: date | None = None
    """The day of ``today``'s check (:func:`latest_hold_rows`: the last that has it)."""
    before_day: date | None = None
    first_day: date | None = None


def _previous(history: CheckHistory, check: CheckRecord) -> list[CheckRecord]:
    return [c for c in history.checks if c.day <= check.day and c.uid != check.uid]


def hold_rows(history: CheckHistory, check: CheckRecord) -> list[HoldRow]:
    """Each hold of ``check`` against the last earlier check that has it done, and
    against the first that has it done."""
    earlier = _previous(history, check)
    rows = []
    for info in TESTS:
        today = check.holds.get(info.test)
        done = [c.holds[info.test] for c in earlier if info.test in c.holds]
        done = [h for h in done if h.done]
        before = done[-1] if done else None
        first = done[0] if done else None
        rows.append(
            HoldRow(
                info,
                today,
                before,
                first,
                hold_change(before, today),
                hold_change(first, today),
            )
        )
    return rows


def latest_hold_rows(history: CheckHistory) -> list[HoldRow]:
    """Each hold at the last check that has it done (a check stopped before a hold does
    not hide the one before), against the last earlier check that has it done and the
    first; the rows name their days."""
    rows = []
    for info in TESTS:
        done = [(c.day, c.holds[info.test]) for c in history.checks if info.test in c.holds]
        done = [(d, h) for d, h in done if h.done]
        today = done[-1] if done else None
        before = done[-2] if len(done) > 1 else None
        first = done[0] if len(done) > 1 else None
        rows.append(
            HoldRow(
                info,
                today[1] if today else None,
                before[1] if before else None,
                first[1] if first else None,
                hold_change(before[1] if before else None, today[1] if today else None),
                hold_change(first[1] if first else None, today[1] if today else None),
                today[0] if today else None,
                before[0] if before else None,
                first[0] if first else None,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class DatedRatio:
    ratio: Ratio
    day: date | None
    """The check it is from: the last that gives it a value (None: no check does)."""


def latest_ratios(history: CheckHistory) -> list[DatedRatio]:
    """Each ratio from the last check that gives it a value; when none does, the last
    check's reason why not."""
    found: dict[str, DatedRatio] = {}
    for check in reversed(history.checks):
        for ratio in ratios(check.holds):
            if ratio.name not in found and ratio.value is not None:
                found[ratio.name] = DatedRatio(ratio, check.day)
    last = history.checks[-1].holds if history.checks else {}
    return [found.get(r.name, DatedRatio(r, None)) for r in ratios(last)]


def ratio_text(ratio: Ratio) -> str:
    """'0.82 (guide below 1.00): within the guide', or why it cannot be computed."""
    if ratio.value is None and ratio.within is None:
        return f"{ratio.name}: not computed ({ratio.note})"
    value = "-" if ratio.value is None else f"{ratio.value:.2f}"
    verdict = {True: "within the guide", False: "outside the guide", None: "cannot tell"}[
        ratio.within
    ]
    note = "".join(f"; {n}" for n in (ratio.note, *ratio.caveats) if n)
    return f"{ratio.name}: {value} (guide {ratio.guide}): {verdict}{note}"


def psfs_text(history: CheckHistory, check: CheckRecord) -> str:
    """The PSFS score of ``check`` and its change since the first check that rated the
    same activities."""
    score = psfs_score(check.psfs)
    if score is None:
        return "PSFS: not rated at this check."
    earlier = [c for c in _previous(history, check) if c.psfs]
    rated = len(check.psfs)
    text = f"PSFS {score:.1f}/10 over {rated} activit{'y' if rated == 1 else 'ies'}"
    if not earlier:
        return text + " (the first rating)."
    change = psfs_change(earlier[0].psfs, check.psfs)
    return f"{text}; since {earlier[0].day:%d %b %Y}: {change.words} ({change.note})."
