"""Every bundled figure, drawn as the player draws it: snapshot references to look at.

One snapshot per level of each bundled program (the morning routine plays these same
exercises): a row per exercise with its start pose, its top (or hold) and, where it
differs from the start, the pose a repetition ends in. Deterministic: static poses, a
fixed terminal size, no clock. Update with ``--snapshot-update`` after an intended change
and look at every picture in the report before committing.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Grid
from textual.widgets import Label

from coach.config.locations import bundled_sessions_dir
from coach.engine.figures.motion import Frame, figure_of, keyframes
from coach.engine.timeline import build_timeline, plan_session
from coach.format.loader import ProgramFile, load_session_file
from coach.tui.figure import FigureCanvas

PROGRAMS = ("mobility", "holds", "extensions")
SIZE = (100, 48)


class Gallery(App[None]):
    """A level's exercises, one row each: name, then start, top or hold, end."""

    CSS = """
    Grid { grid-size: 4; grid-columns: 22 1fr 1fr 1fr; grid-rows: 9; }
    Label { height: 9; content-align: left middle; }
    FigureCanvas { height: 9; color: $success; }
    """

    def __init__(self, program: str, level: int) -> None:
        super().__init__()
        loaded = load_session_file(bundled_sessions_dir() / "programs" / f"{program}.yaml")
        assert isinstance(loaded, ProgramFile)
        plan = plan_session(loaded, levels={loaded.program.id: level})
        self.timeline = build_timeline(plan)
        self.rows: list[tuple[str, list[Frame | None]]] = []
        for item in plan.exercises:
            figure = figure_of(item)
            assert figure is not None, f"{item.key} has no figure"
            keys = keyframes(figure)
            second = keys.hold if item.exercise.kind == "hold" else keys.top
            frames: list[Frame | None] = [
                Frame(keys, keys.start, False),
                Frame(keys, second, False),
            ]
            frames.append(Frame(keys, keys.end, False) if keys.end != keys.start else None)
            self.rows.append((item.name, frames))

    def compose(self) -> ComposeResult:
        with Grid():
            for name, frames in self.rows:
                yield Label(name)
                for _ in frames:
                    yield FigureCanvas()

    def on_mount(self) -> None:
        canvases = list(self.query(FigureCanvas))
        frames = [frame for _, row in self.rows for frame in row]
        for canvas, frame in zip(canvases, frames, strict=True):
            canvas.show_frame(frame)


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("program", PROGRAMS)
def test_bundled_figures(snap_compare: Any, program: str, level: int) -> None:
    app = Gallery(program, level)

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        canvases = list(app.query(FigureCanvas))
        assert sum(c.frames_drawn > 0 for c in canvases) >= 2 * len(app.rows)
        for canvas in canvases:  # redrawn at its laid-out size
            canvas.show_frame(canvas._frame)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
