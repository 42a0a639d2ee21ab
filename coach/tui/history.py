"""The history screen: a calendar of the last months, pain and dose charts, and every
session with its sets and the decisions taken after it.

It only renders what :mod:`coach.store.history` reads; the reading (and the import of the
plotting library) happens in thread workers, so the screen is up at once and fills in
when the data arrives, and ten years of sessions never block a key press.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from coach.format.durations import format_duration, format_elapsed
from coach.format.text import printable
from coach.store.database import StoreError
from coach.store.history import (
    DosePoint,
    ExerciseRef,
    HistoryView,
    SessionDetail,
    SessionPoint,
    calendar_weeks,
    day_marks,
    folded,
    streaks,
)
from coach.tui import keys
from coach.tui.keybar import KeyBar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from textual_plotext import PlotextPlot

    from coach.engine.checks import CheckHistory
    from coach.tui.checks import ChecksView

__all__ = ["CalendarMap", "HistoryScreen", "SessionDetailScreen"]

RANGES: tuple[tuple[str, int | None], ...] = (
    ("last 3 months", 91),
    ("last year", 365),
    ("all time", None),
)
"""The periods the charts cycle through with 'r'."""

# Longer periods are drawn as weekly, then monthly figures: a chart is about 70 columns
# wide, and a point per day of ten years would be noise.
DAILY_UP_TO_DAYS = 120
WEEKLY_UP_TO_DAYS = 2 * 366

_MARKS = {0: ("·", "dim"), 1: ("▪", "yellow"), 2: ("■", "green")}


class CalendarMap(Widget):
    """The days of the chosen period: for up to a year, weeks as columns and Monday to
    Sunday as rows, a square for each day with a session (full for a completed one,
    small for a partial one) and a dot for a day without; for all time, a row per year
    with the number of days with a session in each month (ten years of days do not fit
    a terminal)."""

    DEFAULT_CSS = "CalendarMap { height: auto; width: 100%; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.marks: dict[date, int] = {}
        self.today = date.today()
        self.days: int | None = 91

    def show(self, marks: dict[date, int], today: date, days: int | None) -> None:
        """Draw ``days`` days up to ``today`` (None: everything since the first)."""
        self.marks, self.today, self.days = marks, today, days
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.render().plain.splitlines())

    def render(self) -> Text:
        if self.days is None:
            return self._by_month()
        return self._by_day(self.days)

    def _by_day(self, days: int) -> Text:
        first = self.today - timedelta(days=days - 1)
        weeks = (self.today.toordinal() - self.today.weekday()) - (
            first.toordinal() - first.weekday()
        )
        weeks = weeks // 7 + 1
        width = max(1, self.size.width - 4)
        # Two columns a week when they fit, else one; a window too narrow even for that
        # shows the latest weeks and says so.
        step = 2 if weeks * 2 <= width else 1
        shown = min(weeks, max(1, width // step))
        columns = calendar_weeks(self.today, shown)
        text = Text(no_wrap=True, overflow="crop")
        # Month names above the week in which each month starts.
        header = [" "] * (shown * step)
        for index, week in enumerate(columns):
            start = next((d for d in week if d.day == 1), None)
            if start is not None or index == 0:
                name = (start or max(week[0], first)).strftime("%b")
                at = index * step
                room = header[max(0, at - 1) : at + len(name)]
                if at + len(name) <= len(header) and all(c == " " for c in room):
                    header[at : at + len(name)] = list(name)
        text.append("    " + "".join(header).rstrip() + "\n", style="dim")
        for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
            text.append(f"{name:<4}", style="dim")
            for week in columns:
                day = week[weekday]
                if day > self.today or day < first:
                    text.append(" " * step)
                    continue
                glyph, style = _MARKS[self.marks.get(day, 0)]
                if day == self.today:
                    style += " underline"
                text.append(glyph, style=style)
                text.append(" " * (step - 1))
            text.append("\n")
        text.append(f"    {_LEGEND}", style="dim")
        if shown < weeks:
            text.append(
                f"\n    The last {shown} weeks: widen the window to see all {weeks}.",
                style="dim",
            )
        return text

    def _by_month(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        if not self.marks:
            return text
        counts: dict[tuple[int, int], int] = {}
        for day, mark in self.marks.items():
            if mark:
                counts[day.year, day.month] = counts.get((day.year, day.month), 0) + 1
        start = min(self.marks)
        text.append("     " + "".join(f"{m:>4}" for m in _MONTHS) + "\n", style="dim")
        for year in range(start.year, self.today.year + 1):
            text.append(f"{year:<5}", style="dim")
            for month in range(1, 13):
                if (year, month) < (start.year, start.month) or (year, month) > (
                    self.today.year,
                    self.today.month,
                ):
                    text.append("    ")
                    continue
                count = counts.get((year, month), 0)
                style = "green" if count >= 15 else "yellow" if count else "dim"
                text.append(f"{count or '·':>4}", style=style)
            text.append("\n")
        text.append("     days with a session in each month", style="dim")
        return text


class ChartBox(Vertical):
    """Where a chart is drawn; too small a box shows a one-line note instead (at 40x12
    a chart collapsed to a stray "51 Sep")."""

    MIN_WIDTH = 30
    MIN_HEIGHT = 8

    def compose(self) -> ComposeResult:
        yield Label("Enlarge the window for the chart.", classes="chart-note hint")

    def on_resize(self) -> None:
        small = self.size.width < self.MIN_WIDTH or self.size.height < self.MIN_HEIGHT
        self.set_class(small, "-small")


_LEGEND = "■ completed  ▪ partly done  · no session"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class HistoryScreen(Screen[None]):
    """Calendar, pain, exercises and sessions; keys 1-4 switch, r changes the period."""

    BINDINGS = keys.HISTORY.bindings()

    class Loaded(Message):
        def __init__(self, sessions: list[SessionPoint] | None, problem: str | None) -> None:
            super().__init__()
            self.sessions = sessions
            self.problem = problem

    class ExercisesLoaded(Message):
        def __init__(self, exercises: list[ExerciseRef]) -> None:
            super().__init__()
            self.exercises = exercises

    class SeriesLoaded(Message):
        def __init__(self, ref: ExerciseRef, points: list[DosePoint]) -> None:
            super().__init__()
            self.ref = ref
            self.points = points

    def __init__(self, view: HistoryView, today: Callable[[], date]) -> None:
        super().__init__()
        self.view = view
        self.today = today
        self.sessions: list[SessionPoint] = []
        self.marks: dict[date, int] = {}
        self.exercises: list[ExerciseRef] = []
        self.range_index = 0
        self.series: tuple[ExerciseRef, list[DosePoint]] | None = None
        self.listed: list[SessionPoint] = []
        """The sessions in the table, in its order."""
        self._sessions_shown: tuple[int, int, int] | None = None
        self._pain_shown: tuple[int, int] | None = None
        self.exercise_list: OptionList | None = None
        self.dose_box: Vertical | None = None
        self.session_table: DataTable[str | Text] | None = None
        self.session_hint: Label | None = None
        self.loaded = False
        """True once the sessions are on screen (tests and the benchmark wait for it)."""
        self.checks_view: ChecksView | None = None
        self.report_written: Path | None = None
        """Where the last report was written (tests read it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="history"):
            yield Label("History", id="history-title")
            yield Label("Reading your history...", id="history-summary")
            with TabbedContent(id="history-tabs", initial="calendar"):
                with TabPane("Calendar (1)", id="calendar"), VerticalScroll():
                    yield CalendarMap(id="calendar-map")
                    yield Static("", id="calendar-note")
                    yield Label("", id="calendar-hint", classes="hint")
                with TabPane("Pain (2)", id="pain"):
                    yield ChartBox(id="pain-chart-box")
                    yield Label("", id="pain-hint", classes="hint")
                # Filled when first shown: the first frame should not wait for them.
                yield TabPane("Exercises (3)", id="exercises")
                yield TabPane("Sessions (4)", id="sessions")
                yield TabPane("Checks (5)", id="checks")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    # -- reading (thread workers) -----------------------------------------------------

    @work(thread=True, exclusive=True, group="history")
    def load(self) -> None:
        try:
            sessions = self.view.sessions()
        except StoreError as exc:
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(sessions, None))

    @work(thread=True, group="history-prefetch")
    def prefetch_charts(self) -> None:
        # The charts' library is needed only when a chart tab opens: import it off the
        # event loop, once the first frame is out (an import holds the GIL a while).
        import textual_plotext  # noqa: F401

    @work(thread=True, exclusive=True, group="history-exercises")
    def load_exercises(self) -> None:
        try:
            self.post_message(self.ExercisesLoaded(self.view.exercises()))
        except StoreError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")

    @work(thread=True, exclusive=True, group="history-series")
    def load_series(self, ref: ExerciseRef) -> None:
        try:
            points = self.view.dose_series(ref.program_id, ref.exercise_id)
        except StoreError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.post_message(self.SeriesLoaded(ref, points))

    # -- showing ----------------------------------------------------------------------

    def on_history_screen_loaded(self, message: Loaded) -> None:
        summary = self.query_one("#history-summary", Label)
        if message.sessions is None:
            summary.update(Text(f"The history cannot be read: {message.problem}"))
            return
        self.sessions = message.sessions
        today = self.today()
        marks = day_marks(self.sessions)
        streak = streaks(marks, today)
        if not self.sessions:
            summary.update("No sessions yet: your first one will show here.")
        else:
            plural = "s" if len(self.sessions) != 1 else ""
            summary.update(
                f"{len(self.sessions):,} session{plural} since "
                f"{self.sessions[0].day:%d %b %Y} · streak {streak.current} "
                f"day{'s' if streak.current != 1 else ''} (longest {streak.longest}) · "
                f"{streak.last_30} of the last 30 days"
            )
        self.marks = marks
        self.query_one("#calendar-note", Static).update(self._calendar_note(streak.current))
        self.loaded = True
        # Each tab is drawn when it is shown: the first frame waits only for the calendar.
        self._draw_active()
        self.call_after_refresh(self.prefetch_charts)

    def _draw_active(self) -> None:
        active = self.query_one(TabbedContent).active
        if active == "calendar":
            self.query_one(CalendarMap).show(self.marks, self.today(), RANGES[self.range_index][1])
            self.query_one("#calendar-hint", Label).update(self._calendar_hint())
        elif active == "pain":
            self._draw_pain()
        elif active == "exercises":
            self._draw_dose()
        elif active == "sessions":
            self._fill_sessions()

    def on_resize(self) -> None:
        # The session list fits its columns to the width: refit them (the charts and
        # the calendar redraw themselves).
        if self.loaded and self.query_one(TabbedContent).active == "sessions":
            self._fill_sessions()

    def _table_room(self) -> int:
        """Columns a table has on this screen: the window less the screen's padding and
        the table's scroll bar."""
        return _room(self.size.width or self.app.size.width)

    def _calendar_note(self, current: int) -> Text:
        if not self.sessions:
            return Text("")
        if current >= 2:
            return Text(f"{current} days in a row. Little and often is what works.")
        return Text("A little movement most days helps your back more than a lot once a week.")

    def _calendar_hint(self) -> str:
        return f"r: change the period (now: {self._period()[0]})"

    def _period(self) -> tuple[str, date | None]:
        name, days = RANGES[self.range_index]
        return name, (self.today() - timedelta(days=days - 1)) if days else None

    def _plot_in(self, box: Vertical, name: str) -> PlotextPlot:
        """The chart widget in ``box`` (created on first use, then redrawn in place)."""
        from textual_plotext import PlotextPlot

        found = box.query(PlotextPlot)
        if found:
            plot = found.first()
            plot.plt.clear_figure()
        else:
            plot = PlotextPlot(id=name)
            box.mount(plot)
        return plot

    def _draw_pain(self) -> None:
        key = (self.range_index, len(self.sessions))
        if self._pain_shown == key:
            return
        self._pain_shown = key
        name, since = self._period()
        plot = self._plot_in(self.query_one("#pain-chart-box", Vertical), "pain-chart")
        chosen = [s for s in self.sessions if since is None or s.day >= since]
        plt: Any = plot.plt  # Any: plotext has no types
        if not chosen:
            plt.title(f"Pain 0-10, {name}: no sessions")
        else:
            daily = since is not None and (self.today() - since).days <= DAILY_UP_TO_DAYS
            origin = chosen[0].day
            base: list[tuple[date, float]]
            peak: list[tuple[date, float]]
            if daily:
                base = [(s.day, s.baseline_pain) for s in chosen if s.baseline_pain is not None]
                peak = [(s.day, s.peak_pain) for s in chosen if s.peak_pain is not None]
                plt.title(f"Pain 0-10 per session, {name}")
            else:
                span = (chosen[-1].day - origin).days
                by = "week" if span <= WEEKLY_UP_TO_DAYS else "month"
                rows = folded(chosen, by)
                base = [(w.start, w.baseline) for w in rows if w.baseline is not None]
                peak = [(w.start, w.peak) for w in rows if w.peak is not None]
                plt.title(f"Pain 0-10 per {by} (average at the start, highest peak), {name}")
            if peak:
                plt.plot(
                    [(d - origin).days for d, _ in peak],
                    [v for _, v in peak],
                    label="peak during exercise",
                    color="orange",
                    marker="hd",
                )
            if base:
                plt.plot(
                    [(d - origin).days for d, _ in base],
                    [v for _, v in base],
                    label="at the start",
                    color="cyan",
                    # A thin line against the peak's blocks: the two differ without
                    # colour too (NO_COLOR, a monochrome terminal, a printout).
                    marker="braille",
                )
            plt.ylim(0, 10)
            plt.yticks(PAIN_TICKS)
            _date_ticks(plt, origin, chosen[-1].day)
        plot.refresh()
        self.query_one("#pain-hint", Label).update(
            f"r: change the period (now: {name}) · up to 5 during exercise is fine if it "
            "settles by the next morning"
        )

    def _fill_sessions(self) -> None:
        """The sessions of the chosen period, newest first (built when first shown: a
        table measures every cell, which takes a while for years of sessions)."""
        key = (self.range_index, len(self.sessions), self._table_room())
        if self._sessions_shown == key:
            return
        self._sessions_shown = key
        since = self._period()[1]
        self.listed = [s for s in reversed(self.sessions) if since is None or s.day >= since]
        if self.session_table is None:
            self.session_table = DataTable(
                id="session-table", cursor_type="row", zebra_stripes=True
            )
            self.session_hint = Label("", id="sessions-hint", classes="hint")
            self.query_one("#sessions", TabPane).mount(self.session_hint, self.session_table)
        name, _ = self._period()
        if self.session_hint is not None:
            waiting = (
                " · * waits in the journal to be saved"
                if any(not s.saved for s in self.listed)
                else ""
            )
            self.session_hint.update(
                f"{len(self.listed):,} sessions, {name}, newest first · Pain: at the start→"
                f"highest · Enter opens one · r changes the period{waiting}"
            )
        table = self.session_table
        table.clear(columns=True)
        # Columns fit the window (wrapping the words, never scrolling sideways): at 80
        # columns a table sized to its content pushed Peak and Changes out of sight.
        room = self._table_room()
        year = since is None  # within a year, the weekday says more than the year
        dates = [
            (f"{s.day:%d %b %y}" if year else f"{s.day:%a %d %b}") + ("" if s.saved else " *")
            for s in self.listed
        ]
        cells = [
            (
                date_text,
                printable(s.title),
                printable(s.result),
                str(s.sets),
                f"{_dash(s.baseline_pain)}→{_dash(s.peak_pain)}",
                str(s.dose_changes),
            )
            for date_text, s in zip(dates, self.listed, strict=True)
        ]
        headers = ("Date", "Session", "Result", "Sets", "Pain", "Changes")
        widths = fit_widths(headers, cells, room, flexible=(1, 2))
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        lines = _Wrapper()
        for row in cells:
            height = max(lines.count(row[1], widths[1]), lines.count(row[2], widths[2]))
            table.add_row(*(Text(cell) for cell in row), height=height)
        self.call_after_refresh(table.focus)

    def on_history_screen_exercises_loaded(self, message: ExercisesLoaded) -> None:
        self.exercises = message.exercises
        options = self.exercise_list
        assert options is not None
        options.clear_options()
        if not self.exercises:
            options.add_option(Option("No rated sets yet", disabled=True))
            return
        options.add_options(
            Option(Text(printable(ref.label)), id=str(i)) for i, ref in enumerate(self.exercises)
        )
        options.highlighted = 0

    @on(OptionList.OptionHighlighted, "#exercise-list")
    def _exercise_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.load_series(self.exercises[int(event.option.id)])

    def on_history_screen_series_loaded(self, message: SeriesLoaded) -> None:
        self.series = (message.ref, message.points)
        self._draw_dose()

    def _draw_dose(self) -> None:
        if self.series is None or self.dose_box is None:
            return
        ref, points = self.series
        name, since = self._period()
        chosen = [p for p in points if since is None or p.day >= since]
        plot = self._plot_in(self.dose_box, "dose-chart")
        plt: Any = plot.plt  # Any: plotext has no types
        unit = {"hold": "seconds held per set", "reps": "reps per set"}.get(
            ref.kind, "seconds per set"
        )
        amounts = [(p.day, p.amount) for p in chosen if p.amount is not None]
        pains = [(p.day, p.peak_pain) for p in chosen if p.peak_pain is not None]
        if amounts:
            plt.title(f"{printable(ref.name)}, {name}")
            origin = chosen[0].day
            plt.plot(
                [(d - origin).days for d, _ in amounts],
                [v for _, v in amounts],
                label=f"{unit} (left)",
                color="green",
                marker="hd",
            )
            # From zero, so a step from 9 to 10 reps looks like what it is (and with room
            # above for the legend), at round numbers: 0, 15, 30, 45 s, not 37.5.
            seconds = ref.kind != "reps"
            ticks = nice_ticks(max(v for _, v in amounts) * 1.4, seconds=seconds)
            plt.ylim(0, ticks[-1])
            plt.yticks(ticks, [tick_label(t, seconds=seconds) for t in ticks])
            if pains:
                plt.scatter(
                    [(d - origin).days for d, _ in pains],
                    [v for _, v in pains],
                    label="peak pain 0-10 (right)",
                    color="orange",
                    marker="dot",
                    yside="right",
                )
                plt.ylim(0, 10, yside="right")
                plt.yticks(PAIN_TICKS, yside="right")
            _date_ticks(plt, origin, chosen[-1].day)
            levels = sorted({p.level for p in chosen})
            plt.xlabel(
                f"levels {levels[0]}-{levels[-1]}" if len(levels) > 1 else f"level {levels[0]}"
            )
        else:
            plt.title(f"{printable(ref.name)}: nothing rated in the {name}")
        plot.refresh()

    # -- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id
        if pane == "calendar" and self.loaded:
            self._draw_active()  # the period may have changed on another tab
        elif pane == "pain" and self.loaded:
            self._draw_pain()
        elif pane == "exercises":
            if self.exercise_list is None:
                self.exercise_list = OptionList(id="exercise-list")
                self.dose_box = ChartBox(id="dose-chart-box")
                event.pane.mount(Horizontal(self.exercise_list, self.dose_box))
                self.load_exercises()
            self.call_after_refresh(self.exercise_list.focus)
        elif pane == "sessions" and self.loaded:
            self._fill_sessions()
        elif pane == "checks":
            if self.checks_view is None:
                from coach.tui.checks import ChecksView

                self.checks_view = ChecksView(id="checks-view")
                event.pane.mount(self.checks_view)
            self.load_checks()

    @work(thread=True, exclusive=True, group="history-checks")
    def load_checks(self) -> None:
        from coach.store.checks import CheckStore

        try:
            history = CheckStore(self.view.source).check_history()
        except StoreError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show_checks, history)

    def _show_checks(self, history: CheckHistory) -> None:
        if self.checks_view is not None and self.checks_view.is_attached:
            self.checks_view.show(history)

    def action_report(self) -> None:
        name, since = self._period()
        self.notify(f"Writing a report for the {name}...", timeout=3)
        self.write_report(since, name)

    @work(thread=True, exclusive=True, group="history-report")
    def write_report(self, since: date | None, name: str) -> None:
        """Write the report for the period shown (in a thread: a long history takes a
        second or two) and say where it is."""
        from coach.report import write_report
        from coach.tui.checks import report_path

        today = self.today()
        try:
            # The history itself: the report adds what waits in the journal on its own,
            # and is written beside the history (a copy in memory has no folder).
            target = report_path(self.view.source, today)
            # 'All time' starts with the first session (or today, without one).
            first = self.sessions[0].day if self.sessions else today
            written = write_report(self.view.source, target, until=today, since=since or first)
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(
                self.notify, f"The report could not be written: {exc}", severity="error"
            )
            return
        self.report_written = written.path
        self.app.call_from_thread(
            self.notify,
            f"Report for the {name} written to {written.path} (readable by you only). Open "
            "it in a browser; it prints to A4 or PDF.",
            timeout=20,
        )

    def action_next_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        if self.loaded:
            self._draw_active()
        self.notify(f"Period: {RANGES[self.range_index][0]}.", timeout=2)

    @on(DataTable.RowSelected, "#session-table")
    def _open_session(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.listed):
            self.open_detail(self.listed[event.cursor_row])

    @work(thread=True, group="history-detail")
    def open_detail(self, session: SessionPoint) -> None:
        try:
            detail = self.view.detail(session)
        except StoreError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.app.push_screen, SessionDetailScreen(detail))


class SessionDetailScreen(Screen[None]):
    """One session: its sets with their doses and pain, and what was decided after it."""

    BINDINGS = keys.SESSION_DETAIL.bindings()

    def __init__(self, detail: SessionDetail) -> None:
        super().__init__()
        self.detail = detail
        self.rows = self._rows()
        """The sets' cells, as shown."""
        self._fitted_to = 0

    def compose(self) -> ComposeResult:

        session = self.detail.session
        with VerticalScroll(id="session-detail"):
            yield Label(
                Text(printable(f"{session.title}, {session.day:%A %d %B %Y}")), id="history-title"
            )
            took = "" if session.seconds is None else f" · {format_elapsed(session.seconds)}"
            yield Label(
                f"{session.result}{took} · pain at the start {_dash(session.baseline_pain)}"
                f" · peak {_dash(session.peak_pain)}"
            )
            if self.detail.note:
                yield Label(Text(printable(f"Note: {self.detail.note}")), id="detail-note")
            # Filled on mount and on resize: its columns fit the window's width.
            yield DataTable[Text](id="detail-sets", cursor_type="row")
            if not self.detail.sets:
                yield Label("No set was rated in this session.", classes="hint")
            yield Label("Decided after this session", classes="section-title")
            if not self.detail.decisions and not self.detail.level_moves:
                yield Label("Nothing was decided (the session was not finished).", classes="hint")
            for decision in self.detail.decisions:
                name = self.detail.name_of(decision["program_id"], decision["exercise_id"])
                yield Static(Text(printable(f"• {name}: {decision['reason']}")), classes="decision")
            for move in self.detail.level_moves:
                answer = "accepted" if move["accepted"] else "declined"
                yield Static(
                    Text(
                        f"• {printable(str(move['program_id']))}: level {move['from_level']} -> "
                        f"{move['to_level']} offered, {answer}."
                    ),
                    classes="decision",
                )
        yield KeyBar()

    def _rows(self) -> list[tuple[str, ...]]:
        from coach.engine.progression import describe_dose
        from coach.engine.timeline import Dose

        rows: list[tuple[str, ...]] = []
        for row in self.detail.sets:
            dose = Dose(
                sets=row["sets_planned"],
                hold=row["planned_hold"],
                holds=row["planned_holds"],
                reps=row["planned_reps"],
                duration=row["planned_duration"],
            )
            notes = [
                text
                for flag, text in (
                    (row["numbness"], "numbness"),
                    (row["leg_weakness"], "leg weakness"),
                    (row["pain_below_knee"], "pain below knee"),
                )
                if flag
            ]
            if row["attempt"] > 1:
                notes.append(f"attempt {row['attempt']}")
            done = f"{row['done_work_seconds']:g}/{row['planned_work_seconds']:g}s"
            rows.append(
                (
                    printable(row["exercise_name"]),
                    f"{row['set_number']}/{row['sets_planned']}",
                    describe_dose(dose),
                    done + ("" if row["completed"] else " (cut short)"),
                    _dash(row["pain"]),
                    ", ".join(notes),
                )
            )
        return rows

    def on_resize(self) -> None:
        """Fit the sets' columns to the window: the name, the dose and the notes wrap, so
        Pain and Notes stay in view at 80 columns."""
        # Less 2 more: the table scrolls inside the page (DataTable's max-height), so two
        # scroll bars may stand side by side.
        room = _room(self.size.width) - 2
        if room == self._fitted_to:
            return
        self._fitted_to = room
        table = self.query_one("#detail-sets", DataTable)
        table.clear(columns=True)
        headers = ("Exercise", "Set", "Planned", "Done", "Pain", "Notes")
        widths = fit_widths(headers, self.rows, room, flexible=(0, 2, 3, 5))
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width)
        lines = _Wrapper()
        for row in self.rows:
            height = max(lines.count(row[i], widths[i]) for i in (0, 2, 3, 5))
            table.add_row(*(Text(cell) for cell in row), height=height)

    def action_back(self) -> None:
        self.app.pop_screen()


PAIN_TICKS = (0, 2, 4, 6, 8, 10)
"""The pain axis, in whole even steps (never 1.7, 3.3...)."""
SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
"""Steps a seconds axis takes: the ones a clock face has."""
COUNT_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
MOST_TICKS = 6


def nice_ticks(top: float, *, seconds: bool) -> list[float]:
    """Axis ticks from 0 up to at least ``top`` at a round step (at most
    :data:`MOST_TICKS` of them): 0, 15, 30, 45, 60 s, or 0, 5, 10, 15 reps."""
    top = max(top, 1.0)
    steps = SECOND_STEPS if seconds else COUNT_STEPS
    # Beyond the table (a very long hold?): 1, 2 or 5 times a power of ten.
    larger = (m * 10**k for k in range(4, 16) for m in (1, 2, 5))
    step = next(s for s in (*steps, *larger) if math.ceil(top / s - 1e-9) < MOST_TICKS)
    count = math.ceil(top / step - 1e-9)
    return [float(step * i) for i in range(count + 1)]


def tick_label(value: float, *, seconds: bool) -> str:
    """A tick as people read it: '45s', '1m 30s' on a seconds axis, '12' elsewhere."""
    if seconds:
        return format_duration(value)
    return f"{value:g}"


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def _room(width: int) -> int:
    # 2 columns of padding on each side (coach.tcss), 2 for the vertical scroll bar.
    return max(20, width - 6)


CELL_PADDING = 2
"""Columns a DataTable adds around each cell (one on each side)."""
MIN_FLEXIBLE = 8
"""The narrowest a wrapping column gets."""
MAX_WORD = 12
"""Words longer than this may break: a column is not kept wide for one long word."""


def fit_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    room: int,
    *,
    flexible: Sequence[int],
) -> list[int]:
    """The content width of each column so that the table fits ``room`` columns.

    Every column starts as wide as its widest cell (or header). While the table is too
    wide, the widest of the ``flexible`` columns (the ones whose words may wrap onto a
    second line) gives up a column, down to its header or its longest word: numbers and
    dates are never cut, and a long name wraps before a short one does. What still does
    not fit scrolls.
    """
    widths = [
        max([cell_len(header), *(cell_len(row[i]) for row in rows)])
        for i, header in enumerate(headers)
    ]
    # A column narrower than its longest word would break it ("complete" / "d").
    floor = {
        i: max(
            MIN_FLEXIBLE,
            cell_len(headers[i]),
            *(min(MAX_WORD, cell_len(word)) for row in rows for word in row[i].split()),
        )
        for i in flexible
    }
    over = sum(widths) + CELL_PADDING * len(widths) - room
    while over > 0:
        shrinkable = [i for i in flexible if widths[i] > floor[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        over -= 1
    return widths


class _Wrapper:
    """Lines a cell's words take at a width (the table needs each row's height; the
    same few titles and results repeat over thousands of sessions, so each is measured
    once)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int], int] = {}
        self._console = Console(width=1000)

    def count(self, text: str, width: int) -> int:
        if cell_len(text) <= width:
            return 1
        key = (text, width)
        if key not in self._known:
            self._known[key] = len(Text(text).wrap(self._console, width))
        return self._known[key]


def _date_ticks(plt: Any, origin: date, end: date) -> None:  # Any: plotext has no types
    """Four or five dates along the x axis (the axis itself counts days from origin)."""
    span = max(1, (end - origin).days)
    count = 4 if span > 3 else span + 1
    ticks = sorted({round(span * i / max(1, count - 1)) for i in range(count)})
    fmt = "%d %b" if span <= 200 else "%b %Y"
    plt.xticks(ticks, [(origin + timedelta(days=t)).strftime(fmt) for t in ticks])
