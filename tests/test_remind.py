"""``coach remind``: the reminder's files, exactly, under a temporary home, with
``systemctl`` (and ``notify-send``) replaced by fakes that record their calls. The real
ones are never run: PATH holds only the fakes."""

from __future__ import annotations

import plistlib
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.cli.remind import (
    At,
    coach_command,
    crontab_line,
    launchd_plist,
    parse_time,
    systemd_units,
)

from .conftest import CliResult

Cli = Callable[..., CliResult]

RECORDER = """\
#!/bin/sh
printf '%s\\n' "$*" >> "{log}"
case "$*" in {failing}) echo "Failed to enable unit: no" >&2; exit 1;; esac
exit 0
"""


class Fakes:
    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.root = root

    def add(self, name: str, failing: str = "never-this") -> Path:
        """A fake ``name`` that records each call's arguments (and fails on ``failing``)."""
        log = self.root / f"{name}.calls"
        path = self.bin / name
        path.write_text(RECORDER.format(log=log, failing=failing), encoding="utf-8")
        path.chmod(0o755)
        return log

    @staticmethod
    def calls(log: Path) -> list[str]:
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    """A temporary home and config folders, PATH with only fakes, and a coach script."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("COACH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    made = Fakes(tmp_path)
    monkeypatch.setenv("PATH", str(made.bin))
    script = tmp_path / "venv" / "bin" / "coach"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(script)])
    return made


linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="systemd is Linux's")

SERVICE = """\
[Unit]
Description=coach: a reminder of today's back exercises

[Service]
Type=oneshot
ExecStart={coach} remind --notify
"""

TIMER = """\
[Unit]
Description=coach: a daily reminder of your back exercises

[Timer]
OnCalendar=*-*-* 07:30:00
Persistent=true

[Install]
WantedBy=timers.target
"""


@linux
def test_at_installs_a_systemd_user_timer(cli: Cli, fakes: Fakes, tmp_path: Path) -> None:
    log = fakes.add("systemctl")
    result = cli("remind", "--at", "7:30")
    assert (result.code, result.err) == (0, "")
    units = tmp_path / "xdg" / "systemd" / "user"
    coach = tmp_path / "venv" / "bin" / "coach"
    assert (units / "coach-reminder.service").read_text() == SERVICE.format(coach=coach)
    assert (units / "coach-reminder.timer").read_text() == TIMER
    assert fakes.calls(log) == [
        "--user show-environment",
        "--user daemon-reload",
        "--user enable --now coach-reminder.timer",
    ]
    assert result.out.startswith("A reminder is set for 07:30 every day (a systemd user timer")

    status = cli("remind")
    assert status.out.startswith("A reminder is set for 07:30 every day")

    # Set again: replaced, not added to.
    assert cli("remind", "--at", "21:05").code == 0
    assert "OnCalendar=*-*-* 21:05:00\n" in (units / "coach-reminder.timer").read_text()

    log.unlink()
    off = cli("remind", "--off")
    assert (off.code, off.err) == (0, "")
    assert fakes.calls(log) == [
        "--user show-environment",
        "--user disable --now coach-reminder.timer",
        "--user daemon-reload",
    ]
    assert sorted(p.name for p in units.iterdir()) == []
    assert off.out.startswith("The daily reminder is off: removed ")
    assert cli("remind").out.startswith("No reminder is set")
    again = cli("remind", "--off")
    assert (again.code, again.out.split(" (")[0]) == (0, "No reminder set by coach was found")


@linux
def test_without_xdg_config_home_it_goes_to_dot_config(
    cli: Cli, fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    fakes.add("systemctl")
    assert cli("remind", "--at", "07:30").code == 0
    timer = tmp_path / "home" / ".config" / "systemd" / "user" / "coach-reminder.timer"
    assert timer.read_text() == TIMER


@linux
def test_a_failing_systemctl_is_one_sentence(cli: Cli, fakes: Fakes) -> None:
    fakes.add("systemctl", failing="*enable*")
    result = cli("remind", "--at", "07:30")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert result.err.startswith(
        "coach: 'systemctl --user enable --now coach-reminder.timer' failed "
        "(status 1: Failed to enable unit: no)"
    )


def test_without_a_scheduler_it_prints_the_crontab_line(
    cli: Cli, fakes: Fakes, tmp_path: Path
) -> None:
    result = cli("remind", "--at", "07:30")  # no systemctl, no launchctl on PATH
    assert result.code == 0
    assert result.out == f"30 7 * * * {tmp_path / 'venv' / 'bin' / 'coach'} remind --notify\n"
    assert "add this line to your crontab" in result.err
    assert not (tmp_path / "xdg").exists()


@pytest.mark.parametrize(
    "text",
    [
        "25:00",
        "24:00",
        "07:60",
        "7.30",
        "",
        "7",
        "730",
        "07:30:00",
        " 7:30",
        "７:30",
        "\x1b[2J7:30",
    ],
)
def test_a_bad_time_is_a_usage_error(cli: Cli, fakes: Fakes, text: str) -> None:
    result = cli("remind", "--at", text)
    assert result.code == 2
    (line,) = [x for x in result.err.splitlines() if "error:" in x]
    assert "is not a time of day like 07:30 (00:00 to 23:59)" in line
    assert "\x1b" not in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    ("text", "hour", "minute"), [("7:30", 7, 30), ("00:00", 0, 0), ("23:59", 23, 59)]
)
def test_good_times(text: str, hour: int, minute: int) -> None:
    assert parse_time(text) == At(hour, minute)


def test_at_and_off_do_not_go_together(cli: Cli, fakes: Fakes) -> None:
    assert cli("remind", "--at", "07:30", "--off").code == 2


def test_the_launchd_plist() -> None:
    data = launchd_plist(At(7, 30), ["/Users/me/coach/.venv/bin/coach"])
    assert plistlib.loads(data) == {
        "Label": "local.coach.reminder",
        "ProgramArguments": ["/Users/me/coach/.venv/bin/coach", "remind", "--notify"],
        "StartCalendarInterval": {"Hour": 7, "Minute": 30},
    }
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist')


def test_odd_paths_are_quoted_for_each_scheduler() -> None:
    coach = ["/home/a b/100%/$HOME/coach"]
    service, _ = systemd_units(At(6, 5), coach)
    assert 'ExecStart="/home/a b/100%%/$$HOME/coach" remind --notify\n' in service
    assert crontab_line(At(6, 5), coach) == (
        "5 6 * * * '/home/a b/100\\%/$HOME/coach' remind --notify"
    )


def test_the_command_is_this_coach(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "coach"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    assert coach_command(str(script), "/py") == [str(script)]
    # python -m coach, or anything that is not the coach script: this interpreter.
    assert coach_command(str(tmp_path / "coach" / "__main__.py"), "/py") == ["/py", "-m", "coach"]
    assert coach_command(str(tmp_path / "missing" / "coach"), "/py") == ["/py", "-m", "coach"]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS notifies through osascript")
def test_notify_sends_one_notification(cli: Cli, fakes: Fakes) -> None:
    log = fakes.add("notify-send")
    result = cli("remind", "--notify")
    assert (result.code, result.out, result.err) == (0, "", "")
    (call,) = fakes.calls(log)
    assert re.fullmatch(
        r"--app-name=coach coach Time for today's back exercises \(about \d+ min\)\.", call
    )


def test_notify_without_a_notifier_is_quiet(cli: Cli, fakes: Fakes) -> None:
    result = cli("remind", "--notify")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_notify_by_hand_says_it_on_stderr(
    cli: Cli, fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = cli("remind", "--notify")
    assert result.code == 0
    assert result.err.startswith("coach: Time for today's back exercises")


# -- a routine's own reminder ------------------------------------------------------------


ROUTINE = """\
version: 1
routine:
  id: {id}
  name: {name}
  programs:
    - file: small.yaml
"""


def routines(tmp_path: Path) -> tuple[Path, Path]:
    """A morning and an evening routine (sharing a program), in ~/rehab."""
    from .sessions import write_program

    folder = tmp_path / "home" / "rehab"
    folder.mkdir(parents=True)
    write_program(folder)
    morning = folder / "morning.yaml"
    morning.write_text(ROUTINE.format(id="morning", name="Morning"), encoding="utf-8")
    evening = folder / "evening.yaml"
    evening.write_text(ROUTINE.format(id="evening", name="Evening"), encoding="utf-8")
    return morning, evening


SETTINGS = """\
# my settings
volume = 60  # quieter

routines = ["~/rehab/morning.yaml", "~/rehab/evening.yaml"]
"""


@linux
def test_each_routine_has_its_own_timer_and_home_shows_its_time(
    cli: Cli, fakes: Fakes, tmp_path: Path
) -> None:
    import tomllib

    from coach.config.locations import home_routines

    log = fakes.add("systemctl")
    morning, evening = routines(tmp_path)
    settings = tmp_path / "config" / "settings.toml"
    settings.parent.mkdir()
    settings.write_text(SETTINGS, encoding="utf-8")
    assert cli("remind", "--at", "7:30", morning).code == 0
    result = cli("remind", "--at", "19:00", evening)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(
        "A reminder of Evening (~/rehab/evening.yaml) is set for 19:00 every day"
    )
    units = tmp_path / "xdg" / "systemd" / "user"
    coach = tmp_path / "venv" / "bin" / "coach"
    assert (units / "coach-reminder-morning.service").read_text() == (
        "[Unit]\nDescription=coach: a reminder of Morning\n\n[Service]\nType=oneshot\n"
        f"ExecStart={coach} remind --notify {morning}\n"
    )
    assert "OnCalendar=*-*-* 07:30:00\n" in (units / "coach-reminder-morning.timer").read_text()
    assert "OnCalendar=*-*-* 19:00:00\n" in (units / "coach-reminder-evening.timer").read_text()
    assert "--user enable --now coach-reminder-evening.timer" in fakes.calls(log)
    # The times are kept with the routines, the person's comments and values with them.
    text = settings.read_text()
    assert text.startswith("# my settings\nvolume = 60  # quieter\n")
    assert tomllib.loads(text)["routines"] == [
        {"file": "~/rehab/morning.yaml", "remind_at": "07:30"},
        {"file": "~/rehab/evening.yaml", "remind_at": "19:00"},
    ]
    assert home_routines()[0] == [(morning, "07:30"), (evening, "19:00")]

    status = cli("remind").out.splitlines()
    assert status[0].startswith("No reminder is set")  # the daily one
    assert status[1].startswith("A reminder of Morning (~/rehab/morning.yaml) is set for 07:30")
    assert status[2].startswith("A reminder of Evening (~/rehab/evening.yaml) is set for 19:00")

    # Off for one: its units go, the routine stays on home without a time.
    off = cli("remind", "--off", evening)
    assert (off.code, off.err) == (0, "")
    assert off.out.startswith("The reminder of Evening (~/rehab/evening.yaml) is off")
    assert not (units / "coach-reminder-evening.timer").exists()
    assert (units / "coach-reminder-morning.timer").exists()
    assert tomllib.loads(settings.read_text())["routines"] == [
        {"file": "~/rehab/morning.yaml", "remind_at": "07:30"},
        "~/rehab/evening.yaml",
    ]
    # Off alone: every reminder.
    assert cli("remind", "--off").code == 0
    assert list(units.iterdir()) == []


@linux
def test_a_routine_not_listed_joins_home_after_the_routine_it_opens_on(
    cli: Cli, fakes: Fakes, tmp_path: Path
) -> None:
    import tomllib

    fakes.add("systemctl")
    _, evening = routines(tmp_path)
    settings = tmp_path / "config" / "settings.toml"
    settings.parent.mkdir()
    settings.write_text('default_routine = "~/rehab/morning.yaml"\n', encoding="utf-8")
    result = cli("remind", "--at", "19:00", evening)
    assert result.code == 0
    assert "Home now lists these routines" in result.out
    assert tomllib.loads(settings.read_text())["routines"] == [
        "~/rehab/morning.yaml",
        {"file": "~/rehab/evening.yaml", "remind_at": "19:00"},
    ]


def test_a_routines_crontab_line_names_its_file(cli: Cli, fakes: Fakes, tmp_path: Path) -> None:
    _, evening = routines(tmp_path)
    result = cli("remind", "--at", "19:00", evening)
    assert result.code == 0
    coach = tmp_path / "venv" / "bin" / "coach"
    assert result.out.splitlines()[0] == f"0 19 * * * {coach} remind --notify {evening}"
    assert "to be reminded of Evening (~/rehab/evening.yaml) at 19:00" in result.err


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS notifies through osascript")
def test_a_routines_reminder_names_it_and_is_silent_once_it_is_done(
    cli: Cli, fakes: Fakes, tmp_path: Path
) -> None:
    from datetime import date

    from coach.config.locations import database_path
    from coach.engine.records import SessionStatus
    from coach.store.database import HistoryStore

    from .stored import a_set, opening, store_session

    log = fakes.add("notify-send")
    morning, evening = routines(tmp_path)
    assert cli("remind", "--notify", morning).code == 0
    (call,) = fakes.calls(log)
    assert re.fullmatch(r"--app-name=coach coach Time for Morning \(about \d+ min\)\.", call)

    # The morning routine played today: its reminder says nothing; the evening's does.
    store = HistoryStore(database_path())
    store_session(
        store,
        opening(source_id="morning", title="Morning", levels={"small": 1}, local_date=date.today()),
        [a_set(1, 1, program_id="small", exercise_id="side-plank")],
        SessionStatus.COMPLETED,
    )
    log.unlink()
    assert cli("remind", "--notify", morning).code == 0
    assert fakes.calls(log) == []
    assert cli("remind", "--notify", evening).code == 0
    (call,) = fakes.calls(log)
    assert call.startswith("--app-name=coach coach Time for Evening")


def test_a_broken_routine_is_said_and_sets_nothing(cli: Cli, fakes: Fakes, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nroutine: {}\n", encoding="utf-8")
    result = cli("remind", "--at", "07:30", bad)
    assert result.code == 1
    assert "has errors: 'coach validate" in result.err
    assert not (tmp_path / "xdg").exists()
    assert cli("remind", "--at", "07:30", tmp_path / "missing.yaml").code == 2
