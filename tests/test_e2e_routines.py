"""End to end (issue 25): a morning and an evening routine on home, in the real program
in tmux, on a faked day (libfaketime). Home lists both; Enter plays the morning one
(while another program holds the history, so it is kept in the journal); back on home
the morning routine is done and the evening one, not yet, is the one shown: Enter plays
it. The two routines share a program, and the day counts once: the evening's session of
it, the day's second, takes no second step up."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .coach_runs import COACH, STEP_TIMEOUT, CoachRuns, answer_baseline, rate_set
from .faults import locked
from .test_e2e_rules import export

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

PROGRAM = """\
version: 1
program:
  id: back
  name: Back
  get_ready: 1s
  levels:
    - name: Level 1
      exercises:
        - id: bird-dog
          name: Bird dog
          kind: hold
          hold: 3s
          progression:
            hold: {min: 2s, max: 10s, step: 1s}
"""

ROUTINE = """\
version: 1
routine:
  id: {id}
  name: {name}
  programs:
    - file: back.yaml
"""

SETTINGS = """\
# two routines a day
routines = [
    "{morning}",
    {{file = "{evening}", remind_at = "19:00"}},
]
"""


def test_the_morning_routine_then_the_evening_one(coach_runs: CoachRuns, tmp_path: Path) -> None:
    rehab = tmp_path / "rehab"
    rehab.mkdir()
    (rehab / "back.yaml").write_text(PROGRAM, encoding="utf-8")
    morning, evening = rehab / "morning.yaml", rehab / "evening.yaml"
    morning.write_text(ROUTINE.format(id="morning", name="Morning"), encoding="utf-8")
    evening.write_text(ROUTINE.format(id="evening", name="Evening"), encoding="utf-8")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text(
        SETTINGS.format(morning=morning, evening=evening), encoding="utf-8"
    )
    data = tmp_path / "data"
    # The history exists before another program holds it.
    subprocess.run([COACH, "history", "--data-dir", data], capture_output=True, check=True)
    run = coach_runs.start(
        at="@2026-12-01 07:30:00", data_dir=data, config_dir=config, overall_timeout=150.0
    )
    home = run.tmux.wait_for(
        "Today: 1 Morning not yet · 2 Evening not yet, reminder 19:00",
        "Start Morning",
        timeout=STEP_TIMEOUT,
    )
    assert "Morning · about" in home
    with locked(run.database):
        run.tmux.send("Enter")
        answer_baseline(run.tmux, 1, screening=True)
        rate_set(run.tmux, "Bird dog", 1, 1, "0", "Enter")
        summary = run.tmux.wait_for("Why", timeout=STEP_TIMEOUT)
        assert "Kept in the journal" in " ".join(summary.split())
        run.tmux.send("Enter")
        # Home again: the morning routine done (its session waits in the journal),
        # the evening one shown, with its reminder.
        home = run.tmux.wait_for(
            "Today: 1 Morning ✓ done · 2 Evening not yet, reminder 19:00",
            "Start Evening",
            timeout=STEP_TIMEOUT,
        )
    assert "Evening · about" in home
    run.tmux.send("Enter")
    answer_baseline(run.tmux, 1, screening=False)
    rate_set(run.tmux, "Bird dog", 1, 1, "0", "Enter")
    summary = run.tmux.wait_for("Why", timeout=STEP_TIMEOUT)
    assert "not the first session today" in " ".join(summary.split())
    run.tmux.send("Enter")
    run.tmux.wait_for("Today: 1 Morning ✓ done · 2 Evening ✓ done", timeout=STEP_TIMEOUT)
    run.tmux.send("q")
    assert run.exit_code() == 0
    # Both sessions in the history; the program went up once that day.
    sets = export(data, "sets")
    assert [(row["date"], row["planned_hold_seconds"]) for row in sets] == [
        ("2026-12-01", 3),
        ("2026-12-01", 3),
    ]
    rules = [
        (row["moment"], row["rule"]) for row in export(data, "decisions") if row["kind"] == "dose"
    ]
    # The evening plays the morning's dose again (the step up starts tomorrow), and
    # its good ratings take no second step.
    assert rules == [("after", "progress"), ("before", "same day"), ("after", "one step a day")]
