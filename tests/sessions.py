"""Small session files for tests, written on the fly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .strategies import dump

SMALL_PROGRAM: dict[str, Any] = {
    "version": 1,
    "program": {
        "id": "small",
        "name": "Small program",
        "get_ready": 3,
        "scaling": {"safe_max": 2, "acceptable_max": 5},
        "levels": [
            {
                "name": "Level 1: tolerance",
                "exercises": [
                    {
                        "id": "side-plank",
                        "name": "Side plank [left]",
                        "kind": "hold",
                        "hold": 10,
                        "holds": 2,
                        "hold_rest": 5,
                        "sets": 2,
                        "rest": 20,
                        "rest_after": 15,
                        "instructions": "Lie on your side. Keep [bold]this[/bold] literal.",
                        "stop_if": ["Pain spreads down a leg"],
                        "progression": {"hold": {"min": 5, "max": 20, "step": 1}},
                    },
                    {
                        "id": "cat-camel",
                        "name": "Cat-camel",
                        "kind": "reps",
                        "reps": 2,
                        "tempo": {"up": 2, "pause": 1, "down": 2},
                        "progression": {"reps": {"min": 2, "max": 8}},
                    },
                ],
            }
        ],
    },
}


def write_program(folder: Path, document: dict[str, Any] | None = None) -> Path:
    path = folder / "small.yaml"
    path.write_text(dump(document or SMALL_PROGRAM), encoding="utf-8")
    return path
