"""What a run of coach starts from: one record the CLI builds, and so do the tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coach.engine.clock import Clock, WallClock, local_today, system_wall
from coach.engine.home import RoutineRef
from coach.store.database import HistoryStore
from coach.tui.choice import Choice

if TYPE_CHECKING:
    from coach.config.settings import Settings
    from coach.engine.day import DayFlow
    from coach.engine.runner import CueDue
    from coach.tui.graphics import Graphics

__all__ = ["Launch"]


@dataclass(frozen=True)
class Launch:
    """Everything a run of coach starts from: the CLI builds one, and so do the tests."""

    source: Path
    store: HistoryStore
    speed: float = 1.0
    skip_home: bool = False
    """'coach run': straight into the session, and out when it ends."""
    choices: tuple[Choice, ...] = ()
    """What home offers to play instead."""
    routines: tuple[RoutineRef, ...] = ()
    """The routines home lists (the ``routines`` setting), each done today or not."""
    opened: bool = False
    """``source`` was given by name ('coach FILE'): shown first, even when done today."""
    settings: Settings | None = None
    read_settings: bool = False
    """Read the user's settings.toml in the first worker (when ``settings`` is not given)."""
    audio: str | None = None
    """The --audio option, over the setting."""
    event_log: Path | None = None
    stay_awake: bool = False
    """Hold the system's sleep inhibitor while a session or check plays (the CLI; tests
    that want it give a fake inhibitor on PATH)."""
    clock: Clock = time.monotonic
    wall: WallClock = system_wall
    today: Callable[[], date] = local_today
    graphics: Graphics | None = None
    """How the terminal shows pictures (coach.tui.graphics.detect, before the app starts);
    None: it cannot, and every exercise shows its figure."""
    cue_sink: Callable[[CueDue], None] | None = field(default=None, compare=False)
    """Sees every cue as the player reaches it (tests)."""

    def day_flow(self, settings: Settings | None) -> DayFlow:
        """The day flow of this run, with ``settings``' intervals (their defaults without)."""
        from coach.engine.day import DayFlow  # the day's imports: after the first frame

        return DayFlow(
            self.source,
            str(self.store.path),
            self.today,
            clock=self.clock,
            wall=self.wall,
            speed=self.speed,
            skip_home=self.skip_home,
            routines=self.routines,
            opened=self.opened,
            screening_weeks=settings.screening_weeks if settings else 4,
            check_weeks=settings.check_weeks if settings else 4,
        )
