"""Where each routine home lists stands today, as plain data: done or not, which one
comes next, and the 'done today' line of one routine among several."""

from __future__ import annotations

from datetime import date

from coach.engine.home import RoutineStatus, next_due, routine_done, today_text
from coach.engine.records import SessionRecord, SessionStatus

DAY = date(2026, 12, 1)


def record(source_id: str, day: date = DAY, sets: int = 3) -> SessionRecord:
    return SessionRecord(
        f"{source_id}-{day.isoformat()}",
        f"{day.isoformat()}T07:00:00+00:00",
        None,
        SessionStatus.COMPLETED,
        source_id,
        source_id.title(),
        1,
        sets,
        1,
        day.isoformat(),
    )


def test_done_is_a_set_of_that_routine_that_day() -> None:
    recent = [record("morning"), record("evening", date(2026, 11, 30)), record("noon", sets=0)]
    assert routine_done(recent, "morning", DAY)
    assert not routine_done(recent, "evening", DAY)  # yesterday's
    assert not routine_done(recent, "noon", DAY)  # started, nothing done
    assert not routine_done(recent, "", DAY)  # a file that could not be read


def routines(*done: bool) -> list[RoutineStatus]:
    names = ["morning", "noon", "evening"]
    return [RoutineStatus(f"/{n}.yaml", n, n, d) for n, d in zip(names, done, strict=False)]


def test_the_next_due_is_the_first_not_done() -> None:
    assert next_due(routines(True, False, False), "/morning.yaml") == "/noon.yaml"
    assert next_due(routines(True, True, False), "/noon.yaml") == "/evening.yaml"
    # Not done yet: it stays; every one done: it stays; not listed: it stays.
    assert next_due(routines(False, True, False), "/morning.yaml") == "/morning.yaml"
    assert next_due(routines(True, True, True), "/noon.yaml") == "/noon.yaml"
    assert next_due(routines(True, False), "/other.yaml") == "/other.yaml"
    # A file that could not be read is never the next one due.
    broken = [*routines(True), RoutineStatus("/bad.yaml", "bad.yaml", "", False)]
    assert next_due(broken, "/morning.yaml") == "/morning.yaml"


def test_one_routine_among_several_counts_only_its_own_sessions() -> None:
    recent = [record("morning"), record("morning", date(2026, 11, 30))]
    assert today_text(recent, DAY).startswith("Done today: 1 session; another is extra")
    assert today_text(recent, DAY, source_id="evening").startswith("Not done yet today")
    assert "2 days in a row" in today_text(recent, DAY, source_id="evening")
