"""One table of the README (or another document) kept from the code: written between two
HTML comments (``<!-- NAME:start -->`` and ``<!-- NAME:end -->``), or with --check,
compared (exit 1 when out of date). Used by keytable.py, signtable.py and layers.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def rewritten(text: str, name: str, table: str) -> str:
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + table + end + tail


def keep(
    name: str, markdown: Callable[[], str], what: str, argv: list[str], document: Path = README
) -> int:
    """Write (or with --check, compare) the ``document``'s table ``name`` (the README's,
    unless told) from ``markdown``; ``what`` names it in the message, with the make target
    that writes it."""
    text = document.read_text(encoding="utf-8")
    new = rewritten(text, name, markdown())
    if "--check" in argv:
        if new != text:
            print(f"{document.name}'s {what} is out of date: run make {name}", file=sys.stderr)
            return 1
        return 0
    document.write_text(new, encoding="utf-8")
    return 0
