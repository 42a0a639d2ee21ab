"""Nothing stored reaches the terminal raw: every screen is walked over a history whose
every text field holds what a terminal would act on (an OSC 52 clipboard write, an OSC 8
link, a C1 control sequence, bidi and zero-width characters), with a session file and a
settings file to match, and what each screen sends to the terminal is checked.

What the terminal receives is the compositor's output (as the driver would write it):
Textual's own sequences are the CSI ones (``ESC [``), so once they are removed, no
escape, C0, C1, bidi or zero-width character may be left."""

from __future__ import annotations

import copy
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path
from typing import Any

import pytest

from coach.config.locations import default_routine
from coach.demo.history import generate

from .sessions import SMALL_PROGRAM, write_program
from .tui_helpers import home_ready, make_app, screen_is, wait_for

HOSTILE = (
    "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # OSC 52: "echo pwned" into the clipboard
    "\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\"  # OSC 8: a live link
    "\x1b[31m\x9b32m\x85\x9d0;title\x9c"  # colour, C1 CSI, NEL, C1 OSC (the title)
    "\u202eevil\u202c\u2066x\u2069"  # bidi override and isolate
    "\u200bzero\u2060width\ufeff"  # zero-width characters
)
"""Every kind of character a stored text must not send to the terminal raw."""

RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\ufeff]"
)
"""What may not reach the terminal once Textual's own CSI sequences are removed (a line
feed is how Textual itself moves to the next line of a region)."""

CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")

END = date(2026, 3, 1)

TEXT_COLUMNS = {
    "sessions": ("title", "note", "stop_reason"),
    "sets": ("exercise_name",),
    "dose_changes": ("reason",),
    "advice": ("reason",),
    "psfs_activities": ("text",),
}


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def hostile_history(data: Path) -> None:
    """A month of sessions and a function check, every stored text made hostile."""
    data.mkdir(parents=True, exist_ok=True)
    path = data / "history.sqlite3"
    generate(path, source=default_routine(), days=30, seed=3, end=END, tz=UTC)
    with sqlite3.connect(path) as db:
        for table, columns in TEXT_COLUMNS.items():
            for column in columns:
                db.execute(
                    f"UPDATE {table} SET {column} = ? || coalesce({column}, '')",
                    (HOSTILE,),
                )
        assert db.execute("SELECT count(*) FROM psfs_activities").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM dose_changes").fetchone()[0] > 0


def hostile_program(folder: Path) -> Path:
    """A session file as hostile as the reader lets through: zero-width characters."""
    document: dict[str, Any] = copy.deepcopy(SMALL_PROGRAM)
    program = document["program"]
    program["name"] = "Small\u200b program\u2060 \ufeffhere"
    program["levels"][0]["name"] = "Level 1:\u200b tolerance"
    for exercise in program["levels"][0]["exercises"]:
        exercise["name"] = f"\u2060{exercise['name']}\u200b"
    return write_program(folder, document)


def sent(app: Any) -> str:
    """What the terminal would receive for the whole screen now."""
    update = app.screen._compositor.render_full_update()
    return str(update.render_segments(app.console))


def assert_nothing_raw(app: Any, where: str) -> None:
    output = CSI.sub("", sent(app))
    found = RAW.search(output)
    assert found is None, (
        f"{where}: {found.group()!r} reaches the terminal raw: "
        f"{output[max(0, found.start() - 40) : found.end() + 40]!r}"
    )


async def test_every_screen_over_a_hostile_history_shows_nothing_raw(
    tmp_path: Path, utc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_history(tmp_path / "data")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text(
        'default_routine = "/tmp/x\\u001b]0;pwned\\u0007\\u202e"\n', encoding="utf-8"
    )
    monkeypatch.setenv("COACH_CONFIG_DIR", str(config))
    app, _ = make_app(
        hostile_program(tmp_path), tmp_path / "data", today=lambda: END, read_settings=True
    )
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.pause()
        assert_nothing_raw(app, "home")
        await pilot.press("h")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the history")
        history: Any = app.screen
        for key, what in (("1", "calendar"), ("2", "pain chart"), ("4", "sessions")):
            await pilot.press(key)
            await pilot.pause()
            assert_nothing_raw(app, f"history, {what}")
        await pilot.press("3")
        await wait_for(pilot, lambda: history.series is not None, "an exercise's chart")
        await pilot.pause()
        assert_nothing_raw(app, "history, exercises")
        await pilot.press("5")
        await wait_for(
            pilot,
            lambda: bool(history.query("#checks-words Static")),
            "the checks",
        )
        await pilot.pause()
        assert_nothing_raw(app, "history, checks")
        await pilot.press("4")
        await wait_for(
            pilot,
            lambda: history.session_table is not None and history.session_table.row_count > 0,
            "the session list",
        )
        assert history.session_table is not None
        history.session_table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "SessionDetailScreen"), "a session")
        await pilot.pause()
        assert_nothing_raw(app, "a session's detail")
        await pilot.press("escape")
        await wait_for(pilot, screen_is(app, "HistoryScreen"), "back to the history")
        await pilot.press("escape")
        await wait_for(pilot, home_ready(app), "back home")
        await pilot.press("s")
        await wait_for(pilot, screen_is(app, "SettingsScreen"), "the settings")
        await pilot.pause()
        assert_nothing_raw(app, "settings")


async def test_the_psfs_dialog_shows_stored_activities_escaped(tmp_path: Path) -> None:
    from coach.engine.checks.records import PsfsActivity
    from coach.tui.checks import PsfsScreen

    app, _ = make_app(hostile_program(tmp_path), tmp_path / "data", today=lambda: END)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        activities = [PsfsActivity(1, HOSTILE + "socks"), PsfsActivity(2, "stairs" + HOSTILE)]
        app.push_screen(PsfsScreen(activities, {1: 4}))
        await wait_for(pilot, screen_is(app, "PsfsScreen"), "the PSFS")
        await pilot.pause()
        assert "socks (last time 4)" in sent(app)
        assert_nothing_raw(app, "the PSFS dialog")


async def test_hundreds_of_bad_settings_lines_are_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 bad lines made 300 notices (home after 7.6 s); now one, capped."""
    config = tmp_path / "config"
    config.mkdir()
    lines = [f"bad line {i}" for i in range(300)] + [f"key{i} = 1" for i in range(300)]
    (config / "settings.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("COACH_CONFIG_DIR", str(config))
    app, _ = make_app(hostile_program(tmp_path), tmp_path / "data", read_settings=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await wait_for(pilot, lambda: len(app._notifications) > 0, "the notice")
        notices = list(app._notifications)
        assert len(notices) == 1
        assert "lines 1, 2, 3, 4, 5 and 295 more are not 'key = value'" in notices[0].message
        assert "'key0', 'key1', 'key2', 'key3', 'key4' and 295 more" in notices[0].message
