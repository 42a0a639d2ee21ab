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
            assert detail.name_of(decision["program_id"], decision["exercise_id"]) != (
                decision["exercise_id"]
            )
