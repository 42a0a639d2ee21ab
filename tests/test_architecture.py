"""The functional core stays free of Textual (as harlequin checks for its own core)."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "coach.audio.backends",
    "coach.audio.cueplan",
    "coach.audio.cueset",
    "coach.audio.scheduler",
    "coach.audio.speech",
    "coach.cli",
    "coach.cues",
    "coach.planning",
    "coach.progression",
    "coach.scaling",
    "coach.session",
    "coach.storage",
    "coach.runner",
    "coach.diagnostics",
    "coach.durations",
    "coach.eventlog",
    "coach.export",
    "coach.format_v1",
    "coach.loader",
    "coach.locations",
    "coach.preview",
    "coach.schema",
    "coach.timeline",
    "coach.yamlsafe",
]


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
