"""A small braille rasteriser: lines and discs on a grid of 2x4 dots per terminal cell.

Braille patterns (U+2800-U+28FF) give every terminal cell eight dots, so a stick figure
a dozen rows tall is drawn with about 50 dots from head to foot: four times the
resolution of half blocks, which is what textual-canvas offers (it draws half-block
pixels), and fine enough for a spine to curve. Every dot is clipped to the canvas, so
no shape, however far off, writes outside it or raises.

Each dot belongs to one of two layers, near and far: a cell with any near dot is drawn
in the figure's colour, a cell with far dots only is dimmed, so the limbs on the
viewer's side stand out from the ones behind. Pure Python: no terminal, no Textual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.engine.figures.skeleton import Drawing

__all__ = ["Canvas", "Fit", "fit", "render"]

# Bit of each dot in a cell, by (column, row) within the cell (the Unicode braille order).
_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))

NEAR, FAR, FLOOR = 0, 1, 2
STANDING_HEIGHT = 1.05
"""A standing figure's height in body heights, head included."""


class Canvas:
    """``columns`` x ``rows`` cells of braille dots, in three layers (near, far, floor)."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        self.width = self.columns * 2
        self.height = self.rows * 4
        self._cells = [bytearray(self.columns * self.rows) for _ in range(3)]

    def dot(self, x: int, y: int, layer: int = NEAR) -> None:
        """Set one dot; (0, 0) is the top left. Dots off the canvas are ignored."""
        if 0 <= x < self.width and 0 <= y < self.height:
            cell = (y >> 2) * self.columns + (x >> 1)
            self._cells[layer][cell] |= _BITS[x & 1][y & 3]

    def line(self, x0: float, y0: float, x1: float, y1: float, layer: int = NEAR) -> None:
        """A line between two points in dot coordinates (Bresenham's, on rounded ends)."""
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
            return
        ax, ay, bx, by = (round(v) for v in (x0, y0, x1, y1))
        # Clip far-off ends first, so a line a million dots long costs nothing.
        limit = 4 * (self.width + self.height) + 8
        if max(abs(ax), abs(ay), abs(bx), abs(by)) > limit:
            return
        dx, dy = abs(bx - ax), -abs(by - ay)
        sx, sy = (1 if ax < bx else -1), (1 if ay < by else -1)
        error = dx + dy
        while True:
            self.dot(ax, ay, layer)
            if ax == bx and ay == by:
                return
            double = 2 * error
            if double >= dy:
                error += dy
                ax += sx
            if double <= dx:
                error += dx
                ay += sy

    def disc(self, cx: float, cy: float, radius: float, layer: int = NEAR) -> None:
        """A filled disc (the head)."""
        if not all(math.isfinite(v) for v in (cx, cy, radius)):
            return
        r = max(0.5, min(radius, float(self.width + self.height)))
        for y in range(math.floor(cy - r), math.ceil(cy + r) + 1):
            if not 0 <= y < self.height:
                continue
            half = math.sqrt(max(0.0, r * r - (y - cy) ** 2))
            for x in range(
                max(0, math.ceil(cx - half)), min(self.width, math.floor(cx + half) + 1)
            ):
                self.dot(x, y, layer)

    def cells(self) -> list[list[tuple[str, int | None]]]:
        """Each row's cells as (character, layer): NEAR when any near dot is in the cell,
        else FAR, else FLOOR; None for an empty cell (a space)."""
        near, far, floor = self._cells
        rows = []
        for row in range(self.rows):
            out: list[tuple[str, int | None]] = []
            for col in range(self.columns):
                i = row * self.columns + col
                bits = near[i] | far[i] | floor[i]
                if not bits:
                    out.append((" ", None))
                    continue
                layer = NEAR if near[i] else FAR if far[i] else FLOOR
                out.append((chr(0x2800 + bits), layer))
            rows.append(out)
        return rows

    def text(self) -> list[str]:
        """The canvas as plain text, one string per row."""
        return ["".join(ch for ch, _ in row) for row in self.cells()]


@dataclass(frozen=True, slots=True)
class Fit:
    """How body heights map to dots: x_dot = (x - left) * scale + pad_x, y from the floor."""

    scale: float
    left: float
    pad_x: float
    floor_y: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.left) * self.scale + self.pad_x, self.floor_y - y * self.scale)


def fit(bounds: tuple[float, float, float, float], columns: int, rows: int) -> Fit:
    """Scale ``bounds`` (left, bottom, right, top in body heights, the floor at 0) to fill
    a canvas of ``columns`` x ``rows`` cells with a dot of margin, centred, on the floor
    (the bottom dot row, under the figure, is the floor line)."""
    left, bottom, right, top = bounds
    width, height = columns * 2, rows * 4
    span_x = max(right - left, 1e-6)
    # Never larger than a standing body filling the height: a figure lying down seen
    # along its length is small, as it would be, rather than a head filling the box.
    span_y = max(top - min(bottom, 0.0), STANDING_HEIGHT)
    # Dots are square: two across and four down in a cell about twice as tall as wide.
    scale = max(0.0, min((width - 3) / span_x, (height - 3) / span_y))
    pad_x = (width - span_x * scale) / 2
    return Fit(scale, left, pad_x, height - 2 - max(0.0, -bottom) * scale)


def render(drawing: Drawing, columns: int, rows: int, place: Fit | None = None) -> Canvas:
    """Draw ``drawing`` on a new canvas: fitted to its own bounds unless ``place`` says
    how (a figure keeps one fit for all its frames, so it does not zoom as it moves)."""
    canvas = Canvas(columns, rows)
    if canvas.width == 0 or canvas.height == 0:
        return canvas
    place = place or fit(drawing.bounds(), columns, rows)
    if drawing.floor:
        canvas.line(0, canvas.height - 1, canvas.width - 1, canvas.height - 1, FLOOR)
    for far_first in (False, True):
        for s in drawing.segments:
            if s.near is far_first:
                x0, y0 = place.point(s.x1, s.y1)
                x1, y1 = place.point(s.x2, s.y2)
                canvas.line(x0, y0, x1, y1, NEAR if s.near else FAR)
    hx, hy = place.point(*drawing.head)
    canvas.disc(hx, hy, drawing.head_radius * place.scale, NEAR)
    return canvas
