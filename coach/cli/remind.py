"""``coach remind``: a daily reminder, kept by the system's own per-user scheduler.

coach runs no daemon of its own. ``coach remind --at HH:MM`` hands the reminder to what
the system already runs for the user: a systemd user timer on Linux, a launchd agent on
macOS; where neither is found it prints the crontab line to add by hand. At that time
the scheduler runs ``coach remind --notify``, which shows one desktop notification
through the system's own notifier (``notify-send``, or ``osascript`` on macOS) and
always exits 0: a reminder that cannot be shown is not worth an error mail from cron.

With a routine file (``coach remind --at 19:00 evening.yaml``), the reminder is that
routine's own: its units are named by the routine's id (``coach-reminder-evening.timer``),
the scheduler runs ``coach remind --notify FILE``, which names the routine and stays
silent once it is done today, and the time is kept with the routine in the ``routines``
setting, so home shows it. A routine's reminder and the daily one are independent.

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


@dataclass(frozen=True)
class Reminded:
    """What a reminder is for: a routine (or program) file, by its id and name; the daily
    reminder of home's session when ``file`` is None."""

    file: Path | None = None
    """The file, absolute (None: the daily reminder)."""
    slug: str = ""
    """The routine's id, which names its units (letters, digits and '-')."""
    name: str = ""

    @property
    def what(self) -> str:
        return f"{self.name} ({_shown(self.file)})" if self.file is not None else "today's session"


DAILY = Reminded()


def names(reminded: Reminded) -> tuple[str, str, str]:
    """The systemd service, the timer and the launchd label of ``reminded``."""
    if not reminded.slug:
        return SERVICE, TIMER, LAUNCHD_LABEL
    return (
        f"coach-reminder-{reminded.slug}.service",
        f"coach-reminder-{reminded.slug}.timer",
        f"{LAUNCHD_LABEL}.{reminded.slug}",
    )


def reminded(file: Path) -> Reminded | str:
    """The reminder of the routine or program ``file``; one sentence when it cannot be
    read (its errors are ``coach validate``'s to show)."""
    from coach.format.diagnostics import SessionFileError
    from coach.format.loader import RoutineFile, load_session_file

    try:
        loaded = load_session_file(file)
    except SessionFileError:
        return (
            f"{printable(str(file))} has errors: 'coach validate {printable(str(file))}' shows them"
        )
    except OSError as exc:
        return f"cannot read {printable(str(file))}: {exc.strerror or exc}"
    about = loaded.routine if isinstance(loaded, RoutineFile) else loaded.program
    return Reminded(file.absolute(), about.id, printable(about.name))


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


def notify_command(coach: Sequence[str], file: Path | None = None) -> list[str]:
    return [*coach, "remind", "--notify", *([str(file)] if file is not None else [])]


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


def systemd_units(at: At, coach: Sequence[str], for_: Reminded = DAILY) -> tuple[str, str]:
    """The service and the timer: every day at ``at``, and when the machine was off
    then, as soon as it is on again (``Persistent=true``)."""
    exec_start = " ".join(_systemd_word(word) for word in notify_command(coach, for_.file))
    what = "today's back exercises" if for_.file is None else _unit_text(for_.name)
    service = (
        "[Unit]\n"
        f"Description=coach: a reminder of {what}\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_start}\n"
    )
    timer = (
        "[Unit]\n"
        "Description=coach: a daily reminder of "
        f"{'your back exercises' if for_.file is None else what}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {at}:00\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return service, timer


def _unit_text(name: str) -> str:
    """A routine's name as a unit file may hold it: one line, no specifiers."""
    return "".join(c for c in name if c.isprintable()).replace("%", "%%")


def launchd_plist(at: At, coach: Sequence[str], for_: Reminded = DAILY) -> bytes:
    """The launchd agent: ``coach remind --notify`` every day at ``at``."""
    return plistlib.dumps(
        {
            "Label": names(for_)[2],
            "ProgramArguments": notify_command(coach, for_.file),
            "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
        },
        sort_keys=False,
    )


def crontab_line(at: At, coach: Sequence[str], for_: Reminded = DAILY) -> str:
    """The line for ``crontab -e``: minute, hour, every day, the command quoted for the
    shell (and ``%``, which cron turns into a newline, escaped)."""
    command = " ".join(shlex.quote(word) for word in notify_command(coach, for_.file))
    return f"{at.minute} {at.hour} * * * {command.replace('%', chr(92) + '%')}"


# -- where things go ---------------------------------------------------------------------


def systemd_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user's own unit folder, as systemd finds it: ``$XDG_CONFIG_HOME/systemd/user``
    (``~/.config`` when unset or not absolute, as the XDG rules say)."""
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "systemd" / "user"


def launchd_path(for_: Reminded = DAILY) -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{names(for_)[2]}.plist"


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


def install(at: At, for_: Reminded = DAILY) -> int:
    """Set the reminder of ``for_`` (the daily one by default) at ``at``, replacing one
    set before; a routine's time is kept with it in the settings, for home."""
    coach = coach_command()
    if not _control_free(coach) or not _control_free([str(for_.file or "")]):
        what = coach[0] if not _control_free(coach) else str(for_.file)
        _say(f"coach: cannot set a reminder: the path {printable(what)} holds a control character")
        return EXIT_INVALID
    systemctl = _systemctl()
    if systemctl is not None:
        done = _install_systemd(systemctl, at, coach, for_)
    elif (launchctl := _launchctl()) is not None:
        done = _install_launchd(launchctl, at, coach, for_)
    else:
        _say(
            f"coach: no systemd user instance or launchd here; to be reminded of "
            f"{for_.what} at {at} every day, add this line to your crontab (crontab -e):"
        )
        print(printable(crontab_line(at, coach, for_)))
        done = EXIT_OK
    if done == EXIT_OK and for_.file is not None:
        _remember(for_, str(at))
    return done


def _install_systemd(systemctl: str, at: At, coach: list[str], for_: Reminded) -> int:
    folder = systemd_dir()
    service_name, timer_name, _ = names(for_)
    service, timer = systemd_units(at, coach, for_)
    try:
        _write(folder / service_name, service.encode("utf-8"))
        _write(folder / timer_name, timer.encode("utf-8"))
    except OSError as exc:
        _say(f"coach: cannot write the reminder to {folder}: {exc.strerror or exc}")
        return EXIT_INVALID
    for step in (["daemon-reload"], ["enable", "--now", timer_name]):
        problem = _run([systemctl, "--user", *step])
        if problem is not None:
            _say(
                f"coach: 'systemctl --user {' '.join(step)}' failed ({problem}); the reminder "
                f"files are in {folder} ('coach remind --off' removes them)"
            )
            return EXIT_INVALID
    of = "" if for_.file is None else f" of {for_.what}"
    print(
        f"A reminder{of} is set for {at} every day (a systemd user timer, "
        f"{_shown(folder / timer_name)}); if the computer is off then, it reminds you when "
        "it is next on. 'coach remind --off' removes it."
    )
    return EXIT_OK


def _install_launchd(launchctl: str, at: At, coach: list[str], for_: Reminded) -> int:
    path = launchd_path(for_)
    try:
        _write(path, launchd_plist(at, coach, for_))
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
    of = "" if for_.file is None else f" of {for_.what}"
    print(
        f"A reminder{of} is set for {at} every day (a launchd agent, {_shown(path)}). "
        "'coach remind --off' removes it."
    )
    return EXIT_OK


def remove(for_: Reminded | None = None) -> int:
    """Remove the reminder of ``for_``; None: every reminder coach set (the daily one and
    each routine's)."""
    removed: list[Path] = []
    problems: list[str] = []
    targets = [for_] if for_ is not None else [DAILY, *_routines_reminded()]
    if for_ is None:
        # And any routine's units the settings no longer name (a hand-edited file).
        known = {t.slug for t in targets}
        targets += [Reminded(None, slug) for slug in _installed_slugs() if slug not in known]
    for target in targets:
        removed += _remove_one(target, problems)
        if target.file is not None and target.slug:
            _remember(target, "")
    for problem in problems:
        _say(f"coach: {problem}")
    if removed:
        what = (
            "The daily reminder is"
            if for_ is None or for_.file is None
            else (f"The reminder of {for_.what} is")
        )
        print(f"{what} off: removed {', '.join(_shown(p) for p in removed)}.")
    elif not problems:
        print(
            "No reminder set by coach was found (a crontab line added by hand stays: "
            "'crontab -e' removes it)."
        )
    return EXIT_INVALID if problems else EXIT_OK


def _remove_one(for_: Reminded, problems: list[str]) -> list[Path]:
    removed: list[Path] = []
    folder = systemd_dir()
    service_name, timer_name, _ = names(for_)
    units = [folder / service_name, folder / timer_name]
    if any(p.exists() for p in units):
        systemctl = _systemctl()
        if systemctl is not None:
            problem = _run([systemctl, "--user", "disable", "--now", timer_name])
            if problem is not None:
                problems.append(f"'systemctl --user disable --now {timer_name}' failed ({problem})")
        removed += _unlink(units, problems)
        if systemctl is not None:
            problem = _run([systemctl, "--user", "daemon-reload"])
            if problem is not None:
                problems.append(f"'systemctl --user daemon-reload' failed ({problem})")
    plist = launchd_path(for_)
    if plist.exists():
        launchctl = _launchctl()
        if launchctl is not None:
            _run([launchctl, "unload", "-w", str(plist)])  # not loaded is fine
        removed += _unlink([plist], problems)
    return removed


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
    """Say whether the daily reminder is set, and when; then each routine home lists,
    with its own reminder or none."""
    print(_status_of(DAILY))
    for target, at in _listed():
        if at:
            print(_status_of(target, at))
        else:
            print(
                f"{target.what}: no reminder; 'coach remind --at 07:30 "
                f"{printable(_shown(target.file or Path()))}' sets one."
            )
    return EXIT_OK


def _status_of(for_: Reminded, at_setting: str = "") -> str:
    """One line: the reminder of ``for_``, set where and when (or not set)."""
    of = "" if for_.file is None else f" of {for_.what}"
    timer_name = names(for_)[1]
    timer = systemd_dir() / timer_name
    plist = launchd_path(for_)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        found = _ON_CALENDAR.search(timer.read_text(encoding="utf-8"))
        if found is not None:
            at = At(int(found[1]), int(found[2]))
            systemctl = _systemctl()
            stopped = systemctl is not None and _run([systemctl, "--user", "is-active", timer_name])
            if stopped:
                return (
                    f"A reminder{of} is installed for {at} every day ({_shown(timer)}) but its "
                    f"timer is not running: 'systemctl --user status {timer_name}' says why."
                )
            return (
                f"A reminder{of} is set for {at} every day (a systemd user timer, {_shown(timer)})."
            )
    with contextlib.suppress(OSError, plistlib.InvalidFileException, KeyError, TypeError):
        when = plistlib.loads(plist.read_bytes())["StartCalendarInterval"]
        at = At(int(when["Hour"]), int(when["Minute"]))
        return f"A reminder{of} is set for {at} every day (a launchd agent, {_shown(plist)})."
    if for_.file is None:
        return "No reminder is set; 'coach remind --at 07:30' sets one for 07:30 every day."
    # Set by a crontab line (coach cannot see it), as the settings say.
    return f"A reminder{of} is kept for {at_setting} every day (a crontab line you added)."


# -- the routines' reminders, kept in the settings ---------------------------------------


def _listed() -> list[tuple[Reminded, str]]:
    """The routines home lists, each as a reminder target with its time ('' for none);
    a file that cannot be read is left out (home says why)."""
    from coach.config.locations import home_routines

    found = []
    for path, at in home_routines()[0]:
        target = reminded(path)
        if isinstance(target, Reminded):
            found.append((target, at))
    return found


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def _installed_slugs() -> list[str]:
    """The routines whose reminder units or agents are installed, by their ids."""
    found: list[str] = []
    with contextlib.suppress(OSError):
        for timer in sorted(systemd_dir().glob("coach-reminder-*.timer")):
            found.append(timer.name.removeprefix("coach-reminder-").removesuffix(".timer"))
    with contextlib.suppress(OSError):
        agents = Path.home() / "Library" / "LaunchAgents"
        for plist in sorted(agents.glob(f"{LAUNCHD_LABEL}.*.plist")):
            found.append(plist.name.removeprefix(f"{LAUNCHD_LABEL}.").removesuffix(".plist"))
    return [slug for slug in dict.fromkeys(found) if _SLUG.fullmatch(slug)]


def _routines_reminded() -> list[Reminded]:
    return [target for target, at in _listed() if at]


def _remember(for_: Reminded, at: str) -> None:
    """Keep ``at`` ('' for none) as the reminder of ``for_``'s routine in the
    ``routines`` setting, adding the routine when it is not listed (after the routine
    home opens on, when the list is empty): home shows the time. Said, never fatal."""
    from coach.config.locations import home_routine, settings_path
    from coach.config.settings import (
        RoutineSetting,
        load_settings,
        routine_entry,
        save_settings,
        with_changes,
    )
    from coach.config.toml import user_path

    assert for_.file is not None
    where = settings_path()
    settings, problems = load_settings(where)
    if any(": routines:" in p for p in problems):
        _say(
            f"coach: the routines setting in {printable(str(where))} cannot be read, so home "
            "does not show this reminder's time; fix it and set the reminder again"
        )
        return
    entries = [routine_entry(e) for e in settings.routines]

    def same(text: str) -> bool:
        path, _ = user_path(text)
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            return path is not None and path.resolve() == for_.file.resolve()  # type: ignore[union-attr]
        return False

    at_index = next((i for i, e in enumerate(entries) if same(e.file)), None)
    if at_index is None:
        if not at:
            return
        if not entries:
            home, _ = home_routine(where)
            if not same(str(home)):
                entries.append(RoutineSetting(file=_shown(home)))
        entries.append(RoutineSetting(file=_shown(for_.file)))
        at_index = len(entries) - 1
        if len(entries) > 9:
            _say("coach: home lists at most 9 routines; this one is not added to them")
            return
    added = len(entries) != len(settings.routines)
    entries[at_index] = RoutineSetting(file=entries[at_index].file, remind_at=at)
    values = [e.file if not e.remind_at else e for e in entries]
    try:
        save_settings(where, with_changes(settings, {"routines": values}))
    except OSError as exc:
        _say(f"coach: cannot write {printable(str(where))}: {exc.strerror or exc}")
        return
    if added:
        listed = ", ".join(printable(e.file) for e in entries)
        print(f"Home now lists these routines (routines in {_shown(where)}): {listed}.")


# -- the reminder itself -----------------------------------------------------------------


def reminder_text(for_: Reminded = DAILY) -> str:
    minutes = _session_minutes(for_.file)
    about = f" (about {minutes} min)" if minutes else ""
    if for_.file is not None:
        return f"Time for {for_.name}{about}."
    return f"Time for today's back exercises{about}."


def _session_minutes(file: Path | None = None) -> int | None:
    """Today's session length in minutes, from ``file`` (the routine home opens on by
    default) and the history when there is one; None when that cannot be worked out."""
    import math

    from coach.config.locations import database_path, home_routine
    from coach.engine.clock import local_today
    from coach.engine.planning import plan_from, programs_of
    from coach.engine.timeline import build_timeline, plan_session
    from coach.format.loader import load_session_file
    from coach.store.database import HistoryStore

    # The length is a courtesy: a damaged file or history must cost the reminder only it.
    try:
        loaded = load_session_file(file if file is not None else home_routine()[0])
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


def _done_today(for_: Reminded) -> bool:
    """Whether ``for_``'s routine was played today (its reminder then stays silent);
    False when the history cannot tell."""
    from coach.config.locations import database_path
    from coach.engine.clock import local_today
    from coach.engine.home import routine_done
    from coach.store.database import HistoryStore

    try:
        path = database_path()
        if not path.exists():
            return False
        recent = HistoryStore(path).recent_sessions(30)
        return routine_done(recent, for_.slug, local_today())
    except Exception:
        return False


def notify(file: Path | None = None) -> int:
    """Show the reminder as a desktop notification (of ``file``'s routine: nothing once
    it is done today). Always 0: where there is no notifier, it is said on stderr when a
    person ran it, and nothing otherwise."""
    for_ = DAILY
    if file is not None:
        found = reminded(file)
        # A routine file gone or broken still reminds, by its file's name.
        for_ = found if isinstance(found, Reminded) else Reminded(file, "", file.stem)
        if found is for_ and _done_today(for_):
            if sys.stderr.isatty():
                _say(f"coach: {for_.name} is done today: no reminder.")
            return EXIT_OK
    text = reminder_text(for_)
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
