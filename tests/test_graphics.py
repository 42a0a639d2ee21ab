"""Can the terminal show pictures? Asked once before the app starts, in one round trip,
bounded in time, and not at all where the answer is known (tmux, no terminal, off)."""

from __future__ import annotations

import os
import pty
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.tui.graphics import CELL_QUERY, DA1_QUERY, KITTY_QUERY, Graphics, detect, images_mode

TERMINAL = {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}
"""A terminal that names itself as one that may draw pictures: coach asks it."""


class FakeTerminal:
    """A pseudo-terminal whose far end answers the queries with ``reply`` (or never)."""

    def __init__(self, reply: bytes | None) -> None:
        self.master, self.slave = pty.openpty()
        self.heard = b""
        self.reply = reply
        self._thread = threading.Thread(target=self._answer, daemon=True)
        self._thread.start()

    def _answer(self) -> None:
        import select

        while True:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if not ready:
                return
            try:
                self.heard += os.read(self.master, 1024)
            except OSError:
                return
            if self.reply is not None and self.heard.endswith(DA1_QUERY):
                os.write(self.master, self.reply)

    def close(self) -> None:
        self._thread.join(2)
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def terminal() -> Iterator[Callable[[bytes | None], FakeTerminal]]:
    made: list[FakeTerminal] = []

    def make(reply: bytes | None) -> FakeTerminal:
        made.append(FakeTerminal(reply))
        return made[-1]

    yield make
    for fake in made:
        fake.close()


def detect_on(fake: FakeTerminal, environ: dict[str, str], **kwargs: Any) -> Graphics | None:
    return detect(environ, stdin=fake.slave, stdout=fake.slave, **kwargs)


def test_a_terminal_that_never_answers_costs_only_the_timeout(
    terminal: Callable[[bytes | None], FakeTerminal],
) -> None:
    fake = terminal(None)
    started = time.monotonic()
    assert detect_on(fake, TERMINAL, timeout=0.2) is None
    assert time.monotonic() - started < 1.0
    assert fake.heard == KITTY_QUERY + CELL_QUERY + DA1_QUERY


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (b"\x1b[?62;4;22c", Graphics("sixel")),
        (b"\x1b_Gi=31;OK\x1b\\\x1b[6;18;9t\x1b[?62;22c", Graphics("kitty", (9, 18))),
        (b"\x1b_Gi=31;ENOENT:no\x1b\\\x1b[?62;22c", None),
        (b"\x1b[?1;2c", None),
    ],
)
def test_the_answers_say_which_protocol(
    terminal: Callable[[bytes | None], FakeTerminal], reply: bytes, expected: Graphics | None
) -> None:
    fake = terminal(reply)
    started = time.monotonic()
    # A terminal that answers ends the wait at once, long before the timeout.
    assert detect_on(fake, TERMINAL, timeout=5.0) == expected
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "environ",
    [
        {"TERM": "xterm-256color"},  # a raw pty, or a terminal that draws no pictures
        {"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"},
        {"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"},
        {"TERM": "screen-256color"},
        {"TERM": "dumb"},
        {"TERM": "xterm-kitty", "COACH_IMAGES": "off"},
        {"TERM": "xterm-kitty", "COACH_IMAGES": "maybe"},
    ],
)
def test_where_the_answer_is_known_nothing_is_asked(
    terminal: Callable[[bytes | None], FakeTerminal], environ: dict[str, str]
) -> None:
    fake = terminal(b"\x1b[?62;4c")
    assert detect_on(fake, environ) is None
    time.sleep(0.05)
    assert fake.heard == b""


def test_a_forced_protocol_is_trusted_without_asking(
    terminal: Callable[[bytes | None], FakeTerminal],
) -> None:
    fake = terminal(None)
    assert detect_on(fake, {"TERM": "xterm", "TMUX": "x", "COACH_IMAGES": "Kitty"}) == Graphics(
        "kitty"
    )
    assert fake.heard == b""


def test_no_terminal_no_pictures(tmp_path: Path) -> None:
    read, write = os.pipe()
    try:
        assert detect(TERMINAL, stdin=read, stdout=write) is None
    finally:
        os.close(read)
        os.close(write)


def test_an_unknown_mode_is_said_in_one_sentence() -> None:
    assert images_mode({}) == ("auto", None)
    mode, note = images_mode({"COACH_IMAGES": "yes"})
    assert mode == "off"
    assert note == (
        "COACH_IMAGES must be auto, off, kitty or sixel; pictures are off and the figures show"
    )
