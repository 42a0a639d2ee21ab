"""Very large digits for the countdown, readable from across the room.

Textual's ``Digits`` is three rows tall; on a laptop two metres away that is not enough.
This widget draws a 5-row block font and scales it up to fill the space it is given,
falling back to plain bold text when the terminal is tiny.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["FONT_ROWS", "SCALES", "BigNumber", "glyph_width", "render_big"]

# 5 rows per glyph; '#' is a lit cell.
_FONT: dict[str, tuple[str, ...]] = {
    "0": ("####", "#  #", "#  #", "#  #", "####"),
    "1": (" ## ", "  # ", "  # ", "  # ", " ###"),
    "2": ("####", "   #", "####", "#   ", "####"),
    "3": ("####", "   #", " ###", "   #", "####"),
    "4": ("#  #", "#  #", "####", "   #", "   #"),
    "5": ("####", "#   ", "####", "   #", "####"),
    "6": ("####", "#   ", "####", "#  #", "####"),
    "7": ("####", "   #", "  # ", " #  ", " #  "),
    "8": ("####", "#  #", "####", "#  #", "####"),
    "9": ("####", "#  #", "####", "   #", "####"),
    ":": (" ", "#", " ", "#", " "),
    "-": ("    ", "    ", "####", "    ", "    "),
    " ": ("  ", "  ", "  ", "  ", "  "),
}
FONT_ROWS = 5
_ROWS = FONT_ROWS

SCALES = ((8, 4), (6, 3), (4, 2), (3, 2), (2, 2), (2, 1), (1, 1))
"""Cells per font pixel (across, down), largest first."""


def glyph_width(text: str) -> int:
    """Font pixels across ``text``, with one between glyphs."""
    return sum(len(_FONT.get(ch, _FONT[" "])[0]) for ch in text) + max(0, len(text) - 1)


def render_big(text: str, width: int, height: int) -> list[str]:
    """The lines that draw ``text`` as large as fits in ``width`` x ``height`` cells."""
    base = glyph_width(text)
    # Terminal cells are about twice as tall as wide, so a font pixel is 2 cells wide.
    # In steps, the largest that fits: 20 rows on a big screen, 10 at 80x24, 5 when small
    # (the player gives the digits their rows first: coach.tui.stage).
    for x_scale, y_scale in SCALES:
        if base * x_scale <= width and _ROWS * y_scale <= height:
            break
    else:
        return [text]
    lines = []
    for row in range(_ROWS):
        cells = []
        for index, ch in enumerate(text):
            glyph = _FONT.get(ch, _FONT[" "])[row]
            if index:
                cells.append(" " * x_scale)
            cells.append("".join(("█" if c == "#" else " ") * x_scale for c in glyph))
        line = "".join(cells)
        lines.extend([line] * y_scale)
    return lines


class BigNumber(Widget):
    """A number (or m:ss clock) drawn in large block digits, centred.

    Drawn with Textual's line API from strips cached per value and size: it changes once
    a second for the whole session, so it should cost no more than a one-line label.
    """

    DEFAULT_CSS = """
    BigNumber {
        height: 1fr;
        min-height: 1;
    }
    """

    value: reactive[str] = reactive("", layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cache_key: tuple[str, int, int, str] | None = None
        self._strips: list[Strip] = []

    def _lines(self) -> list[Strip]:
        width, height = self.content_size.width, self.content_size.height
        style = self.rich_style
        key = (self.value, width, height, str(style))
        if key != self._cache_key:
            lines = render_big(self.value, width, height) if self.value else []
            if len(lines) == 1:
                style = style + Style(bold=True)
            top = max(0, (height - len(lines)) // 2)
            blank = Strip.blank(width, style)
            strips = [blank] * top
            for line in lines:
                left = max(0, (width - len(line)) // 2)
                text = (" " * left + line)[:width].ljust(width)
                strips.append(Strip([Segment(text, style)], width))
            strips += [blank] * max(0, height - len(strips))
            self._cache_key, self._strips = key, strips
        return self._strips

    def drawn(self) -> list[str]:
        """The lines the value is drawn with in the widget's present size (one line of
        plain text when no big digits fit): what the tests look at."""
        size = self.content_size
        return render_big(self.value, size.width, size.height) if self.value else []

    def render_line(self, y: int) -> Strip:
        strips = self._lines()
        return strips[y] if 0 <= y < len(strips) else Strip.blank(self.size.width)


class SessionBar(Widget):
    """A one-line progress bar for the whole session.

    Textual's ProgressBar runs a 1 Hz timer of its own (for its ETA), which doubled the
    redraws during a hold; this one only redraws when told its fraction changed.
    """

    DEFAULT_CSS = """
    SessionBar {
        height: 1;
        width: 1fr;
        color: $primary;
        background: $surface;
    }
    """

    fraction: reactive[float] = reactive(0.0, layout=False)

    def render(self) -> Text:
        width = self.content_size.width
        filled = round(max(0.0, min(1.0, self.fraction)) * width)
        bar = Text("━" * filled, style="bold")
        bar.append("━" * (width - filled), style="dim")
        return bar
