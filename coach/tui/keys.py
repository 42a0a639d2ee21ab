"""Every key of every screen, in one place: the bindings, the footers, the help and the
README's key table are all made from these maps.

The rules they keep (and ``tests/test_keys.py`` checks):

* a key means one thing on a screen, and a prompt over the player never gives a
  safety-relevant meaning to a key the player uses (space, n, b, r, m, q);
* letters work in either case (caps lock on must not stop anyone reporting a sign);
* Enter never answers a question whose answer matters for safety unless that answer is
  the safe one;
* the footer shows exactly the keys that work on the screen on top;
* the keys of a screen are handled in the order they are typed (see KeyMap.bindings).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.binding import Binding, BindingType

__all__ = [
    "ADVICE",
    "BASELINE",
    "CANNOT_SAVE",
    "CHECK",
    "CHECKLIST",
    "CHECK_SUMMARY",
    "CHOOSE",
    "CORRECTION",
    "ERROR",
    "FOLDER",
    "FOLLOW_UP",
    "HELP",
    "HISTORY",
    "HOME",
    "KEYMAPS",
    "LEVEL",
    "PAIN",
    "PAIN_ONLY",
    "PLAYER",
    "PSFS",
    "QUIT",
    "RESUME",
    "SESSION_DETAIL",
    "SETTINGS",
    "SKIP",
    "STOP",
    "SUMMARY",
    "Key",
    "KeyMap",
    "markdown",
]


@dataclass(frozen=True, slots=True)
class Key:
    """One key (or a family of keys doing the same thing) on one screen."""

    keys: tuple[str, ...]
    """Textual key names; a letter is bound in both cases."""
    action: str
    """The action it runs: one action per key, so the footer shows it once."""
    label: str
    """What it does, in the footer and the help."""
    shown: str = ""
    """How the footer writes the key ('0-9'); Textual's way by default."""
    text: str = ""
    """How the help and the README write it; every key, joined by ' / ', by default."""
    footer: bool = True
    priority: bool = False
    """Handled before focused widgets (a prompt's keys must not reach a button)."""
    family: tuple[tuple[str, str], ...] = ()
    """More keys with their own actions under this one entry: the digits 1-9 of '0-9'."""

    def bindings(self) -> list[BindingType]:
        names = [_both_cases(k) for k in self.keys]
        found: list[BindingType] = [
            Binding(
                ",".join(names),
                self.action,
                self.label,
                show=self.footer,
                key_display=self.shown or None,
                priority=self.priority,
            )
        ]
        found += [
            Binding(_both_cases(key), action, show=False, priority=self.priority)
            for key, action in self.family
        ]
        return found

    @property
    def written(self) -> str:
        """The key as the README and the help write it."""
        if self.text:
            return self.text
        keys = [*self.keys, *(key for key, _ in self.family)]
        return " / ".join(_WRITTEN.get(k, k) for k in keys)


_WRITTEN = {
    "enter": "Enter",
    "escape": "Esc",
    "space": "Space",
    "question_mark": "?",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
}


def _both_cases(key: str) -> str:
    """'t' -> 't,T': a letter works with caps lock on, or with shift held."""
    if len(key) == 1 and key.isalpha():
        return f"{key.lower()},{key.upper()}"
    return key


@dataclass(frozen=True, slots=True)
class KeyMap:
    """The keys of one screen."""

    name: str
    """Where, as the README says it ('in the player')."""
    keys: tuple[Key, ...]

    def bindings(self) -> list[BindingType]:
        # A priority binding is handled as the key arrives, an ordinary one later through
        # the focused widget: mixed on one screen, "g y Enter" typed quickly would run
        # Enter first. So when one key of a screen needs priority, they all have it.
        if any(key.priority for key in self.keys):
            return [b for key in self.keys for b in replace(key, priority=True).bindings()]
        return [b for key in self.keys for b in key.bindings()]

    def help(self) -> str:
        """The keys as the help screen lists them, aligned."""
        width = max(len(k.written) for k in self.keys)
        return "\n".join(f"{k.written.ljust(width)}  {k.label}" for k in self.keys)


def _digits(action: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(n), f"{action}({n})") for n in range(1, 10))


_RATE = (
    Key(
        ("0",),
        "pick(0)",
        "Rate",
        shown="0-9",
        text="0-9",
        priority=True,
        family=_digits("pick"),
    ),
    Key(("t",), "pick(10)", "10", priority=True),
    Key(
        ("left",),
        "nudge(-1)",
        "One lower / higher",
        footer=False,
        priority=True,
        family=(("right", "nudge(1)"),),
    ),
)

HOME = KeyMap(
    "on home",
    (
        Key(("enter",), "start", "Start", priority=True),
        Key(
            ("up",),
            "move(-1)",
            "Why this dose (the line under the plan)",
            footer=False,
            family=(("down", "move(1)"),),
        ),
        Key(
            ("1",),
            "routine(1)",
            "Routine",
            shown="1-9",
            text="1-9",
            family=tuple((str(n), f"routine({n})") for n in range(2, 10)),
        ),
        Key(("o",), "choose", "Other session"),
        Key(("h",), "history", "History"),
        Key(("c",), "check", "Check"),
        Key(("s",), "settings", "Settings"),
        Key(("q",), "app.quit", "Quit"),
        Key(("question_mark",), "help", "Help"),
    ),
)

CHOOSE = KeyMap(
    "choosing another session",
    (
        Key(("up",), "move(-1)", "Move", footer=False, family=(("down", "move(1)"),)),
        Key(("enter",), "pick", "Pick", priority=True),
        Key(("d",), "make_default", "Make it my default"),
        Key(("escape",), "cancel", "Cancel"),
    ),
)

SETTINGS = KeyMap(
    "in the settings",
    (
        Key(("ctrl+s",), "save", "Save", priority=True, text="Ctrl+S"),
        Key(("escape",), "cancel", "Cancel", priority=True),
    ),
)

FOLLOW_UP = KeyMap(
    "after a warning sign last time",
    (
        Key(("g",), "symptoms('gone')", "It has gone"),
        Key(("b",), "symptoms('better')", "Better, not gone"),
        Key(("s",), "symptoms('same')", "Same or worse"),
        Key(("y",), "seen(True)", "Seen a clinician"),
        Key(("n",), "seen(False)", "Not seen"),
        Key(("enter",), "done", "Continue", priority=True),
        Key(("escape",), "later", "Not now"),
    ),
)

CHECKLIST = KeyMap(
    "in the safety checklist",
    (
        Key(
            ("up",),
            "move(-1)",
            "Move",
            footer=False,
            priority=True,
            family=(("down", "move(1)"),),
        ),
        # Tab moves the line being answered too (never to a button: y and n answer the
        # line that has the focus, whatever moved it).
        Key(
            ("tab",),
            "move(1)",
            "Next line",
            footer=False,
            priority=True,
            family=(("shift+tab", "move(-1)"),),
        ),
        Key(("y",), "answer(True)", "Yes", priority=True),
        Key(("n",), "answer(False)", "No", priority=True),
        # A letter of no other screen, so no key meant elsewhere answers every line; it
        # works once every line has been on screen (scrolled to the last).
        Key(("a",), "none", "None apply", priority=True),
        Key(("enter",), "done", "Done", priority=True),
        Key(("escape",), "later", "Not now"),
    ),
)

BASELINE = KeyMap(
    "in the pain prompt before a session",
    (
        *_RATE,
        Key(("enter",), "confirm", "Save", priority=True),
        Key(("escape",), "cancel", "Back", priority=True),
    ),
)

PAIN = KeyMap(
    "in the pain prompt after a set",
    (
        *_RATE,
        Key(("u",), "tick_symptom('numbness')", "Numbness", priority=True),
        Key(("w",), "tick_symptom('weakness')", "Weakness", priority=True),
        Key(("k",), "tick_symptom('knee')", "Below knee", priority=True),
        Key(("enter",), "confirm", "Save", priority=True),
        Key(("escape",), "cancel", "No rating", priority=True),
    ),
)

PAIN_ONLY = KeyMap(
    "in the pain prompt before or after a function check",
    (
        *_RATE,
        Key(("enter",), "confirm", "Save", priority=True),
        Key(("escape",), "cancel", "No rating", priority=True),
    ),
)

CORRECTION = KeyMap(
    "correcting a rating",
    (
        *PAIN.keys[:-1],
        Key(("escape",), "cancel", "Keep it", priority=True),
    ),
)

PLAYER = KeyMap(
    "in the player",
    (
        Key(("space",), "toggle_pause", "Pause"),
        Key(("n",), "skip", "Skip"),
        Key(("b",), "back", "Redo set"),
        Key(("r",), "correct", "Re-rate"),
        Key(("m",), "mute", "Mute"),
        # Only during a rest or a get-ready countdown (the footer shows it then).
        Key(
            ("plus", "equals_sign"),
            "adjust(10)",
            "Rest +/- 10 s",
            shown="+/-",
            text="+ / = / -",
            family=(("minus", "adjust(-10)"),),
        ),
        # Arrows: no prompt over the player uses them (the pain scale has left and right).
        Key(
            ("up",),
            "volume(1)",
            "Volume",
            shown="↑↓",
            text="Up / Down",
            family=(("down", "volume(-1)"),),
        ),
        Key(("q",), "quit_session", "Quit"),
        Key(("question_mark",), "help", "Help"),
    ),
)

STOP = KeyMap(
    "asked whether to stop a session, and why",
    (
        # The reasons of a skipped set, with the same letters: none is a player key, so a
        # key meant for the player never stops the session.
        Key(("h",), "answer('pain')", "It hurts"),
        Key(("i",), "answer('time')", "No time"),
        Key(("o",), "answer('other')", "Other reason"),
        Key(("escape", "n"), "answer(None)", "Keep going"),
    ),
)

QUIT = KeyMap(
    "asked whether to stop a function check",
    (
        Key(("y",), "answer(True)", "Stop"),
        Key(("escape", "n"), "answer(False)", "Keep going"),
    ),
)

CHECK = KeyMap(
    "in a function check",
    (
        Key(("enter",), "primary", "Start / go on", priority=True),
        Key(("e",), "easier", "Easier version"),
        Key(("s",), "skip_test", "Skip this test"),
        Key(("space",), "stop_hold('stopped')", "Stop: position lost"),
        Key(("p",), "stop_hold('pain')", "Stop: it hurts"),
        Key(("q",), "quit_check", "Stop the check"),
    ),
)

PSFS = KeyMap(
    "rating everyday activities (PSFS)",
    (
        Key(("ctrl+s",), "save", "Save", priority=True, text="Ctrl+S"),
        Key(("escape",), "not_today", "Not today", priority=True),
    ),
)

CHECK_SUMMARY = KeyMap(
    "after a function check",
    (Key(("enter",), "close", "Done", priority=True),),
)

SKIP = KeyMap(
    "asked why a set is skipped",
    (
        Key(("h",), "answer('pain')", "It hurts"),
        # Not t: T is 10 in the pain prompt that may open right after (n t must never
        # give a rating).
        Key(("i",), "answer('time')", "No time"),
        Key(("o",), "answer('other')", "Other reason"),
        Key(("escape",), "answer(None)", "Don't skip"),
    ),
)

ADVICE = KeyMap(
    "on safety advice",
    (
        Key(("enter", "escape"), "answer(False)", "The safe choice", priority=True),
        Key(("y",), "answer(True)", "Go on (when offered)"),
    ),
)

CANNOT_SAVE = KeyMap(
    "when nothing can be saved",
    (
        Key(("enter", "escape"), "answer('back')", "Back to home", priority=True),
        Key(("f",), "answer('folder')", "Choose another folder"),
        Key(("w",), "answer('without')", "Exercise without saving"),
    ),
)

FOLDER = KeyMap(
    "choosing a folder for the history",
    (
        # Not priority: the typed path must reach the Input before its Enter does.
        Key(("enter",), "use", "Use this folder"),
        Key(("escape",), "cancel", "Cancel"),
    ),
)

LEVEL = KeyMap(
    "offered a level move",
    (
        Key(("y",), "answer(True)", "Yes"),
        Key(("escape", "n"), "answer(False)", "Not now"),
    ),
)

RESUME = KeyMap(
    "after an interrupted session",
    (
        Key(("r",), "answer('resume')", "Resume"),
        Key(("c",), "answer('close')", "Close as partial"),
        Key(("escape",), "answer(None)", "Later"),
    ),
)

SUMMARY = KeyMap(
    "on the summary",
    (
        # Enter also ends the note: typed, then Enter, and it is kept.
        Key(("enter",), "close", "Done", priority=True),
        # Letters do nothing while the note is being written (they are its text).
        Key(("q",), "close_by_letter", "Done", footer=False),
        Key(("r",), "correct", "Re-rate the last set"),
        Key(("n",), "note", "Write a note"),
        Key(("escape",), "leave_note", "Leave the note", footer=False),
        # The summary is read to its last reason: the focus is on Done, so the arrows and
        # the page keys scroll the page rather than moving the focus.
        Key(
            ("up",),
            "scroll(-1)",
            "Scroll",
            shown="↑↓",
            text="Up / Down",
            family=(("down", "scroll(1)"),),
        ),
        Key(
            ("pageup",),
            "page(-1)",
            "Page up / down",
            text="PageUp / PageDown",
            footer=False,
            family=(("pagedown", "page(1)"),),
        ),
    ),
)

HISTORY = KeyMap(
    "in the history",
    (
        Key(("1",), "tab('calendar')", "Calendar"),
        Key(("2",), "tab('pain')", "Pain"),
        Key(("3",), "tab('exercises')", "Exercises"),
        Key(("4",), "tab('sessions')", "Sessions"),
        Key(("5",), "tab('checks')", "Checks"),
        Key(("r",), "next_range", "Period"),
        Key(("w",), "report", "Report"),
        Key(("escape", "q"), "back", "Back"),
    ),
)

SESSION_DETAIL = KeyMap(
    "on a past session",
    (Key(("escape", "q"), "back", "Back"),),
)

HELP = KeyMap(
    "on the help",
    (Key(("escape", "question_mark", "q"), "close", "Close"),),
)

ERROR = KeyMap(
    "on a file with problems",
    (Key(("q", "escape"), "close", "Quit"),),
)

KEYMAPS: tuple[KeyMap, ...] = (
    HOME,
    FOLLOW_UP,
    CHECKLIST,
    BASELINE,
    PLAYER,
    PAIN,
    CORRECTION,
    CHECK,
    PAIN_ONLY,
    PSFS,
    CHECK_SUMMARY,
    SKIP,
    STOP,
    QUIT,
    ADVICE,
    CANNOT_SAVE,
    FOLDER,
    SUMMARY,
    LEVEL,
    RESUME,
    CHOOSE,
    SETTINGS,
    HISTORY,
    SESSION_DETAIL,
    HELP,
    ERROR,
)


def markdown() -> str:
    """The README's key table: every screen, every key."""
    lines = ["| where | key | what it does |", "|---|---|---|"]
    for keymap in KEYMAPS:
        for index, key in enumerate(keymap.keys):
            where = keymap.name if index == 0 else ""
            written = key.written.replace("|", "\\|")
            lines.append(f"| {where} | `{written}` | {key.label} |")
    return "\n".join(lines) + "\n"
