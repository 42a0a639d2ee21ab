"""The suite's own isolation and tiers (tests/isolation.py, tests/tiers.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import types
from typing import Any

import pytest

from . import tiers
from .isolation import signals_restored
from .tmux_driver import TmuxDriver


def test_a_handler_a_test_leaves_is_put_back() -> None:
    before = signal.getsignal(signal.SIGCONT)
    read, write = os.pipe()
    try:
        with signals_restored():
            signal.signal(signal.SIGCONT, lambda *_: None)  # as a real driver does
            signal.signal(signal.SIGWINCH, lambda *_: None)
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
            os.set_blocking(write, False)
            signal.set_wakeup_fd(write)
        assert signal.getsignal(signal.SIGCONT) is before
        assert signal.getsignal(signal.SIGWINCH) is not None
        assert not callable(signal.getsignal(signal.SIGWINCH))
        assert signal.SIGUSR1 not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert signal.set_wakeup_fd(-1) != write
    finally:
        os.close(read)
        os.close(write)


def _helper_that_starts_tmux() -> Any:
    return TmuxDriver


def _names(func: Any) -> frozenset[str]:
    return tiers._Names().of(func)


@pytest.mark.unit  # it names subprocess, in functions it never calls
def test_the_rule_finds_a_process_through_a_helper() -> None:
    def plain() -> None:
        assert sum([1, 2]) == 3

    def runs() -> None:
        subprocess.run(["true"], check=True)

    def via_helper() -> None:
        _helper_that_starts_tmux()

    def writes_a_script() -> str:
        return "#!/bin/sh\nexit 0\n"

    async def pilots(app: Any) -> None:
        async with app.run_test():
            pass

    assert not _names(plain) & tiers.PROCESS_NAMES
    for func in (runs, via_helper, writes_a_script):
        assert _names(func) & tiers.PROCESS_NAMES, func.__name__
    assert _names(pilots) & tiers.APP_NAMES and not _names(pilots) & tiers.PROCESS_NAMES


def test_a_unit_test_that_starts_a_process_fails() -> None:
    item: Any = types.SimpleNamespace(stash={tiers.TIER_KEY: "unit"})
    failed = pytest.raises(pytest.fail.Exception, match=r"mark it @pytest.mark.e2e")
    with failed, tiers.watching(item):
        subprocess.run(["true"], check=True)
    # A program that is not there starts nothing.
    with tiers.watching(item), pytest.raises(FileNotFoundError):
        subprocess.run(["/nonexistent-program"], check=False)
