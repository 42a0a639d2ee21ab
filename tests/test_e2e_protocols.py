"""End to end (issue 25): the real ``coach run`` in tmux plays a 3-2-1 pyramid and a
down-first tempo squat, and the screen says what each phase asks: the pyramid's holds
set by set, DOWN while the squat lowers, HOLD at the bottom, UP as it rises."""

from __future__ import annotations

from pathlib import Path

import pytest

from .coach_runs import STEP_TIMEOUT, CoachRuns, answer_baseline, query, rate_set
from .tmux_driver import TmuxDriver

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PROTOCOL = """\
version: 1
program:
  id: protocol
  name: Protocol
  get_ready: 2s
  levels:
    - name: Level 1
      exercises:
        - id: curl-up
          name: Curl-up pyramid
          kind: hold
          hold: 2s
          holds: [3, 2, 1]
          hold_rest: 1s
          rest: 2s
          rest_after: 2s
        - id: squat
          name: Tempo squat
          kind: reps
          reps: 2
          tempo: {down: 4s, pause: 3s, up: 4s}
"""
SPEED = 2
"""Twice real time: each squat phase stays on screen long enough to be read."""


@pytest.fixture
def tmux(coach_runs: CoachRuns, tmp_path: Path) -> tuple[TmuxDriver, Path]:
    session = tmp_path / "protocol.yaml"
    session.write_text(PROTOCOL, encoding="utf-8")
    run = coach_runs.start("run", session, speed=SPEED, overall_timeout=90.0)
    return run.tmux, run.database


def test_the_pyramid_and_the_down_first_squat_on_screen(tmux: tuple[TmuxDriver, Path]) -> None:
    driver, database = tmux
    answer_baseline(driver, 1)
    # The get ready says the whole pyramid; each set shows its own count of holds.
    driver.wait_for("3 sets: 3 x 2s, 2 x 2s, 1 x 2s", timeout=STEP_TIMEOUT)
    driver.wait_for("set 1/3 · hold 1/3", timeout=STEP_TIMEOUT)
    rate_set(driver, "Curl-up pyramid", 1, 3, "0", "Enter")
    driver.wait_for("set 2/3 · hold 1/2", timeout=STEP_TIMEOUT)
    rate_set(driver, "Curl-up pyramid", 2, 3, "0", "Enter")
    third = driver.wait_for("set 3/3", "HOLD", timeout=STEP_TIMEOUT)
    assert "hold 1/" not in third  # one hold: no count of holds
    rate_set(driver, "Curl-up pyramid", 3, 3, "0", "Enter")

    # The squat: DOWN first, then HOLD at the bottom, then UP, in every repetition.
    seen = []
    for word in ("DOWN", "HOLD", "UP", "DOWN"):
        screen = driver.wait_until(
            lambda s, word=word: (
                any(line.strip() == word for line in s.splitlines()) and "Tempo squat" in s
            ),
            f"the squat's {word}",
            timeout=STEP_TIMEOUT,
        )
        rep = "rep 1/2" if len(seen) < 3 else "rep 2/2"
        assert rep in screen, screen
        seen.append(word)
    rate_set(driver, "Tempo squat", 1, 1, "0", "Enter")
    driver.wait_for("Session complete", timeout=STEP_TIMEOUT)
    driver.send("Enter")
    driver.wait_for("EXIT:0", timeout=STEP_TIMEOUT)
    rows = query(
        database,
        "SELECT exercise_id, set_number, planned_work_seconds FROM sets ORDER BY id",
    )
    assert [(r["exercise_id"], r["set_number"], r["planned_work_seconds"]) for r in rows] == [
        ("curl-up", 1, 6.0),
        ("curl-up", 2, 4.0),
        ("curl-up", 3, 2.0),
        ("squat", 1, 22.0),
    ]
