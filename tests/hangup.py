"""Close coach's terminal at a stage of the morning; see the process go and its lock free.

Shared by the end-to-end test (tests/test_hangup_e2e.py: each stage once) and the load
run (scripts/hangup.py, ``make hangup``: every stage, many times, with the CPU busy).

Two ways a terminal closes:

- ``tmux``: ``tmux kill-server``, as a window closing: the pane's terminal hangs up and
  coach gets SIGHUP (with SIGCONT) and then end of file;
- ``pty``: coach on a pseudo-terminal with no controlling terminal of its own, whose
  other end the test just closes: no signal at all, only end of file (or EIO), as when a
  session leader that does not pass SIGHUP on loses its terminal.

Either way coach must be gone within :data:`GONE_WITHIN` seconds, and the lease it held
(coach.store.liveness) must be free, so that the next start does not take the session
for one another coach is still playing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.engine.screening import QUESTIONS

from .tmux_driver import TmuxDriver, accelerated

COACH = Path(sys.executable).parent / "coach"
GONE_WITHIN = 2.0
"""How long coach may take to leave once its terminal has closed."""
STEP_TIMEOUT = 30.0
SPEED = 10
"""The session plays this much faster (libfaketime), so a whole round takes seconds."""

STAGES = ("home", "checklist", "baseline", "pain", "playing", "summary")
"""Where the terminal closes: home, the red-flag checklist, the baseline prompt, a set's
pain prompt, mid-hold in the player, the summary."""
WAYS = ("tmux", "pty")

HOME = "Settings"  # on home's key bar
SCREENING = "A quick safety check"
BASELINE = "Before we start: how does your back feel right now?"
PAIN = "how much does your back hurt?"
HOLD = "HOLD"
REST = "REST"
QUIT_QUESTION = "Stop this session?"
STOPPED = "Session stopped early."

# One exercise with a long hold (2 s at SPEED, time to see it) and a long rest after the
# first set (30 s at SPEED: the summary is reached by quitting in it, not by a race).
SESSION_FILE = """\
version: 1
program:
  id: hangup
  name: Hang-up program
  get_ready: 2s
  levels:
    - name: Level 1
      exercises:
        - id: plank
          name: Side plank
          kind: hold
          sets: 2
          hold: 20s
          rest: 5m
          instructions: Lie on your side and lift your hips.
          progression:
            hold: {min: 10s, max: 30s, step: 1s}
"""


@dataclass
class Closed:
    """What closing the terminal at ``stage`` left behind."""

    stage: str
    way: str
    pid: int
    seconds: float | None
    """How long coach took to go; None when it was still running at the deadline."""
    held: list[Path]
    """Lease files still locked once coach had gone (none, or another coach lives)."""

    @property
    def ok(self) -> bool:
        return self.seconds is not None and not self.held

    def describe(self) -> str:
        if self.seconds is None:
            return f"{self.stage} ({self.way}): coach (pid {self.pid}) still running"
        if self.held:
            return f"{self.stage} ({self.way}): gone in {self.seconds:.2f}s, lock held"
        return f"{self.stage} ({self.way}): gone in {self.seconds:.2f}s"


class _Pty:
    """coach on a pseudo-terminal of its own, read as a stream of text."""

    KEYS = {"Enter": "\r", "Escape": "\x1b", "Space": " "}
    _ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=!$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")

    def __init__(self, argv: Sequence[str | Path], env: dict[str, str]) -> None:
        self.controller, terminal = os.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        # A new session with no controlling terminal: closing ours sends coach no signal.
        self.process = subprocess.Popen(
            [str(a) for a in argv],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            start_new_session=True,
            env=env,
        )
        os.close(terminal)
        self.text = ""
        self.seen = 0

    def send(self, *keys: str) -> None:
        self.seen = len(self.text)  # what follows is the answer to these keys
        for key in keys:
            os.write(self.controller, self.KEYS.get(key, key).encode())

    def wait_for(self, *texts: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        # The stream holds no line breaks where a text wraps (the cursor moves instead),
        # so the texts are looked for without spaces.
        while not all("".join(t.split()) in "".join(self.text[self.seen :].split()) for t in texts):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {texts}: {self.text[-600:]!r}")
            ready, _, _ = select.select([self.controller], [], [], 0.1)
            if ready:
                try:
                    raw = os.read(self.controller, 65536).decode("utf-8", "replace")
                except OSError as exc:
                    raise AssertionError(f"coach left while waiting for {texts}") from exc
                self.text += self._ESCAPES.sub("", raw)

    def close(self) -> None:
        if self.controller >= 0:
            os.close(self.controller)
            self.controller = -1


class _Tmux:
    """coach in tmux; closing is ``tmux kill-server`` (the pane's terminal hangs up)."""

    def __init__(self, argv: Sequence[str | Path], folder: Path) -> None:
        self.tmux = TmuxDriver(width=80, height=24, overall_timeout=120.0, prefix="coach-hangup")
        self.tmux.start(argv, exit_file=folder / "exit-status")
        shell = self.tmux._tmux("display-message", "-p", "#{pane_pid}").stdout.strip()
        self.shell = int(shell)

    def send(self, *keys: str) -> None:
        self.tmux.send(*keys)

    def wait_for(self, *texts: str, timeout: float) -> None:
        self.tmux.wait_for(*texts, timeout=timeout)

    def coach_pid(self) -> int:
        """The coach process: the only child of the pane's shell, once it has started."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            children = subprocess.run(
                ["pgrep", "-P", str(self.shell)], capture_output=True, text=True, check=False
            ).stdout.split()
            if len(children) == 1:
                return int(children[0])
            assert time.monotonic() < deadline, f"the pane's shell has children {children}"
            time.sleep(0.05)

    def close(self) -> None:
        self.tmux.close()


def reach(terminal: _Pty | _Tmux, stage: str) -> None:
    """Answer what comes until ``stage`` is on screen."""
    if stage == "home":
        terminal.wait_for(HOME, timeout=STEP_TIMEOUT)
        return
    terminal.wait_for(SCREENING, timeout=STEP_TIMEOUT)
    if stage == "checklist":
        return
    terminal.send(*["n"] * len(QUESTIONS), "Enter")  # no to every line of the checklist
    terminal.wait_for(BASELINE, timeout=STEP_TIMEOUT)
    if stage == "baseline":
        return
    terminal.send("2", "Enter")
    terminal.wait_for(HOLD, timeout=STEP_TIMEOUT)
    if stage == "playing":
        return
    terminal.wait_for(PAIN, timeout=STEP_TIMEOUT)
    if stage == "pain":
        return
    terminal.send("3", "Enter")  # the rated set, saved; then a long rest
    terminal.wait_for(REST, timeout=STEP_TIMEOUT)
    terminal.send("q")
    terminal.wait_for(QUIT_QUESTION, timeout=STEP_TIMEOUT)
    terminal.send("i")  # why: no time
    terminal.wait_for(STOPPED, timeout=STEP_TIMEOUT)


def command(folder: Path, stage: str) -> list[str | Path]:
    """``coach FILE`` (home first) for home, ``coach run FILE`` (straight in) otherwise."""
    session = folder / "hangup.yaml"
    session.write_text(SESSION_FILE, encoding="utf-8")
    return [
        "env",
        f"COACH_CONFIG_DIR={folder}",
        "TZ=UTC",
        *accelerated(SPEED),
        COACH,
        *(["run"] if stage != "home" else []),
        session,
        "--data-dir",
        folder / "data",
    ]


Terminal = _Pty | _Tmux


def close_at(
    stage: str,
    folder: Path,
    way: str = "tmux",
    *,
    before_close: Callable[[Terminal], None] | None = None,
) -> Closed:
    """Start coach in ``folder``, reach ``stage`` (then do ``before_close``), close its
    terminal, and see."""
    folder.mkdir(parents=True, exist_ok=True)
    argv = command(folder, stage)
    terminal: Terminal
    if way == "pty":
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("TMUX", None)
        terminal = _Pty(argv, env)
        pid = terminal.process.pid  # env execs coach: the same process
    else:
        terminal = _Tmux(argv, folder)
        pid = terminal.coach_pid()
    try:
        reach(terminal, stage)
        if before_close is not None:
            before_close(terminal)
        closed_at = time.monotonic()
        terminal.close()
        seconds = _gone_within(pid, closed_at, GONE_WITHIN)
    finally:
        if isinstance(terminal, _Pty):
            terminal.close()
            if terminal.process.poll() is None:
                terminal.process.kill()  # ours: never left behind, whatever happened
            terminal.process.wait()
        else:
            terminal.close()
            _kill_left(pid)
    return Closed(stage, way, pid, seconds, held_leases(folder / "data"))


def _state(pid: int, thread: str | None = None) -> str | None:
    """The process's (or one of its threads') state letter (Z: ended, not yet reaped),
    None when it has gone."""
    where = f"/proc/{pid}" if thread is None else f"/proc/{pid}/task/{thread}"
    try:
        stat = Path(f"{where}/stat").read_text(encoding="ascii")
        return stat.rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _ended(pid: int) -> bool:
    """Whether the process has ended: gone, or a zombie with no thread left (its main
    thread alone can show Z while other threads still run)."""
    if _state(pid) not in (None, "Z", "X"):
        return False
    try:
        threads = [t.name for t in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return True
    return all(_state(pid, thread) in (None, "Z", "X") for thread in threads)


def _gone_within(pid: int, since: float, limit: float) -> float | None:
    while True:
        now = time.monotonic()
        if _ended(pid):
            return now - since
        if now - since > limit:
            return None
        time.sleep(0.02)


def _kill_left(pid: int) -> None:
    """A coach left running after its terminal closed: ours, so end it (by its id)."""
    if not _ended(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def held_leases(data_dir: Path) -> list[Path]:
    """The lease files (coach.store.liveness) someone still holds a lock on."""
    held = []
    for path in sorted((data_dir / "locks").glob("*.lock")):
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue  # cleared meanwhile
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held.append(path)
        finally:
            os.close(descriptor)
    return held
