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
