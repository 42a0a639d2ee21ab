"""Home drawn in the first frame from the views the last run kept: used only while
everything they were made from is unchanged, and replaced by the loaded day's own home
whenever they differ."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.config.locations import default_routine
from coach.engine import day
from coach.engine.clock import FakeClock
from coach.engine.records import SessionStatus
from coach.format.loader import load_session_file
from coach.store.database import HistoryStore
from coach.store.homecache import RUNNING, history_version, refresh_home, remember_home
from coach.tui.app import CoachApp, Launch
from coach.tui.home import HomeScreen

from .sessions import write_program
from .stored import opening, store_session
from .tui_helpers import home_ready, wait_for

END = date(2026, 6, 30)


def load_day(store: HistoryStore, source: Path, today: date) -> day.DayLoaded:
    result = day.carry_out(day.LoadDay(source, today, frozenset()), store, load_session_file)
    assert isinstance(result, day.DayLoaded)
    return result


@pytest.fixture
def years(tmp_path: Path, demo_history: Callable[..., object]) -> HistoryStore:
    path = tmp_path / "data" / "history.sqlite3"
    path.parent.mkdir()
    demo_history(path, days=120, seed=3, end=END)  # played once, copied for each test
    return HistoryStore(path)


def test_the_kept_views_are_the_homes_of_those_days(years: HistoryStore) -> None:
    """What is kept for tomorrow is what tomorrow's own load shows."""
    source = default_routine()
    remember_home(years.home_cache, load_day(years, source, END), years.version())
    for offset in range(3):
        when = END + timedelta(days=offset)
        kept = years.home_cache.read(source, when, years.version() or ())
        assert kept == day.home_view(*_view_inputs(load_day(years, source, when)))
    assert years.home_cache.read(source, END + timedelta(days=3), years.version() or ()) is None
    assert (years.path.parent / "cache" / "home.json").stat().st_mode & 0o777 == 0o600


def test_whether_a_view_is_kept_is_told_without_the_history(years: HistoryStore) -> None:
    """A first start asks this before opening the history: only a view of that file for
    that day counts."""
    source = default_routine()
    assert not years.home_cache.holds(source, END)
    remember_home(years.home_cache, load_day(years, source, END), years.version())
    assert years.home_cache.holds(source, END)
    assert not years.home_cache.holds(source, END + timedelta(days=10))
    assert not years.home_cache.holds(years.path, END)


def _view_inputs(loaded: day.DayLoaded) -> tuple[Any, Any, Any, Any, Any]:
    return loaded.loaded, loaded.planned, loaded.recent, (), loaded.today


def test_any_change_to_what_home_was_made_from_sets_it_aside(
    years: HistoryStore, tmp_path: Path
) -> None:
    source = write_program(tmp_path)
    version = years.version()
    remember_home(years.home_cache, load_day(years, source, END), version)
    assert years.home_cache.read(source, END, version or ()) is not None
    # The file was edited (its size or modification time changed).
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert years.home_cache.read(source, END, version or ()) is None
    remember_home(years.home_cache, load_day(years, source, END), version)
    # Another session was stored, or one is still running.
    session = opening(
        source_id="small", title="Small", source_path=str(source), levels={"small": 1}
    )
    store_session(years, session)
    assert years.version() is None  # running: the next start may offer to resume it
    with sqlite3.connect(years.path) as db:
        db.execute("UPDATE sessions SET status = 'completed' WHERE status = 'running'")
    assert years.version() != version
    assert years.home_cache.read(source, END, years.version() or ()) is None


def test_a_damaged_or_foreign_file_is_never_read_as_home(years: HistoryStore) -> None:
    source = default_routine()
    remember_home(years.home_cache, load_day(years, source, END), years.version())
    cache = years.path.parent / "cache" / "home.json"
    for text in ("{", "[]", '{"format": 1, "sources": {"x": 1}}', "\x00" * 10):
        cache.write_text(text, encoding="utf-8")
        assert years.home_cache.read(source, END, years.version() or ()) is None


def test_nothing_is_kept_when_the_start_had_to_say_something_first(
    years: HistoryStore, tmp_path: Path
) -> None:
    source = default_routine()
    loaded = load_day(years, source, END)
    problem = day.DayLoaded(**{**_fields(loaded), "problem": "locked"})
    remember_home(years.home_cache, problem, years.version())
    assert years.home_cache.read(source, END, years.version() or ()) is None


def _fields(loaded: day.DayLoaded) -> dict[str, Any]:
    return {name: getattr(loaded, name) for name in day.DayLoaded.__dataclass_fields__}


def test_after_a_run_home_is_kept_for_the_next_start(years: HistoryStore) -> None:
    source = default_routine()
    refresh_home(years, source, END)
    kept = years.home_cache.read(source, END, years.version() or ())
    assert kept is not None and kept.title == "Morning routine"


# -- the app ----------------------------------------------------------------------------


def make(source: Path, data: Path, today: date) -> CoachApp:
    return CoachApp(
        Launch(source, HistoryStore(data / "history.sqlite3"), clock=FakeClock(),
               today=lambda: today)
    )  # fmt: skip


async def test_the_next_start_draws_home_before_the_day_is_loaded(tmp_path: Path) -> None:
    source = write_program(tmp_path)
    first = make(source, tmp_path, END)
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(first), "home")
    second = make(source, tmp_path, END)
    async with second.run_test(size=(80, 24)) as pilot:
        # The first screen is home, from the kept view, while the day still loads.
        assert isinstance(second.screen, HomeScreen) and second.drawn_home is not None
        drawn = second.screen
        await pilot.press("enter")  # asked before the day is loaded: it waits for it
        await wait_for(pilot, lambda: type(second.screen).__name__ != "HomeScreen", "start")
        assert second.screen_stack[1] is drawn  # the drawn home was right: kept
        assert type(second.screen).__name__ == "ChecklistScreen"


async def test_started_with_the_historys_file_home_is_drawn_then_the_store_opens(
    tmp_path: Path,
) -> None:
    """As the CLI starts it: the history's file, not a store. Home comes from the kept
    views (read with the file's own version) and the day opens the store behind it."""
    source = write_program(tmp_path)
    first = make(source, tmp_path, END)
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(first), "home")
    history = tmp_path / "history.sqlite3"
    assert history_version(history) == HistoryStore(history).version() is not None
    second = CoachApp(Launch(source, history, clock=FakeClock(), today=lambda: END))
    async with second.run_test(size=(80, 24)) as pilot:
        assert isinstance(second.screen, HomeScreen) and second.drawn_home is not None
        await wait_for(pilot, home_ready(second), "the loaded home")
        assert second.store.path == history
        assert second.screen_stack[1].view == second.drawn_home


def test_the_first_frames_version_names_a_running_session_as_the_store_does() -> None:
    assert SessionStatus.RUNNING.value == RUNNING


async def test_a_drawn_home_that_turned_out_wrong_is_replaced(tmp_path: Path) -> None:
    source = write_program(tmp_path)
    first = make(source, tmp_path, END)
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(first), "home")
    # Made wrong by hand (the key still matches): the loaded day corrects it.
    store = HistoryStore(tmp_path / "history.sqlite3")
    view = store.home_cache.read(source, END, store.version() or ())
    assert view is not None
    wrong = type(view)(**{**view.to_json(), "rows": view.rows[:1], "title": "Stale"})
    store.home_cache.write(source, [source], store.version() or (), {END: wrong})
    second = make(source, tmp_path, END)
    async with second.run_test(size=(80, 24)) as pilot:
        assert second.drawn_home == wrong
        await pilot.press("enter")  # on the wrong home: not carried out
        await wait_for(pilot, home_ready(second), "the loaded home")
        assert isinstance(second.screen, HomeScreen)
        assert second.screen.view.title == "Small program"
        assert len(second.screen_stack) == 2
