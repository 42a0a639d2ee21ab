"""The end of a session: what was done, the pain ratings, and next time's doses."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from coach.engine.progression import describe_dose, dose_direction
from coach.engine.session import SessionSummary
from coach.format.durations import format_elapsed
from coach.format.text import TYPED_PATTERN, printable
from coach.tui import keys
from coach.tui.keybar import KeyBar
from coach.tui.plain import plain

__all__ = ["SummaryScreen"]


class SummaryScreen(Screen[None]):
    BINDINGS = keys.SUMMARY.bindings()
    # Done has the focus, never the note: a key pressed by habit must not become its text.
    AUTO_FOCUS = "#close"

    class CorrectRequested(Message):
        """The person wants to correct the last rating of the session."""

    class Done(Message):
        """Done, with the note written ('' for none): the app goes home (or leaves)."""

        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, summary: SessionSummary, where: str) -> None:
        super().__init__()
        self.summary = summary
        self.where = where
        """Where the session is kept, in one true sentence (the day flow's)."""

    def compose(self) -> ComposeResult:
        summary = self.summary
        with VerticalScroll(id="summary"):
            yield Label(plain(summary.headline), id="summary-title")
            baseline = "not rated" if summary.baseline is None else f"{summary.baseline}/10"
            yield Label(
                f"Time {format_elapsed(summary.elapsed_seconds)} · "
                f"back pain at the start: {baseline}",
                classes="hint",
            )
            done: DataTable[str | Text] = DataTable(
                id="done", cursor_type="none", zebra_stripes=True
            )
            done.add_columns("Exercise", "Sets", "Pain", "Next time")
            decisions = summary.after.decisions
            changes = {(c.program_id, c.exercise_id): c for c in decisions}
            for result in summary.results:
                name = result.name
                pains = ", ".join("-" if p is None else str(p) for p in result.ratings) or "-"
                if not result.rated:
                    pains = "not rated"
                change = changes.get((result.program_id, result.exercise_id))
                after = Text("")
                if change is not None:
                    arrow = {1: "↑ ", -1: "↓ "}.get(
                        dose_direction(change.before, change.after), "= "
                    )
                    after = Text(arrow + describe_dose(change.after, per_set=result.per_set))
                done.add_row(
                    plain(name), f"{result.sets_rated}/{result.sets_planned}", pains, after
                )
            yield done
            yield Label("Why", classes="section-title")
            for change in decisions:
                line = Text()
                line.append(printable(change.exercise_name), style="bold")
                line.append(f": {printable(change.reason)}")
                yield Static(line, classes="change")
            for note in summary.after.notes:
                yield Static(plain(note, multiline=True), classes="change")
            yield Label(plain(self.where), classes="hint")
            if not summary.rehearsal:
                yield Input(
                    placeholder="A note on today (n), kept with the session: optional",
                    max_length=500,
                    restrict=TYPED_PATTERN,  # nothing a terminal would act on is kept
                    id="note",
                    compact=True,
                )
        with Horizontal(classes="dialog-buttons"):
            yield Button("Done (Enter)", id="close", variant="primary", compact=True)
        yield KeyBar()

    def _writing(self) -> bool:
        focused = self.focused
        return isinstance(focused, Input) and focused.id == "note"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the note has the focus, letters are its text and Esc leaves it.
        if action in ("close_by_letter", "correct", "note"):
            return not self._writing()
        if action == "leave_note":
            return self._writing()
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_close(self) -> None:
        notes = self.query("#note").results(Input)
        note = next((i.value for i in notes), "")
        self.post_message(self.Done(note))

    def action_close_by_letter(self) -> None:
        self.action_close()

    def action_note(self) -> None:
        for note in self.query("#note").results(Input):
            note.focus()

    def action_leave_note(self) -> None:
        self.set_focus(None)

    def action_correct(self) -> None:
        self.post_message(self.CorrectRequested())

    def action_scroll(self, lines: int) -> None:
        self.query_one("#summary", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, direction: int) -> None:
        page = self.query_one("#summary", VerticalScroll)
        if direction > 0:
            page.scroll_page_down(animate=False)
        else:
            page.scroll_page_up(animate=False)

    @on(Button.Pressed, "#close")
    def _clicked(self) -> None:
        self.action_close()
