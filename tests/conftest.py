"""Shared fixtures: small session files written on the fly, and the CLI run in-process."""

from __future__ import annotations

import contextlib
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coach.cli import main

MINIMAL_PROGRAM = """\
version: 1
program:
  id: holds
  name: Holds
  levels:
    - name: Level 1
      exercises:
        - name: Bird dog
          kind: hold
          hold: 10s
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented text (or bytes) to a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return _write


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``coach`` in-process with arguments; return exit code and output."""

    def _run(*args: str | Path) -> CliResult:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse exits for --help, --version and usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to a history database, as any reader of the file would open it
    (the store itself hands no connection out)."""
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()
