"""`make bench-smoke`: the benchmark's screens, driven in seconds.

`make bench` once printed "NOT MEASURED" for three of its four player figures because
the checklist had come to need an answer on every line and a rehearsal's summary had
come to read "Rehearsal over": nothing in the suite drove the screens the bench drives.
This runs the bench's own code in its smoke mode (bench/run.py --smoke), so a change to
the checklist, the prompts or the summary that would break the bench fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .tmux_driver import tmux_binary

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[1]


def test_the_bench_drives_every_screen_to_the_end() -> None:
    if tmux_binary() is None:
        pytest.skip("tmux is not installed (the bench drives coach in tmux)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=ROOT,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "NOT MEASURED" not in out, out
    # Every figure was measured, the holds' and the reps' with the figure on screen.
    for line in (
        "CPU during 1-min hold",
        "the same hold without a figure",
        "CPU during 1-min reps",
        "first frame, first start",
        "home, ten years",
        "end-of-session clock",
    ):
        assert line in out, (line, out)
    assert "the figure showed 0 braille dots" not in out, out
