"""Doing something once a frame is on the terminal, not merely composed.

Textual renders on its event loop and writes the frame from the driver's own thread,
which needs the interpreter for a moment. Work started right after a refresh (mounting
more widgets, a worker's imports) holds the interpreter and keeps that frame off the
screen; waiting a few milliseconds more, in which the event loop sleeps, lets it out.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump

__all__ = ["FRAME_OUT", "after_frame"]

FRAME_OUT = 0.01
"""Seconds after a refresh by which its frame is written."""


def after_frame(node: MessagePump, callback: Callable[[], object]) -> None:
    """Call ``callback`` once the next frame is out."""
    node.call_after_refresh(node.set_timer, FRAME_OUT, callback)
