"""The day's tables (coach.tui.screens): every output of the flow has what shows it, and
every message a screen sends the app means one input of the flow."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from coach.engine import day
from coach.engine.records import SkipReason
from coach.store.database import HistoryStore
from coach.tui.app import CoachApp, Launch
from coach.tui.screens import ASKS, DayScreens


def _screens(tmp_path: Path) -> DayScreens:
    app = CoachApp(Launch(tmp_path / "routine.yaml", HistoryStore(tmp_path / "h.sqlite3")))
    return DayScreens(app)


def test_every_output_of_the_flow_has_what_shows_it(tmp_path: Path) -> None:
    """A new output added to DayFlow without a screen would fail at runtime, mid-session."""
    outputs = set(get_args(day.Output))
    assert day.AskRating in outputs and day.SaveSets in outputs
    assert outputs - set(_screens(tmp_path).outputs) == set()


def test_every_question_is_asked_with_a_dialog() -> None:
    prompts = set(get_args(day.Prompt))
    assert prompts - set(ASKS) == set()


def test_a_question_answered_becomes_the_flows_input(tmp_path: Path) -> None:
    asked = ASKS[day.AskQuit](day.AskQuit("Stop?", reasons=False))
    assert asked.answer(True) == day.QuitAnswer(True)
    assert asked.answer(None) == day.QuitAnswer(False)
    # Stopping says why, as a skipped set does; no reason given means keep going.
    why = ASKS[day.AskQuit](day.AskQuit("Stop?"))
    assert why.answer(SkipReason.PAIN) == day.QuitAnswer(True, SkipReason.PAIN)
    assert why.answer(None) == day.QuitAnswer(False, None)
    rating = ASKS[day.AskRating](day.AskRating("Side plank", 2, 5))
    assert rating.answer(None) is None  # dismissed without a rating: nothing to tell
