"""The player's animated figure: the exercise's skeleton in braille, moving with the cues.

:class:`FigureView` shows the frame the engine gives for the runner's current step and
session time (:func:`coach.engine.figures.motion.frame_at`), so it moves exactly when
the phases change, pauses with the session and mirrors with the side. It redraws only
itself, and only when its dots change: while a step moves the figure it wakes at most
:data:`MAX_FPS` times a second (an asyncio ``call_later``, as the player's own wake);
while the figure is still (rests, a pain rating, a paused session, another screen on
top) it does not wake at all, and the player's refresh on each step shows the next pose.

:class:`FigureStage` holds the big digits and the figure, sized by the player
(:mod:`coach.tui.stage`): the digits first, the figure beside or under them, and a
one-line note instead of a body drawn too small to read.
"""

from __future__ import annotations

import asyncio
import bisect
import math

from rich.segment import Segment
from rich.style import Style
from textual.containers import Container
from textual.events import Resize
from textual.strip import Strip
from textual.widget import Widget

from coach.engine.figures.motion import Frame, extent, frame_at, moves_during, pose_steps
from coach.engine.figures.skeleton import draw, mirrored
from coach.engine.runner import RunState, SessionRunner
from coach.engine.timeline import Phase, StepKind
from coach.tui.braille import FAR, FLOOR, NEAR, Fit, fit, render

__all__ = ["MAX_FPS", "MIN_BODY_DOTS", "TOO_SMALL", "FigureCanvas", "FigureStage", "FigureView"]

MAX_FPS = 4.0
"""Redraws a second while the figure moves, at most on average. Each repaint costs
Textual about 2.5 ms here (it renders every widget of the screen for a partial update),
so 6 a second came to 2.3 times termdown's CPU for a set of repetitions. A repetition's
eased movement is drawn at equal steps of it (pose_steps): a 2 s movement in 6
pictures, not 8, as smooth at its largest step; 1.6 % of a core became 1.3 % (make
bench, the reps against termdown)."""
CACHED_FRAMES = 512
"""Pictures kept per widget: every repetition of a set shows the same ones."""
MIN_COLUMNS, MIN_ROWS = 12, 4
"""The smallest place for a picture that still reads; below, a note instead."""
MIN_BODY_DOTS = 24.0
"""The smallest body that reads: one body height drawn at least 24 dots long (6 rows
standing, 12 columns lying down). A smaller one gives way to a note."""
TOO_SMALL = "(a larger window shows the movement)"


class FigureStage(Container):
    """The digits and the figure; the player sizes them (coach.tui.stage) and sets
    ``-beside`` when the figure stands beside the digits."""


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
        if frame is not None and self._body_dots(frame, width, height) < MIN_BODY_DOTS:
            note = TOO_SMALL
        elif frame is not None:
            cells = self._picture(frame, width, height)
        if cells == self._cells and note == self._note and self._drawn_size == (width, height):
            return
        self._cells, self._note, self._strips = cells, note, None
        self._drawn_size = (width, height)
        self.frames_drawn += 1
        self.refresh()

    def _place(self, frame: Frame, width: int, height: int) -> Fit:
        keys = frame.keys
        place_key = (id(keys), width, height)
        place = self._fits.get(place_key)
        if place is None:
            place = self._fits[place_key] = fit(extent(keys), width, height)
        return place

    def _body_dots(self, frame: Frame, width: int, height: int) -> float:
        """How many dots one body height is drawn with here: the body, not the canvas,
        says whether the figure reads (a body lying down fills few rows)."""
        if width <= 0 or height <= 0:
            return 0.0
        return self._place(frame, width, height).scale

    @property
    def note(self) -> str:
        """The note shown instead of a figure too small to read ('' when drawn)."""
        return self._note

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
        place = self._place(frame, width, height)
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
            # Two lines when narrow, in the middle of the figure's place.
            words = self._note if len(self._note) <= width else self._note.strip("()")
            lines = [words] if len(words) <= width else _two_lines(words)
            height = self.content_size.height
            strips.extend([Strip.blank(width, base)] * max(0, (height - len(lines)) // 2))
            for line in lines:
                text = line[:width].center(width)
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
        self.wanted = False
        """The step shown has a figure."""
        self.room = True
        """The player found room for the figure (or its note) under the digits' rows."""

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
        # (at most MAX_FPS a second of wall time), so every repetition shows the same
        # pictures: a repetition's eased movement at equal steps of the movement (see
        # pose_steps), anything else at equal times.
        period = runner.speed / MAX_FPS
        sample, following = 0.0, period
        if step is not None:
            elapsed = max(0.0, runner.session_time() - step.start)
            # A wake a hair early (timer resolution) counts as on time: it must not draw the
            # same instant again and wake at once for the next.
            early = 0.02 * period
            if step.kind is StepKind.REP and step.phase in (Phase.UP, Phase.DOWN):
                grid = pose_steps(step.duration, MAX_FPS / runner.speed)
                index = max(0, bisect.bisect_right(grid, elapsed + early) - 1)
                sample = grid[index]
                following = grid[index + 1] if index + 1 < len(grid) else step.duration + period
            else:
                sample = math.floor((elapsed + early) / period) * period
                following = sample + period
            frame = frame_at(runner.timeline, step, sample)
        # The player gives the figure its place (coach.tui.stage) from what is wanted here;
        # an exercise without a figure (or a picture) leaves the digits all the room.
        self.wanted = frame is not None
        shown = self.wanted and not self.covered and self.room
        if self.display != shown:
            self.display = shown
        if not self._visible():
            return
        self._frame = frame
        self._show(frame)
        if (
            frame is not None
            and step is not None
            and runner.state is RunState.RUNNING
            and moves_during(step, frame.keys, sample)
        ):
            due = runner.wall_time_of(step.start + following)
            loop = asyncio.get_running_loop()
            self._tick = loop.call_later(max(0.0, due - runner.clock()), self._on_tick)

    def _on_tick(self) -> None:
        self._tick = None
        # Through the message queue, like the player's own wake.
        self.call_later(self.update_figure)


def _two_lines(words: str) -> list[str]:
    """``words`` split at the space nearest the middle."""
    middle = len(words) // 2
    spaces = [i for i, ch in enumerate(words) if ch == " "]
    if not spaces:
        return [words]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return [words[:cut], words[cut + 1 :]]
