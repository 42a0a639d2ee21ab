"""Layout snapshots at 80x24: home, player, rest, pain prompt and summary.

Deterministic by construction: a fake clock, a fixed data folder, a fixed terminal size
and no blinking cursor anywhere on these screens. Update with
``pytest tests/test_snapshots.py --snapshot-update`` after an intended change, and look at
the report before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from coach.runner import FakeClock
from coach.timeline import StepKind
from coach.tui.app import CoachApp

from .tui_helpers import answer, make_app, run_until_prompt, start_session, write_program

SIZE = (80, 24)
# A fixed folder, because the summary shows where the history is saved.
DATA = Path("/tmp/coach-snapshot-data")


@pytest.fixture
def app_and_clock(tmp_path: Path) -> tuple[CoachApp, FakeClock]:
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    return make_app(write_program(tmp_path), DATA)


def test_home(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, _ = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, wait_for

        await wait_for(pilot, screen_is(app, "HomeScreen"), "home")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_player_during_a_hold(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        clock.advance(3 + 3.4)
        app.player.wake()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_rest_shows_the_next_exercise(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]
) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        for _ in range(2):
            await run_until_prompt(pilot, app, clock)
            await answer(pilot, app, "2", "enter")
        runner = app.controller.runner
        assert runner.step is not None and runner.step.kind is StepKind.REST_AFTER
        clock.advance(5)
        app.player.wake()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_pain_prompt(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_summary(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, wait_for

        await start_session(pilot, app)
        for pain in ("2", "4", "1"):
            await run_until_prompt(pilot, app, clock)
            await answer(pilot, app, pain, "enter")
        await run_until_prompt(pilot, app, clock)
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
