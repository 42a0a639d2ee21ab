"""Staying awake while a session plays: an inhibitor started with the player and never
left behind. A fake ``systemd-inhibit`` on PATH records its arguments and runs its
command, as the real one does; the real one is never started here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.tui.awake import WHY, StayAwake, inhibitor_command

from .sessions import write_program
from .tui_helpers import make_app, run_until_prompt, screen_is, start_session, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")

FAKE_INHIBIT = """\
#!/bin/sh
printf '%s\\n' "$@" > "{record}.args"
echo $$ > "{record}.pid.tmp" && mv "{record}.pid.tmp" "{record}.pid"
for last; do :; done
exec "$last"
"""
"""Records its arguments and pid, then becomes its command (``cat``), like the real one."""


def fake_inhibitor(folder: Path, record: Path, body: str = FAKE_INHIBIT) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "systemd-inhibit"
    path.write_text(body.format(record=record), encoding="utf-8")
    path.chmod(0o755)
    return path


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left to an init that does not reap is not running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def started_pid(record: Path) -> int:
    pid_file = record.with_name(record.name + ".pid")
    wait_until(pid_file.exists, "the inhibitor to start")
    return int(pid_file.read_text(encoding="ascii"))


@pytest.fixture
def fake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake systemd-inhibit first on PATH; returns the stem of what it records."""
    record = tmp_path / "inhibit"
    fake_inhibitor(tmp_path / "bin", record)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    return record


def linux_command() -> list[str] | None:
    return inhibitor_command("linux")


def test_the_commands_by_system() -> None:
    found = {"systemd-inhibit": "/usr/bin/systemd-inhibit", "caffeinate": "/usr/bin/caffeinate"}
    assert inhibitor_command("linux", found.get) == [
        "/usr/bin/systemd-inhibit",
        "--what=idle:sleep",
        "--who=coach",
        "--why=An exercise session is playing",
        "--mode=block",
        "cat",
    ]
    assert inhibitor_command("darwin", found.get, pid=4242) == [
        "/usr/bin/caffeinate",
        "-d",
        "-i",
        "-w",
        "4242",
    ]
    # Absent, or a system without one: nothing to run.
    assert inhibitor_command("linux", lambda _: None) is None
    assert inhibitor_command("darwin", lambda _: None) is None
    assert inhibitor_command("win32", found.get) is None


def test_held_then_released(fake_path: Path) -> None:
    notes: list[str] = []
    awake = StayAwake(notes.append, command=linux_command)
    awake.hold()
    awake.hold()  # once is enough
    pid = started_pid(fake_path)
    assert alive(pid)
    args = fake_path.with_name("inhibit.args").read_text(encoding="utf-8").splitlines()
    assert args[:4] == ["--what=idle:sleep", "--who=coach", f"--why={WHY}", "--mode=block"]
    assert (len(args), Path(args[4]).name) == (5, "cat")
    awake.release()
    wait_until(lambda: not alive(pid), "the inhibitor to end")
    awake.release()  # and again: nothing to do
    assert notes == []


def test_released_before_it_started_leaves_nothing(fake_path: Path) -> None:
    awake = StayAwake(command=linux_command)
    awake.hold()
    awake.release()
    time.sleep(0.3)
    pid_file = fake_path.with_name("inhibit.pid")
    if pid_file.exists():  # it did start, and was stopped at once
        pid = int(pid_file.read_text(encoding="ascii"))
        wait_until(lambda: not alive(pid), "the stale inhibitor to end")
    assert awake.process is None


def test_absent_is_silent() -> None:
    notes: list[str] = []
    awake = StayAwake(notes.append, command=lambda: None)
    awake.hold()
    time.sleep(0.1)
    awake.release()
    assert (notes, awake.process) == ([], None)


def test_a_refusal_is_one_note(tmp_path: Path) -> None:
    refusing = tmp_path / "refuse"
    refusing.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    refusing.chmod(0o755)
    notes: list[str] = []
    awake = StayAwake(notes.append, command=lambda: [str(refusing)])
    for _ in range(2):
        awake.hold()
        wait_until(lambda: awake.process is None and bool(notes), "the refusal")
        time.sleep(0.05)
        awake.release()
    assert notes == ["the system could not be kept awake: refuse ended at once (status 1)"]


def test_a_missing_program_is_one_note(tmp_path: Path) -> None:
    notes: list[str] = []
    awake = StayAwake(notes.append, command=lambda: [str(tmp_path / "gone")])
    awake.hold()
    wait_until(lambda: bool(notes), "the note")
    assert notes[0].startswith("the system could not be kept awake:")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux inhibitor")
@pytest.mark.parametrize("how", ["exit", "sigterm", "sigkill"])
def test_it_never_outlives_coach(fake_path: Path, how: str) -> None:
    """However coach ends (even killed outright), the inhibitor ends with it."""
    code = textwrap.dedent(
        """
        import os, signal, sys, time
        from coach.tui.awake import StayAwake, inhibitor_command
        # What the app does: SIGTERM leaves the way an exit does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        awake = StayAwake(command=lambda: inhibitor_command("linux"))
        awake.hold()
        deadline = time.monotonic() + 10
        # Until the inhibitor has run far enough to say it runs.
        while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(1.0 if sys.argv[1] == "exit" else 60)
        """
    )
    coach = subprocess.Popen([sys.executable, "-c", code, how, f"{fake_path}.pid"])
    try:
        pid = started_pid(fake_path)
        assert alive(pid)
        if how != "exit":
            coach.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
        coach.wait(timeout=10)
        wait_until(lambda: not alive(pid), "the inhibitor to end with coach")
    finally:
        coach.kill()
        coach.wait()


async def test_the_app_holds_it_while_the_player_plays(tmp_path: Path, fake_path: Path) -> None:
    app, _ = make_app(write_program(tmp_path), tmp_path, stay_awake=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, screen_is(app, "HomeScreen"), "home")
        assert not fake_path.with_name("inhibit.pid").exists()  # not on home
        await start_session(pilot, app)
        pid = started_pid(fake_path)
        assert alive(pid)
        await pilot.press("q")
        await wait_for(pilot, screen_is(app, "ConfirmStop"), "quit question")
        await pilot.press("o")
        await wait_for(pilot, screen_is(app, "SummaryScreen"), "summary")
        await wait_for(pilot, lambda: not alive(pid), "the inhibitor to end with the session")


async def test_leaving_the_app_mid_session_releases_it(tmp_path: Path, fake_path: Path) -> None:
    app, clock = make_app(write_program(tmp_path), tmp_path, stay_awake=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, app)
        await run_until_prompt(pilot, app, clock)
        pid = started_pid(fake_path)
        assert alive(pid)  # still held while a set is rated
        await pilot.press("ctrl+q")
    wait_until(lambda: not alive(pid), "the inhibitor to end with the app")
