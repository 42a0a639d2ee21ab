"""The import contracts mean what they say: each module a forbidden contract names, once
imported by the engine or the format, breaks that contract.

The graph is coach's real import graph (grimp, as `make contracts` builds it), with one
import added: the contract is checked with import-linter's own contract class, so this
tests the configuration in pyproject.toml, not a copy of it. grimp's finding of an
import inside a function body is import-linter's own business (and was checked by hand
when these contracts were written: `import urllib.request` inside a function of
`coach/engine/runner.py` breaks the first of them)."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import cast

import grimp
import pytest
from importlinter.configuration import configure
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract

ROOT = Path(__file__).resolve().parent.parent

# One module of each package a contract protects: where an injected import goes.
IMPORTERS = {"coach.engine": "coach.engine.runner", "coach.format": "coach.format.loader"}


def _contracts(kind: str) -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = cast(list[dict[str, object]], config["tool"]["importlinter"]["contracts"])
    return [contract for contract in contracts if contract["type"] == kind]


def _forbidden_contracts() -> list[dict[str, object]]:
    """The forbidden contracts over the engine or the format."""
    return [
        contract
        for contract in _contracts("forbidden")
        if set(cast(list[str], contract["source_modules"])) & set(IMPORTERS)
    ]


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for contract in _forbidden_contracts():
        for source in cast(list[str], contract["source_modules"]):
            if source not in IMPORTERS:
                continue
            for module in cast(list[str], contract["forbidden_modules"]):
                cases.append((str(contract["name"]), IMPORTERS[source], module))
    return cases


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    configure()  # import-linter's settings (its timer), as its command line sets them
    return grimp.build_graph("coach", include_external_packages=True, cache_dir=None)


SESSION = {"root_packages": ["coach"], "include_external_packages": True}


def _check(contract: dict[str, object], graph: grimp.ImportGraph) -> bool:
    options = {key: value for key, value in contract.items() if key not in {"name", "type"}}
    options = {
        key: (str(value).lower() if isinstance(value, bool) else value)
        for key, value in options.items()
    }
    checker = ForbiddenContract(str(contract["name"]), SESSION, options)
    return bool(checker.check(graph, verbose=False).kept)


def test_the_engine_and_the_format_are_covered() -> None:
    """Both packages are sources of the process-and-network contract, and the lists hold
    what the issue named (an edit that drops one fails here)."""
    (wide,) = [c for c in _forbidden_contracts() if "sqlite3" in c["forbidden_modules"]]  # type: ignore[operator]
    assert set(IMPORTERS) <= set(cast(list[str], wide["source_modules"]))
    named = set(cast(list[str], wide["forbidden_modules"]))
    assert {
        "urllib", "http", "socket", "ssl", "subprocess", "multiprocessing", "concurrent",
        "shutil", "glob", "sqlite3", "asyncio", "threading",
    } <= named  # fmt: skip
    engine_only = [c for c in _forbidden_contracts() if c["source_modules"] == ["coach.engine"]]
    assert any("yaml" in cast(list[str], c["forbidden_modules"]) for c in engine_only)


def test_the_real_graph_keeps_every_contract(graph: grimp.ImportGraph) -> None:
    for contract in _forbidden_contracts():
        assert _check(contract, graph), contract["name"]


@pytest.mark.parametrize(("name", "importer", "module"), _cases())
def test_an_injected_import_breaks_its_contract(
    graph: grimp.ImportGraph, name: str, importer: str, module: str
) -> None:
    (contract,) = [c for c in _forbidden_contracts() if c["name"] == name]
    injected = copy.deepcopy(graph)
    injected.add_import(importer=importer, imported=module, line_number=1, line_contents="")
    assert not _check(contract, injected), f"{importer} importing {module} kept '{name}'"


def test_a_cycle_in_the_store_or_the_engine_breaks_the_acyclic_contract(
    graph: grimp.ImportGraph,
) -> None:
    (contract,) = _contracts("acyclic_siblings")
    options = {key: value for key, value in contract.items() if key not in {"name", "type"}}
    checker = AcyclicSiblingsContract(str(contract["name"]), SESSION, options)
    assert checker.check(graph, verbose=False).kept
    for low, high in (
        ("coach.store.private", "coach.store.database"),
        ("coach.engine.clock", "coach.engine.day.flow"),
    ):
        injected = copy.deepcopy(graph)
        injected.add_import(importer=low, imported=high, line_number=1, line_contents="")
        assert not checker.check(injected, verbose=False).kept, (low, high)
