"""Upgrading an older history is safe to race and to kill.

Two coaches opening the same older history at once (each a forked process, released at
the same instant), and coaches killed with SIGKILL at random instants of an upgrade: the
next start always finds the history at the current version, with its rows, and never a
traceback, a "duplicate column name" or a backup that could not be made.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import time
import traceback
from pathlib import Path

from coach.store.database import HistoryStore
from coach.store.migrations import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "history-v1.sqlite3"


def forked_open(path: Path, go: int) -> tuple[int, int]:
    """A child process that waits for a byte on ``go``, then opens the history at ``path``
    (which upgrades it); its pid and the read end of a pipe with its traceback, if any."""
    report_read, report_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(report_read)
            os.read(go, 1)
            HistoryStore(path).recent_sessions()
        except BaseException:
            code = 1
            with contextlib.suppress(OSError):
                os.write(report_write, traceback.format_exc().encode())
        finally:
            os._exit(code)
    os.close(report_write)
    return pid, report_read


def waited(pid: int, report: int) -> tuple[int, str]:
    with os.fdopen(report, "rb") as pipe:
        text = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), text


def assert_upgraded(path: Path) -> None:
    assert len(HistoryStore(path).recent_sessions()) == 2  # the clean start
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 4
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for backup in path.parent.glob("history.v1.*.backup.sqlite3"):
        with contextlib.closing(sqlite3.connect(backup)) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == 1
            assert db.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 4


def test_two_coaches_upgrading_one_older_history_at_once(tmp_path: Path) -> None:
    for round_ in range(8):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        path = folder / "history.sqlite3"
        shutil.copy(FIXTURE, path)
        go_read, go_write = os.pipe()
        children = [forked_open(path, go_read) for _ in range(2)]
        os.write(go_write, b"xx")  # both released at the same instant
        os.close(go_write)
        os.close(go_read)
        for pid, report in children:
            code, text = waited(pid, report)
            assert code == 0, text
        assert_upgraded(path)
        # One coach upgraded it and made the one copy; the other found the work done.
        assert len(list(folder.glob("history.v1.*.backup.sqlite3"))) == 1


def test_a_kill_at_any_instant_of_an_upgrade_then_a_clean_start(tmp_path: Path) -> None:
    rng = random.Random(7)
    # How long an upgrade takes here, to aim the kills inside it.
    timing = tmp_path / "timing.sqlite3"
    shutil.copy(FIXTURE, timing)
    began = time.perf_counter()
    HistoryStore(timing).recent_sessions()
    span = time.perf_counter() - began
    for round_ in range(20):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        path = folder / "history.sqlite3"
        shutil.copy(FIXTURE, path)
        go_read, go_write = os.pipe()
        pid, report = forked_open(path, go_read)
        os.write(go_write, b"x")
        os.close(go_write)
        os.close(go_read)
        time.sleep(rng.uniform(0, span * 1.2))
        os.kill(pid, signal.SIGKILL)
        code, text = waited(pid, report)
        assert code in (0, -signal.SIGKILL), text
        # The next start, in the same second: a clean upgrade (or none left to do).
        assert_upgraded(path)
        assert not list(folder.glob(".*.partial"))
