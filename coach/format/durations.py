"""Durations as authors write them (``45``, ``"45s"``, ``"1m30s"``) and as people read them.

Text is read by a small scanner, one pass from left to right, after a length cap: no
regular expression with backtracking ever sees a value, so any text, however long or
odd, is read or refused in time proportional to its length (a few microseconds).

The grammar, the same in the JSON Schema (:func:`duration_pattern`):

* seconds alone: ``45``, ``45s``, ``2.5s``, ``90 seconds``;
* minutes alone: ``2m``, ``2.5m``, ``1 min``;
* minutes and seconds: ``1m30s``, ``1m 30s``, ``1m05s``: whole minutes, then seconds
  below 60 (``1m 90s`` is ``2m 30s``, and saying so keeps the two forms from differing);

with ASCII digits only, no leading zeros (except in the seconds after minutes, ``1m05s``),
at most three decimals, and spaces (only spaces) around the numbers and units.
"""

from __future__ import annotations

import functools
import math

from coach.format.text import quoted

__all__ = [
    "MAX_DURATION_CHARS",
    "MAX_SECONDS",
    "DurationError",
    "duration_pattern",
    "format_clock",
    "format_duration",
    "format_elapsed",
    "parse_duration",
]

MAX_DURATION_CHARS = 40
"""Longest duration text read at all; ``" 1 minute 30 seconds "`` is 21."""
MAX_SECONDS = 1_000_000_000.0
"""Larger numbers are refused before any arithmetic: no duration is meant to be 30 years,
and ``1e308`` would overflow when turned into milliseconds."""

_MINUTE_UNITS = ("minutes", "minute", "mins", "min", "m")
_SECOND_UNITS = ("seconds", "second", "secs", "sec", "s")
_MAX_MINUTE_DIGITS = 3
_MAX_SECOND_DIGITS = 5
_MAX_DECIMALS = 3
_DIGITS = "0123456789"
_HOW = "write it like 45, 45s, 1m30s or 1m 30s"


class DurationError(ValueError):
    """A value that cannot be read as a duration; the message says how to write one."""


_CACHED_CHARS = 40


@functools.lru_cache(maxsize=1024)
def _read_short(text: str) -> float:
    """A short duration text in seconds (cached; DurationError is raised, not kept)."""
    return _Scanner(text).duration()


def parse_duration(value: object) -> float:
    """Return the duration in seconds, rounded to milliseconds.

    Accepts non-negative numbers (seconds) and strings such as ``"45s"``, ``"1m30s"`` or
    ``"1m 30s"``. Booleans and clock notation (``1:30``) are refused rather than guessed
    at: YAML 1.1 would read ``1:30`` as 90, which an author almost never means.
    """
    if isinstance(value, bool):
        raise DurationError(f"expected a duration such as 45s or 1m30s, not {str(value).lower()}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise DurationError("a duration must be a finite number of seconds")
        if value < 0:
            raise DurationError("a duration cannot be negative")
        if value > MAX_SECONDS:
            raise DurationError(f"{value:.3g} seconds is far too long for a duration")
        seconds = float(value)
    elif isinstance(value, str):
        # The same few texts ("30s", "5s") come back for every exercise and every pass
        # of validation: read each once. Only short ones are kept (a duration written as
        # text is at most 40 characters), so a hostile file cannot fill the cache.
        seconds = _read_short(value) if len(value) <= _CACHED_CHARS else _Scanner(value).duration()
    else:
        raise DurationError("expected a duration such as 45s or 1m30s")
    return round(seconds, 3)


class _Scanner:
    """Reads one duration from left to right; every step looks at each character once."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_DURATION_CHARS:
            raise DurationError(
                f"a duration of {len(text)} characters is not meant; {_HOW} "
                f"(at most {MAX_DURATION_CHARS} characters)"
            )
        self.original = text
        self.text = text.strip(" ")
        self.at = 0

    def fail(self) -> DurationError:
        text = self.text
        colon = text.find(":")
        if colon > 0 and text[:colon].rstrip(" ")[-1:] in tuple(_DIGITS):
            return DurationError(
                f"{quoted(text)} looks like clock time, which is ambiguous; "
                "write minutes and seconds, for example 1m30s"
            )
        return DurationError(f"{quoted(self.original)} is not a duration; {_HOW}")

    def duration(self) -> float:
        if not self.text:
            raise self.fail()
        first, first_whole, first_digits = self.number(_MAX_SECOND_DIGITS, leading_zero=False)
        self.spaces()
        unit = self.unit()
        if unit is None or unit in _SECOND_UNITS:
            self.end()
            return first
        # Minutes: alone, or whole minutes followed by seconds below 60.
        if first_digits > _MAX_MINUTE_DIGITS:
            raise self.fail()
        self.spaces()
        if self.at == len(self.text):
            return first * 60
        if not first_whole:
            raise DurationError(
                f"{quoted(self.original)}: write whole minutes before seconds "
                "(1m 30s, not 1.5m 30s), or the minutes alone (1.5m)"
            )
        seconds, _, _ = self.number(2, leading_zero=True)
        self.spaces()
        second_unit = self.unit()
        if second_unit is not None and second_unit not in _SECOND_UNITS:
            raise self.fail()
        self.end()
        if seconds >= 60:
            raise DurationError(
                f"{quoted(self.original)}: the seconds after minutes must be below 60 "
                "(write 2m 30s, not 1m 90s)"
            )
        return first * 60 + seconds

    def number(self, max_digits: int, *, leading_zero: bool) -> tuple[float, bool, int]:
        """An unsigned decimal number: its value, whether it is whole, its integer digits."""
        text, start = self.text, self.at
        end = start
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        digits = end - start
        if digits == 0 or digits > max_digits:
            raise self.fail()
        if not leading_zero and digits > 1 and text[start] == "0":
            raise self.fail()
        whole = True
        if end < len(text) and text[end] == ".":
            fraction_start = end + 1
            end = fraction_start
            while end < len(text) and text[end] in _DIGITS:
                end += 1
            if not 1 <= end - fraction_start <= _MAX_DECIMALS:
                raise self.fail()
            whole = False
        self.at = end
        return float(text[start:end]), whole, digits

    def spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    def unit(self) -> str | None:
        rest = self.text[self.at : self.at + 7]
        for unit in (*_MINUTE_UNITS, *_SECOND_UNITS):
            if rest.startswith(unit):
                self.at += len(unit)
                return unit
        return None

    def end(self) -> None:
        if self.at != len(self.text):
            raise self.fail()


# -- the same grammar with bounds, as a JSON Schema pattern ------------------------------


@functools.cache
def duration_pattern(low: float, high: float) -> str:
    """A regular expression for the duration texts between ``low`` and ``high`` seconds.

    It spells out which numbers are allowed (``high`` must be whole minutes, ``low`` at
    most a minute, both in milliseconds), so an editor flags ``hold: "20m"`` as the
    loader does. It has no nested or adjacent repeats: every repeat is of a single
    character between two literals, so it runs in linear time in backtracking engines
    too (such as the JavaScript one editors use).
    """
    if high % 60 or not 0 <= low <= 60 or (low > 1 and low != int(low)) or low * 1000 % 1:
        raise ValueError("bounds must be whole minutes above and at most a minute below")
    top = round(high)
    minutes_top = top // 60
    low_millis = round(low * 1000)
    seconds_alone = _number_at_most(top, low_millis)
    minutes_alone = _number_at_most(minutes_top, -(-low_millis // 60))
    minute_unit = "(?:minutes?|mins?|m)"
    second_unit = "(?:seconds?|secs?|s)"
    seconds_after = _number_at_most(60, 0, below=True, two_digits=True)
    combined = []
    # Whole minutes from 0 up to one below the top take any seconds below 60 (at 0
    # minutes only those from ``low``); the top itself takes only zero seconds.
    if minutes_top >= 2:
        combined.append(f"{_integer_range(1, minutes_top - 1)} *{minute_unit} *{seconds_after}")
    if minutes_top >= 1:
        combined.append(
            f"0 *{minute_unit} *{_number_at_most(60, low_millis, below=True, two_digits=True)}"
        )
        combined.append(f"{minutes_top} *{minute_unit} *0?0(?:\\.0{{1,3}})?")
    body = "|".join(
        [
            f"{seconds_alone}(?: *{second_unit})?",
            f"{minutes_alone} *{minute_unit}",
            *(f"{c}(?: *{second_unit})?" for c in combined),
        ]
    )
    return f"^ *(?:{body}) *$"


def _number_at_most(
    top: int,
    low_millis: int,
    *,
    below: bool = False,
    two_digits: bool = False,
) -> str:
    """Decimal numbers (up to three decimals) from ``low_millis``/1000 up to ``top``
    (or below ``top`` when ``below``), as the scanner writes them."""
    options = []
    whole_low = -(-low_millis // 1000)  # the smallest whole number allowed
    zero = "0?0" if two_digits else "0"
    if 0 < low_millis < 1000:
        # Whole part 0 with a fraction: only the fractions worth at least low_millis.
        options.append(f"{zero}\\.{_fraction_at_least(low_millis)}")
    # Whole parts from max(1, whole_low) up to top - 1 take any fraction.
    first_free = max(1 if low_millis > 0 else 0, whole_low)
    if first_free <= top - 1:
        integers = _integer_range(first_free, top - 1, pad_to_two=two_digits)
        options.append(f"{integers}(?:\\.[0-9]{{1,3}})?")
    if not below:
        options.append(f"{top}(?:\\.0{{1,3}})?")
    if low_millis == 0 and first_free > 0:
        options.append(f"{zero}(?:\\.[0-9]{{1,3}})?")
    return "(?:" + "|".join(options) + ")"


def _fraction_at_least(millis: int) -> str:
    """Fractions of one to three digits (what follows the point) worth at least
    ``millis`` thousandths."""
    allowed = [
        digits
        for length in (1, 2, 3)
        for number in range(10**length)
        if number * 10 ** (3 - length) >= millis
        for digits in [f"{number:0{length}d}"]
    ]
    return _alternation(allowed)


def _integer_range(low: int, high: int, *, pad_to_two: bool = False) -> str:
    """Whole numbers from ``low`` to ``high`` without leading zeros (with ``pad_to_two``,
    those below 10 may also be written with one)."""
    words = [str(n) for n in range(low, high + 1)]
    if pad_to_two:
        words += [f"0{n}" for n in range(low, min(high, 9) + 1)]
    return _alternation(words)


_Trie = dict[str, "_Trie"]


def _alternation(words: list[str]) -> str:
    """A small regular expression matching exactly ``words``: a trie whose branches with
    the same continuation are merged into character classes."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie)


def _emit(node: _Trie) -> str:
    groups: dict[str, list[str]] = {}
    for char, child in sorted(node.items()):
        if char:
            groups.setdefault(_emit(child), []).append(char)
    options = [_char_class(chars) + rest for rest, chars in groups.items()]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    if "" in node:  # a word may end here: what follows is optional
        return f"(?:{body})?" if len(options) > 1 or len(body) > 1 else f"{body}?"
    return body


def _char_class(chars: list[str]) -> str:
    if len(chars) == 1:
        return chars[0] if chars[0] != "." else "\\."
    codes = sorted(ord(c) for c in chars)
    if codes == list(range(codes[0], codes[-1] + 1)):
        return f"[{chr(codes[0])}-{chr(codes[-1])}]"
    return "[" + "".join(chars) + "]"


# -- for people ---------------------------------------------------------------------------


def format_duration(seconds: float) -> str:
    """Format seconds for people: ``45s``, ``1m 30s``, ``2m``, ``2.5s``."""
    if not math.isfinite(seconds) or abs(seconds) > MAX_SECONDS:
        return f"{seconds:.3g}s"
    millis = round(seconds * 1000)
    whole, frac = divmod(millis, 1000)
    minutes, secs = divmod(whole, 60)
    sec_text = f"{secs}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(secs)
    if minutes and (secs or frac):
        return f"{minutes}m {sec_text}s"
    if minutes:
        return f"{minutes}m"
    return f"{sec_text}s"


def format_elapsed(seconds: float) -> str:
    """How long something took, in whole seconds: ``45s``, ``13m 28s``, ``1h 02m``.

    The one format for the length of a session, wherever it is shown (the summary, the
    history screen, ``coach history``): a minute count with a decimal ("8.3 min") beside
    "13m 28s" elsewhere read as two different things. Past an hour the seconds no longer
    matter (they are dropped, not rounded, so 1h 59m 59s never reads as 1h 60m); the
    minutes are padded so the figures line up in a column.
    """
    if not math.isfinite(seconds):
        return "-"
    total = max(0, round(min(seconds, MAX_SECONDS)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def format_clock(seconds: float) -> str:
    """Format a running clock as ``m:ss`` (or ``h:mm:ss`` past an hour), rounding down."""
    if not math.isfinite(seconds):
        seconds = 0.0
    total = max(0, math.floor(min(seconds, MAX_SECONDS) + 1e-9))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
