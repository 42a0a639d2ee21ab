"""The screens when nothing can be saved (issue 14): going back is the default, another
folder can be chosen in the app, and exercising without saving must be chosen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from coach.engine.records import Kept
from coach.tui.app import CoachApp

from .sessions import write_program
from .tui_helpers import home_ready, make_app, pass_screening, screen_is, wait_for


def errors_shown(app: CoachApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query(".dialog-error"))


async def test_enter_goes_back_and_another_folder_can_be_chosen(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    app, _ = make_app(write_program(tmp_path), blocker)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "CannotSaveScreen"), "the question")
        assert "is a file, not a folder" in str(app.screen.query_one("#advice-body").render())
        await pilot.press("enter")  # the default: back home, nothing played
        await wait_for(pilot, home_ready(app), "home again")
        assert app.session is None
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "CannotSaveScreen"), "the question again")
        await pilot.press("f")
        await wait_for(pilot, screen_is(app, "FolderPrompt"), "the folder prompt")
        # A folder that cannot be used either: said, and asked again. (The paths are
        # pasted: typing them key by key through the Pilot took seconds.)
        field = app.screen.query_one("#folder", Input)
        field.value = str(blocker / "sub")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "cannot be used" in errors_shown(app), "the refusal")
        good = tmp_path / "elsewhere"
        app.screen.query_one("#folder", Input).value = str(good)  # asked again: a new field
        await pilot.press("enter")
        await wait_for(pilot, home_ready(app), "home on the new folder")
        assert app.store.path == good / "history.sqlite3"
        await pilot.press("enter")
        await pass_screening(pilot, app)
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "the baseline: it plays")
    assert app.flow is not None and app.flow.kept is Kept.HISTORY
    assert (good / "history.sqlite3").is_file()
    assert blocker.read_text() == "not a folder"


async def test_without_saving_must_be_chosen(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    app, _ = make_app(write_program(tmp_path), blocker)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, home_ready(app), "home")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(app, "CannotSaveScreen"), "the question")
        await pilot.press("w")
        await pass_screening(pilot, app)
        await wait_for(pilot, screen_is(app, "BaselinePrompt"), "the baseline")
    assert app.flow is not None and app.flow.without_saving
