"""``-o`` writes to a regular file or to the standard output (``-o -``), and nothing
else: a device keeps its mode, a FIFO is never waited on, a symbolic link is never
followed or replaced; each refused in one sentence."""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coach.store.private import NotAnOutputFile, create_private, output_problem

from .conftest import CliResult

Cli = Callable[..., CliResult]


@pytest.fixture
def no_hang() -> Iterator[None]:
    """A command that would block on a FIFO fails the test instead of hanging it."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def data(cli: Cli, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert cli("demo-history", "--days", "3", "--data-dir", folder).code == 0
    return folder


def commands(data: Path, target: Path) -> list[tuple[str, ...]]:
    return [
        ("export", "--data-dir", str(data), "-o", str(target)),
        ("schema", "-o", str(target)),
        ("report", "--data-dir", str(data), "-o", str(target)),
    ]


def test_fifos_links_and_folders_are_refused_in_one_sentence(
    cli: Cli, tmp_path: Path, data: Path, no_hang: None
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    real = tmp_path / "real.txt"
    real.write_text("mine\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(real)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = ((fifo, "a FIFO (named pipe)"), (link, "a symbolic link"), (folder, "a folder"))
    for target, kind in cases:
        for argv in commands(data, target):
            result = cli(*argv)
            assert result.code == 2, (argv, result)
            assert result.out == "" or argv[0] == "schema"
            lines = result.err.strip().splitlines()
            assert len(lines) == 1 and f"it is {kind}, not a regular file" in lines[0], argv
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_IMODE(os.lstat(fifo).st_mode) == 0o644
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "mine\n"
    assert list(folder.iterdir()) == []


def test_a_device_is_refused_before_it_is_opened() -> None:
    assert output_problem(Path("/dev/null")) == "it is a device, not a regular file"
    assert output_problem(Path("/dev/stdout")) == "it is a symbolic link, not a regular file"


def test_a_fifo_with_a_reader_is_never_written_nor_its_mode_changed(tmp_path: Path) -> None:
    """What `export -o /dev/null` did to the device as root: opened it and made it 0600."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(NotAnOutputFile, match="a FIFO"):
            create_private(fifo, os.O_WRONLY | os.O_TRUNC)
    finally:
        os.close(reader)
    assert stat.S_IMODE(fifo.stat().st_mode) == 0o644


def test_dash_writes_to_the_standard_output(cli: Cli, tmp_path: Path, data: Path) -> None:
    exported = cli("export", "--data-dir", data, "-o", "-")
    assert exported.code == 0 and exported.out.startswith("date,session_id,")
    assert not (Path.cwd() / "-").exists()
    schema = cli("schema", "-o", "-")
    assert schema.code == 0 and schema.out.startswith("{")


def test_a_regular_file_is_still_written_private(cli: Cli, tmp_path: Path, data: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o644)
    assert cli("export", "--data-dir", data, "-o", target).code == 0
    assert target.read_text(encoding="utf-8").startswith("date,session_id,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
