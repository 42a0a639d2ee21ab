"""The key bar: the keys of the screen it is on, and only those, wrapping onto a second
line rather than dropping a key when the terminal is narrow.

Textual's Footer keeps to one line and cuts off what does not fit; at 40 columns that
was the pain prompt's Save. This shows the same bindings (those with ``show``, one per
action, enabled or not as the screen says) as plain text that wraps.

The player's bar is different: a second line would take a row from the digits, so it
keeps to one line, with shorter labels first and then without its least-used keys (in
the order it is given; they all still work, and ? lists them).

Notices show here too, above the keys, instead of Textual's toasts, which were laid over
whatever was under them (a checklist's lines, the home's Start, the player's digits).
The bar is docked, so it takes its rows from the screen's layout: what it shows is never
over anything. The player's bar shows the notice in place of its keys while it lasts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.text import Text
from textual.events import Resize
from textual.notifications import Notification
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

__all__ = ["KeyBar"]

_SEVERITY_STYLES = {"information": "bold", "warning": "bold yellow", "error": "bold red"}


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

    def __init__(
        self,
        *,
        short: Mapping[str, str] | None = None,
        drop: tuple[str, ...] = (),
        notice_in_place: bool = False,
    ) -> None:
        """With ``drop`` (actions, least used first) the keys keep to one line: the bar
        uses the ``short`` labels (by action) when the full ones do not fit, then leaves
        out the keys of ``drop`` one by one until the rest fit. With ``notice_in_place``
        a notice shows instead of the keys while it lasts, so the bar takes no more
        rows (the player's digits keep theirs)."""
        super().__init__("", id="keybar", markup=False)
        self.shown: list[tuple[str, str]] = []
        """(key, what it does) as shown, for the tests."""
        self._short = dict(short or {})
        self._drop = drop
        self._in_place = notice_in_place
        self.notices: list[str] = []
        """The notices shown above the keys (or in their place), oldest first."""
        self._notice_text = Text()
        self._keys_text = Text()
        self._expiry: Timer | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._changed(self.screen)
        self.show_notices(self.app._notifications)

    def show_notices(self, notifications: Iterable[Notification]) -> None:
        """Show these notices (the app's live ones) until the first of them expires."""
        live = [n for n in notifications if not n.has_expired]
        text = Text()
        for notice in live:
            if text:
                text.append("\n")
            style = _SEVERITY_STYLES.get(notice.severity, "bold")
            text.append(notice.message, style=style)
        self.notices = [n.message for n in live]
        self._notice_text = text
        if self._expiry is not None:
            self._expiry.stop()
            self._expiry = None
        if live:
            soonest = min(n.time_left for n in live)
            self._expiry = self.set_timer(
                max(0.05, soonest + 0.05), lambda: self.show_notices(self.app._notifications)
            )
        self._show()

    def _show(self) -> None:
        if not self._notice_text:
            self.update(self._keys_text)
        elif self._in_place:
            self.update(self._notice_text)
        else:
            self.update(Text("\n").join([self._notice_text, self._keys_text]))

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: Resize) -> None:
        if self._drop:
            self._changed(self.screen)

    def _changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        entries: list[tuple[str, str, str, bool]] = []
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
            entries.append(
                (binding.action, self.app.get_key_display(binding), label, active.enabled)
            )
        if self._drop:
            entries = self._one_line(entries)
        shown = [(key, label) for _, key, label, _ in entries]
        enabled = [on for *_, on in entries]
        self.shown = shown
        text = Text()
        for (key, label), on in zip(shown, enabled, strict=True):
            if text:
                text.append("  ")
            # Key and label stay together when the line wraps.
            text.append(key, style="bold" if on else "dim")
            text.append("\u00a0" + label.replace(" ", "\u00a0"), style="" if on else "dim")
        self._keys_text = text
        self._show()

    def _one_line(
        self, entries: list[tuple[str, str, str, bool]]
    ) -> list[tuple[str, str, str, bool]]:
        """The entries that fit on one line of the bar's width: short labels, then fewer
        keys (never one that is not in ``drop``)."""
        room = self.content_size.width or self.app.size.width - 2

        def length(items: list[tuple[str, str, str, bool]]) -> int:
            return sum(len(key) + 1 + len(label) for _, key, label, _ in items) + 2 * max(
                0, len(items) - 1
            )

        if length(entries) <= room:
            return entries
        entries = [(a, k, self._short.get(a, label), on) for a, k, label, on in entries]
        for action in self._drop:
            if length(entries) <= room:
                break
            entries = [entry for entry in entries if entry[0] != action]
        return entries
