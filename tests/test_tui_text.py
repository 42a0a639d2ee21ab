"""On screen, text from a file is shown escaped whatever reaches the player, and notices
too: the second line of defence behind the reader's refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label, Static

from .sessions import write_program
from .tui_helpers import make_app, start_session


async def test_the_player_escapes_what_it_shows(tmp_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        player = app.player
        assert player is not None
        player._show("#exercise-name", "Side\x1b[2J plank\u202e")
        player._show("#instructions", "One\nTwo\x1b]52;c;eA==\x07")
        await pilot.pause()
        name = str(player.query_one("#exercise-name", Label).render())
        about = str(player.query_one("#instructions", Static).render())
    assert name == "Side\\x1b[2J plank\\u202e"
    assert about == "One\nTwo\\x1b]52;c;eA==\\x07"  # the line break kept, the rest shown


async def test_notices_are_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.app import App

    shown: list[str] = []
    monkeypatch.setattr(App, "notify", lambda self, message, **_: shown.append(message))
    app, _ = make_app(write_program(tmp_path), tmp_path)
    app.notify("sound file 'a\x1b[2J.wav'\nnext line")
    assert shown == ["sound file 'a\\x1b[2J.wav'\nnext line"]
