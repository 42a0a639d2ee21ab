"""The JSON Schema of session format v1, generated from the models so it cannot drift."""

from __future__ import annotations

import json

from coach.base.types import JsonValue
from coach.format.v1 import Document

__all__ = ["SCHEMA_ID", "schema_dict", "schema_text"]

SCHEMA_ID = "https://coach.invalid/schema/coach-v1.schema.json"


def schema_dict() -> dict[str, JsonValue]:
    schema = Document.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "coach session file, format v1",
    }


def schema_text() -> str:
    """The schema as committed in the repository: sorted keys, two-space indent."""
    return json.dumps(schema_dict(), indent=2, ensure_ascii=False) + "\n"
