"""Nothing rated is lost, and coach never says 'saved' when it is not (issue 14).

Fault injection on a real history file: locks at the start, during and at the finish of
a session; a data folder that cannot be written (a file in its place, read-only, mode
000 for an ordinary user, a full disk); damaged pages; umask 000 and 022. Each asserts
the exact sets in the history after the next start.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.engine import day
from coach.engine.records import Kept, PainAnswer
from coach.store import journal as journal_module
from coach.store.database import HistoryStore

from .day_helpers import Shell, begin_session, rate_every_set
from .faults import locked
from .sessions import write_program
from .stored import a_set, store_session

HISTORY = "history.sqlite3"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "routine").mkdir()
    return write_program(tmp_path / "routine")


def store_at(folder: Path) -> HistoryStore:
    # A short wait for a lock: the tests hold it for the whole step.
    return HistoryStore(folder / HISTORY, busy_timeout=0.05)


def stored_pains(path: Path) -> list[list[int | None]]:
    """Each session's rated pains, in the order rated, straight from the file."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        sessions = [r[0] for r in db.execute("SELECT id FROM sessions ORDER BY id")]
        return [
            [
                r[0]
                for r in db.execute("SELECT pain FROM sets WHERE session_id = ? ORDER BY id", (s,))
            ]
            for s in sessions
        ]


def statuses(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [r[0] for r in db.execute("SELECT status FROM sessions ORDER BY id")]


def journals(folder: Path) -> list[Path]:
    """The journal files of sessions (a checklist kept there has a file of its own)."""
    return sorted(
        path
        for path in (folder / "journal").glob("*.jsonl")
        if journal_module.read_journal(path).facts == []
    )


def next_start(source: Path, folder: Path) -> Shell:
    """coach started again on the same history (a new process, as far as leases go)."""
    return Shell(source, store_at(folder))


# -- 2. locks: at the start, during, at the finish ----------------------------------------


def test_a_lock_at_the_start_delays_the_session_row_and_loses_nothing(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()  # the history exists
    shell = Shell(source, store)
    with locked(folder / HISTORY):
        begin_session(shell, baseline=2)
        # The session row could not be created: it is in the journal, said plainly.
        assert shell.flow.kept is Kept.JOURNAL
        assert any("kept safely in the journal" in n for n in shell.notices())
        assert len(journals(folder)) == 1
    rate_every_set(shell, [1, 2, 0])
    # The first write after the lock created the row, with its title and baseline.
    with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
        title, baseline, status = db.execute(
            "SELECT title, baseline_pain, status FROM sessions"
        ).fetchone()
    assert (title, baseline, status) == ("Small program", 2, "completed")
    assert stored_pains(folder / HISTORY) == [[1, 2, 0]]
    assert journals(folder) == []  # all in the history: the journal is done
    assert shell.last(day.ShowSummary).where.startswith("Saved in")


def test_sets_rated_during_a_lock_are_journaled_then_retried_in_order(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    shell = Shell(source, store_at(folder))
    begin_session(shell)
    rate_every_set(shell, [3])  # rated and stored; the next one waits for its rating
    with locked(folder / HISTORY):
        shell.answer(day.RatingAnswer(PainAnswer(4)))
        assert shell.flow.kept is Kept.JOURNAL and len(shell.flow.unsaved) == 1
        shell.play_until_asked()
    # The quit question tells the truth while sets wait in the journal.
    shell.answer(day.RatingAnswer(PainAnswer(1)))  # the lock is gone: both go in
    assert shell.flow.kept is Kept.HISTORY and shell.flow.unsaved == []
    shell.play_until_asked()
    assert stored_pains(folder / HISTORY) == [[3, 4, 1]]
    assert statuses(folder / HISTORY) == ["completed"]


def test_a_lock_at_the_finish_never_leaves_a_completed_session_interrupted(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    shell = Shell(source, store_at(folder))
    begin_session(shell)
    rate_every_set(shell, [1, 1])
    shell.play_until_asked()
    assert isinstance(shell.seen[-1], day.AskRating)
    with locked(folder / HISTORY):
        shell.answer(day.RatingAnswer(PainAnswer(0)))  # the last set, then the finish
        shell.play_until_asked()
        where = shell.last(day.ShowSummary).where
        assert where.startswith("Kept in the journal") and "next start" in where
        assert statuses(folder / HISTORY) == ["running"]
    # The next start imports the journal before anything else: completed, not offered
    # to resume, and every set once.
    again = next_start(source, folder)
    assert not any(isinstance(o, day.AskResume) for o in again.seen)
    assert any("are now in your history" in n for n in again.notices())
    assert statuses(folder / HISTORY) == ["completed"]
    assert stored_pains(folder / HISTORY) == [[1, 1, 0]]
    assert journals(folder) == []


def test_the_quit_question_says_where_the_rated_sets_are(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shell = Shell(source, store_at(folder))
    begin_session(shell)
    shell.answer(day.QuitAsked())
    assert shell.last(day.AskQuit).message.endswith("The sets you rated are saved.")
    shell.answer(day.QuitAnswer(False))
    with locked(folder / HISTORY):
        shell.play_until_asked()
        shell.answer(day.RatingAnswer(PainAnswer(2)))
        shell.answer(day.QuitAsked())
        assert shell.last(day.AskQuit).message.endswith("kept safely in the journal.")


# -- 1. a data folder that cannot be written ------------------------------------------------


def test_a_folder_that_is_a_file_is_said_before_the_session_and_asked(
    source: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    shell = Shell(source, store_at(blocker))
    home = shell.last(day.ShowHome).view
    assert any("Nothing you do now can be saved" in n and "is a file" in n for n in home.notes)
    shell.answer(day.StartSession())
    advice = shell.last(day.ShowAdvice)
    assert advice.kind is day.AdviceKind.CANNOT_SAVE
    assert str(blocker) in advice.body and advice.go_on == "Exercise without saving"
    shell.answer(day.AdviceAnswer(False))  # the default: back home, nothing played
    assert shell.flow.stage is day.Stage.HOME and shell.flow.session is None
    shell.answer(day.StartSession())
    shell.answer(day.AdviceAnswer(True))  # agreed: play, storing nothing
    if isinstance(shell.seen[-1], day.AskScreening):
        from .day_helpers import none_apply

        shell.answer(none_apply())
    shell.answer(day.BaselineAnswer(PainAnswer(1)))
    rate_every_set(shell, [1, 1, 1])
    assert shell.last(day.ShowSummary).where.startswith("Not saved, as you chose")
    assert not any(isinstance(e, day.SaveSets | day.OpenSession) for e in shell.carried)
    assert blocker.read_text() == "not a folder"


def test_a_full_disk_is_named_and_no_torn_line_is_left(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    store = store_at(folder)
    shell = Shell(source, store)
    begin_session(shell)
    real_write = journal_module._write_all

    def half_then_full(descriptor: int, data: bytes) -> None:
        real_write(descriptor, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module, "_write_all", half_then_full)
    with locked(folder / HISTORY):
        rate_every_set(shell, [2])
    note = next(n for n in shell.notices() if n.startswith("NOT saved"))
    assert "the disk is full" in note
    assert shell.flow.kept is Kept.NOWHERE
    # The half-written line was cut away: the file holds nothing torn.
    for path in journals(folder):
        assert path.read_bytes() == b"" or path.read_bytes().endswith(b"\n")
    monkeypatch.setattr(journal_module, "_write_all", real_write)
    rate_every_set(shell, [1, 0])  # space again, lock gone: everything goes in
    assert stored_pains(folder / HISTORY) == [[2, 1, 0]]


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str = "256k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted under ``tmp_path`` (the test is skipped where it cannot
    be mounted: not root, no mount)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the fault shim tests cover it)")
    try:
        yield mount
    finally:
        # Lazily: this process still holds its lease file there (see liveness).
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path) -> None:
    """Fill the disk at ``mount`` to its last byte."""
    with contextlib.suppress(OSError), (mount / "filler").open("wb") as out:
        while True:
            out.write(b"x" * 4096)
            out.flush()


def test_a_real_full_disk(source: Path, tmp_path: Path) -> None:
    """A 256 KiB tmpfs filled to the last byte: the session is said unsaveable before it
    starts, and nothing is left half written."""
    with small_disk(tmp_path) as mount:
        fill(mount)
        shell = Shell(source, store_at(mount / "data"))
        home = shell.last(day.ShowHome).view
        assert any("the disk is full" in n for n in home.notes), home.notes
        shell.answer(day.StartSession())
        assert shell.last(day.ShowAdvice).kind is day.AdviceKind.CANNOT_SAVE


def as_nobody(*args: str) -> tuple[int, str, str]:
    """``coach ARGS`` as an ordinary user (root ignores file modes): exit status, stdout,
    stderr. A forked child drops to 'nobody' and calls the CLI in-process: the ordinary
    user could not even start this Python, which lives in root's home (pyenv)."""
    from coach.cli import main

    # What the command imports lazily, imported now, as root, for the same reason.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["history", "--data-dir", tempfile.mkdtemp(prefix="coach-warm-")])
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.dup2(out_write, 1)
            os.dup2(err_write, 2)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            code = main(list(args))
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_write)
    os.close(err_write)
    with os.fdopen(out_read, encoding="utf-8") as out, os.fdopen(err_read, encoding="utf-8") as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


@pytest.mark.parametrize("mode", [0o000, 0o500])
def test_a_folder_others_own_gets_one_sentence(mode: int) -> None:
    # Not under pytest's own folder: that is root's alone.
    folder = Path(tempfile.mkdtemp(prefix="coach-modes-")) / "data"
    folder.mkdir()
    folder.parent.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(folder, 65534, 65534)  # the ordinary user's own folder
    folder.chmod(mode)
    try:
        code, stdout, stderr = as_nobody("history", "--data-dir", str(folder))
    finally:
        folder.chmod(0o700)
    assert "Traceback" not in stderr
    if mode == 0o000:
        assert code == 1
        assert stderr.strip() == (
            f"coach: cannot read the history {folder / HISTORY}: Permission denied"
        )
    else:
        assert code == 0 and "No sessions yet" in stdout


# -- 3. SIGTERM, SIGHUP with sets waiting: see tests/test_durability_e2e.py ---------------


# -- 5. damage -----------------------------------------------------------------------------


def history_with_sessions(source: Path, folder: Path, count: int) -> None:
    for _ in range(count):
        shell = Shell(source, store_at(folder))
        begin_session(shell)
        rate_every_set(shell, [1, 1, 1])


def damage(path: Path, where: str) -> None:
    size = path.stat().st_size
    at = {"middle": size // 2 - 4096, "end": size - 8192, "page 2": 4096}[where]
    with path.open("r+b") as out:
        out.seek(at)
        out.write(os.urandom(8192 if where != "page 2" else 4096))


@pytest.mark.parametrize("where", ["middle", "end", "page 2"])
def test_a_damaged_history_is_never_written_and_the_session_is_journaled(
    source: Path, tmp_path: Path, where: str
) -> None:
    folder = tmp_path / "data"
    history_with_sessions(source, folder, 12)
    path = folder / HISTORY
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage(path, where)
    before = path.read_bytes()
    shell = Shell(source, store_at(folder))
    shell.answer(day.StartSession())
    if isinstance(shell.seen[-1], day.AskScreening):
        from .day_helpers import none_apply

        shell.answer(none_apply())  # not stored: the checklist's answers go nowhere near it
    assert isinstance(shell.seen[-1], day.AskBaseline)
    shell.answer(day.BaselineAnswer(PainAnswer(2)))
    rate_every_set(shell, [2, 3, 1])
    assert shell.last(day.ShowSummary).where.startswith("Kept in the journal")
    assert path.read_bytes() == before  # byte for byte
    home = shell.last(day.ShowHome).view
    assert any("damaged" in n and "coach doctor" in n for n in home.notes)


def test_doctor_finds_the_damage_and_rebuilds_from_what_is_readable(
    source: Path, tmp_path: Path, cli: Any
) -> None:
    folder = tmp_path / "data"
    history_with_sessions(source, folder, 40)
    path = folder / HISTORY
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (sets_before,) = db.execute("SELECT COUNT(*) FROM sets").fetchone()
    sound = cli("doctor", "--data-dir", str(folder))
    assert sound.code == 0 and "is sound" in sound.out and "40 sessions" in sound.out
    damage(path, "middle")
    original = path.read_bytes()
    # A session played on the damaged history goes to the journal.
    shell = Shell(source, store_at(folder))
    begin_session(shell)
    rate_every_set(shell, [5, 5, 5])
    checked = cli("doctor", "--data-dir", str(folder))
    assert checked.code == 1 and "is DAMAGED" in checked.out and "--rebuild" in checked.out
    assert "Journal: 3 rated sets of 1 session and 1 checklist or follow-up wait" in checked.out
    rebuilt = cli("doctor", "--rebuild", "--data-dir", str(folder))
    assert rebuilt.code == 0, rebuilt.err
    assert "The damaged file is kept as" in rebuilt.out
    [kept] = [
        p for p in folder.glob(f"{HISTORY}.damaged-*") if not p.name.endswith(("-wal", "-shm"))
    ]
    assert kept.read_bytes() == original
    again = cli("doctor", "--data-dir", str(folder))
    assert again.code == 0 and "is sound" in again.out and "nothing waiting" in again.out
    with contextlib.closing(sqlite3.connect(path)) as db:
        (sets_after,) = db.execute("SELECT COUNT(*) FROM sets").fetchone()
        last = [
            r[0]
            for r in db.execute(
                "SELECT pain FROM sets WHERE session_id = (SELECT MAX(id) FROM sessions)"
            )
        ]
    assert last == [5, 5, 5]  # the journaled session is in
    assert sets_before // 2 < sets_after <= sets_before + 3  # most of the rest survived


# -- 2. journals: imported once, whatever happens ------------------------------------------


def journaled_session(source: Path, folder: Path, pains: list[int]) -> Path:
    """A session played while the history was locked throughout: all in the journal."""
    store = store_at(folder)
    store.recent_sessions()
    shell = Shell(source, store)
    with locked(folder / HISTORY):
        begin_session(shell)
        rate_every_set(shell, pains)
    [path] = journals(folder)
    return path


def orphan(path: Path) -> None:
    """Make a journal's coach one that has ended (this test process is still alive)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if line["type"] == "session":
            line["row"]["owner"] = "lease:" + "0" * 32
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def test_a_journal_is_imported_once_with_duplicate_and_torn_lines(
    source: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    path = journaled_session(source, folder, [2, 3, 1])
    lines = path.read_bytes().splitlines(keepends=True)
    # The same lines twice (a crash between import and removal, say), then a torn one.
    path.write_bytes(b"".join(lines + lines) + lines[1][: len(lines[1]) // 2])
    store = store_at(folder)
    first = store.import_journals()
    assert (first.sessions, first.sets, first.problems) == (1, 3, ())
    assert stored_pains(folder / HISTORY) == [[2, 3, 1]]
    assert statuses(folder / HISTORY) == ["completed"]
    # Put back (as if removal never happened): nothing changes.
    path.write_bytes(b"".join(lines))
    second = store_at(folder).import_journals()
    assert second.sets == 0
    assert stored_pains(folder / HISTORY) == [[2, 3, 1]]


def test_a_journal_of_a_live_coach_is_left_alone(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = store_at(folder)
    store.recent_sessions()
    shell = Shell(source, store)
    with locked(folder / HISTORY):
        begin_session(shell)
        rate_every_set(shell, [2])
    # Another coach starts while this one still plays: the journal is not its to take.
    code = (
        "import sys; from pathlib import Path; from coach.store.database import HistoryStore;"
        "r = HistoryStore(Path(sys.argv[1])).import_journals(); print(r.sessions)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder / HISTORY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "0" and len(journals(folder)) == 1


IMPORTER = (
    "import sys; from pathlib import Path; from coach.store.database import HistoryStore;"
    "store = HistoryStore(Path(sys.argv[1])); store.recent_sessions(1);"
    "print('go', flush=True); store.import_journals(); print('done', flush=True)"
)


def test_a_kill_during_an_import_loses_and_doubles_nothing(source: Path, tmp_path: Path) -> None:
    """SIGKILL at random instants of an import of twelve journals: each journal is one
    transaction, so every session is in the history whole or not at all, never twice,
    and the next import brings in the rest."""
    original = tmp_path / "original"
    expected = []
    for i in range(12):
        pains = [i % 6, (i // 6) % 6, 5]
        orphan(journaled_session(source, original, pains))
        expected.append(pains)
    # How long a whole import takes here, from 'go' (the interpreter is up).
    control = tmp_path / "control"
    shutil.copytree(original, control)
    process = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(control / HISTORY)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "go"
    started = time.monotonic()
    assert process.stdout.readline().strip() == "done"
    took = time.monotonic() - started
    process.wait()
    assert sorted(stored_pains(control / HISTORY)) == sorted(expected)
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    midway = 0
    for run in range(20):
        if midway >= 3:
            break
        folder = tmp_path / f"run-{run}"
        shutil.copytree(original, folder)
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(folder / HISTORY)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "go"
        time.sleep(rng.uniform(0, took))
        process.kill()
        process.wait()
        found = stored_pains(folder / HISTORY)
        assert all(p in expected for p in found), (seed, found)
        assert len({tuple(p) for p in found}) == len(found), (seed, found)  # none twice
        assert len(journals(folder)) >= len(expected) - len(found), seed  # none dropped
        midway += 0 < len(found) < len(expected)
        store_at(folder).import_journals()
        assert sorted(stored_pains(folder / HISTORY)) == sorted(expected), seed
        assert journals(folder) == []
    assert midway >= 2, f"too few kills landed during an import (seed {seed}, {took:.3f} s)"


# -- 7. owner-only, whatever the umask ------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_every_file_and_folder_is_owner_only(source: Path, tmp_path: Path, umask: int) -> None:
    folder = tmp_path / "deep" / "er" / "data"
    old = os.umask(umask)
    try:
        store = store_at(folder)
        shell = Shell(source, store)
        begin_session(shell)
        rate_every_set(shell, [1])
        with locked(folder / HISTORY):
            rate_every_set(shell, [1])  # a journal file
        rate_every_set(shell, [1])  # and a weekly backup after the finish
        journaled_session(source, folder, [1, 1, 1])
    finally:
        os.umask(old)
    made = [tmp_path / "deep", tmp_path / "deep" / "er", *folder.rglob("*"), folder]
    for path in made:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        assert mode == want, f"{path}: {oct(mode)}"
    names = {p.name for p in folder.rglob("*")}
    assert {HISTORY, "journal", "backups", "locks"} <= names
    assert any(n.startswith("history-") for n in names)  # the backup


def test_an_existing_history_is_tightened_and_its_upgrade_copy_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = folder / HISTORY
    with contextlib.closing(sqlite3.connect(path)) as db:
        from coach.store.migrations import MIGRATIONS, statements

        for statement in statements(MIGRATIONS[0]):
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.commit()
    path.chmod(0o644)
    old = os.umask(0)
    try:
        HistoryStore(path).recent_sessions()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [backup] = folder.glob("*.backup*")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


@pytest.mark.parametrize("shared", ["sticky", "another user's"])
def test_a_shared_data_folder_keeps_its_mode(tmp_path: Path, shared: str) -> None:
    """`--data-dir /tmp` once left /tmp at 0700 (coach runs as root here, and root may
    chmod anything): every other user and program lost /tmp. A shared folder keeps its
    mode; coach's own files in it are private all the same."""
    folder = tmp_path / "shared"
    folder.mkdir()
    mode = 0o1777 if shared == "sticky" else 0o755
    folder.chmod(mode)
    if shared != "sticky":
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to another user")
        os.chown(folder, 65534, 65534)
    store = HistoryStore(folder / HISTORY)
    store_session(store, sets=[a_set(pain=2)])
    assert len(store.recent_sessions()) == 1
    assert stat.S_IMODE(folder.stat().st_mode) == mode
    for path in folder.rglob("*"):
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.lstat().st_mode) == want, path


def test_exports_are_private(tmp_path: Path, source: Path, cli: Any) -> None:
    folder = tmp_path / "data"
    history_with_sessions(source, folder, 1)
    old = os.umask(0)
    try:
        out = tmp_path / "sets.csv"
        assert cli("export", "--data-dir", str(folder), "--output", str(out)).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# -- 8. plain messages, right exit codes -----------------------------------------------------


def test_an_empty_history_is_not_an_error(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "new"
    listed = cli("history", "--data-dir", str(folder))
    assert listed.code == 0 and listed.out.startswith("No sessions yet")
    assert cli("history", "--json", "--data-dir", str(folder)).out.strip() == "[]"
    exported = cli("export", "--data-dir", str(folder))
    assert exported.code == 0 and exported.out.startswith("date,")
    assert (
        json.loads(cli("export", "--format", "json", "--data-dir", str(folder)).out)["sets"] == []
    )
    assert not folder.exists()  # reading made nothing


def test_an_unreadable_history_never_says_first_session(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    history_with_sessions(source, folder, 2)
    (folder / HISTORY).write_bytes(b"garbage" * 1000)
    shell = Shell(source, store_at(folder))
    home = shell.last(day.ShowHome).view
    assert not home.last_session.startswith("First session")
    assert "cannot be read" in home.last_session
