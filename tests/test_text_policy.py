"""Text from a file: refused at the boundary when it could drive the terminal, and escaped
whenever it is printed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.format.diagnostics import Diagnostic, Mark, SessionFileError
from coach.format.loader import load_session_file
from coach.format.text import json_safe, printable, quoted, refused_character

Write = Callable[..., Path]

PROGRAM = """\
version: 1
program:
  id: test
  name: {name}
  levels:
    - name: Level 1
      exercises:
        - id: a
          name: A
          kind: hold
          hold: 5
          instructions: {instructions}
"""


def errors(path: Path) -> list[str]:
    with pytest.raises(SessionFileError) as caught:
        load_session_file(path)
    return [d.render() for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("name", "where", "named"),
    [
        ('"Side \\e[2J plank"', "4:9", "U+001B (ESCAPE)"),  # an escape: the value's start
        ('"\\e]0;pwned\\a"', "4:9", "U+001B (ESCAPE)"),  # OSC 0 sets the terminal title
        ('"x\\e]52;c;aGk=\\a"', "4:9", "U+001B (ESCAPE)"),  # OSC 52 writes the clipboard
        ('"a\\0b"', "4:9", "U+0000 (NUL)"),
        ('"C1 \\x9b2J"', "4:9", "U+009B (CONTROL SEQUENCE INTRODUCER)"),
        ('"tab\\there"', "4:9", "U+0009 (TAB)"),
        ('"cr\\rhere"', "4:9", "U+000D (CARRIAGE RETURN)"),
        ("evil \u202eright-to-left", "4:14", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("isolate \u2067x", "4:17", "U+2067 (RIGHT-TO-LEFT ISOLATE)"),
        ("raw\x1b[2Jname", "4:12", "U+001B (ESCAPE)"),  # written as itself: exactly there
        ("raw\x7fdel", "4:12", "U+007F (DELETE)"),
    ],
)
def test_control_and_bidi_characters_are_refused_with_the_place_and_code_point(
    write: Write, name: str, where: str, named: str
) -> None:
    path = write("p.yaml", PROGRAM.format(name=name, instructions="fine"))
    (message,) = errors(path)
    assert message.startswith(f"{path}:{where}: ")
    assert named in message


def test_a_line_break_is_fine_in_instructions_but_not_in_a_name(write: Write) -> None:
    ok = write("ok.yaml", PROGRAM.format(name="Fine", instructions='"one\\ntwo"'))
    loaded = load_session_file(ok)
    exercise = loaded.program.levels[0].exercises[0]  # type: ignore[union-attr]
    assert exercise.instructions == "one\ntwo"
    bad = write("bad.yaml", PROGRAM.format(name='"one\\ntwo"', instructions="fine"))
    assert errors(bad) == [f"{bad}:4:9: must be one line; this text has a line break"]


def test_a_key_with_a_line_break_cannot_forge_a_line_of_output(write: Write) -> None:
    forged = write("k.yaml", 'version: 1\n"x\\n/etc/passwd:1:1: all good": 1\n')
    (message,) = errors(forged)
    assert "\n" not in message and message.startswith(f"{forged}:2:1: a line break U+000A")


def test_unknown_keys_are_quoted_escaped_and_on_one_line(write: Write) -> None:
    path = write("u.yaml", 'version: 1\nprogram: {"na\\u00e9me": 1}\n')
    messages = errors(path)
    assert any("unknown key 'naéme'" in m for m in messages)


def test_a_file_name_cannot_forge_a_line_either(tmp_path: Path) -> None:
    diagnostic = Diagnostic(tmp_path / "a\nb:1:1: all good\x1b[2J", Mark(1, 2), "x\x9by")
    rendered = diagnostic.render()
    assert "\n" not in rendered and "\x1b" not in rendered and "\x9b" not in rendered
    assert rendered.endswith("a\\x0ab:1:1: all good\\x1b[2J:1:2: x\\x9by")


@pytest.mark.timeout(20)
def test_fifo_session_files_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert errors(fifo) == [
        f"{fifo}:1:1: is a FIFO (named pipe), not a regular file; it is not read"
    ]


def test_the_number_one_and_only_it_is_the_version(write: Write) -> None:
    # true is not a number (the schema refuses it too); 1.0 and 1e0 are the number 1,
    # as in JSON and the schema's 'const' (tests/test_schema_agreement.py).
    path = write("v.yaml", "version: true\nroutine: {}\n")
    assert any(":1:10: version must be the whole number 1" in m for m in errors(path))
    for written in ("1.0", "1e0", "1.5", "2.0"):
        path = write("v.yaml", f"version: {written}\nroutine: {{}}\n")
        refused = any(":1:10: version" in m for m in errors(path))
        assert refused == (written in ("1.5", "2.0")), written


# -- the output policy --------------------------------------------------------------------

HOSTILE = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x07\x1b\x9b\x9d\u202e\u2066\u2028\n\r\t"),
    ),
    max_size=60,
)
_TERMINAL_CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) + "\u202a\u202e\u2066"


@given(HOSTILE)
def test_printable_text_holds_no_control_character_and_one_line(text: str) -> None:
    shown = printable(text)
    assert not any(c in _TERMINAL_CONTROLS for c in shown)
    assert printable(shown) == shown  # escaping what is escaped changes nothing more
    block = printable(text, multiline=True)
    assert block.split("\n") == [printable(line) for line in text.split("\n")]


@given(HOSTILE)
def test_quoted_values_are_short_single_lines(text: str) -> None:
    shown = quoted(text * 500)
    assert len(shown) <= 62 and "\n" not in shown
    assert refused_character(shown, newlines=False) == -1


@given(st.recursive(HOSTILE, lambda inner: st.lists(inner, max_size=3), max_leaves=8))
def test_json_safe_is_the_same_json_value_and_prints_safely(value: object) -> None:
    text = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    assert not any(c in _TERMINAL_CONTROLS.replace("\n", "") for c in text)


def test_ordinary_text_is_left_alone() -> None:
    for text in ("Side plank [left]", "Übung Brücke", "Pause\u00a0: 5 s", "👩\u200d⚕️ ok"):
        assert printable(text) == text


@pytest.mark.timeout(20)
def test_a_value_at_the_text_limit_is_checked_quickly(write: Write) -> None:
    """20,000 characters of text with a bidi override at the end: found, at once."""
    path = write("long.yaml", PROGRAM.format(name="N", instructions="x" * 19_999 + "\u202e"))
    started = time.monotonic()
    (message,) = errors(path)
    assert time.monotonic() - started < 5  # a hang guard, not a benchmark
    column = len("          instructions: ") + 20_000
    assert f":12:{column}: bidirectional control U+202E" in message


def test_the_report_shows_control_bidi_and_zero_width_characters_escaped() -> None:
    from coach.report.page import esc

    assert esc("<b>knee\u202eevil</b>\x85\u200b\nnext") == (
        "&lt;b&gt;knee\\u202eevil&lt;/b&gt;\\x85\\u200b\nnext"
    )
