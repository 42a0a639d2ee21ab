"""The day flow's test shell: the shell's part without a screen (effects carried out at
once, the runner played by moving a fake clock), and the person's usual answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from coach.engine import day
from coach.engine.clock import FakeClock
from coach.engine.records import PainAnswer
from coach.engine.runner import Finished, RatingNeeded, RunnerEvent, RunState
from coach.engine.screening import QUESTIONS
from coach.format.loader import load_session_file

TODAY = date(2026, 11, 30)


class Shell:
    """The shell's part, without a screen: effects carried out at once, the runner played
    by moving a fake clock, everything the flow showed or asked kept in ``seen``."""

    def __init__(
        self,
        source: Path,
        history: day.History,
        *,
        today: date = TODAY,
        skip_home: bool = False,
        speed: float = 1.0,
        wall: datetime | None = None,
    ) -> None:
        self.clock = FakeClock()
        self.history = history
        self.today = today
        self.flow = day.DayFlow(
            source,
            "memory",
            lambda: self.today,
            clock=self.clock,
            wall=lambda: wall or datetime.combine(self.today, datetime.min.time(), UTC),
            skip_home=skip_home,
            speed=speed,
        )
        self.seen: list[day.Output] = []
        self.carried: list[day.Effect] = []
        self.follow([self.flow.begin()])

    def follow(self, outputs: Sequence[day.Output]) -> None:
        for output in outputs:
            if isinstance(output, day.Play):
                self.seen.append(output)
                self.player(output.session.runner.start())
            elif isinstance(output, day.MoveOn):
                self.player(output.events)
            elif day.is_effect(output):
                self.carried.append(output)
                self.follow(self.flow.handle(day.carry_out(output, self.history, load)))
            else:
                self.seen.append(output)

    def player(self, events: Sequence[RunnerEvent]) -> None:
        for event in events:
            if isinstance(event, RatingNeeded):
                self.follow(self.flow.handle(day.RatingDue(event.step)))
            elif isinstance(event, Finished):
                self.follow(self.flow.handle(day.PlayFinished()))

    def answer(self, event: day.Answer) -> None:
        self.follow(self.flow.handle(event))

    def play_until_asked(self) -> None:
        """Move the clock step by step until the flow asks something of the person."""
        session = self.flow.session
        assert session is not None
        runner = session.runner
        for _ in range(10_000):
            if runner.state is not RunState.RUNNING:
                return
            self.clock.advance(runner.remaining())
            self.player(runner.update())
        raise AssertionError("the session never asked anything")

    def last(self, kind: type[Any]) -> Any:
        found = [o for o in self.seen if isinstance(o, kind)]
        assert found, f"nothing of {kind.__name__} was shown; saw {self.seen!r}"
        return found[-1]

    def notices(self) -> list[str]:
        return [o.text for o in self.seen if isinstance(o, day.Notice)]


def load(path: Path) -> Any:
    return load_session_file(path)


def none_apply() -> day.ScreeningAnswer:
    return day.ScreeningAnswer({q.key: False for q in QUESTIONS})


def begin_session(shell: Shell, baseline: int | None = 1) -> None:
    """From home through the checklist (when due) and the baseline into the player."""
    shell.answer(day.StartSession())
    if isinstance(shell.seen[-1], day.AskScreening):
        shell.answer(none_apply())
    assert isinstance(shell.seen[-1], day.AskBaseline)
    shell.answer(day.BaselineAnswer(PainAnswer(baseline)))
    assert isinstance(shell.seen[-1], day.Play)


def rate_every_set(shell: Shell, pains: Sequence[int]) -> None:
    for pain in pains:
        shell.play_until_asked()
        assert isinstance(shell.seen[-1], day.AskRating), shell.seen[-1]
        shell.answer(day.RatingAnswer(PainAnswer(pain)))
    shell.play_until_asked()
