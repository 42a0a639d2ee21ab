"""A function check from the pain before to the summary: a state machine like the day's.

:class:`CheckFlow` plays one check: the pain now; the Patient-Specific Functional Scale
(the activities named before, rated again, or up to three new ones); each hold of the
protocol in turn, its position and safety note first, with an easier version or a skip
on offer, then the get-ready countdown and the hold until the person stops it or the
ceiling; the pain after (and the nerve symptoms); the summary. It never blocks and does
no I/O: what needs the disk leaves as an effect the shell carries out off its loop
(:func:`coach.engine.checks.carry.carry_out`), and each result is acknowledged only when
its result comes back stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from coach.engine.checks.messages import (
    AskCheckPain,
    AskCheckQuit,
    AskPsfs,
    CheckAdviceAnswer,
    CheckClosed,
    CheckInput,
    CheckNotice,
    CheckOpened,
    CheckOutput,
    CheckOver,
    CheckPainAnswer,
    CheckQuitAnswer,
    CheckQuitAsked,
    ChecksLoaded,
    CloseCheck,
    HoldStop,
    HoldStored,
    HoldTick,
    LoadChecks,
    OpenCheck,
    PsfsAnswer,
    PsfsStored,
    ResultSeen,
    ShowCheckAdvice,
    ShowCheckSummary,
    ShowHold,
    ShowHoldResult,
    ShowTest,
    StoreHold,
    StorePsfs,
    SummarySeen,
    TestAnswer,
)
from coach.engine.checks.protocol import TESTS, EndedBy, HoldTest, Variant
from coach.engine.checks.records import CheckHistory, CheckRecord, HoldResult
from coach.engine.checks.timer import HoldPhase, HoldTimer
from coach.engine.clock import Clock, WallClock, system_wall
from coach.engine.ids import new_id
from coach.engine.records import PainAnswer, SessionStatus

__all__ = ["HIGH_PAIN_BEFORE", "CheckFlow", "CheckStage", "check_due"]

HIGH_PAIN_BEFORE = 7
"""Pain from here at the start: a check would measure the pain, not what the back can
do, so another day is advised (the same line as the day's rest-day advice)."""

RED_FLAG_AFTER = (
    "Please stop exercising for today and see a clinician. Numbness or tingling, weakness "
    "in a leg, or pain spreading below the knee can mean a nerve is irritated, and that "
    "needs a clinician's eyes before you exercise again.\n\n"
    "Seek emergency care now if you also notice numbness around the groin or buttocks, "
    "new trouble passing or holding urine or stools, or leg weakness that is quickly "
    "getting worse."
)


def check_due(last: date | None, today: date, every_weeks: int, *, has_sessions: bool) -> bool:
    """Whether home offers a check: once there are sessions and none was done yet (the
    first measures where the person starts from), then every ``every_weeks`` weeks."""
    if last is None:
        return has_sessions
    return (today - last).days >= every_weeks * 7


class CheckStage(StrEnum):
    LOADING = "loading"
    PAIN_BEFORE = "pain before"
    HIGH_PAIN = "high pain advice"
    OPENING = "opening the check"
    PSFS = "activities"
    STORING_PSFS = "storing the ratings"
    TEST = "test"
    HOLDING = "holding"
    STORING_HOLD = "storing a hold"
    RESULT = "result"
    QUITTING = "quit question"
    PAIN_AFTER = "pain after"
    CLOSING = "closing the check"
    RED_FLAG = "red flag advice"
    SUMMARY = "summary"
    OVER = "over"


@dataclass
class CheckFlow:
    """One function check. Feed it inputs; act on what it returns."""

    today: Callable[[], date]
    clock: Clock = time.monotonic
    wall: WallClock = system_wall
    stage: CheckStage = CheckStage.LOADING
    history: CheckHistory = field(default_factory=CheckHistory)
    check_uid: str = ""
    """The check's identity, made as it opens; it names the check in every write
    (whether the history took it is :attr:`stored`)."""
    pain_before: int | None = None
    index: int = -1
    """The current test in the protocol."""
    variant: Variant = Variant.STANDARD
    timer: HoldTimer | None = None
    results: dict[HoldTest, HoldResult] = field(default_factory=dict)
    psfs: dict[str, int] = field(default_factory=dict)
    unsaved: int = 0
    stored: bool = False
    status: SessionStatus = SessionStatus.COMPLETED
    red_flag: bool = False
    _back_to: CheckStage | None = None
    _pain_after: int | None = None

    def begin(self) -> LoadChecks:
        self.stage = CheckStage.LOADING
        return LoadChecks()

    @property
    def test(self) -> HoldTest | None:
        return TESTS[self.index].test if 0 <= self.index < len(TESTS) else None

    def handle(self, event: CheckInput) -> list[CheckOutput]:
        """What follows ``event``, in order; inputs out of turn are ignored."""
        stage = self.stage
        match event:
            case ChecksLoaded(history, problem) if stage is CheckStage.LOADING:
                return self._loaded(history, problem)
            case CheckPainAnswer(answer) if stage is CheckStage.PAIN_BEFORE:
                return self._pain_given(answer)
            case CheckPainAnswer(answer) if stage is CheckStage.PAIN_AFTER:
                return self._close(answer)
            case CheckAdviceAnswer(go_on) if stage is CheckStage.HIGH_PAIN:
                return self._open() if go_on else self._over()
            case CheckAdviceAnswer() if stage is CheckStage.RED_FLAG:
                return self._summary()
            case CheckOpened(problem) if stage is CheckStage.OPENING:
                return self._opened(problem)
            case PsfsAnswer(entries) if stage is CheckStage.PSFS:
                if not entries or not self.stored:
                    return self._next_test()
                self.stage = CheckStage.STORING_PSFS
                return [StorePsfs(self.check_uid, entries)]
            case PsfsStored() if stage is CheckStage.STORING_PSFS:
                return self._psfs_stored(event)
            case TestAnswer(start, variant) if stage is CheckStage.TEST:
                return self._test_answered(start, variant)
            case HoldTick() if stage is CheckStage.HOLDING:
                assert self.timer is not None
                return self._hold_ended() if self.timer.update() else []
            case HoldStop(by) if stage is CheckStage.HOLDING:
                return self._stopped(by)
            case HoldStored(result, problem) if stage is CheckStage.STORING_HOLD:
                return self._hold_stored(result, problem)
            case ResultSeen() if stage is CheckStage.RESULT:
                return self._next_test()
            case CheckQuitAsked() if stage in (
                CheckStage.TEST,
                CheckStage.HOLDING,
                CheckStage.RESULT,
            ):
                return self._quit_asked()
            case CheckQuitAnswer(stop) if stage is CheckStage.QUITTING:
                return self._quit_answered(stop)
            case CheckClosed(problem) if stage is CheckStage.CLOSING:
                return self._closed(problem)
            case SummarySeen() if stage is CheckStage.SUMMARY:
                return self._over()
        return []

    # -- before the holds ----------------------------------------------------------------

    def _loaded(self, history: CheckHistory, problem: str | None) -> list[CheckOutput]:
        if problem is not None:
            return [
                CheckNotice(f"The check cannot be saved now: {problem}. Try again later.", True),
                *self._over(),
            ]
        self.history = history
        self.stage = CheckStage.PAIN_BEFORE
        return [
            AskCheckPain(
                "Function check: how does your back feel right now?",
                "Four holds, each as long as you comfortably can (at most 4 minutes), "
                "and three everyday activities to rate. About 15 minutes.",
                symptoms=False,
            )
        ]

    def _pain_given(self, answer: PainAnswer | None) -> list[CheckOutput]:
        self.pain_before = answer.pain if answer is not None else None
        if self.pain_before is not None and self.pain_before >= HIGH_PAIN_BEFORE:
            self.stage = CheckStage.HIGH_PAIN
            return [
                ShowCheckAdvice(
                    "Better another day",
                    f"Your back is at {self.pain_before}/10 right now. On a day like this a "
                    "check measures the pain rather than what your back can do, and long "
                    "holds are not kind to it. Try again on a better day; your exercise "
                    "plan is unchanged.",
                    go_on="Check anyway",
                )
            ]
        return self._open()

    def _open(self) -> list[CheckOutput]:
        self.stage = CheckStage.OPENING
        offset = self.wall().astimezone().utcoffset()
        minutes = round(offset.total_seconds() / 60) if offset is not None else 0
        now = self.wall()
        self.check_uid = new_id(int(now.timestamp() * 1000))
        return [OpenCheck(self.check_uid, self.today(), minutes, self.pain_before)]

    def _opened(self, problem: str | None) -> list[CheckOutput]:
        if problem is not None:
            return [
                CheckNotice(f"The check cannot be saved now: {problem}. Try again later.", True),
                *self._over(),
            ]
        self.stored = True
        self.stage = CheckStage.PSFS
        last = self.history.last
        shown = tuple(self.history.activities)
        ratings = tuple(last.psfs.items()) if last is not None else ()
        return [AskPsfs(shown, ratings)]

    def _psfs_stored(self, event: PsfsStored) -> list[CheckOutput]:
        outputs: list[CheckOutput] = []
        if event.problem is not None:
            self.unsaved += 1
            outputs.append(CheckNotice(f"The ratings could not be saved: {event.problem}.", True))
        else:
            self.history = replace(self.history, activities=event.activities)
            self.psfs = dict(event.ratings)
        return outputs + self._next_test()

    # -- the holds -----------------------------------------------------------------------

    def _next_test(self, note: str = "") -> list[CheckOutput]:
        self.index += 1
        self.variant = Variant.STANDARD
        if self.index >= len(TESTS):
            return self._ask_after()
        return self._show_test(note)

    def _show_test(self, note: str = "") -> list[CheckOutput]:
        self.stage = CheckStage.TEST
        info = TESTS[self.index]
        last = next(
            (
                c.holds[info.test]
                for c in reversed(self.history.checks)
                if info.test in c.holds and c.holds[info.test].done
            ),
            None,
        )
        return [ShowTest(self.index + 1, len(TESTS), info, self.variant, last, note)]

    def _test_answered(self, start: bool, variant: Variant) -> list[CheckOutput]:
        test = self.test
        assert test is not None
        self.variant = variant
        if not start:
            self.stage = CheckStage.STORING_HOLD
            return [StoreHold(self.check_uid, HoldResult(test, variant, None, EndedBy.SKIPPED))]
        self.timer = HoldTimer(self.clock)
        self.timer.start()
        self.stage = CheckStage.HOLDING
        return [ShowHold(TESTS[self.index], variant, self.timer)]

    def _stopped(self, by: EndedBy) -> list[CheckOutput]:
        assert self.timer is not None
        if not self.timer.stop(by):
            # Stopped in the countdown: nothing was measured; the test is offered again.
            return self._show_test("Not started: press Enter when you are ready.")
        return self._hold_ended()

    def _hold_ended(self) -> list[CheckOutput]:
        timer, test = self.timer, self.test
        assert timer is not None and test is not None and timer.ended_by is not None
        result = HoldResult(test, self.variant, timer.seconds, timer.ended_by, timer.ceiling)
        self.stage = CheckStage.STORING_HOLD
        return [StoreHold(self.check_uid, result)]

    def _hold_stored(self, result: HoldResult, problem: str | None) -> list[CheckOutput]:
        self.results[result.test] = result
        if problem is not None:
            self.unsaved += 1
        if result.ended_by is EndedBy.SKIPPED:
            outputs: list[CheckOutput] = []
            if problem is not None:
                outputs.append(CheckNotice(f"Could not save: {problem}.", True))
            return outputs + self._next_test()
        self.stage = CheckStage.RESULT
        return [ShowHoldResult(result, problem is None, problem)]

    # -- stopping early ------------------------------------------------------------------

    def _quit_asked(self) -> list[CheckOutput]:
        if self.stage is CheckStage.HOLDING and self.timer is not None:
            # Leaving mid-hold is not a measurement: the hold is dropped, not stored.
            self.timer.phase = HoldPhase.CANCELLED
        self._back_to = self.stage
        self.stage = CheckStage.QUITTING
        if self.unsaved:
            kept = (
                f"{self.unsaved} result{'s' if self.unsaved != 1 else ''} could not be saved: "
                "note them down."
            )
        else:
            kept = "The results so far are saved."
        return [AskCheckQuit(f"Stop the check here? {kept}")]

    def _quit_answered(self, stop: bool) -> list[CheckOutput]:
        back, self._back_to = self._back_to, None
        if stop:
            self.status = SessionStatus.STOPPED
            return self._ask_after()
        if back is CheckStage.RESULT:
            return self._next_test()
        return self._show_test()

    # -- after the holds -----------------------------------------------------------------

    def _ask_after(self) -> list[CheckOutput]:
        self.stage = CheckStage.PAIN_AFTER
        return [
            AskCheckPain(
                "After the check: how does your back feel now?",
                "The same 0-10 scale as before the holds.",
                symptoms=True,
            )
        ]

    def _close(self, answer: PainAnswer | None) -> list[CheckOutput]:
        self._pain_after = answer.pain if answer is not None else None
        if answer is not None and answer.red_flag:
            self.red_flag = True
            self.status = SessionStatus.RED_FLAG
        self.stage = CheckStage.CLOSING
        return [CloseCheck(self.check_uid, self.status, answer)]

    def _closed(self, problem: str | None) -> list[CheckOutput]:
        outputs: list[CheckOutput] = []
        if problem is not None:
            outputs.append(CheckNotice(f"Could not save the end of the check: {problem}.", True))
        if self.red_flag:
            self.stage = CheckStage.RED_FLAG
            return [
                *outputs,
                ShowCheckAdvice("Please stop and see a clinician", RED_FLAG_AFTER, stay="OK"),
            ]
        return outputs + self._summary()

    def _summary(self) -> list[CheckOutput]:
        self.stage = CheckStage.SUMMARY
        this = CheckRecord(
            self.check_uid,
            self.today(),
            self.status,
            self.pain_before,
            self._pain_after,
            self.red_flag,
            dict(self.results),
            dict(self.psfs),
        )
        earlier = tuple(c for c in self.history.checks if c.uid != self.check_uid)
        history = replace(self.history, checks=(*earlier, this))
        return [ShowCheckSummary(history, self.unsaved)]

    def _over(self) -> list[CheckOutput]:
        self.stage = CheckStage.OVER
        return [CheckOver(self.red_flag, self.stored)]
