"""The house keeps its shape (issue 27): the app module stays a composition of screens,
every library coach imports is declared, and the drawing of the layers in
docs/architecture.md is current and names every package under coach/."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from types import ModuleType

import coach

ROOT = Path(__file__).resolve().parent.parent
COACH = ROOT / "coach"


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_names() -> dict[str, str]:
    """Every top-level module an absolute import under coach/ names -> one file naming it."""
    found: dict[str, str] = {}
    for path in sorted(COACH.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_library_coach_imports_is_declared() -> None:
    """A library imported only through another's requirement (Pillow through
    textual-image) breaks when that one stops needing it: each is declared itself."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    declared = {
        _normal(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0])
        for requirement in [
            *project["dependencies"],
            *project["optional-dependencies"]["sound"],
        ]
    }
    distributions = packages_distributions()
    undeclared = []
    for name, where in _imported_top_names().items():
        if name == "coach" or name in sys.stdlib_module_names:
            continue
        owners = {_normal(d) for d in distributions.get(name, [name])}
        if not owners & declared:
            undeclared.append(f"{name} ({where}): from {sorted(owners)}")
    assert undeclared == []


APP_LINES = 350
"""Most lines coach/tui/app.py may have: the app composes screens; what it used to hold
(settings saving, the folder loop, sound, staying awake, the day's screens) lives in
modules of its own."""


def test_the_app_stays_a_composition_of_screens() -> None:
    lines = (COACH / "tui" / "app.py").read_text(encoding="utf-8").count("\n")
    assert lines <= APP_LINES, (
        f"coach/tui/app.py has {lines} lines (at most {APP_LINES}): move what it grew into "
        "a module of its own (coach/tui/screens.py holds the day's screens)"
    )


def _layers_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layers", ROOT / "scripts" / "layers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _drawn() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return text.split("<!-- layers:start -->\n", 1)[1].split("<!-- layers:end -->", 1)[0]


def test_the_drawing_of_the_layers_is_current() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert _drawn() == _layers_script().drawing(pyproject), (
        "docs/architecture.md's drawing of the layers is out of date: run make layers"
    )


def test_every_package_is_drawn_and_in_a_contract() -> None:
    """A package added under coach/ must be placed in the layers (pyproject.toml) and so
    in the drawing."""
    packages = sorted(
        info.name
        for info in pkgutil.iter_modules(coach.__path__)
        if info.ispkg and not info.name.startswith("_")
    )
    assert "engine" in packages and "tui" in packages
    drawn = _drawn()
    contracts = _layers_script().contracts((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = {
        part.strip()
        for contract in contracts
        for key in ("layers", "source_modules", "ancestors")
        for entry in contract.get(key, [])
        for part in str(entry).split("|")
    }
    missing_drawn = [p for p in packages if not re.search(rf"[│ ]{p}[ │]", drawn)]
    missing_contract = [p for p in packages if f"coach.{p}" not in named]
    assert (missing_drawn, missing_contract) == ([], [])


ANY_MOST = 39
"""Lines under coach/ that may name ``typing.Any`` (issue 27: under 40)."""


def _any_in(text: str) -> list[tuple[int, bool]]:
    """Each line of ``text`` whose code names ``Any`` (imports aside; text in strings does
    not count), and whether a ``# Any:`` comment on it, or on the line just above, says
    why."""
    lines = text.splitlines()
    named = set()
    for node in ast.walk(ast.parse(text)):
        if (isinstance(node, ast.Name) and node.id == "Any") or (
            isinstance(node, ast.Attribute) and node.attr == "Any"
        ):
            named.add(node.lineno)
    found = []
    for number in sorted(named):
        above = lines[number - 2].strip() if number >= 2 else ""
        found.append((number, "# Any:" in lines[number - 1] or above.startswith("# Any:")))
    return found


def _any_lines() -> list[tuple[str, int, bool]]:
    """Each line under coach/ that names ``Any``: file, line, and whether it says why."""
    return [
        (str(path.relative_to(ROOT)), number, said)
        for path in sorted(COACH.rglob("*.py"))
        for number, said in _any_in(path.read_text(encoding="utf-8"))
    ]


def test_any_is_rare_and_each_one_says_why() -> None:
    found = _any_lines()
    assert len(found) <= ANY_MOST, (
        f"{len(found)} lines under coach/ name Any (at most {ANY_MOST}): give them real "
        "types (a TypedDict, object and isinstance, a Protocol, a TypeVar)"
    )
    unsaid = [f"{path}:{line}" for path, line, said in found if not said]
    assert not unsaid, (
        "an Any without a '# Any: why' comment on its line or the line above: " + ", ".join(unsaid)
    )


def test_the_any_count_sees_code_and_comments() -> None:
    """The count finds an Any in code, not in a sentence or an import, and tells a
    commented one from one that is not (so the test above means what it says)."""
    sample = (
        "from typing import Any\n"
        "x: Any = 1  # Any: why\n"
        'w = "Any of these"\n'
        "# Any: the reason, above\n"
        "z: dict[str, Any] = {}\n"
        "y: typing.Any = 2\n"
        "v = 3  # any: lower case is not the mark\n"
    )
    assert _any_in(sample) == [(2, True), (5, True), (6, False)]
