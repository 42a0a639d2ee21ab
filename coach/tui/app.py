"""The coach application: wires the core (loader, plan, runner, store) to the screens.

Everything slow happens off the event loop: the session file and the history are read in
a thread worker after the first frame, and every write to SQLite runs in a thread worker
whose result comes back to the loop before the session moves on, so a rated set is
committed before the next step starts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.driver import Driver
from textual.widgets import Label

from coach.store.database import (
    HistoryStore,
    InterruptedSession,
    SetRecord,
    StoreError,
    local_today,
    utc_now,
)

if TYPE_CHECKING:
    # The core modules below import pydantic (slow); the app imports them in its load
    # worker, after the first frame, and only names them in annotations here.
    from coach.engine.resume import ResumeOption
    from coach.engine.runner import Clock, CueDue
    from coach.engine.timeline import Step
    from coach.tui.eventlog import EventLog

__all__ = ["CoachApp"]


class CoachApp(App[int]):
    """``coach``: home, player, pain prompts and summary for one session file."""

    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    ENABLE_COMMAND_PALETTE = False
    # Priority, so it also works while a prompt is open.
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        # Only in place of Textual's own terminal driver: not on Windows, and not when
        # TEXTUAL_DRIVER chooses another.
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from coach.tui.driver import QuietLinuxDriver

            return QuietLinuxDriver
        return driver

    def __init__(
        self,
        source: Path,
        store: HistoryStore,
        *,
        speed: float = 1.0,
        clock: Clock | None = None,
        skip_home: bool = False,
        cue_sink: Callable[[CueDue], None] | None = None,
        choices: list[Any] | None = None,
        event_log: Path | None = None,
        today: Callable[[], date] | None = None,
        settings: Any = None,
        audio: str | None = None,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.store = store
        self.speed = speed
        self.clock: Clock = clock or time.monotonic
        self.skip_home = skip_home
        self.cue_sink = cue_sink
        self.choices = choices or []
        self.muted = False
        self.loaded: Any = None
        self.plan: Any = None
        self.controller: Any = None
        self.player: Any = None
        self.unsaved: list[SetRecord] = []
        self.store_problem: str | None = None
        self.today: Callable[[], date] = today or local_today
        self.planned: Any = None
        self.settings = settings
        self.settings_path = settings_path
        self.screening_due = False
        self.audio_override = audio
        self.audio_wanted = audio or (settings.audio if settings is not None else "none")
        self.cue_player: Any = None
        self.speech_on = False
        self.histories: dict[str, Any] = {}
        self.moves: dict[str, Any] = {}
        self.resume_asked: set[int] = set()
        """Interrupted sessions already offered in this run (not offered twice)."""
        self.event_log: EventLog | None = None
        if event_log is not None:
            from coach.tui.eventlog import EventLog

            self.event_log = EventLog(event_log, self.clock)

    def compose(self) -> ComposeResult:
        yield Label("Loading today's session...", id="loading")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications here quote exercise names and paths, so no markup by default:
        a name like "Side plank [/left]" must show as written, not crash the app."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_mount(self) -> None:
        self.load_session(self.source)

    def on_unmount(self) -> None:
        if self.cue_player is not None:
            self.cue_player.close()
            if self.event_log is not None:
                for handed in self.cue_player.handed:
                    self.event_log.note_at(handed.handed, event="handed", cue=handed.name,
                                           due=handed.due)  # fmt: skip
        if self.event_log is not None:
            self.event_log.close()

    # -- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_session(self, source: Path) -> None:
        # Imported here, in the worker, so the first frame does not wait for pydantic.
        from coach.engine.planning import plan_today, programs_of
        from coach.engine.timeline import build_timeline
        from coach.format.diagnostics import SessionFileError
        from coach.format.loader import load_session_file

        if self.settings_path is not None and self.settings is None:
            from coach.config.settings import load_settings

            self.settings, settings_problem = load_settings(self.settings_path)
            self.audio_wanted = self.audio_override or self.settings.audio
            if settings_problem:
                self.call_from_thread(self.notify, settings_problem, severity="warning")
        try:
            loaded = load_session_file(source)
        except SessionFileError as exc:
            lines = [d.render() for d in exc.diagnostics]
            self.call_from_thread(self._load_failed, lines)
            return
        histories: dict[str, Any] = {}
        moves: dict[str, Any] = {}
        recent: list[Any] = []
        problem = None
        offer = None
        try:
            for program, _ in programs_of(loaded):
                histories[program.id] = self.store.program_history(program.id)
                moves[program.id] = self.store.level_moves(program.id)
            recent = self.store.recent_sessions(10)
            self.screening_due = self._screening_due(self.store.last_screening())
            interrupted = [
                s for s in self.store.interrupted_sessions() if s.id not in self.resume_asked
            ]
            if interrupted:
                offer = self._consider(interrupted[0], source, loaded, histories, moves)
        except StoreError as exc:
            problem = str(exc)
            self.screening_due = True
        planned = plan_today(loaded, histories, moves, today=self.today())
        total = build_timeline(planned.plan).total
        self.call_from_thread(
            self._loaded, source, loaded, planned, histories, moves, total, recent, problem, offer
        )

    def _consider(self, session: InterruptedSession, source: Path, loaded: Any,
                  histories: dict[str, Any], moves: dict[str, Any]) -> Any:  # fmt: skip
        """The options for an interrupted session (in the load worker: reads files)."""
        from coach.engine.planning import programs_of
        from coach.engine.resume import consider
        from coach.format.diagnostics import SessionFileError
        from coach.format.loader import load_session_file

        path = Path(session.source_path)
        its_loaded: Any = None
        try:
            same = path.resolve() == source.resolve()
        except OSError:
            same = False
        if same:
            its_loaded, its_histories, its_moves = loaded, histories, moves
        else:
            try:
                its_loaded = load_session_file(path)
            except (SessionFileError, OSError):
                its_loaded = None
            its_histories, its_moves = {}, {}
            for program, _ in programs_of(its_loaded) if its_loaded is not None else []:
                its_histories[program.id] = self.store.program_history(program.id)
                its_moves[program.id] = self.store.level_moves(program.id)
        return consider(session, its_loaded, its_histories, its_moves, self.today())

    def _load_failed(self, lines: list[str]) -> None:
        from coach.tui.prompts import ErrorScreen

        self.push_screen(ErrorScreen("This session file has problems", lines))

    def _loaded(self, source: Path, loaded: Any, planned: Any, histories: Any, moves: Any,
                total: float, recent: list[Any], problem: str | None,
                offer: Any = None) -> None:  # fmt: skip
        self.source, self.loaded, self.planned = source, loaded, planned
        self.plan = planned.plan
        self.histories, self.moves = histories, moves
        self.store_problem = problem
        if problem:
            self.notify(
                f"{problem}. You can still exercise; sets will be kept in memory.",
                severity="error",
                timeout=15,
            )

        def show() -> None:
            self._show_start(loaded, total, recent, planned)

        if offer is not None:
            self.offer_resume(offer, show)
            return
        show()

    def _show_start(self, loaded: Any, total: float, recent: list[Any], planned: Any) -> None:
        from coach.tui.home import HomeScreen

        if self.skip_home:
            self.start_session()
            return
        description = getattr(getattr(loaded, "routine", None) or loaded.program, "description", "")
        # A routine chosen from home replaces the home screen rather than stacking.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(HomeScreen(self.plan, description, total, recent, planned.notes))

    def choose_session(self) -> None:
        from coach.tui.home import ChooseSession

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.load_session(path)

        self.push_screen(ChooseSession(self.choices), chosen)

    # -- an interrupted session ------------------------------------------------------

    def offer_resume(self, option: ResumeOption, otherwise: Callable[[], None]) -> None:
        """Ask what to do with a session a killed coach left unfinished."""
        from coach.format.durations import format_duration
        from coach.tui.prompts import ResumeScreen

        session = option.session
        self.resume_asked.add(session.id)
        started = datetime.fromisoformat(session.started_at).astimezone()
        when = (
            f"today at {started:%H:%M}"
            if session.day == self.today()
            else f"on {started:%A} {started.day} {started:%B} at {started:%H:%M}"
        )
        planned_sets = option.sets_planned()
        rated = len({(s.exercise_index, s.set_number) for s in session.sets})
        of = f" of {planned_sets}" if planned_sets else ""
        lines = [
            f"{session.title}, started {when}, stopped before its end: "
            f"{rated}{of} sets rated. Those are saved either way."
        ]
        if option.can_resume:
            assert option.planned is not None and option.point is not None
            from coach.engine.timeline import build_timeline

            timeline = build_timeline(option.planned.plan)
            left = timeline.total - timeline.steps[option.point.step_index].start
            lines.append(
                f"Resume goes on at {option.resume_at()} (about {format_duration(round(left))} "
                "left). Close as partial keeps it in your history as it is."
            )
        else:
            lines.append(
                f"It cannot be resumed: {option.problem}. Close it as partial to keep it "
                "in your history as it is."
            )
        lines.append("Later asks again next time.")

        def answered(choice: str | None) -> None:
            if choice == "resume":
                self.resume_interrupted(option)
            elif choice == "close":
                self.close_interrupted(option)
            else:
                otherwise()

        self.push_screen(
            ResumeScreen("Your last session was interrupted", "\n\n".join(lines),
                         can_resume=option.can_resume),
            answered,
        )  # fmt: skip

    def resume_interrupted(self, option: ResumeOption) -> None:
        from coach.engine.session import SessionController, scaling_of

        assert option.planned is not None and option.point is not None
        assert option.loaded is not None
        session = option.session
        self.source = Path(session.source_path)
        self.loaded, self.planned, self.plan = option.loaded, option.planned, option.planned.plan
        # The history before this session: plan_after adds the session itself.
        self.histories = {
            pid: [f for f in facts if f.session_id != session.id]
            for pid, facts in option.histories.items()
        }
        self.moves = dict(option.moves)
        self.controller = SessionController(
            self.plan, scaling_of(option.loaded), self.source, clock=self.clock, speed=self.speed
        )
        self.controller.resume(session, option.point.step_index, option.point.ended_exercises)
        self.reopen_session(session.id)

    @work(thread=True, exclusive=True, group="store")
    def reopen_session(self, session_id: int) -> None:
        try:
            self.store.claim_session(session_id)
        except StoreError as exc:
            self.call_from_thread(self._store_failed, str(exc))
        self.prepare_audio()
        self.call_from_thread(self._session_opened, session_id)

    @work(thread=True, exclusive=True, group="store")
    def close_interrupted(self, option: ResumeOption) -> None:
        session = option.session
        try:
            self.store.close_interrupted(session.id, option.close_status,
                                         decisions=option.closing)  # fmt: skip
        except StoreError as exc:
            self.call_from_thread(self._store_failed, str(exc))
        rated = len({(s.exercise_index, s.set_number) for s in session.sets})
        self.call_from_thread(
            self.notify,
            f"Closed the interrupted {session.title} as partial; its {rated} rated "
            f"set{'s' if rated != 1 else ''} are in your history.",
            timeout=8,
        )
        # The history changed: plan again (this also offers any older interrupted one).
        self.call_from_thread(self.load_session, self.source)

    # -- a session --------------------------------------------------------------------

    def _screening_due(self, last: tuple[str, str] | None) -> bool:
        from coach.engine.screening import is_due

        weeks = self.settings.screening_weeks if self.settings is not None else 4
        return is_due(last, self.today(), weeks)

    def start_session(self) -> None:
        if self.screening_due:
            self.screen_red_flags()
        else:
            self.ask_baseline()

    def screen_red_flags(self) -> None:
        from coach.engine.screening import assess
        from coach.tui.prompts import ScreeningScreen

        def answered(answers: dict[str, bool] | None) -> None:
            answers = answers or {}
            self.store_screening(answers, assess(answers).value)

        self.push_screen(ScreeningScreen(), answered)

    @work(thread=True, group="store")
    def store_screening(self, answers: dict[str, bool], outcome: str) -> None:
        # Stored before the next screen shows, like a set: a checklist answered and then
        # lost to a crash would be asked again, and its answers would be missing.
        try:
            self.store.record_screening(answers, outcome)
        except StoreError as exc:
            self.call_from_thread(self._store_failed, str(exc))
        self.call_from_thread(self._screened, outcome)

    def _screened(self, outcome: str) -> None:
        from coach.engine.screening import REVIEW_ADVICE, URGENT_ADVICE, Outcome
        from coach.tui.prompts import AdviceScreen

        result = Outcome(outcome)
        if result is Outcome.URGENT:
            self.push_screen(
                AdviceScreen("Seek emergency care now", URGENT_ADVICE, urgent=True),
                lambda _: self._blocked(),
            )
        elif result is Outcome.REVIEW:
            self.push_screen(
                AdviceScreen("Please see a clinician soon", REVIEW_ADVICE,
                             go_on="Exercise gently today anyway"),
                lambda go_on: self.ask_baseline() if go_on else self._blocked(),
            )  # fmt: skip
        else:
            self.screening_due = False
            self.ask_baseline()

    def _blocked(self) -> None:
        """No session today: back to home (or out, when started with 'coach run')."""
        if self.skip_home:
            self.exit()

    def ask_baseline(self) -> None:
        from coach.tui.prompts import PainPrompt

        self.push_screen(
            PainPrompt(
                "Before we start: how does your back feel right now?",
                ask_symptoms=False,
                note="Compare it with how it usually feels; coach compares it with last time.",
            ),
            self._baseline_given,
        )

    def _baseline_given(self, answer: Any) -> None:
        from coach.engine.planning import plan_today
        from coach.engine.scaling import Rule
        from coach.engine.session import SessionController, scaling_of

        baseline = answer.pain if answer is not None else None
        # The next-morning check: a back clearly worse than at the start of the last
        # session cancels the step up planned from it.
        planned = plan_today(
            self.loaded, self.histories, self.moves, today=self.today(), baseline_today=baseline
        )
        cancelled = [d for d in planned.decisions if d.rule is Rule.MORNING_CHECK]
        if cancelled:
            self.notify(cancelled[0].reason.split(", so")[0] + ": no step up today.", timeout=10)
        self.planned, self.plan = planned, planned.plan
        self.controller = SessionController(
            self.plan,
            scaling_of(self.loaded),
            self.source,
            clock=self.clock,
            speed=self.speed,
        )
        self.controller.baseline = baseline
        self.open_session()

    @work(thread=True, exclusive=True, group="store")
    def open_session(self) -> None:
        controller = self.controller
        try:
            session_id = self.store.start_session(
                source_id=controller.plan.source_id,
                title=controller.plan.title,
                source_path=str(controller.source_path),
                planned_seconds=controller.timeline.total,
                levels=controller.plan.levels,
                speed=self.speed,
                baseline_pain=controller.baseline,
            )
        except StoreError as exc:
            self.call_from_thread(self._store_failed, str(exc))
            session_id = -1
        self.prepare_audio()
        self.call_from_thread(self._session_opened, session_id)

    def prepare_audio(self) -> None:
        """Choose the backend and decode every cue once (runs in a worker thread)."""
        from coach.audio.backends import BellBackend, choose_backend
        from coach.audio.cueset import custom_sound_paths, load_cues
        from coach.audio.scheduler import CuePlayer
        from coach.config.locations import bundled_sounds_dir
        from coach.format.loader import ProgramFile

        if self.cue_player is not None or self.audio_wanted == "none":
            return

        def ring() -> None:
            self.call_from_thread(self.flash)

        backend, note = choose_backend(self.audio_wanted, ring)
        files = [self.loaded] if isinstance(self.loaded, ProgramFile) else self.loaded.programs
        base_of = {pf.program.id: pf.path.resolve().parent for pf in files}
        volume = (self.settings.volume if self.settings is not None else 80) / 100
        sounds, problems = load_cues(
            bundled_sounds_dir(), volume, custom_sound_paths(self.controller.plan, base_of)
        )
        sounds |= self._speech(volume)
        self.cue_player = CuePlayer(
            backend,
            sounds,
            clock=self.clock,
            on_problem=lambda message: self.call_from_thread(
                self.notify, message, severity="warning", timeout=8
            ),
            fallback=BellBackend(ring),
        )
        for message in [m for m in (note, *problems) if m]:
            self.call_from_thread(self.notify, message, severity="warning", timeout=8)

    def _speech(self, volume: float) -> dict[str, Any]:
        """Spoken names, 'switch sides', 'rest' and the last counts, if an engine exists."""
        from coach.audio.cueplan import spoken_phrases
        from coach.audio.speech import Speech, find_engine
        from coach.config.locations import cache_dir

        if self.settings is None or not self.settings.speech:
            return {}
        engine = find_engine()
        if engine is None:
            return {}
        self.speech_on = True
        phrases = spoken_phrases(self.controller.plan)
        return Speech(engine, cache_dir() / "speech").render_all(phrases, volume)

    def flash(self) -> None:
        """The bell backend's cue: the terminal bell and a brief flash of the player."""
        self.bell()
        if self.player is not None and self.player.is_attached:
            self.player.add_class("-flash")
            self.set_timer(0.15, lambda: self.player.remove_class("-flash"))

    def plan_cues(self) -> None:
        """Hand the next few seconds of cues to the audio thread (none while paused)."""
        from coach.audio.cueplan import cue_plan

        if self.cue_player is not None:
            plan = cue_plan(self.controller.runner, self.controller.plan, speech=self.speech_on)
            self.cue_player.plan(plan)

    def _session_opened(self, session_id: int) -> None:
        from coach.tui.player import PlayerScreen

        self.controller.session_id = session_id
        self.controller.started_monotonic = self.clock()
        if self.event_log is not None:
            self.event_log.runner = self.controller.runner
            self.event_log.note(event="session", speed=self.speed,
                                total=self.controller.timeline.total)  # fmt: skip
        self.player = PlayerScreen(
            self.controller,
            on_rating=self.ask_rating,
            on_finished=lambda: self.finish("completed"),
            on_cue=self.play_cue,
            on_quit=self.ask_quit,
            on_mute=self.toggle_mute,
            on_events=self.event_log.write if self.event_log is not None else None,
            on_pause_for_help=self.hold_still,
            on_scheduled=self.plan_cues,
        )
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(self.player)

    def _store_failed(self, message: str) -> None:
        self.store_problem = message
        self.notify(
            f"Could not save: {message}. Nothing is lost while coach stays open; it keeps trying.",
            severity="error",
            timeout=15,
        )

    def play_cue(self, cue: CueDue) -> None:
        if self.cue_sink is not None and not self.muted:
            self.cue_sink(cue)

    def toggle_mute(self) -> bool:
        self.muted = not self.muted
        if self.cue_player is not None:
            self.cue_player.muted = self.muted
        return self.muted

    def ask_rating(self, step: Step) -> None:
        from coach.format.v1 import Scaling
        from coach.tui.prompts import PainPrompt

        item = self.controller.plan.exercises[step.exercise_index]
        limits = self.controller.scaling.get(item.program_id, Scaling())
        title = f"{item.name}, set {step.set_number} of {step.sets}: how much does your back hurt?"
        self.push_screen(
            PainPrompt(title, safe_max=limits.safe_max, acceptable_max=limits.acceptable_max),
            self._rated,
        )

    def _rated(self, answer: Any) -> None:
        record = self.controller.record_for(answer)
        self.save_set(record, answer)

    @work(thread=True, exclusive=True, group="store")
    def save_set(self, record: SetRecord, answer: Any) -> None:
        pending = [*self.unsaved, record]
        saved: list[SetRecord] = []
        problem = None
        for item in pending:
            if item.session_id < 0:
                problem = self.store_problem or "the session could not be opened"
                break
            try:
                self.store.record_set(item)
            except StoreError as exc:
                problem = str(exc)
                break
            saved.append(item)
        self.call_from_thread(self._set_saved, record, answer, saved, problem)

    def _set_saved(self, record: SetRecord, answer: Any, saved: list[SetRecord],
                   problem: str | None) -> None:  # fmt: skip
        from coach.engine.session import AfterRating
        from coach.tui.prompts import AdviceScreen

        self.unsaved = [r for r in [*self.unsaved, record] if r not in saved]
        if problem:
            self._store_failed(problem)
        outcome = self.controller.accept(record, answer)
        runner = self.controller.runner
        if outcome is AfterRating.RED_FLAG:
            self.push_screen(AdviceScreen(), lambda _: self.finish("red_flag"))
            return
        if outcome is AfterRating.END_EXERCISE:
            self.notify(
                f"Pain {answer.pain}/10 is above the acceptable zone, so {record.exercise_name}"
                " ends here for today. That is the plan working, not a failure.",
                timeout=8,
            )
            self.player.handle(runner.end_exercise())
            return
        self.player.handle(runner.rated())

    def ask_quit(self) -> None:
        from coach.tui.prompts import ConfirmQuit

        # The clock stops while the question is up: a pain prompt must not pop up over
        # it (where 'n' ticks numbness), and the hold must not run out unattended.
        resume = self.hold_still()

        def answered(stop: bool | None) -> None:
            if stop:
                self.controller.runner.abort()
                self.finish("stopped")
            else:
                resume()

        self.push_screen(ConfirmQuit("Stop this session? The sets you rated are saved."), answered)

    def hold_still(self) -> Callable[[], None]:
        """Pause the session if it is running; return what undoes that."""
        from coach.engine.runner import RunState

        runner = self.controller.runner
        was_running = runner.state is RunState.RUNNING
        runner.pause()
        if self.player is not None:
            self.player.handle([])

        def resume() -> None:
            if was_running and self.player is not None:
                self.player.handle(runner.resume())

        return resume

    def finish(self, status: str) -> None:
        if self.controller.status != "red_flag":
            self.controller.status = status
        after = self.controller.plan_after(self.loaded, self.histories, self.moves, self.today())
        self.close_session(self.controller.status, after)

    @work(thread=True, exclusive=True, group="store")
    def close_session(self, status: str, after: Any) -> None:
        problem = None
        session_id = self.controller.session_id
        reason = "red-flag answer" if status == "red_flag" else None
        try:
            for item in list(self.unsaved):
                if item.session_id >= 0:
                    self.store.record_set(item)
                    self.unsaved.remove(item)
            if session_id is not None and session_id >= 0:
                self.store.finish_session(
                    session_id, status, reason=reason, decisions=after.decisions
                )
        except StoreError as exc:
            problem = str(exc)
        self.call_from_thread(self._session_closed, after, problem)

    def _session_closed(self, after: Any, problem: str | None) -> None:
        from coach.tui.summary import SummaryScreen

        if problem:
            self._store_failed(problem)
        summary = self.controller.summary(after)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(SummaryScreen(summary, str(self.store.path)))
        if self.controller.status != "red_flag":
            self.offer_levels(after)

    def offer_levels(self, after: Any) -> None:
        """Ask about each level move the engine offers; the user decides."""
        from coach.tui.prompts import LevelOffer

        offers = [
            (p, p.offer_up, True) for p in after.programs.values() if p.offer_up is not None
        ] + [(p, p.offer_down, False) for p in after.programs.values() if p.offer_down is not None]
        if not offers:
            return
        program_plan, to_level, up = offers[0]
        name = next(
            (e.program_name for e in self.controller.plan.exercises
             if e.program_id == program_plan.program_id),
            program_plan.program_id,
        )  # fmt: skip

        def answered(accepted: bool | None) -> None:
            self.store_level_move(program_plan.program_id, program_plan.level, to_level,
                                  bool(accepted))  # fmt: skip

        self.push_screen(LevelOffer(name, program_plan.level, to_level, up=up), answered)

    @work(thread=True, group="store")
    def store_level_move(self, program_id: str, from_level: int, to_level: int,
                         accepted: bool) -> None:  # fmt: skip
        session_id = self.controller.session_id
        if session_id is None or session_id < 0:
            return
        try:
            self.store.record_level_move(
                session_id, program_id, from_level, to_level, accepted=accepted
            )
        except StoreError as exc:
            self.call_from_thread(self._store_failed, str(exc))

    # -- leaving ----------------------------------------------------------------------

    def rescue_unsaved(self) -> Path | None:
        """Write sets the database refused to a JSON file beside it, so none is lost."""
        if not self.unsaved:
            return None
        target = self.store.path.with_name(f"unsaved-sets-{utc_now().replace(':', '')}.json")
        rows = [asdict(r) for r in self.unsaved]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
        except OSError:
            return None
        return target
