"""The 0-10 pain scale: one line of numbers coloured by zone, the picked one marked.

One widget rather than eleven buttons: it takes the focus when its prompt opens (so no
key reaches anything else by accident), fits 40 columns, and marks the pick with
brackets as well as colour, so it reads the same under NO_COLOR.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["PainScale", "zone"]

_ZONE_STYLE = {
    "safe": Style(color="green"),
    "acceptable": Style(color="yellow"),
    "high": Style(color="red"),
}


def zone(pain: int, safe_max: int, acceptable_max: int) -> str:
    if pain <= safe_max:
        return "safe"
    if pain <= acceptable_max:
        return "acceptable"
    return "high"


class PainScale(Widget, can_focus=True):
    """0 to 10 across the width; click a number or let the prompt's keys pick one."""

    DEFAULT_CSS = """
    PainScale { height: 1; width: 100%; }
    """

    picked: reactive[int | None] = reactive(None)

    class Picked(Message):
        def __init__(self, pain: int) -> None:
            super().__init__()
            self.pain = pain

    def __init__(self, safe_max: int, acceptable_max: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.safe_max = safe_max
        self.acceptable_max = acceptable_max

    def _cell(self) -> int:
        return max(3, min(6, self.size.width // 11))

    def render(self) -> Text:
        cell = self._cell()
        text = Text(no_wrap=True, overflow="crop")
        for n in range(11):
            style = _ZONE_STYLE[zone(n, self.safe_max, self.acceptable_max)]
            label = f"[{n}]" if n == self.picked else str(n)
            if n == self.picked:
                style = style + Style(bold=True, reverse=True)
            text.append(label.center(cell), style)
        return text

    def on_click(self, event: Click) -> None:
        pain = event.x // self._cell()
        if 0 <= pain <= 10:
            self.post_message(self.Picked(pain))
