"""The frame every modal question shares: a body that scrolls, buttons that stay in
view, and a footer that shows the dialog's own keys (not those of the screen below).

From 40x12 to 250x70 the body scrolls when it does not fit, while the buttons and the
footer stay on screen, so every safety text can be read in full and answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button

from coach.tui.keybar import KeyBar
from coach.tui.keys import KeyMap

__all__ = ["Dialog"]

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal question laid out as body, buttons and footer. Subclasses give the parts,
    and set ``BINDINGS = KEYS.bindings()`` from their :class:`KeyMap`."""

    KEYS: ClassVar[KeyMap]
    DIALOG_ID: ClassVar[str] = ""
    DIALOG_CLASSES: ClassVar[str] = ""
    _below: Screen[object] | None = None

    def compose(self) -> ComposeResult:
        classes = f"dialog {self.dialog_classes()}".strip()
        with Vertical(classes=classes, id=self.DIALOG_ID or None):
            head = list(self.head())
            if head:
                yield Vertical(*head, classes="dialog-head")
            with VerticalScroll(classes="dialog-body"):
                yield from self.body()
            buttons = list(self.buttons())
            if buttons:
                yield Horizontal(*buttons, classes="dialog-buttons")
        yield KeyBar()

    def on_mount(self) -> None:
        # The keys of the screen below are not keys here: its bar goes while this is up.
        self._below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if self._below is not None:
            self._below.add_class("-covered")

    def on_unmount(self) -> None:
        below = self._below
        if below is not None and not any(
            isinstance(screen, Dialog) and screen is not self and screen._below is below
            for screen in self.app.screen_stack
        ):
            below.remove_class("-covered")

    def key_label(self, action: str, label: str) -> str:
        """The key bar's words for ``action`` (a dialog may say what its keys do today)."""
        return label

    def on_resize(self, event: Resize) -> None:
        # Below about 50x18 the frame's border and padding would take the room the text
        # needs: drop them.
        width, height = event.size
        small = width < 50 or height < 18
        self.set_class(small, "-small")
        if small:
            # Its buttons give way to the key bar: the body takes the focus (from a
            # button now hidden too), so the arrow keys and PageUp/PageDown scroll what
            # does not fit. Its keys are bound to the dialog, so they still answer.
            self.call_after_refresh(self._focus_body_if_hidden)

    def _focus_body_if_hidden(self) -> None:
        focused = self.focused
        if focused is None or (isinstance(focused, Button) and not focused.display):
            self.query_one(".dialog-body").focus()

    def dialog_classes(self) -> str:
        return self.DIALOG_CLASSES

    def head(self) -> Iterable[Widget]:
        """What stays above the body when it scrolls (a title, a short hint)."""
        return ()

    def body(self) -> Iterable[Widget]:
        return ()

    def buttons(self) -> Iterable[Widget]:
        return ()
