"""The terminal driver sleeps between keys, and still reads keys, Escape and the exit.

The driver's input thread runs here against a pipe instead of a terminal, so these
tests need no tty; the tmux end-to-end tests use it on a real one.
"""

from __future__ import annotations

import os
import queue
import selectors
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

from coach.store.database import HistoryStore
from coach.tui.app import CoachApp, Launch
from coach.tui.driver import (
    FALLBACK_POLL_SECONDS,
    QuietLinuxDriver,
    _WakingEvent,
    select_timeout,
)

ROOT = Path(__file__).resolve().parent.parent
Running = tuple["RecordingDriver", int, threading.Thread]
WAIT = 5.0  # generous: these wait for a thread, and a loaded CI machine can be slow


class RecordingDriver(QuietLinuxDriver):
    """The driver with messages caught instead of sent to an app."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages: queue.Queue[Message] = queue.Queue()

    def send_message(self, message: Message) -> None:
        self.messages.put(message)

    def next_key(self) -> str:
        while True:
            message = self.messages.get(timeout=WAIT)
            if isinstance(message, events.Key):
                return message.key


class CountingSelector(selectors.SelectSelector):
    calls = 0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        CountingSelector.calls += 1
        return super().select(timeout)


@pytest.fixture
async def running(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Running]:
    monkeypatch.setattr(selectors, "SelectSelector", CountingSelector)
    CountingSelector.calls = 0
    keys_read, keys_write = os.pipe()
    driver = RecordingDriver(object())
    driver.fileno = keys_read
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    try:
        yield driver, keys_write, thread
    finally:
        driver.exit_event.set()
        thread.join(WAIT)
        driver.close()
        os.close(keys_read)
        os.close(keys_write)
    assert not thread.is_alive(), "the input thread did not stop when input was disabled"


def test_nothing_pending_means_no_timeout() -> None:
    assert select_timeout(XTermParser()) is None


def test_a_lone_escape_sets_a_short_timeout() -> None:
    parser = XTermParser()
    list(parser.feed("\x1b"))
    timeout = select_timeout(parser)
    assert timeout is not None
    assert 0.0 <= timeout <= 1.0


def test_an_unknown_parser_falls_back_to_textuals_poll() -> None:
    # If Textual renames the parser's private deadline, keys must still work.
    assert select_timeout(object()) == FALLBACK_POLL_SECONDS  # type: ignore[arg-type]


async def test_keys_and_a_lone_escape_arrive(running: Running) -> None:
    driver, keys, _ = running
    os.write(keys, b"a")
    assert driver.next_key() == "a"
    # A lone Escape is only known by the silence after it: the thread must wake for it.
    os.write(keys, b"\x1b")
    assert driver.next_key() == "escape"
    os.write(keys, b"\x1b[A")
    assert driver.next_key() == "up"


async def test_the_thread_sleeps_while_no_key_comes(
    running: Running,
) -> None:
    driver, keys, _ = running
    os.write(keys, b"x")
    assert driver.next_key() == "x"
    before = CountingSelector.calls
    time.sleep(0.5)
    # Textual's own loop would have polled about five times by now.
    assert CountingSelector.calls - before == 0


async def test_disabling_input_wakes_and_ends_the_thread(
    running: Running,
) -> None:
    driver, _, thread = running
    time.sleep(0.2)  # the thread is now asleep in select, with no timeout
    driver.exit_event.set()
    # Textual joins the thread right after setting the event: it must not hang.
    thread.join(WAIT)
    assert not thread.is_alive()


def test_a_closed_event_writes_to_no_other_file() -> None:
    event = _WakingEvent()
    event.close()
    # The pipe's numbers are free again, and the next file opened may get one of them.
    reused_read, reused_write = os.pipe()
    try:
        event.set()
        os.set_blocking(reused_read, False)
        with pytest.raises(BlockingIOError):
            os.read(reused_read, 1)
        assert event.is_set()
    finally:
        os.close(reused_read)
        os.close(reused_write)


def test_the_app_uses_it_in_place_of_textuals_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    store = HistoryStore(tmp_path / "history.db")
    app = CoachApp(Launch(ROOT / "sessions" / "morning.yaml", store))
    assert app.driver_class is QuietLinuxDriver
