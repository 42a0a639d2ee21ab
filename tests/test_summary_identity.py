"""The summary finds each exercise's next dose by its identity, never by its name
(issue 22: nothing is keyed by an exercise's display name)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from coach.engine.planning import Planned, ProgramPlan
from coach.engine.records import SessionStatus
from coach.engine.scaling import Decision, Rule
from coach.engine.session import ExerciseResult, SessionSummary
from coach.engine.timeline import Dose, SessionPlan
from coach.tui.summary import SummaryScreen


def decision(program: str, hold: float) -> Decision:
    return Decision(
        program,
        "bird-dog",
        "Bird dog",
        1,
        Dose(sets=2, hold=10),
        Dose(sets=2, hold=hold),
        Rule.PROGRESS,
        "Pain stayed low.",
    )


class Host(App[None]):
    def __init__(self, summary: SessionSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.push_screen(SummaryScreen(self.summary, "Saved."))


async def test_two_exercises_of_one_name_show_their_own_next_dose() -> None:
    after = Planned(
        SessionPlan("Morning", "morning", (), {}),
        {
            "back": ProgramPlan("back", 1, {}, (decision("back", 12),)),
            "hips": ProgramPlan("hips", 1, {}, (decision("hips", 8),)),
        },
    )
    summary = SessionSummary(
        SessionStatus.COMPLETED,
        1,
        (
            ExerciseResult("Bird dog", 2, 2, (1, 1), "back", "bird-dog"),
            ExerciseResult("Bird dog", 2, 2, (2, 2), "hips", "bird-dog"),
        ),
        after,
        60.0,
    )
    app = Host(summary)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#done", DataTable)
        nexts = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
    assert "12s" in nexts[0] and "8s" in nexts[1]
