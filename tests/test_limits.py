"""The documented limits (docs/authoring.md, section 7) hold exactly: the largest file they
allow is valid, and one step past each is refused with a message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.audio.pcm import Pcm
from coach.format.diagnostics import SessionFileError
from coach.format.loader import ProgramFile, load_session_file
from coach.format.yamlsafe import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_KEY_CHARS,
    MAX_NUMBER_CHARS,
    MAX_TEXT_CHARS,
    MAX_VALUES,
    load_yaml_bytes,
)


def dump(data: Any) -> str:
    # libyaml's emitter: a megabyte of YAML, a dozen times, in well under a second.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=10_000)


HERE = Path("limits.yaml")
SOUND_KEYS = ("tick", "start", "halfway", "last", "end", "switch", "rest_end", "done")


def _exercise(level: int, index: int, text: str, sign: str) -> dict[str, Any]:
    """A hold exercise with every key the format has set (the largest kind)."""
    return {
        "id": f"e{level}-{index}",
        "name": f"Exercise {level}-{index} ".ljust(80, "x"),
        "kind": "hold",
        "sides": "each",
        "sets": 20,
        "rest": "10m",
        "rest_after": "10m",
        "switch": "1m",
        "get_ready": "1m",
        "instructions": text,
        "stop_if": [sign] * 10,
        "cues": {
            "countdown": True,
            "start": True,
            "halfway": True,
            "last_seconds": 10,
            "end": True,
            "sounds": dict.fromkeys(SOUND_KEYS, "cue.wav"),
        },
        "progression": {
            "hold": {"min": "1s", "max": "10m", "step": "1s"},
            "holds": {"min": 1, "max": 30, "step": 1},
            "sets": {"min": 1, "max": 20, "step": 1},
        },
        "hold": "10s",
        "holds": 30,
        "hold_rest": "10m",
    }


def largest_program(text_chars: int) -> dict[str, Any]:
    """10 levels of 30 exercises (the format's maxima), every key set, with 10 stop
    signs each, and texts of ``text_chars`` characters (stop signs at most 300)."""
    text = ("Breathe out and brace. " * 200)[:text_chars]
    sign = ("Stop when it hurts. " * 20)[: max(1, min(300, text_chars))]
    return {
        "version": 1,
        "program": {
            "id": "largest",
            "name": "P".ljust(80, "p"),
            "description": ("d" * 4000),
            "get_ready": "1m",
            "cues": {"halfway": True, "sounds": dict.fromkeys(SOUND_KEYS, "cue.wav")},
            "scaling": {
                "safe_max": 3,
                "acceptable_max": 6,
                "morning_worse_by": 10,
                "weekly_rise": 10,
                "gap_days": 60,
            },
            "levels": [
                {
                    "name": f"Level {level}".ljust(80, "."),
                    "description": "d" * 4000,
                    "unlock": {"sessions_at_max": 20, "max_pain": 10},
                    "exercises": [_exercise(level, index, text, sign) for index in range(30)],
                }
                for level in range(1, 11)
            ],
        },
    }


def test_the_largest_program_the_limits_allow_is_valid(tmp_path: Path) -> None:
    """Every count at its maximum and the file as large as the size limit allows: far
    more values than a real file, yet within the value limit, because each is counted
    once."""
    (tmp_path / "cue.wav").write_bytes(Pcm(b"\x00\x00" * 441).wav_bytes())
    # The longest texts that keep the file within the size limit.
    low, high = 1, 4000
    while low < high:
        middle = (low + high + 1) // 2
        if len(dump(largest_program(middle)).encode()) <= MAX_FILE_BYTES:
            low = middle
        else:
            high = middle - 1
    raw = dump(largest_program(low)).encode()
    assert MAX_FILE_BYTES - 20_000 < len(raw) <= MAX_FILE_BYTES
    path = tmp_path / "largest.yaml"
    path.write_bytes(raw)
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    assert sum(len(level.exercises) for level in loaded.program.levels) == 300
    # Doses at every limit: valid, with only the advice about doses that large.
    assert {w.message.split(";")[0] for w in loaded.warnings} == {
        "level 1 holds may grow to 10m",
        "a step of 1s raises hold 1s by 100% in one session",
        "a step of 1 raises holds 1 by 100% in one session",
        "a step of 1 raises sets 1 by 100% in one session",
        "hold may reach 10m, beyond what rehabilitation uses (up to 4m)",
        "sets may reach 20, beyond what rehabilitation uses (up to 10)",
        "with every dose at the top of its range this level takes about 11910 hours",
    }


def _values(total: int) -> bytes:
    """A document of exactly ``total`` values (each node once, each alias as the size it
    expands to): a list of 99 ones under an anchor, repeated through aliases, and a list
    of ones to make up the rest."""
    # root mapping (1) + 'a' list (1 + 99) + 'b' list (1 + 100 per alias) + 'c' list (1 + n)
    aliases = (total - 103) // 100
    rest = total - 103 - 100 * aliases
    assert rest >= 0
    lines = [
        "a: &a [" + ", ".join(["1"] * 99) + "]",
        "b: [" + ", ".join(["*a"] * aliases) + "]",
        "c: [" + ", ".join(["1"] * rest) + "]",
    ]
    return ("\n".join(lines) + "\n").encode()


def test_the_value_limit_is_exact() -> None:
    load_yaml_bytes(_values(MAX_VALUES), HERE)
    with pytest.raises(SessionFileError, match=f"more than {MAX_VALUES} values"):
        load_yaml_bytes(_values(MAX_VALUES + 1), HERE)


def test_nested_values_are_counted_once() -> None:
    """Twelve levels of nesting around 50,000 values: under the limit, as it should be
    (each level used to count everything inside it again)."""
    inner = "[" + ", ".join(["1"] * 50_000) + "]"
    document = "a: " + "[" * 12 + inner + "]" * 12 + "\n"
    assert load_yaml_bytes(document.encode(), HERE).data["a"]


def _nested(depth: int) -> bytes:
    return ("a: " + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "\n").encode()


@pytest.mark.parametrize(
    ("at_limit", "past_limit", "refusal"),
    [
        (_nested(MAX_DEPTH), _nested(MAX_DEPTH + 1), "nesting is deeper than"),
        (
            f"a: {'x' * MAX_TEXT_CHARS}\n".encode(),
            f"a: {'x' * (MAX_TEXT_CHARS + 1)}\n".encode(),
            "over the limit of",
        ),
        (
            f"a: {'9' * MAX_NUMBER_CHARS}\n".encode(),
            f"a: {'9' * (MAX_NUMBER_CHARS + 1)}\n".encode(),
            "too long to be meant",
        ),
        (
            f"{'k' * MAX_KEY_CHARS}: 1\n".encode(),
            f"{'k' * (MAX_KEY_CHARS + 1)}: 1\n".encode(),
            "far too long to be meant",
        ),
        (
            b"a: " + b"x" * (MAX_FILE_BYTES - 4) + b"\n",
            b"a: " + b"x" * (MAX_FILE_BYTES - 3) + b"\n",
            "file is larger than",
        ),
    ],
    ids=["nesting", "text", "number", "key", "file"],
)
def test_each_reader_limit_is_exact(at_limit: bytes, past_limit: bytes, refusal: str) -> None:
    assert not [m for m in refusals(at_limit) if refusal in m]
    assert [m for m in refusals(past_limit) if refusal in m]


def refusals(raw: bytes) -> list[str]:
    """Every message about ``raw``, whether reading stopped or not."""
    try:
        return [d.message for d in load_yaml_bytes(raw, HERE).diagnostics]
    except SessionFileError as exc:
        return [d.message for d in exc.diagnostics]
