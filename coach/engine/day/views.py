"""What home shows for a loaded day, today and on the next days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from coach.engine.day.carry import RECENT_SESSIONS
from coach.engine.day.messages import (
    DayLoaded,
)
from coach.engine.home import HomeRow, HomeView, RoutineStatus, last_session_text, today_text
from coach.engine.planning import NO_HISTORY, Change, Planned, changes, plan_today
from coach.engine.progression import describe_dose
from coach.engine.records import (
    SessionRecord,
)
from coach.engine.safety import SafetyDue, safety_due
from coach.engine.screening import QUESTIONS
from coach.engine.timeline import build_timeline
from coach.format.loader import LoadedFile, RoutineFile


def home_view(
    loaded: LoadedFile,
    planned: Planned,
    recent: Sequence[SessionRecord],
    safety: Sequence[str] = (),
    on: date | None = None,
    *,
    blocked: bool = False,
    routines: Sequence[RoutineStatus] = (),
) -> HomeView:
    """What home shows for ``planned`` on the day ``on``; ``safety`` notes come first.
    ``blocked`` (an urgent answer that day): no welcome and no way to start.
    ``routines``: the routines home lists (shown from two on), the loaded one marked."""
    about = loaded.routine if isinstance(loaded, RoutineFile) else loaded.program
    listed = tuple(routines) if len(routines) >= 2 else ()
    only = about.id if listed else None
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
                describe_dose(
                    e.dose, each_side=e.exercise.sides == "each", per_set=e.exercise.per_set
                ),
                (change := changed.get((e.program_id, e.key), first)).arrow,
                change.reason,
            )
            for e in plan.exercises
        ),
        last_session="" if blocked else last_session_text(recent),
        notes=(*safety, *planned.notes),
        today=today_text(recent, on, RECENT_SESSIONS, only) if on is not None else "",
        routines=listed,
    )


def safety_notes(due: SafetyDue) -> tuple[str, ...]:
    """What home must say first: an urgent answer given today, a warning sign (of a
    session or a function check) that still needs its follow-up, a checklist answer
    that asks for a clinician's review until a later checklist clears it."""
    notes = []
    if due.blocked:
        notes.append(
            "You reported a sign that needs emergency care today: please get care now. "
            "coach starts no session today, and asks again tomorrow."
        )
    if due.follow_up is not None:
        notes.append(
            f"{due.follow_up.question()} Before the next session or function check coach "
            "asks how it is now, and whether a clinician has seen it."
        )
    review = due.review
    if review is not None:
        ticked = "; ".join(_QUESTION_TEXT.get(key, key) for key in review.ticked)
        what = f": {ticked}" if ticked else ""
        notes.append(
            f"On {review.local_date:%A} {review.local_date.day} {review.local_date:%B} you "
            f"ticked a warning sign{what}. Please see a clinician soon, and tell them what "
            "you ticked."
        )
    return tuple(notes)


_QUESTION_TEXT = {q.key: q.text for q in QUESTIONS}


def day_notes(day: DayLoaded, on: date) -> tuple[str, ...]:
    """:func:`safety_notes` for a loaded day, on ``on``."""
    return safety_notes(safety_due(day.safety, on))


HOME_DAYS = 3
"""Days ahead (today included) whose home views are kept for the next start."""


def home_views(day: DayLoaded, days: int = HOME_DAYS) -> dict[date, HomeView]:
    """Home on the loaded day and the following ones, from the same history (the gap and
    weekly rules count from each day)."""
    views = {
        day.today: home_view(
            day.loaded,
            day.planned,
            day.recent,
            day_notes(day, day.today),
            day.today,
            blocked=safety_due(day.safety, day.today).blocked,
            routines=day.routines,
        )
    }
    # Nothing is done yet on the days ahead.
    ahead = tuple(replace(r, done=False) for r in day.routines)
    for offset in range(1, days):
        when = day.today + timedelta(days=offset)
        planned = plan_today(day.loaded, day.histories, day.moves, today=when, starts=day.starts)
        views[when] = home_view(
            day.loaded,
            planned,
            day.recent,
            day_notes(day, when),
            when,
            blocked=safety_due(day.safety, when).blocked,
            routines=ahead,
        )
    return views
