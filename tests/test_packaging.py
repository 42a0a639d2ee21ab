"""An installed coach carries its bundled sessions and sounds (they are package data)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("coach-*.whl")
    return built


def test_wheel_contains_sessions_sounds_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "coach/_bundled/sessions/morning.yaml",
        "coach/_bundled/sessions/coach-v1.schema.json",
        "coach/_bundled/sounds/default.wav",
    }
    assert expected <= names
    programs = {n for n in names if n.startswith("coach/_bundled/sessions/programs/")}
    assert len(programs) >= 3
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_installed_wheel_previews_its_own_morning_routine(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    # The wheel's copy comes first on the path; dependencies come from this environment.
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import coach.config.locations as l; print(l.default_routine())"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.stdout.strip().startswith(str(target))
    preview = subprocess.run(
        [sys.executable, "-m", "coach", "preview"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert preview.returncode == 0, preview.stderr
    assert "Total" in preview.stdout
