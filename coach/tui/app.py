"""The coach application: the day flow's screens, and its effects carried out off the loop.

The day is decided in :class:`coach.engine.day.DayFlow`; this shows what it asks for
and hands it back what the person answered. Everything slow happens off the event loop:
the session file and the history are read in a thread worker after the first frame, and
every write to SQLite runs in a thread worker whose result comes back to the flow before
the session moves on, so a rated set is committed before the next step starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.widgets import Label

from coach.engine.records import Kept, Written
from coach.format.text import printable
from coach.tui.awake import StayAwake
from coach.tui.frames import after_frame
from coach.tui.launch import Launch
from coach.tui.sound import SessionSound

if TYPE_CHECKING:
    # The engine and the settings import pydantic (slow): the app imports them in its
    # first worker, after the first frame, and only names them in annotations here.
    from coach.config.settings import Settings
    from coach.engine.day import DayFlow, Effect, Input, Output, Result
    from coach.engine.home import HomeView
    from coach.engine.records import PainAnswer, SetRecord
    from coach.engine.session import SessionController
    from coach.store.database import HistoryStore
    from coach.tui.checks import CheckScreen
    from coach.tui.choice import Choice
    from coach.tui.eventlog import EventLog
    from coach.tui.home import ChooseSession
    from coach.tui.player import PlayerScreen
    from coach.tui.summary import SummaryScreen

__all__ = ["CoachApp", "Launch"]


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
        self.store = launch.store
        self.clock = launch.clock
        self.today = launch.today
        self.settings = launch.settings
        self.flow: DayFlow | None = None
        self.player: PlayerScreen | None = None
        self.sound = SessionSound(launch.clock)
        self.choices: list[Choice] = list(launch.choices)
        """What 'Other session' offers (named from their files when it first opens)."""
        self.drawn_home: HomeView | None = None
        """The home drawn from the last run's views, until the flow's own replaces it."""
        self.waiting: list[Input] = []
        self.left_because = ""
        """Why 'coach run' left without playing (a safety step), for the shell to say."""
        """What the person asked of that home before the day was loaded."""
        self.event_log: EventLog | None = None
        if launch.event_log is not None:
            from coach.tui.eventlog import EventLog

            self.event_log = EventLog(launch.event_log, self.clock)
        self.awake = StayAwake(self._awake_note) if launch.stay_awake else None
        """Holds the system awake while the player or a function check is on screen."""

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        # Only in place of Textual's own terminal driver: not on Windows, and not when
        # TEXTUAL_DRIVER chooses another.
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from coach.tui.driver import QuietLinuxDriver

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
        from textual.app import ScreenStackError

        from coach.tui.keybar import KeyBar

        try:
            screen = self.screen
        except ScreenStackError:
            return
        for bar in screen.query(KeyBar):
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
        view = None if self.launch.skip_home else self._kept_home()
        if view is None:
            self.start_day()
            return
        # Home as the last run left it for today, while it is still right (see
        # coach.store.homecache): in the first frame, with the day loading behind it once
        # that frame is out (the day's imports would slow it down).
        from coach.tui.home import HomeScreen

        self.drawn_home = view
        self.push_screen(HomeScreen(view))
        after_frame(self, self.start_day)

    def on_terminal_closed(self) -> None:
        """The driver's word that the terminal has gone (its input ended, or writing to it
        failed), which may come without a SIGHUP: leave the same way."""
        self.exit()

    def _kept_home(self) -> HomeView | None:
        version = self.store.version()
        if version is None:
            return None
        return self.store.home_cache.read(self.launch.source, self.today(), version)

    def on_unmount(self) -> None:
        self._let_sleep()
        self.sound.close(self.event_log)
        if self.event_log is not None:
            self.event_log.close()

    # -- the flow's state, for the player and the tests -----------------------------------

    @property
    def session(self) -> SessionController | None:
        return self.flow.session if self.flow is not None else None

    @property
    def unsaved(self) -> list[SetRecord]:
        return self.flow.unsaved if self.flow is not None else []

    # -- the flow -------------------------------------------------------------------------

    @work(thread=True, group="day")
    def start_day(self) -> None:
        """Read the settings, then the day (after the first frame: both import pydantic)."""
        from coach.engine.day import DayFlow

        launch = self.launch
        if self.settings is None and launch.read_settings:
            from coach.config.locations import settings_path
            from coach.config.settings import load_settings

            self.settings, problems = load_settings(settings_path())
            if problems:  # one notice, however many problems (load_settings caps them)
                notice = "\n".join(problems)
                self.call_from_thread(self.notify, notice, severity="warning", timeout=10)
        flow = DayFlow(
            launch.source,
            str(self.store.path),
            launch.today,
            clock=launch.clock,
            wall=launch.wall,
            speed=launch.speed,
            skip_home=launch.skip_home,
            screening_weeks=self.settings.screening_weeks if self.settings else 4,
            check_weeks=self.settings.check_weeks if self.settings else 4,
        )
        self.flow = flow
        self.call_from_thread(self.answer, self._carry(flow.begin()))

    def answer_home(self, event: Input) -> None:
        """Home's intents; before the day is loaded they wait for it."""
        from coach.engine.day import Stage

        if self.flow is None or self.flow.stage is Stage.LOADING:
            self.waiting.append(event)
        else:
            self.answer(event)

    def answer(self, event: Input) -> None:
        """Something the person answered or the player reported: on to the flow."""
        if self.flow is not None:
            self.follow(self.flow.handle(event))

    def follow(self, outputs: list[Output]) -> None:
        """Do what the flow asks, in order."""
        from coach.engine import day

        for output in outputs:
            match output:
                case day.Notice(text, tone, seconds):
                    self.notify(text, severity=tone.value, timeout=seconds)
                case day.MoveOn(events):
                    if self.player is not None:
                        self.player.handle(events)
                case day.Leave(why):
                    # 'coach run' stopped at a safety step: the shell says why.
                    self.left_because = why
                    self.exit()
                case _ if day.is_effect(output):
                    self.carry_out(output)
                case _:
                    self.show(output)

    def show(self, output: Output) -> None:
        """A screen for what the flow shows or asks."""
        from coach.engine import day
        from coach.tui import prompts

        match output:
            case day.ShowError(title, lines):
                self.push_screen(prompts.ErrorScreen(title, list(lines)))
            case day.ShowHome(view, check_due):
                from coach.tui.home import HomeScreen

                waiting, self.waiting = self.waiting, []
                if view == self.drawn_home and isinstance(self.screen, HomeScreen):
                    # The home already drawn was right: carry out what was asked of it.
                    self.screen.show_check_due(check_due)
                    for event in waiting:
                        self.answer(event)
                    return
                self.drawn_home = None
                self._clear()
                if isinstance(self.screen, HomeScreen):
                    self.switch_screen(HomeScreen(view, check_due=check_due))
                else:
                    self.push_screen(HomeScreen(view, check_due=check_due))
            case day.PlayCheck():
                self.play_check()
            case day.AskResume(title, body, can_resume):
                self.push_screen(
                    prompts.ResumeScreen(title, body, can_resume=can_resume),
                    lambda choice: self.answer(day.ResumeAnswer(choice)),
                )
            case day.AskScreening(note):
                from coach.tui.safety import ChecklistScreen

                self.push_screen(
                    ChecklistScreen(note),
                    lambda answers: self.answer(day.ScreeningAnswer(answers)),
                )
            case day.AskFollowUp(question):
                from coach.tui.safety import FollowUpScreen

                self.push_screen(
                    FollowUpScreen(question),
                    lambda answer: self.answer(day.FollowUpAnswered(answer)),
                )
            case day.ShowAdvice(day.AdviceKind.CANNOT_SAVE, title, body, _):
                self._ask_cannot_save(title, body)
            case day.ShowAdvice(kind, title, body, go_on):
                stay = {
                    day.AdviceKind.REST_DAY: "Rest today",
                    day.AdviceKind.HIGH_PAIN: "Stop here",
                    day.AdviceKind.CANNOT_SAVE: "Back to home",
                    day.AdviceKind.WITHDRAW: "Keep the sign",
                }.get(kind, "Not today")
                self.push_screen(
                    prompts.AdviceScreen(
                        title, body, go_on=go_on, stay=stay, urgent=kind is day.AdviceKind.URGENT
                    ),
                    lambda go: self.answer(day.AdviceAnswer(bool(go))),
                )
            case day.AskSkipReason(what):
                self.push_screen(
                    prompts.SkipReasonScreen(what),
                    lambda reason: self.answer(day.SkipAnswer(reason)),
                )
            case day.AskBaseline(title, note):
                self.push_screen(
                    prompts.BaselinePrompt(title, note=note),
                    lambda answer: self.answer(day.BaselineAnswer(answer)),
                )
            case day.Play(session):
                self.play(session)
            case day.AskRating(title, safe_max, acceptable_max):
                self.push_screen(
                    prompts.PainPrompt(title, safe_max=safe_max, acceptable_max=acceptable_max),
                    self._rated,
                )
            case day.AskCorrection(title, safe_max, acceptable_max, answer):
                self.push_screen(
                    prompts.CorrectionPrompt(
                        title, safe_max=safe_max, acceptable_max=acceptable_max, answer=answer
                    ),
                    lambda corrected: self.answer(day.CorrectionAnswer(corrected)),
                )
            case day.AskQuit(message, reasons) if reasons:
                self.push_screen(
                    prompts.ConfirmStop(message),
                    lambda why: self.answer(day.QuitAnswer(why is not None, why)),
                )
            case day.AskQuit(message):
                self.push_screen(
                    prompts.ConfirmQuit(message),
                    lambda stop: self.answer(day.QuitAnswer(bool(stop))),
                )
            case day.ShowSummary(summary, where):
                from coach.tui.summary import SummaryScreen

                self._clear()
                self.push_screen(SummaryScreen(summary, where))
            case day.AskLevel(name, from_level, to_level, up):
                self.push_screen(
                    prompts.LevelOffer(name, from_level, to_level, up=up),
                    lambda accepted: self.answer(day.LevelAnswer(bool(accepted))),
                )

    # -- nowhere to save: another folder, or exercise without saving ----------------------

    def _ask_cannot_save(self, title: str, body: str) -> None:
        from coach.engine import day
        from coach.tui.saving import CannotSaveChoice, CannotSaveScreen

        def chosen(choice: CannotSaveChoice | None) -> None:
            if choice == "folder":
                self._ask_folder(title, body)
            else:
                self.answer(day.AdviceAnswer(choice == "without"))

        back = "Leave coach" if self.launch.skip_home else "Back to home"
        self.push_screen(CannotSaveScreen(title, body, back=back), chosen)

    def _ask_folder(self, title: str, body: str, problem: str = "") -> None:
        """Ask for a folder (saying why the last one was refused); cancelling asks the
        question before it again."""
        from coach.tui.saving import FolderPrompt

        def folder_given(folder: Path | None) -> None:
            if folder is None:
                self._ask_cannot_save(title, body)
            else:
                self._try_folder(folder, title, body)

        self.push_screen(FolderPrompt(problem), folder_given)

    @work(thread=True, group="store")
    def _try_folder(self, folder: Path, title: str, body: str) -> None:
        """Whether the history can be kept in ``folder`` (off the loop: it may create it)."""
        from coach.store.database import HistoryStore

        store = HistoryStore(folder / self.store.path.name)
        problem, _ = store.write_problems()
        if problem is None:
            self.call_from_thread(self._use_store, store)
        else:
            refused = f"That folder cannot be used: {problem}."
            self.call_from_thread(self._ask_folder, title, body, refused)

    def _use_store(self, store: HistoryStore) -> None:
        """This run keeps its history in ``store`` from now on; the day is read again."""
        from coach.engine import day

        self.store = store
        if self.flow is not None:
            self.flow.saved_to = str(store.path)
            # The day read again from there: home, or straight on with 'coach run'.
            self.answer(day.ChooseSession(self.flow.source))
        folder = store.path.parent
        self.notify(
            f"This run keeps its history in {folder}. To keep using it, start coach with "
            f"--data-dir {folder} (or set COACH_DATA_DIR).",
            timeout=15,
        )

    def _rated(self, answer: PainAnswer | None) -> None:
        from coach.engine import day

        if answer is not None:
            self.answer(day.RatingAnswer(answer))

    def _clear(self) -> None:
        """Back to the bottom of the stack: home and the summary replace what was shown."""
        if self.player is not None and self.player in self.screen_stack:
            self._let_sleep()  # the session is over: the player is leaving
        while len(self.screen_stack) > 1:
            self.pop_screen()

    @work(thread=True, group="store")
    def carry_out(self, effect: Effect) -> None:
        self.call_from_thread(self.answer, self._carry(effect))

    def _carry(self, effect: Effect) -> Result:
        """Carry out one effect (in a worker thread) and return how it went."""
        from coach.engine import day
        from coach.format.loader import load_session_file

        # The history's version before the load: if it changes meanwhile, the views
        # kept from this load are simply not used next time.
        version = self.store.version() if isinstance(effect, day.LoadDay) else None
        result = day.carry_out(effect, self.store, load_session_file)
        if isinstance(result, day.DayLoaded):
            from coach.store.homecache import remember_home

            # No database before this load (a first start): the one it made.
            remember_home(self.store.home_cache, result, version or self.store.version())
        return result

    # -- the session ----------------------------------------------------------------------

    @work(thread=True, group="sound")
    def play(self, session: SessionController) -> None:
        """Decode the cues (and speech) off the loop, then start the player, so that its
        first cue has a sound to play."""
        flow = self.flow
        assert flow is not None and flow.loaded is not None
        wanted = self.launch.audio or (self.settings.audio if self.settings else "none")
        self.sound.prepare(
            wanted,
            self.settings,
            flow.loaded,
            session.plan,
            warn=lambda text: self.call_from_thread(
                self.notify, text, severity="warning", timeout=8
            ),
            ring=lambda: self.call_from_thread(self.flash),
        )
        pictures: dict[int, Path] = {}
        if self.launch.graphics is not None:
            from coach.tui.picture import picture_files

            # Only where the terminal can show them; the player decodes them off the loop.
            pictures = picture_files(flow.loaded, session.plan)
        self.call_from_thread(self.show_player, session, pictures)

    def show_player(
        self, session: SessionController, pictures: dict[int, Path] | None = None
    ) -> None:
        from coach.tui.player import PlayerScreen

        if self.event_log is not None:
            self.event_log.runner = session.runner
            self.event_log.note(
                event="session", speed=self.launch.speed, total=session.timeline.total
            )
        self.player = PlayerScreen(session, pictures=pictures, graphics=self.launch.graphics)
        self._clear()
        self.push_screen(self.player)
        self._keep_awake()

    # The player's messages. Handlers by Textual's naming rule rather than @on(...): the
    # player module imports the engine, which is kept out of the first frame.

    def on_player_screen_moved(self, message: PlayerScreen.Moved) -> None:
        from coach.engine import day
        from coach.engine.runner import CueDue, Finished, RatingNeeded

        events = message.events
        if events and self.event_log is not None:
            self.event_log.write(list(events), now=message.at)
        if self.launch.cue_sink is not None and not self.sound.muted:
            for event in events:
                if isinstance(event, CueDue):
                    self.launch.cue_sink(event)
        session = self.session
        if session is not None:
            self.sound.plan(session)
        for event in events:
            if isinstance(event, RatingNeeded):
                self.answer(day.RatingDue(event.step))
            elif isinstance(event, Finished):
                self.answer(day.PlayFinished())

    def on_player_screen_quit_requested(self) -> None:
        from coach.engine import day

        self.answer(day.QuitAsked())

    def on_player_screen_correct_requested(self) -> None:
        from coach.engine import day

        self.answer(day.CorrectAsked())

    def on_summary_screen_done(self, message: SummaryScreen.Done) -> None:
        from coach.engine import day

        self.answer(day.SummaryDone(message.note))

    def on_summary_screen_correct_requested(self) -> None:
        from coach.engine import day

        self.answer(day.CorrectAsked())

    def on_player_screen_skip_requested(self) -> None:
        from coach.engine import day

        self.answer(day.SkipAsked())

    def on_player_screen_mute_toggled(self, message: PlayerScreen.MuteToggled) -> None:
        self.sound.mute(message.muted)

    def on_player_screen_volume_changed(self, message: PlayerScreen.VolumeChanged) -> None:
        from coach.tui.sound import VOLUME_STEP

        if self.sound.player is None:
            self.notify("No sound in this session (audio is off).", timeout=2)
            return
        level = self.sound.change_volume(message.direction * VOLUME_STEP)
        self._rescale()
        muted = " (muted: M turns sound on)" if self.sound.muted else ""
        self.notify(f"Volume {level}%{muted}", timeout=2)

    @work(thread=True, exclusive=True, group="volume")
    def _rescale(self) -> None:
        """Scale the cues to the new volume off the loop; the newest press wins."""
        self.sound.apply_volume()

    # -- a function check -------------------------------------------------------------------

    @work(thread=True, group="sound")
    def play_check(self) -> None:
        """Decode the cues off the loop, then show the check."""
        wanted = self.launch.audio or (self.settings.audio if self.settings else "none")
        self.sound.prepare_plain(
            wanted,
            self.settings,
            warn=lambda text: self.call_from_thread(
                self.notify, text, severity="warning", timeout=8
            ),
            ring=lambda: self.call_from_thread(self.flash),
        )
        self.call_from_thread(self.show_check)

    def show_check(self) -> None:
        from coach.engine.checks import CheckFlow
        from coach.tui.checks import CheckScreen

        flow = CheckFlow(self.today, clock=self.clock, wall=self.launch.wall)
        self.push_screen(CheckScreen(flow, self.store, self.sound.plan_cues))
        self._keep_awake()

    def on_check_screen_finished(self, message: CheckScreen.Finished) -> None:
        from coach.engine import day

        self._let_sleep()
        self.answer(day.CheckFinished(message.red_flag, message.stored))

    def on_home_screen_check_requested(self) -> None:
        from coach.engine import day

        self.answer_home(day.StartCheck())

    # -- staying awake --------------------------------------------------------------------

    def _keep_awake(self) -> None:
        if self.awake is not None:
            self.awake.hold()

    def _let_sleep(self) -> None:
        if self.awake is not None:
            self.awake.release()

    def _awake_note(self, text: str) -> None:
        """Why the system could not be kept awake: a line in the event log, if there is
        one, and nothing on screen (the session plays the same either way)."""
        if self.event_log is not None:
            self.event_log.note(event="awake", problem=text)

    # -- sound ----------------------------------------------------------------------------

    def flash(self) -> None:
        """The bell backend's cue: the terminal bell and a brief flash of the player."""
        self.bell()
        player = self.player
        if player is not None and player.is_attached:
            player.add_class("-flash")
            self.set_timer(0.15, lambda: player.remove_class("-flash"))

    # -- home's messages (named handlers for the same reason as the player's) ---------------

    def on_home_screen_start_requested(self) -> None:
        from coach.engine import day

        self.answer_home(day.StartSession())

    def on_home_screen_choose_requested(self) -> None:
        self.open_chooser()

    @work(thread=True, exclusive=True, group="chooser")
    def open_chooser(self) -> None:
        """Read each choice's name from its file (off the loop), then offer them."""
        from coach.tui.choice import named

        self.choices = [named(choice) for choice in self.choices]
        self.call_from_thread(self._show_chooser)

    def _show_chooser(self) -> None:
        from coach.engine import day
        from coach.tui.home import ChooseSession

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.answer_home(day.ChooseSession(path))

        self.push_screen(ChooseSession(list(self.choices)), chosen)

    def on_choose_session_default_chosen(self, message: ChooseSession.DefaultChosen) -> None:
        from coach.config.locations import default_routine
        from coach.config.settings import Settings, with_changes

        choice = message.choice
        # The bundled routine is the default when none is set: kept that way, it
        # follows coach's own folder wherever coach is installed.
        bundled = choice.path.resolve() == default_routine().resolve()
        value = "" if bundled else str(choice.path.expanduser().resolve())
        current = self.settings if self.settings is not None else Settings()
        self.save_settings(
            with_changes(current, {"default_routine": value}),
            f"{choice.name or choice.path.name} is now your default: home opens on it from "
            "the next start. Saved",
        )

    def on_home_screen_settings_requested(self) -> None:
        from coach.config.locations import settings_path
        from coach.config.settings import Settings
        from coach.tui.settings import SettingsScreen

        def chosen(settings: Settings | None) -> None:
            if settings is not None:
                self.save_settings(settings, "Settings saved")

        current = self.settings if self.settings is not None else Settings()
        self.push_screen(SettingsScreen(current, settings_path()), chosen)

    @work(thread=True, exclusive=True, group="settings")
    def save_settings(self, settings: Settings, said: str) -> None:
        """Write ``settings`` to the settings file (in a thread: it syncs to disk) and use
        them from now on: the intervals at once, sound from the next session, the default
        routine from the next start."""
        from coach.config.locations import settings_path
        from coach.config.settings import save_settings

        where = settings_path()
        try:
            save_settings(where, settings)
        except OSError as exc:
            self.call_from_thread(
                self.notify, f"The settings could not be saved to {where}: {exc}", severity="error"
            )
            return
        self.call_from_thread(self._use_settings, settings, f"{said} to {where}.")

    def _use_settings(self, settings: Settings, said: str) -> None:
        self.settings = settings
        if self.flow is not None:
            self.flow.screening_weeks = settings.screening_weeks
            self.flow.check_weeks = settings.check_weeks
        self.notify(said, timeout=4)

    def on_home_screen_history_requested(self) -> None:
        from coach.store.history import HistoryView
        from coach.tui.history import HistoryScreen

        # With the sessions waiting in the journal, marked (read in by the screen's first
        # query, in its worker).
        self.push_screen(HistoryScreen(HistoryView(self.store, journal=True), self.today))

    # -- leaving --------------------------------------------------------------------------

    def rescue_unsaved(self) -> Written | None:
        """On the way out (a normal exit, SIGTERM, SIGHUP, the terminal closed): one more
        try at the sets that could be stored neither in the history nor in the journal.
        None when there were none; otherwise where they went."""
        flow = self.flow
        if flow is None or flow.opening is None or not flow.unsaved:
            return None
        if flow.kept is Kept.JOURNAL:
            return Written(Kept.JOURNAL, None, flow.store_problem, flow.journal)
        return self.store.write_session(flow.opening, flow.unsaved)
