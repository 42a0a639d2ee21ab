"""Textual's terminal driver for Linux and macOS, minus its ten wake-ups a second, and
one that ends when its terminal does.

Textual's input thread waits for keys with ``select(0.1)``, so an app that is only
counting down a hold still wakes ten times a second to find nothing to read. That poll
was about a third of coach's CPU during a hold (0.38 % of a core with it, 0.26 % without)
and keeps a laptop on a chair from idling. Its only purpose is the parser's timeouts (a
lone Escape is told from the start of an escape sequence by the time that follows it) and
noticing the app stopping input, so this driver sleeps until the next key, the parser's
next timeout (Textual's public ``ESCAPE_DELAY`` after the last bytes of an escape
sequence: the only timeout its parser sets), a byte on a wake-up pipe when the app stops
input, or at most :data:`IDLE_WAKE_SECONDS`, whichever comes first.

A closed terminal (its window shut, ``tmux kill-server``, an SSH connection dropped)
used to leave coach running, holding its session lock, until killed by hand. Three
things in Textual 8.2.8 combine there, and this driver answers each:

- The hang-up brings SIGCONT along with SIGHUP (the kernel sends both to the terminal's
  session leader; tmux sends both to the pane). Textual's SIGCONT handler *resumes*
  application mode even though nothing suspended it, starting a second input thread
  beside the first; both then sleep on the one wake-up pipe, one wake-up byte ends only
  one of them, and Textual joins the other without a timeout: the process never exits.
  Here a resume without a suspend before it does nothing, every input thread ends when a
  newer one starts, and none sleeps longer than :data:`IDLE_WAKE_SECONDS` without looking.
- A closed terminal reads as end of file (or EIO), which Textual's loop ignores, so the
  app never learns its terminal has gone when no SIGHUP comes (a session leader that does
  not pass it on). Here the input thread ends and tells the app (:class:`TerminalClosed`),
  which leaves the way SIGHUP does.
- Writing to a closed terminal fails with EIO, which kills Textual's writer thread; its
  queue holds 30 writes, and the 31st blocks the app's event loop for good (the same
  dead writer and bounded queue as Textualize/textual#6692, open). Here the writer writes
  through :class:`_TerminalOutput`, which drops what a gone terminal cannot take (and
  tells the app) instead of raising.

Everything else is Textual's own LinuxDriver.

A pinned, tested shim: Textual offers no public hook for the input loop (its
``select(0.1)`` is fixed in ``LinuxDriver.run_input_thread``; the end-of-file loop is
Textualize/textual#6690, open), so this one is Textual's, rewritten, and uses the few
private names listed in :data:`TEXTUAL_PRIVATE_NAMES`. tests/test_driver.py checks them
against the Textual pinned in constraints.txt, so that an upgrade that moves one fails a
test, not a terminal. The parser's timeout is not read from its private state: it is
Textual's public ``textual.constants.ESCAPE_DELAY`` after the last bytes fed.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import sys
import threading
import time
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, TypeVar

from textual import constants
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "IDLE_WAKE_SECONDS",
    "TEXTUAL_PRIVATE_NAMES",
    "QuietLinuxDriver",
    "TerminalClosed",
]

_Result = TypeVar("_Result")
"""Whatever the app returns: the driver works for any."""

IDLE_WAKE_SECONDS = 1.0
"""The longest the input thread sleeps without looking whether it should stop: a bound on
how long any wake-up that goes astray can keep it (and so the process) alive, at one
wake-up a second instead of Textual's ten."""

TEXTUAL_PRIVATE_NAMES: tuple[tuple[str, str], ...] = (
    ("textual._parser", "ParseError"),
    ("textual._xterm_parser", "XTermParser"),
    ("LinuxDriver", "_file"),
    ("Driver", "_debug"),
)
"""(module or class, name): the private parts of Textual this driver uses. The parser is
the one Textual's own input loop feeds; ``_file`` is the file Textual's writer thread
writes to, replaced by :class:`_TerminalOutput`; ``_debug`` is passed on to the parser as
Textual does."""


class TerminalClosed(Message):
    """The terminal has gone: its input ended or failed, or writing to it failed.

    Sent to the app (``on_terminal_closed``), which should leave as it does on SIGHUP."""


class _WakingEvent(threading.Event):
    """The driver's exit event, which also wakes the input thread's ``select``.

    Textual stops input by setting the event and joining the thread; a thread asleep in
    ``select`` would only see it at its next timeout, so setting it writes a byte to a
    pipe the thread also waits on.
    """

    def __init__(self) -> None:
        super().__init__()
        self.read_fd = self._write_fd = -1
        self.open()

    def open(self) -> None:
        """Make the pipe (again, after :meth:`close`: a suspended app is resumed)."""
        if self.read_fd < 0:
            self.read_fd, self._write_fd = os.pipe()
            os.set_blocking(self.read_fd, False)
            os.set_blocking(self._write_fd, False)

    def set(self) -> None:
        super().set()
        self.wake()

    def wake(self) -> None:
        """Wake whatever sleeps on the pipe, without setting the event."""
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


class _TerminalOutput:
    """The file Textual's writer thread writes to: the terminal, until it has gone.

    Once a write or a flush fails (EIO: the terminal closed; EPIPE), what follows is
    dropped, so the writer thread lives on and keeps emptying its queue, and the driver
    is told once.
    """

    def __init__(self, file: IO[str], gone: Callable[[], None]) -> None:
        self._file = file
        self._gone = gone
        self.closed = False

    def write(self, text: str) -> int:
        if not self.closed:
            try:
                self._file.write(text)
            except OSError:
                self._lost()
        return len(text)

    def flush(self) -> None:
        if not self.closed:
            try:
                self._file.flush()
            except OSError:
                self._lost()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def _lost(self) -> None:
        self.closed = True
        self._gone()


def parser_deadline(now: float) -> float:
    """By when the parser may have a timeout to fire, for an escape sequence's bytes fed
    at ``now`` (monotonic): a lone Escape is told from a sequence's start by
    ``ESCAPE_DELAY`` of silence, the only timeout Textual's parser sets, counted from
    the feed."""
    return now + constants.ESCAPE_DELAY


def select_timeout(deadline: float | None, now: float) -> float:
    """How long the input thread may sleep at ``now``: until the parser's ``deadline``, or
    :data:`IDLE_WAKE_SECONDS` when nothing is pending (``deadline`` None)."""
    if deadline is None:
        return IDLE_WAKE_SECONDS
    return min(IDLE_WAKE_SECONDS, max(0.0, deadline - now))


class QuietLinuxDriver(LinuxDriver):
    """LinuxDriver whose input thread sleeps until there is something to do, and which
    ends when its terminal closes."""

    def __init__(
        self,
        app: App[_Result],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.exit_event: _WakingEvent = _WakingEvent()
        # Typed by Textual as stderr's own wrapper; its writer thread only writes, flushes
        # and asks fileno() and isatty().
        self._file = _TerminalOutput(  # type: ignore[assignment]
            sys.__stderr__ or sys.stderr, self.terminal_gone
        )
        self._generation = 0
        """Counts the input threads started: a thread ends once a newer one starts."""
        self._suspended = False
        self._closed_lock = threading.Lock()
        self._told_closed = False

    def suspend_application_mode(self) -> None:
        self._suspended = True
        super().suspend_application_mode()

    def resume_application_mode(self) -> None:
        """Resume only what was suspended: Textual resumes on every SIGCONT, and a
        closing terminal sends one (with SIGHUP) to an app that was never suspended."""
        if not self._suspended:
            return
        self._suspended = False
        super().resume_application_mode()

    def start_application_mode(self) -> None:
        self.exit_event.open()
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def close(self) -> None:
        super().close()
        self.exit_event.close()

    def terminal_gone(self) -> None:
        """Tell the app, once, that its terminal has closed (from any thread)."""
        with self._closed_lock:
            if self._told_closed:
                return
            self._told_closed = True
        # The app may be gone already (a write failing on the way out): nobody to tell.
        with contextlib.suppress(RuntimeError):
            self.process_message(TerminalClosed())

    def run_input_thread(self) -> None:
        """Textual's input loop, with a computed timeout instead of a 0.1 s poll, that ends
        at the end of the terminal's input and when a newer input thread starts."""
        self._generation += 1
        generation = self._generation
        self.exit_event.wake()  # an older thread, if any: time to go
        # SelectSelector, as Textual uses: poll and kqueue do not work on a macOS tty.
        selector = selectors.SelectSelector()
        fileno = self.fileno
        wake_fd = self.exit_event.read_fd
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake_fd, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        ended = False
        deadline: float | None = None
        """When the parser's timeout is due, if bytes were fed since the last one."""

        def process(ready: list[tuple[selectors.SelectorKey, int]]) -> None:
            nonlocal ended, deadline
            for key, mask in ready:
                if key.fd == wake_fd:
                    self.exit_event.drain()
                elif mask & selectors.EVENT_READ:
                    try:
                        raw = os.read(fileno, 1024 * 4)
                    except OSError:
                        raw = b""  # EIO: the terminal has closed
                    if not raw:
                        # End of input: the terminal has closed (coach reads only a
                        # terminal). Nothing more will come; reading again would spin.
                        ended = True
                        continue
                    text = decode(raw)
                    for message in parser.feed(text):
                        self.process_message(message)
                    if "\x1b" in text or deadline is not None:
                        # The parser arms its timeout only inside an escape sequence (an
                        # Escape fed, or one still open). Counted after the feed: its own
                        # deadline was set during it, so never later than this one.
                        deadline = parser_deadline(time.monotonic())
            for message in parser.tick():
                self.process_message(message)
            if deadline is not None and time.monotonic() >= deadline:
                deadline = None  # the tick above fired whatever was pending

        def carry_on() -> bool:
            return not (ended or self.exit_event.is_set() or self._generation != generation)

        try:
            while carry_on():
                process(selector.select(select_timeout(deadline, time.monotonic())))
            # Whatever the parser still holds (an Escape pressed just before the exit).
            process([])
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _ in parser.feed(""):
                    pass
        if ended:
            self.terminal_gone()
