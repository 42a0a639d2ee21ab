"""The reference Textual app for `make bench`: the smallest useful Textual app.

One Label, default CSS, nothing else; it quits on ctrl+q like any Textual app. Run as is,
it is the reference for the time to first frame. With ``--tick`` it also rewrites the
label once a second (a Textual countdown redrawing at 1 Hz, with Textual's own driver), as extra
information next to the CPU figures.
"""

from __future__ import annotations

import sys
import time

from textual.app import App, ComposeResult
from textual.widgets import Label

READY_TEXT = "Minimal Textual app"


class MinimalApp(App[None]):
    def __init__(self, *, tick: bool) -> None:
        super().__init__()
        self.tick = tick

    def compose(self) -> ComposeResult:
        yield Label(READY_TEXT, id="label")

    def on_mount(self) -> None:
        if self.tick:
            self.set_interval(1.0, self.redraw)

    def redraw(self) -> None:
        self.query_one("#label", Label).update(f"{READY_TEXT} {time.monotonic():.0f}")


if __name__ == "__main__":
    MinimalApp(tick="--tick" in sys.argv[1:]).run()
