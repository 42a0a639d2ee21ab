"""What home shows for a loaded day, today and on the next days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from coach.engine.day.carry import RECENT_SESSIONS
from coach.engine.day.messages import (
    DayLoaded,
)
from coach.engine.followup import FollowUpDue
from coach.engine.home import HomeRow, HomeView, last_session_text, today_text
from coach.engine.planning import NO_HISTORY, Change, Planned, changes, plan_today
from coach.engine.progression import describe_dose
from coach.engine.records import (
    SessionRecord,
)
from coach.engine.screening import blocked_today
from coach.engine.timeline import build_timeline
from coach.format.loader import LoadedFile, RoutineFile


def home_view(
    loaded: LoadedFile,
    planned: Planned,
    recent: Sequence[SessionRecord],
    safety: Sequence[str] = (),
    on: date | None = None,
) -> HomeView:
    """What home shows for ``planned`` on the day ``on``; ``safety`` notes come first."""
    about = loaded.routine if isinstance(loaded, RoutineFile) else loaded.program
    plan = planned.plan
    changed = changes(planned)
    first = Change(None, NO_HISTORY)
    return HomeView(
        title=plan.title,
        description=about.description,
        total_seconds=build_timeline(plan).total,
        rows=tuple(
            HomeRow(
                e.program_id,
                e.program_name,
                e.level,
                e.level_name,
                e.name,
                describe_dose(e.dose),
                (change := changed.get((e.program_id, e.key), first)).arrow,
                change.reason,
            )
            for e in plan.exercises
        ),
        last_session=last_session_text(recent),
        notes=(*safety, *planned.notes),
        today=today_text(recent, on, RECENT_SESSIONS) if on is not None else "",
    )


def safety_notes(*, blocked: bool, follow_up: FollowUpDue | None) -> tuple[str, ...]:
    """What home must say first: an urgent answer given today, a warning sign from a
    session that still needs its follow-up."""
    notes = []
    if blocked:
        notes.append(
            "You reported a sign that needs emergency care today: please get care now. "
            "coach starts no session today, and asks again tomorrow."
        )
    if follow_up is not None:
        notes.append(
            f"{follow_up.question()} Before the next session coach asks how it is now, "
            "and whether a clinician has seen it."
        )
    return tuple(notes)


def day_notes(day: DayLoaded, on: date) -> tuple[str, ...]:
    """:func:`safety_notes` for a loaded day, on ``on``."""
    return safety_notes(blocked=blocked_today(day.last_screening, on), follow_up=day.follow_up)


HOME_DAYS = 3
"""Days ahead (today included) whose home views are kept for the next start."""


def home_views(day: DayLoaded, days: int = HOME_DAYS) -> dict[date, HomeView]:
    """Home on the loaded day and the following ones, from the same history (the gap and
    weekly rules count from each day)."""
    views = {
        day.today: home_view(
            day.loaded, day.planned, day.recent, day_notes(day, day.today), day.today
        )
    }
    for offset in range(1, days):
        when = day.today + timedelta(days=offset)
        planned = plan_today(day.loaded, day.histories, day.moves, today=when, starts=day.starts)
        views[when] = home_view(day.loaded, planned, day.recent, day_notes(day, when), when)
    return views
