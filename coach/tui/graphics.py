"""Can this terminal show pictures? Kitty graphics, Sixel, or neither, decided once.

textual-image finds out by asking the terminal when it is imported, and asks again for the
cell size; its own notes say this no longer works once Textual runs (Textual's input
thread takes the answers, and turns them into keys). So coach asks before the app starts,
in one round trip, with only the standard library (no Pillow at start-up), and hands the
answer to :mod:`coach.tui.picture`, which imports textual-image later, only for a session
that has a picture.

One write carries three questions: Kitty's graphics query, the cell size in pixels, and
the primary device attributes (DA1). Every terminal that answers anything answers DA1,
and answers in order, so DA1's reply ends the wait at once: no timeout on a terminal that
lacks Kitty graphics. A terminal that answers nothing costs at most :data:`QUERY_SECONDS`,
and an answer later than that would reach the app as keys; so coach asks only a terminal
that names itself (``TERM``, or the variables terminals set, :data:`DRAWING_TERMINALS`) as
one that can draw pictures, never inside tmux or screen, never without a terminal or
with ``TERM=dumb``. Everywhere else nothing is written, nothing is waited for, and the
figure shows: a raw pseudo-terminal, a test harness, tmux, or a terminal over SSH that
only passes ``TERM`` on (``COACH_IMAGES`` says what to use there).

``COACH_IMAGES``: ``auto`` (the default) asks as above; ``off`` never shows pictures;
``kitty`` or ``sixel`` trusts the person and asks nothing.
"""

from __future__ import annotations

import os
import re
import select
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEFAULT_CELL",
    "DRAWING_TERMINALS",
    "ENVIRONMENT",
    "MODES",
    "QUERY_SECONDS",
    "Graphics",
    "detect",
    "images_mode",
]

Protocol = Literal["kitty", "sixel"]

ENVIRONMENT = "COACH_IMAGES"
MODES = ("auto", "off", "kitty", "sixel")
QUERY_SECONDS = 0.15
"""Longest wait for a terminal that never answers: well under a frame's worth of start-up
to notice, and longer than a local terminal's answer (a millisecond or two)."""
DEFAULT_CELL = (10, 20)
"""Cell size in pixels when the terminal does not say (textual-image's own default)."""

KITTY_QUERY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
CELL_QUERY = b"\x1b[16t"
DA1_QUERY = b"\x1b[c"

_DA1_REPLY = re.compile(rb"\x1b\[\?([\d;]*)c")
_KITTY_OK = re.compile(rb"\x1b_Gi=31;OK\x1b\\")
_CELL_REPLY = re.compile(rb"\x1b\[6;(\d+);(\d+)t")


try:
    from termios import error as _TermiosError
except ImportError:  # not a POSIX system: never asked
    _TermiosError = OSError  # type: ignore[misc,assignment]


@dataclass(frozen=True, slots=True)
class Graphics:
    """A terminal that can show pictures: how, and how many pixels one cell is."""

    protocol: Protocol
    cell: tuple[int, int] = DEFAULT_CELL
    """(width, height) of one character cell, in pixels."""


def images_mode(environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The ``COACH_IMAGES`` mode, and one sentence if the value was not understood (pictures
    are then off: the figure shows, as it would anywhere)."""
    value = environ.get(ENVIRONMENT, "").strip().lower() or "auto"
    if value in MODES:
        return value, None
    return "off", (
        f"{ENVIRONMENT} must be auto, off, kitty or sixel; pictures are off and the figures show"
    )


def detect(
    environ: Mapping[str, str] | None = None,
    *,
    stdin: int = 0,
    stdout: int = 1,
    timeout: float = QUERY_SECONDS,
) -> Graphics | None:
    """How this terminal shows pictures, or None for the braille figure. Never raises,
    never waits longer than ``timeout``, and writes nothing unless it must ask."""
    env = os.environ if environ is None else environ
    mode, _ = images_mode(env)
    if mode == "off":
        return None
    try:
        if not (os.isatty(stdin) and os.isatty(stdout)):
            return None
        if mode in ("kitty", "sixel"):
            protocol: Protocol = "kitty" if mode == "kitty" else "sixel"
            return Graphics(protocol, _window_cell(stdout) or DEFAULT_CELL)
        if _known_without(env):
            return None
        return _ask(stdin, stdout, timeout)
    except (OSError, ValueError, ImportError, _TermiosError):
        # A terminal that refuses its modes, a closed descriptor, a system without
        # termios: no pictures.
        return None


DRAWING_TERMINALS: Mapping[str, tuple[str, ...]] = {
    # variable: values that name a terminal able to draw Kitty graphics or Sixel (in
    # some of its versions or settings: the answer says which); "" means any value.
    "TERM": (
        "xterm-kitty",
        "xterm-ghostty",
        "foot",
        "foot-extra",
        "foot-direct",
        "mlterm",
        "contour",
        "rio",
    ),
    "TERM_PROGRAM": ("WezTerm", "ghostty", "iTerm.app", "vscode", "mintty", "rio"),
    "KITTY_WINDOW_ID": ("",),
    "WEZTERM_EXECUTABLE": ("",),
    "KONSOLE_VERSION": ("",),
    "XTERM_VERSION": ("",),
    "WT_SESSION": ("",),
    "VTE_VERSION": ("",),
}
"""Terminals worth asking: each names itself with one of these variables. Terminals that
draw no pictures are not asked, so they never pay for the question."""


def _known_without(env: Mapping[str, str]) -> bool:
    """True where asking is pointless or unsafe: the answer is no pictures."""
    term = env.get("TERM", "")
    if term in ("", "dumb", "linux"):
        return True
    # tmux and screen pass neither protocol through without configuration (and
    # textual-image 0.12 does not wrap its output for them); KITTY_WINDOW_ID and the like
    # stay set inside them, from the terminal around them.
    if env.get("TMUX") or env.get("STY") or term.startswith(("screen", "tmux")):
        return True
    for variable, names in DRAWING_TERMINALS.items():
        value = env.get(variable, "")
        if value and ("" in names or value in names):
            return False
    return True


def _ask(stdin: int, stdout: int, timeout: float) -> Graphics | None:
    import termios
    import tty

    saved = termios.tcgetattr(stdin)
    reply = b""
    try:
        # No echo and no line buffering, so the answers are not shown and arrive at once.
        tty.setcbreak(stdin, termios.TCSANOW)
        os.write(stdout, KITTY_QUERY + CELL_QUERY + DA1_QUERY)
        deadline = time.monotonic() + timeout
        while _DA1_REPLY.search(reply) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([stdin], [], [], left)
            if not ready:
                break
            chunk = os.read(stdin, 1024)
            if not chunk:
                break
            reply += chunk
    finally:
        if _DA1_REPLY.search(reply) is None:
            # No full answer: drop any part of one, so it cannot reach the app as keys.
            termios.tcflush(stdin, termios.TCIFLUSH)
        termios.tcsetattr(stdin, termios.TCSANOW, saved)
    return _read_reply(reply, _window_cell(stdout))


def _read_reply(reply: bytes, window_cell: tuple[int, int] | None) -> Graphics | None:
    """What the terminal's answers say. Sixel first, as textual-image prefers it: some
    terminals acknowledge Kitty's query without drawing its placeholders, and Kitty
    itself has no Sixel."""
    da1 = _DA1_REPLY.search(reply)
    if da1 is None:
        return None
    cell = window_cell
    size = _CELL_REPLY.search(reply)
    if cell is None and size is not None and int(size[1]) > 0 and int(size[2]) > 0:
        cell = (int(size[2]), int(size[1]))
    if "4" in da1[1].decode("ascii").split(";"):
        return Graphics("sixel", cell or DEFAULT_CELL)
    if _KITTY_OK.search(reply, 0, da1.start()):
        return Graphics("kitty", cell or DEFAULT_CELL)
    return None


def _window_cell(fd: int) -> tuple[int, int] | None:
    """The cell size from the window size in pixels, when the terminal reports it."""
    import fcntl
    import struct
    import termios

    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    rows, columns, width, height = struct.unpack("HHHH", packed)
    if rows and columns and width and height:
        return (width // columns, height // rows)
    return None
