"""The player's animated figure: the exercise's skeleton in braille, moving with the cues.

:class:`FigureView` shows the frame the engine gives for the runner's current step and
session time (:func:`coach.engine.figures.motion.frame_at`), so it moves exactly when
the phases change, pauses with the session and mirrors with the side. It redraws only
itself, and only when its dots change: while a step moves the figure it wakes at most
:data:`MAX_FPS` times a second (an asyncio ``call_later``, as the player's own wake);
while the figure is still (rests, a pain rating, a paused session, another screen on
top) it does not wake at all, and the player's refresh on each step shows the next pose.

:class:`FigureStage` holds the big digits and the figure: side by side from
:data:`BESIDE_COLUMNS` columns, the figure under the digits when narrower, and a one-line
note instead of a figure too small to read.
"""

from __future__ import annotations

import asyncio
import math

from rich.segment import Segment
from rich.style import Style
from textual.containers import Container
from textual.events import Resize
from textual.strip import Strip
from textual.widget import Widget

from coach.engine.figures.motion import Frame, extent, frame_at, moves_during
from coach.engine.figures.skeleton import draw, mirrored
from coach.engine.runner import RunState, SessionRunner
from coach.tui.braille import FAR, FLOOR, NEAR, Fit, fit, render

__all__ = ["BESIDE_COLUMNS", "MAX_FPS", "FigureCanvas", "FigureStage", "FigureView"]

MAX_FPS = 4.0
"""Most redraws a second while the figure moves: eight pictures for a 2 s movement. Each
repaint costs Textual about 2 ms here, so 6 a second came to 2.3 times termdown's CPU
for a set of repetitions and 4 keeps it within the goal of 2 (make bench)."""
CACHED_FRAMES = 512
"""Pictures kept per widget: every repetition of a set shows the same ones."""
BESIDE_COLUMNS = 100
"""From this terminal width the figure stands beside the digits, else under them."""
MIN_COLUMNS, MIN_ROWS = 12, 4
"""The smallest figure that still reads (a body 16 dots tall); below, a note instead."""
TOO_SMALL = "(a larger window shows the movement)"


class FigureStage(Container):
    """The digits and the figure, arranged for the terminal's width."""

    def on_resize(self, event: Resize) -> None:
        beside = self.app.size.width >= BESIDE_COLUMNS
        if self.has_class("-beside") != beside:
            self.set_class(beside, "-beside")
            # Moving the figure leaves cells of its old place that no widget covers now
            # (the screen's padding): repaint the whole screen once.
            self.screen.refresh()


class FigureCanvas(Widget):
    """A figure's frame drawn in braille, fitted to the widget: the player's figure, and
    the gallery of bundled figures in the tests."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cells: list[list[tuple[str, int | None]]] = []
        self._strips: list[Strip] | None = None
        self._note = ""
        self._fits: dict[tuple[int, int, int], Fit] = {}
        self._frame: Frame | None = None
        self._drawn_size = (0, 0)
        self._pictures: dict[tuple[object, ...], list[list[tuple[str, int | None]]]] = {}
        self.frames_drawn = 0
        """How many times the dots changed (for tests and the benchmark)."""

    def show_frame(self, frame: Frame | None) -> None:
        """Draw ``frame`` (nothing for None); redraws only when the dots change."""
        self._frame = frame
        self._show(frame)

    def on_resize(self, event: Resize) -> None:
        self._fits.clear()
        self._pictures.clear()
        self._show(self._frame)

    # -- what to draw -----------------------------------------------------------------

    def _show(self, frame: Frame | None) -> None:
        if not self.is_attached:
            return
        width, height = self.content_size.width, self.content_size.height
        note = ""
        cells: list[list[tuple[str, int | None]]] = []
        if frame is not None and (width < MIN_COLUMNS or height < MIN_ROWS):
            note = TOO_SMALL
        elif frame is not None:
            cells = self._picture(frame, width, height)
        if cells == self._cells and note == self._note and self._drawn_size == (width, height):
            return
        self._cells, self._note, self._strips = cells, note, None
        self._drawn_size = (width, height)
        self.frames_drawn += 1
        self.refresh()

    def _picture(self, frame: Frame, width: int, height: int) -> list[list[tuple[str, int | None]]]:
        """The frame's cells, drawn once: the same posture (to a tenth of a degree) at the
        same size is the same picture, and a set of repetitions shows the same ones."""
        keys = frame.keys
        key = (
            id(keys),
            frame.mirrored,
            width,
            height,
            tuple(sorted((k, round(v, 1)) for k, v in frame.posture.items())),
        )
        cells = self._pictures.get(key)
        if cells is not None:
            return cells
        room = extent(keys)
        place_key = (id(keys), width, height)
        place = self._fits.get(place_key)
        if place is None:
            place = self._fits[place_key] = fit(room, width, height)
        drawing = draw(frame.posture, keys.base, keys.view)
        if frame.mirrored:
            drawing = mirrored(drawing, (room[0] + room[2]) / 2)
        cells = render(drawing, width, height, place).cells()
        if len(self._pictures) >= CACHED_FRAMES:
            self._pictures.clear()
        self._pictures[key] = cells
        return cells

    def _lines(self) -> list[Strip]:
        if self._strips is not None:
            return self._strips
        width = self.content_size.width
        base = self.rich_style
        styles = {
            NEAR: base,
            FAR: base + Style(dim=True),
            FLOOR: base + Style(dim=True),
            None: base,
        }
        strips = []
        if self._note:
            text = self._note[:width].center(width)
            strips.append(Strip([Segment(text, base + Style(dim=True, italic=True))], width))
        for row in self._cells:
            segments: list[Segment] = []
            run, layer = "", None
            for ch, cell_layer in row:
                if cell_layer is not layer and ch != " " and run:
                    segments.append(Segment(run, styles[layer]))
                    run = ""
                if ch != " ":
                    layer = cell_layer
                run += ch
            if run:
                segments.append(Segment(run, styles[layer]))
            strips.append(Strip(segments, width))
        self._strips = strips
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._drawn_size[0] != self.content_size.width and self._frame is not None:
            # Laid out anew since the last frame: draw again at this size (never spill
            # over the edge with lines cut for another width).
            self.call_later(self._show, self._frame)
        lines = self._lines()
        line = lines[y] if 0 <= y < len(lines) else Strip.blank(width, self.rich_style)
        return line.crop_extend(0, width, self.rich_style)


class FigureView(FigureCanvas):
    """The exercise's figure for the runner's current step, moving with it."""

    def __init__(self, runner: SessionRunner, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.runner = runner
        self._tick: asyncio.TimerHandle | None = None
        self.covered = False
        """The exercise's picture shows in the figure's place (the player sets this): the
        figure hides and does not wake."""

    # -- when to draw -----------------------------------------------------------------

    def on_mount(self) -> None:
        self.update_figure()

    def on_unmount(self) -> None:
        self._cancel()

    def on_resize(self, event: Resize) -> None:
        self._fits.clear()
        self.update_figure()

    def _cancel(self) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _visible(self) -> bool:
        return (
            self.is_attached
            and self.display
            and self.screen.is_current
            and self.content_size.width > 0
            and self.content_size.height > 0
        )

    def update_figure(self) -> None:
        """Show the frame for now, and wake again while the figure moves. The player
        calls this on every change it shows (a step starting, a pause, a resize)."""
        self._cancel()
        runner = self.runner
        step = runner.step
        frame = None
        # While the figure moves it is sampled on a grid of instants from the step's start
        # (MAX_FPS a second of wall time), so every repetition shows the same pictures.
        period = runner.speed / MAX_FPS
        sample = 0.0
        if step is not None:
            elapsed = max(0.0, runner.session_time() - step.start)
            # A wake a hair early (timer resolution) counts as on time: it must not draw the
            # same instant again and wake at once for the next.
            sample = math.floor(elapsed / period + 0.02) * period
            frame = frame_at(runner.timeline, step, sample)
        # An exercise without a figure (or a picture) leaves the digits all the room they had.
        shown = frame is not None and not self.covered
        if self.display != shown:
            self.display = shown
        if isinstance(self.parent, FigureStage) and self.parent.has_class("-figure") != (
            shown or self.covered
        ):
            self.parent.set_class(shown or self.covered, "-figure")
        if not self._visible():
            return
        self._frame = frame
        self._show(frame)
        if (
            frame is not None
            and step is not None
            and runner.state is RunState.RUNNING
            and moves_during(step, frame.keys)
        ):
            due = runner.wall_time_of(step.start + sample + period)
            loop = asyncio.get_running_loop()
            self._tick = loop.call_later(max(0.0, due - runner.clock()), self._on_tick)

    def _on_tick(self) -> None:
        self._tick = None
        # Through the message queue, like the player's own wake.
        self.call_later(self.update_figure)
