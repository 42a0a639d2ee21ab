"""Draw the layers of coach/ from the import contracts in pyproject.toml, into
docs/architecture.md between ``<!-- layers:start -->`` and ``<!-- layers:end -->`` (with
--check: say whether it matches, exit 1 when it does not). tests/test_house.py checks the
drawing is current and names every package under coach/."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "architecture.md"
WIDTH = 47
"""Inside width of the drawing's boxes, in columns."""


def contracts(pyproject: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = tomllib.loads(pyproject)["tool"]["importlinter"]["contracts"]
    return found


def _short(module: str) -> str:
    return module.removeprefix("coach.")


def _row(names: list[str]) -> str:
    """One layer: its packages side by side, in equal cells."""
    cells = len(names)
    widths = [(WIDTH - (cells - 1)) // cells] * cells
    widths[-1] += WIDTH - (cells - 1) - sum(widths)
    cells_text = (name.center(width) for name, width in zip(names, widths, strict=True))
    return "│" + "│".join(cells_text) + "│"


def _rule(left: str, right: str, above: int, below: int) -> str:
    """The line between two layers, with a join where a cell of either ends."""
    joins = {}
    for cells, up in ((above, True), (below, False)):
        width = (WIDTH - (cells - 1)) // cells
        for i in range(1, cells):
            at = i * (width + 1) - 1
            joins[at] = "┼" if at in joins else ("┴" if up else "┬")
    line = "".join(joins.get(i, "─") for i in range(WIDTH))
    return left + line + right


def drawing(pyproject: str) -> str:
    """The layers, top (imports everything below) to bottom (imports nothing of coach),
    and the other contracts in a sentence each."""
    rules = contracts(pyproject)
    (layered,) = [c for c in rules if c["type"] == "layers"]
    layers = [[_short(n.strip()) for n in str(layer).split("|")] for layer in layered["layers"]]
    lines = ["```", "coach/  (each layer imports only the layers below it;"]
    lines.append("         packages side by side never import each other)")
    lines.append(_rule("┌", "┐", 1, len(layers[0])).replace("┴", "─").replace("┼", "┬"))
    for i, names in enumerate(layers):
        lines.append(_row(names))
        if i + 1 < len(layers):
            lines.append(_rule("├", "┤", len(names), len(layers[i + 1])))
    lines.append(_rule("└", "┘", len(layers[-1]), 1).replace("┼", "┴").replace("┬", "─"))
    lines.append("```")
    lines.append("")
    for contract in rules:
        if contract["type"] == "forbidden":
            sources = ", ".join(_short(m) for m in contract["source_modules"])
            banned = ", ".join(contract["forbidden_modules"])
            lines.append(f"- {contract['name']}: {sources} never import {banned}.")
        elif contract["type"] == "acyclic_siblings":
            within = " and ".join(_short(m) for m in contract["ancestors"])
            lines.append(f"- {contract['name']} (within {within}).")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from readme_table import keep

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return keep("layers", lambda: drawing(text), "drawing of the layers", argv, DOCUMENT)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
