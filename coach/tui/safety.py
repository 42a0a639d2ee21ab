"""The safety screens: the red-flag checklist, and the follow-up after a warning sign.

The checklist must be read: every line gets its own answer (y or n), nothing is answered
by default, Enter finishes only once every line is answered, and "None of these apply"
(its own key, a, or its button) works only once every line has been on screen. Every
line shows its whole text, wrapped, and the list scrolls on small terminals. What the
screen has to say (a line left, the follow-up's word) is said inside it, never in a
notice laid over it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from coach.engine.followup import FollowUpAnswer, Symptoms
from coach.engine.screening import QUESTIONS, Question
from coach.tui import keys
from coach.tui.dialog import Dialog

__all__ = ["ChecklistScreen", "FollowUpScreen", "SignRow"]


class SignRow(Horizontal, can_focus=True):
    """One line of the checklist: its answer ([yes], [no ] or [ ? ]) and its whole text,
    wrapped under itself."""

    def __init__(self, question: Question) -> None:
        super().__init__(id=f"q-{question.key}", classes="sign-row")
        self.question = question
        self.answer: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="sign-mark")
        yield Static(Text(self.question.text), classes="sign-text")

    def on_mount(self) -> None:
        self._draw()

    def set_answer(self, answer: bool) -> None:
        self.answer = answer
        self._draw()

    def _draw(self) -> None:
        mark = {None: "[ ? ]", True: "[yes]", False: "[no ]"}[self.answer]
        self.set_class(self.answer is True, "-yes")
        self.set_class(self.answer is False, "-no")
        self.query_one(".sign-mark", Static).update(Text(mark))

    def on_click(self, event: Click) -> None:
        # A click on the mark answers it in turn: ? -> yes -> no -> yes.
        screen = self.screen
        if isinstance(screen, ChecklistScreen):
            screen.pick(self)
        if event.x < 6:
            self.set_answer(not self.answer if self.answer is not None else True)
            self.post_message(ChecklistScreen.Answered())


class ChecklistScreen(Dialog[dict[str, bool] | None]):
    """The red-flag checklist. Dismisses with every answer, or None (not now: nothing
    is stored, and no session starts)."""

    KEYS = keys.CHECKLIST
    BINDINGS = keys.CHECKLIST.bindings()
    AUTO_FOCUS = ""  # the first line, by on_mount (see current)
    DIALOG_ID = "checklist"
    DIALOG_CLASSES = "tall"

    class Answered(Message):
        """A line was answered with the mouse."""

    def __init__(self, note: str = "") -> None:
        super().__init__()
        self.note = note
        self.seen_all = False
        """Every line has been on screen (the list scrolled to its end, or it fits)."""

    def head(self) -> Iterable[Widget]:
        yield Label("A quick safety check", classes="dialog-title")
        yield Label(
            Text(
                "Does any of these apply to you now? For each line press y (yes) or n (no); "
                "Up, Down and Tab move."
            ),
            classes="hint",
        )

    def body(self) -> Iterable[Widget]:
        if self.note:
            yield Static(Text(self.note), id="checklist-note")
        for question in QUESTIONS:
            yield SignRow(question)
        # In the body, not among the hints: it stays at every size, read at the end.
        yield Static(Text("This is safety advice, not a diagnosis."), id="checklist-disclaimer")
        yield Static("", id="checklist-say")

    def buttons(self) -> Iterable[Widget]:
        done = Button(
            "Done (Enter)",
            id="finish",
            variant="primary",
            disabled=True,
            compact=True,
            classes="keyed",
        )
        none = Button("None of these apply (a)", id="none", compact=True, classes="keyed")
        done.can_focus = False
        yield done
        yield none
        yield Button("Not now (Esc)", id="later", compact=True, classes="keyed")

    def rows(self) -> list[SignRow]:
        return list(self.query(SignRow))

    # The line being answered is kept here rather than read from the focus: focusing
    # happens after the key that moved it, and keys typed quickly must each answer the
    # next line, never the same one twice.
    current: int = 0

    def _go(self, index: int) -> None:
        rows = self.rows()
        self.current = max(0, min(len(rows) - 1, index))
        row = rows[self.current]
        row.focus(scroll_visible=False)
        if self.current == len(rows) - 1:
            # The last line: on to the end, so what follows it ('not a diagnosis', what
            # the screen says) is read too.
            self.query_one(".dialog-body").scroll_end(animate=False)
        else:
            row.scroll_visible(animate=False)

    def on_mount(self) -> None:
        self._go(0)
        body = self.query_one(".dialog-body")
        self.watch(body, "scroll_y", self._scrolled, init=False)
        self.call_after_refresh(self._scrolled)

    def _scrolled(self, _: float = 0) -> None:
        body = self.query_one(".dialog-body")
        rows = self.rows()
        if not rows:
            return
        # The last line's bottom within the visible part of the list (its top is 0).
        bottom = rows[-1].virtual_region.bottom
        if bottom and body.scroll_y + body.scrollable_content_region.height >= bottom:
            self.seen_all = True

    def say(self, text: str) -> None:
        """Say ``text`` inside the checklist, under its lines, and show it."""
        said = self.query_one("#checklist-say", Static)
        said.update(Text(text))
        said.scroll_visible(animate=False)

    def pick(self, row: SignRow) -> None:
        """A line clicked: the one being answered from now on."""
        self._go(self.rows().index(row))

    def action_move(self, delta: int) -> None:
        self._go(self.current + delta)

    def action_answer(self, applies: bool) -> None:
        rows = self.rows()
        if not rows:
            return
        index = self.current
        rows[index].set_answer(applies)
        self._answered()
        # On to the next line still to answer (after this one, else from the top); when
        # every line is answered, simply the next one.
        ahead = [*range(index + 1, len(rows)), *range(index + 1)]
        following = next((i for i in ahead if rows[i].answer is None), None)
        if following is None:
            following = min(index + 1, len(rows) - 1)
        self._go(following)

    @on(Answered)
    def _answered(self) -> None:
        missing = sum(r.answer is None for r in self.rows())
        done = self.query_one("#finish", Button)
        done.disabled = missing > 0
        done.label = "Done (Enter)" if not missing else f"Done (Enter) · {missing} to answer"
        # A button keeps the width of its first label unless laid out again.
        done.refresh(layout=True)

    def action_done(self) -> None:
        rows = self.rows()
        missing = [r for r in rows if r.answer is None]
        if missing:
            self.say(f"Please answer every line with y or n first ({len(missing)} to go).")
            self._go(rows.index(missing[0]))
            return
        self.dismiss({r.question.key: bool(r.answer) for r in rows})

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#finish")
    def _clicked_done(self) -> None:
        self.action_done()

    def action_none(self) -> None:
        """None of these apply: only once every line has been on screen."""
        self._scrolled()
        if not self.seen_all:
            self.say(
                "Please read every line first: scroll to the last one (Down or PageDown), "
                "then press a."
            )
            return
        self.dismiss({q.key: False for q in QUESTIONS})

    @on(Button.Pressed, "#none")
    def _clicked_none(self) -> None:
        self.action_none()

    @on(Button.Pressed, "#later")
    def _clicked_later(self) -> None:
        self.action_later()


class FollowUpScreen(Dialog[FollowUpAnswer | None]):
    """After a warning sign last time: has it gone, and has a clinician seen it?"""

    KEYS = keys.FOLLOW_UP
    BINDINGS = keys.FOLLOW_UP.bindings()
    AUTO_FOCUS = ""
    DIALOG_ID = "follow-up"
    _SYMPTOMS: ClassVar[tuple[tuple[Symptoms, str, str], ...]] = (
        (Symptoms.GONE, "It has gone", "g"),
        (Symptoms.BETTER, "Better, but not gone", "b"),
        (Symptoms.SAME, "The same, or worse", "s"),
    )

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self.symptoms: Symptoms | None = None
        self.seen: bool | None = None

    def body(self) -> Iterable[Widget]:
        yield Label("Before we start: last time's warning sign", classes="dialog-title")
        yield Static(Text(self.question))
        yield Label("How is it now?", classes="section-title")
        yield Static("", id="symptoms-choice")
        yield Label("Have you seen a doctor or physiotherapist about it?", classes="section-title")
        yield Static("", id="seen-choice")
        yield Static("", id="follow-up-say")

    def buttons(self) -> Iterable[Widget]:
        go = Button(
            "Continue (Enter)",
            id="finish",
            variant="primary",
            disabled=True,
            compact=True,
            classes="keyed",
        )
        go.can_focus = False
        yield go
        yield Button("Not now (Esc)", id="later", compact=True, classes="keyed")

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        parts = [
            f"{'(x)' if self.symptoms is value else '( )'} {words} ({key})"
            for value, words, key in self._SYMPTOMS
        ]
        self.query_one("#symptoms-choice", Static).update(Text("\n".join(parts)))
        seen = [
            f"{'(x)' if self.seen is True else '( )'} Yes (y)",
            f"{'(x)' if self.seen is False else '( )'} No (n)",
        ]
        self.query_one("#seen-choice", Static).update(Text("\n".join(seen)))
        self.query_one("#finish", Button).disabled = self.symptoms is None or self.seen is None

    def action_symptoms(self, value: str) -> None:
        self.symptoms = Symptoms(value)
        self._draw()

    def action_seen(self, value: bool) -> None:
        self.seen = value
        self._draw()

    def action_done(self) -> None:
        if self.symptoms is None or self.seen is None:
            # Said inside the dialog, never in a notice over it.
            self.query_one("#follow-up-say", Static).update("Please answer both questions first.")
            return
        self.dismiss(FollowUpAnswer(self.symptoms, self.seen))

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#finish")
    def _clicked_done(self) -> None:
        self.action_done()

    @on(Button.Pressed, "#later")
    def _clicked_later(self) -> None:
        self.action_later()
