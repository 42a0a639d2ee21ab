"""A hold the person ends ('up to 45 s, stop when it burns'): N ends it without asking
why, the seconds held are stored, and the set counts as done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Label

from coach.cli.preview import describe_block
from coach.engine import day
from coach.engine.records import PainAnswer
from coach.engine.timeline import StepKind, build_timeline, plan_session
from coach.format.loader import load_session_file
from coach.store.database import HistoryStore
from coach.store.export import export_rows

from .day_helpers import Shell, begin_session
from .sessions import write_program
from .test_tempo_order import FilePlayer

WALL_SIT: dict[str, Any] = {
    "version": 1,
    "program": {
        "id": "wall",
        "name": "Wall sit",
        "get_ready": 3,
        "levels": [
            {
                "name": "Level 1",
                "exercises": [
                    {
                        "id": "wall-sit",
                        "name": "Wall sit",
                        "kind": "hold",
                        "hold": {"up_to": 25},
                        "holds": 2,
                        "hold_rest": 10,
                        "progression": {"hold": {"min": 20, "max": 30, "step": 2}},
                    }
                ],
            }
        ],
    },
}


def test_the_preview_says_up_to_and_who_ends_it(tmp_path: Path) -> None:
    timeline = build_timeline(plan_session(load_session_file(write_program(tmp_path, WALL_SIT))))
    holds = [s for s in timeline.steps if s.kind is StepKind.HOLD]
    assert [(s.duration, s.self_timed) for s in holds] == [(25.0, True), (25.0, True)]
    block = next(b for b in timeline.blocks() if b[0].kind is StepKind.HOLD)
    assert describe_block(block, timeline.plan.exercises[0]) == (
        "set 1/1, 2 holds of up to 25s, N ends each"
    )


def test_n_ends_the_hold_stores_the_seconds_and_the_set_is_done(tmp_path: Path) -> None:
    store = HistoryStore.in_memory()
    shell = Shell(write_program(tmp_path, WALL_SIT), store)
    begin_session(shell)
    session = shell.flow.session
    assert session is not None
    runner = session.runner
    for held in (12.0, 18.0):
        while runner.step is not None and runner.step.kind is not StepKind.HOLD:
            shell.clock.advance(runner.remaining())
            shell.player(runner.update())
        shell.clock.advance(held)
        shell.player(runner.update())
        shell.answer(day.SkipAsked())
        assert not isinstance(shell.seen[-1], day.AskSkipReason)
    shell.play_until_asked()
    assert isinstance(shell.seen[-1], day.AskRating)
    shell.answer(day.RatingAnswer(PainAnswer(1)))
    shell.play_until_asked()
    (row,) = export_rows(store)
    assert (row["completed"], row["skip_reason"]) == (True, None)
    assert row["done_work_seconds"] == 30.0  # 12 s and 18 s held
    assert row["planned_work_seconds"] == 50.0


async def test_the_player_says_n_ends_the_hold(tmp_path: Path) -> None:
    app = FilePlayer(write_program(tmp_path, WALL_SIT))
    async with app.run_test(size=(80, 24)) as pilot:
        app.clock.advance(3.5)  # into the first hold
        app.player.wake()
        await pilot.pause()
        detail = str(app.screen.query_one("#detail", Label).render())
        phase = str(app.screen.query_one("#phase", Label).render())
    assert (phase, detail) == ("HOLD", "set 1/1 · hold 1/2 · N when you stop")
