"""The player screen: big remaining seconds, what to do now, what comes next.

It renders the runner's state and forwards keys; it decides nothing. Time comes from the
runner's monotonic session clock, and the screen sleeps until exactly when the runner or
the displayed number next changes. The wake-up is an asyncio ``call_later``, not a
Textual timer: a Textual one-shot timer whose deadline has already passed when its task
first runs is skipped silently (its catch-up logic counts it as done), which froze the
countdown under load; and its repeating timers fire a burst after a pause.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Label, ProgressBar, Static

from coach.durations import format_clock, format_duration
from coach.progression import describe_dose
from coach.runner import CueDue, Finished, RatingNeeded, RunnerEvent, RunState, StepStarted
from coach.session import SessionController
from coach.timeline import Phase, PlannedExercise, Step, StepKind
from coach.tui.bignumber import BigNumber

__all__ = ["PlayerScreen"]

_PHASE_WORDS = {Phase.UP: "UP", Phase.PAUSE: "HOLD", Phase.DOWN: "DOWN"}


def remaining_text(seconds: float) -> str:
    whole = math.ceil(seconds - 1e-6)
    return format_clock(whole) if whole >= 60 else str(max(0, whole))


class PlayerScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "toggle_pause", "Pause/resume"),
        Binding("n", "skip", "Skip"),
        Binding("b", "back", "Back (redo set)"),
        Binding("m", "mute", "Mute"),
        Binding("q", "quit_session", "Quit"),
        Binding("ctrl+c", "quit_session", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        controller: SessionController,
        *,
        on_rating: Callable[[Step], None],
        on_finished: Callable[[], None],
        on_cue: Callable[[CueDue], None],
        on_quit: Callable[[], None],
        on_mute: Callable[[], bool],
        on_events: Callable[[list[RunnerEvent]], None] | None = None,
        on_pause_for_help: Callable[[], Callable[[], None]] | None = None,
        on_scheduled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.runner = controller.runner
        self._on_rating = on_rating
        self._on_finished = on_finished
        self._on_cue = on_cue
        self._on_quit = on_quit
        self._on_mute = on_mute
        self._on_events = on_events
        self._on_pause_for_help = on_pause_for_help or (lambda: lambda: None)
        self._resume_after_help: Callable[[], None] | None = None
        self._on_scheduled = on_scheduled
        self._wake_handle: asyncio.TimerHandle | None = None
        self.muted = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Label("", id="where")
            yield Label("", id="state")
        yield Label("", id="phase")
        yield Label("", id="exercise-name")
        yield Label("", id="detail")
        yield BigNumber(id="clock")
        with Horizontal(id="progress-row"):
            yield ProgressBar(
                total=max(1.0, self.controller.timeline.total),
                show_eta=False,
                show_percentage=False,
                id="progress",
            )
            yield Label("", id="elapsed")
        yield Label("", id="next")
        with VerticalScroll(id="about"):
            yield Static("", id="instructions", markup=False)
            yield Static("", id="stop-if", markup=False)
        yield Footer()

    # -- time -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.handle(self.runner.start())

    def on_unmount(self) -> None:
        self._cancel_wake()

    def _cancel_wake(self) -> None:
        if self._wake_handle is not None:
            self._wake_handle.cancel()
            self._wake_handle = None

    def _schedule(self) -> None:
        self._cancel_wake()
        wakes = [t for t in (self.runner.next_wake(), self.runner.next_display_change()) if t]
        if not wakes:
            return
        delay = max(0.0, min(wakes) - self.runner.clock())
        loop = asyncio.get_running_loop()
        self._wake_handle = loop.call_later(delay, self._wake_soon)

    def _wake_soon(self) -> None:
        self._wake_handle = None
        # Through the message queue, so the wake runs like any other handler.
        self.call_later(self.wake)

    def wake(self) -> None:
        """Catch up with the clock: called by the timer, and by tests after moving it."""
        if self.is_attached:
            self.handle(self.runner.update())

    def handle(self, events: list[RunnerEvent]) -> None:
        if events and self._on_events is not None:
            self._on_events(events)
        for event in events:
            if isinstance(event, StepStarted):
                self.controller.note_step_started(event.step)
            elif isinstance(event, CueDue):
                self._on_cue(event)
        self.refresh_view()
        self._schedule()
        if self._on_scheduled is not None:
            self._on_scheduled()
        for event in events:
            if isinstance(event, RatingNeeded):
                self._on_rating(event.step)
            elif isinstance(event, Finished):
                self._on_finished()

    # -- keys -------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        self.handle(self.runner.toggle_pause())

    def action_skip(self) -> None:
        self.handle(self.runner.skip())

    def action_back(self) -> None:
        self.handle(self.runner.back())

    def action_mute(self) -> None:
        self.muted = self._on_mute()
        self.notify("Sounds off" if self.muted else "Sounds on", timeout=2)
        self.refresh_view()

    def action_quit_session(self) -> None:
        self._on_quit()

    def action_help(self) -> None:
        from coach.tui.prompts import HelpScreen

        self.app.push_screen(HelpScreen(), lambda _: self._on_help_closed())
        self._resume_after_help = self._on_pause_for_help()

    def _on_help_closed(self) -> None:
        resume, self._resume_after_help = self._resume_after_help, None
        if resume is not None:
            resume()

    # -- drawing ----------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        self.set_class(width < 60 or height < 22, "-compact")
        self.set_class(width < 50 or height < 16, "-tiny")

    def refresh_view(self) -> None:
        if not self.is_mounted:
            return  # a wake-up that arrives while the screen is being taken down
        runner = self.runner
        step = runner.step
        plan = self.controller.plan
        paused = runner.state is RunState.PAUSED
        state = {RunState.PAUSED: "PAUSED", RunState.RATING: "rate your pain"}.get(runner.state, "")
        if self.muted:
            state = f"{state}  muted".strip()
        self.query_one("#state", Label).update(state)
        self.set_class(paused, "-paused")
        if step is None:
            self._show_done()
            return
        shown = self._shown_exercise(step)
        item = plan.exercises[shown]
        self.query_one("#where", Label).update(
            Text(
                f"{item.program_name} · level {item.level} · "
                f"exercise {shown + 1}/{len(plan.exercises)}"
            )
        )
        self.query_one("#phase", Label).update(self._phase_text(step))
        self.query_one("#exercise-name", Label).update(Text(item.name))
        self.query_one("#detail", Label).update(self._detail_text(step, item))
        self.query_one("#clock", BigNumber).value = (
            "" if step.kind is StepKind.RATE else remaining_text(runner.remaining())
        )
        for kind in ("work", "rest", "ready"):
            self.set_class(False, f"-{kind}")
        if step.kind.is_work:
            self.add_class("-work")
        elif step.kind is StepKind.GET_READY:
            self.add_class("-ready")
        else:
            self.add_class("-rest")
        elapsed = runner.session_time()
        self.query_one("#progress", ProgressBar).update(progress=elapsed)
        self.query_one("#elapsed", Label).update(
            f"{format_clock(elapsed)} / {format_clock(self.controller.timeline.total)}"
        )
        self.query_one("#next", Label).update(self._next_text())
        self.query_one("#instructions", Static).update(Text(item.exercise.instructions.strip()))
        stop_if = item.exercise.stop_if
        self.query_one("#stop-if", Static).update(
            Text("Stop if: " + "; ".join(stop_if)) if stop_if else Text("")
        )

    def _shown_exercise(self, step: Step) -> int:
        # Resting before the next exercise shows that next exercise, so the user can
        # read its instructions while they rest.
        if step.kind is StepKind.REST_AFTER:
            return min(step.exercise_index + 1, len(self.controller.plan.exercises) - 1)
        return step.exercise_index

    def _phase_text(self, step: Step) -> str:
        if step.kind is StepKind.REP and step.phase is not None:
            return _PHASE_WORDS[step.phase]
        if step.kind is StepKind.SWITCH:
            return f"SWITCH TO {str(step.side).upper()} SIDE"
        if step.kind is StepKind.REST_AFTER:
            return "REST · NEXT UP"
        return {
            StepKind.GET_READY: "GET READY",
            StepKind.HOLD: "HOLD",
            StepKind.HOLD_REST: "REST",
            StepKind.TIMED: "MOVE",
            StepKind.REST: "REST",
            StepKind.RATE: "HOW IS YOUR BACK?",
        }[step.kind]

    def _detail_text(self, step: Step, item: PlannedExercise) -> Text:
        if step.kind is StepKind.REST_AFTER:
            return Text(describe_dose(item.dose))
        parts = [f"set {step.set_number}/{step.sets}"]
        if step.rep is not None:
            parts.append(f"rep {step.rep}/{step.reps}")
        if step.hold is not None and (step.holds or 1) > 1:
            parts.append(f"hold {step.hold}/{step.holds}")
        if step.side is not None:
            parts.append(f"{step.side} side")
        if step.kind is StepKind.GET_READY:
            parts = [describe_dose(item.dose)]
        return Text(" · ".join(parts))

    def _next_text(self) -> Text:
        upcoming = self.runner.upcoming()
        if upcoming is None:
            return Text("Next: done")
        item = self.controller.plan.exercises[upcoming.exercise_index]
        if upcoming.kind is StepKind.GET_READY:
            return Text(f"Next: {item.name}")
        words = self._phase_text(upcoming).lower()
        if upcoming.kind in (StepKind.REST, StepKind.HOLD_REST, StepKind.REST_AFTER):
            return Text(f"Next: {words.split(' ·')[0]} {format_duration(upcoming.duration)}")
        return Text(f"Next: {words}")

    def _show_done(self) -> None:
        self.query_one("#phase", Label).update("DONE")
        self.query_one("#clock", BigNumber).value = ""
        self.query_one("#next", Label).update("")
