"""Write the README's table of warning signs from coach/engine/signs.py (with --check:
say whether it matches, exit 1 when it does not). The table sits between two HTML
comments."""

from __future__ import annotations

import sys
from pathlib import Path

from coach.engine.signs import markdown

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- signs:start -->\n", "<!-- signs:end -->"


def rewritten(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + START + markdown() + END + tail


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = rewritten(text)
    if "--check" in argv:
        if new != text:
            print("README.md's table of signs is out of date: run make signs", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
