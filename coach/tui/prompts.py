"""Modal questions: pain ratings, quitting, skipping, advice, level offers, resuming,
help and errors. The safety checklist and the follow-up after a warning sign are in
:mod:`coach.tui.safety`. Every key comes from :mod:`coach.tui.keys`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.events import Click
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from coach.engine.day import ResumeChoice
from coach.engine.records import PainAnswer, SkipReason
from coach.engine.session import RED_FLAG_ADVICE
from coach.engine.signs import IN_SESSION
from coach.tui import keys
from coach.tui.dialog import Dialog
from coach.tui.keys import KeyMap
from coach.tui.painscale import PainScale, zone

__all__ = [
    "AdviceScreen",
    "BaselinePrompt",
    "CheckPainPrompt",
    "ConfirmQuit",
    "CorrectionPrompt",
    "ErrorScreen",
    "HelpScreen",
    "LevelOffer",
    "PainPrompt",
    "PlainPainPrompt",
    "ResumeScreen",
    "SkipReasonScreen",
    "zone",
]

# The warning signs asked after every set (the table's words): (id, words, key). Their
# keys mean nothing in the player below (never space, n, b, r, m or q), so a key meant
# for the player can never tick one.
_SIGN_IDS = {
    "numbness": ("numbness", "u"),
    "leg_weakness": ("weakness", "w"),
    "pain_below_knee": ("knee", "k"),
}
SIGNS = tuple((_SIGN_IDS[sign.key][0], sign.text, _SIGN_IDS[sign.key][1]) for sign in IN_SESSION)


class SignBox(Static):
    """One warning sign: ticked with its key (or a click), shown as [x] or [ ], so it
    reads the same without colour. Never focused: Space cannot tick it."""

    def __init__(self, words: str, key: str, *, ticked: bool, id: str) -> None:
        super().__init__(id=id)
        self.words = words
        self.key = key
        self.ticked = ticked
        self.can_focus = False

    def on_mount(self) -> None:
        self._draw()

    def toggle(self) -> None:
        self.ticked = not self.ticked
        self._draw()

    def _draw(self) -> None:
        mark = "[x]" if self.ticked else "[ ]"
        self.set_class(self.ticked, "-ticked")
        self.update(Text(f"{mark} {self.words} ({self.key.upper()})"))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.toggle()


class RatingPrompt(Dialog[PainAnswer | None]):
    """A pain rating 0-10 with the scale focused, and (after a set) the warning signs.
    Its kinds below differ in their keys and in what Escape means."""

    AUTO_FOCUS = "PainScale"
    DIALOG_ID = "pain-dialog"
    ASK_SIGNS: ClassVar[bool] = True
    CANCEL: ClassVar[str] = "No rating"
    ZONES: ClassVar[dict[str, str]] = {
        "safe": "in the safe zone",
        "acceptable": "in the acceptable zone",
        "high": "high",
    }
    """What a rating in each zone is called (the words after 'N/10 is'): only what
    is true of the question asked. A rating before a session or in a function check
    changes no dose; the prompt after a set says what it does (:class:`PainPrompt`)."""

    def __init__(
        self,
        title: str,
        *,
        safe_max: int = 2,
        acceptable_max: int = 5,
        note: str = "",
        answer: PainAnswer | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.note = note
        self.safe_max = safe_max
        self.acceptable_max = acceptable_max
        self.start = answer
        self.picked: int | None = None

    def head(self) -> Iterable[Widget]:
        yield Label(Text(self.title_text), id="pain-title", classes="dialog-title")

    def body(self) -> Iterable[Widget]:
        if self.note:
            yield Label(Text(self.note), classes="hint")
        # The scale's words stay at every size; only the keys give way to the key bar.
        yield Static("0 = no pain, 10 = worst imaginable.", id="pain-words")
        yield Label("Keys 0-9, T for 10.", classes="hint")
        yield PainScale(self.safe_max, self.acceptable_max, id="pain-scale")
        yield Static("", id="pain-zone")
        if self.ASK_SIGNS:
            yield Label("Any of these now? Press its letter to tick it.", classes="hint")
            start = self.start
            ticked = {
                "numbness": bool(start and start.numbness),
                "weakness": bool(start and start.leg_weakness),
                "knee": bool(start and start.pain_below_knee),
            }
            for name, words, key in SIGNS:
                yield SignBox(words, key, ticked=ticked[name], id=name)

    def buttons(self) -> Iterable[Widget]:
        save = Button(
            "Save (Enter)",
            id="save",
            variant="primary",
            disabled=True,
            compact=True,
            classes="keyed",
        )
        save.can_focus = False
        cancel = Button(f"{self.CANCEL} (Esc)", id="cancel", compact=True, classes="keyed")
        cancel.can_focus = False
        yield save
        yield cancel

    def on_mount(self) -> None:
        if self.start is not None and self.start.pain is not None:
            self.action_pick(self.start.pain)
        # The scale first, however small the terminal: the body scrolls to it.
        self.call_after_refresh(self.query_one(PainScale).scroll_visible, animate=False)

    def action_pick(self, pain: int) -> None:
        self.picked = pain
        self.query_one(PainScale).picked = pain
        label = self.ZONES[zone(pain, self.safe_max, self.acceptable_max)]
        self.query_one("#pain-zone", Static).update(f"{pain}/10 is {label}.")
        self.query_one("#save", Button).disabled = False

    def action_nudge(self, delta: int) -> None:
        if self.picked is None:
            self.action_pick(0 if delta > 0 else 10)
            return
        self.action_pick(min(10, max(0, self.picked + delta)))

    def action_tick_symptom(self, name: str) -> None:
        if self.ASK_SIGNS:
            self.query_one(f"#{name}", SignBox).toggle()

    def _ticked(self, name: str) -> bool:
        return self.ASK_SIGNS and self.query_one(f"#{name}", SignBox).ticked

    def _answer(self, pain: int | None) -> PainAnswer:
        return PainAnswer(
            pain,
            numbness=self._ticked("numbness"),
            leg_weakness=self._ticked("weakness"),
            pain_below_knee=self._ticked("knee"),
        )

    def action_confirm(self) -> None:
        if self.picked is None:
            self.notify("Pick a number from 0 to 10 first (T is 10).", severity="warning")
            return
        self.dismiss(self._answer(self.picked))

    def action_cancel(self) -> None:
        self.dismiss(self._answer(None))

    @on(PainScale.Picked)
    def _clicked_scale(self, event: PainScale.Picked) -> None:
        self.action_pick(event.pain)

    @on(Button.Pressed, "#save")
    def _clicked_save(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _clicked_cancel(self) -> None:
        self.action_cancel()


class PainPrompt(RatingPrompt):
    """Pain after a set, and the three warning signs. Escape gives no rating (any sign
    ticked is kept: a sign is never dropped)."""

    KEYS = keys.PAIN
    BINDINGS = keys.PAIN.bindings()
    # The rules after a session (coach.engine.scaling): the highest rating of an
    # exercise's sets decides its next dose; in the acceptable zone it is repeated (or
    # stepped back by a later rule), never raised; above it the exercise ends today.
    ZONES: ClassVar[dict[str, str]] = {
        "safe": "in the safe zone",
        "acceptable": "acceptable: this exercise will not go up next time",
        "high": "high: this exercise stops for today",
    }


class CheckPainPrompt(PainPrompt):
    """Pain after a function check, and the three warning signs: a check has no dose
    and nothing stops, so the zones are only named."""

    ZONES = RatingPrompt.ZONES


class BaselinePrompt(RatingPrompt):
    """How the back feels before a session. Escape goes back (no session)."""

    KEYS = keys.BASELINE
    BINDINGS = keys.BASELINE.bindings()
    ASK_SIGNS = False
    CANCEL = "Back"

    def action_cancel(self) -> None:
        self.dismiss(None)


class PlainPainPrompt(RatingPrompt):
    """Pain alone (before a function check): Escape gives no rating."""

    KEYS = keys.PAIN_ONLY
    BINDINGS = keys.PAIN_ONLY.bindings()
    ASK_SIGNS = False


class CorrectionPrompt(RatingPrompt):
    """The last rating, opened on what was given. Escape keeps it as it was."""

    KEYS = keys.CORRECTION
    BINDINGS = keys.CORRECTION.bindings()
    CANCEL = "Keep it"

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmQuit(Dialog[bool]):
    """Stopping a function check asks first; 'Keep going' is focused, so Enter keeps
    going and a second q does nothing."""

    KEYS = keys.QUIT
    BINDINGS = keys.QUIT.bindings()
    AUTO_FOCUS = "#no"

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def body(self) -> Iterable[Widget]:
        yield Label(Text(self.message), classes="dialog-title")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Stop (y)", id="yes", variant="error", compact=True, classes="keyed")
        yield Button("Keep going (Esc)", id="no", variant="primary", compact=True, classes="keyed")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ConfirmStop(Dialog[SkipReason | None]):
    """Stopping a session asks first, and why (the reasons of a skipped set): only 'it
    hurts' costs a step for what was not finished. 'Keep going' is focused, so Enter
    keeps going and a second q does nothing."""

    KEYS = keys.STOP
    BINDINGS = keys.STOP.bindings()
    AUTO_FOCUS = "#keep"
    DIALOG_ID = "stop-dialog"

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def body(self) -> Iterable[Widget]:
        yield Label(Text(self.message), classes="dialog-title")
        yield Static(
            "Why? If it hurts, what you did not finish steps back next time; for the other "
            "reasons the doses stay."
        )

    def buttons(self) -> Iterable[Widget]:
        yield Button("It hurts (h)", id="pain", variant="error", compact=True, classes="keyed")
        yield Button("No time (i)", id="time", compact=True, classes="keyed")
        yield Button("Other (o)", id="other", compact=True, classes="keyed")
        yield Button(
            "Keep going (Esc)", id="keep", variant="primary", compact=True, classes="keyed"
        )

    def action_answer(self, reason: str | None) -> None:
        self.dismiss(SkipReason(reason) if reason else None)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        chosen = event.button.id
        self.action_answer(None if chosen == "keep" else chosen)


class HelpScreen(Dialog[None]):
    """The keys of the screen below, and what else it should say (the pain zones)."""

    KEYS = keys.HELP
    BINDINGS = keys.HELP.bindings()
    DIALOG_ID = "help"

    def __init__(self, keymap: KeyMap, extra: str = "") -> None:
        super().__init__()
        self.keymap = keymap
        self.extra = extra
        self.text = keymap.help() + (f"\n\n{extra}" if extra else "")
        """All the help says, for the tests."""

    def body(self) -> Iterable[Widget]:
        yield Label(f"Keys {self.keymap.name}", classes="dialog-title")
        yield Static(Text(self.keymap.help()), classes="keys")
        if self.extra:
            yield Static(Text(self.extra), classes="help-extra")
        yield Static(
            Text("Letters work in either case. coach is a training aid, not a diagnosis."),
            classes="hint",
        )

    def buttons(self) -> Iterable[Widget]:
        yield Button("Close (Esc)", id="close", compact=True, classes="keyed")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _clicked(self) -> None:
        self.dismiss(None)


def zones_text(safe_max: int = 2, acceptable_max: int = 5, stop_session_at: int = 8) -> str:
    """What the pain zones of the program being played are, for the player's help."""
    return (
        f"After every set coach asks for your pain from 0 to 10 (T is 10). "
        f"0-{safe_max} is the safe zone; up to {acceptable_max} is acceptable if it settles "
        f"by the next morning; above {acceptable_max} ends that exercise for today, and "
        f"{stop_session_at} or more asks whether to stop the session. R reopens the last "
        "rating to correct it.\n\n"
        "Numbness or tingling (U), weakness in a leg (W) or pain spreading below the knee "
        "(K) stops the session: please see a clinician before exercising again. A set cut "
        "short with N asks why: only pain counts as pain."
    )


class AdviceScreen(Dialog[bool]):
    """Safety advice. With a ``go_on`` label it asks whether to go on (y); Enter and
    Escape always give the safe answer, which is the focused button."""

    KEYS = keys.ADVICE
    BINDINGS = keys.ADVICE.bindings()
    AUTO_FOCUS = "#no"
    DIALOG_ID = "advice"

    def __init__(
        self,
        title: str = "Please stop and see a clinician",
        body: str = RED_FLAG_ADVICE,
        *,
        go_on: str | None = None,
        stay: str = "Not today",
        urgent: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body_text = body
        self.go_on = go_on
        self.stay = stay
        self.urgent = urgent

    def dialog_classes(self) -> str:
        return "advice urgent" if self.urgent else "advice"

    def key_label(self, action: str, label: str) -> str:
        if action == "answer(False)":
            return self.stay if self.go_on is not None else "I understand"
        if action == "answer(True)" and self.go_on is not None:
            return self.go_on
        return label

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # 'y' exists only where there is something to go on to.
        return not (action == "answer" and parameters == (True,) and self.go_on is None)

    def body(self) -> Iterable[Widget]:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield Static(Text(self.body_text), id="advice-body")

    def buttons(self) -> Iterable[Widget]:
        if self.go_on is not None:
            yield Button(f"{self.go_on} (y)", id="yes", compact=True, classes="keyed")
            yield Button(
                f"{self.stay} (Enter)", id="no", variant="primary", compact=True, classes="keyed"
            )
        else:
            yield Button(
                "I understand (Enter)", id="no", variant="warning", compact=True, classes="keyed"
            )

    def action_answer(self, go_on: bool) -> None:
        self.dismiss(go_on and self.go_on is not None)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ErrorScreen(Dialog[None]):
    """A problem that stops coach from going on, with the details and a way out."""

    KEYS = keys.ERROR
    BINDINGS = keys.ERROR.bindings()
    DIALOG_ID = "error"

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def body(self) -> Iterable[Widget]:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield Static(Text("\n".join(self.lines)), markup=False)

    def buttons(self) -> Iterable[Widget]:
        yield Button("Quit (q)", id="quit", variant="error", compact=True, classes="keyed")

    def action_close(self) -> None:
        self.app.exit(return_code=1)

    @on(Button.Pressed)
    def _clicked(self) -> None:
        self.app.exit(return_code=1)


class LevelOffer(Dialog[bool]):
    """The engine offers a level change; only the person makes it. 'Not now' is the
    focused default, and Enter (which closed the summary below) is not a key here."""

    KEYS = keys.LEVEL
    BINDINGS = [*keys.LEVEL.bindings(), Binding("enter", "nothing", show=False, priority=True)]
    AUTO_FOCUS = ""

    def __init__(
        self,
        program_name: str,
        from_level: int,
        to_level: int,
        *,
        up: bool,
        criterion: str = "",
        to_name: str = "",
        to_description: str = "",
    ) -> None:
        super().__init__()
        self.program_name = program_name
        self.from_level = from_level
        self.to_level = to_level
        self.up = up
        self.criterion = criterion
        self.to_name = to_name
        self.to_description = to_description

    def body(self) -> Iterable[Widget]:
        if self.up:
            title = f"{self.program_name}: level {self.from_level} mastered"
            named = f" ({self.to_name})" if self.to_name else ""
            about = f"\n\n{self.to_description}" if self.to_description else ""
            if self.criterion:
                # The level's own criterion is the question: the doses alone do not say.
                text = (
                    "Every exercise has been at its top dose, with little pain, for several "
                    f"sessions. This level has one more condition:\n\n{self.criterion}\n\n"
                    f"Only if that is true now: move up to level {self.to_level}{named} next "
                    f"time?{about}"
                )
            else:
                text = (
                    "Every exercise has been at its top dose, with little pain, for several "
                    f"sessions. Move up to level {self.to_level}{named} next time? It starts "
                    f"at the doses its file gives. You can stay if you prefer.{about}"
                )
        else:
            title = f"{self.program_name}: level {self.from_level} feels hard right now"
            text = (
                "Exercises have had to step back at their easiest dose two sessions in a row. "
                f"Go back to level {self.to_level} for a while? That is a normal part of "
                "recovery."
            )
        yield Label(Text(title), classes="dialog-title")
        yield Static(Text(text))

    def buttons(self) -> Iterable[Widget]:
        yield Button(f"Yes, level {self.to_level} (y)", id="yes", compact=True, classes="keyed")
        yield Button("Not now (Esc)", id="no", variant="primary", compact=True, classes="keyed")

    def action_nothing(self) -> None:
        """Enter: a leftover press from the summary must not answer the offer."""

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class SkipReasonScreen(Dialog[SkipReason | None]):
    """Skipping the rest of a set: why? Only 'it hurts' counts as pain."""

    KEYS = keys.SKIP
    BINDINGS = keys.SKIP.bindings()
    AUTO_FOCUS = ""  # nothing focused: Enter answers nothing here
    DIALOG_ID = "skip-dialog"

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def body(self) -> Iterable[Widget]:
        yield Label(Text(f"Skip the rest of {self.what}?"), classes="dialog-title")
        yield Static(
            "Why? Only pain changes the dose: it steps back next time. For the other "
            "reasons the dose stays."
        )

    def buttons(self) -> Iterable[Widget]:
        yield Button("It hurts (h)", id="pain", compact=True, classes="keyed")
        yield Button("No time (i)", id="time", compact=True, classes="keyed")
        yield Button("Other (o)", id="other", compact=True, classes="keyed")
        yield Button(
            "Don't skip (Esc)", id="cancel", variant="primary", compact=True, classes="keyed"
        )

    def action_answer(self, reason: str | None) -> None:
        self.dismiss(SkipReason(reason) if reason else None)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        chosen = event.button.id
        self.action_answer(None if chosen == "cancel" else chosen)


class ResumeScreen(Dialog[ResumeChoice | None]):
    """An interrupted session: resume it, close it as partial, or decide later.

    Dismisses with the choice, or None (later: it is asked again next start)."""

    KEYS = keys.RESUME
    BINDINGS = keys.RESUME.bindings()
    DIALOG_ID = "resume-dialog"

    def __init__(self, title: str, body: str, *, can_resume: bool) -> None:
        super().__init__()
        self.title_text = title
        self.body_text = body
        self.can_resume = can_resume

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "answer" and parameters == ("resume",) and not self.can_resume)

    def body(self) -> Iterable[Widget]:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield Static(Text(self.body_text))

    def buttons(self) -> Iterable[Widget]:
        if self.can_resume:
            yield Button(
                "Resume (r)", id="resume", variant="primary", compact=True, classes="keyed"
            )
        yield Button(
            "Close as partial (c)",
            id="close",
            variant="default" if self.can_resume else "primary",
            compact=True,
            classes="keyed",
        )
        yield Button("Later (Esc)", id="later", compact=True, classes="keyed")

    def action_answer(self, answer: str | None) -> None:
        choice = None if answer is None else ResumeChoice(answer)
        if choice is ResumeChoice.RESUME and not self.can_resume:
            return
        self.dismiss(choice)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.action_answer(None if event.button.id == "later" else event.button.id)
