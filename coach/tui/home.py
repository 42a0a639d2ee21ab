"""Home: today's routine with each program's level and doses; start with Enter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from coach.engine.home import HomeRow, HomeView, RoutineStatus
from coach.format.durations import format_duration
from coach.format.text import printable
from coach.tui import keys
from coach.tui.choice import Choice
from coach.tui.dialog import Dialog
from coach.tui.frames import after_frame
from coach.tui.keybar import KeyBar
from coach.tui.plain import plain

__all__ = ["Choice", "ChooseSession", "HomeScreen", "fit_plan", "routines_text"]


class HomeScreen(Screen[None]):
    BINDINGS = keys.HOME.bindings()

    class StartRequested(Message):
        """Start today's session."""

    class ChooseRequested(Message):
        """Play another routine or program."""

    class RoutineChosen(Message):
        """Show one of the routines home lists (its plan; Enter then plays it)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class HistoryRequested(Message):
        """Show the history."""

    class CheckRequested(Message):
        """Do a function check now."""

    class SettingsRequested(Message):
        """Show the settings."""

    def __init__(self, view: HomeView, *, check_due: bool = False) -> None:
        super().__init__()
        self.view = view
        self.check_due = check_due
        self.keys_shown = False
        """True once the buttons and the footer are mounted."""
        self.narrow: bool | None = None
        """Whether the plan is drawn without its program column (None: not drawn yet)."""
        self.layout_width: int | None = None
        """The width the plan's columns were last fitted to."""

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(id="home"):
            if view.routines:
                yield Label("", id="home-routines")
            title = plain(view.title, style="bold")
            title.append(
                f" · about {format_duration(round(view.total_seconds))} · "
                f"{len(view.rows)} exercises",
                style="not bold",
            )
            yield Label(title, id="home-title")
            if view.description:
                yield Static(plain(view.description.strip(), multiline=True), id="home-description")
            if view.last_session:
                yield Label(plain(view.last_session), id="home-last")
            if view.today:
                yield Label(plain(view.today), id="home-today")
            for note in view.notes:
                yield Label(plain(note, multiline=True), classes="home-note")
            yield Label(self._check_text(), id="home-check")
            table: DataTable[Text | str] = DataTable(
                id="home-plan", cursor_type="row", zebra_stripes=False
            )
            yield table
            yield Static("", id="home-why")
            yield Label(
                "coach is a training aid, not a diagnosis. Get emergency care for numbness "
                "around the groin, bladder or bowel changes, or leg weakness getting worse.",
                id="home-disclaimer",
            )

    def _fill(self, width: int) -> None:
        """The plan's rows fitted to ``width`` columns: a dose is never cut. Without the
        program column when it does not fit (the line under the table names the program
        of the row chosen), then with the exercise names shortened (the same line names
        the exercise in full)."""
        table = self.query_one("#home-plan", DataTable)
        table.clear(columns=True)
        rows = self.view.rows
        labels = _program_labels(rows)
        names, doses = [row.exercise for row in rows], [row.dose for row in rows]
        narrow, name_width, dose_width = fit_plan(width, labels, names, doses)
        if not narrow:
            table.add_column("Program")
        table.add_column("Exercise", width=name_width)
        table.add_column(" ", key="arrow")
        table.add_column("Today", width=dose_width)
        for row, label in zip(rows, labels, strict=True):
            name = plain(row.exercise)
            if name_width is not None and name.cell_len > name_width:
                name.truncate(name_width, overflow="ellipsis")
            dose = Text(row.dose)
            lines = 1
            if dose_width is not None and len(row.dose) > dose_width:
                lines = len(dose.wrap(self.app.console, dose_width))
            cells: list[Text | str] = [name, _arrow(row.arrow), dose]
            if not narrow:
                cells.insert(0, label)
            table.add_row(*cells, height=lines)
        self.narrow = narrow
        self.layout_width = width
        if self.view.routines:
            self.query_one("#home-routines", Label).update(
                routines_text(self.view.routines, width - PLAN_MARGIN + 2)
            )

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        # Under 30 rows the description and the buttons (the key bar has the same keys)
        # make way, so the last exercises and the disclaimer stay above the fold; under
        # 16 every line above the plan keeps to one line and the lines below it make
        # way, so today's first exercises still show (the key bar says how to start).
        self.set_class(height < 30, "-short")
        self.set_class(height < 16, "-tiny")
        if width != self.layout_width:
            self._fill(width)

    @on(DataTable.RowHighlighted, "#home-plan")
    def _explain(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.view.rows):
            row = self.view.rows[event.cursor_row]
            self.query_one("#home-why", Static).update(_why(row))

    def action_move(self, delta: int) -> None:
        table = self.query_one("#home-plan", DataTable)
        table.move_cursor(row=table.cursor_row + delta)

    def on_mount(self) -> None:
        self.query_one("#home-check", Label).display = self.check_due
        if self.layout_width is None:
            self._fill(self.app.size.width)
        self.set_class(self.app.size.height < 30, "-short")
        self.set_class(self.app.size.height < 16, "-tiny")
        self.set_class(bool(self.view.routines), "-routines")
        self.query_one("#home-plan", DataTable).focus()
        # Today's plan first; the buttons and the footer once that frame is out. Their
        # widgets cost Textual more on first use than the whole plan, and the first frame
        # of a start is what the person waits for (see make bench).
        after_frame(self, self._add_keys)

    async def _add_keys(self) -> None:
        # After an urgent answer there is nothing to start: no Start beside the block.
        start = (
            ()
            if self.view.blocked
            else (Button("Start (Enter)", id="start", variant="primary", compact=True),)
        )
        await self.query_one("#home", Vertical).mount(
            Horizontal(
                *start,
                Button("Other session (o)", id="choose", compact=True),
                Button("History (h)", id="history", compact=True),
                Button("Check (c)", id="check", compact=True),
                classes="dialog-buttons",
                id="home-buttons",
            )
        )
        await self.mount(
            # One line at any width: the least-used keys go first (? lists them all).
            KeyBar(
                short={"choose": "Other"},
                drop=("settings", "check", "history", "choose", "help"),
            ),
        )
        # A footer mounted after its screen shows the keys at the next change of them.
        self.refresh_bindings()
        self.keys_shown = True

    def key_label(self, action: str, label: str) -> str:
        # After an urgent answer Enter starts nothing: it shows the advice again.
        if action == "start" and self.view.blocked:
            return "What to do"
        if action == "start" and self.view.routines:
            current = next((r for r in self.view.routines if r.current), None)
            if current is not None:
                return f"Start {_short(current.name, 12)}"
        return label

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The digits choose a routine only where home lists several.
        if action == "routine":
            return bool(self.view.routines)
        return True

    def action_routine(self, number: int) -> None:
        routines = self.view.routines
        if 1 <= number <= len(routines) and not routines[number - 1].current:
            self.post_message(self.RoutineChosen(Path(routines[number - 1].path)))

    def action_start(self) -> None:
        self.post_message(self.StartRequested())

    def action_choose(self) -> None:
        self.post_message(self.ChooseRequested())

    def action_history(self) -> None:
        self.post_message(self.HistoryRequested())

    def action_check(self) -> None:
        self.post_message(self.CheckRequested())

    def action_settings(self) -> None:
        self.post_message(self.SettingsRequested())

    def _check_text(self) -> str:
        if not self.check_due:
            return ""
        # One line: a banner that wrapped pushed three exercises off home at 80x24 (the
        # help says what a check is).
        return "A function check is due (4 holds, 3 activities, 15 min): press c."

    def show_check_due(self, due: bool) -> None:
        """Say (or stop saying) that a function check is due."""
        self.check_due = due
        label = self.query_one("#home-check", Label)
        label.update(self._check_text())
        label.display = due

    def action_help(self) -> None:
        from coach.tui.prompts import HelpScreen

        self.app.push_screen(
            HelpScreen(
                keys.HOME,
                "Start plays today's session: a short safety checklist when it is due, how "
                "your back feels, then each exercise with a pain rating after every set. "
                "The arrows say how each dose changed since last time (↑ more, ↓ less, "
                "= the same); Up and Down choose an exercise, and the line under the plan "
                "says why. With several routines (the routines setting), the line at the "
                "top says which are done today; 1-9 shows one, and Enter plays the one "
                "shown (at the start and after a session, the first not done yet).",
            )
        )

    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#choose")
    def _choose(self) -> None:
        self.action_choose()

    @on(Button.Pressed, "#history")
    def _history(self) -> None:
        self.action_history()

    @on(Button.Pressed, "#check")
    def _check(self) -> None:
        self.action_check()


class ChooseSession(Dialog[Path | None]):
    """Pick another routine or a single program to play, or make one the default."""

    class DefaultChosen(Message):
        """Make this routine or program the one home opens on."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

    KEYS = keys.CHOOSE
    BINDINGS = keys.CHOOSE.bindings()
    DIALOG_ID = "choose"

    def __init__(self, choices: list[Choice]) -> None:
        super().__init__()
        self.choices = choices

    def body(self) -> Iterable[Widget]:
        yield Label("Choose a routine or a single program", classes="dialog-title")
        yield Label("Enter plays it today; d makes it your default.", classes="hint")
        yield OptionList(
            *(Option(plain(c.label), id=str(i)) for i, c in enumerate(self.choices)),
            id="choices",
        )

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if delta > 0 else options.action_cursor_up()

    def action_pick(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(self.choices[options.highlighted].path)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(self.choices[int(event.option.id)].path)

    def action_make_default(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.post_message(self.DefaultChosen(self.choices[options.highlighted]))

    def action_cancel(self) -> None:
        self.dismiss(None)


_ARROW_STYLES = {"↑": "bold green", "↓": "bold yellow", "=": "dim"}


def _short(name: str, width: int) -> str:
    """``name`` in at most ``width`` characters, cut with an ellipsis."""
    name = printable(name)
    return name if len(name) <= width else name[: max(1, width - 1)].rstrip() + "…"


def routines_text(routines: Sequence[RoutineStatus], width: int) -> Text:
    """The routines line in ``width`` columns: 'Today: 1 Morning ✓ done · 2 Evening not
    yet, reminder 19:00', the one shown in bold; shorter where that does not fit ('1
    Morning ✓ · 2 Evening 19:00'), the names cut last."""

    def line(name_width: int | None, short: bool) -> Text:
        text = Text("" if short else "Today: ", style="dim")
        for number, routine in enumerate(routines, start=1):
            if number > 1:
                text.append(" · ", style="dim")
            text.append(f"{number} ", style="bold")
            name = printable(routine.name)
            if name_width is not None:
                name = _short(name, name_width)
            text.append(name, style="bold underline" if routine.current else "")
            if routine.done:
                text.append(" ✓" if short else " ✓ done", style="green")
            elif routine.remind_at:
                text.append(
                    f" {routine.remind_at}" if short else f" not yet, reminder {routine.remind_at}",
                    style="" if short else "dim",
                )
            elif not short:
                text.append(" not yet", style="dim")
        return text

    full = line(None, short=False)
    if full.cell_len <= width:
        return full
    short = line(None, short=True)
    if short.cell_len <= width:
        return short
    for name_width in range(max(len(r.name) for r in routines), 3, -1):
        cut = line(name_width, short=True)
        if cut.cell_len <= width:
            return cut
    return line(4, short=True)


PLAN_MARGIN = 4 + 2
"""Columns of home that are not the plan's: its padding, and the scroll bar."""
CELL_PADDING = 2
"""Columns each table cell adds to its text (one each side)."""


NAME_MIN = 8
"""The narrowest the exercise names get: beyond that a long dose wraps instead."""


def fit_plan(
    width: int, labels: Sequence[Text], names: Sequence[str], doses: Sequence[str]
) -> tuple[bool, int | None, int | None]:
    """How home's plan fits ``width`` columns: (without the program column, the exercise
    names' width, the doses' width; None for their own). A dose is never cut: the
    program column goes first, then the names are shortened (to :data:`NAME_MIN`), then
    a dose that still does not fit wraps onto a second line of its row."""
    room = width - PLAN_MARGIN
    dose = max((len(d) for d in doses), default=0) + CELL_PADDING
    arrow = 1 + CELL_PADDING
    name = max((len(n) for n in names), default=0) + CELL_PADDING
    program = max((label.cell_len for label in labels), default=0) + CELL_PADDING
    if program + name + arrow + dose <= room:
        return False, None, None
    if name + arrow + dose <= room:
        return True, None, None
    if NAME_MIN + CELL_PADDING + arrow + dose <= room:
        return True, room - arrow - dose - CELL_PADDING, None
    return True, NAME_MIN, max(1, room - arrow - NAME_MIN - 2 * CELL_PADDING)


def _program_labels(rows: Sequence[HomeRow]) -> list[Text]:
    """The program column: each program's name, level and level name on its first rows."""
    labels: list[Text] = []
    row_in_program = 0
    for index, row in enumerate(rows):
        new_program = index == 0 or rows[index - 1].program_id != row.program_id
        row_in_program = 0 if new_program else row_in_program + 1
        labels.append(
            {
                0: plain(row.program_name, style="bold"),
                1: Text(f"level {row.level}", style="dim"),
                2: plain(row.level_name.split(":")[-1].strip(), style="dim italic"),
            }.get(row_in_program, Text(""))
        )
    return labels


def _arrow(arrow: str) -> Text:
    return Text(arrow, style=_ARROW_STYLES.get(arrow, ""))


def _why(row: HomeRow) -> Text:
    """The line under the plan: the row's change and its reason, with its program."""
    text = Text()
    if row.arrow.strip():
        text.append(f"{row.arrow} ", style=_ARROW_STYLES.get(row.arrow, ""))
    text.append(printable(row.exercise), style="bold")
    text.append(f" ({printable(row.program_name)}, level {row.level}): ")
    text.append(printable(row.reason) or "the dose written in the program.")
    return text
