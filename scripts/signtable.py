"""Write the README's table of warning signs from coach/engine/signs.py (with --check:
say whether it matches, exit 1 when it does not). The table sits between two HTML
comments."""

from __future__ import annotations

import sys

from readme_table import keep

from coach.engine.signs import markdown

if __name__ == "__main__":
    raise SystemExit(keep("signs", markdown, "table of signs", sys.argv[1:]))
