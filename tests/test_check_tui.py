"""The function check on screen (Pilot, fake clock): from home's key through the
checklist, the pain before, the PSFS, the holds with their keys, to the summary; the
history's checks view; and the report key."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from coach.engine.checks import CheckStage
from coach.engine.ids import new_id
from coach.engine.screening import QUESTIONS
from coach.tui.app import CoachApp
from coach.tui.checks import CheckScreen

from .sessions import write_program
from .tui_helpers import home_ready, make_app, rows, screen_drawn, screen_is, type_keys, wait_for

ACTIVITY = "[b]Socks[/b] <i>on</i>"


def footer_keys(app: CoachApp) -> set[str]:
    """The keys the footer shows now (the actions whose check_action allows them)."""
    screen = app.screen
    return {
        binding.key.lower()
        for (_, binding, enabled, _) in screen.active_bindings.values()
        if enabled and binding.show
    }


async def check_screen(pilot: Pilot[Any], app: CoachApp, stage: CheckStage) -> CheckScreen:
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, CheckScreen) and app.screen.flow.stage is stage,
        f"the check at {stage}",
    )
    screen = app.screen
    assert isinstance(screen, CheckScreen)
    return screen


async def start_check(pilot: Pilot[Any], app: CoachApp) -> None:
    await wait_for(pilot, home_ready(app), "home")
    await pilot.press("c")
    await wait_for(
        pilot,
        lambda: type(app.screen).__name__ in ("ChecklistScreen", "PlainPainPrompt"),
        "checklist",
    )
    if type(app.screen).__name__ == "ChecklistScreen":
        await pilot.pause()
        await type_keys(pilot, *["n"] * len(QUESTIONS), "enter")
    await wait_for(pilot, screen_is(app, "PlainPainPrompt"), "the pain before")
    await pilot.press("6")
    await pilot.pause()
    said = str(app.screen.query_one("#pain-zone", Static).render())
    assert said == "6/10 is high.", said
    await pilot.press("2", "enter")
    await wait_for(pilot, screen_drawn(app, "PsfsScreen"), "the activities")


async def hold(pilot: Pilot[Any], app: CoachApp, clock: Any, seconds: float, key: str) -> None:
    screen = await check_screen(pilot, app, CheckStage.TEST)
    await pilot.press("enter")
    await check_screen(pilot, app, CheckStage.HOLDING)
    clock.advance(5 + seconds)
    screen.tick()
    await pilot.pause()
    await pilot.press(key)
    await check_screen(pilot, app, CheckStage.RESULT)


async def test_a_whole_check_from_home(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_check(pilot, app)
        # No click: the first box has the focus when the dialog opens.
        await pilot.press(*ACTIVITY, "enter", "3", "ctrl+s")
        screen = await check_screen(pilot, app, CheckStage.TEST)
        assert footer_keys(app) == {"enter", "e", "s", "q"}
        await hold(pilot, app, clock, 70.4, "space")
        status = str(screen.query_one("#check-status").render())
        assert "70 s. Saved." in status
        assert footer_keys(app) == {"enter", "q"}
        await pilot.press("enter")
        await check_screen(pilot, app, CheckStage.TEST)
        await pilot.press("s")  # skip the flexor hold
        await check_screen(pilot, app, CheckStage.TEST)
        await pilot.press("e")  # the kneeling side bridge
        assert "Easier version" in str(screen.query_one("#check-variant").render())
        await pilot.press("enter")
        await check_screen(pilot, app, CheckStage.HOLDING)
        assert footer_keys(app) == {"space", "p", "q"}
        clock.advance(5 + 300)
        screen.tick()
        await check_screen(pilot, app, CheckStage.RESULT)
        await pilot.press("enter", "q")
        await wait_for(pilot, screen_is(app, "ConfirmQuit"), "the quit question")
        await pilot.press("y")
        await wait_for(pilot, screen_is(app, "CheckPainPrompt"), "the pain after")
        await pilot.press("4")
        await pilot.pause()
        # A check has no dose and nothing in it stops for the day: the zone is named.
        said = str(app.screen.query_one("#pain-zone", Static).render())
        assert said == "4/10 is in the acceptable zone.", said
        await pilot.press("3", "enter")
        await wait_for(pilot, screen_is(app, "CheckSummaryScreen"), "the summary")
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "Back extensor hold: 70 s (the first time)" in text
        await pilot.press("enter")
        await wait_for(pilot, home_ready(app), "home again")
    assert rows(tmp_path, "SELECT status, pain_before, pain_after FROM checks") == [
        ("stopped", 2, 3)
    ]
    assert rows(tmp_path, "SELECT test, variant, seconds, ended_by FROM check_holds") == [
        ("extensor", "standard", 70.4, "stopped"),
        ("flexor", "standard", None, "skipped"),
        ("side_left", "easier", 240.0, "ceiling"),
    ]
    assert rows(tmp_path, "SELECT activity_id, score FROM psfs_ratings") == [(1, 3)]


async def test_the_activities_are_kept_as_typed_and_shown_literally(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_check(pilot, app)
        # No click: the first box has the focus when the dialog opens.
        await pilot.press(*ACTIVITY, "enter", "4")
        await pilot.press("ctrl+s")
        await check_screen(pilot, app, CheckStage.TEST)
        await pilot.press("q")
        await wait_for(pilot, screen_is(app, "ConfirmQuit"), "the quit question")
        await pilot.press("y")
        await wait_for(pilot, screen_is(app, "CheckPainPrompt"), "the pain after")
        await pilot.press("escape")
        await wait_for(pilot, screen_is(app, "CheckSummaryScreen"), "the summary")
        await pilot.press("enter")
        # The next check shows the same activity again, literally.
        await wait_for(pilot, home_ready(app), "home again")
        await pilot.press("c")
        await wait_for(pilot, screen_is(app, "PlainPainPrompt"), "the pain before")
        await pilot.press("1", "enter")
        await wait_for(pilot, screen_drawn(app, "PsfsScreen"), "the activities")
        labels = [str(w.render()) for w in app.screen.query(".psfs-text")]
        assert labels == [f"{ACTIVITY} (last time 4)"]
        assert not app.screen.query("#text-0")
        assert app.screen.query_one("#score-0", Input)
    assert rows(tmp_path, "SELECT text FROM psfs_activities") == [(ACTIVITY,)]


async def test_the_history_shows_checks_and_writes_the_report(tmp_path: Path) -> None:
    from coach.engine.checks import EndedBy, HoldResult, HoldTest, Variant
    from coach.engine.checks.messages import PsfsEntry
    from coach.engine.records import SessionStatus
    from coach.store.checks import CheckStore
    from coach.store.database import HistoryStore

    from .tui_helpers import DAY

    checks = CheckStore(HistoryStore(tmp_path / "history.sqlite3"))
    named: str | None = None  # the activity named at the first check, rated again after
    for day, seconds in ((DAY.replace(day=1), 60.0), (DAY, 120.0)):
        check = new_id()
        checks.open_check(uid=check, local_date=day, utc_offset=0, pain_before=2)
        activities, _ = checks.record_psfs(check, [PsfsEntry(named, ACTIVITY, 5)])
        named = activities[0].id
        for test in HoldTest:
            checks.record_hold(check, HoldResult(test, Variant.STANDARD, seconds, EndedBy.STOPPED))
        checks.close_check(check, SessionStatus.COMPLETED, None)
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("h")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the history")
        screen: Any = app.screen
        await pilot.press("5")
        await wait_for(
            pilot,
            lambda: screen.checks_view is not None and screen.checks_view.history is not None,
            "the checks",
        )
        plain = "\n".join(str(w.render()) for w in screen.checks_view.query(Static))
        assert f"A1: {ACTIVITY}" in plain
        assert "real change, better" in plain
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.report_written is not None, "the report", 30)
    written: Path = screen.report_written
    assert written.parent == tmp_path / "reports"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = written.read_text(encoding="utf-8")
    assert "[b]Socks[/b] &lt;i&gt;on&lt;/i&gt;" in text
