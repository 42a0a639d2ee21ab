"""The real program in a real terminal: one way to start ``coach`` in tmux for every
end-to-end test, on a faked clock, and the scenario helpers they share.

Each start gets a private tmux server (closed when the test ends), an empty config
folder (the user's own settings never leak into a test), ``TZ=UTC``, and libfaketime
playing the program ``speed`` times faster from ``at`` (a real session, stored as one:
``--speed`` would be a rehearsal, which stores nothing). Nothing waits a fixed time:
every step polls the screen.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from coach.engine.screening import QUESTIONS

from .tmux_driver import TmuxDriver, accelerated, tmux_binary

COACH = Path(sys.executable).parent / "coach"
SPEED = 10
"""How much faster than real time the sessions play (libfaketime), unless told."""
STEP_TIMEOUT = 20.0
"""Longest wait for any one thing to appear; the whole scenario has its own deadline."""

SCREENING = "A quick safety check"
CLEAR_CHECKLIST = ["n"] * len(QUESTIONS) + ["Enter"]
"""Every line of the checklist answered 'no', then Enter."""
BASELINE = "Before we start: how does your back feel right now?"
PROMPT_HINT = "Keys 0-9, T for 10."

PLANK = "Side plank [left]"
TILTS = "Pelvic tilts"
MARCH = "Marching on the spot"

# 37 s of session time (3.7 s at speed 10, plus the pain prompts), three kinds of
# exercise and four ratings. ``rest`` (between the two plank sets) is a parameter: the
# quit scenario makes it long so that it can pause during it without racing the clock.
SESSION_FILE = """\
version: 1
program:
  id: e2e
  name: E2E program
  get_ready: 2s
  levels:
    - name: Level 1
      exercises:
        - id: side-plank
          name: {plank}
          kind: hold
          sides: each
          sets: 2
          hold: 3s
          switch: 1s
          rest: {rest}
          rest_after: 2s
          instructions: Lie on your side and lift your hips.
          progression:
            hold: {{min: 2s, max: 10s, step: 1s}}
        - id: tilts
          name: {tilts}
          kind: reps
          reps: 2
          tempo: {{up: 1s, pause: 1s, down: 1s}}
          rest_after: 2s
        - id: march
          name: {march}
          kind: timed
          duration: 5s
"""


def session_file(folder: Path, *, rest: str = "2s", name: str = "e2e.yaml") -> Path:
    """The three-exercise program above, written to ``folder``."""
    path = folder / name
    path.write_text(
        SESSION_FILE.format(plank=PLANK, tilts=TILTS, march=MARCH, rest=rest), encoding="utf-8"
    )
    return path


@dataclass
class CoachRun:
    """One ``coach`` in tmux and the files it writes."""

    tmux: TmuxDriver
    data_dir: Path
    exit_file: Path
    event_log: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "history.sqlite3"

    def exit_code(self) -> int:
        """Wait for the program to exit; return its exit status."""
        text = self.tmux.wait_for_file(self.exit_file, timeout=STEP_TIMEOUT)
        return int(text.strip())


class StartCoach(Protocol):
    """The ``start_coach`` fixture: ``coach run`` on the program above."""

    def __call__(self, *, rest: str = ..., at: str = ...) -> CoachRun: ...


class CoachRuns:
    """Starts coaches for one test (the ``coach_runs`` fixture); closes them all after."""

    def __init__(self, folder: Path) -> None:
        if tmux_binary() is None:
            pytest.skip("tmux is not installed (the end-to-end tests drive coach in tmux)")
        assert COACH.is_file(), f"the coach executable is missing: {COACH}"
        self.folder = folder
        self.runs: list[CoachRun] = []

    def start(
        self,
        *args: str | Path,
        data_dir: Path | None = None,
        at: str = "+0",
        speed: float = SPEED,
        size: tuple[int, int] = (80, 24),
        overall_timeout: float = 60.0,
        env: Sequence[str] = (),
        config_dir: Path | None = None,
    ) -> CoachRun:
        """``coach ARGS --data-dir DATA_DIR``; ``at`` is when, in libfaketime's words
        ("+0" now, "@2026-12-01 08:00:00" a chosen moment). The config folder is the
        test's own (empty unless the test wrote settings there)."""
        run = CoachRun(
            tmux=TmuxDriver(width=size[0], height=size[1], overall_timeout=overall_timeout),
            data_dir=data_dir if data_dir is not None else self.folder / "data",
            exit_file=self.folder / f"exit-status-{len(self.runs)}",
            event_log=self.folder / "events.jsonl",
        )
        self.runs.append(run)
        run.tmux.start(
            [
                "env",
                f"COACH_EVENT_LOG={run.event_log}",
                f"COACH_CONFIG_DIR={config_dir or self.folder}",
                "TZ=UTC",
                *env,
                *accelerated(speed, at),
                COACH,
                *args,
                "--data-dir",
                run.data_dir,
            ],
            exit_file=run.exit_file,
        )
        return run

    def close(self) -> None:
        for run in self.runs:
            run.tmux.close()


# -- answering the prompts ---------------------------------------------------------------


def answer_baseline(tmux: TmuxDriver, pain: int, *, screening: bool = True) -> None:
    if screening:
        # A new history starts with the red-flag checklist: none of them apply.
        tmux.wait_for(SCREENING, timeout=STEP_TIMEOUT)
        tmux.send(*CLEAR_CHECKLIST)
    tmux.wait_for(BASELINE, PROMPT_HINT, timeout=STEP_TIMEOUT)
    tmux.send(str(pain), "Enter")
    tmux.wait_gone(BASELINE, timeout=STEP_TIMEOUT)


def pain_title(name: str, set_number: int, sets: int) -> str:
    return f"{name}, set {set_number} of {sets}: how much does your back hurt?"


def rate_set(tmux: TmuxDriver, name: str, set_number: int, sets: int, *keys: str) -> str:
    """Wait for this set's pain prompt, type ``keys``, and wait for the prompt to close.

    Waiting for the exact title (exercise and set number) to appear and then to go away
    means no prompt is ever answered twice and no keys reach the player by mistake.
    Returns the screen showing the prompt.
    """
    title = pain_title(name, set_number, sets)
    screen = tmux.wait_for(title, PROMPT_HINT, timeout=STEP_TIMEOUT)
    tmux.send(*keys)
    tmux.wait_gone(title, timeout=STEP_TIMEOUT)
    return screen


# -- reading the database ----------------------------------------------------------------


def query(database: Path, sql: str) -> list[dict[str, Any]]:
    connection = sqlite3.connect(database)
    try:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql).fetchall()]
    finally:
        connection.close()
