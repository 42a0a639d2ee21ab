"""A strict, safe YAML reader for session files.

PyYAML's loaders follow YAML 1.1, where ``1:30`` is 90, ``no`` is False and ``on`` is True,
duplicate keys silently overwrite each other, and aliases can expand exponentially
("billion laughs"). Session authors should never meet any of that, so this module reads
YAML's *event stream* (never constructing Python objects from tags) and builds plain data
itself, with:

* the YAML 1.2 core schema for plain scalars: only ``true``/``false`` are booleans, only
  ``null``/``~``/empty is null, numbers are decimal, ``0o`` octal or ``0x`` hex;
* errors for duplicate keys, merge keys, explicit tags other than the standard ones,
  NaN and infinities, and numbers too long to be meant;
* hard limits (below) so hostile input fails fast with a message instead of a hang,
  a ``RecursionError`` or an out-of-memory kill.

It returns the data together with the position of every key and value, so the schema
layer can report ``path:line:col`` for any problem it finds.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import yaml

from coach.format.diagnostics import Diagnostic, Mark, SessionFileError
from coach.format.files import NotRegularFileError, read_regular_file
from coach.format.text import (
    describe_character,
    printable,
    quoted,
    refused_character,
    refused_in_file,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_KEY_CHARS",
    "MAX_NUMBER_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_VALUES",
    "DataPath",
    "NotRegularFileError",
    "YamlDocument",
    "load_yaml_bytes",
    "load_yaml_file",
    "read_regular_file",
]

MAX_FILE_BYTES = 1024 * 1024
"""Largest file read at all; real session files are a few kilobytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences; the format itself needs about 8."""
MAX_VALUES = 100_000
"""Most values a document may hold once every alias is expanded."""
MAX_TEXT_CHARS = 20_000
"""Longest single text value; instructions are a few hundred characters."""
MAX_NUMBER_CHARS = 32
"""Longest number literal; anything longer is a typo or an attack."""
MAX_KEY_CHARS = 200
"""Longest mapping key; the format's own keys are at most 16 characters."""

DataPath = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
# Any: the C loader when libyaml is there, else the Python one; no common type in the stubs
_LoaderClass: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Position(Protocol):
    """What the reader needs of PyYAML's marks (the C and the Python loader's alike)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


RawMark: TypeAlias = "_Position | None"
"""A position as PyYAML gives it (0-based), kept as it is until it is shown."""
YamlValue: TypeAlias = "bool | int | float | str | list[YamlValue] | dict[str, YamlValue] | None"
"""Plain data read from YAML: what the core schema's scalars and collections become."""

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_DEC = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_TRAILING_COMMENT = re.compile(r"[ \t]+#")
_INF_NAN = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_MAYBE_RESOLVED = frozenset("~nNtTfF0123456789+-.") | {""}
"""First characters of every null, boolean and number above (and the empty null): a
plain scalar starting with any other stays text."""


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data read from one YAML file, with the position of every value."""

    path: Path
    data: Any  # Any: plain data (YamlValue), handed to the models that check its shape
    where: dict[DataPath, tuple[RawMark, RawMark]]
    """Where each value sits: PyYAML's marks (0-based) of the value and of its key (None
    outside a mapping), made into a :class:`Mark` only when one is asked for."""
    reported: frozenset[DataPath] = frozenset()
    """Paths whose value already has a diagnostic (so later layers stay quiet about them)."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Problems that did not stop reading (duplicate keys, bad numbers...)."""
    comments: dict[DataPath, tuple[Mark, str]] = field(default_factory=dict)
    """Unquoted texts followed by a comment on their line: where the ``#`` is, and the
    rest of the line from it. YAML ends
    a plain text at `` #``, so what follows is silently dropped; the loader warns where
    the text is shown to the user."""

    def mark(self, data_path: DataPath, *, key: bool = False) -> Mark:
        """The position of the deepest known value on ``data_path``."""
        for end in range(len(data_path), -1, -1):
            located = self.where.get(data_path[:end])
            if located is not None:
                value, key_mark = located
                if key and end == len(data_path) and key_mark is not None:
                    return _to_mark(key_mark)
                return _to_mark(value)
        return Mark(1, 1)


class _Stop(Exception):
    """A problem after which the rest of the file cannot be read meaningfully."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


@dataclass(slots=True)
class _Frame:
    container: dict[str, YamlValue] | list[YamlValue]
    path: DataPath
    anchor: str | None
    size: int = 1
    key: str | None = None
    key_mark: RawMark = None
    """PyYAML's mark of the key being read (0-based)."""
    skip_value: bool = False
    keys: dict[str, RawMark] = field(default_factory=dict)
    """Each key read, and PyYAML's mark of it."""


def _to_mark(m: RawMark) -> Mark:
    """PyYAML's mark (0-based) as a :class:`Mark` (as editors count, from 1). Made only
    for what is shown: the reader keeps PyYAML's own marks, most never shown."""
    return Mark(1, 1) if m is None else Mark(m.line + 1, m.column + 1)


def _mark(event: yaml.Event) -> Mark:
    return _to_mark(event.start_mark)


def load_yaml_file(path: Path) -> YamlDocument:
    """Read ``path`` and return its data; raise :class:`SessionFileError` on any problem."""
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES + 1)
    except NotRegularFileError as exc:
        raise SessionFileError([Diagnostic(path, Mark(1, 1), str(exc))]) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SessionFileError(
            [Diagnostic(path, Mark(1, 1), f"cannot read file: {reason}")]
        ) from None
    return load_yaml_bytes(raw, path)


def load_yaml_bytes(raw: bytes, path: Path) -> YamlDocument:
    """Parse ``raw`` (the bytes of ``path``); raise :class:`SessionFileError` on any problem."""
    text = _decode(raw, path)
    return _Composer(text, path).run()


def _decode(raw: bytes, path: Path) -> str:
    def fail(mark: Mark, message: str) -> SessionFileError:
        return SessionFileError([Diagnostic(path, mark, message)])

    if len(raw) > MAX_FILE_BYTES:
        raise fail(
            Mark(1, 1),
            f"file is larger than {MAX_FILE_BYTES // 1024} KiB; session files are small text "
            "files, so this is probably not one",
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise fail(Mark(1, 1), "file is saved as UTF-32; save it as UTF-8")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail(Mark(1, 1), "file is saved as UTF-16; save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise fail(_byte_mark(raw, nul), "file contains NUL bytes; it looks binary, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        raise fail(
            _byte_mark(raw, exc.start),
            f"byte 0x{bad:02X} is not valid UTF-8; save the file as UTF-8",
        ) from None
    if not text.strip():
        raise fail(Mark(1, 1), "file is empty; a session file starts with 'version: 1'")
    bad = refused_in_file(text)
    if bad >= 0:
        raise fail(_text_mark(text, bad), _refused_message(text[bad]))
    return text


def _refused_message(char: str, *, in_key: bool = False) -> str:
    """Why a character is refused, naming it; the same words for the file and a value."""
    where = "a key" if in_key else "session files"
    if char == "\t":
        return f"tab {describe_character(char)} is not allowed in {where}; use spaces"
    if char == "\n":
        return f"a line break {describe_character(char)} is not allowed in {where}"
    if char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        what = "bidirectional control"
    elif char in "\u2028\u2029":
        what = "line separator"
    else:
        what = "control character"
    return (
        f"{what} {describe_character(char)} is not allowed in {where}: "
        "it could change what the terminal shows; remove it"
    )


def _byte_mark(raw: bytes, offset: int) -> Mark:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Mark(line, column)


class _Composer:
    """Turns YAML events into plain data, iteratively, with limits."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[YamlValue, int]] = {}
        self.open_anchors: set[str] = set()
        self.where: dict[DataPath, tuple[RawMark, RawMark]] = {}
        # Without a raw tab or carriage return in the file (the file holds no other
        # refused character: _decode), only a double-quoted scalar's escapes can make
        # one, and only a line feed needs looking for elsewhere.
        self.clean = "\t" not in text and "\r" not in text
        self.reported: set[DataPath] = set()
        self.problems: list[Diagnostic] = []
        self.values = 0
        """Values so far, each node counted once and each alias as the size it expands to."""
        self.root: YamlValue = None
        self.documents = 0
        self.comments: dict[DataPath, tuple[Mark, str]] = {}

    def run(self) -> YamlDocument:
        loader = _LoaderClass(self.text)
        check, get, handle = loader.check_event, loader.get_event, self._handle
        try:
            while check():
                handle(get())
        except _Stop as stop:
            self.problems.append(Diagnostic(self.path, stop.mark, stop.message))
        except yaml.YAMLError as exc:
            self.problems.append(self._syntax_problem(exc))
        finally:
            loader.dispose()
        if self.problems and (self.root is None or self.stack):
            raise SessionFileError(self.problems)
        if self.root is None:
            raise SessionFileError(
                [
                    Diagnostic(
                        self.path,
                        Mark(1, 1),
                        "file holds no data; start it with 'version: 1'",
                    )
                ]
            )
        return YamlDocument(
            self.path,
            self.root,
            self.where,
            frozenset(self.reported),
            tuple(self.problems),
            self.comments,
        )

    # -- events -----------------------------------------------------------------------

    def _handle(self, event: yaml.Event) -> None:
        if isinstance(event, _NODE_EVENTS):  # the most common: tested first
            self._node(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _Stop(
                    _mark(event),
                    "a second YAML document starts here; a session file holds exactly one",
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self.stack.pop()
            if frame.anchor is not None:
                self.open_anchors.discard(frame.anchor)
                self.anchors[frame.anchor] = (frame.container, frame.size)
            # Its children are counted already: the container adds itself, once.
            self._attach(frame.container, frame.size, self.where[frame.path][0], counts=1)

    def _node(self, event: yaml.NodeEvent) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.key is None and isinstance(parent.container, dict):
            self._key(parent, event)
            return
        raw = event.start_mark
        path = self._child_path(parent)
        self.where[path] = (raw, parent.key_mark if parent is not None else None)

        if isinstance(event, yaml.AliasEvent):
            self._alias(event, raw)
            return
        anchor = event.anchor
        if isinstance(event, yaml.ScalarEvent):
            value = self._scalar(event, raw, path)
            if isinstance(value, str) and not event.style:
                self._note_comment(event, path)
            if anchor is not None:
                self.anchors[anchor] = (value, 1)
            self._attach(value, 1, raw, counts=1)
            return
        assert isinstance(event, yaml.CollectionStartEvent)
        self._check_collection_tag(event, raw)
        if len(self.stack) >= MAX_DEPTH:
            raise _Stop(_to_mark(raw), f"nesting is deeper than {MAX_DEPTH} levels")
        container: dict[str, YamlValue] | list[YamlValue] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        if anchor is not None:
            self.open_anchors.add(anchor)
        self.stack.append(_Frame(container, path, anchor))

    def _key(self, frame: _Frame, event: yaml.NodeEvent) -> None:
        raw = event.start_mark
        if not isinstance(event, yaml.ScalarEvent):
            raise _Stop(
                _to_mark(raw), "a mapping key must be plain text, not a list, mapping or alias"
            )
        key = event.value
        if len(key) > MAX_KEY_CHARS:
            raise _Stop(
                _to_mark(raw), f"a key of {len(key)} characters is far too long to be meant"
            )
        if self.clean and event.style != '"':
            bad = key.find("\n")  # nothing else refused can be in it (see self.clean)
        else:
            bad = refused_character(key, newlines=False)
        if bad >= 0:
            raise _Stop(self._char_mark(event, key, bad), _refused_message(key[bad], in_key=True))
        frame.key = key
        frame.key_mark = raw
        frame.skip_value = False
        if key == "<<" and event.implicit[0]:
            self._problem(
                _to_mark(raw), "merge keys (<<) are not supported; write the keys out in full"
            )
            frame.skip_value = True
        elif key in frame.keys:
            first = _to_mark(frame.keys[key]).line
            self._problem(
                _to_mark(raw), f"duplicate key {quoted(key)} (first given at line {first})"
            )
            frame.skip_value = True
        else:
            frame.keys[key] = raw

    def _child_path(self, parent: _Frame | None) -> DataPath:
        if parent is None:
            return ()
        if isinstance(parent.container, list):
            return (*parent.path, len(parent.container))
        assert parent.key is not None
        if parent.skip_value:
            # A duplicate or merge key: read it (to find further problems) but keep its
            # positions apart from the value that counts.
            return (*parent.path, f"<ignored {parent.key}>")
        return (*parent.path, parent.key)

    def _attach(self, value: YamlValue, size: int, raw: RawMark, *, counts: int) -> None:
        """Put ``value`` (``size`` values in all) in its parent; ``counts`` is how many of
        them are new to the total: 1 for a node just read, ``size`` for an alias."""
        self.values += counts
        if self.values > MAX_VALUES:
            raise _Stop(
                _to_mark(raw),
                f"document expands to more than {MAX_VALUES} values (through aliases?); "
                "session files are far smaller",
            )
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.size += size
        if isinstance(parent.container, list):
            parent.container.append(value)
        else:
            assert parent.key is not None
            if not parent.skip_value:
                parent.container[parent.key] = value
            parent.key = None
            parent.key_mark = None

    def _alias(self, event: yaml.AliasEvent, raw: RawMark) -> None:
        name = event.anchor
        assert name is not None  # an alias always names its anchor
        if name in self.open_anchors:
            raise _Stop(_to_mark(raw), f"alias *{name} refers to a value that contains it")
        if name not in self.anchors:
            raise _Stop(_to_mark(raw), f"alias *{name} has no anchor &{name} before it")
        value, size = self.anchors[name]
        self._attach(value, size, raw, counts=size)

    # -- scalars ----------------------------------------------------------------------

    def _problem(self, mark: Mark, message: str, path: DataPath | None = None) -> None:
        self.problems.append(Diagnostic(self.path, mark, message))
        if path is not None:
            self.reported.add(path)

    def _scalar(self, event: yaml.ScalarEvent, raw: RawMark, path: DataPath) -> YamlValue:
        text: str = event.value
        tag = event.tag
        # The most common scalar by far: plain, untagged, in a clean file, where no
        # refused character can be (see self.clean). Plain text that no resolver could
        # take (its first character starts no null, boolean or number) is text as it
        # stands.
        if (
            tag is None
            and self.clean
            and event.implicit[0]
            and len(text) <= MAX_TEXT_CHARS
            and text[:1] not in _MAYBE_RESOLVED
        ):
            return text
        mark = _to_mark(raw)
        if len(text) > MAX_TEXT_CHARS:
            self._problem(
                mark,
                f"text of {len(text)} characters is over the limit of {MAX_TEXT_CHARS}",
                path,
            )
            return ""
        bad = -1 if self.clean and event.style != '"' else refused_character(text)
        if bad >= 0:
            self._problem(self._char_mark(event, text, bad), _refused_message(text[bad]), path)
            return ""
        plain = event.implicit[0] and tag in (None, "!")
        if tag in (None, "!") and not plain:
            return text
        if tag is not None and tag != "!" and not tag.startswith(_YAML):
            self._problem(mark, f"tag {_show_tag(tag)} is not allowed in session files", path)
            return text
        kind = tag[len(_YAML) :] if tag and tag.startswith(_YAML) else None
        if kind == "str":
            return text
        if kind not in (None, "int", "float", "bool", "null"):
            self._problem(
                mark, f"tag !!{printable(kind or '')} is not allowed in session files", path
            )
            return text
        return self._resolve(text, kind, mark, path)

    def _resolve(self, text: str, kind: str | None, mark: Mark, path: DataPath) -> YamlValue:
        if kind in (None, "null") and _NULL.match(text):
            return None
        if kind in (None, "bool") and _BOOL.match(text):
            return text.lower() == "true"
        looks_numeric = bool(
            _INT_DEC.match(text)
            or _INT_OCT.match(text)
            or _INT_HEX.match(text)
            or _FLOAT.match(text)
        )
        if kind in (None, "int", "float") and looks_numeric and len(text) > MAX_NUMBER_CHARS:
            self._problem(mark, f"a number of {len(text)} characters is too long to be meant", path)
            return 0
        if kind in (None, "int"):
            if _INT_DEC.match(text):
                return int(text)
            if _INT_OCT.match(text):
                return int(text[2:], 8)
            if _INT_HEX.match(text):
                return int(text[2:], 16)
        if kind in (None, "float"):
            if _INF_NAN.match(text):
                self._problem(
                    mark, f"{quoted(text)} is not a usable number; write a finite number", path
                )
                return 0
            if _FLOAT.match(text) or (kind == "float" and _INT_DEC.match(text)):
                number = float(text)
                if not math.isfinite(number):
                    self._problem(mark, f"{quoted(text)} is too large a number", path)
                    return 0
                return number
        if kind is None:
            return text
        self._problem(mark, f"{quoted(text)} is not a valid !!{kind} value", path)
        return text

    def _note_comment(self, event: yaml.ScalarEvent, path: DataPath) -> None:
        """Remember a comment right after the plain text ``event`` on its own line."""
        if event.end_mark is None:
            return
        found = _TRAILING_COMMENT.match(self.text, event.end_mark.index)
        if found is not None:
            at = found.end() - 1
            line_end = self.text.find("\n", at)
            rest = self.text[at : line_end if line_end >= 0 else len(self.text)].rstrip()
            self.comments[path] = (_text_mark(self.text, at), rest)

    def _char_mark(self, event: yaml.ScalarEvent, text: str, index: int) -> Mark:
        """Where ``text[index]`` is in the file: exactly, when the character is written
        there as itself; else (an escape such as ``\\e``) the start of the value."""
        start, end = event.start_mark, event.end_mark
        if start is None or end is None:
            return _mark(event)
        source = self.text[start.index : end.index]
        at = source.find(text[index])
        if at < 0:
            return _mark(event)
        return _text_mark(self.text, start.index + at)

    def _check_collection_tag(self, event: yaml.CollectionStartEvent, raw: RawMark) -> None:
        tag = event.tag
        allowed = (
            None,
            "!",
            f"{_YAML}map" if isinstance(event, yaml.MappingStartEvent) else f"{_YAML}seq",
        )
        if tag not in allowed:
            raise _Stop(_to_mark(raw), f"tag {_show_tag(tag)} is not allowed in session files")

    # -- syntax errors ----------------------------------------------------------------

    def _syntax_problem(self, exc: yaml.YAMLError) -> Diagnostic:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            where = Mark(mark.line + 1, mark.column + 1)
        elif isinstance(getattr(exc, "position", None), int):
            where = _text_mark(self.text, exc.position)  # type: ignore[attr-defined]
        else:
            where = Mark(1, 1)
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        message = f"YAML syntax: {problem}"
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark is not mark:
            message += f" ({context} at line {context_mark.line + 1})"
        if mark is not None and _char_at(self.text, where) == "\t":
            message += "; indent with spaces, not tabs"
        elif "mapping values are not allowed" in str(problem):
            message += (
                "; a colon then a space inside a text starts a new key: put the whole text "
                'in quotes, as in name: "Level 1: tolerance"'
            )
        return Diagnostic(self.path, where, message)


def _show_tag(tag: str) -> str:
    if tag.startswith(_YAML):
        return "!!" + printable(tag[len(_YAML) :])
    return quoted(tag, limit=40)


def _char_at(text: str, mark: Mark) -> str:
    lines = text.split("\n", mark.line)
    if len(lines) < mark.line:
        return ""
    line = lines[mark.line - 1]
    return line[mark.column - 1] if 0 < mark.column <= len(line) else ""


def _text_mark(text: str, position: int) -> Mark:
    line_start = text.rfind("\n", 0, position) + 1
    return Mark(text.count("\n", 0, position) + 1, position - line_start + 1)
