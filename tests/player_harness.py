"""The player alone, on any step of any bundled exercise: for the layout tests.

:class:`PlayerApp` shows a :class:`PlayerScreen` over a bundled program's level with a
fake clock, started at a chosen step, so a test can look at every phase of every
exercise without playing a whole morning through the day flow.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from textual.app import App

from coach.config.locations import bundled_sessions_dir
from coach.engine.clock import FakeClock
from coach.engine.runner import RunState
from coach.engine.session import SessionController
from coach.engine.timeline import SessionPlan, Step, StepKind, build_timeline, plan_session
from coach.format.loader import ProgramFile, load_session_file
from coach.tui.player import PlayerScreen

PROGRAMS = ("mobility", "holds", "extensions")
LEVELS = (1, 2, 3)

PHASES = (
    StepKind.GET_READY,
    StepKind.HOLD,
    StepKind.REP,
    StepKind.TIMED,
    StepKind.HOLD_REST,
    StepKind.SWITCH,
    StepKind.REST,
    StepKind.REST_AFTER,
)
"""Every kind of step the player counts down (a pain rating shows no count)."""


def bundled_plan(program: str, level: int) -> tuple[SessionPlan, Path]:
    path = bundled_sessions_dir() / "programs" / f"{program}.yaml"
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile)
    return plan_session(loaded, levels={loaded.program.id: level}), path


def bundled_levels() -> Iterator[tuple[str, int]]:
    for program in PROGRAMS:
        for level in LEVELS:
            yield program, level


def bundled_steps() -> Iterator[tuple[str, int, int, Step]]:
    """(program, level, step index, step): the first step of each kind of every bundled
    exercise, each exercise once (by its key)."""
    seen: set[tuple[str, StepKind]] = set()
    for program in PROGRAMS:
        for level in LEVELS:
            plan, _ = bundled_plan(program, level)
            for step in build_timeline(plan).steps:
                key = plan.exercises[step.exercise_index].key
                if step.kind in PHASES and (key, step.kind) not in seen:
                    seen.add((key, step.kind))
                    yield program, level, step.index, step


class PlayerApp(App[None]):
    """The player on one step of a bundled program, with the app's stylesheet."""

    CSS_PATH = str(Path(__file__).parents[1] / "coach" / "tui" / "coach.tcss")

    def __init__(self, program: str, level: int, step_index: int, into: float = 0.4) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.into = into
        self.player = self._player(program, level, step_index)

    def _player(self, program: str, level: int, step_index: int) -> PlayerScreen:
        plan, path = bundled_plan(program, level)
        self.session = SessionController(plan, {}, path, clock=self.clock)
        self.session.runner.start_at(step_index)
        return PlayerScreen(self.session)

    def on_mount(self) -> None:
        self.push_screen(self.player)

    async def show(self, program: str, level: int, step_index: int) -> None:
        """Another step in a new player, in place of the one shown (quicker than a new
        app for each)."""
        self.player = self._player(program, level, step_index)
        await self.switch_screen(self.player)

    def go_to(self, index: int) -> None:
        """Move the session on to step ``index`` as the keys would (skips, and the pain
        ratings answered), and show it."""
        runner = self.session.runner
        while runner.index < index:
            if runner.state is RunState.RATING:
                runner.rated()
            else:
                runner.skip()
        assert runner.index == index, (runner.index, index)
        self.player.handle([])

    async def settle(self) -> None:
        """Move ``into`` seconds into the step and let the screen draw."""
        self.clock.advance(self.into)
        self.player.wake()
