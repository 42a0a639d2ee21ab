"""The function check on screen: each hold with its position, safety note and easier
version, the timer in large digits, the PSFS, the summary; and the history's checks view.

It renders :class:`coach.engine.checks.CheckFlow` and forwards the person's keys to it;
the flow's effects are carried out in thread workers (each result is shown as saved only
when the store said so). Text the person typed (PSFS activities) and names from session
files are shown literally, never as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, Static

from coach.engine.checks import (
    SAFETY_NOTE,
    TESTS,
    CheckFlow,
    CheckHistory,
    EndedBy,
    HoldPhase,
    HoldResult,
    PlannedCue,
    PsfsActivity,
    Variant,
    carry_out,
    ratios,
)
from coach.engine.checks import messages as m
from coach.engine.checks.psfs import MAX_ACTIVITIES, MAX_TEXT, clean_activity
from coach.engine.checks.views import hold_rows, psfs_text, ratio_text, seconds_text
from coach.format.durations import format_clock
from coach.format.text import TYPED_PATTERN
from coach.store.checks import CheckStore
from coach.tui import keys
from coach.tui.bignumber import BigNumber
from coach.tui.dialog import Dialog
from coach.tui.keybar import KeyBar
from coach.tui.plain import plain

if TYPE_CHECKING:
    from coach.store.database import HistoryStore

__all__ = ["CheckScreen", "CheckSummaryScreen", "ChecksView", "PsfsScreen"]

CuePlan = Callable[[Sequence[PlannedCue]], None]
"""Hands the hold's cues to the audio thread (an empty list stops what is pending)."""


class CheckScreen(Screen[None]):
    """One function check, from the pain before to the summary."""

    BINDINGS = keys.CHECK.bindings()

    class Finished(Message):
        """The check is over; the app goes back to home."""

        def __init__(self, red_flag: bool, stored: bool) -> None:
            super().__init__()
            self.red_flag = red_flag
            self.stored = stored

    def __init__(self, flow: CheckFlow, store: HistoryStore, cues: CuePlan | None = None) -> None:
        super().__init__()
        self.flow = flow
        self.port = CheckStore(store)
        self.cues = cues
        self.shown: m.ShowTest | m.ShowHold | m.ShowHoldResult | None = None
        self._wake: asyncio.TimerHandle | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="check-top"):
            yield Label("Function check", id="check-where")
            yield Label("", id="check-state")
        yield Label("", id="check-title")
        yield Label("", id="check-variant")
        yield BigNumber(id="check-clock")
        yield Label("", id="check-status")
        yield Label("", id="check-last")
        with VerticalScroll(id="check-about"):
            yield Static("", id="check-position", markup=False)
            yield Static(SAFETY_NOTE, id="check-safety", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.follow([self.flow.begin()])

    def on_unmount(self) -> None:
        self._cancel_wake()
        self._cues([])

    # -- the flow ---------------------------------------------------------------------

    def answer(self, event: m.CheckInput) -> None:
        self.follow(self.flow.handle(event))

    def follow(self, outputs: Sequence[m.CheckOutput]) -> None:
        for output in outputs:
            match output:
                case (
                    m.LoadChecks()
                    | m.OpenCheck()
                    | m.StorePsfs()
                    | m.StoreHold()
                    | (m.CloseCheck())
                ):
                    self.carry(output)
                case m.AskCheckPain(title, note, symptoms):
                    from coach.tui.prompts import CheckPainPrompt, PlainPainPrompt

                    prompt = CheckPainPrompt if symptoms else PlainPainPrompt
                    self.app.push_screen(
                        prompt(title, note=note),
                        lambda answer: self.answer(m.CheckPainAnswer(answer)),
                    )
                case m.ShowCheckAdvice(title, body, go_on, stay):
                    from coach.tui.prompts import AdviceScreen

                    self.app.push_screen(
                        AdviceScreen(title, body, go_on=go_on, stay=stay),
                        lambda go: self.answer(m.CheckAdviceAnswer(bool(go))),
                    )
                case m.AskPsfs(activities, last):
                    self.app.push_screen(
                        PsfsScreen(activities, dict(last)),
                        lambda entries: self.answer(m.PsfsAnswer(entries)),
                    )
                case m.AskCheckQuit(message):
                    from coach.tui.prompts import ConfirmQuit

                    self._cancel_wake()
                    self._cues([])
                    self.app.push_screen(
                        ConfirmQuit(message),
                        lambda stop: self.answer(m.CheckQuitAnswer(bool(stop))),
                    )
                case m.ShowTest() | m.ShowHold() | m.ShowHoldResult():
                    self.shown = output
                    self.redraw()
                case m.ShowCheckSummary(history, unsaved):
                    self.app.push_screen(
                        CheckSummaryScreen(history, unsaved),
                        lambda _: self.answer(m.SummarySeen()),
                    )
                case m.CheckNotice(text, error):
                    self.notify(text, severity="error" if error else "information", timeout=10)
                case m.CheckOver(red_flag, stored):
                    self._cancel_wake()
                    self._cues([])
                    # To the app itself: this screen is gone before its queue would run.
                    self.app.post_message(self.Finished(red_flag, stored))
                    self.dismiss(None)
        self.refresh_bindings()

    @work(thread=True, group="check-store")
    def carry(self, effect: m.CheckEffect) -> None:
        result = carry_out(effect, self.port)
        self.app.call_from_thread(self.answer, result)

    # -- drawing ----------------------------------------------------------------------

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector, Label).update(plain(text))

    def redraw(self) -> None:
        if not self.is_attached:
            return
        shown = self.shown
        clock = self.query_one("#check-clock", BigNumber)
        if isinstance(shown, m.ShowTest):
            info = shown.info
            self._set("#check-where", f"Function check · test {shown.number} of {shown.count}")
            self._set("#check-state", "")
            self._set("#check-title", info.name)
            easier = shown.variant is Variant.EASIER
            self._set(
                "#check-variant",
                f"Easier version: {info.easier_name}" if easier else "Test position",
            )
            clock.value = ""
            status = shown.note or "Get into position, then press Enter: 5 s to get ready."
            self._set("#check-status", status)
            last = shown.last
            self._set(
                "#check-last",
                f"Last time: {seconds_text(last)}" if last is not None else "First time",
            )
            self.query_one("#check-position", Static).update(
                plain(info.easier if easier else info.position, multiline=True)
            )
            self._cues([])
        elif isinstance(shown, m.ShowHold):
            self._draw_hold(shown)
        elif isinstance(shown, m.ShowHoldResult):
            result = shown.result
            clock.value = f"{result.seconds or 0:.0f}"
            self._set("#check-state", "")
            saved = "Saved." if shown.saved else f"NOT saved: {shown.problem}. Please note it down."
            why = {
                EndedBy.CEILING: "Held to the 4-minute ceiling: well done.",
                EndedBy.PAIN: "Stopped because it hurt. Take your time; the easier version or "
                "skipping a test is fine.",
                EndedBy.STOPPED: "Held until the position was lost.",
            }.get(result.ended_by, "")
            self._set("#check-status", f"{seconds_text(result)}. {saved} {why}".strip())
            self._set("#check-last", "Enter: next test · rest a minute or two first")
            self._cues([])

    def _draw_hold(self, shown: m.ShowHold) -> None:
        timer = shown.timer
        clock = self.query_one("#check-clock", BigNumber)
        if timer.phase is HoldPhase.GET_READY:
            clock.value = str(timer.countdown())
            self._set("#check-state", "GET READY")
            self._set("#check-status", "Get into position: the hold starts at 0.")
        elif timer.phase is HoldPhase.HOLDING:
            held = int(timer.held())
            clock.value = format_clock(held) if held >= 60 else str(held)
            self._set("#check-state", "HOLDING")
            self._set(
                "#check-status",
                f"Space when you lose the position · P if it hurts · ends at "
                f"{format_clock(int(timer.ceiling))}",
            )
        self._schedule(shown)

    # -- time -------------------------------------------------------------------------

    def _schedule(self, shown: m.ShowHold) -> None:
        self._cancel_wake()
        timer = shown.timer
        self._cues(timer.cues())
        wake = timer.next_wake()
        if wake is None:
            return
        delay = max(0.0, wake - timer.clock())
        self._wake = asyncio.get_running_loop().call_later(delay, self._woken)

    def _woken(self) -> None:
        self._wake = None
        self.call_later(self.tick)

    def tick(self) -> None:
        """Catch up with the clock (the timer's wake; tests call it after moving time)."""
        if self.is_attached and isinstance(self.shown, m.ShowHold):
            self.answer(m.HoldTick())
            if isinstance(self.shown, m.ShowHold):
                self.redraw()

    def _cancel_wake(self) -> None:
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None

    def _cues(self, cues: Sequence[PlannedCue]) -> None:
        if self.cues is not None:
            self.cues(cues)

    # -- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows exactly the keys that work now."""
        stage = self.flow.stage
        from coach.engine.checks import CheckStage

        allowed = {
            "primary": stage in (CheckStage.TEST, CheckStage.RESULT),
            "easier": stage is CheckStage.TEST,
            "skip_test": stage is CheckStage.TEST,
            "stop_hold": stage is CheckStage.HOLDING,
            "quit_check": stage in (CheckStage.TEST, CheckStage.HOLDING, CheckStage.RESULT),
        }
        return allowed.get(action, True)

    def action_primary(self) -> None:
        shown = self.shown
        if isinstance(shown, m.ShowTest):
            self.answer(m.TestAnswer(start=True, variant=shown.variant))
        elif isinstance(shown, m.ShowHoldResult):
            self.answer(m.ResultSeen())

    def action_easier(self) -> None:
        shown = self.shown
        if isinstance(shown, m.ShowTest):
            other = Variant.STANDARD if shown.variant is Variant.EASIER else Variant.EASIER
            self.shown = m.ShowTest(
                shown.number, shown.count, shown.info, other, shown.last, shown.note
            )
            self.redraw()

    def action_skip_test(self) -> None:
        shown = self.shown
        if isinstance(shown, m.ShowTest):
            self.answer(m.TestAnswer(start=False, variant=shown.variant))

    def action_stop_hold(self, why: str) -> None:
        self._cancel_wake()
        self._cues([])
        self.answer(m.HoldStop(EndedBy(why)))

    def action_quit_check(self) -> None:
        self.answer(m.CheckQuitAsked())


class PsfsScreen(Dialog[tuple[m.PsfsEntry, ...] | None]):
    """The Patient-Specific Functional Scale: the activities named before, rated again,
    and (while fewer than three) new ones in the person's own words."""

    KEYS = keys.PSFS
    BINDINGS = keys.PSFS.bindings()
    DIALOG_ID = "psfs"
    # The first box has the focus: what is typed goes in at once (the dialog's scroll
    # area would take it otherwise, and typing would go nowhere until Tab).
    AUTO_FOCUS = "Input"

    def __init__(self, activities: Sequence[PsfsActivity], last: dict[str, int]) -> None:
        super().__init__()
        self.activities = list(activities)[:MAX_ACTIVITIES]
        self.last = last
        self.new_slots = MAX_ACTIVITIES - len(self.activities)

    def body(self) -> Iterable[Widget]:
        yield Label("Everyday activities your back makes hard", classes="dialog-title")
        yield Static(
            "Rate each from 0 (unable to do it) to 10 (as well as before your back "
            "problem). Enter moves on; Enter on the last box saves.",
            classes="hint",
        )
        for index, activity in enumerate(self.activities):
            last = self.last.get(activity.id)
            hint = f" (last time {last})" if last is not None else ""
            with Horizontal(classes="psfs-row"):
                yield Label(plain(activity.text + hint), classes="psfs-text")
                yield Input(
                    placeholder="0-10",
                    restrict=r"\d{0,2}",
                    max_length=2,
                    id=f"score-{index}",
                    classes="psfs-score",
                    compact=True,
                )
        if self.new_slots:
            first = not self.activities
            yield Label(
                "Name up to three activities, in your own words (for example: putting on socks)."
                if first
                else "You may add another activity:",
                classes="hint",
            )
        for slot in range(self.new_slots):
            index = len(self.activities) + slot
            with Horizontal(classes="psfs-row"):
                yield Input(
                    placeholder="an activity your back makes hard",
                    max_length=MAX_TEXT,
                    restrict=TYPED_PATTERN,
                    id=f"text-{index}",
                    classes="psfs-new",
                    compact=True,
                )
                yield Input(
                    placeholder="0-10",
                    restrict=r"\d{0,2}",
                    max_length=2,
                    id=f"score-{index}",
                    classes="psfs-score",
                    compact=True,
                )

    def buttons(self) -> Iterable[Widget]:
        yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
        yield Button("Not today (Esc)", id="skip", compact=True)

    def _fields(self) -> list[Input]:
        return list(self.query(Input))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        fields = self._fields()
        position = fields.index(event.input)
        if position + 1 < len(fields):
            fields[position + 1].focus()
        else:
            self.action_save()

    def entries(self) -> tuple[m.PsfsEntry, ...] | str:
        """The ratings typed, or what is wrong with them."""
        found: list[m.PsfsEntry] = []
        rows = [(a.id, a.text) for a in self.activities] + [
            (None, "") for _ in range(self.new_slots)
        ]
        for index, (activity, text) in enumerate(rows):
            score_text = self.query_one(f"#score-{index}", Input).value.strip()
            if activity is None:
                text = clean_activity(self.query_one(f"#text-{index}", Input).value)
                if not text and not score_text:
                    continue
                if not text:
                    return "Name the activity you rated, or clear its rating."
            if not score_text:
                return f"Rate '{text}' from 0 to 10."
            score = int(score_text)
            if score > 10:
                return f"Ratings go from 0 to 10 ('{text}': {score})."
            found.append(m.PsfsEntry(activity, text, score))
        return tuple(found)

    def action_save(self) -> None:
        found = self.entries()
        if isinstance(found, str):
            self.notify(found, severity="warning", markup=False)
            return
        self.dismiss(found or None)

    def action_not_today(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _clicked_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#skip")
    def _clicked_skip(self) -> None:
        self.action_not_today()


def summary_lines(history: CheckHistory) -> list[str]:
    """The last check in words: each hold against the check before and the first, the
    ratios with their guides, the PSFS."""
    check = history.checks[-1]
    lines = []
    for row in hold_rows(history, check):
        today = seconds_text(row.today)
        if row.before is None:
            lines.append(f"{row.info.name}: {today} (the first time)")
            continue
        lines.append(
            f"{row.info.name}: {today}; last time {seconds_text(row.before)}: "
            f"{row.since_before.words} ({row.since_before.note})"
        )
    lines.append("")
    lines.extend(ratio_text(r) for r in ratios(check.holds))
    lines.append("")
    lines.append(psfs_text(history, check))
    return lines


class CheckSummaryScreen(Screen[None]):
    """The check just done, against the last one and the usual guides."""

    BINDINGS = keys.CHECK_SUMMARY.bindings()

    def __init__(self, history: CheckHistory, unsaved: int) -> None:
        super().__init__()
        self.history = history
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="check-summary"):
            yield Label("Function check done", id="summary-title")
            if self.unsaved:
                yield Label(
                    f"{self.unsaved} result(s) could not be saved: note them down.",
                    classes="home-note",
                )
            yield Static(
                "A change under 45 s is within the measurement error of these holds, and "
                "one under 2 points on the activities: shown as no clear change.",
                classes="hint",
            )
            for line in summary_lines(self.history):
                yield Static(plain(line), classes="change")
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)


class ChecksView(Vertical):
    """The history's checks tab: hold times and the PSFS over time, and the last check's
    change and ratios in words."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history: CheckHistory | None = None

    def compose(self) -> ComposeResult:
        yield Label("Reading your checks...", id="checks-hint", classes="hint")
        yield DataTable(id="checks-table", cursor_type="row", zebra_stripes=True)
        yield VerticalScroll(id="checks-words")

    def show(self, history: CheckHistory) -> None:
        self.history = history
        hint = self.query_one("#checks-hint", Label)
        table: DataTable[str] = self.query_one("#checks-table", DataTable)
        words = self.query_one("#checks-words", VerticalScroll)
        table.clear(columns=True)
        words.remove_children()
        if not history.checks:
            hint.update(
                "No function check yet. Press c on the home screen to do one: four holds "
                "and three everyday activities, about 15 minutes."
            )
            return
        hint.update(
            f"{len(history.checks)} checks, newest first · seconds held (pain: stopped as it "
            "hurt; easy: the easier version) · a change under 45 s is no clear change · "
            "PSFS 0-10 · w writes a report for your clinician"
        )
        activities = history.activities
        table.add_columns(
            "Date",
            *(f"{t.short} s" for t in TESTS),
            "Pain",
            *(f"A{i + 1}" for i in range(len(activities))),
            "PSFS",
        )
        for check in reversed(history.checks):
            from coach.engine.checks.psfs import psfs_score

            score = psfs_score(check.psfs)
            table.add_row(
                f"{check.day:%d %b %y}",
                *(_cell(check.holds.get(t.test)) for t in TESTS),
                f"{_dash(check.pain_before)}→{_dash(check.pain_after)}",
                *(_dash(check.psfs.get(a.id)) for a in activities),
                "-" if score is None else f"{score:.1f}",
            )
        lines = [f"A{i + 1}: {a.text}" for i, a in enumerate(activities)]
        lines += ["", f"The last check ({history.checks[-1].day:%d %b %Y}):"]
        lines += summary_lines(history)
        words.mount_all(Static(plain(line), classes="change") for line in lines)


def _cell(result: HoldResult | None) -> str:
    """A hold in a narrow column: '117', '123 pain', '240 max', '62 easy', 'skip'."""
    if result is None:
        return "-"
    if not result.done or result.seconds is None:
        return "skip"
    marks = []
    if result.variant is Variant.EASIER:
        marks.append("easy")
    if result.at_ceiling:
        marks.append("max")
    elif result.ended_by is EndedBy.PAIN:
        marks.append("pain")
    return " ".join([f"{result.seconds:.0f}", *marks])


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


def report_path(store: HistoryStore, today: date) -> Path:
    """Where the TUI writes a report: a 'reports' folder beside the history (0700)."""
    from coach.report import default_name

    folder = store.path.parent / "reports"
    from coach.store.private import private_folder

    private_folder(folder)
    return folder / default_name(today)
