"""The terminal driver sleeps between keys, and still reads keys, Escape and the exit;
and it ends, and says so, when its terminal closes.

The driver's input thread runs here against a pipe (or a pseudo-terminal made for the
test) instead of the real terminal; the tmux end-to-end tests use it on a real one
(tests/test_hangup_e2e.py closes that terminal at every stage of a morning).
"""

from __future__ import annotations

import errno
import importlib
import importlib.metadata
import os
import queue
import re
import selectors
import threading
import time
import tty
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual import constants, events
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from coach.store.database import HistoryStore
from coach.tui.app import CoachApp, Launch
from coach.tui.driver import (
    IDLE_WAKE_SECONDS,
    TEXTUAL_PRIVATE_NAMES,
    QuietLinuxDriver,
    TerminalClosed,
    _TerminalOutput,
    _WakingEvent,
    parser_deadline,
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

    def told_closed(self) -> int:
        """How many TerminalClosed messages the app was sent so far."""
        found = []
        while not self.messages.empty():
            found.append(self.messages.get_nowait())
        for message in found:
            self.messages.put(message)
        return sum(isinstance(m, TerminalClosed) for m in found)


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


def test_nothing_pending_means_the_long_idle_timeout() -> None:
    assert select_timeout(None, 100.0) == IDLE_WAKE_SECONDS


def test_bytes_fed_set_a_short_timeout_until_the_escape_delay() -> None:
    deadline = parser_deadline(100.0)
    assert deadline == 100.0 + constants.ESCAPE_DELAY
    assert select_timeout(deadline, 100.0) == pytest.approx(constants.ESCAPE_DELAY)
    assert select_timeout(deadline, 100.0 + constants.ESCAPE_DELAY + 1) == 0.0


def test_the_parser_fires_a_lone_escape_by_that_deadline() -> None:
    """What the driver assumes of Textual's parser, through its public feed and tick: a
    lone Escape comes out once the escape delay after the feed has passed, not before
    (so waking at parser_deadline is enough, and no private deadline is read)."""
    parser = XTermParser()
    assert list(parser.feed("\x1b")) == []
    deadline = parser_deadline(time.monotonic())
    assert list(parser.tick()) == []
    time.sleep(max(0.0, deadline - time.monotonic()))
    keys = [m for m in parser.tick() if isinstance(m, events.Key)]
    assert [k.key for k in keys] == ["escape"]


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


# -- the terminal closing -----------------------------------------------------------------


def start_reading(fileno: int) -> tuple[RecordingDriver, threading.Thread]:
    """A driver's input thread reading ``fileno`` (the caller stops and closes it)."""
    driver = RecordingDriver(object())
    driver.fileno = fileno
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    return driver, thread


def stop_reading(driver: RecordingDriver, thread: threading.Thread) -> None:
    driver.exit_event.set()
    thread.join(WAIT)
    driver.close()
    assert not thread.is_alive(), "the input thread did not stop when input was disabled"


async def test_the_end_of_input_ends_the_thread_and_tells_the_app() -> None:
    keys_read, keys_write = os.pipe()
    driver, thread = start_reading(keys_read)
    try:
        os.write(keys_write, b"a")
        assert driver.next_key() == "a"
        os.close(keys_write)  # what a closed terminal reads as: the end of the file
        thread.join(WAIT)
        # Textual's loop went on (a pipe at its end stays readable); this one ends.
        assert not thread.is_alive()
        assert driver.told_closed() == 1
    finally:
        stop_reading(driver, thread)
        os.close(keys_read)


async def test_a_closed_terminal_ends_the_thread_and_tells_the_app() -> None:
    controller, terminal = os.openpty()
    tty.setraw(terminal)  # as Textual sets it: keys arrive one by one, not by line
    driver, thread = start_reading(terminal)
    try:
        os.write(controller, b"b")
        assert driver.next_key() == "b"
        time.sleep(0.1)  # asleep in select again
        os.close(controller)  # the terminal's window closes: reading fails (EIO) or ends
        thread.join(WAIT)
        assert not thread.is_alive()
        assert driver.told_closed() == 1
    finally:
        stop_reading(driver, thread)
        os.close(terminal)


async def test_the_idle_timeout_ends_a_thread_whose_wake_up_was_lost(
    running: Running,
) -> None:
    driver, _, thread = running
    time.sleep(0.1)  # asleep in select
    # The event set without its byte on the pipe: a wake-up another thread took.
    threading.Event.set(driver.exit_event)
    started = time.monotonic()
    thread.join(WAIT)
    assert not thread.is_alive()
    # Textual's join has no timeout: the thread itself must not sleep for good.
    assert time.monotonic() - started < IDLE_WAKE_SECONDS + 1.0


async def test_a_newer_input_thread_ends_the_older_one() -> None:
    keys_read, keys_write = os.pipe()
    driver, older = start_reading(keys_read)
    newer = threading.Thread(target=driver.run_input_thread, daemon=True)
    try:
        time.sleep(0.1)
        newer.start()  # as a second start_application_mode does
        older.join(WAIT)
        assert not older.is_alive()
        os.write(keys_write, b"c")
        assert driver.next_key() == "c"  # the newer one reads the keys
        assert newer.is_alive()
    finally:
        stop_reading(driver, newer)
        os.close(keys_read)
        os.close(keys_write)


class ModeRecordingDriver(RecordingDriver):
    """Records application mode starting and stopping instead of touching a terminal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modes: list[str] = []

    def start_application_mode(self) -> None:
        self.modes.append("start")

    def stop_application_mode(self) -> None:
        self.modes.append("stop")


async def test_sigcont_resumes_only_what_was_suspended() -> None:
    driver = ModeRecordingDriver(object())
    try:
        # A closing terminal sends SIGCONT with SIGHUP; Textual's handler resumes.
        driver.resume_application_mode()
        assert driver.modes == []
        driver.suspend_application_mode()  # Ctrl+Z, or App.suspend()
        driver.resume_application_mode()  # fg
        driver.resume_application_mode()
        assert driver.modes == ["stop", "start"]
    finally:
        driver.close()


async def test_the_wake_up_pipe_opens_again_after_a_suspension(running: Running) -> None:
    driver, _, thread = running
    driver.exit_event.set()
    thread.join(WAIT)
    driver.exit_event.clear()
    driver.close()  # what suspend_application_mode does
    driver.exit_event.open()  # what start_application_mode does on the way back
    keys_read, keys_write = os.pipe()
    driver.fileno = keys_read
    again = threading.Thread(target=driver.run_input_thread, daemon=True)
    again.start()
    try:
        os.write(keys_write, b"d")
        assert driver.next_key() == "d"
    finally:
        stop_reading(driver, again)
        os.close(keys_read)
        os.close(keys_write)


class ClosedTerminal:
    """stderr on a terminal that has closed: every write fails as Linux fails it."""

    def __init__(self) -> None:
        self.tries = 0

    def write(self, text: str) -> int:
        self.tries += 1
        raise OSError(errno.EIO, "Input/output error")

    def flush(self) -> None:
        raise OSError(errno.EIO, "Input/output error")

    def fileno(self) -> int:
        return 2

    def isatty(self) -> bool:
        return True


def test_writing_to_a_closed_terminal_is_dropped_and_said_once() -> None:
    told: list[str] = []
    terminal = ClosedTerminal()
    output = _TerminalOutput(terminal, lambda: told.append("gone"))  # type: ignore[arg-type]
    assert output.write("\x1b[?1049h") == len("\x1b[?1049h")
    output.flush()
    output.write("more")
    assert told == ["gone"]
    assert terminal.tries == 1  # nothing more is tried once the terminal has gone


def test_textuals_writer_thread_outlives_a_closed_terminal() -> None:
    # Textual's writer thread dies on the first failed write; its queue holds 30 more,
    # and the 31st write then blocks the app's event loop for good.
    writer = WriterThread(_TerminalOutput(ClosedTerminal(), lambda: None))  # type: ignore[arg-type]
    writer.start()

    def write_a_lot() -> None:
        for frame in range(200):
            writer.write(f"frame {frame}")
        writer.stop()

    app_loop = threading.Thread(target=write_a_lot, daemon=True)
    app_loop.start()
    app_loop.join(WAIT)
    assert not app_loop.is_alive(), "writing to a closed terminal blocked"
    assert not writer.is_alive()


# -- the private names it relies on ------------------------------------------------------


def test_textual_is_the_version_pinned() -> None:
    """The driver relies on private parts of Textual (TEXTUAL_PRIVATE_NAMES): an upgrade
    changes constraints.txt, and this test, with the one below, on purpose."""
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^textual==(\S+)$", constraints, re.MULTILINE)
    assert pinned is not None
    assert importlib.metadata.version("textual") == pinned.group(1)


async def test_the_private_names_it_relies_on_are_there() -> None:
    driver = RecordingDriver(object())
    try:
        instances: dict[str, object] = {
            "XTermParser": XTermParser(),
            "LinuxDriver": driver,
            "Driver": driver,
        }
        for owner, name in TEXTUAL_PRIVATE_NAMES:
            if owner in instances:
                assert hasattr(instances[owner], name), f"{owner}.{name} is gone"
            else:
                assert hasattr(importlib.import_module(owner), name), f"{owner}.{name} is gone"
        assert isinstance(driver, LinuxDriver) and isinstance(driver, Driver)
        # Textual's own __init__ sets _file, and this driver replaces it.
        assert isinstance(driver._file, _TerminalOutput)
    finally:
        driver.close()
