"""Function checks without a terminal: measurement error, ratios with zeros, the PSFS,
the hold timer, and a whole check driven through its flow into an in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.engine.checks import (
    CEILING_SECONDS,
    HOLD_MDC_SECONDS,
    TESTS,
    CheckFlow,
    CheckStage,
    Direction,
    EndedBy,
    HoldPhase,
    HoldResult,
    HoldTest,
    HoldTimer,
    Variant,
    carry_out,
    check_due,
    classify,
    hold_change,
    ratios,
)
from coach.engine.checks import messages as m
from coach.engine.checks.psfs import PSFS_MCID, clean_activity, psfs_change, psfs_score
from coach.engine.clock import FakeClock
from coach.engine.records import PainAnswer
from coach.store.checks import CheckStore
from coach.store.database import HistoryStore

DAY = date(2026, 11, 30)


def hold(test: HoldTest, seconds: float | None, variant: Variant = Variant.STANDARD) -> HoldResult:
    if seconds is None:
        return HoldResult(test, variant, None, EndedBy.SKIPPED)
    ended = EndedBy.CEILING if seconds >= CEILING_SECONDS else EndedBy.STOPPED
    return HoldResult(test, variant, seconds, ended)


# -- change against measurement error ----------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [
        (60, 100, Direction.NO_CLEAR_CHANGE),  # 40 s: inside the 30-45 s error
        (60, 105, Direction.BETTER),
        (120, 60, Direction.WORSE),
        (100, 100, Direction.NO_CLEAR_CHANGE),
        (240, 240, Direction.NO_CLEAR_CHANGE),
    ],
)
def test_a_hold_change_is_real_only_beyond_the_measurement_error(
    before: float, after: float, direction: Direction
) -> None:
    change = hold_change(hold(HoldTest.EXTENSOR, before), hold(HoldTest.EXTENSOR, after))
    assert change.direction is direction


def test_different_versions_or_a_skip_are_not_compared() -> None:
    standard = hold(HoldTest.SIDE_LEFT, 30)
    easier = hold(HoldTest.SIDE_LEFT, 120, Variant.EASIER)
    assert hold_change(standard, easier).direction is Direction.NOT_COMPARABLE
    assert hold_change(standard, hold(HoldTest.SIDE_LEFT, None)).direction is (
        Direction.NOT_COMPARABLE
    )
    assert hold_change(None, standard).direction is Direction.NOT_COMPARABLE


@given(
    st.floats(0, CEILING_SECONDS, allow_nan=False),
    st.floats(0, CEILING_SECONDS, allow_nan=False),
)
def test_no_progress_is_ever_shown_within_the_error(before: float, after: float) -> None:
    change = hold_change(hold(HoldTest.FLEXOR, before), hold(HoldTest.FLEXOR, after))
    if abs(after - before) < HOLD_MDC_SECONDS:
        assert change.direction is Direction.NO_CLEAR_CHANGE
        assert not change.real
    elif after > before and after < CEILING_SECONDS:
        assert change.direction is Direction.BETTER
    # The same pair the other way round is the mirror image.
    back = hold_change(hold(HoldTest.FLEXOR, after), hold(HoldTest.FLEXOR, before))
    flipped = {Direction.BETTER: Direction.WORSE, Direction.WORSE: Direction.BETTER}
    assert back.direction is flipped.get(change.direction, change.direction)


@given(st.floats(-20, 20), st.floats(-20, 20), st.floats(0.1, 10))
def test_classify_is_symmetric(a: float, b: float, threshold: float) -> None:
    one, other = classify(a, b, threshold), classify(b, a, threshold)
    assert one.real == other.real
    assert one.real == (abs(b - a) >= threshold)


# -- ratios --------------------------------------------------------------------------------


def by_test(**seconds: float | None) -> dict[HoldTest, HoldResult]:
    return {HoldTest(k): hold(HoldTest(k), v) for k, v in seconds.items()}


def test_ratios_and_their_guides() -> None:
    found = {
        r.name: r for r in ratios(by_test(extensor=150, flexor=120, side_left=90, side_right=100))
    }
    assert found["Flexor / extensor"].value == pytest.approx(0.8)
    assert found["Flexor / extensor"].within is True
    assert found["Left / right side bridge"].within is False  # 10% apart
    assert found["Left side bridge / extensor"].value == pytest.approx(0.6)
    assert found["Right side bridge / extensor"].within is True


def test_ratios_with_zeros_say_why_instead_of_dividing() -> None:
    found = {r.name: r for r in ratios(by_test(extensor=0, flexor=0, side_left=0, side_right=0))}
    assert found["Flexor / extensor"].value is None
    assert "0 s" in found["Flexor / extensor"].note
    assert found["Left / right side bridge"].value is None
    one_side = {r.name: r for r in ratios(by_test(side_left=30, side_right=0))}
    assert one_side["Left / right side bridge"].within is False
    assert "needs the extensor" in one_side["Left side bridge / extensor"].note


@given(
    st.dictionaries(
        st.sampled_from(list(HoldTest)),
        st.one_of(st.none(), st.floats(0, CEILING_SECONDS, allow_nan=False)),
    )
)
def test_ratios_never_fail(seconds: dict[HoldTest, float | None]) -> None:
    for ratio in ratios({t: hold(t, s) for t, s in seconds.items()}):
        assert ratio.value is None or ratio.value >= 0
        if ratio.value is None and ratio.within is not None:
            assert ratio.note


# -- the PSFS ------------------------------------------------------------------------------


def test_psfs_score_and_change() -> None:
    assert psfs_score({}) is None
    assert psfs_score({1: 2, 2: 4, 3: 6}) == 4
    assert psfs_change({1: 2, 2: 4}, {1: 3, 2: 4}).direction is Direction.NO_CLEAR_CHANGE
    assert psfs_change({1: 2, 2: 4}, {1: 5, 2: 5}).direction is Direction.BETTER
    # A new activity has no 'before': only those rated both times count.
    assert psfs_change({1: 2}, {1: 3, 9: 10}).direction is Direction.NO_CLEAR_CHANGE
    assert psfs_change({1: 2}, {9: 10}).direction is Direction.NOT_COMPARABLE


@given(
    st.dictionaries(st.integers(1, 3), st.integers(0, 10), min_size=1),
    st.dictionaries(st.integers(1, 3), st.integers(0, 10), min_size=1),
)
def test_psfs_changes_under_two_points_are_never_progress(
    before: dict[int, int], after: dict[int, int]
) -> None:
    change = psfs_change(before, after)
    if change.delta is not None and abs(change.delta) < PSFS_MCID:
        assert not change.real


def test_activities_are_kept_as_typed_but_printable() -> None:
    assert clean_activity("  [b]Tie\x1b[31m my\nshoes</td>  ") == "[b]Tie [31m my shoes</td>"
    assert len(clean_activity("x" * 500)) == 80


# -- due -----------------------------------------------------------------------------------


def test_when_a_check_is_due() -> None:
    assert not check_due(None, DAY, 4, has_sessions=False)
    assert check_due(None, DAY, 4, has_sessions=True)
    assert not check_due(date(2026, 11, 3), DAY, 4, has_sessions=True)
    assert check_due(date(2026, 11, 2), DAY, 4, has_sessions=True)


# -- the hold timer ------------------------------------------------------------------------


def test_the_timer_counts_down_then_holds_until_stopped() -> None:
    clock = FakeClock()
    timer = HoldTimer(clock)
    timer.start()
    assert timer.phase is HoldPhase.GET_READY and timer.countdown() == 5
    clock.advance(5)
    timer.update()
    assert timer.phase is HoldPhase.HOLDING
    clock.advance(87.34)
    assert timer.stop(EndedBy.STOPPED)
    assert timer.seconds == pytest.approx(87.3) and timer.ended_by is EndedBy.STOPPED


def test_the_timer_stops_at_the_ceiling_with_a_cue_every_30_seconds() -> None:
    clock = FakeClock()
    timer = HoldTimer(clock)
    timer.start()
    cues = timer.cues()
    start = timer.hold_starts_at
    assert [c.name for c in cues][:4] == ["tick", "tick", "tick", "start"]
    halves = [c.due - start for c in cues if c.name == "halfway"]
    assert halves == [30, 60, 90, 120, 150, 180, 210]
    assert cues[-1].name == "end" and cues[-1].due == start + CEILING_SECONDS
    clock.advance(5 + 300)
    assert timer.update()
    assert timer.seconds == CEILING_SECONDS and timer.ended_by is EndedBy.CEILING
    assert timer.cues() == []


def test_stopping_in_the_countdown_measures_nothing() -> None:
    clock = FakeClock()
    timer = HoldTimer(clock)
    timer.start()
    clock.advance(2)
    assert not timer.stop(EndedBy.STOPPED)
    assert timer.phase is HoldPhase.CANCELLED and timer.seconds is None


def test_the_timer_wakes_on_whole_seconds() -> None:
    clock = FakeClock(0.0)
    timer = HoldTimer(clock)
    timer.start()
    assert timer.next_wake() == 1.0
    clock.advance(5.4)
    timer.update()
    assert timer.next_wake() == pytest.approx(6.0)


# -- a whole check through the flow --------------------------------------------------------


class Driver:
    """The shell's part of a check, without a screen."""

    def __init__(self, store: HistoryStore) -> None:
        self.clock = FakeClock()
        self.port = CheckStore(store)
        self.flow = CheckFlow(
            lambda: DAY, clock=self.clock, wall=lambda: datetime(2026, 11, 30, 8, tzinfo=UTC)
        )
        self.seen: list[m.CheckOutput] = []
        self.follow([self.flow.begin()])

    def follow(self, outputs: list[m.CheckOutput] | list[m.LoadChecks]) -> None:
        for output in outputs:
            if isinstance(output, m.CheckEffect):
                self.follow(self.flow.handle(carry_out(output, self.port)))
            else:
                self.seen.append(output)

    def give(self, event: m.CheckInput) -> None:
        self.follow(self.flow.handle(event))

    @property
    def last(self) -> m.CheckOutput:
        return self.seen[-1]


def play_check(
    store: HistoryStore, seconds: list[float | None], psfs: tuple[m.PsfsEntry, ...]
) -> Driver:
    shell = Driver(store)
    assert isinstance(shell.last, m.AskCheckPain)
    shell.give(m.CheckPainAnswer(PainAnswer(2)))
    assert isinstance(shell.last, m.AskPsfs)
    shell.give(m.PsfsAnswer(psfs))
    for held in seconds:
        assert isinstance(shell.last, m.ShowTest)
        if held is None:
            shell.give(m.TestAnswer(start=False))
            continue
        shell.give(m.TestAnswer(start=True))
        assert isinstance(shell.last, m.ShowHold)
        shell.clock.advance(5 + held)
        shell.give(m.HoldTick())
        if shell.flow.stage is CheckStage.HOLDING:
            shell.give(m.HoldStop(EndedBy.STOPPED))
        assert isinstance(shell.last, m.ShowHoldResult) and shell.last.saved
        shell.give(m.ResultSeen())
    assert isinstance(shell.last, m.AskCheckPain) and shell.last.symptoms
    shell.give(m.CheckPainAnswer(PainAnswer(3)))
    assert isinstance(shell.last, m.ShowCheckSummary)
    shell.give(m.SummarySeen())
    assert shell.last == m.CheckOver(red_flag=False, stored=True)
    return shell


def test_a_whole_check_is_stored_and_compared_with_the_last() -> None:
    store = HistoryStore.in_memory()
    entries = (m.PsfsEntry(None, "Putting on socks", 3), m.PsfsEntry(None, "<b>Gardening", 4))
    play_check(store, [60, 50, None, 300], entries)
    history = CheckStore(store).check_history()
    (check,) = history.checks
    assert check.status == "completed" and check.pain_before == 2 and check.pain_after == 3
    assert check.holds[HoldTest.EXTENSOR].seconds == 60
    assert check.holds[HoldTest.SIDE_LEFT].ended_by is EndedBy.SKIPPED
    assert check.holds[HoldTest.SIDE_RIGHT].ended_by is EndedBy.CEILING
    assert [a.text for a in history.activities] == ["Putting on socks", "<b>Gardening"]
    socks, gardening = (a.id for a in history.activities)
    assert check.psfs == {socks: 3, gardening: 4}
    # The next check shows the same activities again, with last time's ratings.
    shell = Driver(store)
    shell.give(m.CheckPainAnswer(PainAnswer(1)))
    assert isinstance(shell.last, m.AskPsfs)
    assert [a.text for a in shell.last.activities] == ["Putting on socks", "<b>Gardening"]
    assert dict(shell.last.last) == {socks: 3, gardening: 4}
    shell.give(m.PsfsAnswer((m.PsfsEntry(socks, "", 6), m.PsfsEntry(gardening, "", 7))))
    assert isinstance(shell.last, m.ShowTest) and shell.last.last is not None
    assert shell.last.last.seconds == 60


def test_high_pain_before_advises_another_day() -> None:
    shell = Driver(HistoryStore.in_memory())
    shell.give(m.CheckPainAnswer(PainAnswer(8)))
    assert isinstance(shell.last, m.ShowCheckAdvice) and shell.last.go_on
    shell.give(m.CheckAdviceAnswer(go_on=False))
    assert shell.last == m.CheckOver(red_flag=False, stored=False)


def test_nerve_symptoms_after_advise_a_clinician() -> None:
    store = HistoryStore.in_memory()
    shell = Driver(store)
    shell.give(m.CheckPainAnswer(PainAnswer(2)))
    shell.give(m.PsfsAnswer(None))
    shell.give(m.CheckQuitAsked())
    assert isinstance(shell.last, m.AskCheckQuit)
    shell.give(m.CheckQuitAnswer(stop=True))
    shell.give(m.CheckPainAnswer(PainAnswer(4, numbness=True)))
    assert isinstance(shell.last, m.ShowCheckAdvice) and shell.last.go_on is None
    shell.give(m.CheckAdviceAnswer(go_on=False))
    shell.give(m.SummarySeen())
    assert shell.last == m.CheckOver(red_flag=True, stored=True)
    (check,) = CheckStore(store).check_history().checks
    assert check.status == "red_flag" and check.red_flag


def test_quitting_mid_hold_stores_no_time() -> None:
    store = HistoryStore.in_memory()
    shell = Driver(store)
    shell.give(m.CheckPainAnswer(PainAnswer(2)))
    shell.give(m.PsfsAnswer(None))
    shell.give(m.TestAnswer(start=True))
    shell.clock.advance(30)
    shell.give(m.CheckQuitAsked())
    shell.give(m.CheckQuitAnswer(stop=False))
    assert isinstance(shell.last, m.ShowTest) and shell.last.info is TESTS[0]
    (check,) = CheckStore(store).check_history().checks
    assert check.holds == {}


def test_a_refused_write_is_never_called_saved() -> None:
    class Broken(CheckStore):
        def record_hold(self, check_uid: str, result: HoldResult) -> None:
            from coach.store.database import StoreError

            raise StoreError("the disk is full")

    shell = Driver(HistoryStore.in_memory())
    shell.port = Broken(shell.port.store)
    shell.give(m.CheckPainAnswer(PainAnswer(2)))
    shell.give(m.PsfsAnswer(None))
    shell.give(m.TestAnswer(start=True))
    shell.clock.advance(40)
    shell.give(m.HoldStop(EndedBy.PAIN))
    assert isinstance(shell.last, m.ShowHoldResult)
    assert not shell.last.saved and shell.last.problem == "the disk is full"


def test_the_notes_say_what_the_threshold_is() -> None:
    assert psfs_change({1: 3}, {1: 4}).note == "1 point, less than the 2 points change that matters"
    change = hold_change(hold(HoldTest.EXTENSOR, 60), hold(HoldTest.EXTENSOR, 110))
    assert change.note == "up 50 s, at least the 45 s measurement error"


def test_the_flexor_set_up_is_unambiguous_and_its_easier_version_is_easier() -> None:
    from coach.engine.checks.protocol import info

    flexor = info(HoldTest.FLEXOR)
    # McGill's angle said both ways, so no one reads '60 degrees' from upright.
    assert "60 degrees from the floor: 30 degrees back from sitting upright" in flexor.position
    # The easier version leans back less than the standard, not the standard angle again.
    assert "15 degrees back from sitting upright" in flexor.easier
    assert "30 degrees" not in flexor.easier
