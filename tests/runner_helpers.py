"""Helpers to build small timelines and drive a runner with a fake clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.engine.clock import FakeClock
from coach.engine.runner import RunnerEvent, RunState, SessionRunner
from coach.engine.timeline import Timeline, build_timeline, plan_session
from coach.format.loader import load_session_file

from .strategies import dump


def timeline_from(
    tmp_path: Path, exercises: list[dict[str, Any]], get_ready: float = 3
) -> Timeline:
    document = {
        "version": 1,
        "program": {
            "id": "t",
            "name": "T",
            "get_ready": get_ready,
            "levels": [{"name": "L1", "exercises": exercises}],
        },
    }
    path = tmp_path / "t.yaml"
    path.write_text(dump(document), encoding="utf-8")
    return build_timeline(plan_session(load_session_file(path)))


def run_to_end(
    runner: SessionRunner, clock: FakeClock, rating_wait: float = 0.0, limit: int = 100_000
) -> list[RunnerEvent]:
    """Wake exactly when the runner asks, answer ratings after ``rating_wait`` seconds."""
    events = runner.start() if runner.state is RunState.NOT_STARTED else []
    for _ in range(limit):
        if runner.state in (RunState.FINISHED, RunState.ABORTED):
            return events
        if runner.state is RunState.RATING:
            clock.advance(rating_wait)
            events += runner.rated()
            continue
        wake = runner.next_wake()
        assert wake is not None
        assert wake >= clock.now - 1e-9, "the runner never asks to wake in the past"
        clock.now = max(clock.now, wake)
        events += runner.update()
    raise AssertionError("runner did not finish")
