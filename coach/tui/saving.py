"""The questions coach asks when a session could not be saved anywhere: go back (the
default), choose another folder for the history, or exercise knowing nothing is kept."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from coach.tui import keys
from coach.tui.dialog import Dialog

__all__ = ["CannotSaveChoice", "CannotSaveScreen", "FolderPrompt"]

CannotSaveChoice = Literal["back", "folder", "without"]


class CannotSaveScreen(Dialog[CannotSaveChoice]):
    """Neither the history nor the journal can be written. Enter and Escape go back
    home (the focused button); the other two each need their own key or a click."""

    KEYS = keys.CANNOT_SAVE
    BINDINGS = keys.CANNOT_SAVE.bindings()
    AUTO_FOCUS = "#back"
    DIALOG_ID = "advice"

    def __init__(self, title: str, body: str, *, back: str = "Back to home") -> None:
        super().__init__()
        self.title_text = title
        self.body_text = body
        self.back = back
        """What going back does here ('Leave coach' when started by 'coach run')."""

    def key_label(self, action: str, label: str) -> str:
        return self.back if action == "answer('back')" else label

    def dialog_classes(self) -> str:
        return "advice"

    def body(self) -> Iterable[Widget]:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield Static(Text(self.body_text), id="advice-body")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Another folder (f)", id="folder", compact=True, classes="keyed")
        yield Button("Without saving (w)", id="without", compact=True, classes="keyed")
        yield Button(
            f"{self.back} (Enter)", id="back", variant="primary", compact=True, classes="keyed"
        )

    def action_answer(self, choice: CannotSaveChoice) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        choice: CannotSaveChoice = "back"
        if event.button.id == "folder":
            choice = "folder"
        elif event.button.id == "without":
            choice = "without"
        self.dismiss(choice)


class FolderPrompt(Dialog["Path | None"]):
    """A folder to keep the history in, typed; None when cancelled."""

    KEYS = keys.FOLDER
    BINDINGS = keys.FOLDER.bindings()
    AUTO_FOCUS = "#folder"

    def __init__(self, problem: str = "") -> None:
        super().__init__()
        self.problem = problem

    def body(self) -> Iterable[Widget]:
        yield Label("A folder for your history", classes="dialog-title")
        yield Static(
            Text(
                "coach keeps this run's history there (a new one, or the one already "
                "there). Type its path and press Enter."
            )
        )
        if self.problem:
            yield Static(Text(self.problem), classes="dialog-error")
        yield Input(placeholder="~/coach-history", id="folder", compact=True)

    def buttons(self) -> Iterable[Widget]:
        yield Button("Use (Enter)", id="use", variant="primary", compact=True, classes="keyed")
        yield Button("Cancel (Esc)", id="cancel", compact=True, classes="keyed")

    def action_use(self) -> None:
        text = self.query_one("#folder", Input).value.strip()
        if text:
            self.dismiss(Path(text).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#use")
    @on(Input.Submitted)
    def _use(self) -> None:
        self.action_use()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()
