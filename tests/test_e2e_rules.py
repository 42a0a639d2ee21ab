"""End to end (issue 23, cases 15 and 16): a rising week played in the real program, in
tmux, on faked days (libfaketime, the clock 30 times faster from each morning), the doses
read back the way a clinician would, from ``coach export``.

A calm week (mornings at 1/10), then Monday and Tuesday with the bird dog stepping up
each day while the dead bug hurts a little (3/10: it stays), and a Wednesday whose
morning makes the week rise: the bird dog goes back to the dose it had on Monday
morning, before both step ups (case 15), the dead bug, which did not go up, steps back
once (case 16), and Thursday, the same rise, steps nothing back again."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .coach_runs import COACH, STEP_TIMEOUT, CoachRun, CoachRuns, answer_baseline, rate_set

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

PROGRAM = """\
version: 1
program:
  id: week
  name: Week program
  get_ready: 1s
  scaling:
    morning_worse_by: 3
  levels:
    - name: Level 1
      exercises:
        - id: bird-dog
          name: Bird dog
          kind: hold
          hold: 4s
          rest_after: 1s
          progression:
            hold: {min: 2s, max: 10s, step: 1s}
        - id: dead-bug
          name: Dead bug
          kind: hold
          hold: 4s
          progression:
            hold: {min: 2s, max: 10s, step: 1s}
"""

WEEK = [
    # (day, starting pain, bird dog's pain, dead bug's pain)
    ("2026-11-23", 1, 3, 3),  # the week before: calm, nothing goes up
    ("2026-11-24", 1, 3, 3),
    ("2026-11-25", 1, 3, 3),
    ("2026-11-30", 1, 0, 3),  # Monday: the bird dog 4 s -> 5 s from Tuesday
    ("2026-12-01", 2, 0, 3),  # Tuesday: 5 s -> 6 s from Wednesday
    ("2026-12-02", 3, 0, 3),  # Wednesday: mornings 1, 2, 3 against 1, 1, 1
    ("2026-12-03", 3, 0, 3),  # Thursday: still rising
]


@pytest.fixture
def play(coach_runs: CoachRuns, tmp_path: Path) -> Callable[[str], CoachRun]:
    source = tmp_path / "week.yaml"
    source.write_text(PROGRAM, encoding="utf-8")

    def start(day: str) -> CoachRun:
        return coach_runs.start(
            "run", source, at=f"@{day} 08:00:00", speed=30, size=(100, 40), overall_timeout=90.0
        )

    return start


def export(data: Path, what: str) -> list[dict[str, Any]]:
    """``coach export --what WHAT --format json``, its rows as objects."""
    result = subprocess.run(
        [COACH, "export", "--what", what, "--format", "json", "--data-dir", data],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    document = json.loads(result.stdout)
    rows = document["sets"] if what == "sets" else document["decisions"]
    columns = document.get("columns")
    if rows and isinstance(rows[0], list):
        return [dict(zip(columns, row, strict=True)) for row in rows]
    return list(rows)


def test_a_rising_week_played_day_by_day(play: Callable[[str], CoachRun], tmp_path: Path) -> None:
    for number, (day, baseline, bird_dog, dead_bug) in enumerate(WEEK):
        run = play(day)
        answer_baseline(run.tmux, baseline, screening=number == 0)
        rate_set(run.tmux, "Bird dog", 1, 1, str(bird_dog), "Enter")
        rate_set(run.tmux, "Dead bug", 1, 1, str(dead_bug), "Enter")
        run.tmux.wait_for("Why", timeout=STEP_TIMEOUT)
        run.tmux.send("Enter")
        assert run.exit_code() == 0
    data = tmp_path / "data"
    played = {
        (row["date"], row["exercise"]): row["planned_hold_seconds"] for row in export(data, "sets")
    }
    bird_dog = [played[(day, "bird-dog")] for day, *_ in WEEK]
    dead_bug = [played[(day, "dead-bug")] for day, *_ in WEEK]
    # Up on Monday and on Tuesday; on Wednesday back to Monday morning's 4 s (not to 5 s),
    # and nothing goes up while the week rises.
    assert bird_dog == [4, 4, 4, 4, 5, 4, 4]
    # Nothing went up: one step back on Wednesday, not again on Thursday.
    assert dead_bug == [4, 4, 4, 4, 4, 3, 3]
    checks = [
        row
        for row in export(data, "decisions")
        if row["kind"] == "dose" and row["moment"] == "before"
    ]
    assert [(c["date"], c["exercise"], c["rule"]) for c in checks] == [
        ("2026-12-02", "bird-dog", "weekly step back"),
        ("2026-12-02", "dead-bug", "weekly step back"),
    ]
    bird, dead = checks
    assert bird["reason"] == (
        "Starting pain this week is 1 point above the week before, so Monday's and "
        "Tuesday's step ups are undone: hold 6s -> 4s."
    )
    assert dead["reason"] == (
        "Starting pain this week is 1 point above the week before and nothing went up "
        "this week: one step back, hold 4s -> 3s."
    )
