"""Text from a session file, on the way in and on the way out.

In: :func:`refused_character` finds what a session file may not hold in any text (C0
and C1 control characters, DEL, bidirectional overrides and isolates, line and paragraph
separators), so the reader can refuse it with ``file:line:col`` and the code point named.
A line feed is fine in multi-line text; every other control character is refused.

Out: :func:`printable` and :func:`quoted` are the one output policy for every place
that prints text that came from a file or a path (the TUI, preview, plan, validate,
history, export, notices): anything that is not printable is shown as an escape such as
``\\x1b`` or ``\\u202e``, so no file can move the cursor, clear the screen, set the
terminal's title or clipboard, reorder what is shown, or forge a line of output.

This module sits in the bottom layer so that every printer can import it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "REFUSED_PATTERN",
    "TYPED_PATTERN",
    "describe_character",
    "json_safe",
    "printable",
    "quoted",
    "refused_character",
    "refused_in_file",
    "typed",
]

# The characters refused in any text of a session file, as a character class. Tab and
# line feed are listed apart: a line feed is allowed in multi-line text, and a raw tab is
# YAML's own whitespace outside a scalar (the reader checks the file and each scalar).
# Written with escapes (not the characters themselves), so the JSON Schema that carries
# the same class stays plain ASCII; Python and JavaScript read these escapes alike.
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_SEPARATORS = r"\u2028\u2029"
REFUSED_PATTERN = rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\t{_BIDI}{_SEPARATORS}]"
"""One character class, with no quantifier: it runs in linear time in any engine."""

_REFUSED = re.compile(REFUSED_PATTERN)
_REFUSED_OUTSIDE_SCALARS = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}]")

_NAMES = {
    "\x00": "NUL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
    "\x9b": "CONTROL SEQUENCE INTRODUCER",
    "\x9d": "OPERATING SYSTEM COMMAND",
}


def refused_character(text: str, *, newlines: bool = True) -> int:
    """The index of the first character ``text`` may not hold, or -1 when it is clean.

    ``newlines`` allows line feeds (multi-line text); without it they are refused too.
    """
    found = _REFUSED.search(text)
    first = found.start() if found else -1
    if not newlines:
        line = text.find("\n", 0, first if first >= 0 else len(text))
        if line >= 0:
            return line
    return first


def refused_in_file(text: str) -> int:
    """The index of the first refused character in a whole file, outside or inside its
    scalars: tabs, line feeds and carriage returns are YAML's own whitespace there."""
    found = _REFUSED_OUTSIDE_SCALARS.search(text)
    return found.start() if found else -1


def describe_character(char: str) -> str:
    """``U+001B (ESCAPE)``: a code point as a message names it."""
    name = _NAMES.get(char)
    if name is None:
        name = unicodedata.name(char, "")
    if not name:
        name = "a control character" if unicodedata.category(char) == "Cc" else "unnamed"
    return f"U+{ord(char):04X} ({name})"


def _is_shown_as_is(char: str) -> bool:
    if char.isprintable():
        return True
    # Spaces of every width print as space; the zero-width joiners hold emoji and many
    # scripts together. Everything else that is not printable is escaped.
    return unicodedata.category(char) == "Zs" or char in "\u200c\u200d"


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


_PLAIN = re.compile(r"[\x20-\x7e]*")


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` with everything that is not printable shown as an escape (``\\x1b``).

    With ``multiline`` line feeds stay (for instructions shown as a block); otherwise a
    line feed is ``\\n`` too, so the text stays on one line.
    """
    if _PLAIN.fullmatch(text) or text.isprintable():
        # The common cases, at the speed of C: every character is shown as is (a text
        # str.isprintable() takes holds no control, format, bidi or line character).
        return text
    if multiline:
        # Line by line, so only a line that holds something to escape is read a
        # character at a time.
        return "\n".join(
            line if line.isprintable() else _escaped(line, _escape) for line in text.split("\n")
        )
    return _escaped(text, _escape)


def _escaped(text: str, escape: Callable[[str], str]) -> str:
    """``text`` with each character that is not shown as is written by ``escape``."""
    return "".join(char if _is_shown_as_is(char) else escape(char) for char in text)


# What a person may type into a field that is stored (a note, an activity, a setting):
# printable characters and spaces only, as a pattern Textual's ``Input(restrict=...)``
# matches against the whole value, so a pasted escape or bidi control never lands.
TYPED_PATTERN = r"[^\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028-\u2029\u2060-\u206f\ufeff]*"


def typed(text: str, *, limit: int | None = None) -> str:
    """What is kept of text a person typed: every character that is not printable
    (controls, C1, bidi and zero-width characters) as a space, runs of spaces as one,
    cut to ``limit`` characters. Stored text is then shown as it was typed."""
    if not _PLAIN.fullmatch(text):
        text = "".join(c if c.isprintable() or c == " " else " " for c in text)
    text = " ".join(text.split())
    return text[:limit].strip() if limit is not None else text


def quoted(text: str, *, limit: int = 60) -> str:
    """``'text'`` for a message: escaped, on one line, and cut to ``limit`` characters
    with ``…`` so that a 20,000-character value does not flood the screen."""
    shown = printable(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"'{shown}'"


def json_safe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every character that
    is not printable written as a ``\\uXXXX`` escape: the same JSON value, safe to print.

    Such characters can only sit inside JSON strings, where the escape means the same.
    """
    if _PLAIN.fullmatch(text):
        return text
    # Line by line (a line feed is kept: JSON's indentation), at the speed of C for the
    # lines str.isprintable() takes, which hold nothing to escape.
    return "\n".join(
        line if line.isprintable() else _escaped(line, _json_escape) for line in text.split("\n")
    )


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # a surrogate pair, as JSON spells characters above the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
