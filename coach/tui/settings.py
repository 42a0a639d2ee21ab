"""The settings screen: every key of settings.toml, checked one by one before saving; and
saving them, from that screen or from the chooser's 'make this the default'.

The screen only edits and checks values, and never touches the disk beyond asking
whether a routine file exists; :func:`keep` writes what it dismisses with, off the event
loop, and says where.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from textual import on
from textual.app import App
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, Switch

from coach.config.locations import default_routine, settings_path
from coach.config.settings import (
    AUDIO_CHOICES,
    Settings,
    check_value,
    save_settings,
    with_changes,
)
from coach.config.toml import user_path
from coach.format.text import TYPED_PATTERN, printable
from coach.tui import keys
from coach.tui.choice import Choice
from coach.tui.dialog import Dialog
from coach.tui.plain import plain

__all__ = ["SettingsScreen", "edit", "keep", "make_default"]

_Result = TypeVar("_Result")
"""Whatever the app returns: these work in any app."""

_NUMBERS = (
    ("screening_weeks", "Safety checklist every (weeks, 1-52)"),
    ("check_weeks", "Function check every (weeks, 1-52)"),
    ("volume", "Cue volume (0-100)"),
)


class SettingsScreen(Dialog[Settings | None]):
    """Edit the settings; Save dismisses with the new ones once every value is allowed,
    and otherwise says, for each wrong key, what it takes."""

    KEYS = keys.SETTINGS
    BINDINGS = keys.SETTINGS.bindings()
    DIALOG_ID = "settings"

    def __init__(self, settings: Settings, where: Path) -> None:
        super().__init__()
        self.settings = settings
        self.where = where

    def head(self) -> Iterable[Widget]:
        yield Label("Settings", classes="dialog-title")
        yield Static(plain(f"Saved to {self.where}"), classes="hint")

    def body(self) -> Iterable[Widget]:
        s = self.settings
        with Horizontal(classes="setting-row"):
            yield Label("Sound (audio)", classes="setting-name")
            yield Select(
                [(choice, choice) for choice in AUDIO_CHOICES],
                value=s.audio,
                allow_blank=False,
                id="audio",
                compact=True,
                classes="setting-value",
            )
        for key, name in _NUMBERS:
            with Horizontal(classes="setting-row"):
                yield Label(name, classes="setting-name")
                yield Input(
                    str(getattr(s, key)),
                    restrict=r"-?\d{0,3}",
                    id=key,
                    compact=True,
                    classes="setting-value",
                )
        with Horizontal(classes="setting-row"):
            yield Label("Speak names and counts (speech)", classes="setting-name")
            yield Switch(s.speech, id="speech", classes="setting-value")
        with Horizontal(classes="setting-row"):
            yield Label("Home opens on (default_routine)", classes="setting-name")
            yield Input(
                s.default_routine,
                placeholder="the bundled morning routine",
                restrict=TYPED_PATTERN,
                id="default_routine",
                compact=True,
                classes="setting-value",
            )
        yield Static("", id="settings-problems")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
        yield Button("Cancel (Esc)", id="cancel", compact=True)

    def values(self) -> dict[str, object]:
        """What the screen holds now, as the settings file would type it."""
        found: dict[str, object] = {
            "audio": self.query_one("#audio", Select).value,
            "speech": self.query_one("#speech", Switch).value,
            "default_routine": self.query_one("#default_routine", Input).value.strip(),
        }
        for key, _ in _NUMBERS:
            text = self.query_one(f"#{key}", Input).value.strip()
            try:
                found[key] = int(text)
            except ValueError:
                found[key] = text
        return found

    def problems(self, values: dict[str, object]) -> list[str]:
        """One sentence for each value not allowed."""
        found = [p for key, value in values.items() if (p := check_value(key, value))]
        routine = values["default_routine"]
        said = any(p.startswith("default_routine:") for p in found)
        if isinstance(routine, str) and routine and not said:
            path, _ = user_path(routine)
            if path is not None and not _is_file(path):
                found.append(f"default_routine: there is no file {printable(routine)}")
        return found

    def action_save(self) -> None:
        values = self.values()
        problems = self.problems(values)
        shown = self.query_one("#settings-problems", Static)
        if problems:
            shown.update(plain("\n".join(f"{p}." for p in problems), multiline=True))
            return
        shown.update("")
        self.dismiss(with_changes(self.settings, values))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    def _clicked_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _clicked_cancel(self) -> None:
        self.action_cancel()


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


async def edit(app: App[_Result], current: Settings | None) -> Settings | None:
    """Show the settings screen (in a worker: it waits for the answer) and save what it
    is dismissed with: the settings saved, or None (cancelled, or not saved)."""
    chosen = await app.push_screen_wait(SettingsScreen(current or Settings(), settings_path()))
    if chosen is None:
        return None
    return await keep(app, chosen, "Settings saved")


async def make_default(
    app: App[_Result], current: Settings | None, choice: Choice
) -> Settings | None:
    """Save ``choice`` as the routine home opens on: the settings saved, or None."""
    # The bundled routine is the default when none is set: kept that way, it follows
    # coach's own folder wherever coach is installed.
    bundled = choice.path.resolve() == default_routine().resolve()
    value = "" if bundled else str(choice.path.expanduser().resolve())
    return await keep(
        app,
        with_changes(current or Settings(), {"default_routine": value}),
        f"{choice.name or choice.path.name} is now your default: home opens on it from "
        "the next start. Saved",
    )


async def keep(app: App[_Result], settings: Settings, said: str) -> Settings | None:
    """Write ``settings`` to the settings file off the loop (it syncs to disk) and say so
    ("``said`` to PATH."): ``settings`` once written, None (and why) when they could not be."""
    where = settings_path()
    try:
        await asyncio.to_thread(save_settings, where, settings)
    except OSError as exc:
        app.notify(f"The settings could not be saved to {where}: {exc}", severity="error")
        return None
    app.notify(f"{said} to {where}.", timeout=4)
    return settings
