"""The session runner against a fake monotonic clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from coach.engine.clock import FakeClock
from coach.engine.cues import CueKind
from coach.engine.runner import (
    CueDue,
    Finished,
    RatingNeeded,
    RunState,
    SessionRunner,
    StepStarted,
)
from coach.engine.timeline import Phase, Side, StepKind

from .profiles import examples
from .runner_helpers import run_to_end, timeline_from
from .strategies import valid_programs

HOLD = {
    "name": "Hold",
    "kind": "hold",
    "hold": 10,
    "holds": 2,
    "hold_rest": 5,
    "sets": 2,
    "rest": 20,
    "rest_after": 15,
}
TIMED = {"name": "Flow", "kind": "timed", "duration": 30}


def started(events: list) -> list[StepKind]:  # type: ignore[type-arg]
    return [e.step.kind for e in events if isinstance(e, StepStarted)]


def test_walks_every_step_in_order_and_ends_at_the_planned_total(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [HOLD, TIMED])
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    t0 = clock.now
    events = run_to_end(runner, clock)
    assert started(events) == [s.kind for s in timeline.steps]
    assert isinstance(events[-1], Finished)
    assert runner.session_time() == timeline.total
    assert clock.now - t0 == pytest.approx(timeline.total)


def test_rating_waits_for_the_user_and_the_clock_stops(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [TIMED], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(30)
    events = runner.update()
    assert isinstance(events[-1], RatingNeeded)
    assert runner.state is RunState.RATING
    clock.advance(600)  # the user takes ten minutes to answer
    assert runner.session_time() == 30
    assert runner.update() == []
    events = runner.rated()
    assert isinstance(events[-1], Finished)


def test_pause_excludes_paused_time_exactly(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [TIMED], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(12.25)
    runner.pause()
    assert runner.next_wake() is None
    clock.advance(1000)
    assert runner.remaining() == pytest.approx(17.75)
    runner.resume()
    wake = runner.next_wake()
    assert wake is not None and clock.now < wake <= clock.now + 17.75
    assert runner.remaining() == pytest.approx(17.75)
    clock.advance(17.75)
    assert isinstance(runner.update()[-1], RatingNeeded)


def test_toggle_pause_twice_is_a_no_op_on_time(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [TIMED], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(5)
    runner.toggle_pause()
    assert runner.state is RunState.PAUSED
    runner.toggle_pause()
    assert runner.state is RunState.RUNNING
    assert runner.remaining() == pytest.approx(25)


def test_skip_moves_on_and_marks_the_set_incomplete(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [TIMED], get_ready=5)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    runner.skip()  # skip the get-ready countdown
    assert runner.step is not None and runner.step.kind is StepKind.TIMED
    assert runner.session_time() == 5
    clock.advance(10)
    events = runner.skip()  # give up on the flow after 10 s
    assert isinstance(events[-1], RatingNeeded)
    outcome = runner.set_outcome(0, 1)
    assert (outcome.done_work, outcome.planned_work, outcome.completed) == (10, 30, False)


def test_skip_while_paused_stays_paused(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [TIMED], get_ready=5)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    runner.pause()
    runner.skip()
    assert runner.state is RunState.PAUSED
    assert runner.step is not None and runner.step.kind is StepKind.TIMED
    clock.advance(100)
    assert runner.remaining() == 30


def test_back_redoes_the_current_set(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [HOLD], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(17)  # into the second hold of set 1
    runner.update()
    assert runner.step is not None and runner.step.hold == 2
    runner.back()
    step = runner.step
    assert step is not None and (step.kind, step.hold, step.set_number) == (StepKind.HOLD, 1, 1)
    assert runner.session_time() == 0
    assert runner.set_outcome(0, 1).attempt == 2
    assert runner.set_outcome(0, 1).done_work == 0


def test_back_during_rest_redoes_the_set_just_done(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [HOLD], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(25)
    runner.update()
    runner.rated()
    assert runner.step is not None and runner.step.kind is StepKind.REST
    runner.back()
    assert runner.step is not None and (runner.step.kind, runner.step.set_number) == (
        StepKind.HOLD,
        1,
    )


def test_sides_are_walked_left_switch_right(tmp_path: Path) -> None:
    exercise = {"name": "Side", "kind": "hold", "hold": 5, "sides": "each", "switch": 3}
    timeline = timeline_from(tmp_path, [exercise], get_ready=0)
    clock = FakeClock()
    events = run_to_end(SessionRunner(timeline, clock=clock), clock)
    sides = [(e.step.kind, e.step.side) for e in events if isinstance(e, StepStarted)]
    assert sides == [
        (StepKind.HOLD, Side.LEFT),
        (StepKind.SWITCH, Side.RIGHT),
        (StepKind.HOLD, Side.RIGHT),
        (StepKind.RATE, None),
    ]
    cues = [e.cue.kind for e in events if isinstance(e, CueDue)]
    assert CueKind.SWITCH in cues


def test_tempo_reps_emit_phase_cues_on_time(tmp_path: Path) -> None:
    exercise = {
        "name": "Reps",
        "kind": "reps",
        "reps": 2,
        "tempo": {"up": 2, "pause": 1, "down": 2},
    }
    timeline = timeline_from(tmp_path, [exercise], get_ready=0)
    clock = FakeClock()
    t0 = clock.now
    events = run_to_end(SessionRunner(timeline, clock=clock), clock)
    cues = [(e.cue.kind, e.due - t0) for e in events if isinstance(e, CueDue)]
    assert cues == [
        (CueKind.START, 0),
        (CueKind.PAUSE, 2),
        (CueKind.DOWN, 3),
        (CueKind.UP, 5),
        (CueKind.PAUSE, 7),
        (CueKind.DOWN, 8),
        (CueKind.DONE, 10),
    ]
    phases = [e.step.phase for e in events if isinstance(e, StepStarted) and e.step.phase]
    assert phases == [Phase.UP, Phase.PAUSE, Phase.DOWN] * 2


def test_hold_cues_countdown_start_last_seconds_end(tmp_path: Path) -> None:
    exercise = {"name": "H", "kind": "hold", "hold": 8, "cues": {"halfway": True}}
    timeline = timeline_from(tmp_path, [exercise], get_ready=5)
    clock = FakeClock()
    t0 = clock.now
    events = run_to_end(SessionRunner(timeline, clock=clock), clock)
    cues = [(e.cue.kind.value, e.due - t0) for e in events if isinstance(e, CueDue)]
    assert cues == [
        ("tick", 2),
        ("tick", 3),
        ("tick", 4),
        ("start", 5),
        ("halfway", 9),
        ("last", 10),
        ("last", 11),
        ("last", 12),
        ("done", 13),
    ]


def test_abort_stops_everything(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [HOLD])
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(4)
    runner.abort()
    assert runner.state is RunState.ABORTED
    assert runner.next_wake() is None
    clock.advance(100)
    assert runner.update() == []
    assert runner.session_time() == 4


def test_end_exercise_skips_to_the_next_one(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [HOLD, TIMED], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(25)
    runner.update()
    assert runner.state is RunState.RATING
    runner.end_exercise()  # pain above the acceptable zone: no second set today
    assert runner.step is not None and runner.step.exercise_index == 1


@pytest.mark.parametrize("speed", [1, 10, 20, 37.5])
def test_speed_changes_wall_time_only(tmp_path: Path, speed: float) -> None:
    timeline = timeline_from(tmp_path, [HOLD, TIMED])
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock, speed=speed)
    t0 = clock.now
    events = run_to_end(runner, clock, rating_wait=2)
    ratings = sum(isinstance(e, RatingNeeded) for e in events)
    assert runner.session_time() == timeline.total
    assert clock.now - t0 == pytest.approx(timeline.total / speed + 2 * ratings)
    assert started(events) == [s.kind for s in timeline.steps]


def test_a_late_wake_catches_up_and_drops_stale_cues(tmp_path: Path) -> None:
    timeline = timeline_from(tmp_path, [HOLD], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(25)  # the laptop slept through the whole first set
    events = runner.update()
    assert isinstance(events[-1], RatingNeeded)
    late = [e for e in events if isinstance(e, CueDue)]
    assert all(clock.now - e.due <= 0.5 for e in late)


def test_speed_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        SessionRunner(timeline_from(tmp_path, [TIMED]), speed=0)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(valid_programs(max_exercises=3))
def test_timed_total_equals_previewed_total(tmp_path: Path, document: dict) -> None:  # type: ignore[type-arg]
    from coach.engine.timeline import build_timeline, plan_session
    from coach.format.loader import load_session_file

    from .strategies import dump

    path = tmp_path / "random.yaml"
    path.write_text(dump(document), encoding="utf-8")
    timeline = build_timeline(plan_session(load_session_file(path)))
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock, speed=7)
    t0 = clock.now
    events = run_to_end(runner, clock, rating_wait=1.5)
    ratings = sum(isinstance(e, RatingNeeded) for e in events)
    assert runner.session_time() == pytest.approx(timeline.total, abs=1e-6)
    assert clock.now - t0 == pytest.approx(timeline.total / 7 + 1.5 * ratings, abs=1e-6)


# -- a rest made longer or shorter (+10 s / -10 s in the player) ---------------------------


def _into_the_rest(tmp_path: Path) -> tuple[SessionRunner, FakeClock]:
    """A runner 5 s into the 20 s rest between two sets of a 30 s timed block."""
    timeline = timeline_from(tmp_path, [{**TIMED, "sets": 2, "rest": 20}], get_ready=0)
    clock = FakeClock()
    runner = SessionRunner(timeline, clock=clock)
    runner.start()
    clock.advance(30)
    runner.update()
    runner.rated()
    assert runner.step is not None and runner.step.kind is StepKind.REST
    clock.advance(5)
    runner.update()
    return runner, clock


def test_ten_more_seconds_of_rest_and_the_rest_of_the_plan_unchanged(tmp_path: Path) -> None:
    runner, clock = _into_the_rest(tmp_path)
    assert runner.can_adjust()
    assert runner.adjust(10) == []
    assert runner.remaining() == pytest.approx(25)
    clock.advance(24.5)
    assert started(runner.update()) == []
    clock.advance(0.5)
    events = runner.update()
    assert started(events) == [StepKind.TIMED]
    assert runner.remaining() == pytest.approx(30)  # the next set keeps its length


def test_more_rest_even_early_in_it_and_its_start_is_not_announced_again(
    tmp_path: Path,
) -> None:
    runner, clock = _into_the_rest(tmp_path)
    runner.adjust(10)
    runner.adjust(10)  # 15 s left became 35 s: the clock is now before the rest began
    assert runner.remaining() == pytest.approx(35)
    assert [s.kind for s, _ in runner.upcoming_starts(40)] == [StepKind.TIMED]
    # Nothing already heard is handed out again; what comes is at its new time.
    cues = runner.upcoming_cues(40)
    assert cues and all(c.due >= clock.now + 30 for c in cues)


def test_ten_seconds_less_and_cutting_more_than_is_left_ends_the_rest(tmp_path: Path) -> None:
    runner, _ = _into_the_rest(tmp_path)
    assert runner.adjust(-10) == []
    assert runner.remaining() == pytest.approx(5)
    events = runner.adjust(-10)
    assert started(events) == [StepKind.TIMED]
    assert runner.remaining() == pytest.approx(30)


def test_only_rests_change_and_a_paused_rest_stays_paused(tmp_path: Path) -> None:
    runner, clock = _into_the_rest(tmp_path)
    runner.pause()
    runner.adjust(10)
    assert runner.state is RunState.PAUSED and runner.remaining() == pytest.approx(25)
    clock.advance(100)
    assert runner.remaining() == pytest.approx(25)
    runner.resume()
    clock.advance(25)
    runner.update()
    assert runner.step is not None and runner.step.kind is StepKind.TIMED
    assert not runner.can_adjust()
    assert runner.adjust(10) == [] and runner.remaining() == pytest.approx(30)
