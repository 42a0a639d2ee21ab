"""A routine's time budget (max_minutes): validate warns when the starting levels take
longer, and a session planned longer than it says so in one sentence, never silently."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from coach.engine.planning import plan_today
from coach.engine.timeline import build_timeline, plan_session
from coach.format.durations import format_duration
from coach.format.loader import RoutineFile, load_session_file

EXAMPLES = Path(__file__).parents[1] / "sessions" / "examples"


@pytest.mark.parametrize("name", ["morning-15.yaml", "evening.yaml"])
def test_the_warning_counts_what_the_preview_counts(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "examples"
    (folder / "programs").mkdir(parents=True)
    for path in (EXAMPLES / "programs").glob("*.yaml"):
        (folder / "programs" / path.name).write_text(path.read_text(encoding="utf-8"))
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    text = re.sub(r"  max_minutes: \d+\n", "", text)
    total = build_timeline(plan_session(load_session_file(EXAMPLES / name))).total
    under = int(total // 60)  # a whole minute below the total: over budget
    routine = folder / name
    routine.write_text(
        text.replace("  programs:\n", f"  max_minutes: {under}\n  programs:\n"), encoding="utf-8"
    )
    loaded = load_session_file(routine)
    assert [w.message for w in loaded.warnings] == [
        f"the starting levels take {format_duration(total)}, over max_minutes ({under}); "
        "shorten the doses or raise max_minutes (coach preview shows the exact total)"
    ]
    routine.write_text(
        text.replace("  programs:\n", f"  max_minutes: {under + 1}\n  programs:\n"),
        encoding="utf-8",
    )
    assert load_session_file(routine).warnings == ()


def test_a_session_planned_over_the_budget_says_so() -> None:
    loaded = load_session_file(EXAMPLES / "morning-15.yaml")
    assert isinstance(loaded, RoutineFile) and loaded.routine.max_minutes == 15
    planned = plan_today(loaded, {}, {}, today=date(2026, 12, 1))
    assert planned.over_budget == ""  # 14m 32s
    tight = RoutineFile(
        loaded.path,
        loaded.routine.model_copy(update={"max_minutes": 14}),
        loaded.programs,
        loaded.start_levels,
    )
    planned = plan_today(tight, {}, {}, today=date(2026, 12, 1))
    assert planned.over_budget == (
        "This routine is meant to take at most 14 minutes; today's doses make it 14m 32s. "
        "When time is short, end an exercise early with N, then 'No time' (the dose "
        "stays), and tell whoever wrote the routine."
    )
    assert planned.over_budget in planned.notes
