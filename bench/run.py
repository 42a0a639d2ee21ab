"""coach's benchmarks (`make bench`): six ratios, each measured side by side in one run.

This is a report, not a test: it prints what it measured and marks each goal OK or
MISSED, and exits 0 either way (1 only when a measurement could not be taken at all).

1. Time to first frame and to the home screen, against a minimal Textual app
   (bench/minimal_app.py, one Label). Each program is spawned under its own
   pseudo-terminal of 80x24 (TERM=xterm-256color); the clock runs from just before the
   spawn to the first read from the pty that contains visible frame text: the label for
   the minimal app; for coach, home is the routine's title with today's plan ("Morning
   routine"). The pty is read continuously so the child never blocks on output. coach
   runs on two histories, an empty one and ten years of the bundled routine
   (coach.demo.history, as `coach demo-history` writes them), as a user starts it on
   any morning: with the home views its previous run kept (coach.store.homecache), home
   is its first frame. And once more on the empty history with those views deleted
   before each run, as a first start ever (or after the routine was edited): there the
   first frame says "Loading" and home follows once the day is loaded (for
   information). One discarded warm-up run of each, then 7 interleaved runs each;
   medians and their ratios to the minimal app. With each, the CPU seconds the program's
   own process had used when the frame showed (/proc/PID/stat, read as the frame text
   arrives), and their ratio: the wall times grow with whatever else the machine runs,
   the CPU much less. Caveat: a raw pty answers none of the
   terminal queries Textual sends; neither app waits for the answers, so this costs
   both nothing.

2. CPU time during a one-minute hold, against `termdown 60` (PyPI package, installed
   into the venv when missing; not a dependency of coach). Each program runs in its
   own private tmux server with one 80x24 pane and no status line, at the same time.
   Only the program's own process is measured: utime+stime of /proc/PID/stat (all its
   threads), in clock ticks. coach plays bench/sessions/hold-figure-1min.yaml (a
   bundled exercise, the McGill curl-up, held a minute, its bundled figure beside the
   digits: the judged figure, goal <= 0.6) and, for information,
   bench/sessions/hold-1min.yaml (no figure) side by side, at --speed 1 with --audio
   none, since termdown makes no sound and this compares what counting down on screen
   costs (with audio "auto" a hold cost the same in our runs: the cue thread sleeps
   until its next cue). The red-flag check (first session; "n" on every line, then
   Enter) and the baseline prompt are answered, and the hold's start is the moment its
   screen shows "HOLD"; termdown starts right after, and its start is its first frame.
   As extra information, the minimal Textual app with --tick (a label rewritten once a
   second, with Textual's own driver) runs alongside: a Textual screen redrawn at 1
   Hz. Each is sampled 5 s and 55 s after its own start (a 50 s window inside the
   minute). Nothing else of the benchmark runs meanwhile. Caveat: /proc counts in
   ticks of 10 ms, so a 50 s window resolves 0.02 % of a core, and these figures are
   small: the ratio is coarse.

4. CPU time during a one-minute set of repetitions with the figure animating
   (bench/sessions/reps-1min.yaml: cat-camel, 12 reps of 2 s up, 1 s hold, 2 s down),
   against `termdown 60`, side by side in the same run, measured as in 2. The figure
   redraws up to 4 times a second while it moves, beside the digits at 80x24. The
   window starts 5 s after the screen first shows "rep 1/12".

3. End-of-session clock error, at --speed 20 on bench/sessions/routine-20min.yaml (a
   20-minute program, about 60 s of wall time; a rehearsal, whose summary says
   "Rehearsal over"). It runs in a private tmux server; the red-flag check and every
   pain prompt ("0", Enter) are answered as soon as
   they show on screen (polled every 50 ms), and Enter closes the summary.
   COACH_EVENT_LOG gives, for every event, when it was handled (t) and when it was due,
   on the monotonic clock. The error is |t - due| of the "finished" event. Every coach
   session ends with a pain rating, so "finished" is noticed right after the last
   prompt is answered and that figure is close to zero by construction; the end of the
   last timed block (the last "rating" event's lateness) is therefore reported too, and
   the goal is judged on the larger of the two.
   Cross-check: the wall time from the "session" event to "finished", minus the time
   spent in pain prompts (from each "rating" event to the next "step" event), against
   total/speed. That difference is the sum of the start delay (player mount), the
   lateness of each set end and of the finish; the residual left after subtracting them
   would reveal drift of the session clock.

`bench/run.py --smoke` (`make bench-smoke`, and tests/test_bench_smoke.py) drives the
same screens in seconds: one-second windows, one run of each start, a month of history,
the 20-minute routine at --speed 200, and the holds and reps stopped with q once
measured. Its figures mean nothing; it fails when a screen the bench waits for never
comes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BIN = Path(sys.executable).parent  # the venv's bin: do not resolve the symlink
COACH = BIN / "coach"
TERMDOWN = BIN / "termdown"
MINIMAL_APP = BENCH_DIR / "minimal_app.py"
HOLD_FILE = BENCH_DIR / "sessions" / "hold-1min.yaml"
HOLD_FIGURE_FILE = BENCH_DIR / "sessions" / "hold-figure-1min.yaml"
REPS_FILE = BENCH_DIR / "sessions" / "reps-1min.yaml"
ROUTINE_FILE = BENCH_DIR / "sessions" / "routine-20min.yaml"

COLUMNS, LINES = 80, 24
CTRL_Q = b"\x11"
READY_TEXT = "Minimal Textual app"
PROMPT_HINT = "Keys 0-9, T for 10."
END_TEXTS = ("Session complete", "Rehearsal over", "Session stopped")
"""How the summary begins: a session at --speed 1, a rehearsal at another speed, or one
stopped with q (the smoke test stops its holds and reps so)."""
SCREENING_TEXT = "A quick safety check"
CLK_TCK = os.sysconf("SC_CLK_TCK")

GOAL_FIRST_FRAME = 1.3
GOAL_HOME = 1.5
HOME_TEXT = "Morning routine"
GOAL_CPU = 0.6
GOAL_CPU_FIGURE = 2.0
GOAL_CLOCK_MS = 5.0


class BenchError(RuntimeError):
    """A measurement could not be taken (a program did not start, a screen never came)."""


@dataclass(frozen=True)
class Mode:
    """How long each measurement runs: the bench, or its smoke test (``--smoke``), which
    drives the same screens in seconds so that a change to them cannot silently break
    the bench; its figures mean nothing."""

    smoke: bool = False
    runs: int = 7
    window: tuple[float, float] = (5.0, 55.0)
    """When CPU is sampled, in seconds after each program's start."""
    years_days: int = 3650
    clock_speed: float = 20.0

    @property
    def seconds(self) -> float:
        return self.window[1] - self.window[0]


BENCH = Mode()
SMOKE = Mode(smoke=True, runs=1, window=(1.0, 2.0), years_days=30, clock_speed=200.0)
MODE = BENCH


def session_over(screen: str) -> bool:
    """The summary is on screen (of a session, or of a rehearsal)."""
    return any(text in screen for text in END_TEXTS)


# -- shared helpers -------------------------------------------------------------------


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a measured program: 256 colours, no size override, and coach's
    data and settings in fresh folders (default settings; the user's files untouched).
    Without PYTHONDONTWRITEBYTECODE: the warm-up runs leave the bytecode caches that any
    installed program has (pip compiles Textual's on install; coach's own are made on
    its first run), so no run compiles source. Nor the variables a terminal sets to name
    itself (coach.tui.graphics): the program's terminal is a raw pty, which draws no
    pictures and answers no question, whatever terminal runs the benchmark."""
    from coach.tui.graphics import DRAWING_TERMINALS

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "COACH_", "TMUX"))
        and k not in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
        and (k == "TERM" or k not in DRAWING_TERMINALS)
    }
    config_dir = data_dir.with_name(data_dir.name + "-config")
    config_dir.mkdir(parents=True, exist_ok=True)
    env |= {
        "TERM": "xterm-256color",
        "COACH_DATA_DIR": str(data_dir),
        "COACH_CONFIG_DIR": str(config_dir),
    }
    return env | extra


def wait_until(deadline: float) -> None:
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.5))


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (every thread, living or gone), in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def ensure_termdown() -> None:
    """termdown is the reference for the CPU figure only: install it into the venv."""
    if TERMDOWN.exists():
        return
    print("installing termdown (the CPU reference) into the virtualenv...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "termdown"], check=True)


# -- 1. time to first frame, under a pty ------------------------------------------------


@dataclass
class PtyRun:
    """Seconds from spawn to the first appearance of each awaited text, and the CPU
    seconds the program had used by then (its own process: what the machine's other
    load does not change)."""

    marks: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def open_pty() -> tuple[int, int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    return master, slave


def read_some(master: int, timeout: float) -> bytes | None:
    """What the child wrote within timeout (b"" if nothing); None once the pty is closed."""
    ready, _, _ = select.select([master], [], [], timeout)
    if not ready:
        return b""
    try:
        return os.read(master, 65536)
    except OSError:  # EIO: every copy of the slave is closed, the child is gone
        return None


def stop_child(process: subprocess.Popen[bytes], master: int) -> None:
    """ctrl+q (both apps quit on it), then SIGTERM, then SIGKILL; drain and reap."""
    with contextlib.suppress(OSError):
        os.write(master, CTRL_Q)
    for sig, grace in ((None, 5.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        if sig is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        deadline = time.monotonic() + grace
        while process.poll() is None and time.monotonic() < deadline:
            if read_some(master, 0.05) is None:
                time.sleep(0.01)  # the pty is closed: the child is on its way out
        if process.poll() is not None:
            return


def time_marks(
    argv: Sequence[str], needles: Mapping[str, Sequence[str]], env: dict[str, str]
) -> PtyRun:
    """Spawn argv under a fresh 80x24 pty and time each mark: the first appearance of any
    of its texts."""
    master, slave = open_pty()
    wanted = {name: [t.encode() for t in texts] for name, texts in needles.items()}
    run = PtyRun()
    seen = b""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    try:
        while len(run.marks) < len(wanted) and time.perf_counter() - start < 20:
            chunk = read_some(master, 0.05)
            if chunk is None:
                break
            now = time.perf_counter()
            # Keep a tail long enough that a needle split across two reads is found.
            seen = seen[-64:] + chunk
            for name, texts in wanted.items():
                if name not in run.marks and any(text in seen for text in texts):
                    run.marks[name] = now - start
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        run.cpu[name] = cpu_seconds(process.pid)
    finally:
        stop_child(process, master)
        os.close(master)
    missing = [n for n in needles if n not in run.marks]
    if missing:
        raise BenchError(f"{argv[0]}: never showed {missing} (exit status {process.returncode})")
    return run


@dataclass
class FirstFrame:
    minimal: list[float] = field(default_factory=list)
    first_start: list[float] = field(default_factory=list)
    first_start_home: list[float] = field(default_factory=list)
    home_empty: list[float] = field(default_factory=list)
    home_years: list[float] = field(default_factory=list)
    years: str = ""
    cpu: dict[str, list[float]] = field(default_factory=dict)
    """CPU seconds to the frame, by what: 'minimal', 'first_start', 'home_empty',
    'home_years'."""

    def keep_cpu(self, what: str, run: PtyRun, mark: str) -> None:
        if mark in run.cpu:
            self.cpu.setdefault(what, []).append(run.cpu[mark])


def ten_years_of_history(data_dir: Path) -> str:
    """Fill ``data_dir`` with ten years of the bundled routine, up to today."""
    from demo_cache import demo_history

    from coach.config.locations import database_path, default_routine

    summary = demo_history(
        database_path(data_dir), days=MODE.years_days, seed=0, source=default_routine()
    )
    return f"{summary.sessions:,} sessions, {summary.sets:,} sets"


def measure_first_frame(workdir: Path) -> FirstFrame:
    empty, years, fresh = (workdir / name for name in ("data-empty", "data-years", "data-fresh"))
    result = FirstFrame(years=ten_years_of_history(years))
    minimal = ([sys.executable, str(MINIMAL_APP)], child_env(empty))
    coach = {
        data: ([str(COACH), "--data-dir", str(data)], child_env(data))
        for data in (empty, years, fresh)
    }
    marks = {"first": ["Loading", HOME_TEXT], "home": [HOME_TEXT]}

    def first_start() -> PtyRun:
        (fresh / "cache" / "home.json").unlink(missing_ok=True)
        return time_marks(*coach[fresh][:1], marks, coach[fresh][1])

    time_marks(minimal[0], {"ready": [READY_TEXT]}, minimal[1])  # warm-ups, discarded
    for data in (empty, years):
        time_marks(coach[data][0], marks, coach[data][1])
    first_start()
    for i in range(MODE.runs):
        ready = time_marks(minimal[0], {"ready": [READY_TEXT]}, minimal[1])
        result.minimal.append(ready.marks["ready"])
        result.keep_cpu("minimal", ready, "ready")
        start = first_start()
        result.first_start.append(start.marks["first"])
        result.keep_cpu("first_start", start, "first")
        result.first_start_home.append(start.marks["home"])
        home = time_marks(coach[empty][0], marks, coach[empty][1])
        result.home_empty.append(home.marks["home"])
        result.keep_cpu("home_empty", home, "home")
        home = time_marks(coach[years][0], marks, coach[years][1])
        result.home_years.append(home.marks["home"])
        result.keep_cpu("home_years", home, "home")
        print(
            f"  run {i + 1}/{MODE.runs}: minimal {result.minimal[-1]:.3f} s, coach first start "
            f"{result.first_start[-1]:.3f} s (home {result.first_start_home[-1]:.3f} s), home "
            f"{result.home_empty[-1]:.3f} s, home with ten years {result.home_years[-1]:.3f} s",
            flush=True,
        )
    return result


# -- tmux, for the runs that need a screen to read ---------------------------------------


class Tmux:
    """One private tmux server (its own socket) with one 80x24 pane running argv."""

    def __init__(self, name: str, workdir: Path) -> None:
        # A socket of our own in the temporary folder: nothing to collide with, and gone
        # with the folder.
        self.socket = workdir / f"tmux-{name}.sock"
        self.config = workdir / f"tmux-{name}.conf"
        self.server_pid: int | None = None
        self.config.write_text(
            'set -g status off\nset -g default-terminal "tmux-256color"\n'
            "set -g history-limit 100\n",
            encoding="utf-8",
        )

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done.stdout

    def start(self, argv: Sequence[str], env: dict[str, str]) -> None:
        command = "exec " + shlex.join(argv)
        size = ["-x", str(COLUMNS), "-y", str(LINES)]
        self._tmux("new-session", "-d", "-s", "bench", *size, "-c", str(ROOT), command, env=env)
        self.server_pid = int(self._tmux("display-message", "-p", "#{pid}"))

    def pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))

    def size(self) -> str:
        return self._tmux("display-message", "-p", "-t", "bench", "#{pane_width}x#{pane_height}")

    def screen(self) -> str:
        try:
            return self._tmux("capture-pane", "-p", "-t", "bench")
        except BenchError:
            return ""  # the program has exited and the server with it

    def keys(self, *keys: str) -> None:
        """Each key as its own send-keys, so each arrives as its own write."""
        for key in keys:
            self._tmux("send-keys", "-t", "bench", key)

    def alive(self) -> bool:
        try:
            self._tmux("has-session", "-t", "bench")
        except BenchError:
            return False
        return True

    def kill(self) -> None:
        """kill-server; and if that server is somehow still there, SIGTERM it."""
        with contextlib.suppress(BenchError):
            self._tmux("kill-server")
        if self.server_pid is None:
            return
        with contextlib.suppress(OSError):
            time.sleep(0.1)
            cmdline = Path(f"/proc/{self.server_pid}/cmdline").read_bytes()
            if str(self.socket).encode() in cmdline:
                os.kill(self.server_pid, signal.SIGTERM)


@contextlib.contextmanager
def tmux_server(name: str, workdir: Path) -> Iterator[Tmux]:
    tmux = Tmux(name, workdir)
    try:
        yield tmux
    finally:
        tmux.kill()


def wait_for_screen(tmux: Tmux, test: Callable[[str], bool], timeout: float, what: str) -> float:
    """Poll the pane every 50 ms; the monotonic time at which test(screen) first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test(tmux.screen()):
            return time.monotonic()
        time.sleep(0.05)
    raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")


def drive(tmux: Tmux, until: Callable[[str], bool], timeout: float, what: str) -> tuple[float, int]:
    """Answer coach's dialogs as they appear until until(screen) holds: the red-flag check
    with Enter (none apply), each pain prompt with "0" then Enter. Return the monotonic
    time at which until(screen) first held, and the number of pain prompts answered."""
    answered, showing, asked = 0, "", 0.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = tmux.screen()
        if until(screen):
            return time.monotonic(), answered
        dialog = "pain" if PROMPT_HINT in screen else "check" if SCREENING_TEXT in screen else ""
        # A dialog newly on screen: answer it once; the checklist again if it is still
        # there after a second (a line left unanswered keeps it open).
        again = dialog == "check" and time.monotonic() - asked > 1.0
        if dialog and (dialog != showing or again):
            tmux.keys(*(("0", "Enter") if dialog == "pain" else checklist_keys()))
            answered += dialog == "pain"
            asked = time.monotonic()
        showing = dialog
        time.sleep(0.05)
    last = "\n".join(line for line in tmux.screen().splitlines() if line.strip())
    raise BenchError(
        f"timed out after {timeout:.0f} s waiting for {what} ({answered} pain prompts "
        f"answered); the screen:\n{last}"
    )


def checklist_keys() -> tuple[str, ...]:
    """The red-flag checklist's answers: "n" (no) on every line, then Enter. It asks
    for an answer on each line, so their number comes from the checklist itself."""
    from coach.engine.screening import QUESTIONS

    return (*("n" for _ in QUESTIONS), "Enter")


def end_session(tmux: Tmux, timeout: float) -> None:
    """Let the session on screen finish (its last pain prompt answered), or in the smoke
    test stop it (q, then o, 'another reason', once the question shows: o is pressed again
    each second until the summary comes, as the question takes a moment to open), and
    close its summary."""
    if MODE.smoke:
        tmux.keys("q")
        deadline = time.monotonic() + timeout
        while not session_over(tmux.screen()) and time.monotonic() < deadline:
            time.sleep(0.5)
            tmux.keys("o")
            time.sleep(0.5)
    drive(tmux, session_over, timeout, "the summary")
    quit_coach(tmux, ["Enter"])


def quit_coach(tmux: Tmux, keys: Sequence[str]) -> None:
    """Send keys that end coach, then wait for it (and so its pane) to be gone."""
    tmux.keys(*keys)
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.05)


def read_event_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise BenchError(f"coach wrote no event log to {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# -- 2. CPU during a one-minute hold -----------------------------------------------------


@dataclass
class CpuUse:
    coach_percent: float
    """coach during a hold of a bundled exercise, its figure on screen: the judged figure."""
    plain_percent: float
    """coach during a hold of an exercise without a figure: extra information."""
    termdown_percent: float
    ticker_percent: float
    """The minimal Textual app redrawing a label at 1 Hz: extra information."""
    window: float
    notes: list[str]
    figure_dots: int
    """Braille dots on coach's screen at the end of the window: the figure was there."""


def coach_argv(session: Path, speed: float = 1.0, data_dir: Path | None = None) -> list[str]:
    """coach playing ``session`` without sound: termdown makes none, and this compares
    what drawing the countdown costs (and the clock's error, whatever the audio)."""
    argv = [str(COACH), "run", str(session), "--speed", f"{speed:g}"]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return [*argv, "--audio", "none"]


def start_coach_hold(tmux: Tmux, data_dir: Path, log: Path, session: Path = HOLD_FILE) -> float:
    """Start a one-minute hold; return the monotonic time its screen showed HOLD."""
    tmux.start(
        coach_argv(session, data_dir=data_dir), child_env(data_dir, COACH_EVENT_LOG=str(log))
    )
    seen, _ = drive(tmux, lambda s: "HOLD" in s and PROMPT_HINT not in s, 30, "the hold")
    return seen


def start_termdown(tmux: Tmux, data_dir: Path) -> float:
    """Start `termdown 60`; return the monotonic time of its first frame."""
    argv = [str(TERMDOWN), "60"]
    if MODE.smoke and not TERMDOWN.exists():
        argv = ["sh", "-c", "echo termdown is not installed; exec sleep 60"]
    tmux.start(argv, child_env(data_dir))
    return wait_for_screen(tmux, lambda s: s.strip() != "", 30, "termdown's first frame")


def start_ticker(tmux: Tmux, data_dir: Path) -> float:
    """Start the minimal Textual app redrawing once a second; return its first frame."""
    tmux.start([sys.executable, str(MINIMAL_APP), "--tick"], child_env(data_dir))
    return wait_for_screen(tmux, lambda s: READY_TEXT in s, 30, "the minimal app's first frame")


def sample_window(starts: dict[str, float], pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds each process used from its start + 5 s to its start + 55 s (in the
    smoke test, a second)."""
    begin, end = MODE.window
    schedule = sorted(
        (start + offset, name, offset) for name, start in starts.items() for offset in (begin, end)
    )
    readings: dict[tuple[str, float], float] = {}
    for when, name, offset in schedule:
        wait_until(when)
        readings[name, offset] = cpu_seconds(pids[name])
    return {name: readings[name, end] - readings[name, begin] for name in starts}


def check_hold_window(log: Path, hold_seen: float) -> list[str]:
    """The sampled window must lie inside the hold, as coach's own event log places it."""
    try:
        events = read_event_log(log)
    except BenchError as exc:
        return [f"WARNING: cannot check the window against the hold: {exc}"]
    started = next((e["due"] for e in events if e.get("event") == "step"), None)
    ended = next((e["t"] for e in events if e.get("event") == "rating"), None)
    if started is None or ended is None:
        return ["WARNING: coach's event log does not show where the hold began and ended"]
    begin, end = MODE.window
    window = (hold_seen + begin - started, hold_seen + end - started)
    inside = window[0] >= 0 and hold_seen + end <= ended
    return [
        f"coach's window ran from {window[0]:.2f} s to {window[1]:.2f} s into its "
        f"{ended - started:.2f} s hold" + ("" if inside else ": WARNING, not inside the hold")
    ]


def braille_dots(screen: str) -> int:
    return sum(0x2801 <= ord(ch) <= 0x28FF for ch in screen)


def measure_cpu(workdir: Path) -> CpuUse:
    data_dir = workdir / "data-hold"
    plain_dir = workdir / "data-hold-plain"
    log = workdir / "hold-events.jsonl"
    with (
        tmux_server("hold", workdir) as coach,
        tmux_server("hold-plain", workdir) as plain,
        tmux_server("termdown", workdir) as termdown,
        tmux_server("ticker", workdir) as ticker,
    ):
        starts = {"coach": start_coach_hold(coach, data_dir, log, HOLD_FIGURE_FILE)}
        starts["plain"] = start_coach_hold(plain, plain_dir, workdir / "plain-events.jsonl")
        starts["termdown"] = start_termdown(termdown, data_dir)
        starts["ticker"] = start_ticker(ticker, data_dir)
        servers = {"coach": coach, "plain": plain, "termdown": termdown, "ticker": ticker}
        pids = {name: server.pid() for name, server in servers.items()}
        sizes = {server.size().strip() for server in servers.values()}
        if sizes != {f"{COLUMNS}x{LINES}"}:
            raise BenchError(f"pane sizes are {sizes}, not {COLUMNS}x{LINES}")
        for name, pid in pids.items():
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            print(
                f"  {name}: pid {pid} ({comm}), started at +{starts[name] - starts['coach']:.2f} s"
            )
        used = sample_window(starts, pids)
        dots = braille_dots(coach.screen())
        if dots == 0:
            raise BenchError("the hold's figure was not on screen")
        # Let the holds end and the sessions finish normally, so coach writes its event
        # log (ctrl+q is no way out: it does nothing while a pain prompt is open).
        for server in (coach, plain):
            end_session(server, 20)
    notes = [] if MODE.smoke else check_hold_window(log, starts["coach"])
    percent = {name: 100 * seconds / MODE.seconds for name, seconds in used.items()}
    return CpuUse(
        percent["coach"],
        percent["plain"],
        percent["termdown"],
        percent["ticker"],
        MODE.seconds,
        notes,
        dots,
    )


# -- 4. CPU during a one-minute set of reps, the figure animating ---------------------------


def start_coach_reps(tmux: Tmux, data_dir: Path, log: Path) -> float:
    """Start the one-minute set of reps; return the monotonic time its first rep showed."""
    tmux.start(
        coach_argv(REPS_FILE, data_dir=data_dir), child_env(data_dir, COACH_EVENT_LOG=str(log))
    )
    seen, _ = drive(tmux, lambda s: "rep 1/12" in s and PROMPT_HINT not in s, 30, "the reps")
    return seen


@dataclass
class RepsCpu:
    coach_percent: float
    termdown_percent: float
    figure_dots: int
    """Braille dots in the figure's region at the end of the window: it was on screen."""


def measure_reps_cpu(workdir: Path) -> RepsCpu:
    data_dir = workdir / "data-reps"
    log = workdir / "reps-events.jsonl"
    with (
        tmux_server("reps", workdir) as coach,
        tmux_server("termdown-reps", workdir) as termdown,
    ):
        starts = {"coach": start_coach_reps(coach, data_dir, log)}
        starts["termdown"] = start_termdown(termdown, data_dir)
        pids = {"coach": coach.pid(), "termdown": termdown.pid()}
        used = sample_window(starts, pids)
        dots = braille_dots(coach.screen())
        if dots == 0:
            raise BenchError("the reps' figure was not on screen")
        end_session(coach, 20)
    percent = {name: 100 * seconds / MODE.seconds for name, seconds in used.items()}
    return RepsCpu(percent["coach"], percent["termdown"], dots)


def report_reps_cpu(result: RepsCpu) -> list[str]:
    if result.termdown_percent > 0:
        ratio = result.coach_percent / result.termdown_percent
        ratio_text = (
            f"ratio {ratio:.2f}   goal <= {GOAL_CPU_FIGURE}   {verdict(ratio <= GOAL_CPU_FIGURE)}"
        )
    else:
        ratio_text = "ratio n/a (termdown used no measurable CPU)"
    return [
        f"CPU during 1-min reps    coach {result.coach_percent:.2f} % of a core (figure "
        f"animating)   termdown {result.termdown_percent:.2f} %   {ratio_text}",
        f"  ({window_text()}, 80x24 tmux panes; the figure "
        f"showed {result.figure_dots} braille dots at the end of the window)",
    ]


# -- 3. end-of-session clock error -------------------------------------------------------


@dataclass
class ClockError:
    finished_late: float
    """Seconds the "finished" event was handled after it was due (signed)."""
    last_block_late: float
    """The same for the last "rating" event: the end of the last timed block."""
    prompts: int
    wall: float
    prompt_wait: float
    expected: float
    start_delay: float
    set_end_lateness: float
    max_step_lateness_ms: float

    @property
    def finished_ms(self) -> float:
        return 1000 * abs(self.finished_late)

    @property
    def last_block_ms(self) -> float:
        return 1000 * abs(self.last_block_late)

    @property
    def delta(self) -> float:
        """Wall time outside prompts minus total/speed."""
        return self.wall - self.prompt_wait - self.expected

    @property
    def residual(self) -> float:
        """What the known delays do not explain: drift of the session clock, if any."""
        return self.delta - self.start_delay - self.set_end_lateness - self.finished_late


def analyse_log(events: list[dict[str, Any]], prompts: int) -> ClockError:
    session = next(e for e in events if e.get("event") == "session")
    finished = next(e for e in events if e.get("event") == "finished")
    runner_events = [e for e in events if e.get("event") in ("step", "rating", "cue", "finished")]
    ratings = [e for e in events if e.get("event") == "rating"]
    prompt_wait = 0.0
    for i, event in enumerate(events):
        if event.get("event") == "rating":
            resumed = next(
                (e for e in events[i + 1 :] if e.get("event") in ("step", "finished")), None
            )
            if resumed is not None:
                prompt_wait += resumed["t"] - event["t"]
    first_step = next(e for e in events if e.get("event") == "step")
    return ClockError(
        finished_late=finished["t"] - finished["due"],
        last_block_late=ratings[-1]["t"] - ratings[-1]["due"] if ratings else 0.0,
        prompts=prompts,
        wall=finished["t"] - session["t"],
        prompt_wait=prompt_wait,
        expected=session["total"] / session["speed"],
        start_delay=first_step["due"] - session["t"],
        set_end_lateness=sum(e["t"] - e["due"] for e in ratings),
        max_step_lateness_ms=1000 * max(e["t"] - e["due"] for e in runner_events),
    )


def measure_clock(workdir: Path) -> ClockError:
    data_dir = workdir / "data-20min"
    log = workdir / "20min-events.jsonl"
    # No sound, so the figure does not depend on this machine's audio (or its bell).
    argv = coach_argv(ROUTINE_FILE, MODE.clock_speed, data_dir)
    with tmux_server("20min", workdir) as tmux:
        tmux.start(argv, child_env(data_dir, COACH_EVENT_LOG=str(log)))
        _, prompts = drive(tmux, session_over, 240, "the summary")
        quit_coach(tmux, ["Enter"])
    return analyse_log(read_event_log(log), prompts)


# -- the report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def report_first_frame(result: FirstFrame) -> list[str]:
    minimal = statistics.median(result.minimal)
    minimal_cpu = statistics.median(result.cpu.get("minimal", [0.0]))
    lines = []
    for what, key, runs, goal in (
        ("first frame, first start", "first_start", result.first_start, GOAL_FIRST_FRAME),
        ("home, empty history     ", "home_empty", result.home_empty, GOAL_HOME),
        ("home, ten years         ", "home_years", result.home_years, GOAL_HOME),
    ):
        coach = statistics.median(runs)
        ratio = coach / minimal
        lines.append(
            f"{what}  coach {coach:.3f} s   minimal Textual app {minimal:.3f} s   "
            f"ratio {ratio:.2f}   goal <= {goal}   {verdict(ratio <= goal)}"
        )
        # The same frame in CPU seconds of the program's own process: the wall time
        # above grows with whatever else the machine runs; this does much less.
        cpu = statistics.median(result.cpu.get(key, [0.0]))
        if minimal_cpu > 0 and cpu > 0:
            cpu_ratio = cpu / minimal_cpu
            lines.append(
                f"  CPU to that frame       coach {cpu:.2f} s   minimal Textual app "
                f"{minimal_cpu:.2f} s   ratio {cpu_ratio:.2f}   goal <= {goal}   "
                f"{verdict(cpu_ratio <= goal)}"
            )
    slow = statistics.median(result.first_start_home)
    lines += [
        f"  (extra) home on a first start (nothing kept): {slow:.3f} s, ratio {slow / minimal:.2f}",
        f"  (medians of {MODE.runs} interleaved runs each, 80x24 pty; ten years: {result.years})",
    ]
    return lines


def ratio_to(value: float, reference: float) -> str:
    return f"{value / reference:.2f}" if reference > 0 else "n/a"


def window_text() -> str:
    begin, end = MODE.window
    return f"{end - begin:.0f} s window from +{begin:.0f} s to +{end:.0f} s after each start"


def report_cpu(result: CpuUse) -> list[str]:
    if result.termdown_percent > 0:
        ratio = result.coach_percent / result.termdown_percent
        ratio_text = f"ratio {ratio:.2f}   goal <= {GOAL_CPU}   {verdict(ratio <= GOAL_CPU)}"
    else:
        ratio_text = "ratio n/a (termdown used no measurable CPU)"
    resolution = 100 / CLK_TCK / result.window
    return [
        f"CPU during 1-min hold    coach {result.coach_percent:.2f} % of a core (a bundled "
        f"exercise, its figure on screen)   termdown {result.termdown_percent:.2f} %   "
        f"{ratio_text}",
        f"  (extra) the same hold without a figure: {result.plain_percent:.2f} % of a core, "
        f"ratio {ratio_to(result.plain_percent, result.termdown_percent)}",
        f"  (extra) minimal Textual app redrawing a label at 1 Hz: {result.ticker_percent:.2f} %"
        f" of a core; coach / that = {ratio_to(result.coach_percent, result.ticker_percent)}",
        f"  ({window_text()}, side by side in 80x24 tmux panes; /proc resolves "
        f"{resolution:.2f} % of a core; the figure showed {result.figure_dots} braille dots)",
        *(f"  ({note})" for note in result.notes),
    ]


def report_clock(result: ClockError) -> list[str]:
    judged = max(result.finished_ms, result.last_block_ms)
    ok = judged <= GOAL_CLOCK_MS
    return [
        f"end-of-session clock     finished event {result.finished_ms:.2f} ms late, end of the "
        f"last block {result.last_block_ms:.2f} ms late",
        f"  error at --speed {MODE.clock_speed:g}    judged on the larger: {judged:.2f} ms   "
        f"goal <= {GOAL_CLOCK_MS:.0f} ms   {verdict(ok)}",
        f"  cross-check: wall {result.wall:.3f} s - prompts {result.prompt_wait:.3f} s "
        f"({result.prompts} answered) = {result.wall - result.prompt_wait:.3f} s vs total/speed "
        f"{result.expected:.3f} s: {1000 * result.delta:+.1f} ms",
        f"  = start delay {1000 * result.start_delay:.1f} ms + set-end lateness "
        f"{1000 * result.set_end_lateness:.1f} ms + finish {1000 * result.finished_late:.1f} ms "
        f"+ residual {1000 * result.residual:+.2f} ms (drift)",
        f"  (latest of all step, cue and rating events: {result.max_step_lateness_ms:.1f} ms)",
    ]


def header() -> str:
    return (
        f"coach benchmarks (this machine: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Textual {version_of('textual')}, "
        f"termdown {version_of('termdown')})"
    )


def run_all(workdir: Path, only: Sequence[str] = ()) -> list[str]:
    """Every measurement, or those numbered in ``only`` (``bench/run.py 2 4``)."""
    lines: list[str] = []
    steps: list[tuple[str, Callable[[], list[str]]]] = [
        ("2. CPU during a one-minute hold (about 70 s)", lambda: report_cpu(measure_cpu(workdir))),
        (
            "1. time to first frame and to home (about 40 s)",
            lambda: report_first_frame(measure_first_frame(workdir)),
        ),
        (
            "3. end-of-session clock error, 20 minutes at --speed 20 (about 70 s)",
            lambda: report_clock(measure_clock(workdir)),
        ),
    ]
    steps.insert(
        1,
        (
            "4. CPU during a one-minute set of reps, the figure animating (about 70 s)",
            lambda: report_reps_cpu(measure_reps_cpu(workdir)),
        ),
    )
    for title, step in steps:
        if only and not any(title.startswith(f"{number}.") for number in only):
            continue
        print(title, flush=True)
        try:
            lines += step()
        except BenchError as exc:
            lines.append(f"{title}: NOT MEASURED: {exc}")
    return lines


def main(argv: Sequence[str] = ()) -> int:
    """``bench/run.py [--smoke] [number...]``: every measurement, or those numbered; with
    --smoke, the same screens driven in seconds (``make bench-smoke``)."""
    global MODE
    if shutil.which("tmux") is None:
        print("make bench needs tmux (apt-get install tmux)", file=sys.stderr)
        return 1
    args = list(argv)
    if "--smoke" in args:
        args.remove("--smoke")
        MODE = SMOKE
        print("smoke test: the bench's screens, driven in seconds; the figures mean nothing")
    if MODE.smoke and not TERMDOWN.exists():
        print("(termdown is not installed: its figures read 0 in the smoke test)")
    else:
        ensure_termdown()
    print(header(), flush=True)
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        lines = run_all(Path(tmp), args)
    print()
    print(header())
    for line in lines:
        print(line)
    return 1 if any("NOT MEASURED" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
