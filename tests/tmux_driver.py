"""Drive a real terminal program in a private tmux server, for the end-to-end tests.

Each :class:`TmuxDriver` owns its own tmux server (``tmux -L <unique socket>``, started
with no configuration file), so it never touches a user's tmux, and :meth:`close` kills
that server and nothing else. Synchronisation is by polling ``capture-pane`` until the
screen shows what a test waits for, with a deadline; a timeout reports the last screen.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["ScreenTimeout", "TmuxDriver", "tmux_binary"]

POLL_SECONDS = 0.1
COMMAND_TIMEOUT = 10.0
EXITED_GRACE_SECONDS = 2.0


def tmux_binary() -> str | None:
    """The path of the tmux executable, or None when it is not installed."""
    return shutil.which("tmux")


def accelerated(factor: float, start: str = "+0") -> list[str]:
    """The command prefix that plays a program ``factor`` times faster than real time,
    from ``start`` (libfaketime's format: "+0" now, "@2026-12-01 07:00:00" a chosen
    moment). The program itself runs at its own speed 1 (a real session, stored as one:
    ``--speed`` is a rehearsal that stores nothing), while its clocks, sleeps and
    timeouts run faster. The test is skipped where libfaketime is not installed, except
    in CI, which installs it.

    libfaketime is preloaded directly rather than through the ``faketime`` wrapper: the
    wrapper names a semaphore after its own pid and cannot clean it up when it is killed
    (the kill tests do exactly that), so a later wrapper given the same pid refuses to
    start ("sem_open: File exists").
    """
    library = _libfaketime()
    if library is None:
        import pytest

        if os.environ.get("CI"):
            pytest.fail("CI must install faketime (the end-to-end tests play faster with it)")
        pytest.skip("libfaketime is not installed (apt-get install faketime)")
    return ["env", f"LD_PRELOAD={library}", f"FAKETIME={start} x{factor:g}"]


def _libfaketime() -> str | None:
    """Where libfaketime is (Debian and Ubuntu put it under the multiarch folder)."""
    for pattern in (
        "usr/lib/*/faketime/libfaketime.so.1",
        "usr/lib*/faketime/libfaketime.so.1",
        "usr/local/lib*/faketime/libfaketime.so.1",
    ):
        found = sorted(Path("/").glob(pattern))
        if found:
            return str(found[0])
    return None


class ScreenTimeout(AssertionError):
    """What the test waited for did not appear on screen in time."""


def shows(screen: str, text: str) -> bool:
    """Whether ``text`` is on ``screen`` as written, or wrapped over lines: between words
    (a widget's wrap) or inside one (the terminal's own wrap of a long printed line), so
    spaces and line breaks are left out of the comparison."""
    return text in screen or "".join(text.split()) in "".join(screen.split())


class TmuxDriver:
    """One detached tmux session of ``width`` x ``height`` running one shell command."""

    def __init__(
        self,
        *,
        width: int = 80,
        height: int = 24,
        overall_timeout: float = 60.0,
        prefix: str = "coach-e2e",
    ) -> None:
        binary = tmux_binary()
        if binary is None:
            raise RuntimeError("tmux is not installed")
        self.binary = binary
        self.socket = f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "e2e"
        self.width = width
        self.height = height
        self.started = False
        self.exit_file: Path | None = None
        self.socket_path: Path | None = None
        self.last_screen = ""
        self.overall_timeout = overall_timeout
        self.deadline = time.monotonic() + overall_timeout
        # Inside a user's tmux, $TMUX would point tmux at that server's session; the
        # explicit -L socket wins, but leave nothing to chance. COLUMNS and LINES (an
        # xdist worker has 80 and 24) would reach the program in the pane, and Textual
        # takes them over the pane's real size: a 100-column pane drawn as 80 lost its
        # figure, and a notice wrapped out of sight.
        hidden = ("TMUX", "TMUX_PANE", "COLUMNS", "LINES")
        self._env = {k: v for k, v in os.environ.items() if k not in hidden}

    # -- plumbing ---------------------------------------------------------------------

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.binary, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=COMMAND_TIMEOUT,
            env=self._env,
        )

    def start(self, argv: Sequence[str | Path], *, exit_file: Path, keep_alive: int = 60) -> None:
        """Run ``argv`` in a new session; its exit status is written to ``exit_file``.

        The program runs under ``sh -c``, which then writes the status (through a temporary
        file renamed into place, so a reader never sees it half written), echoes it and
        sleeps, so the pane stays open for the test to read after the program quits.
        """
        command = shlex.join(str(a) for a in argv)
        target = shlex.quote(str(exit_file))
        partial = shlex.quote(f"{exit_file}.partial")
        script = (
            f"{command}; status=$?; "
            f"echo $status > {partial} && mv {partial} {target}; "
            f'echo "EXIT:$status"; sleep {int(keep_alive)}'
        )
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "sh",
            "-c",
            script,
        )
        self.started = True
        self.exit_file = exit_file
        found = self._tmux("display-message", "-p", "#{socket_path}", check=False)
        if found.returncode == 0 and found.stdout.strip():
            self.socket_path = Path(found.stdout.strip())
        self.deadline = time.monotonic() + self.overall_timeout

    def close(self) -> None:
        """Kill this driver's tmux server (and so the program, if still running).

        Only this server: it is addressed by its own socket, never by name or pattern.
        """
        if self.started:
            self._tmux("kill-server", check=False)
            self.started = False
        if self.socket_path is not None:
            # tmux leaves its socket file behind; it is ours alone, so tidy it away.
            self.socket_path.unlink(missing_ok=True)
            self.socket_path = None

    def __enter__(self) -> TmuxDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- screen and keys --------------------------------------------------------------

    def screen(self) -> str:
        """The visible pane as plain text (no colours), one line per row."""
        result = self._tmux("capture-pane", "-p", "-t", self.session, check=False)
        if result.returncode == 0:
            self.last_screen = result.stdout
        return self.last_screen

    def send(self, *keys: str) -> None:
        """Send tmux key names (``"1"``, ``"Enter"``, ``"Space"``...) to the pane."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def wait_until(self, condition: Callable[[str], bool], what: str, *, timeout: float) -> str:
        """Poll the screen until ``condition(screen)`` holds; return that screen.

        Gives up after ``timeout`` seconds, or sooner when the driver's overall deadline
        (``overall_timeout`` after :meth:`start`) passes.
        """
        started = time.monotonic()
        deadline = min(started + timeout, self.deadline)
        exited_at: float | None = None
        while True:
            text = self.screen()
            if condition(text):
                return text
            now = time.monotonic()
            if exited_at is None and self.exit_file is not None and self.exit_file.exists():
                exited_at = now
            if exited_at is not None and now - exited_at > EXITED_GRACE_SECONDS:
                # The program has exited (and the shell has had time to print its
                # status): what is not on screen now never will be, so fail early.
                assert self.exit_file is not None
                status = self.exit_file.read_text(encoding="utf-8").strip()
                raise ScreenTimeout(
                    f"the program exited (status {status}) while waiting for {what};"
                    f" last screen:\n{self._framed(text)}"
                )
            if now >= deadline:
                overall = " (the scenario's overall deadline)" if deadline == self.deadline else ""
                raise ScreenTimeout(
                    f"timed out after {now - started:.1f}s{overall} waiting for {what};"
                    f" last screen:\n{self._framed(text)}"
                )
            time.sleep(POLL_SECONDS)

    def _framed(self, text: str) -> str:
        rule = "-" * self.width
        return f"{rule}\n{text.rstrip()}\n{rule}"

    def wait_for(self, *texts: str, timeout: float) -> str:
        """Wait until every one of ``texts`` is on screen, on one line or wrapped over
        several (a notice wraps where the width and a path's length put the break)."""
        return self.wait_until(
            lambda screen: all(shows(screen, t) for t in texts),
            " and ".join(repr(t) for t in texts),
            timeout=timeout,
        )

    def wait_gone(self, *texts: str, timeout: float) -> str:
        """Wait until none of ``texts`` is on screen."""
        return self.wait_until(
            lambda screen: not any(t in screen for t in texts),
            "the screen to stop showing " + " or ".join(repr(t) for t in texts),
            timeout=timeout,
        )

    def wait_for_file(self, path: Path, *, timeout: float) -> str:
        """Wait until ``path`` exists; return its text (the screen is shown on timeout)."""
        self.wait_until(lambda _: path.exists(), f"the file {path}", timeout=timeout)
        return path.read_text(encoding="utf-8")
