"""The one way coach replaces a file (coach.base.atomic): whole or not at all, with its
mode from the first moment, nothing left behind when it fails."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.base.atomic import PARTIAL, atomic_path, commit, temporary_beside, write_atomic


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave files readable by everyone."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_is_written_0600_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "settings.toml"
    write_atomic(target, "a = 1\n")
    assert target.read_text(encoding="utf-8") == "a = 1\n"
    assert _mode(target) == 0o600
    assert list(tmp_path.iterdir()) == [target]


def test_the_temporary_file_is_private_from_its_first_moment(
    tmp_path: Path, open_umask: None
) -> None:
    temporary = temporary_beside(tmp_path / "history.db")
    assert _mode(temporary) == 0o600
    assert temporary.name.startswith(".history.db.") and temporary.name.endswith(PARTIAL)


def test_another_mode_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "coach.timer"
    write_atomic(target, b"[Timer]\n", mode=0o644)
    assert _mode(target) == 0o644
    assert target.read_bytes() == b"[Timer]\n"


def test_an_existing_file_is_replaced_and_takes_the_new_mode(tmp_path: Path) -> None:
    target = tmp_path / "home.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert _mode(target) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("the copy failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_path_writer_commits_when_its_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    with atomic_path(target) as temporary:
        temporary.write_bytes(b"copy")
        assert not target.exists()
    assert target.read_bytes() == b"copy"
    assert list(tmp_path.iterdir()) == [target]


def test_without_replace_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "history.v3.backup.db"
    target.write_bytes(b"first")
    temporary = temporary_beside(target)
    temporary.write_bytes(b"second")
    with pytest.raises(FileExistsError):
        commit(temporary, target, replace=False)
    assert target.read_bytes() == b"first"
    other = tmp_path / "history.v3-2.backup.db"
    commit(temporary, other, replace=False)
    assert other.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, target.name]


def test_a_folder_that_does_not_exist_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "file", "x")
