"""The summary is read to its last reason from the keyboard: the focus is on Done, so
the arrows and PageUp/PageDown scroll the page (they did nothing before)."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll

from .sessions import write_program
from .tui_helpers import answer, make_app, run_until_prompt, screen_is, start_session, wait_for


async def test_the_summary_scrolls_with_the_arrows_and_the_page_keys(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path / "data")
    async with app.run_test(size=(40, 12)) as pilot:
        await start_session(pilot, app)
        for pain in ("2", "4", "1"):
            await run_until_prompt(pilot, app, clock)
            await answer(pilot, app, pain, "enter")
        await run_until_prompt(pilot, app, clock)
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
        await pilot.pause()
        page = app.screen.query_one("#summary", VerticalScroll)
        assert page.max_scroll_y > 0, "the summary fits: nothing to scroll at 40x12"
        await pilot.press("down")
        await pilot.pause()
        assert page.scroll_y == 1
        await pilot.press("up")
        await pilot.pause()
        assert page.scroll_y == 0
        for _ in range(20):
            await pilot.press("pagedown")
        await pilot.pause()
        assert page.scroll_y == page.max_scroll_y
        last = list(page.query(".change"))[-1]
        assert last.region.y >= page.region.y and last.region.bottom <= page.region.bottom
        await pilot.press("pageup")
        await pilot.pause()
        assert page.scroll_y < page.max_scroll_y
        assert type(app.screen).__name__ == "SummaryScreen"
