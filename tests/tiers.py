"""Every test has exactly one tier, given by a rule so that a new test needs no marker:

* ``e2e``: the real program or another real process (tmux, faketime, Chromium, a fork);
* ``tui``: a Textual app driven by a Pilot (``run_test``) or a layout snapshot;
* ``unit``: everything else: no terminal, no process.

The rule reads what a test's code names, following the fixtures it asks for and the
helpers it calls that live in ``tests/`` (so a helper that starts tmux makes every test
that calls it e2e), and looks for what starts a process (``subprocess``, ``fork``,
``TmuxDriver``, the text of a script: ``#!``...) or drives an app (``run_test``,
``Pilot``, ``snap_compare``). A marker
written on a test (``@pytest.mark.e2e``, ``tui`` or ``unit``; ``browser`` counts as e2e)
wins over the rule, and two tiers on one test fail the collection.

The rule errs towards the slower tier: naming ``subprocess`` at all makes a test e2e. The
other way round is caught when the test runs: a unit test that starts a process or a
Textual app fails, and says which marker it needs.

At the end the summary prints the CPU the collection took and, per tier, its tests, the
wall time from its first test's start to its last one's end, and the time its tests took
added up (the tiers run in turn: e2e, then tui, then unit).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import resource
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

TIERS = ("unit", "tui", "e2e")
ORDER = {"e2e": 0, "tui": 1, "unit": 2}
"""The slowest tier first, so that two workers finish together rather than one waiting
on a long end-to-end test that started last."""

SCRIPT = "#!"
"""Stands for a script's text among the names: a test that writes one (a fake player, a
fake systemd-inhibit on PATH) runs it as a process."""
PROCESS_NAMES = frozenset(
    {
        "subprocess",
        "Popen",
        "fork",
        "forkpty",
        "posix_spawn",
        "posix_spawnp",
        "create_subprocess_exec",
        "create_subprocess_shell",
        "TmuxDriver",
        "tmux_binary",
        "faketime",
        "chromium",
        SCRIPT,
    }
)
TERMINAL_NAMES = frozenset({"TmuxDriver", "tmux_binary", "faketime", "accelerated"})
TERMINAL_GROUP = "terminal"
"""The tests that drive the real program in tmux (faketime's sped-up clock, the kill
test's instants, screens awaited with timeouts) run one at a time on one xdist worker,
as they did before the suite ran on two: two of them at once on two cores, each
starting processes of its own, starved each other."""
APP_NAMES = frozenset({"run_test", "Pilot", "pilot", "snap_compare"})
APP_FIXTURES = frozenset({"snap_compare"})

TESTS_PACKAGE = __name__.rpartition(".")[0] or "tests"


def _own(obj: Any) -> bool:
    """Defined in the tests package (helpers there are followed; library code is not)."""
    module = getattr(obj, "__module__", None) or ""
    if module == __name__:  # this rule's own watcher names what it watches for
        return False
    return module == TESTS_PACKAGE or module.startswith(TESTS_PACKAGE + ".")


def _script(value: object) -> bool:
    return isinstance(value, str) and value.startswith("#!")


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


class _Names:
    """The names a function's code uses, with those of the tests' own helpers it reaches."""

    def __init__(self) -> None:
        self._memo: dict[int, frozenset[str]] = {}

    def of(self, obj: Any) -> frozenset[str]:
        names: set[str] = set()
        self._collect(obj, names, set())
        return frozenset(names)

    def _collect(self, obj: Any, names: set[str], seen: set[int]) -> None:
        obj = getattr(obj, "__func__", obj)  # a bound method
        inner = getattr(getattr(obj, "hypothesis", None), "inner_test", None)
        if inner is not None:
            obj = inner
        obj = inspect.unwrap(obj)
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, type):
            for member in vars(obj).values():
                if callable(member) or isinstance(member, staticmethod | classmethod):
                    self._collect(getattr(member, "__func__", member), names, seen)
            return
        code = getattr(obj, "__code__", None)
        if not isinstance(code, types.CodeType):
            return
        defaults = (*(obj.__defaults__ or ()), *(obj.__kwdefaults__ or {}).values())
        if any(_script(value) for value in defaults):
            names.add(SCRIPT)
        own: set[str] = set()
        for each in _codes(code):
            own.update(each.co_names)
            own.update(each.co_varnames)
            own.update(each.co_freevars)
            if any(_script(const) for const in each.co_consts):
                names.add(SCRIPT)
        names.update(own)
        scope: dict[str, Any] = getattr(obj, "__globals__", {})
        for name in own:
            value = scope.get(name)
            if value is None:
                continue
            if _script(value):
                names.add(SCRIPT)
                continue
            if isinstance(value, types.ModuleType):
                if _own(types.SimpleNamespace(__module__=value.__name__)):
                    for attribute in own:
                        member = getattr(value, attribute, None)
                        if member is not None and _own(member):
                            self._collect(member, names, seen)
                continue
            if (inspect.isfunction(value) or isinstance(value, type)) and _own(value):
                self._collect(value, names, seen)


def tier_by_rule(item: pytest.Function, names: _Names) -> str:
    tier, _ = tier_and_names(item, names)
    return tier


def tier_and_names(item: pytest.Function, names: _Names) -> tuple[str, frozenset[str]]:
    found: set[str] = set(names.of(item.obj))
    fixture_names = set(getattr(item, "fixturenames", ()))
    infos = getattr(item, "_fixtureinfo", None)
    for name in fixture_names:
        for definition in infos.name2fixturedefs.get(name, ()) if infos else ():
            func = getattr(definition, "func", None)
            if func is not None and _own(func):
                found |= names.of(func)
    if found & PROCESS_NAMES:
        return "e2e", frozenset(found)
    if found & APP_NAMES or fixture_names & APP_FIXTURES:
        return "tui", frozenset(found)
    return "unit", frozenset(found)


TIER_KEY = pytest.StashKey[str]()


def _written(item: pytest.Item) -> set[str]:
    return {m.name for m in item.iter_markers() if m.name in TIERS}


def assign_tiers(items: list[pytest.Item]) -> None:
    """Give each test its tier (a marker, so ``-m unit`` selects it), fail on two, and put
    the tiers in their running order."""
    names = _Names()
    problems: list[str] = []
    for item in items:
        written = _written(item)
        if item.get_closest_marker("browser") is not None:
            written.add("e2e")
        if len(written) > 1:
            problems.append(f"{item.nodeid}: marked {' and '.join(sorted(written))}")
            continue
        found: frozenset[str] = frozenset()
        if isinstance(item, pytest.Function):
            tier, found = tier_and_names(item, names)
        else:
            tier = "unit"
        if written:
            (tier,) = written
        item.stash[TIER_KEY] = tier
        if tier not in _written(item):
            item.add_marker(getattr(pytest.mark, tier))
        if found & TERMINAL_NAMES and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(TERMINAL_GROUP))
    if problems:
        raise pytest.UsageError(
            "A test has exactly one tier (unit, tui or e2e):\n  " + "\n  ".join(problems)
        )
    check_every_test_has_one_tier(items)
    items.sort(key=_running_order)


def _running_order(item: pytest.Item) -> tuple[int, bool, bool]:
    """e2e, tui, unit; in each, the terminal group first, then the slow tests: what
    takes longest starts first, and the other worker takes the rest meanwhile."""
    group = item.get_closest_marker("xdist_group")
    in_group = group is not None and TERMINAL_GROUP in group.args
    return ORDER[item.stash[TIER_KEY]], not in_group, item.get_closest_marker("slow") is None


def check_every_test_has_one_tier(items: list[pytest.Item]) -> None:
    """What the rule promises, checked after it: no test with no tier, or with two."""
    wrong = [item.nodeid for item in items if len(_written(item)) != 1]
    if wrong:
        raise pytest.UsageError("Tests without exactly one tier:\n  " + "\n  ".join(wrong))


# -- while a test runs: what it starts must fit its tier ---------------------------------


def _what(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    argv = kwargs.get("args", args[1] if len(args) > 1 else "?")
    if isinstance(argv, str | bytes | os.PathLike):
        return os.fsdecode(argv)
    return " ".join(os.fsdecode(a) for a in argv)[:80]


@contextlib.contextmanager
def watching(item: pytest.Item) -> Iterator[None]:
    """Fail a unit test that starts a process or a Textual app: the rule gave it too fast
    a tier. (A tui test may start what its app starts: a helper script standing in for
    espeak-ng or systemd-inhibit is part of the screen it tests.)"""
    tier = item.stash.get(TIER_KEY, "e2e")
    if tier != "unit":
        yield
        return
    started: list[str] = []
    undo: list[tuple[Any, str, Any]] = []

    def watch(owner: Any, name: str, what: Callable[..., str]) -> None:
        real = getattr(owner, name, None)
        if real is None:
            return

        @functools.wraps(real)
        def watched(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            started.append(what(args, kwargs))  # started: a program not found is no process
            return result

        undo.append((owner, name, real))
        setattr(owner, name, watched)

    watch(subprocess.Popen, "__init__", lambda a, k: f"a process ({_what(a, k)})")
    for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp"):
        watch(os, name, lambda a, k, name=name: f"a process (os.{name})")
    app_module = sys.modules.get("textual.app")
    if app_module is not None:
        for name in ("run_test", "run_async"):
            watch(app_module.App, name, lambda a, k: f"the app {type(a[0]).__name__}")
    try:
        yield
    finally:
        for owner, name, real in reversed(undo):
            setattr(owner, name, real)
    if started:
        needed = "e2e" if any("process" in s for s in started) else "tui"
        pytest.fail(
            f"this {tier} test started {started[0]}: mark it @pytest.mark.{needed}"
            f" (tests/tiers.py says how tiers are given)",
            pytrace=False,
        )


# -- the figures at the end ----------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class _Tier:
    tests: int = 0
    seconds: float = 0.0
    first: float = float("inf")
    last: float = float("-inf")


@dataclass(eq=False)
class TierClock:
    """Collection CPU and per-tier times, printed at the end of the run; with xdist the
    workers send theirs to the controller."""

    config: pytest.Config
    tiers: dict[str, _Tier] = field(default_factory=lambda: {t: _Tier() for t in TIERS})
    collection_cpu: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        cpu = _cpu()
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["tier_collection_cpu"] = cpu
        else:
            self.collection_cpu.append(cpu)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        cpu = getattr(node, "workeroutput", {}).get("tier_collection_cpu")
        if cpu is not None:
            self.collection_cpu.append(cpu)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        tier = next((t for t in TIERS if t in report.keywords), None)
        if tier is None:
            return
        kept = self.tiers[tier]
        if report.when == "setup":
            kept.tests += 1
        kept.seconds += report.duration
        start = getattr(report, "start", None)
        stop = getattr(report, "stop", None)
        if start is not None and stop is not None:
            kept.first = min(kept.first, start)
            kept.last = max(kept.last, stop)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not any(t.tests for t in self.tiers.values()):
            return
        write = terminalreporter.write_line
        terminalreporter.section("time by tier")
        if self.collection_cpu:
            each = ", ".join(f"{c:.1f}" for c in self.collection_cpu)
            write(f"collection: {each} s CPU (each process that collected, its start included)")
        for name in sorted(TIERS, key=ORDER.__getitem__):
            kept = self.tiers[name]
            if not kept.tests:
                continue
            wall = kept.last - kept.first if kept.last >= kept.first else float("nan")
            write(
                f"{name:>5}: {kept.tests:4d} tests, {wall:6.1f} s wall (first start to last"
                f" end), {kept.seconds:6.1f} s of test time"
            )
        write(f"whole run: {time.time() - self.started:.1f} s wall")
