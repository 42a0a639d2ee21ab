"""The layers: every package is placed in the import contracts, and the core stays free
of Textual (as harlequin checks for its own core). The contracts themselves are checked
by import-linter in `make contracts`."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import coach

ROOT = Path(__file__).resolve().parent.parent

# Every module outside the shell (tui, cli) is core: new ones are covered without editing
# this list.
CORE_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(coach.__path__, "coach.")
    if not info.name.startswith(("coach.tui", "coach.cli")) and info.name != "coach.__main__"
)


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def test_every_package_has_a_layer() -> None:
    """A new top-level package must be placed in the layers, or it escapes every rule."""
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    named = {
        name.strip()
        for layer in layers["layers"]
        for name in str(layer).split("|")  # type: ignore[attr-defined]
    }
    packages = {f"coach.{info.name}" for info in pkgutil.iter_modules(coach.__path__) if info.ispkg}
    assert packages - {"coach._bundled"} == named


def test_the_tree_shows_the_layers() -> None:
    """Only the package marker and the entry point sit at the top of coach/."""
    top = {info.name for info in pkgutil.iter_modules(coach.__path__) if not info.ispkg}
    assert top == {"__main__"}


def test_the_core_list_is_complete() -> None:
    for name in ("coach.engine.runner", "coach.engine.day", "coach.store.database"):
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


def test_the_first_frame_imports_neither_the_history_store_nor_its_records() -> None:
    """Home is drawn from the kept views with the history's file read directly: the
    store's modules, its records' dataclasses and the safety rules cost the first frame
    16 ms of CPU against a goal of 1.3 times a minimal Textual app (make bench); and on a
    first start, with no view kept, the history is not even opened (sqlite3: 4 ms)."""
    code = (
        "import sys\n"
        "import coach.cli, coach.tui.app, coach.tui.home, coach.store.homecache\n"
        "heavy = ('coach.store.database', 'coach.engine.records', 'sqlite3')\n"
        "print('loaded:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "loaded:"
