"""``coach remind``: a daily reminder, kept by the system's own per-user scheduler.

coach runs no daemon of its own. ``coach remind --at HH:MM`` hands the reminder to what
the system already runs for the user: a systemd user timer on Linux, a launchd agent on
macOS; where neither is found it prints the crontab line to add by hand. At that time
the scheduler runs ``coach remind --notify``, which shows one desktop notification
through the system's own notifier (``notify-send``, or ``osascript`` on macOS) and
always exits 0: a reminder that cannot be shown is not worth an error mail from cron.

The unit files and the plist are built by pure functions (:func:`systemd_units`,
:func:`launchd_plist`, :func:`crontab_line`), so their exact contents are tested on any
system; only :func:`install`, :func:`remove` and :func:`notify` touch it.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.base.atomic import write_atomic
from coach.cli import EXIT_INVALID, EXIT_OK, _say
from coach.format.text import printable, quoted

__all__ = [
    "LAUNCHD_LABEL",
    "SERVICE",
    "TIMER",
    "coach_command",
    "crontab_line",
    "install",
    "launchd_plist",
    "notify",
    "parse_time",
    "remove",
    "status",
    "systemd_units",
]

SERVICE = "coach-reminder.service"
TIMER = "coach-reminder.timer"
LAUNCHD_LABEL = "local.coach.reminder"
"""launchd's name for the agent ('local.' is the prefix for what no vendor ships)."""

COMMAND_TIMEOUT = 30.0
"""Seconds systemctl or launchctl may take before coach gives up on it."""

NOTIFY_TIMEOUT = 10.0

_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
"""ASCII digits only: ``\\d`` would take digits of every script."""


@dataclass(frozen=True)
class At:
    """A time of day, to the minute."""

    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def parse_time(text: str) -> At:
    """``HH:MM`` (or ``H:MM``) from 00:00 to 23:59; ValueError with one sentence
    (quoting ``text`` escaped) otherwise."""
    found = _TIME.fullmatch(text)
    if found is not None:
        hour, minute = int(found[1]), int(found[2])
        if hour <= 23 and minute <= 59:
            return At(hour, minute)
    raise ValueError(f"{quoted(text)} is not a time of day like 07:30 (00:00 to 23:59)")


# -- what the scheduler runs ------------------------------------------------------------


def coach_command(argv0: str | None = None, executable: str | None = None) -> list[str]:
    """This very coach, by absolute path, as a scheduler can run it (with no PATH worth
    trusting, and no venv activated): the ``coach`` script that was run, when it was
    one; otherwise (``python -m coach``, tests) this interpreter with ``-m coach``."""
    script = Path(sys.argv[0] if argv0 is None else argv0)
    if script.name == "coach":
        # Absolute, not resolved: a link in ~/.local/bin to a venv's script stays the
        # link the person made, and follows the venv when it is rebuilt.
        path = script.absolute()
        with contextlib.suppress(OSError):
            if path.is_file() and os.access(path, os.X_OK):
                return [str(path)]
    return [sys.executable if executable is None else executable, "-m", "coach"]


def notify_command(coach: Sequence[str]) -> list[str]:
    return [*coach, "remind", "--notify"]


def _control_free(words: Sequence[str]) -> bool:
    return not any(ord(c) < 0x20 or ord(c) == 0x7F for word in words for c in word)


_SYSTEMD_PLAIN = re.compile(r"[A-Za-z0-9_@+=:,./-]+")


def _systemd_word(word: str) -> str:
    """One word of ``ExecStart=``: ``%`` (specifiers) and ``$`` (variables) doubled, and
    quoted when it holds anything but plain path characters (a space)."""
    word = word.replace("%", "%%").replace("$", "$$")
    if _SYSTEMD_PLAIN.fullmatch(word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(at: At, coach: Sequence[str]) -> tuple[str, str]:
    """The service and the timer: every day at ``at``, and when the machine was off
    then, as soon as it is on again (``Persistent=true``)."""
    exec_start = " ".join(_systemd_word(word) for word in notify_command(coach))
    service = (
        "[Unit]\n"
        "Description=coach: a reminder of today's back exercises\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_start}\n"
    )
    timer = (
        "[Unit]\n"
        "Description=coach: a daily reminder of your back exercises\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {at}:00\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return service, timer


def launchd_plist(at: At, coach: Sequence[str]) -> bytes:
    """The launchd agent: ``coach remind --notify`` every day at ``at``."""
    return plistlib.dumps(
        {
            "Label": LAUNCHD_LABEL,
            "ProgramArguments": notify_command(coach),
            "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
        },
        sort_keys=False,
    )


def crontab_line(at: At, coach: Sequence[str]) -> str:
    """The line for ``crontab -e``: minute, hour, every day, the command quoted for the
    shell (and ``%``, which cron turns into a newline, escaped)."""
    command = " ".join(shlex.quote(word) for word in notify_command(coach))
    return f"{at.minute} {at.hour} * * * {command.replace('%', chr(92) + '%')}"


# -- where things go ---------------------------------------------------------------------


def systemd_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user's own unit folder, as systemd finds it: ``$XDG_CONFIG_HOME/systemd/user``
    (``~/.config`` when unset or not absolute, as the XDG rules say)."""
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "systemd" / "user"


def launchd_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def _run(command: Sequence[str]) -> str | None:
    """Run ``command``; None when it succeeded, else why not in a few words."""
    try:
        done = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"it did not answer within {COMMAND_TIMEOUT:g} s"
    except OSError as exc:
        return f"it could not start ({exc.strerror or exc})"
    if done.returncode == 0:
        return None
    said = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
    return f"status {done.returncode}{': ' + said if said else ''}"


def _systemctl() -> str | None:
    """systemctl, when a systemd user instance answers it."""
    if not sys.platform.startswith("linux"):
        return None
    systemctl = shutil.which("systemctl")
    if systemctl is None or _run([systemctl, "--user", "show-environment"]) is not None:
        return None
    return systemctl


def _launchctl() -> str | None:
    return shutil.which("launchctl") if sys.platform == "darwin" else None


def _write(path: Path, data: bytes) -> None:
    """``data`` in ``path`` at once (a file renamed over it), readable by the scheduler."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, mode=0o644)


def _shown(path: Path) -> str:
    """``path`` with the home folder as ``~``, for a sentence."""
    with contextlib.suppress(ValueError, RuntimeError):
        return "~/" + str(path.relative_to(Path.home()))
    return str(path)


# -- the commands ------------------------------------------------------------------------


def install(at: At) -> int:
    """Set the daily reminder at ``at`` (replacing one set before)."""
    coach = coach_command()
    if not _control_free(coach):
        _say(f"coach: cannot set a reminder: coach's path, {coach[0]}, holds a control character")
        return EXIT_INVALID
    systemctl = _systemctl()
    if systemctl is not None:
        return _install_systemd(systemctl, at, coach)
    launchctl = _launchctl()
    if launchctl is not None:
        return _install_launchd(launchctl, at, coach)
    _say(
        f"coach: no systemd user instance or launchd here; to be reminded at {at} every "
        "day, add this line to your crontab (crontab -e):"
    )
    print(printable(crontab_line(at, coach)))
    return EXIT_OK


def _install_systemd(systemctl: str, at: At, coach: list[str]) -> int:
    folder = systemd_dir()
    service, timer = systemd_units(at, coach)
    try:
        _write(folder / SERVICE, service.encode("utf-8"))
        _write(folder / TIMER, timer.encode("utf-8"))
    except OSError as exc:
        _say(f"coach: cannot write the reminder to {folder}: {exc.strerror or exc}")
        return EXIT_INVALID
    for step in (["daemon-reload"], ["enable", "--now", TIMER]):
        problem = _run([systemctl, "--user", *step])
        if problem is not None:
            _say(
                f"coach: 'systemctl --user {' '.join(step)}' failed ({problem}); the reminder "
                f"files are in {folder} ('coach remind --off' removes them)"
            )
            return EXIT_INVALID
    print(
        f"A reminder is set for {at} every day (a systemd user timer, "
        f"{_shown(folder / TIMER)}); if the computer is off then, it reminds you when it "
        "is next on. 'coach remind --off' removes it."
    )
    return EXIT_OK


def _install_launchd(launchctl: str, at: At, coach: list[str]) -> int:
    path = launchd_path()
    try:
        _write(path, launchd_plist(at, coach))
    except OSError as exc:
        _say(f"coach: cannot write the reminder to {path}: {exc.strerror or exc}")
        return EXIT_INVALID
    _run([launchctl, "unload", str(path)])  # one loaded before keeps its old time
    problem = _run([launchctl, "load", "-w", str(path)])
    if problem is not None:
        _say(
            f"coach: 'launchctl load' failed ({problem}); the reminder is in {path} "
            "('coach remind --off' removes it)"
        )
        return EXIT_INVALID
    print(
        f"A reminder is set for {at} every day (a launchd agent, {_shown(path)}). "
        "'coach remind --off' removes it."
    )
    return EXIT_OK


def remove() -> int:
    """Remove the reminder coach set, whichever scheduler holds it."""
    removed: list[Path] = []
    problems: list[str] = []
    folder = systemd_dir()
    units = [folder / SERVICE, folder / TIMER]
    if any(p.exists() for p in units):
        systemctl = _systemctl()
        if systemctl is not None:
            problem = _run([systemctl, "--user", "disable", "--now", TIMER])
            if problem is not None:
                problems.append(f"'systemctl --user disable --now {TIMER}' failed ({problem})")
        removed += _unlink(units, problems)
        if systemctl is not None:
            problem = _run([systemctl, "--user", "daemon-reload"])
            if problem is not None:
                problems.append(f"'systemctl --user daemon-reload' failed ({problem})")
    plist = launchd_path()
    if plist.exists():
        launchctl = _launchctl()
        if launchctl is not None:
            _run([launchctl, "unload", "-w", str(plist)])  # not loaded is fine
        removed += _unlink([plist], problems)
    for problem in problems:
        _say(f"coach: {problem}")
    if removed:
        print(f"The daily reminder is off: removed {', '.join(_shown(p) for p in removed)}.")
    elif not problems:
        print(
            "No reminder set by coach was found (a crontab line added by hand stays: "
            "'crontab -e' removes it)."
        )
    return EXIT_INVALID if problems else EXIT_OK


def _unlink(paths: list[Path], problems: list[str]) -> list[Path]:
    gone = []
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"cannot remove {path}: {exc.strerror or exc}")
            continue
        gone.append(path)
    return gone


_ON_CALENDAR = re.compile(r"^OnCalendar=\*-\*-\* ([0-9]{2}):([0-9]{2}):00$", re.MULTILINE)


def status() -> int:
    """Say whether a reminder is set, and when."""
    timer = systemd_dir() / TIMER
    plist = launchd_path()
    with contextlib.suppress(OSError, UnicodeDecodeError):
        found = _ON_CALENDAR.search(timer.read_text(encoding="utf-8"))
        if found is not None:
            at = At(int(found[1]), int(found[2]))
            systemctl = _systemctl()
            stopped = systemctl is not None and _run([systemctl, "--user", "is-active", TIMER])
            if stopped:
                print(
                    f"A reminder is installed for {at} every day ({_shown(timer)}) but its "
                    f"timer is not running: 'systemctl --user status {TIMER}' says why."
                )
                return EXIT_OK
            print(f"A reminder is set for {at} every day (a systemd user timer, {_shown(timer)}).")
            return EXIT_OK
    with contextlib.suppress(OSError, plistlib.InvalidFileException, KeyError, TypeError):
        when = plistlib.loads(plist.read_bytes())["StartCalendarInterval"]
        at = At(int(when["Hour"]), int(when["Minute"]))
        print(f"A reminder is set for {at} every day (a launchd agent, {_shown(plist)}).")
        return EXIT_OK
    print("No reminder is set; 'coach remind --at 07:30' sets one for 07:30 every day.")
    return EXIT_OK


# -- the reminder itself -----------------------------------------------------------------


def reminder_text() -> str:
    minutes = _session_minutes()
    about = f" (about {minutes} min)" if minutes else ""
    return f"Time for today's back exercises{about}."


def _session_minutes() -> int | None:
    """Today's session length in minutes, from the routine home opens on and the history
    when there is one; None when that cannot be worked out."""
    import math

    from coach.config.locations import database_path, home_routine
    from coach.engine.clock import local_today
    from coach.engine.planning import plan_from, programs_of
    from coach.engine.timeline import build_timeline, plan_session
    from coach.format.loader import load_session_file
    from coach.store.database import HistoryStore

    # The length is a courtesy: a damaged file or history must cost the reminder only it.
    try:
        loaded = load_session_file(home_routine()[0])
        path = database_path()
        if path.exists():
            store = HistoryStore(path)
            pasts = {p.id: store.program_past(p, start) for p, start in programs_of(loaded)}
            plan = plan_from(loaded, pasts, today=local_today()).plan
        else:
            plan = plan_session(loaded)
        return max(1, math.ceil(build_timeline(plan).total / 60))
    except Exception:
        return None


def notify() -> int:
    """Show the reminder as a desktop notification. Always 0: where there is no notifier,
    it is said on stderr when a person ran it, and nothing otherwise."""
    text = reminder_text()
    if not _show(text) and sys.stderr.isatty():
        _say(f"coach: {text}")
    return EXIT_OK


def _show(text: str) -> bool:
    """Whether the system's notifier took ``text``."""
    if sys.platform == "darwin":
        osascript = shutil.which("osascript")
        if osascript is None:
            return False
        # The text is coach's own (no quotes in it), never a file's.
        script = f'display notification "{text}" with title "coach"'
        return _notified([osascript, "-e", script], None)
    notify_send = shutil.which("notify-send")
    if notify_send is None:
        return False
    env = dict(os.environ)
    if "DBUS_SESSION_BUS_ADDRESS" not in env and hasattr(os, "getuid"):
        # From cron there is no session bus address; the user's bus is at the usual place.
        bus = Path(f"/run/user/{os.getuid()}/bus")
        if bus.exists():
            env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
    return _notified([notify_send, "--app-name=coach", "coach", text], env)


def _notified(command: list[str], env: dict[str, str] | None) -> bool:
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=NOTIFY_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
