"""The day's screens: what the app does with each output of the day flow, and what each
screen's message tells the flow.

:class:`DayScreens` holds two tables. ``outputs`` goes from each output type of
:class:`coach.engine.day.DayFlow` to what shows it: an effect is carried out off the loop,
a question is asked with its dialog (:data:`ASKS`: the dialog, and the flow input its
answer becomes), and home, the player, the summary and a function check are the app's
own. ``inputs`` goes from each message a screen sends to the flow input it means.

This module imports the engine's day, the player, the prompts and the summary (pydantic
through the format: about 0.5 s), so the app loads it in the day's worker, after the
first frame, off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from textual.message import Message
from textual.screen import Screen

from coach.engine import day
from coach.engine.checks import CheckFlow
from coach.engine.runner import CueDue, Finished, RatingNeeded, RunnerEvent
from coach.engine.session import SessionController
from coach.format.loader import load_session_file
from coach.format.text import printable
from coach.store.database import HistoryStore
from coach.store.homecache import remember_home
from coach.tui import prompts
from coach.tui.checks import CheckScreen
from coach.tui.home import HomeScreen
from coach.tui.picture import picture_files
from coach.tui.player import PlayerScreen
from coach.tui.safety import ChecklistScreen, FollowUpScreen
from coach.tui.saving import where_to_save
from coach.tui.sound import wanted_audio
from coach.tui.summary import SummaryScreen

if TYPE_CHECKING:
    from coach.tui.app import CoachApp

__all__ = ["ADVICE_STAY", "ASKS", "Ask", "DayScreens", "carry"]


@dataclass(frozen=True)
class Ask:
    """A dialog, and what its answer (the value it is dismissed with) tells the flow;
    None: nothing to tell."""

    screen: Screen[Any]  # Any: a dialog of any result type (Screen is invariant in it)
    answer: Callable[[Any], day.Input | None]  # Any: what that dialog is dismissed with


def _nothing(_: object) -> None:
    return None


ADVICE_STAY: dict[day.AdviceKind, str] = {
    day.AdviceKind.REST_DAY: "Rest today",
    day.AdviceKind.HIGH_PAIN: "Stop here",
    day.AdviceKind.CANNOT_SAVE: "Back to home",
    day.AdviceKind.WITHDRAW: "Keep the sign",
}
"""The label of the button that keeps the person where they are, by kind of advice (the
default for any other kind is 'Not today')."""


def _advice(shown: day.ShowAdvice) -> Ask:
    stay = ADVICE_STAY.get(shown.kind, "Not today")
    urgent = shown.kind is day.AdviceKind.URGENT
    return Ask(
        prompts.AdviceScreen(shown.title, shown.body, go_on=shown.go_on, stay=stay, urgent=urgent),
        lambda go: day.AdviceAnswer(bool(go)),
    )


def _rating(asked: day.AskRating) -> Ask:
    return Ask(
        prompts.PainPrompt(
            asked.title, safe_max=asked.safe_max, acceptable_max=asked.acceptable_max
        ),
        lambda answer: None if answer is None else day.RatingAnswer(answer),
    )


def _correction(asked: day.AskCorrection) -> Ask:
    return Ask(
        prompts.CorrectionPrompt(
            asked.title,
            safe_max=asked.safe_max,
            acceptable_max=asked.acceptable_max,
            answer=asked.answer,
        ),
        day.CorrectionAnswer,
    )


def _quit(asked: day.AskQuit) -> Ask:
    if asked.reasons:  # stopping says why, as a skipped set does
        return Ask(
            prompts.ConfirmStop(asked.message),
            lambda why: day.QuitAnswer(why is not None, why),
        )
    return Ask(prompts.ConfirmQuit(asked.message), lambda stop: day.QuitAnswer(bool(stop)))


# Any: each entry takes an output of its own key's type, which no one type can say
ASKS: dict[type[object], Callable[[Any], Ask]] = {
    day.ShowError: lambda shown: Ask(prompts.ErrorScreen(shown.title, list(shown.lines)), _nothing),
    day.AskResume: lambda asked: Ask(
        prompts.ResumeScreen(asked.title, asked.body, can_resume=asked.can_resume),
        day.ResumeAnswer,
    ),
    day.AskScreening: lambda asked: Ask(ChecklistScreen(asked.note), day.ScreeningAnswer),
    day.AskFollowUp: lambda asked: Ask(FollowUpScreen(asked.question), day.FollowUpAnswered),
    day.ShowAdvice: _advice,
    day.AskSkipReason: lambda asked: Ask(prompts.SkipReasonScreen(asked.exercise), day.SkipAnswer),
    day.AskBaseline: lambda asked: Ask(
        prompts.BaselinePrompt(asked.title, note=asked.note), day.BaselineAnswer
    ),
    day.AskRating: _rating,
    day.AskCorrection: _correction,
    day.AskQuit: _quit,
    day.AskLevel: lambda asked: Ask(
        prompts.LevelOffer(
            printable(asked.program_name),
            asked.from_level,
            asked.to_level,
            up=asked.up,
            criterion=printable(asked.criterion, multiline=True),
            to_name=printable(asked.to_name),
            to_description=printable(asked.to_description, multiline=True),
        ),
        lambda accepted: day.LevelAnswer(bool(accepted)),
    ),
}
"""Each question of the flow -> how to ask it."""


class DayScreens:
    """The tables for one app: what shows each output of the flow, and what each screen's
    message tells the flow."""

    def __init__(self, app: CoachApp) -> None:
        self.app = app
        # Any: each entry takes an output of its own key's type
        own: dict[type[object], Callable[[Any], object]] = {
            day.Notice: lambda notice: app.notify(
                notice.text, severity=notice.tone.value, timeout=notice.seconds
            ),
            day.MoveOn: self._move,
            day.Leave: self._leave,
            day.ShowHome: self.show_home,
            day.ShowAdvice: self._advise,
            day.Play: lambda play: app.run_worker(
                partial(self._prepare_player, play.session), thread=True, group="sound"
            ),
            day.PlayCheck: lambda _: app.run_worker(
                self._prepare_check, thread=True, group="sound"
            ),
            day.ShowSummary: lambda shown: app.show_last(SummaryScreen(shown.summary, shown.where)),
        }
        # Any: each entry takes an output of its own key's type
        self.outputs: dict[type[object], Callable[[Any], object]] = {
            **{kind: partial(self.ask, make) for kind, make in ASKS.items()},
            **dict.fromkeys(get_args(day.Effect), app.carry_out),
            **own,
        }
        """Each output type of the flow -> what shows it or carries it out."""
        # Any: each entry takes a message of its own key's type
        self.inputs: dict[type[Message], Callable[[Any], day.Input]] = {
            HomeScreen.StartRequested: lambda _: day.StartSession(),
            HomeScreen.CheckRequested: lambda _: day.StartCheck(),
            PlayerScreen.QuitRequested: lambda _: day.QuitAsked(),
            PlayerScreen.SkipRequested: lambda _: day.SkipAsked(),
            PlayerScreen.CorrectRequested: lambda _: day.CorrectAsked(),
            SummaryScreen.CorrectRequested: lambda _: day.CorrectAsked(),
            SummaryScreen.Done: lambda done: day.SummaryDone(done.note),
            CheckScreen.Finished: lambda done: day.CheckFinished(done.red_flag, done.stored),
        }
        """Each message a screen sends the app -> the flow input it means."""

    def ask(self, make: Callable[[Any], Ask], output: object) -> None:  # Any: as in ASKS
        """Push the dialog for ``output``; its answer goes to the flow."""
        asked = make(output)

        def answered(value: object) -> None:
            event = asked.answer(value)
            if event is not None:
                self.app.answer(event)

        self.app.push_screen(asked.screen, answered)

    def _advise(self, shown: day.ShowAdvice) -> None:
        if shown.kind is day.AdviceKind.CANNOT_SAVE:
            # Nowhere to save: the app asks where (coach.tui.saving).
            self.app.run_worker(self._where_to_save(shown.title, shown.body), group="store")
        else:
            self.ask(_advice, shown)

    def _move(self, move: day.MoveOn) -> None:
        if self.app.player is not None:
            self.app.player.handle(move.events)

    def _leave(self, leave: day.Leave) -> None:
        """'coach run' stopped at a safety step: the shell says why."""
        self.app.left_because = leave.why
        self.app.exit()

    async def _where_to_save(self, title: str, body: str) -> None:
        """Nowhere to save: another folder (this run keeps its history there), exercise
        without saving, or back (in a worker: it waits for the answers)."""
        app = self.app
        back = "Leave coach" if app.launch.skip_home else "Back to home"
        kept = await where_to_save(app, title, body, back=back, name=app.store.path.name)
        if not isinstance(kept, HistoryStore):
            app.answer(day.AdviceAnswer(kept))
            return
        app.history.replace(kept)
        if app.flow is not None:
            app.flow.saved_to = str(kept.path)
            # The day read again from there: home, or straight on with 'coach run'.
            app.answer(day.ChooseSession(app.flow.source))
        folder = kept.path.parent
        app.notify(
            f"This run keeps its history in {folder}. To keep using it, start coach with "
            f"--data-dir {folder} (or set COACH_DATA_DIR).",
            timeout=15,
        )

    def show_home(self, shown: day.ShowHome) -> None:
        app = self.app
        waiting, app.waiting = app.waiting, []
        if shown.view == app.drawn_home and isinstance(app.screen, HomeScreen):
            # The home already drawn was right: carry out what was asked of it.
            app.screen.show_check_due(shown.check_due)
            for told in waiting:
                app.answer(told(self))
            return
        app.drawn_home = None
        app.show_last(HomeScreen(shown.view, check_due=shown.check_due))

    def _prepare_player(self, session: SessionController) -> None:
        """Decode the cues (and speech) off the loop, then start the player, so that its
        first cue has a sound to play (in a worker)."""
        app = self.app
        flow = app.flow
        assert flow is not None and flow.loaded is not None
        app.sound.prepare(
            wanted_audio(app.launch.audio, app.settings), app.settings, flow.loaded, session.plan
        )
        pictures: dict[int, Path] = {}
        if app.launch.graphics is not None:
            # Only where the terminal can show them; the player decodes them off the loop.
            pictures = picture_files(flow.loaded, session.plan)
        app.call_from_thread(self._show_player, session, pictures)

    def _show_player(self, session: SessionController, pictures: dict[int, Path]) -> None:
        app = self.app
        if app.event_log is not None:
            app.event_log.runner = session.runner
            app.event_log.note(
                event="session", speed=app.launch.speed, total=session.timeline.total
            )
        app.player = PlayerScreen(session, pictures=pictures, graphics=app.launch.graphics)
        app.show_last(app.player)
        app.awake.hold()

    def _prepare_check(self) -> None:
        """Decode the cues off the loop, then show the check (in a worker)."""
        app = self.app
        app.sound.prepare_plain(wanted_audio(app.launch.audio, app.settings), app.settings)
        app.call_from_thread(self._show_check)

    def _show_check(self) -> None:
        app = self.app
        flow = CheckFlow(app.today, clock=app.clock, wall=app.launch.wall)
        app.push_screen(CheckScreen(flow, app.store, app.sound.plan_cues))
        app.awake.hold()

    @staticmethod
    def loading(flow: day.DayFlow) -> bool:
        """Whether the flow has not yet loaded the day (home's intents then wait)."""
        return flow.stage is day.Stage.LOADING

    @staticmethod
    def chosen(path: Path) -> day.Input:
        """Home's 'play this file instead' (from the chooser, or another folder's history)."""
        return day.ChooseSession(path)

    def played(self, events: Sequence[RunnerEvent], at: float) -> list[day.Input]:
        """The player moved: the events logged, the cues handed to the audio thread (and
        the tests' sink), and what they tell the flow (a rating is due, the end)."""
        app = self.app
        if events and app.event_log is not None:
            app.event_log.write(list(events), now=at)
        sink = app.launch.cue_sink
        if sink is not None and not app.sound.muted:
            for event in events:
                if isinstance(event, CueDue):
                    sink(event)
        if app.session is not None:
            app.sound.plan(app.session)
        told: list[day.Input] = []
        for event in events:
            if isinstance(event, RatingNeeded):
                told.append(day.RatingDue(event.step))
            elif isinstance(event, Finished):
                told.append(day.PlayFinished())
        return told

    def carry(self, effect: day.Effect) -> day.Result:
        """Carry out ``effect`` with the app's history (in a worker thread)."""
        return carry(effect, self.app.store)


def carry(effect: day.Effect, store: HistoryStore) -> day.Result:
    """Carry out one effect of the flow with ``store`` (in a worker thread) and return how
    it went; a day loaded is also kept for the next start's first frame."""
    # The history's version before the load: if it changes meanwhile, the views kept
    # from this load are simply not used next time.
    version = store.version() if isinstance(effect, day.LoadDay) else None
    result = day.carry_out(effect, store, load_session_file)
    if isinstance(result, day.DayLoaded):
        # No database before this load (a first start): the one it made.
        remember_home(store.home_cache, result, version or store.version())
    return result
