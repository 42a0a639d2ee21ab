"""Layout snapshots at 80x24: home, player, rest, pain prompt, summary and history.

Deterministic by construction: a fake clock, a fixed data folder, a fixed terminal size
and no blinking cursor anywhere on these screens. Update with
``pytest tests/test_snapshots.py --snapshot-update`` after an intended change, and look at
the report before committing.
"""

from __future__ import annotations

import fcntl
import re
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from coach.config.locations import default_routine
from coach.demo.history import Summary, generate
from coach.engine.clock import FakeClock
from coach.engine.timeline import StepKind
from coach.tui.app import CoachApp

from .sessions import write_program
from .tui_helpers import answer, home_ready, make_app, run_until_prompt, start_session, type_keys

SIZE = (80, 24)
# A fixed folder, because the summary shows where the history is saved.
DATA = Path("/tmp/coach-snapshots")


@pytest.fixture
def app_and_clock(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[CoachApp, FakeClock]]:
    # A folder of each test's own: a write still in flight from the test before (its
    # worker thread outlives its app by a moment) must not land in this one's history,
    # where the journal would faithfully keep it. The path is fixed, so another run on
    # this machine (another Python, another checkout) would empty it under this one:
    # each test holds a lock on its folder while it uses it.
    DATA.mkdir(exist_ok=True)
    data = DATA / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    with (DATA / f"{data.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        yield make_app(write_program(tmp_path), data)


def test_home(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, _ = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import wait_for

        await wait_for(pilot, home_ready(app), "home")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


PLAYER_SIZES = [(40, 12), (80, 24), (120, 40), (200, 60)]


@pytest.mark.parametrize("size", PLAYER_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_player_during_a_hold(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock], size: tuple[int, int]
) -> None:
    """Header, digits (taller in steps as the window grows), next step and stop signs at
    every size from the smallest supported."""
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        clock.advance(3 + 3.4)
        app.player.wake()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (30, 10)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_player_paused_and_too_small(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock], size: tuple[int, int]
) -> None:
    """Paused: a band no one can miss. Below 40x12: a notice, not a broken screen."""
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        clock.advance(3 + 3.4)
        app.player.wake()
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_rest_shows_the_next_exercise(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]
) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        for _ in range(2):
            await run_until_prompt(pilot, app, clock)
            await answer(pilot, app, "2", "enter")
        runner = app.session.runner
        assert runner.step is not None and runner.step.kind is StepKind.REST_AFTER
        clock.advance(5)
        app.player.wake()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


SAFETY_SIZES = [(80, 24), (40, 12)]


@pytest.mark.parametrize("size", SAFETY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pain_prompt(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock], size: tuple[int, int]
) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await pilot.press("4", "w")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SAFETY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_safety_checklist(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock], size: tuple[int, int]
) -> None:
    """Every line in full, wrapped; two answered, the third focused."""
    app, _ = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, wait_for

        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")
        await pilot.press("n", "n")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SAFETY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_warning_sign_advice(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock], size: tuple[int, int]
) -> None:
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, wait_for

        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await pilot.press("3", "k", "enter")
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


ADVICE_ROUTES = {
    # How each kind of advice is reached: (before the advice, a pain answer or None).
    "warning-sign": ("3", "k"),
    "high-pain": ("9",),
    "urgent": (),
}


@pytest.mark.parametrize("size", SAFETY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", sorted(ADVICE_ROUTES))
def test_advice_scrolled_to_its_end(
    snap_compare: Any,
    app_and_clock: tuple[CoachApp, FakeClock],
    size: tuple[int, int],
    kind: str,
) -> None:
    """Each safety advice, scrolled with PageDown alone to its last word."""
    app, clock = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, wait_for

        if kind == "urgent":
            await wait_for(pilot, home_ready(app), "home")
            await pilot.press("enter")
            await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")
            await pilot.press("y", *["n"] * 17, "enter")
        else:
            await start_session(pilot, app)
            await run_until_prompt(pilot, app, clock)
            await pilot.press(*ADVICE_ROUTES[kind], "enter")
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        await pilot.pause()
        await pilot.press(*["pagedown"] * 4)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SAFETY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_safety_checklist_scrolled_to_its_end(
    snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock], size: tuple[int, int]
) -> None:
    """The last lines and 'not a diagnosis', reached with Down alone; the count shown."""
    app, _ = app_and_clock

    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, wait_for

        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")
        await type_keys(pilot, *["n"] * 17)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


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


# -- the history screen, on a year of seeded synthetic history ---------------------------

HISTORY_END = date(2026, 3, 1)


@pytest.fixture(scope="module")
def seeded_history(
    tmp_path_factory: pytest.TempPathFactory, demo_history: Callable[..., Summary]
) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    demo_history(folder / "history.sqlite3", days=365, seed=3, end=HISTORY_END)
    return folder


@pytest.fixture
def history_app(
    seeded_history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CoachApp]:
    # Days are local days: pin the zone so the calendar is the same on every machine.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    data = tmp_path / "data"
    shutil.copytree(seeded_history, data)
    app, _ = make_app(write_program(tmp_path), data, today=lambda: HISTORY_END)
    yield app
    monkeypatch.undo()
    time.tzset()


def history_steps(app: CoachApp, *keys: str, then: str | None = None) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        from .tui_helpers import screen_is, settled, wait_for

        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("h")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the history")
        screen: Any = app.screen
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        # Each tab fills in from a worker thread and takes the focus after a refresh: wait
        # for all of it, not for the data alone. Under load the picture was otherwise
        # taken between the data and the chart being mounted, or before the list had
        # the focus (its highlight drawn in the unfocused colour).
        if "3" in keys:
            await wait_for(
                pilot,
                lambda: (
                    screen.series is not None
                    and screen.exercise_list.has_focus
                    and bool(screen.dose_box.query("#dose-chart"))
                ),
                "a dose chart",
            )
        if "4" in keys:
            await wait_for(
                pilot,
                lambda: (
                    screen.session_table is not None
                    and screen.session_table.row_count > 0
                    and screen.session_table.has_focus
                ),
                "the sessions",
            )
        if "5" in keys:
            await wait_for(
                pilot,
                lambda: screen.checks_view is not None and screen.checks_view.history is not None,
                "the checks",
            )
        if then is not None:
            await pilot.press(then)
            await wait_for(pilot, screen_is(app, "SessionDetailScreen"), "a session")
        await settled(pilot)

    return run_before


# One worker takes every test of the seeded year (a module's fixture is made once per
# worker that needs it: a year of history takes seconds to generate).
@pytest.mark.xdist_group("history-snapshots")
@pytest.mark.parametrize(
    ("keys", "then"),
    [
        ((), None),
        (("2",), None),
        (("3",), None),
        (("4",), None),
        (("4",), "enter"),
        (("5",), None),
    ],
    ids=["calendar", "pain", "exercises", "sessions", "session-detail", "checks"],
)
def test_history(
    snap_compare: Any, history_app: CoachApp, keys: tuple[str, ...], then: str | None
) -> None:
    app = history_app
    assert snap_compare(app, terminal_size=SIZE, run_before=history_steps(app, *keys, then=then))


@pytest.mark.xdist_group("history-snapshots")
@pytest.mark.parametrize(
    ("size", "keys"),
    [((40, 12), ("2",)), ((80, 24), ("r", "r")), ((60, 20), ("4",))],
    ids=["pain-40x12", "calendar-all-time", "sessions-60x20"],
)
def test_history_sizes_and_periods(
    snap_compare: Any, history_app: CoachApp, size: tuple[int, int], keys: tuple[str, ...]
) -> None:
    """A chart too small says so; all time is a month grid; 60 columns wrap the list."""
    app = history_app
    assert snap_compare(app, terminal_size=size, run_before=history_steps(app, *keys))


# -- the function check (coach.tui.checks) -----------------------------------------------


def check_steps(app: CoachApp, clock: FakeClock, *, hold_seconds: float | None) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        from coach.engine.checks import CheckStage

        from .test_check_tui import start_check
        from .tui_helpers import wait_for

        await start_check(pilot, app)
        if hold_seconds is None:
            await pilot.click("#text-0")
            await pilot.press(*"Putting on socks", "enter", "4")
            # No focused input: its cursor blinks, and a snapshot must not.
            app.screen.set_focus(None)
            await pilot.pause()
            return
        await pilot.press("escape")
        screen: Any = app.screen
        await wait_for(pilot, lambda: screen.flow.stage is CheckStage.TEST, "the first test")
        await pilot.press("enter")
        clock.advance(5 + hold_seconds)
        screen.tick()
        await pilot.pause()

    return run_before


def test_check_psfs(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, clock = app_and_clock
    steps = check_steps(app, clock, hold_seconds=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_check_during_a_hold(snap_compare: Any, app_and_clock: tuple[CoachApp, FakeClock]) -> None:
    app, clock = app_and_clock
    steps = check_steps(app, clock, hold_seconds=83.4)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize(
    ("size", "done_today"), [((60, 20), False), ((80, 24), True), ((120, 40), False)]
)
def test_home_that_explains(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int], done_today: bool
) -> None:
    """Home after a week of sessions (at 80x24 one of them today): arrows, the reason of
    the row chosen, the last session, 'done today' and the streak, and the disclaimer,
    all in view at each size (the dose column too at 60x20)."""
    from datetime import timedelta

    from .tui_helpers import DAY, wait_for

    end = DAY if done_today else DAY - timedelta(days=1)

    data = tmp_path / "data"
    data.mkdir()
    generate(data / "history.sqlite3", source=default_routine(), days=8, seed=3, end=end, tz=UTC)
    app, _ = make_app(default_routine(), data)

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
