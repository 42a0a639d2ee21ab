"""The functional core stays free of Textual (as harlequin checks for its own core)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import coach

# Every module outside coach.tui is core: new ones are covered without editing this list.
CORE_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(coach.__path__, "coach.")
    if not info.name.startswith("coach.tui") and info.name != "coach.__main__"
)


def test_the_core_list_is_complete() -> None:
    for name in (
        "coach.engine.runner",
        "coach.store.database",
        "coach.engine.resume",
        "coach.engine.scaling",
    ):
        assert name in CORE_MODULES


def test_core_imports_no_textual() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    __import__(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "", f"core modules imported Textual: {result.stdout}"


def test_version_does_not_import_the_heavy_parts() -> None:
    code = (
        "import sys\n"
        "from coach.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pydantic', 'yaml', 'textual', 'rich')\n"
        "print('loaded:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "loaded:"
