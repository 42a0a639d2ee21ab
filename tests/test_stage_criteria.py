"""A level's stage criterion ('advance_when') and the descriptions reach the person: the
offer to move up asks the criterion, says what the next level is for, and never says
its exercises 'start easy again'; coach plan and preview show them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from coach.engine import day
from coach.store.database import HistoryStore
from coach.tui.prompts import LevelOffer

from .day_helpers import TODAY, Shell, begin_session, rate_every_set
from .sessions import SMALL_PROGRAM, write_program

CRITERION = "Your leg pain has moved back into your low back (centralised) for a week."
NEXT = "Press-ups with the hips on the floor, ten at a time."

STAGES: dict[str, Any] = {
    "version": 1,
    "program": {
        **SMALL_PROGRAM["program"],
        "description": "Extension in stages, advanced by centralisation.",
        "levels": [
            {
                "name": "Stage 1: lying face down",
                "description": "Lie face down and let the back settle.",
                "advance_when": CRITERION,
                "unlock": {"sessions_at_max": 1},
                "exercises": [
                    {"id": "prone", "name": "Prone lying", "kind": "timed", "duration": 60}
                ],
            },
            {
                "name": "Stage 2: press-ups",
                "description": NEXT,
                "exercises": [{"id": "press-up", "name": "Press-up", "kind": "reps", "reps": 10}],
            },
        ],
    },
}


def test_the_offer_carries_the_criterion_and_the_next_level(tmp_path: Path) -> None:
    store = HistoryStore.in_memory()
    source = write_program(tmp_path, STAGES)
    first = Shell(source, store)
    begin_session(first)
    rate_every_set(first, [0])
    shell = Shell(source, store, today=TODAY + timedelta(days=1))
    begin_session(shell)
    rate_every_set(shell, [0])
    offer = shell.last(day.AskLevel)
    assert (offer.criterion, offer.to_name, offer.to_description) == (
        CRITERION,
        "Stage 2: press-ups",
        NEXT,
    )


class _Host(App[None]):
    def __init__(self, offer: LevelOffer) -> None:
        super().__init__()
        self.offer = offer

    def compose(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.push_screen(self.offer)


async def _text_of(offer: LevelOffer) -> str:
    app = _Host(offer)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_the_offer_asks_the_criterion_instead_of_the_generic_sentence() -> None:
    text = await _text_of(
        LevelOffer(
            "Extension",
            1,
            2,
            up=True,
            criterion=CRITERION,
            to_name="Stage 2: press-ups",
            to_description=NEXT,
        )
    )
    assert CRITERION in text
    assert "Only if that is true now: move up to level 2 (Stage 2: press-ups)" in text
    assert NEXT in text
    assert "start easy again" not in text


async def test_without_a_criterion_the_offer_says_where_the_doses_start() -> None:
    text = await _text_of(LevelOffer("Holds", 1, 2, up=True))
    assert "It starts at the doses its file gives." in text
    assert "start easy again" not in text


def test_plan_and_preview_show_the_descriptions_and_the_criterion(tmp_path: Path, cli: Any) -> None:
    source = write_program(tmp_path, STAGES)
    plan = cli("plan", source, "--data-dir", tmp_path / "data")
    assert plan.code == 0
    for text in ("Extension in stages, advanced by centralisation.", "Lie face down", CRITERION):
        assert text in " ".join(plan.out.split()), text
    preview = cli("preview", source)
    for text in ("Lie face down", CRITERION):
        assert text in " ".join(preview.out.split()), text


def test_preview_level_and_all(tmp_path: Path, cli: Any) -> None:
    source = write_program(tmp_path, STAGES)
    second = cli("preview", source, "--level", "2")
    assert second.code == 0
    assert "level 2 (Stage 2: press-ups)" in second.out and "Prone lying" not in second.out
    every = cli("preview", source, "--all")
    assert every.out.index("Prone lying") < every.out.index("Press-up")
    assert every.out.count("Total ") == 2
    too_deep = cli("preview", source, "--level", "3")
    assert too_deep.code == 2 and "no program here has more than 2 levels" in too_deep.err
