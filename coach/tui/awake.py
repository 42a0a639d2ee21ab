"""Keeping the machine awake while a session plays.

A suspended machine stops the session's clock and its cues mid-hold, and a dimmed screen
cannot be read from the mat. Where the system offers an inhibitor, :class:`StayAwake`
holds one as a child process for as long as the app says so:

- Linux: ``systemd-inhibit --what=idle:sleep ... cat``, whose ``cat`` reads a pipe only
  coach writes to. Closing it ends the inhibitor; so does coach dying in any way, even
  SIGKILL, because the kernel closes the pipe then (a ``sleep infinity`` would outlive a
  killed coach, and hold the machine awake with it).
- macOS: ``caffeinate -d -i -w PID``, which ends by itself when coach's PID does.

The child is started in a thread (a fork and exec must not hold up Textual's loop), in a
session of its own (a terminal's signals are coach's to handle), and stopped on
:meth:`StayAwake.release`, and at interpreter exit for any still running. When no
inhibitor exists nothing happens; when it fails, one line goes to ``note``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = ["FAILS_WITHIN", "StayAwake", "inhibitor_command"]

FAILS_WITHIN = 1.0
"""Seconds in which an inhibitor that exits is taken to have failed (not permitted, no
logind): one that works runs until it is stopped."""

WHY = "An exercise session is playing"

Which = Callable[[str], str | None]


def inhibitor_command(
    platform: str = sys.platform, which: Which = shutil.which, pid: int | None = None
) -> list[str] | None:
    """The command that holds the system awake until it ends, or None when this system
    offers none coach knows."""
    if platform.startswith("linux"):
        inhibit = which("systemd-inhibit")
        if inhibit is None:
            return None
        return [
            inhibit,
            "--what=idle:sleep",
            "--who=coach",
            f"--why={WHY}",
            "--mode=block",
            which("cat") or "cat",
        ]
    if platform == "darwin":
        caffeinate = which("caffeinate")
        if caffeinate is None:
            return None
        # -d as well as -i: the player is read from the mat, so the display must stay
        # on too (what 'idle' means to systemd-inhibit).
        return [caffeinate, "-d", "-i", "-w", str(os.getpid() if pid is None else pid)]
    return None


_RUNNING: set[subprocess.Popen[bytes]] = set()
"""Every inhibitor started and not yet stopped, for the exit handler."""
_RUNNING_LOCK = threading.Lock()


def _stop(process: subprocess.Popen[bytes], *, reap: bool = True) -> None:
    """End ``process`` and its children without waiting on the caller's thread."""
    with _RUNNING_LOCK:
        _RUNNING.discard(process)
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()  # EOF: the inhibitor's command ends
    if process.poll() is None:
        # Its own session, so its process group has its id: systemd-inhibit and its
        # command go together.
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGTERM)
    if reap:
        threading.Thread(
            target=_reap, args=(process,), name="coach-awake-reap", daemon=True
        ).start()


def _reap(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(timeout=2.0)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=2.0)


@atexit.register
def _stop_all() -> None:
    """However coach leaves (a normal exit, or SIGTERM and SIGHUP, which the app turns
    into one), no inhibitor stays behind."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        _stop(process, reap=False)


class StayAwake:
    """An inhibitor held between :meth:`hold` and :meth:`release`.

    Both return at once and may be called any number of times, in any order, from the
    event loop; neither raises. ``command`` finds the inhibitor when holding starts (None:
    none on this system, and nothing is said); ``note`` receives one line when it could
    not be held (called from a worker thread).
    """

    def __init__(
        self,
        note: Callable[[str], None] | None = None,
        *,
        command: Callable[[], list[str] | None] = inhibitor_command,
    ) -> None:
        self.note = note
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None
        """The inhibitor running now, if any."""
        self._lock = threading.Lock()
        self._generation = 0
        """Counts holds and releases: a start that finds it changed is stale."""
        self._held = False
        self._failed = False

    @property
    def held(self) -> bool:
        return self._held

    def hold(self) -> None:
        """Start holding the system awake (the inhibitor starts in a thread)."""
        with self._lock:
            if self._held:
                return
            self._held = True
            self._generation += 1
            generation = self._generation
        threading.Thread(
            target=self._start, args=(generation,), name="coach-awake", daemon=True
        ).start()

    def release(self) -> None:
        """Let the system sleep again: the inhibitor is stopped."""
        with self._lock:
            self._held = False
            self._generation += 1
            process, self.process = self.process, None
        if process is not None:
            _stop(process)

    def _start(self, generation: int) -> None:
        command = self.command()
        if command is None:
            return
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            self._say(f"{command[0]} could not start ({exc.strerror or exc})")
            return
        with _RUNNING_LOCK:
            _RUNNING.add(process)
        with self._lock:
            current = generation == self._generation
            if current:
                self.process = process
        if not current:
            _stop(process)  # released while it started
            return
        try:
            code = process.wait(timeout=FAILS_WITHIN)
        except subprocess.TimeoutExpired:
            return  # holding
        with self._lock:
            ours = self.process is process
            if ours:
                self.process = None
        if ours:
            _stop(process)
            self._say(f"{Path(command[0]).name} ended at once (status {code})")

    def _say(self, text: str) -> None:
        # Once per app: a system that refuses does so every session.
        if self._failed or self.note is None:
            return
        self._failed = True
        # A note is a courtesy: whatever goes wrong with it must not reach the session.
        with contextlib.suppress(Exception):
            self.note(f"the system could not be kept awake: {text}")
