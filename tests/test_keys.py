"""The key model: every binding comes from coach/tui/keys.py, a key means one thing on a
screen, letters work in either case, a prompt over the player gives no player key a
safety meaning, the bar at the bottom shows exactly the keys of the screen on top, and
each key does what the table says (pressed through Pilot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen

from coach.tui import keys
from coach.tui.app import CoachApp
from coach.tui.keybar import KeyBar
from coach.tui.player import PlayerScreen
from coach.tui.prompts import (
    AdviceScreen,
    BaselinePrompt,
    ConfirmQuit,
    ConfirmStop,
    CorrectionPrompt,
    ErrorScreen,
    HelpScreen,
    LevelOffer,
    PainPrompt,
    ResumeScreen,
    SignBox,
    SkipReasonScreen,
)
from coach.tui.safety import ChecklistScreen, FollowUpScreen

from .sessions import write_program
from .tui_helpers import (
    home_ready,
    make_app,
    run_until_prompt,
    screen_is,
    start_session,
    type_keys,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent

SCREENS: list[tuple[type[Screen[Any]], keys.KeyMap, set[str]]] = [
    # (screen, its key map, bindings it may have beyond the map: why is in the screen)
    (PainPrompt, keys.PAIN, set()),
    (BaselinePrompt, keys.BASELINE, set()),
    (CorrectionPrompt, keys.CORRECTION, set()),
    (ChecklistScreen, keys.CHECKLIST, set()),
    (FollowUpScreen, keys.FOLLOW_UP, set()),
    (ConfirmQuit, keys.QUIT, set()),
    (ConfirmStop, keys.STOP, set()),
    (SkipReasonScreen, keys.SKIP, set()),
    (AdviceScreen, keys.ADVICE, set()),
    (LevelOffer, keys.LEVEL, {"enter"}),  # swallowed: a leftover Enter answers nothing
    (ResumeScreen, keys.RESUME, set()),
    (HelpScreen, keys.HELP, set()),
    (ErrorScreen, keys.ERROR, set()),
    (PlayerScreen, keys.PLAYER, {"ctrl+c"}),  # asks, like q
]


def bound(screen: type[Screen[Any]]) -> list[str]:
    """The keys a screen binds, its own and inherited, less Textual's own for every
    screen (Tab to move the focus, the copy key)."""
    ours = screen._merge_bindings().key_to_bindings
    textual = Screen._merge_bindings().key_to_bindings
    return [key for key in ours if key not in textual or key in _own(screen)]


def _own(screen: type[Screen[Any]]) -> set[str]:
    return {
        name
        for binding in screen.BINDINGS
        if isinstance(binding, Binding)
        for name in binding.key.split(",")
    }


def mapped(keymap: keys.KeyMap) -> list[str]:
    return [
        name
        for binding in keymap.bindings()
        if isinstance(binding, Binding)
        for name in binding.key.split(",")
    ]


@pytest.mark.parametrize(("screen", "keymap", "extra"), SCREENS, ids=lambda p: str(p))
def test_every_binding_comes_from_the_key_map(
    screen: type[Screen[Any]], keymap: keys.KeyMap, extra: set[str]
) -> None:
    assert sorted(bound(screen)) == sorted(mapped(keymap) + sorted(extra))


@pytest.mark.parametrize("keymap", keys.KEYMAPS, ids=lambda k: k.name)
def test_a_key_means_one_thing_and_letters_work_in_either_case(keymap: keys.KeyMap) -> None:
    bindings = [b for b in keymap.bindings() if isinstance(b, Binding)]
    # All priority or none: keys typed quickly are handled in the order they came.
    assert len({b.priority for b in bindings}) == 1
    names = mapped(keymap)
    assert len(names) == len(set(names)), f"a key is bound twice {keymap.name}"
    letters = {n for n in names if len(n) == 1 and n.isalpha()}
    assert {n.swapcase() for n in letters} == letters


PLAYER_KEYS = {n.lower() for n in mapped(keys.PLAYER)}


@pytest.mark.parametrize("keymap", [keys.PAIN, keys.CORRECTION, keys.SKIP])
def test_a_prompt_over_the_player_shares_no_key_with_it(keymap: keys.KeyMap) -> None:
    """Keys meant for the player, pressed as a prompt opens, do nothing there: no warning
    sign ticked, no rating given, no reason for a skip."""
    assert not {n.lower() for n in mapped(keymap)} & PLAYER_KEYS


@pytest.mark.parametrize(
    ("keymap", "action"),
    [
        (keys.QUIT, "answer(True)"),  # stopping a function check
        (keys.STOP, "answer('pain')"),  # stopping the session
        (keys.STOP, "answer('time')"),
        (keys.STOP, "answer('other')"),
        (keys.ADVICE, "answer(True)"),  # going on after safety advice
    ],
)
def test_a_consequential_answer_is_on_no_key_of_the_player(
    keymap: keys.KeyMap, action: str
) -> None:
    (key,) = [k for k in keymap.keys if k.action == action]
    assert not set(key.keys) & PLAYER_KEYS
    assert "enter" not in key.keys


def test_the_readme_lists_every_key() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "keytable.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# -- through the app -------------------------------------------------------------------


def shown(app: CoachApp) -> set[str]:
    bar = app.screen.query_one(KeyBar)
    return {label for _, label in bar.shown}


def expected(keymap: keys.KeyMap) -> set[str]:
    return {k.label for k in keymap.keys if k.footer}


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.05)


async def test_the_key_bar_shows_the_keys_of_the_screen_on_top(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        # 1-9 only where home lists several routines (tests/test_home_routines.py).
        assert shown(app) == expected(keys.HOME) - {"Routine"}
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")
        await settle(pilot)
        assert shown(app) == expected(keys.CHECKLIST)
        await type_keys(pilot, *["n"] * 18, "enter")
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline")
        await settle(pilot)
        assert shown(app) == expected(keys.BASELINE)
        await pilot.press("1", "enter")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        await settle(pilot)
        assert shown(app) == expected(keys.PLAYER)
        await run_until_prompt(pilot, app, clock)
        await settle(pilot)
        assert shown(app) == expected(keys.PAIN)
        await pilot.press("2", "enter")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        await pilot.press("q")
        await wait_for(pilot, screen_is(app, "ConfirmStop"), "quit")
        await settle(pilot)
        assert shown(app) == expected(keys.STOP)


async def test_in_the_pain_prompt_only_its_own_keys_do_anything(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PainPrompt)
        assert isinstance(app.focused, type(prompt.query_one("#pain-scale")))  # the scale

        def ticked() -> dict[str, bool]:
            return {b.id or "": b.ticked for b in prompt.query(SignBox)}

        none = {"numbness": False, "weakness": False, "knee": False}
        # The player's keys, pressed by habit: nothing is ticked, nothing is picked.
        for key in ("n", "N", "space", "b", "B", "m", "q", "r", "question_mark"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is prompt and ticked() == none and prompt.picked is None, key
        table = [
            ("u", "numbness", True),
            ("U", "numbness", False),  # caps lock: the same key, toggled back
            ("W", "weakness", True),
            ("k", "knee", True),
        ]
        for key, sign, state in table:
            await pilot.press(key)
            await settle(pilot)
            assert ticked()[sign] is state, key
        for key, pain in (("T", 10), ("t", 10), ("4", 4), ("left", 3), ("right", 4), ("0", 0)):
            await pilot.press(key)
            await settle(pilot)
            assert prompt.picked == pain, key
        await pilot.press("escape")  # no rating, but the ticked signs are kept
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "the warning-sign advice")


async def test_quitting_asks_why_and_only_a_reason_stops(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        for key in ("q", "enter", "q", "n", "q", "escape", "q", "q", "y"):
            if key == "q":
                await pilot.press("q")
                await wait_for(pilot, screen_is(app, "ConfirmStop"), "the question")
                continue
            if key == "y":  # the old key stops nothing: a reason is asked for
                await pilot.press("y")
                await settle(pilot)
                continue
            await pilot.press(key)  # Enter (Keep going is focused), n or Esc: keep going
            await wait_for(pilot, screen_is(app, "PlayerScreen"), "the player again")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmStop"  # a second q confirms nothing
        await pilot.press("h")
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")


async def test_r_corrects_the_last_rating_in_the_player_and_the_summary(tmp_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await pilot.press("r")  # nothing rated yet: a notice, no prompt
        await settle(pilot)
        assert type(app.screen).__name__ == "PlayerScreen"
        await run_until_prompt(pilot, app, clock)
        await pilot.press("2", "enter")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        await pilot.press("r")
        await wait_for(pilot, screen_is(app, "CorrectionPrompt"), "correction")
        prompt = app.screen
        assert isinstance(prompt, CorrectionPrompt) and prompt.picked == 2
        await pilot.press("3", "enter")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        for pain in ("1", "0"):
            await run_until_prompt(pilot, app, clock)
            await pilot.press(pain, "enter")
            await wait_for(pilot, lambda: type(app.screen).__name__ != "PainPrompt", "stored")
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
        await pilot.press("r")
        await wait_for(pilot, screen_is(app, "CorrectionPrompt"), "correction")
        await pilot.press("escape")  # keep it
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
    import sqlite3

    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        stored = db.execute("SELECT pain, corrected_at IS NOT NULL FROM sets ORDER BY id")
        assert stored.fetchall() == [(3, 1), (1, 0), (0, 0)]


async def test_the_checklist_by_keyboard(tmp_path: Path) -> None:
    from coach.engine.screening import QUESTIONS

    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        rows = screen.rows()
        assert app.focused is rows[0]
        await pilot.press("Y")  # caps lock: yes, and on to the next line
        assert rows[0].answer is True and app.focused is rows[1]
        await pilot.press("up", "n")
        assert rows[0].answer is False and app.focused is rows[1]
        await pilot.press("down", "down", "up")
        assert app.focused is rows[2]
        await type_keys(pilot, *["n"] * (len(QUESTIONS) - 1))
        assert all(r.answer is False for r in rows)
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline")
        await pilot.press("escape")  # back: no session
        await wait_for(pilot, home_ready(app), "home")
        assert app.session is None
