"""Modal prompts: the pain rating, quitting, help, and the red-flag advice."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from coach.engine.day import ResumeChoice
from coach.engine.records import PainAnswer, SkipReason
from coach.engine.session import RED_FLAG_ADVICE

__all__ = [
    "AdviceScreen",
    "ConfirmQuit",
    "ErrorScreen",
    "HelpScreen",
    "LevelOffer",
    "PainPrompt",
    "ResumeScreen",
    "ScreeningScreen",
    "SkipReasonScreen",
]


def zone(pain: int, safe_max: int, acceptable_max: int) -> str:
    if pain <= safe_max:
        return "safe"
    if pain <= acceptable_max:
        return "acceptable"
    return "high"


class PainPrompt(ModalScreen[PainAnswer]):
    """Pain 0-10 with single keys (T for 10), plus three nerve-symptom questions."""

    # All priority: a priority binding is handled ahead of ordinary key dispatch, so if
    # only Enter were one, "3 Enter" typed quickly would confirm before picking 3.
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", show=False, priority=True) for n in range(10)),
        Binding("t", "pick(10)", "10", show=False, priority=True),
        Binding("left", "nudge(-1)", show=False, priority=True),
        Binding("right", "nudge(1)", show=False, priority=True),
        Binding("enter", "confirm", "Save", priority=True),
        Binding("escape", "skip", "Skip rating", priority=True),
        Binding("n", "tick_symptom('numbness')", show=False, priority=True),
        Binding("w", "tick_symptom('weakness')", show=False, priority=True),
        Binding("k", "tick_symptom('knee')", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        *,
        safe_max: int = 2,
        acceptable_max: int = 5,
        ask_symptoms: bool = True,
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.note = note
        self.safe_max = safe_max
        self.acceptable_max = acceptable_max
        self.ask_symptoms = ask_symptoms
        self.picked: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="pain-dialog", classes="dialog"):
            yield Label(Text(self.title_text), id="pain-title", classes="dialog-title")
            if self.note:
                yield Label(Text(self.note), classes="hint")
            yield Label("0 = no pain, 10 = worst imaginable. Keys 0-9, T for 10.", classes="hint")
            with Horizontal(id="pain-scale"):
                for n in range(11):
                    button = Button(
                        str(n),
                        id=f"pain-{n}",
                        classes=f"pain {zone(n, self.safe_max, self.acceptable_max)}",
                        compact=True,
                    )
                    button.can_focus = False
                    yield button
            yield Label("", id="pain-zone")
            if self.ask_symptoms:
                yield Label("Any of these now? Press the letter to tick it.", classes="hint")
                yield Checkbox("Numbness or tingling (N)", id="numbness", compact=True)
                yield Checkbox("Weakness in a leg (W)", id="weakness", compact=True)
                yield Checkbox("Pain spreading below the knee (K)", id="knee", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Save (Enter)", id="save", variant="primary", disabled=True, compact=True
                )
                yield Button("Skip (Esc)", id="skip", compact=True)

    def action_pick(self, pain: int) -> None:
        self.picked = pain
        for n in range(11):
            self.query_one(f"#pain-{n}", Button).set_class(n == pain, "-picked")
        words = {
            "safe": "in the safe zone",
            "acceptable": "acceptable: the dose will not go up",
            "high": "high: this exercise stops for today",
        }
        label = words[zone(pain, self.safe_max, self.acceptable_max)]
        self.query_one("#pain-zone", Label).update(f"{pain}/10 is {label}.")
        self.query_one("#save", Button).disabled = False

    def action_nudge(self, delta: int) -> None:
        if self.picked is None:
            self.action_pick(0 if delta > 0 else 10)
            return
        self.action_pick(min(10, max(0, self.picked + delta)))

    def action_tick_symptom(self, name: str) -> None:
        if self.ask_symptoms:
            checkbox = self.query_one(f"#{name}", Checkbox)
            checkbox.value = not checkbox.value

    def _checked(self, name: str) -> bool:
        return self.ask_symptoms and self.query_one(f"#{name}", Checkbox).value

    def action_confirm(self) -> None:
        if self.picked is None:
            self.notify("Pick a number from 0 to 10 first (T is 10).", severity="warning")
            return
        self.dismiss(
            PainAnswer(
                self.picked,
                numbness=self._checked("numbness"),
                leg_weakness=self._checked("weakness"),
                pain_below_knee=self._checked("knee"),
            )
        )

    def action_skip(self) -> None:
        self.dismiss(
            PainAnswer(
                None,
                numbness=self._checked("numbness"),
                leg_weakness=self._checked("weakness"),
                pain_below_knee=self._checked("knee"),
            )
        )

    @on(Button.Pressed, ".pain")
    def _clicked_pain(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_pick(int(event.button.id.removeprefix("pain-")))

    @on(Button.Pressed, "#save")
    def _clicked_save(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#skip")
    def _clicked_skip(self) -> None:
        self.action_skip()


class ConfirmQuit(ModalScreen[bool]):
    """Quitting mid-session asks first; rated sets are already saved either way."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes, stop"),
        Binding("n", "answer(False)", "No, carry on"),
        Binding("escape", "answer(False)", show=False),
        Binding("q", "answer(True)", show=False),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.message, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Stop (y)", id="yes", variant="error", compact=True)
                yield Button("Carry on (n)", id="no", variant="primary", compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


def help_text(safe_max: int = 2, acceptable_max: int = 5, stop_session_at: int = 8) -> str:
    """The player's keys, and what the pain zones of this program are."""
    return f"""\
space   pause or resume
n       skip to the next step (a set cut short asks why)
b       back: redo the current set
m       mute or unmute sounds
q       stop the session (rated sets are kept)
?       this help

After every set coach asks for your pain from 0 to 10 (T is 10).
0-{safe_max} is the safe zone; up to {acceptable_max} is acceptable if it settles by the
next morning; above {acceptable_max} ends that exercise for today, and {stop_session_at} or more
asks whether to stop the session.

Numbness, leg weakness or pain spreading below the knee stops the
session: please see a clinician before exercising again.

coach is a training aid, not a diagnosis."""


HELP_TEXT = help_text()


class HelpScreen(ModalScreen[None]):
    def __init__(self, text: str = HELP_TEXT) -> None:
        super().__init__()
        self.text = text

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", show=False),
        Binding("q", "close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Label("Keys and what they do", classes="dialog-title")
            yield Static(self.text, markup=False)
            yield Button("Close (Esc)", id="close", compact=True)

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _clicked(self) -> None:
        self.dismiss(None)


class AdviceScreen(ModalScreen[bool]):
    """Safety advice. With a ``go_on`` label it asks whether to continue (y/n)."""

    BINDINGS = [
        Binding("enter", "answer(False)", "I understand", priority=True),
        Binding("y", "answer(True)", show=False),
        Binding("n", "answer(False)", show=False),
    ]

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
        self.body = body
        self.go_on = go_on
        self.stay = stay
        self.urgent = urgent

    def compose(self) -> ComposeResult:
        classes = "dialog advice" + (" urgent" if self.urgent else "")
        with VerticalScroll(classes=classes, id="advice"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.body))
            with Horizontal(classes="dialog-buttons"):
                if self.go_on is not None:
                    yield Button(f"{self.go_on} (y)", id="yes", compact=True)
                    yield Button(
                        f"{self.stay} (n, Enter)", id="no", variant="primary", compact=True
                    )
                else:
                    yield Button("I understand (Enter)", id="no", variant="warning", compact=True)

    def action_answer(self, go_on: bool) -> None:
        self.dismiss(go_on and self.go_on is not None)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ScreeningScreen(ModalScreen[dict[str, bool]]):
    """The red-flag checklist, before the first session and every few weeks."""

    BINDINGS = [Binding("enter", "done", "Done", priority=True)]

    def compose(self) -> ComposeResult:
        from textual.widgets import SelectionList

        from coach.engine.screening import QUESTIONS

        with Vertical(classes="dialog", id="screening"):
            yield Label("A quick safety check", classes="dialog-title")
            yield Label(
                "Do any of these apply to you now? Tick them with space (or click), then "
                "press Enter. If none apply, just press Enter.",
                classes="hint",
            )
            yield SelectionList[str](*((Text(q.text), q.key) for q in QUESTIONS), id="questions")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done (Enter)", id="done", variant="primary", compact=True)

    def action_done(self) -> None:
        from textual.widgets import SelectionList

        from coach.engine.screening import QUESTIONS

        ticked = set(self.query_one("#questions", SelectionList).selected)
        self.dismiss({q.key: q.key in ticked for q in QUESTIONS})

    @on(Button.Pressed, "#done")
    def _clicked(self) -> None:
        self.action_done()


class ErrorScreen(ModalScreen[None]):
    """A problem that stops coach from going on, with the details and a way out."""

    BINDINGS = [Binding("q", "close", "Quit"), Binding("escape", "close", show=False)]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="error"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text("\n".join(self.lines)), markup=False)
            yield Button("Quit (q)", id="quit", variant="error", compact=True)

    def action_close(self) -> None:
        self.app.exit(return_code=1)

    @on(Button.Pressed)
    def _clicked(self) -> None:
        self.app.exit(return_code=1)


class LevelOffer(ModalScreen[bool]):
    """The engine offers a level change; only the user makes it. Nothing is focused, so
    Enter (which closes the summary below) never answers it; 'Not now' is the default."""

    AUTO_FOCUS = ""  # nothing focused: Enter answers nothing here
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "Not now"),
        Binding("escape", "answer(False)", show=False),
    ]

    def __init__(self, program_name: str, from_level: int, to_level: int, *, up: bool) -> None:
        super().__init__()
        self.program_name = program_name
        self.from_level = from_level
        self.to_level = to_level
        self.up = up

    def compose(self) -> ComposeResult:
        if self.up:
            title = f"{self.program_name}: level {self.from_level} mastered"
            body = (
                f"Every exercise has been at its top dose, with little pain, for several "
                f"sessions. Move up to level {self.to_level} next time? Its exercises start "
                "easy again. You can stay if you prefer."
            )
        else:
            title = f"{self.program_name}: level {self.from_level} feels hard right now"
            body = (
                "Exercises have had to step back at their easiest dose two sessions in a row. "
                f"Go back to level {self.to_level} for a while? That is a normal part of "
                "recovery."
            )
        with Vertical(classes="dialog"):
            yield Label(Text(title), classes="dialog-title")
            yield Static(Text(body))
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"Yes, level {self.to_level} (y)", id="yes", compact=True)
                yield Button("Not now (n, Esc)", id="no", variant="primary", compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class SkipReasonScreen(ModalScreen[SkipReason | None]):
    """Skipping the rest of a set: why? Only 'it hurts' counts as pain."""

    AUTO_FOCUS = ""  # nothing focused: Enter answers nothing here
    BINDINGS = [
        Binding("h", "answer('pain')", "It hurts"),
        Binding("t", "answer('time')", "No time"),
        Binding("o", "answer('other')", "Other reason"),
        Binding("escape", "answer(None)", "Don't skip"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="skip-dialog"):
            yield Label(Text(f"Skip the rest of {self.what}?"), classes="dialog-title")
            yield Static(
                "Why? Only pain changes the dose: it steps back next time. For the other "
                "reasons the dose stays."
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("It hurts (h)", id="pain", compact=True)
                yield Button("No time (t)", id="time", compact=True)
                yield Button("Other (o)", id="other", compact=True)
                yield Button("Don't skip (Esc)", id="cancel", variant="primary", compact=True)

    def action_answer(self, reason: str | None) -> None:
        self.dismiss(SkipReason(reason) if reason else None)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        chosen = event.button.id
        self.action_answer(None if chosen == "cancel" else chosen)


class ResumeScreen(ModalScreen[ResumeChoice | None]):
    """An interrupted session: resume it, close it as partial, or decide later.

    Dismisses with the choice, or None (later: it is asked again next start)."""

    BINDINGS = [
        Binding("r", "answer('resume')", "Resume"),
        Binding("c", "answer('close')", "Close as partial"),
        Binding("escape", "answer(None)", "Later"),
    ]

    def __init__(self, title: str, body: str, *, can_resume: bool) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.can_resume = can_resume

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="resume-dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(Text(self.body))
            with Horizontal(classes="dialog-buttons"):
                if self.can_resume:
                    yield Button("Resume (r)", id="resume", variant="primary", compact=True)
                yield Button(
                    "Close as partial (c)",
                    id="close",
                    variant="default" if self.can_resume else "primary",
                    compact=True,
                )
                yield Button("Later (Esc)", id="later", compact=True)

    def action_answer(self, answer: str | None) -> None:
        choice = None if answer is None else ResumeChoice(answer)
        if choice is ResumeChoice.RESUME and not self.can_resume:
            return
        self.dismiss(choice)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        self.action_answer(None if event.button.id == "later" else event.button.id)
