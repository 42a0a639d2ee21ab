"""The JSON Schema editors use and the loader agree: every document the schema allows,
the loader accepts, unless a documented rule that spans fields or files says otherwise
(docs/authoring.md). Documents are generated from the schema itself
(tests/schema_strategy.py), so a change to either side that makes them differ fails
here; each is checked against the schema first, so the generator cannot stray."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.format.diagnostics import SessionFileError, Severity
from coach.format.loader import load_session_file
from coach.format.schema import schema_dict

from .profiles import examples
from .schema_strategy import from_schema

# The rules the schema cannot express, each documented in docs/authoring.md.
CROSS_FIELD_RULES = [
    r"is outside its progression range",  # a dose lies inside its progression range
    r"does not apply to a \w+ exercise",  # which doses progress, by kind
    r"^min must be at least .* for \w+$",  # a range stays within its dose's own bounds
    r"^max must be at most .* for \w+$",
    r"^max \(.*\) is below min",
    r"is below this range's min",  # a ceiling under a range's min: no dose keeps to both
    r"is used twice in this level",  # ids unique within a level
    r"give this exercise an 'id'",  # an id made from a name needs a letter or digit
    r"must be above safe_max",  # scaling thresholds in order
    r"must be above acceptable_max",
    r"acceptable_max must be below 10",
    r"a repetition needs some time",  # a tempo above 0
    r"plays in that order only with every phase named",  # a tempo out of order: all three
    # Doses written per set (a pyramid) agree on the number of sets.
    r"^'\w+' lists \d+ sets but '\w+' lists \d+",
    r"^sets is \d+ but '\w+' lists \d+ values",
    r"so 'sets' cannot progress",
    # A range of rests: the unit on both ends unless it is seconds, the shorter first.
    r"^write the unit on both ends of a range",
    r"^a range starts at its shorter rest",
    # A figure's poses, by the exercise's kind (a reps figure needs a start and a top).
    r"exercise's figure needs a '\w+' pose",
    r"must be between -?\d+ and -?\d+ degrees",  # a joint within its human range
    r"not both: they are one angle",  # opposite movements of a joint: one of the two
    r"^no bundled figure is called",  # a figure id the format knows (the schema lists them)
    # A routine's programs are files: they must exist, inside the routine's folder.
    r"^program file '.*' does not exist$",
    r"^program file '.*' is .*, not a file coach can read$",  # '.' is a folder
    r"^program file '.*' cannot be read",
    r"points outside this file's folder",
    r"must be a path relative to this file's folder",
    r"is not a usable path",
    r"is this routine \(or includes it\)",
]
_RULES = re.compile("|".join(f"(?:{rule})" for rule in CROSS_FIELD_RULES))

SCHEMA = schema_dict()


def _smaller(schema: Any) -> Any:
    """The same schema with lists of at most 3 items and texts of at most 100 characters:
    every document it allows, the full schema allows too, and it is generated in
    milliseconds rather than seconds (10 levels of 30 exercises of 4,000 characters)."""
    if isinstance(schema, list):
        return [_smaller(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    smaller = {key: _smaller(value) for key, value in schema.items()}
    if smaller.get("maxItems", 0) > 3:
        smaller["maxItems"] = 3
    if smaller.get("maxLength", 0) > 100:
        smaller["maxLength"] = 100
    return smaller


def _document(kind: str) -> dict[str, Any]:
    """The schema for a program file or a routine file alone."""
    return {
        "$defs": _smaller(SCHEMA["$defs"]),
        "type": "object",
        "properties": {
            "version": SCHEMA["properties"]["version"],
            kind: {"$ref": f"#/$defs/{kind.title()}"},
        },
        "required": ["version", kind],
        "additionalProperties": False,
    }


@functools.cache
def documents(kind: str) -> st.SearchStrategy[Any]:
    """The strategy for one kind of file, built on first use and kept."""
    return from_schema(_document(kind))


VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def as_yaml(document: Any) -> str:
    """JSON is YAML 1.2; the two characters YAML cannot hold raw are written escaped."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def unexplained(path: Path) -> list[str]:
    try:
        load_session_file(path)
    except SessionFileError as exc:
        return [
            d.message
            for d in exc.diagnostics
            if d.severity is Severity.ERROR and not _RULES.search(d.message)
        ]
    return []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["program", "routine"])
@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_what_the_schema_allows_the_loader_accepts(
    tmp_path_factory: pytest.TempPathFactory, kind: str, data: st.DataObject
) -> None:
    document = data.draw(documents(kind))
    assert VALIDATOR.is_valid(document), "the generator drew what the schema refuses"
    path = tmp_path_factory.mktemp("schema") / "doc.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")
    assert unexplained(path) == [], as_yaml(document)[:2000]


def test_the_schema_refuses_what_the_issue_found_it_let_through() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMA)
    base = {
        "version": 1,
        "program": {
            "id": "p",
            "name": "P",
            "levels": [{"name": "L", "exercises": [{"name": "A", "kind": "hold", "hold": 5}]}],
        },
    }

    def with_hold(hold: object) -> dict[str, Any]:
        document = json.loads(json.dumps(base))
        document["program"]["levels"][0]["exercises"][0]["hold"] = hold
        return document

    assert validator.is_valid(base)
    assert validator.is_valid(with_hold("1m30s"))
    for hold in ("20m", "٨s", "１m", "0.5s", " " * 1600 + "x"):
        assert not validator.is_valid(with_hold(hold)), hold
    assert not validator.is_valid({**base, "version": 2})
    assert not validator.is_valid({**base, "routine": base["program"]})  # not both
    named = json.loads(json.dumps(base))
    named["program"]["name"] = "evil\u202ename"
    assert not validator.is_valid(named)


@pytest.mark.parametrize(
    ("where", "number", "valid"),
    [
        (("version",), 1.0, True),
        (("version",), True, False),
        (("version",), 1.5, False),
        (("program", "levels", 0, "exercises", 0, "sets"), 2.0, True),
        (("program", "levels", 0, "exercises", 0, "sets"), 2.5, False),
        (("program", "levels", 0, "exercises", 0, "sets"), 40.0, False),
        (("program", "levels", 0, "exercises", 0, "holds"), 3e0, True),
        (("program", "scaling", "safe_max"), 1.0, True),
        (("program", "scaling", "safe_max"), True, False),
    ],
)
def test_schema_and_loader_agree_on_whole_numbers(
    tmp_path: Path, where: tuple[str | int, ...], number: object, valid: bool
) -> None:
    """JSON (and so the schema's 'integer' and 'const') cannot tell 2.0 from 2: the
    loader takes a number with no fraction as the whole number it is, and both refuse
    a fraction, true, or a number out of bounds."""
    import jsonschema

    document: dict[str, Any] = {
        "version": 1,
        "program": {
            "id": "p",
            "name": "P",
            "levels": [{"name": "L", "exercises": [{"name": "A", "kind": "hold", "hold": 5}]}],
        },
    }
    place: Any = document
    for key in where[:-1]:
        place = place.setdefault(key, {}) if isinstance(key, str) else place[key]
    place[where[-1]] = number
    schema_says = jsonschema.Draft202012Validator(SCHEMA).is_valid(document)
    # Written as YAML with the number as typed (2.0 stays a float in the file).
    path = tmp_path / "doc.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")
    try:
        load_session_file(path)
        loader_says = True
    except SessionFileError:
        loader_says = False
    assert (schema_says, loader_says) == (valid, valid)
