"""End to end: the figure moves in a real terminal, in step with the phase on screen.

``coach run`` plays a reps exercise with a figure in a private tmux server (120x30, so
the figure stands beside the digits), five times faster than real time with libfaketime.
The figure's region of the screen is captured twice during the first repetition: while
the phase shows UP (the figure on its way up) and while it shows HOLD (the top of the
repetition, where it keeps still). The two pictures differ, and two captures during the
hold are the same picture: the figure moves when the cues say so, and only then.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from coach.engine.screening import QUESTIONS

from .tmux_driver import TmuxDriver, accelerated, tmux_binary

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

COACH = Path(sys.executable).parent / "coach"
SPEED = 5
WIDTH, HEIGHT = 120, 30
FIGURE_COLUMNS = slice(WIDTH // 2, WIDTH)
"""From 100 columns the figure takes the right half of the stage."""

SESSION = """\
version: 1
program:
  id: e2e-figure
  name: E2E figure
  get_ready: 2s
  levels:
    - name: Level 1
      exercises:
        - id: cat-camel
          name: Cat-camel
          kind: reps
          reps: 2
          tempo: {up: 4s, pause: 4s, down: 4s}
          figure: cat-camel
"""


def figure_region(screen: str) -> str:
    """The right half of the rows between the phase line and the progress bar."""
    lines = screen.splitlines()
    rows = lines[4 : HEIGHT - 10]
    return "\n".join(line[FIGURE_COLUMNS].rstrip() for line in rows)


def braille_dots(region: str) -> int:
    return sum(1 for ch in region if 0x2801 <= ord(ch) <= 0x28FF)


def phase_is(word: str, rep: str):  # type: ignore[no-untyped-def]
    def check(screen: str) -> bool:
        # The phase word is the line under the header (or the one after, where the
        # stage's layout leaves a line above it).
        lines = screen.splitlines()
        return any(line.strip() == word for line in lines[1:4]) and rep in screen

    return check


def test_the_figure_moves_with_the_phases(tmp_path: Path) -> None:
    if tmux_binary() is None:
        pytest.skip("tmux is not installed (the end-to-end tests drive coach in tmux)")
    session = tmp_path / "figure.yaml"
    session.write_text(SESSION, encoding="utf-8")
    with TmuxDriver(width=WIDTH, height=HEIGHT, overall_timeout=60.0) as tmux:
        tmux.start(
            [
                "env",
                f"COACH_CONFIG_DIR={tmp_path}",
                *accelerated(SPEED),
                COACH,
                "run",
                session,
                "--data-dir",
                tmp_path / "data",
                "--audio",
                "none",
            ],
            exit_file=tmp_path / "exit-status",
        )
        tmux.wait_for("A quick safety check", timeout=20)
        tmux.send(*["n"] * len(QUESTIONS), "Enter")
        tmux.wait_for("Keys 0-9, T for 10.", timeout=20)
        tmux.send("1", "Enter")

        rising = figure_region(tmux.wait_until(phase_is("UP", "rep 1/2"), "UP", timeout=20))
        top = figure_region(tmux.wait_until(phase_is("HOLD", "rep 1/2"), "HOLD", timeout=20))
        # A later instant of the same pause (0.3 s here is 1.5 s of the 4 s pause).
        time.sleep(0.3)
        later = tmux.screen()
        assert phase_is("HOLD", "rep 1/2")(later), f"the pause ended too soon:\n{later}"
        still = figure_region(later)
        print(f"UP:\n{rising}\nHOLD:\n{top}")

    assert braille_dots(rising) > 20, f"no figure beside the digits:\n{rising}"
    assert braille_dots(top) > 20, f"no figure at the top:\n{top}"
    assert rising != top, "the figure did not move between UP and HOLD"
    assert top == still, "the figure moved while the repetition paused at the top"
