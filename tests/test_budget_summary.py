"""The time budget where the person reads it: after a good session of a routine at its
max_minutes, the summary's 'Why' says the step up waits, and why (the rule itself is in
tests/test_time_budget_hold.py)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from .strategies import dump
from .test_time_budget_hold import squats
from .tui_helpers import answer, make_app, run_until_prompt, start_session, wait_for


async def test_the_summary_says_the_step_waits_for_the_minutes(tmp_path: Path) -> None:
    (tmp_path / "squats.yaml").write_text(dump(squats()), encoding="utf-8")
    body = {
        "id": "morning",
        "name": "Morning",
        "max_minutes": 5,
        "programs": [{"file": "squats.yaml"}],
    }
    routine = tmp_path / "morning.yaml"
    routine.write_text(dump({"version": 1, "routine": body}), encoding="utf-8")
    app, clock = make_app(routine, tmp_path / "data")
    async with app.run_test(size=(100, 40)) as pilot:
        await start_session(pilot, app)
        for _ in range(3):
            await run_until_prompt(pilot, app, clock)
            await answer(pilot, app, "1", "enter")
        await run_until_prompt(pilot, app, clock)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SummaryScreen", "summary")
        await pilot.pause()
        why = [str(s.render()) for s in app.screen.query(".change").results(Static)]
        assert (
            "Squat: Held at 3 sets of 8 reps: sets 3 -> 4 would take Morning past its 5 minutes."
            in why
        ), why
