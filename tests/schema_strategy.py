"""Documents drawn from coach's own JSON Schema, for the schema-agreement test.

Why not hypothesis-jsonschema: it canonicalises and re-resolves every ``$ref`` again for
each use and each drawn object, so coach's schema (50 references, a union of three
exercise kinds) cost about 40 CPU-seconds before its first document, and minutes under
load: the largest single cost of the suite. And it needed two patches of its private
names to run on the pinned Hypothesis at all.

coach's schema uses a small part of JSON Schema, so this draws from exactly that part,
and **refuses any keyword it does not know**: a new keyword in the schema fails here
loudly rather than being drawn as if it were not there. Annotations (titles,
descriptions, defaults, examples) are ignored. Every document drawn is checked against
the schema by ``jsonschema`` in the test, so a mistake here shows as a failure, never as
a document the schema would not allow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "markdownDescription",
        "default",
        "examples",
        "deprecated",
        # oneOf's discriminator names the property whose constant picks the branch; the
        # branches exclude each other by that constant, so drawing one branch is enough.
        "discriminator",
    }
)
KNOWN = ANNOTATIONS | {
    "$ref",
    "$defs",
    "type",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "minLength",
    "maxLength",
    "items",
    "minItems",
    "maxItems",
    "properties",
    "required",
    "additionalProperties",
}

Schema = Mapping[str, Any]


class UnsupportedSchema(Exception):
    """The schema uses a keyword this generator does not draw."""


def from_schema(document: Schema) -> st.SearchStrategy[Any]:
    """A strategy for the instances ``document`` allows (its ``$ref`` s point into its own
    ``$defs``)."""
    defs: Mapping[str, Schema] = document.get("$defs", {})
    built: dict[str, st.SearchStrategy[Any]] = {}

    def ref(name: str) -> st.SearchStrategy[Any]:
        # Deferred, so a definition is built once and only when first drawn.
        if name not in built:
            built[name] = st.deferred(lambda: strategy(defs[name]))
        return built[name]

    def strategy(schema: Schema | bool) -> st.SearchStrategy[Any]:
        if schema is True:
            return st.none()
        if schema is False:
            raise UnsupportedSchema("a schema of false allows nothing to draw")
        unknown = set(schema) - KNOWN
        if unknown:
            raise UnsupportedSchema(f"keywords not drawn: {sorted(unknown)}")
        if "$ref" in schema:
            target = schema["$ref"]
            if not target.startswith("#/$defs/"):
                raise UnsupportedSchema(f"a reference outside $defs: {target}")
            if set(schema) - ANNOTATIONS - {"$ref"}:
                raise UnsupportedSchema("a $ref beside other constraints")
            return ref(target.removeprefix("#/$defs/"))
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches is not None:
            # Keywords beside a union apply to every branch (pydantic writes an optional
            # number's bounds beside its anyOf of number and null).
            beside = {
                key: value
                for key, value in schema.items()
                if key not in ANNOTATIONS and key not in ("anyOf", "oneOf")
            }
            return st.one_of([strategy(_with(branch, beside)) for branch in branches])
        kinds = schema.get("type")
        if kinds is None:
            raise UnsupportedSchema(f"a schema without a type: {sorted(schema)}")
        if isinstance(kinds, list):
            return st.one_of([typed(schema, kind) for kind in kinds])
        return typed(schema, kinds)

    def typed(schema: Schema, kind: str) -> st.SearchStrategy[Any]:
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            return integers(schema)
        if kind == "number":
            return integers(schema) | numbers(schema)
        if kind == "string":
            return strings(schema)
        if kind == "array":
            return st.lists(
                strategy(schema.get("items", True)),
                min_size=schema.get("minItems", 0),
                max_size=schema.get("maxItems"),
            )
        if kind == "object":
            return objects(schema)
        raise UnsupportedSchema(f"type {kind!r}")

    def objects(schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
        if schema.get("additionalProperties", True) is not False:
            raise UnsupportedSchema("an object that allows other properties")
        properties: Mapping[str, Schema] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {name: strategy(properties[name]) for name in properties if name in required},
            optional={
                name: strategy(properties[name]) for name in properties if name not in required
            },
        )

    return strategy(document)


def _with(branch: Schema, beside: Schema) -> Schema:
    """A union's branch with the keywords written beside the union."""
    if not beside:
        return branch
    if "$ref" in branch or "type" in beside:
        raise UnsupportedSchema("a union's referenced branch or a type beside a union")
    clash = {key for key in beside if key in branch and branch[key] != beside[key]}
    if clash:
        raise UnsupportedSchema(f"a union's branch and its siblings disagree on {clash}")
    return {**branch, **beside}


def integers(schema: Schema) -> st.SearchStrategy[int]:
    low, high = _bounds(schema)
    low_int = None if low is None else math.ceil(low)
    high_int = None if high is None else math.floor(high)
    if low_int is not None and _exclusive(schema, "Minimum") and low_int == low:
        low_int += 1
    if high_int is not None and _exclusive(schema, "Maximum") and high_int == high:
        high_int -= 1
    return st.integers(min_value=low_int, max_value=high_int)


def numbers(schema: Schema) -> st.SearchStrategy[float]:
    low, high = _bounds(schema)
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min=_exclusive(schema, "Minimum"),
        exclude_max=_exclusive(schema, "Maximum"),
        allow_nan=False,
        allow_infinity=False,
    )


def strings(schema: Schema) -> st.SearchStrategy[str]:
    low = schema.get("minLength", 0)
    high = schema.get("maxLength")
    pattern = schema.get("pattern")
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    # JSON Schema's pattern searches (it is not anchored), as from_regex does by default;
    # but its '$' (ECMA-262, as editors read it) is the end of the text, where Python's
    # also matches before a final line break.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return st.from_regex(pattern).filter(
        lambda text: low <= len(text) and (high is None or len(text) <= high)
    )


def _bounds(schema: Schema) -> tuple[float | None, float | None]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    return low, high


def _exclusive(schema: Schema, side: str) -> bool:
    """Whether the bound on this side is exclusive (``exclusiveMinimum`` without a
    ``minimum``; with both, the inclusive one is the one _bounds read)."""
    return f"exclusive{side}" in schema and side.lower() not in schema
