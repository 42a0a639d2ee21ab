"""The history screen: its queries and figures (plain Python), and the screen under Pilot."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.demo.history import Summary
from coach.store.database import HistoryStore
from coach.store.history import (
    HistoryView,
    SessionPoint,
    calendar_weeks,
    day_marks,
    folded,
    streaks,
)

from .conftest import reading
from .sessions import write_program
from .tui_helpers import home_ready, make_app, screen_is, wait_for

END = date(2026, 3, 1)


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC: the days sessions belong to do not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def year(
    tmp_path_factory: pytest.TempPathFactory, demo_history: Callable[..., Summary]
) -> HistoryStore:
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    demo_history(path, days=365, seed=1, end=END)
    return HistoryStore(path)


# -- figures ----------------------------------------------------------------------------


def test_streaks_count_runs_of_days() -> None:
    today = date(2026, 3, 10)
    days = [today - timedelta(days=n) for n in (0, 1, 2, 5, 6, 7, 8, 20)]
    assert streaks(days, today) == streaks(days, today)
    result = streaks(days, today)
    assert (result.current, result.longest, result.last_30) == (3, 4, 8)
    # Today not done yet: yesterday's run still counts as current.
    assert streaks(days[1:], today).current == 2
    # Two days without: the streak is over.
    assert streaks([today - timedelta(days=2)], today).current == 0
    assert streaks([], today) == streaks((), today)
    assert (streaks([], today).current, streaks([], today).longest) == (0, 0)


@given(st.sets(st.integers(min_value=0, max_value=400), max_size=120))
def test_streaks_agree_with_counting_by_hand(offsets: set[int]) -> None:
    today = date(2026, 3, 10)
    days = {today - timedelta(days=n) for n in offsets}
    result = streaks(days, today)
    longest = run = 0
    for n in range(400, -1, -1):
        run = run + 1 if today - timedelta(days=n) in days else 0
        longest = max(longest, run)
    current = 0
    start = 0 if today in days else 1
    while today - timedelta(days=start + current) in days:
        current += 1
    assert result.longest == longest
    assert result.current == current
    assert result.last_30 == sum(1 for n in offsets if n < 30)
    assert result.current <= result.longest


def test_calendar_weeks_run_monday_to_sunday_up_to_the_end() -> None:
    end = date(2026, 3, 4)  # a Wednesday
    weeks = calendar_weeks(end, 10)
    assert len(weeks) == 10 and all(len(w) == 7 for w in weeks)
    assert all(w[0].weekday() == 0 for w in weeks)
    assert end in weeks[-1]
    flat = [d for w in weeks for d in w]
    assert flat == [flat[0] + timedelta(days=n) for n in range(70)]


def point(
    day: date, baseline: int | None, peak: int | None, status: str = "completed", sets: int = 3
) -> SessionPoint:
    return SessionPoint(1, day, "R", status, None, baseline, peak, sets, 12.0, 0)


def test_day_marks_and_folding_by_week_and_month() -> None:
    monday = date(2026, 3, 2)
    sessions = [
        point(monday, 2, 4),
        point(monday + timedelta(days=2), 4, 3, status="stopped"),
        point(monday + timedelta(days=2), None, None, status="stopped", sets=0),
        point(monday + timedelta(days=7), 1, 2, status="stopped", sets=0),
    ]
    marks = day_marks(sessions)
    assert marks == {monday: 2, monday + timedelta(days=2): 1, monday + timedelta(days=7): 0}
    weeks = folded(sessions, "week")
    assert [(w.start, w.sessions, w.baseline, w.peak) for w in weeks] == [
        (monday, 3, 3.0, 4),
        (monday + timedelta(days=7), 1, 1.0, 2),
    ]
    (month,) = folded(sessions, "month")
    assert (month.start, month.sessions, month.baseline, month.peak) == (
        date(2026, 3, 1),
        4,
        2.33,
        4,
    )


# -- queries ----------------------------------------------------------------------------


def test_sessions_carry_their_sets_pain_and_changes(year: HistoryStore) -> None:
    points = HistoryView(year).sessions()
    assert len(points) > 250
    assert [p.day for p in points] == sorted(p.day for p in points)
    # Counted here independently, set by set and decision by decision.
    with reading(year.path) as db:
        sets = db.execute(
            "SELECT s.uid, t.pain FROM sets t JOIN sessions s ON s.id = t.session_id"
        ).fetchall()
        changed = db.execute(
            "SELECT s.uid FROM dose_changes d JOIN sessions s ON s.id = d.session_id"
            " WHERE before_json != after_json"
        ).fetchall()
    for p in points:
        pains = [pain for uid, pain in sets if uid == p.uid]
        assert p.sets == len(pains)
        assert p.peak_pain == max((x for x in pains if x is not None), default=None)
        assert p.dose_changes == sum(1 for (uid,) in changed if uid == p.uid)


def test_exercises_and_dose_series(year: HistoryStore) -> None:
    view = HistoryView(year)
    exercises = view.exercises()
    with reading(year.path) as db:
        pairs = set(db.execute("SELECT DISTINCT program_id, exercise_id FROM sets").fetchall())
    assert {(e.program_id, e.exercise_id) for e in exercises} == pairs
    assert [e.last_day for e in exercises] == sorted((e.last_day for e in exercises), reverse=True)
    for ref in exercises[:5]:
        series = view.dose_series(ref.program_id, ref.exercise_id)
        assert len(series) == ref.sessions
        assert all(p.amount is not None and p.amount > 0 for p in series)
        with reading(year.path) as db:
            peaks = dict(
                db.execute(
                    "SELECT session_id, MAX(pain) FROM sets WHERE program_id = ? AND"
                    " exercise_id = ? GROUP BY session_id",
                    (ref.program_id, ref.exercise_id),
                ).fetchall()
            )
        assert {p.session_id: p.peak_pain for p in series} == peaks


def test_a_session_opens_to_its_sets_and_decisions(year: HistoryStore) -> None:
    view = HistoryView(year)
    changed = next(p for p in reversed(view.sessions()) if p.dose_changes)
    detail = view.detail(changed)
    assert len(detail.sets) == changed.sets
    assert detail.decisions and all("reason" in d and "after" in d for d in detail.decisions)
    with reading(year.path) as db:
        (row,) = db.execute("SELECT id FROM sessions WHERE uid = ?", (changed.uid,)).fetchone()
    assert all(s["session_id"] == row for s in detail.sets)


def test_decisions_name_their_exercise_even_when_it_was_not_done(year: HistoryStore) -> None:
    """A decision on an exercise skipped that day ("Not done this time...") is named as
    the exercise was last done, never by its id."""
    view = HistoryView(year)
    for point in view.sessions():
        detail = view.detail(point)
        done = {(s["program_id"], s["exercise_id"]) for s in detail.sets}
        missing = [d for d in detail.decisions if (d["program_id"], d["exercise_id"]) not in done]
        if missing:
            break
    else:
        pytest.fail("no session decided on an exercise it did not do")
    for decision in missing:
        name = detail.name_of(decision["program_id"], decision["exercise_id"])
        assert name != decision["exercise_id"]
        with sqlite3.connect(year.path) as db:
            names = {
                row[0]
                for row in db.execute(
                    "SELECT exercise_name FROM sets WHERE exercise_id = ?",
                    (decision["exercise_id"],),
                )
            }
        assert name in names
    assert detail.name_of("no-program", "no-such-exercise") == "no-such-exercise"


def test_interrupted_sessions_read_as_partial() -> None:
    stopped = point(date(2026, 3, 2), 1, 2, status="stopped")
    partial = SessionPoint(
        **{**{f: getattr(stopped, f) for f in stopped.__slots__}, "stop_reason": "interrupted"}
    )
    assert stopped.result == "stopped early"
    assert partial.result == "partial (interrupted)"


# -- the screen -------------------------------------------------------------------------


def copy_store(store: HistoryStore, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(store.path)
    target = sqlite3.connect(folder / "history.sqlite3")
    source.backup(target)
    source.close()
    target.close()


async def open_history(pilot: Any, app: Any) -> Any:
    await wait_for(pilot, home_ready(app), "home")
    await pilot.press("h")
    await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the history")
    return app.screen


async def test_the_history_screen_by_keyboard_alone(
    year: HistoryStore, tmp_path: Path, utc: None
) -> None:
    copy_store(year, tmp_path / "data")
    app, _ = make_app(write_program(tmp_path), tmp_path / "data", today=lambda: END)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot, app)
        summary = str(screen.query_one("#history-summary").render())
        assert f"{len(screen.sessions):,} sessions since" in summary
        # 2: pain chart; r cycles the period it covers.
        await pilot.press("2")
        await pilot.pause()
        assert "last 3 months" in str(screen.query_one("#pain-hint").render())
        await pilot.press("r")
        await pilot.pause()
        assert "last year" in str(screen.query_one("#pain-hint").render())
        # 3: exercises; the list has focus, arrows pick one and its chart follows.
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.series is not None, "the first exercise's chart")
        first = screen.series[0]
        await pilot.press("down")
        await wait_for(pilot, lambda: screen.series[0] != first, "the next exercise's chart")
        # 4: sessions, newest first; Enter opens one with its sets and decisions.
        await pilot.press("4")
        await wait_for(
            pilot,
            lambda: screen.session_table is not None and screen.session_table.row_count > 0,
            "the session list",
        )
        assert screen.listed[0].day >= screen.listed[-1].day
        assert all(s.day >= END - timedelta(days=364) for s in screen.listed)
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "SessionDetailScreen"), "the session")
        assert app.screen.detail.session == screen.listed[0]
        await pilot.press("escape")
        await wait_for(pilot, screen_is(app, "HistoryScreen"), "back to the history")
        await pilot.press("escape")
        await wait_for(pilot, home_ready(app), "back home")


async def test_an_empty_history_says_so(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot, app)
        assert "No sessions yet" in str(screen.query_one("#history-summary").render())
        for key in "234r1":
            await pilot.press(key)
        await pilot.pause()
        assert app.screen is screen
