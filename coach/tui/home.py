"""Home: today's routine with each program's level and doses; start with Enter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from coach.engine.day import ShowHome
from coach.engine.progression import describe_dose
from coach.engine.records import result_text
from coach.format.durations import format_duration
from coach.tui.choice import Choice

__all__ = ["Choice", "ChooseSession", "HomeScreen"]


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "start", "Start", priority=True),
        Binding("o", "choose", "Other session"),
        Binding("h", "history", "History"),
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    class StartRequested(Message):
        """Start today's session."""

    class ChooseRequested(Message):
        """Play another routine or program."""

    class HistoryRequested(Message):
        """Show the history."""

    def __init__(self, home: ShowHome) -> None:
        super().__init__()
        self.notes = home.notes
        self.plan = home.plan
        self.description = home.description
        self.total_seconds = home.total_seconds
        self.recent = home.recent

    def compose(self) -> ComposeResult:
        plan = self.plan
        with VerticalScroll(id="home"):
            yield Label(Text(plan.title), id="home-title")
            if self.description:
                yield Static(Text(self.description.strip()), id="home-description")
            yield Label(
                f"About {format_duration(round(self.total_seconds))} · "
                f"{len(plan.exercises)} exercises · a pain rating after every set",
                id="home-total",
            )
            table: DataTable[Any] = DataTable(id="home-plan", cursor_type="none")
            table.add_columns("Program", "Exercise", "Today")
            row_in_program = 0
            for index, item in enumerate(plan.exercises):
                new_program = index == 0 or plan.exercises[index - 1].program_id != item.program_id
                row_in_program = 0 if new_program else row_in_program + 1
                label = {
                    0: Text(item.program_name, style="bold"),
                    1: Text(f"level {item.level}", style="dim"),
                    2: Text(item.level_name.split(":")[-1].strip(), style="dim italic"),
                }.get(row_in_program, Text(""))
                table.add_row(label, Text(item.name), describe_dose(item.dose))
            yield table
            yield Label(self._last_session(), id="home-last")
            for note in self.notes:
                yield Label(Text(note), classes="home-note")
            yield Label(
                "coach is a training aid, not a diagnosis. Stop and seek care for numbness "
                "around the groin, bladder or bowel changes, or leg weakness.",
                id="home-disclaimer",
            )
        with Horizontal(classes="dialog-buttons", id="home-buttons"):
            yield Button("Start (Enter)", id="start", variant="primary", compact=True)
            yield Button("Other session (o)", id="choose", compact=True)
            yield Button("History (h)", id="history", compact=True)
        yield Footer()

    def _last_session(self) -> str:
        if not self.recent:
            return "First session: welcome. Go gently; it gets easier."
        last = self.recent[0]
        peak = "no ratings" if last.peak_pain is None else f"peak pain {last.peak_pain}/10"
        return (
            f"Last session {last.started_at[:10]}: {result_text(last.status)}, "
            f"{last.sets_done} sets, {peak}"
        )

    def action_start(self) -> None:
        self.post_message(self.StartRequested())

    def action_choose(self) -> None:
        self.post_message(self.ChooseRequested())

    def action_history(self) -> None:
        self.post_message(self.HistoryRequested())

    def action_help(self) -> None:
        from coach.tui.prompts import HelpScreen

        self.app.push_screen(HelpScreen())

    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#choose")
    def _choose(self) -> None:
        self.action_choose()

    @on(Button.Pressed, "#history")
    def _history(self) -> None:
        self.action_history()


class ChooseSession(ModalScreen[Path | None]):
    """Pick another routine or a single program to play."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[Choice]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="choose"):
            yield Label("Choose a routine or a single program", classes="dialog-title")
            yield OptionList(
                *(Option(Text(c.label), id=str(i)) for i, c in enumerate(self.choices)),
                id="choices",
            )
            yield Label("Enter to pick, Esc to cancel", classes="hint")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(self.choices[int(event.option.id)].path)

    def action_cancel(self) -> None:
        self.dismiss(None)
