"""What home shows for a loaded day, today and on the next days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from coach.engine.day.messages import (
    DayLoaded,
)
from coach.engine.home import HomeRow, HomeView, last_session_text
from coach.engine.planning import Planned, plan_today
from coach.engine.progression import describe_dose
from coach.engine.records import (
    SessionRecord,
)
from coach.engine.timeline import build_timeline
from coach.format.loader import LoadedFile, RoutineFile


def home_view(loaded: LoadedFile, planned: Planned, recent: Sequence[SessionRecord]) -> HomeView:
    """What home shows for ``planned``."""
    about = loaded.routine if isinstance(loaded, RoutineFile) else loaded.program
    plan = planned.plan
    return HomeView(
        title=plan.title,
        description=about.description,
        total_seconds=build_timeline(plan).total,
        rows=tuple(
            HomeRow(
                e.program_id, e.program_name, e.level, e.level_name, e.name, describe_dose(e.dose)
            )
            for e in plan.exercises
        ),
        last_session=last_session_text(recent),
        notes=planned.notes,
    )


HOME_DAYS = 3
"""Days ahead (today included) whose home views are kept for the next start."""


def home_views(day: DayLoaded, days: int = HOME_DAYS) -> dict[date, HomeView]:
    """Home on the loaded day and the following ones, from the same history (the gap and
    weekly rules count from each day)."""
    views = {day.today: home_view(day.loaded, day.planned, day.recent)}
    for offset in range(1, days):
        when = day.today + timedelta(days=offset)
        planned = plan_today(day.loaded, day.histories, day.moves, today=when, starts=day.starts)
        views[when] = home_view(day.loaded, planned, day.recent)
    return views
