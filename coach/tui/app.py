"""The coach application: a composition of screens around the day flow.

The day is decided in :class:`coach.engine.day.DayFlow`; the app shows what it asks
through the tables of :mod:`coach.tui.screens` (each output -> its screen, each screen's
message -> the flow's input). The day and its screens load in a thread worker after the
first frame; every write to SQLite runs in a worker whose result reaches the flow before
the session moves on. Settings saving is in :mod:`coach.tui.settings`, the "choose another
folder" loop in :mod:`coach.tui.saving`, sound in :mod:`coach.tui.sound`, staying awake in
:mod:`coach.tui.awake`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, ScreenStackError
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Label

from coach.format.text import printable
from coach.tui.awake import StayAwake, inhibitor_command
from coach.tui.choice import Choice, named
from coach.tui.driver import QuietLinuxDriver, TerminalClosed
from coach.tui.frames import after_frame
from coach.tui.launch import History, Launch
from coach.tui.sound import SessionSound

if TYPE_CHECKING:
    # Loaded after the first frame: the day, its screens, the settings and the event log
    # import pydantic (about 0.5 s); the history screen 0.1 s.
    from coach.config.settings import Settings
    from coach.engine.day import DayFlow, Effect, Input, Output
    from coach.engine.home import HomeView
    from coach.engine.records import SetRecord, Written
    from coach.engine.session import SessionController
    from coach.store.database import HistoryStore
    from coach.tui.checks import CheckScreen
    from coach.tui.eventlog import EventLog
    from coach.tui.home import ChooseSession, HomeScreen
    from coach.tui.player import PlayerScreen
    from coach.tui.screens import DayScreens

__all__ = ["CoachApp", "Launch"]

Told = Callable[["DayScreens"], "Input"]  # home's intent, made an input once the day loads


class CoachApp(App[int]):
    """``coach``: home, player, prompts and summary for one session file."""

    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    ENABLE_COMMAND_PALETTE = False
    # Priority, so it also works while a prompt is open.
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, launch: Launch) -> None:
        super().__init__()
        self.launch = launch
        self.history = History(launch.store)
        self.clock = launch.clock
        self.today = launch.today
        self.settings = launch.settings
        self.flow: DayFlow | None = None
        self.screens: DayScreens | None = None  # the day's screens, loaded with the day
        self.player: PlayerScreen | None = None
        self.sound = SessionSound(launch.clock, warn=self._warn, ring=self._ring)
        self.choices: list[Choice] = list(launch.choices)
        """What 'Other session' offers (named from their files when it first opens)."""
        self.drawn_home: HomeView | None = None
        """The home drawn from the last run's views (and what was asked of it before the
        day was loaded), until the flow's own replaces it."""
        self.waiting: list[Told] = []
        self.left_because = ""
        """Why 'coach run' left without playing (a safety step), for the shell to say."""
        self.event_log: EventLog | None = None
        if launch.event_log is not None:
            from coach.tui.eventlog import EventLog  # tests and the bench only: pydantic

            self.event_log = EventLog(launch.event_log, self.clock)
        # Holds the system awake while the player or a function check is on screen; why it
        # could not goes to the event log, if any (the session plays the same either way).
        log = self.event_log
        self.awake = StayAwake(
            None if log is None else lambda text: log.note(event="awake", problem=text),
            command=inhibitor_command if launch.stay_awake else lambda: None,
        )

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        # Only in place of Textual's own terminal driver (TEXTUAL_DRIVER may choose another).
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            return QuietLinuxDriver
        return driver

    def compose(self) -> ComposeResult:
        yield Label("Loading today's session...", id="loading")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications here quote exercise names and paths, so no markup by default:
        a name like "Side plank [/left]" must show as written, not crash the app."""
        message = printable(message, multiline=True)  # file text: nothing raw on screen
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _refresh_notifications(self) -> None:
        """Notices show in the key bar of the screen on top, which takes its own rows,
        not as Textual's toasts, which were laid over the screen."""
        from coach.tui.keybar import KeyBar  # loaded with the first screen that has one

        with contextlib.suppress(ScreenStackError):
            for bar in self.screen.query(KeyBar):
                bar.show_notices(self._notifications)

    def on_mount(self) -> None:
        # The CLI keeps the garbage collector off until the first frame is out.
        after_frame(self, gc.enable)
        # SIGTERM (a shutdown, kill) and SIGHUP (the terminal closed) leave the way 'q'
        # does, so that the CLI's last try at sets nothing has taken yet still runs.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.exit)
        view = None if self.launch.skip_home else self.history.kept_home(self.launch)
        if view is None:
            self.start_day()
            return
        # Home as the last run left it for today, while it is still right (see
        # coach.store.homecache): in the first frame, with the day loading behind it once
        # that frame is out (the day's imports would slow it down). Home's module only
        # then: a first start, which shows "Loading" first, is 35 ms (CPU) sooner without.
        from coach.tui.home import HomeScreen

        self.drawn_home = view
        self.push_screen(HomeScreen(view))
        after_frame(self, self.start_day)

    @on(TerminalClosed)
    def _terminal_closed(self) -> None:
        """The driver's word that the terminal has gone (its input ended, or writing to it
        failed), which may come without a SIGHUP: leave the same way."""
        self.exit()

    @property
    def store(self) -> HistoryStore:
        return self.history.store()

    def on_unmount(self) -> None:
        self.awake.release()
        self.sound.close(self.event_log)
        if self.event_log is not None:
            self.event_log.close()

    @property
    def session(self) -> SessionController | None:
        return self.flow.session if self.flow is not None else None

    @property
    def unsaved(self) -> list[SetRecord]:
        return self.flow.unsaved if self.flow is not None else []

    # -- the flow -------------------------------------------------------------------------

    @work(thread=True, group="day")
    def start_day(self) -> None:
        """The settings, the day and its screens, after the first frame (all import pydantic)."""
        from coach.config.locations import settings_path
        from coach.config.settings import load_settings
        from coach.tui.screens import DayScreens

        launch = self.launch
        if self.settings is None and launch.read_settings:
            self.settings, problems = load_settings(settings_path())
            if problems:  # one notice, however many problems (load_settings caps them)
                notice = "\n".join(problems)
                self.call_from_thread(self.notify, notice, severity="warning", timeout=10)
        self.screens = screens = DayScreens(self)
        self.flow = flow = launch.day_flow(self.settings, self.store.path)
        self.call_from_thread(self.answer, screens.carry(flow.begin()))

    def answer(self, event: Input) -> None:
        """Something the person answered or the player reported: on to the flow."""
        if self.flow is not None:
            self.follow(self.flow.handle(event))

    def follow(self, outputs: Sequence[Output]) -> None:
        """Do what the flow asks, in order: each output by the day's table."""
        assert self.screens is not None
        for output in outputs:
            self.screens.outputs[type(output)](output)

    def tell(self, told: Told) -> None:
        """An intent from home; before the day is loaded it waits for it."""
        screens, flow = self.screens, self.flow
        if screens is None or flow is None or screens.loading(flow):
            self.waiting.append(told)
        else:
            self.answer(told(screens))

    def _told(self, message: Message) -> None:
        """A screen's message, as the flow's input it means."""
        assert self.screens is not None
        self.answer(self.screens.inputs[type(message)](message))

    @work(thread=True, group="store")
    def carry_out(self, effect: Effect) -> None:
        assert self.screens is not None
        self.call_from_thread(self.answer, self.screens.carry(effect))

    def show_last(self, screen: Screen[None]) -> None:
        self._clear()
        self.push_screen(screen)

    def _clear(self) -> None:
        """Back to the bottom of the stack: home and the summary replace what was shown."""
        if self.player is not None and self.player in self.screen_stack:
            self.awake.release()  # the session is over: the player is leaving
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # The screens' messages: handlers by Textual's naming rule rather than @on(...), which
    # would import their modules before the first frame (home's: 35 ms of CPU on a first
    # start; the player's, the summary's and the check's import the engine: 0.3 s).

    def on_player_screen_moved(self, message: PlayerScreen.Moved) -> None:
        assert self.screens is not None
        for told in self.screens.played(message.events, message.at):
            self.answer(told)

    # Each one the flow's input its message means (DayScreens.inputs).
    on_player_screen_quit_requested = on_player_screen_skip_requested = _told
    on_player_screen_correct_requested = on_summary_screen_correct_requested = _told
    on_summary_screen_done = _told

    def on_player_screen_mute_toggled(self, message: PlayerScreen.MuteToggled) -> None:
        self.sound.mute(message.muted)

    def on_player_screen_volume_changed(self, message: PlayerScreen.VolumeChanged) -> None:
        self.notify(self.sound.step_volume(message.direction), timeout=2)
        if self.sound.player is not None:
            # The cues scaled to the new volume off the loop; the newest press wins.
            self.run_worker(self.sound.apply_volume, thread=True, exclusive=True, group="volume")

    def _warn(self, text: str) -> None:  # sound's problems, from its worker or audio thread
        self.call_from_thread(self.notify, text, severity="warning", timeout=8)

    def _ring(self) -> None:
        """The bell backend's cue (from the audio thread): the bell, and the player flashes."""
        self.call_from_thread(self._flash)

    def _flash(self) -> None:
        self.bell()
        if self.player is not None and self.player.is_attached:
            self.player.flash()

    def on_check_screen_finished(self, message: CheckScreen.Finished) -> None:
        self.awake.release()
        self._told(message)

    def _from_home(self, message: Message) -> None:
        self.tell(lambda screens: screens.inputs[type(message)](message))

    on_home_screen_start_requested = on_home_screen_check_requested = _from_home

    def on_home_screen_routine_chosen(self, message: HomeScreen.RoutineChosen) -> None:
        path = message.path
        self.tell(lambda screens: screens.chosen(path))

    @work(thread=True, exclusive=True, group="chooser")
    def on_home_screen_choose_requested(self) -> None:
        """Read each choice's name from its file (off the loop), then offer them."""
        self.choices = [named(choice) for choice in self.choices]
        self.call_from_thread(self._show_chooser)

    def _show_chooser(self) -> None:
        from coach.tui.home import ChooseSession  # loaded with home

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.tell(lambda screens: screens.chosen(path))

        self.push_screen(ChooseSession(list(self.choices)), chosen)

    @work(exclusive=True, group="settings")
    async def on_home_screen_settings_requested(self) -> None:
        """The settings screen; what it saves is used from now on: the intervals at once,
        sound from the next session, the default routine from the next start."""
        from coach.tui import settings  # pydantic, when asked: 0.2 s

        self._use_settings(await settings.edit(self, self.settings))

    @work(exclusive=True, group="settings")
    async def on_choose_session_default_chosen(self, message: ChooseSession.DefaultChosen) -> None:
        from coach.tui import settings  # pydantic, when asked: 0.2 s

        self._use_settings(await settings.make_default(self, self.settings, message.choice))

    def _use_settings(self, settings: Settings | None) -> None:
        if settings is None:
            return
        self.settings = settings
        if self.flow is not None:
            self.flow.screening_weeks = settings.screening_weeks
            self.flow.check_weeks = settings.check_weeks

    def on_home_screen_history_requested(self) -> None:
        from coach.store.history import HistoryView
        from coach.tui.history import HistoryScreen  # when asked: 0.1 s

        # With the sessions waiting in the journal, marked (read in by the screen's first
        # query, in its worker).
        self.push_screen(HistoryScreen(HistoryView(self.store, journal=True), self.today))

    def rescue_unsaved(self) -> Written | None:
        """On the way out (exit, SIGTERM, SIGHUP, the terminal closed): one more try at the
        sets stored neither in the history nor the journal; None if none, else where."""
        from coach.engine.records import Kept, Written  # loaded with the day by now

        flow = self.flow
        if flow is None or flow.opening is None or not flow.unsaved:
            return None
        if flow.kept is Kept.JOURNAL:
            return Written(Kept.JOURNAL, flow.store_problem, flow.journal)
        return self.store.write_session(flow.opening, flow.unsaved)
