"""Several routines on home (the ``routines`` setting): each listed with its status
today, the first not done shown (Enter plays it), 1-9 showing another; at 80x24 and at
40x12. The real app and day flow under Pilot, over a history with today's morning
routine in it; the two routines share a program, as a morning and an evening set of the
same exercises do."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Label

from coach.engine.home import RoutineRef
from coach.engine.records import PainAnswer, SessionStatus
from coach.store.database import HistoryStore
from coach.tui.app import CoachApp
from coach.tui.home import HomeScreen, routines_text
from coach.tui.keybar import KeyBar

from .sessions import write_program
from .stored import a_set, opening, store_session
from .strategies import dump
from .test_home_fit import lines_of
from .tui_helpers import DAY, home_ready, make_app, on_day, wait_for


def routine(folder: Path, routine_id: str, name: str) -> Path:
    path = folder / f"{routine_id}.yaml"
    body = {"id": routine_id, "name": name, "programs": [{"file": "small.yaml"}]}
    path.write_text(dump({"version": 1, "routine": body}), encoding="utf-8")
    return path


def two_routines(
    tmp_path: Path, *, morning_done: bool, opened: bool = False
) -> tuple[CoachApp, Path, Path]:
    """The app on the morning routine, home listing it and the evening one; the morning
    one played today when ``morning_done``."""
    write_program(tmp_path)
    morning = routine(tmp_path, "morning", "Morning")
    evening = routine(tmp_path, "evening", "Evening")
    data = tmp_path / "data"
    if morning_done:
        store = HistoryStore(data / "history.sqlite3")
        store_session(
            store,
            opening(
                source_id="morning",
                title="Morning",
                levels={"small": 1},
                started_at=f"{DAY.isoformat()}T07:30:00+00:00",
                local_date=DAY,
            ),
            [
                a_set(
                    1,
                    1,
                    program_id="small",
                    exercise_id="side-plank",
                    exercise_name="Side plank [left]",
                    answer=PainAnswer(1),
                )
            ],
            SessionStatus.COMPLETED,
        )
    app, _ = make_app(
        morning,
        data,
        today=on_day(0),
        routines=(RoutineRef(morning), RoutineRef(evening, "19:00")),
        opened=opened,
    )
    return app, morning, evening


def routines_line(screen: HomeScreen) -> str:
    return " ".join(lines_of(screen.query_one("#home-routines", Label)))


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
async def test_home_shows_the_next_routine_due_and_what_is_done(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app, morning, evening = two_routines(tmp_path, morning_done=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        # The morning routine is done today: home opens on the evening one.
        assert app.flow is not None and app.flow.source == evening
        assert screen.view.title == "Evening"
        line = routines_line(screen)
        if size == (80, 24):
            assert line.startswith("Today: 1 Morning ✓ done · 2 Evening not yet, reminder 19:00")
        else:
            assert line.startswith("1 Morning ✓ · 2 Evening 19:00")
        # Today's plan still shows, its first dose whole.
        table = screen.query_one("#home-plan", DataTable)
        assert table.size.height >= 3 and table.region.bottom <= size[1] - 1
        assert any("2 x 10s" in text for text in lines_of(table)), lines_of(table)
        # The keys: Enter plays the one shown, 1-9 shows another, on one line.
        bar = screen.query_one(KeyBar)
        await wait_for(pilot, lambda: bool(bar.shown), "the key bar")
        assert bar.size.height == 1, "the key bar wrapped"
        assert "Start Evening" in [label for _, label in bar.shown], bar.shown
        assert ("1-9", "Routine") in bar.shown, bar.shown

        # 1: the morning routine again (done, so another session of it is extra).
        await pilot.press("1")
        await wait_for(
            pilot,
            lambda: home_ready(app)() and app.screen.view.title == "Morning",  # type: ignore[attr-defined]
            "the morning routine's home",
        )
        assert app.flow.source == morning
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [r.current for r in home.view.routines] == [True, False]
        assert "Done today: 1 session" in home.view.today
        # 2: back to the evening one, not done today (the morning's session is not its).
        await pilot.press("2")
        await wait_for(
            pilot,
            lambda: home_ready(app)() and app.screen.view.title == "Evening",  # type: ignore[attr-defined]
            "the evening routine's home",
        )
        assert app.screen.view.today.startswith("Not done yet today")  # type: ignore[attr-defined]


async def test_with_nothing_done_home_opens_on_the_first(tmp_path: Path) -> None:
    app, morning, _ = two_routines(tmp_path, morning_done=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        assert app.flow is not None and app.flow.source == morning
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        line = routines_line(screen)
        assert line.startswith("Today: 1 Morning not yet · 2 Evening not yet, reminder 19:00")


async def test_a_routine_asked_for_by_name_is_shown_done_or_not(tmp_path: Path) -> None:
    """'coach morning.yaml': the morning routine, although it is done today."""
    app, morning, _ = two_routines(tmp_path, morning_done=True, opened=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        assert app.flow is not None and app.flow.source == morning
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert routines_line(screen).startswith("Today: 1 Morning ✓ done · 2 Evening")


async def test_one_routine_is_home_as_before(tmp_path: Path) -> None:
    program = write_program(tmp_path)
    app, _ = make_app(program, tmp_path / "data", routines=(RoutineRef(program),))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert not screen.query("#home-routines")
        bar = screen.query_one(KeyBar)
        await wait_for(pilot, lambda: bool(bar.shown), "the key bar")
        assert all(label != "Routine" for _, label in bar.shown)
        await pilot.press("1")  # nothing to choose: home stays
        await pilot.pause()
        assert app.screen is screen


def test_the_line_gives_way_names_last() -> None:
    from coach.engine.home import RoutineStatus

    routines = [
        RoutineStatus("/m.yaml", "Morning mobility and strength", "m", True, "07:30"),
        RoutineStatus("/e.yaml", "Evening stretches", "e", False, "19:00", current=True),
    ]
    full = routines_text(routines, 200).plain
    assert full == (
        "Today: 1 Morning mobility and strength ✓ done · 2 Evening stretches not yet, "
        "reminder 19:00"
    )
    assert routines_text(routines, 61).plain == (
        "1 Morning mobility and strength ✓ · 2 Evening stretches 19:00"
    )
    cut = routines_text(routines, 36).plain
    assert len(cut) <= 36 and "✓" in cut and "19:00" in cut and "…" in cut, cut
