"""Driving the coach app under Textual's Pilot with a fake clock."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from coach.engine.clock import FakeClock
from coach.engine.day import Stage
from coach.engine.runner import RunState
from coach.engine.timeline import SessionPlan
from coach.store.database import HistoryStore
from coach.tui.app import CoachApp, Launch
from coach.tui.home import HomeScreen


def rows(data: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of the history database in ``data`` (a plain connection, as a reader would)."""
    with sqlite3.connect(data / "history.sqlite3") as db:
        return db.execute(sql).fetchall()


DAY = date(2026, 11, 30)
"""The day the tests' first session is played on (the next ones, a day later each)."""


def on_day(offset: int) -> Callable[[], date]:
    """``today`` for an app that plays ``offset`` days after :data:`DAY`."""
    return lambda: DAY + timedelta(days=offset)


def make_app(
    session: Path, data: Path, *, skip_home: bool = False, **kwargs: Any
) -> tuple[CoachApp, FakeClock]:
    clock = FakeClock()
    kwargs.setdefault("today", on_day(0))
    launch = Launch(
        session, HistoryStore(data / "history.sqlite3"), clock=clock, skip_home=skip_home, **kwargs
    )
    return CoachApp(launch), clock


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 30.0
) -> None:
    """Let the app run (workers included) until ``condition`` holds. The timeout only
    catches a hang: on a loaded machine an app took more than 10 s to show home."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")
        await pilot.pause(0.01)


async def settled(pilot: Pilot[Any], timeout: float = 20.0) -> None:
    """Let the app run until the screen stops changing: three pictures in a row, each
    taken once the app has gone idle, are the same. A chart drawn by a worker and laid
    out again after it mounts (a scrollbar appearing narrows the list beside it) can
    otherwise be caught between its first and its final layout; on a loaded machine two
    pictures a fixed moment apart were the same only because the app had not run."""
    deadline = time.monotonic() + timeout
    pictures: list[str] = []
    while len(pictures) < 3 or len(set(pictures[-3:])) > 1:
        if time.monotonic() > deadline:
            raise AssertionError("the screen kept changing: no settled picture to compare")
        await pilot.pause()  # until the app is idle (Textual's own measure)
        await pilot.pause(0.05)
        pictures.append(pilot.app.export_screenshot())


def screen_is(app: CoachApp, name: str) -> Callable[[], bool]:
    """The screen ``name`` is on top and mounted: a screen is current as soon as it is
    pushed, before it is composed, and a test that queried its widgets at that moment
    failed under load."""
    return lambda: type(app.screen).__name__ == name and app.screen.is_mounted


def screen_drawn(app: CoachApp, name: str) -> Callable[[], bool]:
    """The screen ``name`` is on top and mounted: its widgets are there to query or click
    (a screen is current as soon as it is pushed, before it is composed)."""
    return lambda: type(app.screen).__name__ == name and app.screen.is_mounted


def home_ready(app: CoachApp) -> Callable[[], bool]:
    """Home is on screen with its keys, and the day behind it is loaded (home may be drawn
    from the last run's views before that)."""

    def ready() -> bool:
        screen = app.screen
        return (
            isinstance(screen, HomeScreen)
            and screen.keys_shown
            and app.flow is not None
            and app.flow.stage is Stage.HOME
        )

    return ready


async def start_session(pilot: Pilot[Any], app: CoachApp, baseline: str = "1") -> None:
    """From the home screen through the baseline prompt into the player."""
    await wait_for(pilot, home_ready(app), "home")
    await pilot.press("enter")
    await pass_screening(pilot, app)
    await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline prompt")
    await pilot.press(baseline, "enter")
    await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
    # The screen is current before it is mounted; the runner starts on mount.
    await wait_for(pilot, lambda: app.session.runner.state is not RunState.NOT_STARTED, "the start")


async def pass_screening(pilot: Pilot[Any], app: CoachApp) -> None:
    """Answer every line of the red-flag checklist with 'no' when it is asked."""
    await wait_for(
        pilot,
        lambda: type(app.screen).__name__ in ("ChecklistScreen", "BaselinePrompt"),
        "checklist",
    )
    if type(app.screen).__name__ == "ChecklistScreen":
        from coach.engine.screening import QUESTIONS

        # Typed back to back, the answers need the list there to take them: mounted, and
        # a line focused (under load they were once typed into a screen still mounting).
        await wait_for(
            pilot, lambda: app.screen.is_mounted and app.focused is not None, "the checklist"
        )
        await type_keys(pilot, *["n"] * len(QUESTIONS), "enter")


NAMED_KEYS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "space": " "}


async def type_keys(pilot: Pilot[Any], *keys: str) -> None:
    """Keys typed back to back, as a quick hand types them: each is queued in order, and
    the app is waited for once, after the last. ``Pilot.press`` waits for the app to go
    idle twice after every key (at least 40 ms each time, more on a busy machine), which
    made answering the 18-line checklist cost a second or more in every test that plays
    a session. Letters, digits and the keys in NAMED_KEYS only (whose names are their
    own; punctuation has names of its own in Textual: use ``Pilot.press`` for it)."""
    for key in keys:
        if key in NAMED_KEYS:
            character = NAMED_KEYS[key]
        elif len(key) == 1 and key.isascii() and key.isalnum():
            character = key
        else:
            raise ValueError(f"type_keys types letters, digits and {sorted(NAMED_KEYS)}: {key!r}")
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause()


async def run_until_prompt(pilot: Pilot[Any], app: CoachApp, clock: FakeClock) -> None:
    """Move the fake clock step by step until a pain prompt or the summary shows."""
    for _ in range(1000):
        name = type(app.screen).__name__
        if name in ("PainPrompt", "SummaryScreen", "AdviceScreen", "LevelOffer"):
            return
        runner = app.session.runner
        if runner.state is RunState.RUNNING:
            clock.advance(runner.remaining())
            app.player.wake()
        await pilot.pause(0.005)
    raise AssertionError("no prompt came")


async def answer(pilot: Pilot[Any], app: CoachApp, *keys: str) -> None:
    """Answer a pain prompt and wait until the set is stored and the player goes on."""
    await pilot.press(*keys)
    await wait_for(
        pilot,
        lambda: (
            type(app.screen).__name__ != "PainPrompt"
            and app.session.runner.state is not RunState.RATING
        ),
        "the answer to be stored",
    )


def plan_of(app: CoachApp) -> SessionPlan:
    """The plan the app shows now (home's, or the session's once it started)."""
    assert app.flow is not None and app.flow.planned is not None, "nothing is planned yet"
    return app.flow.planned.plan
