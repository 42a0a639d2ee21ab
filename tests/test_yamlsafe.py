"""The YAML layer: YAML 1.1 traps do not bite, and hostile input fails fast and clearly."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.format.diagnostics import Mark, SessionFileError
from coach.format.yamlsafe import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    YamlDocument,
    load_yaml_bytes,
)

HERE = Path("file.yaml")

# Hostile input must be refused quickly; a hang would be a defect, so each of these tests
# carries a generous timeout rather than a timing assertion.
hang_guard = pytest.mark.timeout(20)


def load(text: str | bytes) -> YamlDocument:
    raw = text.encode() if isinstance(text, str) else text
    return load_yaml_bytes(raw, HERE)


def problems(text: str | bytes) -> list[str]:
    """Every diagnostic as 'line:col: message', whether or not reading stopped."""
    try:
        document = load(text)
    except SessionFileError as exc:
        found = exc.diagnostics
    else:
        found = list(document.diagnostics)
    return [f"{d.mark.line}:{d.mark.column}: {d.message}" for d in found]


# -- YAML 1.1 traps ----------------------------------------------------------------------


def test_sexagesimal_stays_text() -> None:
    assert load("t: 1:30\nu: 01:02:03\n").data == {"t": "1:30", "u": "01:02:03"}


@pytest.mark.parametrize("word", ["no", "No", "NO", "off", "Off", "yes", "on", "y", "n"])
def test_yaml11_booleans_stay_text(word: str) -> None:
    assert load(f"x: {word}\n").data == {"x": word}


@pytest.mark.parametrize(("word", "value"), [("true", True), ("False", False), ("TRUE", True)])
def test_only_true_and_false_are_booleans(word: str, value: bool) -> None:
    assert load(f"x: {word}\n").data["x"] is value


@pytest.mark.parametrize(
    ("written", "value"),
    [("12", 12), ("-3", -3), ("0o17", 15), ("0x1F", 31), ("1.5", 1.5), ("1e3", 1000.0)],
)
def test_numbers_follow_yaml_12(written: str, value: object) -> None:
    result = load(f"x: {written}\n").data["x"]
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("written", ["1_000", "017x", "0b101", "+.5e", "1,5"])
def test_other_number_spellings_are_text(written: str) -> None:
    assert load(f"x: {written}\n").data["x"] == written


@pytest.mark.parametrize("written", ["~", "null", "Null", ""])
def test_nulls(written: str) -> None:
    assert load(f"x: {written}\n").data == {"x": None}


def test_quoted_scalars_are_always_text() -> None:
    assert load("a: '12'\nb: \"true\"\nc: !!str 3\n").data == {"a": "12", "b": "true", "c": "3"}


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    assert problems("a: 1\nb: 2\na: 3\n") == ["3:1: duplicate key 'a' (first given at line 1)"]


def test_duplicate_keys_keep_the_first_value_and_its_position() -> None:
    document = load("a: 1\na:\n  nested: 2\n")
    assert document.data == {"a": 1}
    assert document.mark(("a",)) == Mark(1, 4)


def test_merge_keys_are_refused() -> None:
    assert problems("base: &b {x: 1}\nother:\n  <<: *b\n") == [
        "3:3: merge keys (<<) are not supported; write the keys out in full"
    ]


def test_positions_of_keys_and_values() -> None:
    document = load("program:\n  levels:\n    - name: One\n      x:   5\n")
    assert document.mark(("program", "levels", 0, "x")) == Mark(4, 12)
    assert document.mark(("program", "levels", 0, "x"), key=True) == Mark(4, 7)
    # Unknown paths fall back to the deepest known parent.
    assert document.mark(("program", "levels", 0, "missing")) == Mark(3, 7)


def test_aliases_are_allowed_within_limits() -> None:
    assert load("a: &x [1, 2]\nb: *x\n").data == {"a": [1, 2], "b": [1, 2]}


# -- hostile input -------------------------------------------------------------------------


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@hang_guard
def test_alias_bomb_is_refused() -> None:
    (message,) = problems(_alias_bomb())
    assert "expands to more than" in message


@hang_guard
@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &a {b: *a}\n", "&r [*r]\n"])
def test_self_referencing_anchor_is_refused(text: str) -> None:
    (message,) = problems(text)
    assert "refers to a value that contains it" in message


def test_undefined_alias() -> None:
    assert problems("a: *nope\n") == ["1:4: alias *nope has no anchor &nope before it"]


@hang_guard
@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_very_deep_nesting_is_refused(opener: str) -> None:
    depth = 100_000
    if opener == "- ":
        text = "".join("  " * i + "-\n" for i in range(200))  # block style, 200 deep
    else:
        closer = "]" if opener == "[" else "}"
        text = opener * depth + "1" + closer * depth
    found = problems(text)
    assert found, "deep nesting must be reported"
    assert any(f"deeper than {MAX_DEPTH}" in m or "YAML syntax" in m for m in found)


def test_nesting_at_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert problems("[" * depth + "]" * depth) == []


@hang_guard
def test_five_thousand_digit_number() -> None:
    assert problems("x: " + "9" * 5000 + "\n") == [
        "1:4: a number of 5000 characters is too long to be meant"
    ]


@pytest.mark.parametrize("written", [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1e999"])
def test_nan_and_infinity_are_refused(written: str) -> None:
    (message,) = problems(f"x: {written}\n")
    assert message.startswith("1:4: ")
    assert "number" in message


@hang_guard
def test_megabyte_file_is_refused_before_parsing() -> None:
    text = "x: '" + "a" * MAX_FILE_BYTES + "'\n"
    assert problems(text) == [
        f"1:1: file is larger than {MAX_FILE_BYTES // 1024} KiB; "
        "session files are small text files, so this is probably not one"
    ]


@hang_guard
def test_long_text_value_is_refused() -> None:
    (message,) = problems("x: '" + "a" * (MAX_TEXT_CHARS + 1) + "'\n")
    assert "over the limit" in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (codecs.BOM_UTF16_LE + "a: 1".encode("utf-16-le"), "1:1: file is saved as UTF-16"),
        (codecs.BOM_UTF32_BE + "a: 1".encode("utf-32-be"), "1:1: file is saved as UTF-32"),
        ("a: 1\nname: café\n".encode("latin-1"), "2:10: byte 0xE9 is not valid UTF-8"),
        ("name: é\n".encode("cp1252") + b"\x81", "1:7: byte 0xE9 is not valid UTF-8"),
    ],
)
def test_wrong_encodings(raw: bytes, expected: str) -> None:
    (message,) = problems(raw)
    assert message.startswith(expected)


def test_utf8_with_bom_is_fine() -> None:
    assert load(codecs.BOM_UTF8 + "a: é\n".encode()).data == {"a": "é"}


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)),
        b"version: 1\x00\x00",
    ],
)
def test_binary_data_is_refused(raw: bytes) -> None:
    (message,) = problems(raw)
    assert "binary" in message or "UTF-8" in message


def test_control_characters_are_refused_where_they_are() -> None:
    (message,) = problems(b"x: a\x07b\n")
    assert message.startswith("1:5: control character U+0007 (BELL) is not allowed")


@pytest.mark.parametrize("raw", [b"", b"   \n\n", b"\n"])
def test_empty_files(raw: bytes) -> None:
    assert problems(raw) == ["1:1: file is empty; a session file starts with 'version: 1'"]


def test_file_with_only_comments() -> None:
    assert problems("# nothing here\n") == ["1:1: file holds no data; start it with 'version: 1'"]


def test_several_documents() -> None:
    assert problems("a: 1\n---\nb: 2\n") == [
        "2:1: a second YAML document starts here; a session file holds exactly one"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['echo hacked']\n",
        "x: !!python/name:os.system\n",
        "x: !!python/object:collections.OrderedDict {}\n",
        "x: !custom thing\n",
        "x: !!binary aGVsbG8=\n",
        "x: !!set {a, b}\n",
        "x: !!timestamp 2001-12-14\n",
    ],
)
def test_no_python_objects_or_custom_tags(text: str) -> None:
    (message,) = problems(text)
    assert "is not allowed in session files" in message


def test_tab_indentation_says_so() -> None:
    (message,) = problems("a:\n\tb: 1\n")
    assert message.startswith("2:1: YAML syntax")
    assert message.endswith("indent with spaces, not tabs")


def test_syntax_error_position() -> None:
    (message,) = problems("a: [1, 2\nb: 3\n")
    assert message.startswith("2:2: YAML syntax")


def test_complex_keys_are_refused() -> None:
    (message,) = problems("? [a, b]\n: 1\n")
    assert "mapping key must be plain text" in message


# -- the fast path for plain text --------------------------------------------------------

_SCALARS = [
    "plain words",
    "x",
    "null",
    "~",
    "",
    "true",
    "False",
    "12",
    "-3.5",
    ".inf",
    ".nan",
    "0x1F",
    "0o17",
    "1e3",
    "45s",
    "nothing",
    "Tuesday",
    '"quoted \\e escape"',
    '"quoted \\u202e bidi"',
    '"line\\nfeed"',
    "'single'",
    "!!str 12",
    "!!int 12",
    "!!float x",
    "!custom x",
    "word\twith tab",
    "|\n    block\n    text",
    "x" * 20_001,
]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["key", "name", '"k\\ney"', "'k'", "n", "12", "<<"]),
            st.sampled_from(_SCALARS),
        ),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_plain_text_read_fast_is_read_as_the_slow_path_reads_it(
    pairs: list[tuple[str, str]], crlf: bool
) -> None:
    """The composer skips the per-scalar checks for plain text in a file with no raw tab
    or carriage return; what it reads (values, problems, positions) is what the full
    checks read."""
    from coach.format import yamlsafe

    class Slow(yamlsafe._Composer):
        def __init__(self, text: str, path: Path) -> None:
            super().__init__(text, path)
            self.clean = False

    text = "".join(f"{key}: {value}\n" for key, value in pairs)
    if crlf:
        text = text.replace("\n", "\r\n")
    path = Path("f.yaml")

    def read(composer: type[yamlsafe._Composer]) -> object:
        try:
            document = composer(text, path).run()
        except SessionFileError as exc:
            return [d.render() for d in exc.diagnostics]
        marks = {p: (document.mark(p), document.mark(p, key=True)) for p in document.where}
        return document.data, [d.render() for d in document.diagnostics], marks

    assert read(yamlsafe._Composer) == read(Slow)
