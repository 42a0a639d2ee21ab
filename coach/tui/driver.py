"""Textual's terminal driver for Linux and macOS, minus its ten wake-ups a second.

Textual's input thread waits for keys with ``select(0.1)``, so an app that is only
counting down a hold still wakes ten times a second to find nothing to read. That poll
was about a third of coach's CPU during a hold (0.38 % of a core with it, 0.26 % without)
and keeps a laptop on a chair from idling. Its only purpose is the parser's timeouts (a lone Escape
is told from the start of an escape sequence by the time that follows it), so this
driver sleeps until the next key, the parser's next timeout, or the app stopping input,
whichever comes first. Everything else is Textual's own LinuxDriver.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import Any

from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

__all__ = ["QuietLinuxDriver"]

FALLBACK_POLL_SECONDS = 0.1
"""Textual's own poll interval, used if its parser ever stops exposing its timeout."""

_NO_ATTRIBUTE = object()


class _WakingEvent(threading.Event):
    """The driver's exit event, which also wakes the input thread's ``select``.

    Textual stops input by setting the event and joining the thread; a thread blocked in
    ``select`` with no timeout would never see it, so setting it writes a byte to a pipe
    the thread also waits on.
    """

    def __init__(self) -> None:
        super().__init__()
        self.read_fd, self._write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        os.set_blocking(self._write_fd, False)

    def set(self) -> None:
        super().set()
        if self._write_fd < 0:
            return  # closed: its number may belong to another file by now
        # A full pipe already holds a wake-up.
        with contextlib.suppress(OSError):
            os.write(self._write_fd, b"\0")

    def drain(self) -> None:
        with contextlib.suppress(OSError):
            while os.read(self.read_fd, 512):
                pass

    def close(self) -> None:
        for fd in (self.read_fd, self._write_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.read_fd = self._write_fd = -1


def select_timeout(parser: XTermParser) -> float | None:
    """How long the input thread may sleep: until the parser's pending timeout, or for
    as long as no key comes when nothing is pending."""
    deadline: Any = getattr(parser, "_timeout_time", _NO_ATTRIBUTE)
    if deadline is _NO_ATTRIBUTE:
        return FALLBACK_POLL_SECONDS
    if deadline is None:
        return None
    return max(0.0, float(deadline) - get_time())


class QuietLinuxDriver(LinuxDriver):
    """LinuxDriver whose input thread sleeps until there is something to do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event: _WakingEvent = _WakingEvent()

    def close(self) -> None:
        super().close()
        self.exit_event.close()

    def run_input_thread(self) -> None:
        """Textual's input loop, with a computed timeout instead of a 0.1 s poll."""
        # SelectSelector, as Textual uses: poll and kqueue do not work on a macOS tty.
        selector = selectors.SelectSelector()
        fileno = self.fileno
        wake_fd = self.exit_event.read_fd
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake_fd, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(ready: list[tuple[selectors.SelectorKey, int]]) -> None:
            for key, mask in ready:
                if key.fd == wake_fd:
                    self.exit_event.drain()
                elif mask & selectors.EVENT_READ:
                    raw = os.read(fileno, 1024 * 4)
                    if not raw:
                        # stdin is a pipe that has ended: stop watching it rather than
                        # spin on a descriptor that is always readable.
                        selector.unregister(fileno)
                        continue
                    for message in parser.feed(decode(raw)):
                        self.process_message(message)
            for message in parser.tick():
                self.process_message(message)

        try:
            while not self.exit_event.is_set():
                process(selector.select(select_timeout(parser)))
            # Whatever the parser still holds (an Escape pressed just before the exit).
            process([])
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _ in parser.feed(""):
                    pass
