"""The key bar: the keys of the screen it is on, and only those, wrapping onto a second
line rather than dropping a key when the terminal is narrow.

Textual's Footer keeps to one line and cuts off what does not fit; at 40 columns that
was the pain prompt's Save. This shows the same bindings (those with ``show``, one per
action, enabled or not as the screen says) as plain text that wraps.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["KeyBar"]


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 100%;
        height: auto;
        color: $footer-foreground;
        background: $footer-background;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="keybar", markup=False)
        self.shown: list[tuple[str, str]] = []
        """(key, what it does) as shown, for the tests."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        shown: list[tuple[str, str]] = []
        enabled: list[bool] = []
        actions: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            label = binding.description
            relabel = getattr(screen, "key_label", None)
            if callable(relabel):
                label = relabel(binding.action, label)
            shown.append((self.app.get_key_display(binding), label))
            enabled.append(active.enabled)
        self.shown = shown
        text = Text()
        for (key, label), on in zip(shown, enabled, strict=True):
            if text:
                text.append("  ")
            # Key and label stay together when the line wraps.
            text.append(key, style="bold" if on else "dim")
            text.append("\u00a0" + label.replace(" ", "\u00a0"), style="" if on else "dim")
        self.update(text)
