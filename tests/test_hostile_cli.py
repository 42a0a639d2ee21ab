"""Hostile or unlucky files through the commands: one clear line each, no traceback, no
hang, and nothing on the terminal that it would act on."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from coach.cli.preview import render_preview

from .conftest import CliResult
from .runner_helpers import timeline_from

Cli = Callable[..., CliResult]

# What a terminal acts on: C0 and C1 controls (but line feeds), and bidi controls.
TERMINAL_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

PROGRAM = """\
version: 1
program:
  id: p
  name: {name}
  levels:
    - name: Level 1
      exercises:
        - id: a
          name: A
          kind: hold
          hold: {hold}
          rest: {rest}
"""


def clean(result: CliResult) -> None:
    assert "Traceback" not in result.err
    assert not TERMINAL_CONTROL.search(result.out), result.out
    assert not TERMINAL_CONTROL.search(result.err), result.err


@pytest.mark.parametrize(
    ("name", "hold", "rest", "message"),
    [
        ('"\\e[2J\\e]0;title\\a"', 5, 5, "U+001B (ESCAPE)"),
        ('"\\e]52;c;aGk=\\a"', 5, 5, "U+001B (ESCAPE)"),
        ('"x\\x9b2J"', 5, 5, "U+009B"),
        ("ok", "1e308", 5, "far too long for a duration"),
        ("ok", 5, "1e306", "far too long for a duration"),
        ("ok", '"' + " " * 3200 + 'x"', 5, "a duration of 3201 characters is not meant"),
        ("ok", '"٨s"', 5, "is not a duration"),
    ],
)
def test_validate_preview_and_plan_report_hostile_values_in_one_clean_line(
    cli: Cli, tmp_path: Path, name: str, hold: object, rest: object, message: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PROGRAM.format(name=name, hold=hold, rest=rest), encoding="utf-8")
    for command in ("validate", "preview", "plan"):
        extra = ("--data-dir", tmp_path / "data") if command == "plan" else ()
        result = cli(command, path, *extra)
        clean(result)
        assert result.code == 1
        output = result.out + result.err
        assert message in output, (command, output)
        assert all(len(line) < 400 for line in output.splitlines())


def test_a_forged_line_stays_one_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text('version: 1\n"x\\n/etc/passwd:1:1": 1\n', encoding="utf-8")
    result = cli("validate", path)
    clean(result)
    assert not any(line.startswith("/etc/passwd") for line in result.out.splitlines())


@pytest.mark.timeout(20)
def test_a_fifo_is_reported_not_waited_for(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for command in ("validate", "preview"):
        result = cli(command, fifo)
        clean(result)
        assert result.code == 1
        assert "is a FIFO (named pipe), not a regular file" in result.out + result.err


def test_paths_the_system_cannot_take(cli: Cli, tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 5000 + ".yaml")
    for command in ("validate", "preview", "plan"):
        result = cli(command, too_long)
        clean(result)
        assert result.code == 2 and "no such file" in result.err


def test_a_file_named_with_escapes_is_shown_escaped(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[2J\nname.yaml"
    path.write_text("version: 2\n", encoding="utf-8")
    result = cli("validate", path)
    clean(result)
    assert "evil\\x1b[2J\\x0aname.yaml:1:10:" in result.out


def test_preview_escapes_names_even_past_the_reader(tmp_path: Path) -> None:
    """The reader refuses such names; if one ever got past it, the preview still shows
    it escaped (defence in depth)."""
    timeline = timeline_from(tmp_path, [{"name": "A", "kind": "hold", "hold": 5}])
    item = timeline.plan.exercises[0]
    hostile = item.exercise.model_copy(update={"name": "A\x1b[2J\u202eB"})
    plan = dataclasses.replace(
        timeline.plan,
        title="T\x1b]0;x\x07",
        exercises=(dataclasses.replace(item, exercise=hostile),),
    )
    out = io.StringIO()
    Console(file=out, width=100).print(render_preview(dataclasses.replace(timeline, plan=plan)))
    assert not TERMINAL_CONTROL.search(out.getvalue())
    assert "A\\x1b[2J\\u202eB" in out.getvalue() and "T\\x1b]0;x\\x07" in out.getvalue()


def test_a_folder_a_thousand_levels_deep_is_one_sentence(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.format.loader import MAX_FOLDER_DEPTH

    top = tmp_path / "deep"
    top.mkdir()
    monkeypatch.chdir(top)
    # Made (and removed) a step at a time, relative to the folder before: one path this
    # long is more than the system takes, and shutil.rmtree recurses (pytest's clean-up
    # of old temporary folders would fail on it).
    for _ in range(1000):
        Path("d").mkdir()
        os.chdir("d")
    monkeypatch.chdir(tmp_path)
    try:
        (top / "near.yaml").write_text(PROGRAM.format(name="N", hold="10s", rest="5s"))
        result = cli("validate", top)
    finally:
        monkeypatch.chdir(top)
        for _ in range(1000):
            os.chdir("d")
        for _ in range(1000):
            os.chdir("..")
            Path("d").rmdir()
        monkeypatch.chdir(tmp_path)
    clean(result)
    assert result.code == 1
    assert f"folders more than {MAX_FOLDER_DEPTH} levels below" in result.out
    assert "1 file checked" in result.out


def test_twenty_thousand_problems_are_fifty_lines_and_a_count(cli: Cli, tmp_path: Path) -> None:
    from coach.format.loader import MAX_PROBLEMS_PER_FILE

    many = tmp_path / "many.yaml"
    keys = "".join(f"  k{i}: 1\n" for i in range(20_000))
    many.write_text(f"version: 1\nprogram:\n{keys}", encoding="utf-8")
    result = cli("validate", many)
    *lines, summary = result.out.splitlines()
    assert len(lines) == MAX_PROBLEMS_PER_FILE + 1
    assert lines[-1].endswith("more problems in this file, not shown")
    shown_more = int(lines[-1].split("and ")[1].split(" more")[0].replace(",", ""))
    assert shown_more + MAX_PROBLEMS_PER_FILE >= 20_000
    assert f"{MAX_PROBLEMS_PER_FILE + shown_more:,} errors in 1 file" in summary


def test_references_to_a_fifo_or_a_folder_say_what_they_are(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "programs" / "folder.yaml").mkdir(parents=True)
    os.mkfifo(tmp_path / "programs" / "pipe.yaml")
    routine = tmp_path / "r.yaml"
    routine.write_text(
        "version: 1\nroutine:\n  id: r\n  name: R\n  programs:\n"
        "    - file: programs/folder.yaml\n    - file: programs/pipe.yaml\n",
        encoding="utf-8",
    )
    result = cli("validate", routine)
    assert result.code == 1
    assert "program file 'programs/folder.yaml' is a folder, not a file" in result.out
    assert "program file 'programs/pipe.yaml' is a FIFO (named pipe), not a file" in result.out
    assert "does not exist" not in result.out


def test_an_empty_kind_is_said_plainly(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(
        "version: 1\nprogram:\n  id: p\n  name: P\n  levels:\n    - name: L\n"
        '      exercises:\n        - id: a\n          name: A\n          kind: ""\n',
        encoding="utf-8",
    )
    result = cli("validate", path)
    assert result.code == 1
    assert "'kind' is empty; write one of: hold, reps, timed" in result.out
    assert "unknown kind ''" not in result.out


def test_usage_errors_show_the_arguments_escaped(cli: Cli) -> None:
    result = cli("--\x1b]0;pwned\x07", "\u202eevil")
    assert result.code == 2
    clean(result)
    assert "\\x1b]0;pwned\\x07" in result.err
