"""A tempo plays in the order written: a squat lowers first, and the screen, the cues and
the figure say so. The old mapping in the order up, pause, down keeps its meaning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App
from textual.widgets import Label

from coach.engine.clock import FakeClock
from coach.engine.cues import CueKind, schedule_cues
from coach.engine.figures.motion import figure_of, frame_at, keyframes
from coach.engine.session import SessionController
from coach.engine.timeline import (
    Phase,
    StepKind,
    Stroke,
    Timeline,
    build_timeline,
    plan_session,
    rep_phases,
)
from coach.format.loader import load_session_file
from coach.format.v1 import RepsExercise
from coach.tui.player import PlayerScreen

from .test_loader import errors_of, program

Write = Callable[..., Path]


def reps(tempo: str, *, figure: str = "") -> str:
    return (
        "        - name: Squat\n"
        "          kind: reps\n"
        "          reps: 2\n"
        f"          tempo: {tempo}\n"
        f"{figure}"
    )


def timeline_of(write: Write, tempo: str, *, figure: str = "") -> Timeline:
    loaded = load_session_file(write("p.yaml", program(reps(tempo, figure=figure))))
    return build_timeline(plan_session(loaded))


def phases(timeline: Timeline) -> list[tuple[Phase | None, float, Stroke | None]]:
    return [
        (s.phase, s.duration, s.stroke)
        for s in timeline.steps
        if s.kind is StepKind.REP and s.rep == 1
    ]


def test_a_mapping_plays_in_the_order_written(write: Write) -> None:
    timeline = timeline_of(write, "{down: 4s, pause: 1s, up: 1s}")
    assert phases(timeline) == [
        (Phase.DOWN, 4.0, Stroke.OUT),
        (Phase.PAUSE, 1.0, Stroke.AT_TOP),
        (Phase.UP, 1.0, Stroke.BACK),
    ]


@pytest.mark.parametrize(
    "tempo",
    ["{up: 2s, pause: 1s, down: 3s}", "{up: 2s, down: 3s}", "{down: 3s}", "[{up: 2s}, {down: 3s}]"],
)
def test_up_pause_down_keeps_its_meaning(write: Write, tempo: str) -> None:
    # A mapping in the order up, pause, down (or a part of it, the rest by default) plays
    # as it always did.
    timeline = timeline_of(write, tempo)
    expected = [(Phase.UP, 2.0, Stroke.OUT), (Phase.PAUSE, 1.0, Stroke.AT_TOP)]
    if tempo.startswith("["):
        expected = expected[:1]
    assert phases(timeline) == [*expected, (Phase.DOWN, 3.0, Stroke.BACK)]


def test_a_list_plays_any_order_and_a_phase_twice(write: Write) -> None:
    timeline = timeline_of(write, "[{down: 3s}, {pause: 1s}, {up: 1s}, {pause: 2s}]")
    assert phases(timeline) == [
        (Phase.DOWN, 3.0, Stroke.OUT),
        (Phase.PAUSE, 1.0, Stroke.AT_TOP),
        (Phase.UP, 1.0, Stroke.BACK),
        (Phase.PAUSE, 2.0, Stroke.AT_END),
    ]
    assert timeline.total == 5 + 2 * 7


def test_the_cues_follow_the_order(write: Write) -> None:
    timeline = timeline_of(write, "{down: 4s, pause: 1s, up: 1s}")
    rep_cues = [
        (c.at, c.kind)
        for c in schedule_cues(timeline)
        if c.kind in (CueKind.START, CueKind.UP, CueKind.PAUSE, CueKind.DOWN)
    ]
    # The set starts with the start cue (on the first down), then each phase's own cue.
    assert rep_cues == [
        (5.0, CueKind.START),
        (9.0, CueKind.PAUSE),
        (10.0, CueKind.UP),
        (11.0, CueKind.DOWN),
        (15.0, CueKind.PAUSE),
        (16.0, CueKind.UP),
    ]


def test_the_figure_goes_out_in_the_first_movement_whatever_its_name(write: Write) -> None:
    figure = (
        "          figure:\n"
        "            base: standing\n"
        "            start: {}\n"
        "            top: {hips: {flexion: 90}, knees: {flexion: 100}}\n"
    )
    timeline = timeline_of(write, "{down: 4s, pause: 1s, up: 1s}", figure=figure)
    keys = keyframes(figure_of(timeline.plan.exercises[0]))  # type: ignore[arg-type]
    down, pause, up = [s for s in timeline.steps if s.kind is StepKind.REP][:3]
    assert down.phase is Phase.DOWN
    start = frame_at(timeline, down, 0.0)
    bottom = frame_at(timeline, down, down.duration)
    held = frame_at(timeline, pause, 0.5)
    risen = frame_at(timeline, up, up.duration)
    assert start is not None and same(start.posture, keys.start)
    # Down (the first movement) reaches the bottom of the squat, the figure's top.
    assert bottom is not None and same(bottom.posture, keys.top)
    assert held is not None and same(held.posture, keys.top)
    assert risen is not None and same(risen.posture, keys.end)
    assert not same(keys.start, keys.top)


@pytest.mark.parametrize(
    ("tempo", "expected"),
    [
        (
            "{down: 4s, up: 1s}",
            "a tempo written in the order down, up plays in that order only with every phase "
            "named: add 'pause' (0s to leave it out), or write it as a list: "
            "tempo: [{down: 4s}, {up: 1s}]",
        ),
        (
            "3-1-3",
            "a tempo is not the text '3-1-3': if that is 3s up, 1s pause and 3s down, write "
            "tempo: {up: 3s, pause: 1s, down: 3s}; to start with down, a list in the order "
            "played: tempo: [{down: 3s}, {pause: 1s}, {up: 3s}]",
        ),
        ("[{down: 3s, up: 1s}]", "each item of a tempo list names one phase, such as '- down: 3s'"),
        ("[{pause: 0s}]", "a repetition needs some time: up, pause or down above 0"),
        ("[{dwon: 3s}]", "unknown key 'dwon'; did you mean 'down'?"),
    ],
)
def test_tempo_mistakes_say_the_fix(write: Write, tempo: str, expected: str) -> None:
    path = write("p.yaml", program(reps(tempo)))
    assert [e.split(": ", 1)[1] for e in errors_of(path)] == [expected]


def same(a: object, b: object) -> bool:
    """Two postures agree on every angle (one left out is 0, as in the skeleton)."""
    left, right = dict(a), dict(b)  # type: ignore[call-overload]
    return all(
        left.get(k, 0.0) == pytest.approx(right.get(k, 0.0)) for k in left.keys() | right.keys()
    )


_PHASE = st.sampled_from(["up", "pause", "down"])


@given(st.lists(st.tuples(_PHASE, st.integers(0, 9)), min_size=1, max_size=6))
def test_any_list_plays_its_phases_in_order(items: list[tuple[str, int]]) -> None:
    """Whatever the list, the repetition is its phases above 0 s in the order written,
    and the figure alternates out and back, pausing where it is."""
    exercise = RepsExercise.model_validate(
        {"name": "R", "kind": "reps", "reps": 1, "tempo": [{name: s} for name, s in items]},
        strict=False,
    )
    assert exercise.rep_seconds == sum(s for _, s in items)
    played = rep_phases(exercise)
    assert [(p.name.lower(), s) for p, s, _ in played] == [(n, float(s)) for n, s in items if s > 0]
    moving = [stroke for p, _, stroke in played if p is not Phase.PAUSE]
    assert moving == [Stroke.OUT if i % 2 == 0 else Stroke.BACK for i in range(len(moving))]


class FilePlayer(App[None]):
    CSS_PATH = str(Path(__file__).parents[1] / "coach" / "tui" / "coach.tcss")

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.clock = FakeClock()
        loaded = load_session_file(path)
        self.session = SessionController(plan_session(loaded), {}, path, clock=self.clock)
        self.player = PlayerScreen(self.session)

    def on_mount(self) -> None:
        self.push_screen(self.player)


async def test_the_player_says_down_while_the_squat_lowers(write: Write) -> None:
    path = write("p.yaml", program(reps("{down: 4s, pause: 1s, up: 1s}")))
    app = FilePlayer(path)
    async with app.run_test(size=(80, 24)) as pilot:
        seen = []
        for seconds in (5.5, 4.0, 1.0, 1.0):  # into the first down, the pause, the up, again
            app.clock.advance(seconds)
            app.player.wake()
            await pilot.pause()
            step = app.session.runner.step
            assert step is not None
            seen.append((step.phase, str(app.screen.query_one("#phase", Label).render())))
    assert seen == [
        (Phase.DOWN, "DOWN"),
        (Phase.PAUSE, "HOLD"),
        (Phase.UP, "UP"),
        (Phase.DOWN, "DOWN"),
    ]
