"""Write the README's key table from coach/tui/keys.py (with --check: say whether it
matches, exit 1 when it does not). The table sits between two HTML comments."""

from __future__ import annotations

import sys

from readme_table import keep

from coach.tui.keys import markdown

if __name__ == "__main__":
    raise SystemExit(keep("keys", markdown, "key table", sys.argv[1:]))
