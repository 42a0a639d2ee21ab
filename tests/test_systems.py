"""coach runs on POSIX systems only, and says so in one sentence elsewhere (README,
"Systems"): its leases need flock, which Windows lacks."""

from __future__ import annotations

import importlib.util
import sys

import pytest

import coach
from coach.cli import EXIT_UNSUPPORTED, main


def _without_fcntl(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import fcntl` fail, as it does on Windows.
    monkeypatch.setitem(sys.modules, "fcntl", None)


def test_the_store_says_which_systems_it_runs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing the leases without flock fails with the sentence, not 'No module named
    fcntl'."""
    _without_fcntl(monkeypatch)
    spec = importlib.util.spec_from_file_location(
        "liveness_without_fcntl", coach.__path__[0] + "/store/liveness.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(ImportError) as raised:
        spec.loader.exec_module(module)
    assert str(raised.value) == coach.SUPPORTED_SYSTEMS
    assert "Linux and macOS" in str(raised.value)


def test_the_command_says_it_in_one_sentence_and_exits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_fcntl(monkeypatch)
    assert main(["history"]) == EXIT_UNSUPPORTED
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"coach: {coach.SUPPORTED_SYSTEMS}.\n"


def test_help_and_version_still_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_fcntl(monkeypatch)
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.startswith("coach ")
