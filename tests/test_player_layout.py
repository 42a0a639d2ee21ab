"""The count first: at 80x24 and up, in every phase of every bundled exercise, the digits
are drawn big, and the figure, the instructions and the next line give way.

The widget-tree test plays each bundled level in the player (tests/player_harness.py)
and looks at the digits as drawn in their laid-out size, never at pixels; the
snapshots show one exercise of each kind, with its figure, in each phase at 80x24.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from coach.engine.figures.motion import ease, pose_steps
from coach.engine.timeline import Phase, StepKind, build_timeline
from coach.tui.bignumber import BigNumber, glyph_width, render_big
from coach.tui.figure import MAX_FPS, MIN_BODY_DOTS, TOO_SMALL, FigureView
from coach.tui.player import remaining_text
from coach.tui.stage import Place, arrange

from .player_harness import PlayerApp, bundled_levels, bundled_plan, bundled_steps

README_ROWS = {(80, 24): 10, (120, 40): 15, (200, 60): 20}
"""What the README promises: the digits' rows at these sizes."""


def _drawn_rows(app: PlayerApp) -> int:
    """Rows of big digits the clock draws at its laid-out size (1 when plain text)."""
    number = app.player.query_one("#clock", BigNumber)
    box = number.content_size
    lines = render_big(number.value, box.width, box.height)
    assert number.value and lines, "no count shown"
    return len(lines) if len(lines) > 1 or len(lines[0]) > len(number.value) else 1


@pytest.mark.parametrize(("program", "level"), list(bundled_levels()))
async def test_the_count_is_big_in_every_phase_at_80x24(program: str, level: int) -> None:
    """Every bundled exercise of the level, each kind of step it has (get ready, hold,
    repetition, timed work, the rests, switching sides): ten rows of digits, one line
    of keys, and the figure (or the note that a larger window shows it) beside them."""
    steps = [s for p, lv, _, s in bundled_steps() if (p, lv) == (program, level)]
    app = PlayerApp(program, level, 0)
    seen: set[StepKind] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        for step in steps:
            app.go_to(step.index)
            await app.settle()
            await pilot.pause()
            where = f"{program} level {level}, step {step.index} ({step.kind})"
            assert _drawn_rows(app) >= README_ROWS[(80, 24)], where
            assert app.player.query_one("#keybar").region.height == 1, where
            figure = app.player.query_one("#figure", FigureView)
            if figure.wanted:
                assert figure.display and figure.region.height >= 8, where
                assert figure.note == "", where
            seen.add(step.kind)
    assert {StepKind.GET_READY, StepKind.REST_AFTER} <= seen


@pytest.mark.parametrize("size", [(120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_digits_grow_as_the_readme_says(size: tuple[int, int]) -> None:
    """A hold, a repetition and a rest of the longest count (m:ss), each with its figure."""
    app = PlayerApp("extensions", 3, 0)
    plan, _ = bundled_plan("extensions", 3)
    wanted = {StepKind.HOLD, StepKind.REP, StepKind.REST_AFTER}
    async with app.run_test(size=size) as pilot:
        for step in build_timeline(plan).steps:
            if step.kind not in wanted:
                continue
            wanted.discard(step.kind)
            app.go_to(step.index)
            await app.settle()
            await pilot.pause()
            assert _drawn_rows(app) >= README_ROWS[size], step
            assert app.player.query_one("#figure", FigureView).note == ""
    assert not wanted


async def test_a_small_window_says_a_larger_one_shows_the_movement() -> None:
    """At 40x12 the digits keep five rows and the figure gives way to the note."""
    app = PlayerApp("holds", 1, 1)
    async with app.run_test(size=(40, 12)) as pilot:
        await app.settle()
        await pilot.pause()
        assert _drawn_rows(app) == 5
        figure = app.player.query_one("#figure", FigureView)
        assert figure.wanted and figure.note == TOO_SMALL
        assert app.player.query_one("#keybar").region.height == 1
        assert app.player.query_one("#stop-if").region.height >= 1


def _templates() -> set[str]:
    return {
        remaining_text(step.duration)
        for *_, step in bundled_steps()
        if step.kind is not StepKind.RATE
    } | {"5", "10:00"}


def test_every_size_from_80x24_up_gives_the_digits_their_rows_first() -> None:
    """The arithmetic for every size from 80x24 to 200x60 (in steps), every count the
    bundled sessions show, with and without a figure, paused or not: the digits' rows
    at least the README's, and nothing placed beyond the window."""
    templates = _templates()  # reads every bundled session: once, not once a size
    for width in range(80, 201, 8):
        for height in range(24, 61, 3):
            for template in templates:
                # Taller steps from 34 and 50 rows, when the window is wide enough for
                # them (15 rows of m:ss take 96 columns, 20 take 128).
                across = glyph_width(template)
                least = 10
                if height >= 34 and across * 6 <= width - 4:
                    least = 15
                if height >= 50 and across * 8 <= width - 4:
                    least = 20
                for figure in (True, False):
                    for paused in (True, False):
                        plan = arrange(
                            width,
                            height,
                            template=template,
                            figure=figure,
                            paused=paused,
                            compact=width < 60 or height < 22,
                        )
                        where = (width, height, template, figure, paused)
                        assert plan.clock_rows >= least, where
                        fixed = 1 + (3 if paused else 1) + 2 + 1 + 1
                        under = 0 if plan.figure_columns else plan.figure_rows
                        assert fixed + plan.clock_rows + under + 2 <= height, where
                        if plan.figure is Place.BESIDE:
                            assert plan.clock_columns + 2 + plan.figure_columns == width - 4


def test_a_figure_beside_the_digits_at_80x24_is_drawn_large_enough_to_read() -> None:
    """The body, not the canvas: a body lying down in the place the digits leave at 80
    columns is drawn at least MIN_BODY_DOTS dots long."""
    from coach.engine.figures.motion import extent, figure_of, keyframes
    from coach.tui.braille import fit

    for program, level in bundled_levels():
        plan, _ = bundled_plan(program, level)
        for item in plan.exercises:
            figure = figure_of(item)
            assert figure is not None
            for template in ("5", "45", "2:30"):
                place = arrange(80, 24, template=template, figure=True)
                assert place.figure is Place.BESIDE
                scale = fit(extent(keyframes(figure)), place.figure_columns, place.figure_rows)
                assert scale.scale >= MIN_BODY_DOTS, (item.key, template)


# -- snapshots ------------------------------------------------------------------------

SNAPSHOTS = {
    # A hold (McGill curl-up): its get-ready, a hold, the rest between holds.
    "hold-get-ready": ("holds", 1, StepKind.GET_READY, 0),
    "hold": ("holds", 1, StepKind.HOLD, 0),
    "hold-rest": ("holds", 1, StepKind.HOLD_REST, 0),
    # Repetitions (pelvic tilts): up, and the rest before them.
    "reps-up": ("mobility", 1, StepKind.REP, 1),
    "rest-before-next": ("mobility", 1, StepKind.REST_AFTER, 1),
    # Timed work (walking in place).
    "timed": ("mobility", 1, StepKind.TIMED, 0),
    # Each side (side bridge on knees): switching to the right side, and its hold.
    "switch-sides": ("holds", 1, StepKind.SWITCH, 1),
}


def _nth_step(program: str, level: int, kind: StepKind, exercise: int) -> int:
    """The first step of ``kind`` of the ``exercise``-th exercise that has one."""
    plan, _ = bundled_plan(program, level)
    having: dict[int, int] = {}
    for step in build_timeline(plan).steps:
        if step.kind is kind:
            having.setdefault(step.exercise_index, step.index)
    return list(having.values())[exercise]


@pytest.mark.parametrize("name", list(SNAPSHOTS))
def test_player_phases_at_80x24(snap_compare: Any, name: str) -> None:
    program, level, kind, exercise = SNAPSHOTS[name]
    index = _nth_step(program, level, kind, exercise)
    app = PlayerApp(program, level, index, into=0.6)

    async def run_before(pilot: Any) -> None:
        await app.settle()
        await pilot.pause()
        assert app.session.runner.step is not None
        assert app.session.runner.step.kind is kind
        assert _drawn_rows(app) >= 10

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_a_held_hold_does_not_redraw_its_figure() -> None:
    """Once settled into the pose the figure is still and sets no wake-up: a hold costs
    what its countdown costs (it redrew four times a second for a 2-degree breath)."""
    index = _nth_step("holds", 1, StepKind.HOLD, 0)
    app = PlayerApp("holds", 1, index, into=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.settle()
        await pilot.pause()
        figure = app.player.query_one("#figure", FigureView)
        assert figure.display and figure.note == ""
        drawn = figure.frames_drawn
        for _ in range(12):
            app.clock.advance(0.25)
            app.player.wake()
            await pilot.pause()
        assert app.session.runner.step is not None
        assert app.session.runner.step.kind is StepKind.HOLD
        assert figure.frames_drawn == drawn
        assert figure._tick is None


async def test_a_repetition_is_drawn_at_equal_steps_of_the_movement() -> None:
    """A 2 s eased movement was drawn at equal times, 8 pictures (the first and last
    moved it 4 %): now at equal steps of it, 6 pictures of 17 % each, and the figure
    wakes for nothing else (make bench: reps cost 1.6 % of a core, now 1.3 %)."""
    index = _nth_step("mobility", 1, StepKind.REP, 0)
    app = PlayerApp("mobility", 1, index, into=0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.settle()
        await pilot.pause()
        runner = app.session.runner
        step = runner.step
        assert step is not None and step.kind is StepKind.REP and step.phase is Phase.UP
        figure = app.player.query_one("#figure", FigureView)
        drawn = figure.frames_drawn
        postures = []
        # Walk the movement in small steps, as the wakes would come.
        elapsed = 0.0
        while elapsed + 0.05 < step.duration:
            app.clock.advance(0.05)
            elapsed += 0.05
            figure.update_figure()
            await pilot.pause()
            if figure._frame is not None and (
                not postures or figure._frame.posture != postures[-1]
            ):
                postures.append(figure._frame.posture)
        grid = pose_steps(step.duration, MAX_FPS)
        assert len(grid) - 1 < step.duration * MAX_FPS
        # Every instant of the grid but the last (the next phase's) was shown, once.
        assert len(postures) == len(grid) - 1
        assert figure.frames_drawn - drawn <= len(grid) - 1


def test_pose_steps_move_the_body_evenly_and_never_more_at_once() -> None:
    for duration in (0.5, 1.0, 2.0, 3.0, 5.0):
        grid = pose_steps(duration, MAX_FPS)
        assert grid[0] == 0.0 and abs(grid[-1] - duration) < 1e-9
        steps = [ease(b / duration) - ease(a / duration) for a, b in pairwise(grid)]
        assert max(steps) - min(steps) < 1e-9  # equal steps of the movement
        # No larger than the largest step at equal times, with no more pictures.
        at_times = round(duration * MAX_FPS)
        equal_times = [k * duration / at_times for k in range(at_times + 1)]
        largest = max(ease(b / duration) - ease(a / duration) for a, b in pairwise(equal_times))
        assert max(steps) <= largest + 1e-9
        assert len(grid) <= len(equal_times)
    assert len(pose_steps(2.0, MAX_FPS)) - 1 == 6  # was 8
