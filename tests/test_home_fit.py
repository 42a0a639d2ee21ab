"""Home at the sizes people use: every dose of today's plan readable at 80x24 at every
level, today's first exercises and Start at 40x12, the function-check banner on one
line, and notices in the layout (never laid over the plan or the buttons).

Read from the widget tree: each widget's own rendered lines, and its region on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Label

from coach.config.locations import default_routine
from coach.engine.home import HomeRow, HomeView
from coach.engine.progression import describe_dose
from coach.engine.timeline import plan_session
from coach.format.loader import RoutineFile, load_session_file
from coach.tui.app import CoachApp
from coach.tui.home import HomeScreen, fit_plan
from coach.tui.keybar import KeyBar

from .sessions import write_program
from .tui_helpers import home_ready, make_app, wait_for

LONG_NOTE = (
    "On Wednesday 5 August you reported numbness or tingling. Before the next session or "
    "function check coach asks how it is now, and whether a clinician has seen it."
)


def bundled_view(level: int) -> HomeView:
    """Home's view of the bundled morning routine with every program at ``level``."""
    loaded = load_session_file(default_routine())
    assert isinstance(loaded, RoutineFile)
    ids = {item.program_id for item in plan_session(loaded).exercises}
    plan = plan_session(loaded, levels=dict.fromkeys(ids, level))
    rows = tuple(
        HomeRow(
            e.program_id,
            e.program_name,
            e.level,
            e.level_name,
            e.name,
            describe_dose(e.dose, each_side=e.exercise.sides == "each"),
            "=",
            "Pain peaked at 1/10 and this is the top of its range.",
        )
        for e in plan.exercises
    )
    return HomeView(
        title=plan.title,
        description="A daily session.",
        total_seconds=1808,
        rows=rows,
        last_session="Last session 2026-12-06: completed, 18 sets, peak pain 2/10",
        notes=(LONG_NOTE,),
        today="Not done yet today · 2 days in a row",
    )


def lines_of(widget: Any) -> list[str]:
    """The widget's lines as drawn, cut to its width on screen."""
    width = widget.size.width
    return [widget.render_line(y).text[:width] for y in range(widget.size.height)]


async def show_home(pilot: Pilot[Any], view: HomeView, *, check_due: bool = False) -> HomeScreen:
    """``view`` on home, over the app's own home, with its keys."""
    app = pilot.app
    assert isinstance(app, CoachApp)
    await wait_for(pilot, home_ready(app), "home")
    screen = HomeScreen(view, check_due=check_due)
    await app.push_screen(screen)
    await wait_for(pilot, lambda: screen.keys_shown, "home's keys")
    await pilot.pause()
    return screen


@pytest.mark.parametrize("level", [1, 2, 3])
async def test_every_dose_reads_in_full_at_80x24(tmp_path: Path, level: int) -> None:
    """At level 3 the doses were cut ('1 set of 2m 3', '1 set of 10 r')."""
    view = bundled_view(level)
    app, _ = make_app(write_program(tmp_path), tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show_home(pilot, view, check_due=True)
        table = screen.query_one("#home-plan", DataTable)
        seen: set[str] = set()
        for index in range(len(view.rows)):
            table.move_cursor(row=index)
            await pilot.pause()
            seen.update(line for line in lines_of(table))
        for row in view.rows:
            assert any(row.dose in line for line in seen), (row.dose, sorted(seen))
        # The function-check banner is one line, above the plan.
        banner = screen.query_one("#home-check", Label)
        assert banner.display and banner.size.height == 1
        assert banner.region.bottom <= table.region.y


def test_the_dose_keeps_its_room_the_names_give_way() -> None:
    labels = [Text("Back extensions"), Text("level 3")]
    names = ["Kneeling hip flexor stretch with reach", "Superman lift"]
    doses = ["1 set of 1 x 45s, each side", "2 sets of 12 reps"]
    assert fit_plan(120, labels, names, doses) == (False, None, None)
    assert fit_plan(80, labels, names, doses) == (True, None, None)
    # Names shortened, the doses whole on one line.
    narrow, name, dose = fit_plan(50, labels, names, doses)
    assert narrow and name is not None and dose is None
    assert name + 2 + 3 + len(doses[0]) + 2 <= 50 - 6
    # Names at their narrowest, a long dose on two lines: never cut.
    narrow, name, dose = fit_plan(40, labels, names, doses)
    assert narrow and name == 8 and dose is not None
    assert name + 2 + 3 + dose + 2 <= 40 - 6
    assert dose >= len("1 set of 1 x 45s,")


async def test_40x12_shows_the_first_exercises_and_start(tmp_path: Path) -> None:
    """At 40x12 home showed no exercise: the title, the last session and a note wrapped
    onto every row, and the key bar took two."""
    view = bundled_view(3)
    app, _ = make_app(write_program(tmp_path), tmp_path / "data")
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await show_home(pilot, view, check_due=True)
        table = screen.query_one("#home-plan", DataTable)
        shown = lines_of(table)
        assert table.region.bottom <= 11 and table.size.height >= 3, table.region
        first = view.rows[0]
        assert any(first.dose in line for line in shown), shown
        # The name gives way (cut with an ellipsis), the dose does not.
        assert any(first.exercise[:5] in line and "…" in line for line in shown), shown
        bar = screen.query_one(KeyBar)
        assert bar.size.height == 1, "the key bar wrapped"
        assert "Start" in [label for _, label in bar.shown]


async def test_a_notice_takes_rows_of_its_own(tmp_path: Path) -> None:
    """A notice was a toast laid over the plan, the disclaimer and the buttons."""
    view = bundled_view(1)
    app, _ = make_app(write_program(tmp_path), tmp_path / "data")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await show_home(pilot, view)
        table = screen.query_one("#home-plan", DataTable)
        bar = screen.query_one(KeyBar)
        before = table.size.height
        app.notify("A notice long enough to need two lines at this width. " * 3, timeout=30)
        await wait_for(pilot, lambda: bar.size.height >= 3, "the notice in the key bar")
        await pilot.pause()
        assert bar.notices
        assert table.size.height < before
        # Nothing under the bar: the plan, the disclaimer and the buttons end above it.
        for widget in (table, screen.query_one("#home-disclaimer"), *screen.query(Button)):
            assert widget.region.bottom <= bar.region.y, widget
        # And none of Textual's toasts on top.
        assert not app.screen.query("Toast")
