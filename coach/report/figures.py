"""The report's figures, computed from the period's data: adherence and streaks, pain
by week, dose steps, level moves, warning signs, checks. Pure functions, no I/O.

Adherence: coach plans a session every day, so the days planned are the period's days
from the first session coach ever stored (a person who started last week is not told
they missed the weeks before). A day counts as exercised when at least one set was
rated; a rest day the person chose on a very painful morning is counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coach.engine.records import REST_DAY
from coach.store.export import DecisionRow
from coach.store.history import DosePoint, Period, SessionPoint, folded, streaks
from coach.store.report import ReportData

__all__ = [
    "Adherence",
    "adherence",
    "advice_day",
    "advice_reason",
    "half_average",
    "pain_periods",
    "period_unit",
]

WEEKLY_UP_TO_DAYS = 2 * 366
"""Longer periods are shown by month: ten years of weeks are noise on a page."""


@dataclass(frozen=True, slots=True)
class Adherence:
    planned: int
    """Days from the first session (or the period's start) to its end."""
    exercised: int
    rest_days: int
    longest: int
    """The longest run of days in a row with a session, in the period."""
    current: int

    @property
    def share(self) -> float | None:
        return self.exercised / self.planned if self.planned else None


def exercised_days(sessions: tuple[SessionPoint, ...]) -> set[date]:
    return {s.day for s in sessions if s.sets > 0}


def adherence(data: ReportData) -> Adherence:
    days = exercised_days(data.sessions)
    rest = {s.day for s in data.sessions if s.stop_reason == REST_DAY} - days
    start = data.since if data.first_day is None else max(data.since, data.first_day)
    planned = (data.until - start).days + 1 if data.first_day is not None else 0
    run = streaks(days, data.until)
    return Adherence(max(0, planned), len(days), len(rest), run.longest, run.current)


def period_unit(data: ReportData) -> str:
    """'day', 'week' or 'month': how the charts fold the period (as the TUI does)."""
    span = (data.until - data.since).days
    if span <= 120:
        return "day"
    return "week" if span <= WEEKLY_UP_TO_DAYS else "month"


def pain_periods(data: ReportData, by: str) -> list[Period]:
    return folded(data.sessions, by)


def half_average(
    data: ReportData, first: bool, days: int = 14, *, peak: bool = False
) -> float | None:
    """The average pain at the start of sessions (or, with ``peak``, their highest pain
    during exercise) in the first (or last) ``days`` days of the period's sessions; None
    without ratings."""
    if not data.sessions:
        return None
    if first:
        edge = data.sessions[0].day + timedelta(days=days - 1)
        chosen = [s for s in data.sessions if s.day <= edge]
    else:
        edge = data.sessions[-1].day - timedelta(days=days - 1)
        chosen = [s for s in data.sessions if s.day >= edge]
    values = [s.peak_pain if peak else s.baseline_pain for s in chosen]
    rated = [v for v in values if v is not None]
    return sum(rated) / len(rated) if rated else None


def point_dose(point: DosePoint) -> str:
    """The planned dose of one session, in the fewest words: '2 sets: 5 x 8s', '10 reps',
    '1m 15s' (one set unless said)."""
    from coach.format.durations import format_duration

    sets = f"{point.sets} sets: " if point.sets != 1 else ""
    if point.hold is not None:
        return f"{sets}{point.holds or 1} x {format_duration(point.hold)}"
    if point.reps is not None:
        return f"{sets}{point.reps} reps"
    if point.duration is not None:
        return f"{sets}{format_duration(point.duration)}"
    return "-"


def weekly_days(data: ReportData) -> list[tuple[date, int]]:
    """Days exercised in each Monday-to-Sunday week of the period (0-7)."""
    days = exercised_days(data.sessions)
    monday = data.since - timedelta(days=data.since.weekday())
    weeks = []
    while monday <= data.until:
        count = sum(1 for d in range(7) if monday + timedelta(days=d) in days)
        weeks.append((monday, count))
        monday += timedelta(weeks=1)
    return weeks


def monthly_share(data: ReportData) -> list[tuple[date, float]]:
    """The share of days exercised in each calendar month of the period, 0-100."""
    days = exercised_days(data.sessions)
    first = data.first_day or data.since
    months: dict[date, list[int]] = {}
    day = max(data.since, first)
    while day <= data.until:
        counts = months.setdefault(day.replace(day=1), [0, 0])
        counts[0] += day in days
        counts[1] += 1
        day += timedelta(days=1)
    return [(month, 100 * done / total) for month, (done, total) in sorted(months.items())]


def dose_steps(decisions: tuple[DecisionRow, ...]) -> tuple[int, int]:
    """Dose decisions that stepped up and stepped back in the period."""
    from coach.engine.dose import Dose
    from coach.engine.progression import dose_direction

    up = down = 0
    # Ten years repeat a few hundred doses over 50,000 decisions: each pair once.
    ways: dict[tuple[int, int], int] = {}
    for decision in decisions:
        if decision["kind"] != "dose":
            continue
        before, after = decision["before"], decision["after"]
        if before == after:
            continue
        key = (id(before), id(after))
        way = ways.get(key)
        if way is None:
            way = ways[key] = dose_direction(Dose.from_json(before), Dose.from_json(after))
        up += way > 0
        down += way < 0
    return up, down


def advice_day(decision: DecisionRow) -> str | None:
    """The day a piece of advice belongs to (ISO): the day of the plan it was given for
    when it says so (a rising week after a session measures the week up to the next
    day, whose plan it is), else the day of its session."""
    inputs = decision["inputs"]
    day = inputs.get("day") if isinstance(inputs, dict) else None
    return day if isinstance(day, str) and day else decision["date"]


def advice_reason(decision: DecisionRow) -> str:
    """What coach said, with the day its figures belong to when that is not the day of
    the session it is stored with."""
    day = advice_day(decision)
    if day is None or day == decision["date"]:
        return str(decision["reason"])
    return f"For {date.fromisoformat(day):%d %b %Y} (the week up to that day): {decision['reason']}"
