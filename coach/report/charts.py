"""The report's charts as inline SVG, drawn here in a few hundred lines of plain Python.

A chart is a handful of lines, dots or bars over dates on a white grid; drawing them
directly costs a few milliseconds (the chart library before took about a tenth of a
second per chart, most of a ten-year report's time). Every chart is drawn without
scripts and without any text from the session files or the person (titles and names are
in the HTML around the chart, escaped there), so the SVG carries only numbers, dates and
fixed words, escaped all the same. The colours are the TUI's: cyan for the pain at the
start, orange for the peak, green for a dose.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

__all__ = ["CYAN", "GREEN", "ORANGE", "bar_chart", "line_chart", "nice_ticks"]

CYAN = "#0e8ea0"
"""Pain at the start (the TUI's cyan, darkened to print on white)."""
ORANGE = "#e07000"
"""Peak pain (the TUI's orange)."""
GREEN = "#2a8f3c"
"""A dose (the TUI's green)."""
SERIES = (CYAN, ORANGE, GREEN, "#6a4fb3", "#b0306a", "#555555")

WIDTH, HEIGHT = 760, 250
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
GRID, TEXT, AXIS = "#d8d8d8", "#222222", "#888888"
LEGEND_HEIGHT = 26
"""The row of legends under the x labels."""

Points = Sequence[tuple[date, float]]


def nice_ticks(low: float, high: float, most: int = 8) -> list[float]:
    """Round values from ``low`` to ``high`` (both included when they are round), at a
    step of 1, 2, 2.5 or 5 times a power of ten, at most ``most`` intervals."""
    if high <= low:
        return [low]
    span = high - low
    base = 10 ** math.floor(math.log10(span / most))
    step = next(
        (base * m for m in (1, 2, 2.5, 5, 10) if span / (base * m) <= most + 1e-9), base * 10
    )
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != round(value) else f"{value:.0f}"


def _f(value: float) -> str:
    """A coordinate, to a tenth of a unit (the viewBox is 760 wide)."""
    return f"{value:.1f}"


class _Canvas:
    """A plot area inside the chart, with the y scale(s) and the SVG text built up."""

    def __init__(self, *, right_axis: bool, y_title: str, bottom: float) -> None:
        self.left = 52.0 if y_title else 40.0
        self.right = WIDTH - (40.0 if right_axis else 14.0)
        self.top = 10.0
        self.bottom = HEIGHT - bottom
        self.parts: list[str] = []
        if y_title:
            middle = (self.top + self.bottom) / 2
            self.text(12, middle, y_title, anchor="middle", rotate=True)

    def y(self, value: float, scale: tuple[float, float]) -> float:
        low, high = scale
        share = 0.0 if high == low else (value - low) / (high - low)
        return self.bottom - share * (self.bottom - self.top)

    def text(
        self,
        x: float,
        y: float,
        words: str,
        *,
        anchor: str = "start",
        size: int = 11,
        rotate: bool = False,
    ) -> None:
        turn = f' transform="rotate(-90 {_f(x)} {_f(y)})"' if rotate else ""
        self.parts.append(
            f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"'
            f"{turn}>{escape(words)}</text>"
        )

    def grid(self, ticks: Sequence[float], scale: tuple[float, float], *, right: bool) -> None:
        """Horizontal lines at ``ticks`` (only for the left axis), labelled at the side."""
        for tick in ticks:
            y = self.y(tick, scale)
            if not right:
                self.parts.append(
                    f'<line x1="{_f(self.left)}" x2="{_f(self.right)}" y1="{_f(y)}" '
                    f'y2="{_f(y)}" stroke="{GRID}" stroke-width="1"/>'
                )
                self.text(self.left - 5, y + 4, _number(tick), anchor="end")
            else:
                self.text(self.right + 5, y + 4, _number(tick))

    def legends(self, items: Sequence[tuple[str, str]]) -> None:
        """Coloured squares and words in a row under the chart, in columns of four."""
        column = (self.right - self.left) / 4
        y = HEIGHT - 8
        for index, (words, color) in enumerate(items):
            x = self.left + (index % 4) * column
            row_y = y - (len(items) - 1) // 4 * 16 + index // 4 * 16
            self.parts.append(
                f'<rect x="{_f(x)}" y="{_f(row_y - 10)}" width="11" height="11" fill="{color}"/>'
            )
            self.text(x + 16, row_y, words, size=12)

    def svg(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" font-family="{FONT}" fill="{TEXT}">'
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
            + "".join(self.parts)
            + "</svg>"
        )


def _scale(values: Sequence[float], given: tuple[float, float] | None) -> tuple[float, float]:
    if given is not None:
        return given
    high = max(values, default=1.0)
    return (min(0.0, min(values, default=0.0)), high if high > 0 else 1.0)


def line_chart(
    series: Sequence[tuple[str, Points]],
    *,
    y_range: tuple[float, float] | None = None,
    secondary: tuple[str, Points] | None = None,
    secondary_range: tuple[float, float] | None = None,
    colors: Sequence[str] = SERIES,
    dots: bool = True,
    date_format: str = "%d %b %y",
    y_title: str = "",
    y_labels: Sequence[float] | None = None,
) -> str:
    """Lines over dates, one per ``(legend, points)``; an optional ``secondary`` series is
    drawn as dots against a right-hand axis (a peak pain beside a dose)."""
    canvas = _Canvas(right_axis=secondary is not None, y_title=y_title, bottom=48)
    days = [d.toordinal() for _, points in series for d, _ in points]
    if secondary is not None:
        days += [d.toordinal() for d, _ in secondary[1]]
    scale = _scale([v for _, points in series for _, v in points], y_range)
    ticks = list(y_labels) if y_labels is not None else nice_ticks(*scale)
    canvas.grid(ticks, scale, right=False)
    second = None
    if secondary is not None:
        second = _scale([v for _, v in secondary[1]], secondary_range)
        canvas.grid(nice_ticks(*second), second, right=True)
    if not days:
        canvas.text(WIDTH / 2, (canvas.top + canvas.bottom) / 2, "no data", anchor="middle")
        return canvas.svg()
    first, last = min(days), max(days)
    # Half a day of room at each end, so the first and last dots are whole.
    span = max(1.0, last - first) + 1.0
    inner = canvas.right - canvas.left

    def x(day: int) -> float:
        return canvas.left + (day - first + 0.5) / span * inner

    for tick in _day_ticks(first, last):
        canvas.text(
            x(tick),
            canvas.bottom + 16,
            date.fromordinal(tick).strftime(date_format),
            anchor="middle",
        )
    canvas.parts.append(
        f'<line x1="{_f(canvas.left)}" x2="{_f(canvas.right)}" y1="{_f(canvas.bottom)}" '
        f'y2="{_f(canvas.bottom)}" stroke="{AXIS}" stroke-width="1"/>'
    )
    legends = []
    for index, (legend, points) in enumerate(series):
        color = colors[index % len(colors)]
        legends.append((legend, color))
        coordinates = [(x(d.toordinal()), canvas.y(v, scale)) for d, v in points]
        if len(coordinates) > 1:
            path = "M" + "L".join(f"{_f(px)} {_f(py)}" for px, py in coordinates)
            canvas.parts.append(
                f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
        if dots or len(coordinates) == 1:
            canvas.parts.append(_dots(coordinates, color, 2.2))
    if secondary is not None and second is not None:
        legend, points = secondary
        color = colors[len(series) % len(colors)]
        legends.append((legend, color))
        coordinates = [(x(d.toordinal()), canvas.y(v, second)) for d, v in points]
        canvas.parts.append(_dots(coordinates, color, 2.6))
    canvas.legends(legends)
    return canvas.svg()


def _dots(coordinates: Sequence[tuple[float, float]], color: str, radius: float) -> str:
    """Dots as one path of tiny arcs (one element, however many points)."""
    if not coordinates:
        return ""
    r = _f(radius)
    arcs = "".join(
        f"M{_f(px - radius)} {_f(py)}a{r} {r} 0 1 0 {_f(2 * radius)} 0"
        f"a{r} {r} 0 1 0 {_f(-2 * radius)} 0"
        for px, py in coordinates
    )
    return f'<path d="{arcs}" fill="{color}"/>'


def _day_ticks(first: int, last: int, count: int = 6) -> list[int]:
    """About ``count`` evenly spread day numbers from ``first`` to ``last``."""
    if last <= first:
        return [first]
    step = max(1, round((last - first) / (count - 1)))
    return list(range(first, last + 1, step))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    legend: str,
    *,
    y_range: tuple[float, float] | None = None,
    color: str = GREEN,
    label_every: int = 1,
    y_title: str = "",
) -> str:
    """Bars, one per label (a week or a month); None is no bar."""
    canvas = _Canvas(right_axis=False, y_title=y_title, bottom=48)
    scale = _scale([v for v in values if v is not None], y_range)
    canvas.grid(nice_ticks(*scale), scale, right=False)
    if not labels:
        canvas.text(WIDTH / 2, (canvas.top + canvas.bottom) / 2, "no data", anchor="middle")
        return canvas.svg()
    slot = (canvas.right - canvas.left) / len(labels)
    width = max(1.0, slot * 0.8)
    bars = []
    every = max(1, label_every)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        middle = canvas.left + (index + 0.5) * slot
        if value is not None:
            top = canvas.y(value, scale)
            bars.append(
                f'<rect x="{_f(middle - width / 2)}" y="{_f(top)}" width="{_f(width)}" '
                f'height="{_f(max(0.0, canvas.bottom - top))}"/>'
            )
        if index % every == 0:
            canvas.text(middle, canvas.bottom + 16, label, anchor="middle")
    canvas.parts.append(f'<g fill="{color}">{"".join(bars)}</g>')
    canvas.parts.append(
        f'<line x1="{_f(canvas.left)}" x2="{_f(canvas.right)}" y1="{_f(canvas.bottom)}" '
        f'y2="{_f(canvas.bottom)}" stroke="{AXIS}" stroke-width="1"/>'
    )
    canvas.legends([(legend, color)])
    return canvas.svg()
