"""The safety screens through Pilot: the line that has the focus is the line answered,
whatever moved it; no player key sequence reaches a rating; the checklist's keys and
count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Label, Static

from coach.engine.session import RED_FLAG_ADVICE
from coach.tui import keys
from coach.tui.app import CoachApp
from coach.tui.home import HomeScreen
from coach.tui.keybar import KeyBar
from coach.tui.prompts import (
    AdviceScreen,
    BaselinePrompt,
    CheckPainPrompt,
    PainPrompt,
    PlainPainPrompt,
    RatingPrompt,
)
from coach.tui.safety import ChecklistScreen

from .sessions import write_program
from .tui_helpers import home_ready, make_app, screen_is, type_keys, wait_for


async def open_checklist(app: CoachApp, pilot: Pilot[Any]) -> ChecklistScreen:
    await wait_for(pilot, home_ready(app), "home")
    await pilot.press("enter")
    await wait_for(pilot, screen_is(app, "ChecklistScreen"), "checklist")
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    return screen


async def test_tab_moves_the_line_that_y_and_n_answer(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checklist(app, pilot)
        rows = screen.rows()
        await pilot.press(*["tab"] * 6)
        await pilot.pause(0.05)
        assert app.focused is rows[6]
        await pilot.press("y")
        # The line highlighted (cancer) is answered, never the first (bladder: urgent).
        assert rows[6].answer is True and rows[6].question.key == "cancer"
        assert rows[0].answer is None
        await pilot.press("shift+tab", "shift+tab")
        await pilot.pause(0.05)
        assert app.focused is rows[5]
        await pilot.press("n")
        assert rows[5].answer is False
        assert sum(r.answer is not None for r in rows) == 2


def letters(keymap: keys.KeyMap) -> set[str]:
    return {
        name.lower()
        for key in keymap.keys
        for name in (*key.keys, *(k for k, _ in key.family))
        if len(name) == 1 and name.isalpha()
    }


def test_no_player_key_sequence_reaches_a_rating() -> None:
    """The dialogs a player key opens (skip with n, quit with q, help) share no letter
    with the pain prompts that may open right after them: 'n t' as a set ends must not
    pre-select 10/10."""
    rating = letters(keys.PAIN) | letters(keys.CORRECTION)
    for opened in (keys.SKIP, keys.QUIT, keys.HELP):
        assert not letters(opened) & rating, opened.name
    assert not letters(keys.SKIP) & letters(keys.PLAYER)


async def test_home_after_an_urgent_answer_shows_the_block_without_welcome_or_start(
    tmp_path: Path,
) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checklist(app, pilot)
        await type_keys(pilot, *["y" if r.question.key == "gait" else "n" for r in screen.rows()])
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "urgent advice")
        advice = app.screen
        assert isinstance(advice, AdviceScreen)
        # The title is not repeated as the advice's first words.
        assert not advice.body_text.startswith(advice.title_text)
        await pilot.press("enter")
        await wait_for(pilot, home_ready(app), "home")
        home = app.screen
        assert isinstance(home, HomeScreen)
        text = " ".join(str(label.render()) for label in home.query(Label))
        assert "emergency care" in text
        assert "welcome" not in text.lower()
        assert not home.query("#start")
        shown = {label for _, label in home.query_one(KeyBar).shown}
        assert "Start" not in shown and "What to do" in shown
        await pilot.press("enter")  # the advice again, never a session
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "the advice again")
        assert app.session is None


async def test_none_of_these_apply_has_a_key_once_every_line_was_seen(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checklist(app, pilot)
        await pilot.press("a")
        await pilot.pause(0.05)
        assert app.screen is screen  # the last lines were never on screen
        said = str(screen.query_one("#checklist-say").render())
        assert "scroll to the last one" in said
        assert not app._notifications  # said inside the dialog, not over it
        await pilot.press(*["down"] * len(screen.rows()))
        await pilot.pause(0.05)
        await pilot.press("a")
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "baseline")


async def test_the_count_of_lines_to_answer_is_shown_whole(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checklist(app, pilot)
        await pilot.press("n", "n", "n")
        await pilot.pause(0.1)
        done = screen.query_one("#finish", Button)
        label = str(done.label)
        assert label == f"Done (Enter) · {len(screen.rows()) - 3} to answer"
        assert done.region.width >= len(label)


async def test_at_40x12_the_advice_scrolls_to_its_last_word_with_the_keys(
    tmp_path: Path,
) -> None:
    """Below 50x18 the hidden button kept the focus: the arrow keys scrolled nothing and
    the emergency criteria stayed cut at 'numbness around the groin or'."""
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        advice = AdviceScreen("Please stop and see a clinician", RED_FLAG_ADVICE)
        app.push_screen(advice)
        await wait_for(pilot, screen_is(app, "AdviceScreen"), "advice")
        await pilot.pause(0.1)
        body = advice.query_one(".dialog-body")
        assert body.max_scroll_y > 0  # it does not fit: it must scroll
        await pilot.press(*["down"] * 3, "pagedown", "pagedown", "pagedown")
        await pilot.pause(0.1)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("pageup")
        await pilot.pause(0.1)
        assert body.scroll_y < body.max_scroll_y
        assert app.screen is advice  # scrolling answers nothing


async def test_at_40x12_the_checklist_and_the_pain_prompt_keep_their_safety_words(
    tmp_path: Path,
) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await open_checklist(app, pilot)
        await pilot.pause(0.1)
        words = screen.query_one("#checklist-disclaimer")
        assert words.display and "not a diagnosis" in str(words.render())
        app.pop_screen()
        prompt = PainPrompt("How much pain?")
        app.push_screen(prompt)
        await wait_for(pilot, screen_is(app, "PainPrompt"), "pain prompt")
        await pilot.pause(0.1)
        scale = prompt.query_one("#pain-words")
        assert scale.display and "worst imaginable" in str(scale.render())
        await pilot.press("4")
        await pilot.pause(0.1)
        zone = prompt.query_one("#pain-zone")
        # The whole sentence, wrapped within the dialog's width.
        assert zone.region.width <= 40 and zone.region.height >= 2


async def test_each_pain_prompt_says_only_what_its_rating_does(tmp_path: Path) -> None:
    """After a set, a rating in the acceptable zone keeps the exercise from going up
    and a high one ends it for today (the rules of coach.engine.scaling); before a
    session or in a function check, a rating changes no dose: the zone is only named."""
    app, _ = make_app(write_program(tmp_path), tmp_path)
    expected: list[tuple[type[RatingPrompt], str, str]] = [
        (
            PainPrompt,
            "acceptable: this exercise will not go up next time",
            "high: this exercise stops for today",
        ),
        (BaselinePrompt, "in the acceptable zone", "high"),
        (PlainPainPrompt, "in the acceptable zone", "high"),
        (CheckPainPrompt, "in the acceptable zone", "high"),
    ]
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        for kind, acceptable, high in expected:
            prompt = kind("How much pain?")
            app.push_screen(prompt)
            await wait_for(pilot, screen_is(app, kind.__name__), kind.__name__)
            said = []
            for key in ("1", "4", "7"):
                await pilot.press(key)
                await pilot.pause()
                said.append(str(prompt.query_one("#pain-zone", Static).render()))
            assert said == [
                "1/10 is in the safe zone.",
                f"4/10 is {acceptable}.",
                f"7/10 is {high}.",
            ], kind.__name__
            app.pop_screen()
