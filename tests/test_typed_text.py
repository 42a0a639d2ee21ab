"""Text a person types and coach stores (the session note, PSFS activities, a setting)
keeps nothing a terminal would act on: refused as it is typed, and cleaned again before
it is stored, so that what the history holds is shown as it was typed."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from coach.engine import day
from coach.engine.checks.psfs import clean_activity
from coach.format.text import printable, typed
from coach.store.database import HistoryStore

from .day_helpers import Shell, begin_session, rate_every_set
from .sessions import write_program

HOSTILE = "slept\x1b]52;c;eA==\x07 badly\x85\x9b2J \u202eright\u202c \u200bzero\u2060\ufeff"


def test_typed_text_keeps_words_and_drops_what_a_terminal_acts_on() -> None:
    kept = typed(HOSTILE)
    assert kept == "slept ]52;c;eA== badly 2J right zero"
    assert printable(kept) == kept
    assert typed("Putting   on\tsocks ", limit=10) == "Putting on"
    assert clean_activity(HOSTILE) == kept


def test_the_session_note_is_stored_without_control_bidi_or_zero_width(tmp_path: Path) -> None:
    (tmp_path / "routine").mkdir()
    source = write_program(tmp_path / "routine")
    data = tmp_path / "data"
    shell = Shell(source, HistoryStore(data / "history.sqlite3"))
    begin_session(shell, baseline=1)
    rate_every_set(shell, [1, 1, 1])
    shell.answer(day.SummaryDone(HOSTILE))
    with contextlib.closing(sqlite3.connect(data / "history.sqlite3")) as db:
        notes = db.execute("SELECT note FROM sessions").fetchall()
    assert notes == [("slept ]52;c;eA== badly 2J right zero",)]


async def test_the_note_field_refuses_such_characters_as_they_are_typed(tmp_path: Path) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    from coach.format.text import TYPED_PATTERN

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(restrict=TYPED_PATTERN, id="note")

    app = One()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.press("a")
        for hostile in ("\x9b", "\u202e", "\u200b", "\x1b"):
            field.insert_text_at_cursor(hostile)
        await pilot.press("b")
        assert field.value == "ab"
