"""The player screen: big remaining seconds, what to do now, what comes next.

It renders the runner's state and forwards intent; it decides nothing. What happens is
reported to the app as messages: :class:`PlayerScreen.Moved` after every change (with
the runner's events: a set to rate, the end, cues), :class:`PlayerScreen.QuitRequested`
and :class:`PlayerScreen.MuteToggled`. Time comes from the
runner's monotonic session clock, and the screen sleeps until exactly when the runner or
the displayed number next changes. The wake-up is an asyncio ``call_later``, not a
Textual timer: a Textual one-shot timer whose deadline has already passed when its task
first runs is skipped silently (its catch-up logic counts it as done), which froze the
countdown under load; and its repeating timers fire a burst after a pause.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static

from coach.engine.progression import describe_dose
from coach.engine.runner import RunnerEvent, RunState, StepStarted
from coach.engine.session import SessionController
from coach.engine.timeline import Phase, PlannedExercise, Step, StepKind, work_words
from coach.format.durations import format_clock, format_duration
from coach.format.text import printable
from coach.tui import keys
from coach.tui.bignumber import BigNumber, SessionBar
from coach.tui.figure import FigureStage, FigureView
from coach.tui.graphics import Graphics
from coach.tui.keybar import KeyBar
from coach.tui.picture import ImageWidget, PictureView
from coach.tui.stage import Arrangement, Place, arrange

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["PlayerScreen"]

BAR_REDRAW_SECONDS = 5.0

MIN_WIDTH, MIN_HEIGHT = 40, 12
"""Below this the player shows only a notice: no layout keeps everything readable."""

_SHORT_LABELS = {"back": "Redo", "adjust(10)": "Rest", "volume(1)": "Vol"}
"""The key bar's labels when the full ones do not fit on one line."""
_DROPPED_FIRST = ("volume(1)", "correct", "back", "mute", "skip")
"""The keys the bar leaves out first when even the short labels do not fit (they all
still work, and ? lists them): Pause, the rest's +/-, Quit and Help always show."""

_PHASE_WORDS = {Phase.UP: "UP", Phase.PAUSE: "HOLD", Phase.DOWN: "DOWN"}


def remaining_text(seconds: float) -> str:
    whole = math.ceil(seconds - 1e-6)
    return format_clock(whole) if whole >= 60 else str(max(0, whole))


def minutes_left(seconds: float) -> str:
    """'13 min left', 'under a minute left': the session's remaining time at a glance."""
    minutes = math.ceil(max(0.0, seconds) / 60 - 1e-9)
    return "under a minute left" if minutes <= 1 else f"{minutes} min left"


class PlayerScreen(Screen[None]):
    BINDINGS = [
        *keys.PLAYER.bindings(),
        # Ctrl+C asks like q: a reflex must not end a session unasked.
        Binding("ctrl+c", "quit_session", show=False, priority=True),
    ]

    class Moved(Message):
        """The session moved (or was redrawn): the runner's events, in order, and the
        monotonic time they were handled."""

        def __init__(self, events: tuple[RunnerEvent, ...], at: float) -> None:
            super().__init__()
            self.events = events
            self.at = at

    class QuitRequested(Message):
        """The person wants to stop the session (the app asks first)."""

    class SkipRequested(Message):
        """The person wants to skip ahead (cutting a set short asks why)."""

    class CorrectRequested(Message):
        """The person wants to correct the last rating."""

    class VolumeChanged(Message):
        """The person wants the cues louder (``direction`` 1) or quieter (-1)."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class MuteToggled(Message):
        def __init__(self, muted: bool) -> None:
            super().__init__()
            self.muted = muted

    def __init__(
        self,
        session: SessionController,
        *,
        pictures: Mapping[int, Path] | None = None,
        graphics: Graphics | None = None,
    ) -> None:
        """``pictures`` maps an exercise's index in the plan to its picture file, shown in
        the figure's place once decoded when ``graphics`` says the terminal can."""
        super().__init__()
        self.session = session
        self._picture_files = dict(pictures or {}) if graphics is not None else {}
        self._graphics = graphics
        self._pictures: dict[int, Image] = {}
        self._picture_maker: ImageWidget | None = None
        self._picture_view: PictureView | None = None
        self.runner = session.runner
        self._resume_after_help: Callable[[], list[RunnerEvent]] | None = None
        self._shown: dict[str, str] = {}
        self._widgets: dict[str, Static] = {}
        self._clock_widget: BigNumber | None = None
        self._figure_widget: FigureView | None = None
        self._bar_widget: SessionBar | None = None
        self._shown_progress = -1.0
        self._mode: tuple[bool, str] = (False, "")
        self._template = "00"
        """The widest count of the step shown, which sizes the digits for the step."""
        self._arranged: tuple[object, ...] = ()
        self.arrangement: Arrangement | None = None
        """Where the rows went (coach.tui.stage), for the tests."""
        self._wake_handle: asyncio.TimerHandle | None = None
        self.muted = False
        self._adjustable = False

    def compose(self) -> ComposeResult:
        yield Label(
            f"Make the window larger: the player needs at least {MIN_WIDTH}x{MIN_HEIGHT}. "
            "Space pauses or goes on.",
            id="too-small",
        )
        with Horizontal(id="top"):
            yield Label("", id="where")
            yield Label("", id="state")
        yield Label("", id="phase")
        yield Label("", id="exercise-name")
        yield Label("", id="detail")
        with FigureStage(id="stage"):
            yield BigNumber(id="clock")
            yield FigureView(self.runner, id="figure")
            yield PictureView(id="picture")
        with Horizontal(id="progress-row"):
            yield SessionBar(id="progress")
            yield Label("", id="elapsed")
        yield Label("", id="next")
        # Not focusable: the arrows are the volume keys, not this box's scrolling (the
        # mouse wheel still scrolls it).
        with VerticalScroll(id="about", can_focus=False):
            yield Static("", id="instructions", markup=False)
            yield Static("", id="stop-if", markup=False)
        # One line at any width: a second would take a row from the digits.
        yield KeyBar(short=_SHORT_LABELS, drop=_DROPPED_FIRST, notice_in_place=True)

    # -- time -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.handle(self.session.start())
        if self._picture_files:
            # Pillow and textual-image load and the pictures decode off the event loop;
            # the figure shows until they are ready.
            self.run_worker(
                self._prepare_pictures, thread=True, group="pictures", exit_on_error=False
            )

    def _prepare_pictures(self) -> None:
        from coach.tui import picture

        assert self._graphics is not None
        try:
            maker, decoded, problems = picture.prepare_pictures(
                self._graphics, self._picture_files.values()
            )
        except Exception:
            # textual-image missing or broken in this installation: the figures stay.
            self.app.call_from_thread(
                self._pictures_ready, None, {}, ["pictures cannot be shown here"]
            )
            return
        self.app.call_from_thread(self._pictures_ready, maker, decoded, problems)

    def _pictures_ready(
        self, maker: ImageWidget | None, decoded: dict[Path, Image], problems: list[str]
    ) -> None:
        self._picture_maker = maker
        self._pictures = {
            index: decoded[path] for index, path in self._picture_files.items() if path in decoded
        }
        if problems:
            said = "; ".join(problems)
            self.notify(
                f"{said[0].upper()}{said[1:]}; the figure shows instead.",
                severity="warning",
                timeout=8,
            )
        self._refresh_figure()

    def on_unmount(self) -> None:
        self._cancel_wake()

    def _cancel_wake(self) -> None:
        if self._wake_handle is not None:
            self._wake_handle.cancel()
            self._wake_handle = None

    def _schedule(self) -> None:
        self._cancel_wake()
        # Cues are played by the audio thread from the plan handed over on every wake, so
        # the screen wakes only when a step ends or the digits change.
        wakes = [
            t for t in (self.runner.next_wake(cues=False), self.runner.next_display_change()) if t
        ]
        if not wakes:
            return
        delay = max(0.0, min(wakes) - self.runner.clock())
        loop = asyncio.get_running_loop()
        self._wake_handle = loop.call_later(delay, self._wake_soon)

    def _wake_soon(self) -> None:
        self._wake_handle = None
        # Through the message queue, so the wake runs like any other handler.
        self.call_later(self.wake)

    def flash(self) -> None:
        """A brief flash: the bell backend's cue, seen as well as heard."""
        self.add_class("-flash")
        self.set_timer(0.15, lambda: self.remove_class("-flash"))

    def wake(self) -> None:
        """Catch up with the clock: called by the timer, and by tests after moving it."""
        if self.is_attached:
            self.handle(self.runner.update())

    def handle(self, events: list[RunnerEvent] | tuple[RunnerEvent, ...]) -> None:
        """Show what the runner did, sleep until the next change, and tell the app."""
        at = self.runner.clock()
        for event in events:
            if isinstance(event, StepStarted):
                self.session.note_step_started(event.step)
        self.refresh_view()
        self._refresh_figure()
        self._schedule()
        adjustable = self.runner.can_adjust()
        if adjustable != self._adjustable:
            # The key bar follows: +/- shows during a rest only.
            self._adjustable = adjustable
            self.refresh_bindings()
        self.post_message(self.Moved(tuple(events), at))

    def _refresh_figure(self) -> None:
        """The figure follows every change the runner reports (a step, a pause); the
        exercise's picture, where there is one, takes its place."""
        if not self.is_attached:
            return
        figure = self._figure_widget or self.query_one("#figure", FigureView)
        self._figure_widget = figure
        picture = None
        step = self.runner.step
        if self._pictures and step is not None:
            # The exercise the screen is about: the next one during the rest before it.
            picture = self._pictures.get(self._shown_exercise(step))
        view = self._picture_view or self.query_one("#picture", PictureView)
        self._picture_view = view
        view.show(picture, self._picture_maker)
        figure.covered = picture is not None
        figure.update_figure()
        if self._arrange():
            figure.update_figure()

    def _arrange(self) -> bool:
        """Give the digits their rows first, then the figure, the next line and the
        instructions what is left (coach.tui.stage); True when anything moved."""
        figure = self._figure_widget or self.query_one("#figure", FigureView)
        width, height = self.size
        wanted = figure.wanted or figure.covered
        self._size_classes(width, height)
        # A name or a dose too long for one line wraps, and its rows come off the rest.
        inner = width - (0 if self.has_class("-tiny") else 4)
        wrapped = sum(
            max(0, len(Text(self._shown.get(part, "")).wrap(self.app.console, max(1, inner))) - 1)
            for part in ("#exercise-name", "#detail")
        )
        key = (width, height, self._template, wanted, self.has_class("-paused"), wrapped)
        if key == self._arranged or width == 0 or height == 0:
            return False
        self._arranged = key
        plan = arrange(
            width,
            height,
            template=self._template,
            figure=wanted,
            paused=self.has_class("-paused"),
            compact=self.has_class("-compact"),
            tiny=self.has_class("-tiny"),
            wrapped=wrapped,
        )
        self.arrangement = plan
        stage = self.query_one("#stage", FigureStage)
        clock = self._clock_widget or self.query_one("#clock", BigNumber)
        picture = self._picture_view or self.query_one("#picture", PictureView)
        beside = plan.figure_columns > 0
        stage.set_class(beside, "-beside")
        under = 0 if beside else plan.figure_rows
        stage.styles.height = plan.clock_rows + under
        clock.styles.height = plan.clock_rows
        clock.styles.width = plan.clock_columns if beside else "100%"
        for slot in (figure, picture):
            slot.styles.height = plan.figure_rows
            slot.styles.width = plan.figure_columns if beside else "100%"
        figure.room = plan.figure is not Place.NONE
        figure.display = wanted and not figure.covered and figure.room
        if plan.figure is Place.NONE:
            picture.styles.height = 0
        self.set_class(not plan.next_line, "-no-next")
        self.set_class(not plan.instructions, "-no-instructions")
        # Moving the figure leaves cells of its old place that no widget covers now (the
        # screen's padding): repaint the whole screen once.
        self.refresh()
        return True

    # -- keys -------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        self.handle(self.runner.toggle_pause())

    def action_skip(self) -> None:
        self.post_message(self.SkipRequested())

    def action_back(self) -> None:
        self.handle(self.runner.back())

    def action_correct(self) -> None:
        self.post_message(self.CorrectRequested())

    def action_mute(self) -> None:
        self.muted = not self.muted
        self.post_message(self.MuteToggled(self.muted))
        self.notify("Sounds off" if self.muted else "Sounds on", timeout=2)
        self.refresh_view()

    def action_adjust(self, seconds: float) -> None:
        """More or less rest: the runner moves its clock; nothing outside a rest."""
        if self.runner.can_adjust():
            self.handle(self.runner.adjust(seconds))

    def action_volume(self, direction: int) -> None:
        self.post_message(self.VolumeChanged(direction))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # +/- 10 s works during a rest only, so the key bar shows it only then.
        if action == "adjust":
            return self.runner.can_adjust()
        return True

    def action_quit_session(self) -> None:
        self.post_message(self.QuitRequested())

    def action_help(self) -> None:
        from coach.tui.prompts import HelpScreen

        # The clock stops while the keys are read, and goes on when help closes.
        self._resume_after_help = self.session.hold_still()
        self.handle([])
        self.app.push_screen(
            HelpScreen(keys.PLAYER, self._zones_text()), lambda _: self._on_help_closed()
        )

    def _zones_text(self) -> str:
        """The pain zones of the program being played."""
        from coach.format.v1 import Scaling
        from coach.tui.prompts import zones_text

        step = self.runner.step
        plan = self.session.plan
        program = plan.exercises[step.exercise_index].program_id if step is not None else ""
        limits = self.session.scaling.get(program, Scaling())
        return zones_text(limits.safe_max, limits.acceptable_max, limits.stop_session_at)

    def _on_help_closed(self) -> None:
        resume, self._resume_after_help = self._resume_after_help, None
        if resume is not None:
            self.handle(resume())

    # -- drawing ----------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        self._size_classes(width, height)
        if self.is_attached and self._figure_widget is not None:
            self._arrange()

    def _size_classes(self, width: int, height: int) -> None:
        # Layouts in steps (the stylesheet says what each changes): taller digits as the
        # window grows, fewer lines around them as it shrinks, a notice below the minimum.
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")
        self.set_class(width < 60 or height < 22, "-compact")
        self.set_class(width < 50 or height < 16, "-tiny")
        self.set_class(height >= 34, "-tall")
        self.set_class(height >= 50, "-huge")

    def refresh_view(self) -> None:
        if not self.is_attached:
            return  # a wake-up that arrives while the screen is being taken down
        runner = self.runner
        step = runner.step
        plan = self.session.plan
        paused = runner.state is RunState.PAUSED
        state = {RunState.PAUSED: "PAUSED", RunState.RATING: "rate your pain"}.get(runner.state, "")
        if self.muted:
            state = f"{state}  muted".strip()
        self._show("#state", state)
        self._set_mode(paused=runner.state is RunState.PAUSED, step=step)
        if step is None:
            self._show_done()
            return
        shown = self._shown_exercise(step)
        item = plan.exercises[shown]
        where = (
            f"{item.program_name} · level {item.level} · exercise {shown + 1}/{len(plan.exercises)}"
        )
        self._show("#where", where)
        # Paused, the line above the digits says so in large reverse letters, with the way on.
        self._show("#phase", "PAUSED · Space goes on" if paused else self._phase_text(step))
        self._show("#exercise-name", item.name)
        self._show("#detail", self._detail_text(step, item))
        clock = "" if step.kind is StepKind.RATE else remaining_text(runner.remaining())
        if step.kind is not StepKind.RATE:
            # Digits keep one size through the step (+10 s of rest may widen it).
            self._template = max(remaining_text(step.duration), clock, key=lambda t: (len(t), t))
        number = self._clock_widget or self.query_one("#clock", BigNumber)
        self._clock_widget = number
        if number.value != clock:
            number.value = clock
        elapsed = runner.session_time()
        total = self.session.timeline.total
        bar = self._bar_widget or self.query_one("#progress", SessionBar)
        self._bar_widget = bar
        # The bar is a glance at the whole session: redraw it when it would move by a
        # cell, and not more than every few seconds (the big digits show the seconds).
        step_gap = max(total / max(20, bar.size.width), BAR_REDRAW_SECONDS * self.runner.speed)
        if abs(elapsed - self._shown_progress) >= step_gap or elapsed < self._shown_progress:
            self._shown_progress = elapsed
            bar.fraction = elapsed / total if total > 0 else 1.0
        # Minutes, not seconds: the big digits already count the seconds, and a readout
        # that changes once a minute costs nothing while the user holds still.
        # Fixed width in the stylesheet, so a change needs no layout pass either.
        self._show("#elapsed", minutes_left(total - elapsed), layout=False)
        self._show("#next", self._next_text())
        self._show("#instructions", item.exercise.instructions.strip())
        stop_if = item.exercise.stop_if
        self._show("#stop-if", "Stop if: " + "; ".join(stop_if) if stop_if else "")

    def _show(self, selector: str, text: str, *, layout: bool = True) -> None:
        """Update a label only when its text changes: every update redraws (and, unless
        the widget's size is fixed, lays out the screen again), and at one wake a second
        during a hold most of the screen stays the same."""
        if self._shown.get(selector) == text:
            return
        self._shown[selector] = text
        # Escaped: names and instructions come from a file (the reader refuses control
        # text already; this keeps the screen safe whatever reaches it).
        self._widget(selector).update(Text(printable(text, multiline=True)), layout=layout)

    def _widget(self, selector: str) -> Static:
        """Widgets by id, looked up once: a query parses its selector every time, and
        this runs on every wake."""
        widget = self._widgets.get(selector)
        if widget is None:
            widget = self._widgets[selector] = self.query_one(selector, Static)
        return widget

    def _set_mode(self, *, paused: bool, step: Step | None) -> None:
        """Set the colour classes only when they change (a class change restyles the
        whole screen)."""
        if step is None or step.kind is StepKind.RATE:
            mode = self._mode[1]
        elif step.kind.is_work:
            mode = "-work"
        elif step.kind is StepKind.GET_READY:
            mode = "-ready"
        else:
            mode = "-rest"
        if (paused, mode) == self._mode:
            return
        if self._mode[1] and self._mode[1] != mode:
            self.remove_class(self._mode[1])
        if mode:
            self.add_class(mode)
        self.set_class(paused, "-paused")
        self._mode = (paused, mode)

    def _shown_exercise(self, step: Step) -> int:
        # Resting before the next exercise shows that next exercise, so the user can
        # read its instructions while they rest.
        if step.kind is StepKind.REST_AFTER:
            return min(step.exercise_index + 1, len(self.session.plan.exercises) - 1)
        return step.exercise_index

    def _phase_text(self, step: Step) -> str:
        if step.kind is StepKind.REP and step.phase is not None:
            return _PHASE_WORDS[step.phase]
        if step.kind is StepKind.SWITCH:
            return f"SWITCH TO {str(step.side).upper()} SIDE"
        if step.kind is StepKind.REST_AFTER:
            return "REST · NEXT UP"
        if step.kind in (StepKind.HOLD, StepKind.TIMED):
            return work_words(self.session.plan.exercises[step.exercise_index].exercise)[0]
        return {
            StepKind.GET_READY: "GET READY",
            StepKind.HOLD_REST: "REST",
            StepKind.REST: "REST",
            StepKind.RATE: "HOW IS YOUR BACK?",
        }[step.kind]

    def _detail_text(self, step: Step, item: PlannedExercise) -> str:
        if step.kind is StepKind.REST_AFTER:
            return describe_dose(
                item.dose,
                each_side=item.exercise.sides == "each",
                per_set=item.exercise.per_set,
            )
        parts = [f"set {step.set_number}/{step.sets}"]
        if step.rep is not None:
            parts.append(f"rep {step.rep}/{step.reps}")
        if step.hold is not None and (step.holds or 1) > 1:
            parts.append(f"hold {step.hold}/{step.holds}")
        if step.side is not None:
            parts.append(f"{step.side} side")
        if step.self_timed:
            parts.append("N when you stop")
        if step.kind is StepKind.GET_READY:
            parts = [
                describe_dose(
                    item.dose,
                    each_side=item.exercise.sides == "each",
                    per_set=item.exercise.per_set,
                )
            ]
        return " · ".join(parts)

    def _next_text(self) -> str:
        upcoming = self.runner.upcoming()
        if upcoming is None:
            return "Next: done"
        item = self.session.plan.exercises[upcoming.exercise_index]
        if upcoming.kind is StepKind.GET_READY:
            return f"Next: {item.name}"
        words = self._phase_text(upcoming).lower()
        if upcoming.kind in (StepKind.REST, StepKind.HOLD_REST, StepKind.REST_AFTER):
            return f"Next: {words.split(' ·')[0]} {format_duration(upcoming.duration)}"
        return f"Next: {words}"

    def _show_done(self) -> None:
        self._show("#phase", "DONE")
        self.query_one("#clock", BigNumber).value = ""
        self._show("#next", "")
