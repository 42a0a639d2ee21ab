"""``coach doctor`` keeps what is readable, never reuses an id, takes what the backups hold,
and tells a full disk from a damaged history.

The histories are written straight into a database the store made (a few hundred rows,
in milliseconds), then one page of a table is overwritten, found with SQLite's ``dbstat``.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
import subprocess
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coach.engine.records import PainAnswer, result_text
from coach.engine.timeline import Dose
from coach.store.backups import back_up
from coach.store.database import HistoryStore

from .conftest import CliResult
from .stored import a_set, opening, store_session
from .test_durability import HISTORY, fill, small_disk

SETS_PER_SESSION = 4


def history(folder: Path, sessions: int, *, first: int = 1) -> Path:
    """A history of ``sessions`` sessions with uids, each with its rated sets (ids from
    ``first`` on), checkpointed into the main file."""
    path = folder / HISTORY
    HistoryStore(path).recent_sessions()
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        for number in range(first, first + sessions):
            day = date.fromordinal(date(2025, 1, 1).toordinal() + number).isoformat()
            db.execute(
                "INSERT INTO sessions (id, started_at, ended_at, status, source_id, title,"
                " source_path, planned_seconds, baseline_pain, levels_json, local_date,"
                " utc_offset, uid) VALUES (?, ?, ?, 'completed', 'holds', 'Holds',"
                " 'holds.yaml', 600, 2, '{\"holds\": 1}', ?, 0, ?)",
                (number, f"{day}T07:00:00.000+00:00", f"{day}T07:10:00.000+00:00", day,
                 uuid.UUID(int=number).hex),
            )  # fmt: skip
            for set_number in range(1, SETS_PER_SESSION + 1):
                db.execute(
                    "INSERT INTO sets (session_id, exercise_index, program_id, level,"
                    " exercise_id, exercise_name, kind, set_number, sets_planned, attempt,"
                    " planned_hold, planned_work_seconds, done_work_seconds, completed,"
                    " pain, rated_at) VALUES (?, 0, 'holds', 1, 'bird-dog', 'Bird dog',"
                    " 'hold', ?, 4, 1, 10, 10, 10, 1, ?, ?)",
                    (number, set_number, (number + set_number) % 11,
                     f"{day}T07:0{set_number}:00.000+00:00"),
                )  # fmt: skip
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def rows(path: Path, table: str) -> dict[int, tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {r[0]: tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY id")}


def set_keys(path: Path) -> list[tuple[int, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(
            "SELECT session_id, exercise_index, set_number, attempt FROM sets ORDER BY id"
        ).fetchall()


def damage_leaf(path: Path, table: str, which: str) -> list[int]:
    """Overwrite all but the header of one leaf page of ``table`` (its last in rowid
    order, or the one in its middle) with random bytes; the rowids that page held."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        leaves = db.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path",
            (table,),
        ).fetchall()
        size = db.execute("PRAGMA page_size").fetchone()[0]
        ids = [r[0] for r in db.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
    assert len(leaves) >= 3, "the table must span several pages"
    index = len(leaves) - 1 if which == "last" else len(leaves) // 2
    page, _ = leaves[index]
    before = sum(n for _, n in leaves[:index])
    held = ids[before : before + leaves[index][1]]
    with path.open("r+b") as out:
        out.seek((page - 1) * size + 8)
        out.write(random.Random(page).randbytes(size - 8))
    return held


def rebuilt(cli: Any, folder: Path) -> CliResult:
    result: CliResult = cli("doctor", "--rebuild", "--data-dir", str(folder))
    assert result.code == 0, result.out + result.err
    return result


def test_a_damaged_last_page_of_sessions_costs_only_its_own_rows(tmp_path: Path, cli: Any) -> None:
    path = history(tmp_path, 150)
    sessions, sets = rows(path, "sessions"), rows(path, "sets")
    lost = damage_leaf(path, "sessions", "last")
    result = rebuilt(cli, tmp_path)
    after = rows(path, "sessions")
    # Every session not on the damaged page is there as it was; those on it are kept as
    # recovered sessions under their own ids, holding their own sets.
    assert {i: r for i, r in after.items() if i not in lost} == {
        i: r for i, r in sessions.items() if i not in lost
    }
    assert sorted(after) == sorted(sessions)
    assert all(after[i][5].startswith("Recovered session") for i in lost)  # title
    assert rows(path, "sets") == sets
    with sqlite3.connect(path) as db:
        names = dict(db.execute("SELECT id, uid FROM sessions").fetchall())
    shown = {
        r.uid: result_text(r.status, r.stop_reason) for r in HistoryStore(path).recent_sessions()
    }
    assert {shown[names[i]] for i in lost} == {"recovered after damage (how it ended was lost)"}
    assert f"{len(lost)} sessions whose own record was lost" in result.out


def test_a_damaged_last_page_of_sets_costs_only_its_own_rows(tmp_path: Path, cli: Any) -> None:
    path = history(tmp_path, 150)
    sessions, sets = rows(path, "sessions"), rows(path, "sets")
    lost = damage_leaf(path, "sets", "last")
    result = rebuilt(cli, tmp_path)
    assert rows(path, "sessions") == sessions
    assert rows(path, "sets") == {i: r for i, r in sets.items() if i not in lost}
    assert f"({len(lost)} rows could not be read)" in result.out


def test_after_a_rebuild_no_session_takes_the_id_of_sets_that_survived(
    tmp_path: Path, cli: Any
) -> None:
    path = history(tmp_path, 150)
    lost = damage_leaf(path, "sessions", "last")
    rebuilt(cli, tmp_path)
    before = set_keys(path)
    store = HistoryStore(path)
    session = opening(
        source_id="holds", title="Holds", source_path="holds.yaml", levels={"holds": 1}
    )
    new = store_session(store, session)
    assert new > max(lost)
    for number in (1, 2, 3):
        ten = {"sets_planned": 3, "planned": Dose(sets=3, hold=10), "planned_work_seconds": 10}
        done = {"done_work_seconds": 10, "answer": PainAnswer(1)}
        store_session(store, session, [a_set(number, **ten, **done)])
    # The old sets are all still their own sessions'; the new session has only its own.
    assert set_keys(path) == [*before, (new, 0, 1, 1), (new, 0, 2, 1), (new, 0, 3, 1)]


def test_a_backup_gives_back_the_rows_the_damaged_file_lost(tmp_path: Path, cli: Any) -> None:
    path = history(tmp_path, 120)
    back_up(path, date(2026, 1, 1))
    history(tmp_path, 30, first=121)  # played after the backup: only the damaged file has them
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        # A rating corrected after the backup: the damaged file's is the newer fact.
        db.execute("UPDATE sets SET pain = 9 WHERE id = 1")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sessions, sets = rows(path, "sessions"), rows(path, "sets")
    lost = damage_leaf(path, "sets", "middle")
    assert max(lost) < 120 * SETS_PER_SESSION  # rows the backup also holds
    result = rebuilt(cli, tmp_path)
    assert rows(path, "sessions") == sessions
    assert rows(path, "sets") == sets  # every one back, under its own id, none doubled
    assert sorted(set(set_keys(path))) == sorted(set_keys(path))
    assert f"0 sessions and {len(lost)} sets it had lost, from " in result.out


def test_a_full_disk_is_not_damage_and_a_rebuild_on_it_changes_nothing(
    tmp_path: Path, cli: Any
) -> None:
    made = history(tmp_path / "made", 40)
    with small_disk(tmp_path, "1m") as mount:
        folder = mount / "data"
        folder.mkdir()
        shutil.copy(made, folder / HISTORY)  # in WAL mode: even a read needs room
        fill(mount)
        checked = cli("doctor", "--data-dir", str(folder))
        assert checked.code == 3, checked.out
        assert "Disk: full." in checked.out and "not damage" in checked.out
        assert "DAMAGED" not in checked.out
        store = HistoryStore(folder / HISTORY)
        problem, _ = store.write_problems()
        assert problem is not None and "the disk is full" in problem, problem
        assert store.damage is None

    with small_disk(tmp_path / "made", "1m") as mount:
        folder = mount / "data"
        folder.mkdir()
        shutil.copy(made, folder / HISTORY)
        with contextlib.closing(sqlite3.connect(folder / HISTORY)) as db:
            db.execute("PRAGMA journal_mode = DELETE")  # readable without any room
        damage_leaf(folder / HISTORY, "sets", "middle")
        original = (folder / HISTORY).read_bytes()
        fill(mount)
        tried = cli("doctor", "--rebuild", "--data-dir", str(folder))
        assert tried.code == 3, tried.out + tried.err
        assert "Traceback" not in tried.err
        assert "the disk is full" in tried.err and "left as it was" in tried.err
        assert (folder / HISTORY).read_bytes() == original
        left = sorted(p.name for p in folder.iterdir() if p.is_file())
        assert left == [HISTORY], left


def test_a_read_only_disk_is_not_damage(tmp_path: Path, cli: Any) -> None:
    made = history(tmp_path / "made", 10)
    with small_disk(tmp_path, "512k") as mount:
        folder = mount / "data"
        folder.mkdir()
        shutil.copy(made, folder / HISTORY)
        done = subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=False)
        if done.returncode != 0:
            pytest.skip("cannot make a tmpfs read-only here")
        checked = cli("doctor", "--data-dir", str(folder))
        assert checked.code == 3, checked.out
        assert "Disk: the history or its disk is read-only" in checked.out
        assert "DAMAGED" not in checked.out
