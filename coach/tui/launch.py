"""What a run of coach starts from: one record the CLI builds, and so do the tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coach.engine.clock import Clock, WallClock, local_today, system_wall
from coach.engine.home import RoutineRef
from coach.tui.choice import Choice

if TYPE_CHECKING:
    from coach.config.settings import Settings
    from coach.engine.day import DayFlow
    from coach.engine.home import HomeView
    from coach.engine.runner import CueDue
    from coach.store.database import HistoryStore
    from coach.tui.graphics import Graphics

__all__ = ["History", "Launch"]


@dataclass(frozen=True)
class Launch:
    """Everything a run of coach starts from: the CLI builds one, and so do the tests."""

    source: Path
    store: HistoryStore | Path
    """The history: a store, or (the CLI) its file, opened after the first frame (the
    store's modules, its records and the safety rules cost the first frame 16 ms of CPU;
    home is drawn without them, see :mod:`coach.store.homecache`)."""
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

    def day_flow(self, settings: Settings | None, history: Path) -> DayFlow:
        """The day flow of this run on the history file ``history``, with ``settings``'
        intervals (their defaults without)."""
        from coach.engine.day import DayFlow  # the day's imports: after the first frame

        return DayFlow(
            self.source,
            str(history),
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


class History:
    """The app's history store, opened on first use: by the day's worker, after the first
    frame (or given open, by the tests). Home's first frame reads the history's file
    without it (see :mod:`coach.store.homecache`)."""

    def __init__(self, store: HistoryStore | Path) -> None:
        self._lock = threading.Lock()  # the day's worker or a screen, whichever is first
        self._store: HistoryStore | None = None
        if isinstance(store, Path):
            self.path = store
        else:
            self._store, self.path = store, store.path

    def store(self) -> HistoryStore:
        with self._lock:
            if self._store is None:
                # Not before the first frame: the store's modules cost it 16 ms of CPU.
                from coach.store.database import HistoryStore

                self._store = HistoryStore(self.path)
            return self._store

    def replace(self, store: HistoryStore) -> None:
        """Another history (the person chose where to save)."""
        with self._lock:
            self._store, self.path = store, store.path

    def kept_home(self, launch: Launch) -> HomeView | None:
        """Home as the last run kept it for today, while the history is unchanged."""
        from coach.store.homecache import history_version, home_cache_beside

        with self._lock:
            store = self._store
        cache = store.home_cache if store is not None else home_cache_beside(self.path)
        today = launch.today()
        if not cache.holds(launch.source, today):
            return None  # a first start: "Loading" without opening the history
        version = store.version() if store is not None else history_version(self.path)
        return None if version is None else cache.read(launch.source, today, version)
