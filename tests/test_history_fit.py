"""The history at 60, 80 and 120 columns: tables fit the window (words wrap, nothing
scrolls sideways), charts hide with a note when too small, the period key changes what
is shown, and every mark reads without colour."""

from __future__ import annotations

import pytest

from coach.store.database import HistoryStore
from coach.tui.history import CELL_PADDING, fit_widths

from .sessions import write_program
from .test_history import END, copy_store, open_history, utc, year  # noqa: F401
from .tui_helpers import make_app, screen_is, wait_for

# -- fitting columns (plain Python) ------------------------------------------------------

HEADERS = ("Date", "Session", "Result", "Sets")
ROWS = [("Sun 01 Mar", "Morning routine", "stopped: see a clinician", "16")]


def test_columns_keep_their_natural_width_when_there_is_room() -> None:
    assert fit_widths(HEADERS, ROWS, 120, flexible=(1, 2)) == [10, 15, 24, 4]


def test_the_widest_wrapping_column_gives_way_first() -> None:
    widths = fit_widths(HEADERS, ROWS, 50, flexible=(1, 2))
    assert sum(widths) + CELL_PADDING * len(widths) == 50
    assert widths[0] == 10 and widths[3] == 4  # dates and numbers are never cut
    assert widths[1] == 14 and widths[2] == 14


def test_wrapping_columns_stop_at_a_readable_width() -> None:
    widths = fit_widths(HEADERS, ROWS, 10, flexible=(1, 2))
    assert widths == [10, 8, 9, 4]  # "clinician" stays whole


# -- the screen ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_the_session_tables_fit_the_window(
    year: HistoryStore,  # noqa: F811
    tmp_path: pytest.TempPathFactory,
    utc: None,  # noqa: F811
    width: int,
) -> None:
    from pathlib import Path

    from textual.widgets import DataTable

    folder = Path(str(tmp_path))
    copy_store(year, folder / "data")
    app, _ = make_app(write_program(folder), folder / "data", today=lambda: END)
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await open_history(pilot, app)
        await pilot.press("4")
        await wait_for(
            pilot,
            lambda: screen.session_table is not None and screen.session_table.row_count > 0,
            "the session list",
        )
        await pilot.pause()
        table = screen.session_table
        assert [c.label.plain for c in table.ordered_columns] == [
            "Date",
            "Session",
            "Result",
            "Sets",
            "Pain",
            "Changes",
        ]
        # Every column in view: nothing to scroll to sideways.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "SessionDetailScreen"), "the session")
        await pilot.pause()
        sets = app.screen.query_one("#detail-sets", DataTable)
        assert sets.row_count > 0
        assert [c.label.plain for c in sets.ordered_columns][-2:] == ["Pain", "Notes"]
        assert sets.virtual_size.width <= sets.scrollable_content_region.width
        # Decisions name their exercises, never by id.
        detail = app.screen.detail
        for decision in detail.decisions:
            assert (
                detail.name_of(decision["program_id"], decision["exercise_id"])
                != (decision["exercise_id"])
            )


# -- ticks (plain Python) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "seconds", "ticks"),
    [
        (52.5, True, [0, 15, 30, 45, 60]),  # not 37.5
        (14, False, [0, 5, 10, 15]),
        (100, True, [0, 30, 60, 90, 120]),
        (400, True, [0, 120, 240, 360, 480]),
        (0, False, [0, 1]),
        (3, False, [0, 1, 2, 3]),
        (1e6, False, [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]),
    ],
)
def test_axes_tick_at_round_numbers(top: float, seconds: bool, ticks: list[float]) -> None:
    from coach.tui.history import MOST_TICKS, nice_ticks

    chosen = nice_ticks(top, seconds=seconds)
    assert chosen == ticks
    assert chosen[-1] >= top and len(chosen) <= MOST_TICKS
    assert all(t == int(t) for t in chosen)


def test_tick_labels_read_as_durations_or_counts() -> None:
    from coach.tui.history import PAIN_TICKS, tick_label

    assert [tick_label(t, seconds=True) for t in (0, 45, 90, 120)] == ["0s", "45s", "1m 30s", "2m"]
    assert tick_label(15.0, seconds=False) == "15"
    assert PAIN_TICKS == (0, 2, 4, 6, 8, 10)


# -- the period, small windows and no colour ------------------------------------------------


async def test_the_period_key_changes_what_every_tab_shows(
    year: HistoryStore,  # noqa: F811
    tmp_path: pytest.TempPathFactory,
    utc: None,  # noqa: F811
) -> None:
    """'r' cycles three months, a year and all time, and the calendar, the charts and the
    list show that period (the calendar once kept eight months whatever it said)."""
    from datetime import timedelta
    from pathlib import Path

    from coach.tui.history import CalendarMap

    folder = Path(str(tmp_path))
    copy_store(year, folder / "data")
    app, _ = make_app(write_program(folder), folder / "data", today=lambda: END)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot, app)
        calendar = screen.query_one(CalendarMap)

        def shown() -> str:
            return calendar.render().plain

        assert calendar.days == 91 and "last 3 months" in str(
            screen.query_one("#calendar-hint").render()
        )
        months = shown().splitlines()[0].split()
        assert months[:3] == ["Dec", "Jan", "Feb"]  # from 02 Dec 2025 to 01 Mar 2026
        await pilot.press("r")
        await pilot.pause()
        assert calendar.days == 365 and "last year" in str(
            screen.query_one("#calendar-hint").render()
        )
        assert shown().splitlines()[0].split()[0] == "Mar"  # March 2025 to March 2026
        await pilot.press("r")
        await pilot.pause()
        assert calendar.days is None
        first = screen.sessions[0].day
        assert f"{first.year}" in shown() and "days with a session in each month" in shown()
        # The list holds every session, the oldest included.
        await pilot.press("4")
        await wait_for(
            pilot,
            lambda: screen.session_table is not None and screen.session_table.row_count > 0,
            "the session list",
        )
        assert len(screen.listed) == len(screen.sessions)
        assert screen.listed[-1].day == first
        await pilot.press("r")  # and round again: three months
        await pilot.pause()
        assert all(s.day > END - timedelta(days=91) for s in screen.listed)


async def test_a_chart_too_small_to_read_says_so(
    year: HistoryStore,  # noqa: F811
    tmp_path: pytest.TempPathFactory,
    utc: None,  # noqa: F811
) -> None:
    from pathlib import Path

    from textual.widgets import Label
    from textual_plotext import PlotextPlot

    folder = Path(str(tmp_path))
    copy_store(year, folder / "data")
    app, _ = make_app(write_program(folder), folder / "data", today=lambda: END)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await open_history(pilot, app)
        await pilot.press("2")
        await wait_for(pilot, lambda: bool(screen.query(PlotextPlot)), "the pain chart")
        await pilot.pause()
        box = screen.query_one("#pain-chart-box")
        assert box.has_class("-small")
        assert screen.query_one(PlotextPlot).display is False
        note = box.query_one(".chart-note", Label)
        assert note.display and "Enlarge the window" in str(note.render())
        await pilot.resize_terminal(100, 34)
        await pilot.pause()
        assert not box.has_class("-small") and screen.query_one(PlotextPlot).display


async def test_the_pain_lines_differ_without_colour(
    year: HistoryStore,  # noqa: F811
    tmp_path: pytest.TempPathFactory,
    utc: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under NO_COLOR the two pain lines and the calendar's marks still differ: by their
    characters, not their colour."""
    from pathlib import Path

    from textual_plotext import PlotextPlot

    from coach.tui.history import CalendarMap

    monkeypatch.setenv("NO_COLOR", "1")
    folder = Path(str(tmp_path))
    copy_store(year, folder / "data")
    app, _ = make_app(write_program(folder), folder / "data", today=lambda: END)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot, app)
        marks = screen.query_one(CalendarMap).render().plain
        assert {"■", "▪", "·"} <= set(marks)  # completed, partly done, none: three glyphs
        await pilot.press("2")
        await wait_for(pilot, lambda: bool(screen.query(PlotextPlot)), "the pain chart")
        await pilot.pause()
        canvas = screen.query_one(PlotextPlot).render().plain  # type: ignore[union-attr]
        legend = {line.split()[-1] for line in canvas.splitlines() if "peak during" in line}
        lines = [
            line for line in canvas.splitlines() if "peak during" in line or "at the start" in line
        ]
        assert len(lines) == 2
        peak, start = lines
        braille = [c for c in start if 0x2800 <= ord(c) <= 0x28FF]
        blocks = [c for c in peak if c in "▖▗▘▙▚▛▜▝▞▟▀▄▌▐█"]
        assert braille and blocks and not set(braille) & set(blocks)
        assert legend
