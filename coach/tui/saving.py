"""The questions coach asks when a session could not be saved anywhere: go back (the
default), choose another folder for the history, or exercise knowing nothing is kept; and
:func:`where_to_save`, the loop between them until one is answered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, TypeVar

from rich.text import Text
from textual import on
from textual.app import App
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from coach.store.database import HistoryStore
from coach.tui import keys
from coach.tui.dialog import Dialog

__all__ = ["CannotSaveChoice", "CannotSaveScreen", "FolderPrompt", "where_to_save"]

_Result = TypeVar("_Result")
"""Whatever the app returns: these work in any app."""

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


async def where_to_save(
    app: App[_Result], title: str, body: str, *, back: str, name: str
) -> HistoryStore | bool:
    """Ask what to do when nothing can be saved (in a worker: it waits for the answers).

    A history named ``name`` in the folder the person chose, once one can be written
    there; or whether to exercise without saving (True) or go back (False). A folder that
    cannot be used asks again, saying why; cancelling it asks the first question again.
    """
    while True:
        choice = await app.push_screen_wait(CannotSaveScreen(title, body, back=back))
        if choice != "folder":
            return choice == "without"
        problem = ""
        while True:
            folder = await app.push_screen_wait(FolderPrompt(problem))
            if folder is None:
                break
            # Off the loop: it may create the folder.
            store, problem = await asyncio.to_thread(_history_in, folder, name)
            if store is not None:
                return store


def _history_in(folder: Path, name: str) -> tuple[HistoryStore | None, str]:
    """The history ``name`` in ``folder`` when it can be written; else None and why not."""
    store = HistoryStore(folder / name)
    problem, _ = store.write_problems()
    if problem is None:
        return store, ""
    return None, f"That folder cannot be used: {problem}."
