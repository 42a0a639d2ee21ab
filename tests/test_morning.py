"""Issue 16 (the morning experience): words that match the movement, rests that can be
stretched or cut, volume keys, a note on the session, and keys that protect it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from textual.widgets import Label

from coach.engine.timeline import StepKind
from coach.format.loader import load_session_file

from .sessions import SMALL_PROGRAM, write_program
from .tui_helpers import make_app, start_session


def _timed(label: str | None) -> dict[str, Any]:
    document = copy.deepcopy(SMALL_PROGRAM)
    exercise: dict[str, Any] = {
        "id": "prone-lying",
        "name": "Prone lying",
        "kind": "timed",
        "duration": 30,
    }
    if label is not None:
        exercise["label"] = label
    document["program"]["levels"][0]["exercises"].insert(0, exercise)
    return document


# -- words that match the movement -----------------------------------------------------


def test_the_bundled_prone_lying_says_lie_still() -> None:
    from coach.config.locations import bundled_sessions_dir

    loaded = load_session_file(bundled_sessions_dir() / "programs" / "extensions.yaml")
    exercise = loaded.program.levels[0].exercises[0]  # type: ignore[union-attr]
    assert exercise.name == "Prone lying" and exercise.label == "lie still"


def test_preview_says_what_the_player_says(cli: Any, tmp_path: Path) -> None:
    labelled = write_program(tmp_path, _timed("hold still"))
    out = cli("preview", labelled).out
    assert "set 1/1, hold still" in out and "keep moving" not in out
    plain = write_program(tmp_path, _timed(None))
    assert "set 1/1, keep moving" in cli("preview", plain).out


def test_a_label_is_one_short_line(cli: Any, tmp_path: Path) -> None:
    result = cli("validate", write_program(tmp_path, _timed("x" * 21)))
    assert result.code == 1
    assert "is too long" in result.out


async def _phase_of_first_work(tmp_path: Path, label: str | None) -> str:
    tmp_path.mkdir()
    app, clock = make_app(write_program(tmp_path, _timed(label)), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        clock.advance(3.5)  # past the get-ready countdown
        app.player.wake()
        await pilot.pause()
        runner = app.session.runner
        assert runner.step is not None and runner.step.kind is StepKind.TIMED
        return str(app.screen.query_one("#phase", Label).render())


async def test_a_timed_block_says_move_unless_labelled(tmp_path: Path) -> None:
    assert await _phase_of_first_work(tmp_path / "a", None) == "MOVE"
    assert await _phase_of_first_work(tmp_path / "b", "lie still") == "LIE STILL"


# -- keys that protect the session -----------------------------------------------------


def _keys_shown(app: Any) -> set[str]:
    from coach.tui.keybar import KeyBar

    return {label for _, label in app.screen.query_one(KeyBar).shown}


async def test_help_on_home_lists_the_keys_of_home(tmp_path: Path) -> None:
    from coach.tui import keys
    from coach.tui.prompts import HelpScreen

    from .tui_helpers import home_ready, screen_is, wait_for

    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("question_mark")
        await wait_for(pilot, screen_is(app, "HelpScreen"), "help")
        screen = app.screen
        assert isinstance(screen, HelpScreen) and screen.keymap is keys.HOME
        assert "Pause" not in screen.text


async def _to_the_summary(pilot: Any, app: Any, clock: Any) -> None:
    from .tui_helpers import answer, run_until_prompt, screen_is, wait_for

    for pain in ("2", "4", "1"):
        await run_until_prompt(pilot, app, clock)
        await answer(pilot, app, pain, "enter")
    await run_until_prompt(pilot, app, clock)
    await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")


async def test_done_on_the_summary_goes_home_with_the_note_kept(tmp_path: Path) -> None:
    from .tui_helpers import home_ready, rows, wait_for

    app, clock = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await _to_the_summary(pilot, app, clock)
        await pilot.pause(0.05)
        assert "Write a note" in _keys_shown(app)
        await pilot.press("n")
        await pilot.press(*"slept badly, new mat")  # q, r and n are text here
        await pilot.pause(0.05)
        assert "Write a note" not in _keys_shown(app) and app.screen.is_current
        await pilot.press("enter")
        await wait_for(pilot, home_ready(app), "home again")
        assert app.is_running
    assert rows(tmp_path, "SELECT note FROM sessions") == [("slept badly, new mat",)]
    from coach.store.database import HistoryStore
    from coach.store.export import export_rows

    exported = export_rows(HistoryStore(tmp_path / "history.sqlite3"))
    assert {row["session_note"] for row in exported} == {"slept badly, new mat"}


async def test_done_after_coach_run_leaves(tmp_path: Path) -> None:
    from .tui_helpers import pass_screening, rows, screen_is, wait_for

    app, clock = make_app(write_program(tmp_path), tmp_path, skip_home=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_screening(pilot, app)
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline")
        await pilot.press("1", "enter")
        await wait_for(pilot, screen_is(app, "PlayerScreen"), "player")
        await _to_the_summary(pilot, app, clock)
        await pilot.press("q")  # Done, no note
        await wait_for(pilot, lambda: not app.is_running, "the app to leave")
    assert rows(tmp_path, "SELECT note FROM sessions") == [(None,)]


# -- during a session ------------------------------------------------------------------


async def test_plus_and_minus_change_a_rest_and_show_only_during_one(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, app)
        runner = app.session.runner
        assert runner.step is not None and runner.step.kind is StepKind.GET_READY
        await pilot.pause(0.05)
        assert "Rest +/- 10 s" in _keys_shown(app)
        await pilot.press("plus")
        assert runner.remaining() == 13
        await pilot.press("equals_sign", "minus")
        assert runner.remaining() == 13
        await pilot.press("minus", "minus")  # more than is left: the hold starts
        assert runner.step.kind is StepKind.HOLD and runner.remaining() == 10
        await pilot.pause(0.05)
        assert "Rest +/- 10 s" not in _keys_shown(app)
        await pilot.press("plus")  # not during a hold
        assert runner.remaining() == 10


async def test_volume_keys_change_the_cues_volume(tmp_path: Path) -> None:
    from coach.config.settings import Settings

    from .tui_helpers import wait_for

    app, _ = make_app(write_program(tmp_path), tmp_path, audio="bell", settings=Settings(volume=50))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        player = app.sound.player
        assert player is not None
        before = dict(player.sounds)
        await pilot.press("up")
        assert app.sound.volume == 60
        await wait_for(pilot, lambda: player.sounds != before, "the louder cues")
        await pilot.press(*["up"] * 6)
        assert app.sound.volume == 100
        await pilot.press(*["down"] * 11)
        assert app.sound.volume == 0
        await wait_for(
            pilot,
            lambda: all(set(p.data) <= {0} for p in player.sounds.values()),
            "silent cues",
        )


# -- the responsive player -------------------------------------------------------------


async def test_digits_grow_in_steps_and_the_footer_keeps_quit_and_help(tmp_path: Path) -> None:
    from coach.tui.bignumber import BigNumber, render_big

    heights = {}
    for size in ((60, 20), (80, 24), (200, 60)):
        folder = tmp_path / f"{size[0]}x{size[1]}"
        folder.mkdir()
        app, clock = make_app(write_program(folder), folder)
        async with app.run_test(size=size) as pilot:
            await start_session(pilot, app)
            clock.advance(3 + 3.4)
            app.player.wake()
            await pilot.pause(0.05)
            number = app.screen.query_one("#clock", BigNumber)
            box = number.content_size
            heights[size] = len(render_big(number.value, box.width, box.height))
            assert {"Quit", "Help"} <= _keys_shown(app), size
    assert heights[(80, 24)] >= 10
    assert heights[(200, 60)] >= 1.5 * heights[(80, 24)]
