"""Exercise figures: the pose language, its checks, the motion in time, the drawing."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine.cues import CueKind, schedule_cues
from coach.engine.figures.motion import (
    SETTLE_SECONDS,
    blend,
    ease,
    figure_of,
    frame_at,
    keyframes,
    moves_during,
    swapped,
)
from coach.engine.figures.skeleton import (
    BASE_POSTURES,
    Drawing,
    Segment,
    draw,
    landmarks,
    mirrored,
)
from coach.engine.timeline import Phase, Side, StepKind, Timeline, build_timeline, plan_session
from coach.format.diagnostics import SessionFileError, Severity
from coach.format.figure_library import BUNDLED_FIGURES, bundled_figure
from coach.format.figures import BASES, OPPOSITES, PAIRED, RANGES, Figure
from coach.format.loader import ProgramFile, load_session_file
from coach.tui.braille import Canvas, fit, render

from .profiles import examples

Write = Callable[..., Path]

FIGURE_PROGRAM = """\
version: 1
program:
  id: figures
  name: Figures
  levels:
    - name: Level 1
      exercises:
        - id: tilts
          name: Pelvic tilts
          kind: reps
          reps: 2
          tempo: {up: 2s, pause: 1s, down: 3s}
          figure:
            base: lying-on-back
            start: {hips: {flexion: 45}, knees: {flexion: 90}}
            top: {pelvis: {posterior_tilt: 15}}
            end: {pelvis: {anterior_tilt: 10}}
        - id: bird-dog
          name: Bird dog
          kind: hold
          sides: each
          hold: 4s
          holds: 2
          hold_rest: 2s
          figure: bird-dog
        - id: rocks
          name: Knee rocks
          kind: reps
          reps: 2
          figure: knee-rocks
        - id: plain
          name: No figure
          kind: timed
          duration: 5s
"""


@pytest.fixture
def timeline(write: Write) -> Timeline:
    loaded = load_session_file(write("figures.yaml", FIGURE_PROGRAM))
    return build_timeline(plan_session(loaded))


def same(a: object, b: object) -> bool:
    """Two postures agree on every angle (one left out is 0, as in the skeleton)."""
    assert isinstance(a, dict | type(None)) or hasattr(a, "keys")
    left, right = dict(a), dict(b)  # type: ignore[call-overload]
    return all(
        left.get(k, 0.0) == pytest.approx(right.get(k, 0.0)) for k in left.keys() | right.keys()
    )


def steps_of(timeline: Timeline, index: int, kind: StepKind) -> list:  # type: ignore[type-arg]
    return [s for s in timeline.steps if s.exercise_index == index and s.kind is kind]


# -- in time with the session ---------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.5, 0.8, 1.0])
def test_a_frame_is_the_tempo_weighted_blend_of_its_keyframes(
    timeline: Timeline, fraction: float
) -> None:
    exercise = timeline.plan.exercises[0]
    figure = figure_of(exercise)
    assert figure is not None
    keys = keyframes(figure)
    up, pause, down, up2 = steps_of(timeline, 0, StepKind.REP)[:4]
    assert (up.phase, pause.phase, down.phase, up2.phase) == (
        Phase.UP,
        Phase.PAUSE,
        Phase.DOWN,
        Phase.UP,
    )
    # The weight is the fraction of each phase's own planned seconds (2 s up, 3 s down),
    # eased; the pause holds the top.
    for step, a, b in ((up, keys.start, keys.top), (down, keys.top, keys.end)):
        frame = frame_at(timeline, step, fraction * step.duration)
        assert frame is not None
        for key in a.keys() | b.keys():
            expected = a.get(key, 0.0) + (b.get(key, 0.0) - a.get(key, 0.0)) * ease(fraction)
            assert frame.posture.get(key, 0.0) == pytest.approx(expected)
    held = frame_at(timeline, pause, fraction * pause.duration)
    assert held is not None and held.posture == keys.top
    # The second repetition rises from where the first ended.
    second = frame_at(timeline, up2, 0.0)
    assert second is not None and same(second.posture, keys.end)


def test_the_figure_changes_phase_exactly_when_the_cues_sound(timeline: Timeline) -> None:
    cues = {(c.step, c.kind) for c in schedule_cues(timeline)}
    phase_cue = {Phase.UP: CueKind.UP, Phase.PAUSE: CueKind.PAUSE, Phase.DOWN: CueKind.DOWN}
    for step in steps_of(timeline, 0, StepKind.REP):
        assert step.phase is not None
        assert {(step.index, phase_cue[step.phase]), (step.index, CueKind.START)} & cues
        frame = frame_at(timeline, step, 0.0)
        before = frame_at(timeline, timeline.steps[step.index - 1], 1e9)
        assert frame is not None and before is not None
        # Continuous across the boundary: each phase starts where the last one ended.
        if timeline.steps[step.index - 1].kind is StepKind.REP:
            assert same(frame.posture, before.posture)


def test_a_hold_settles_into_its_pose_then_is_still(timeline: Timeline) -> None:
    """Nothing moves while a hold is held: a figure that breathed redrew four times a
    second for 2 degrees, and a hold with its figure cost 1.6 times termdown's CPU."""
    hold = steps_of(timeline, 1, StepKind.HOLD)[0]
    figure = figure_of(timeline.plan.exercises[1])
    assert figure is not None
    keys = keyframes(figure)
    start = frame_at(timeline, hold, 0.0)
    assert start is not None and same(start.posture, keys.start)
    for t in (SETTLE_SECONDS, 1.25, 2.5, 3.9):
        frame = frame_at(timeline, hold, t)
        assert frame is not None
        assert same(frame.posture, keys.hold), t
    rest = steps_of(timeline, 1, StepKind.HOLD_REST)[0]
    lowered = frame_at(timeline, rest, SETTLE_SECONDS)
    assert lowered is not None and same(lowered.posture, keys.start)
    assert moves_during(hold, keys) and not moves_during(
        steps_of(timeline, 1, StepKind.GET_READY)[0], keys
    )
    # Settled, the figure is not redrawn again until the step ends.
    assert not moves_during(hold, keys, SETTLE_SECONDS)
    assert not moves_during(rest, keys, SETTLE_SECONDS)


def test_the_right_side_is_the_mirror_image_and_rests_show_the_next_start(
    timeline: Timeline,
) -> None:
    sides = {s.side: frame_at(timeline, s, 1.0) for s in steps_of(timeline, 1, StepKind.HOLD)[:3]}
    left, right = sides[Side.LEFT], sides[Side.RIGHT]
    assert left is not None and right is not None
    assert (left.mirrored, right.mirrored) == (False, True)
    assert left.posture == right.posture
    switch = steps_of(timeline, 1, StepKind.SWITCH)[0]
    shown = frame_at(timeline, switch, 0.0)
    assert shown is not None and shown.mirrored
    rest_after = steps_of(timeline, 0, StepKind.REST_AFTER)[0]
    next_start = frame_at(timeline, rest_after, 3.0)
    following = figure_of(timeline.plan.exercises[1])
    assert next_start is not None and following is not None
    assert next_start.posture == keyframes(following).start
    assert not next_start.mirrored
    # The last exercise has no figure: nothing is drawn for it.
    assert frame_at(timeline, steps_of(timeline, 3, StepKind.TIMED)[0], 1.0) is None


def test_alternate_swaps_left_and_right_on_every_second_repetition(timeline: Timeline) -> None:
    pauses = [s for s in steps_of(timeline, 2, StepKind.REP) if s.phase is Phase.PAUSE]
    first, second = (frame_at(timeline, s, 0.0) for s in pauses[:2])
    assert first is not None and second is not None
    assert second.posture == swapped(first.posture)
    assert first.posture != second.posture


def test_mirroring_and_swapping_undo_themselves() -> None:
    keys = keyframes(Figure.model_validate(BUNDLED_FIGURES["bird-dog"]))
    posture = keys.hold
    assert swapped(swapped(posture)) == dict(posture)
    assert swapped({("lumbar", "rotation_left"): 10.0}) == {("lumbar", "rotation_left"): -10.0}
    drawing = draw(posture, keys.base, keys.view)
    flipped = mirrored(drawing, 0.3)
    back = mirrored(flipped, 0.3)
    for a, b in zip(drawing.segments, back.segments, strict=True):
        assert (b.x1, b.y1, b.x2, b.y2) == pytest.approx((a.x1, a.y1, a.x2, a.y2))
    for a, b in zip(drawing.segments, flipped.segments, strict=True):
        assert (b.x1, b.x2) == pytest.approx((0.6 - a.x1, 0.6 - a.x2))
        assert (b.y1, b.y2, b.near) == (a.y1, a.y2, a.near)


def test_blend_and_ease_meet_their_keyframes() -> None:
    a, b = {("left_hip", "flexion"): 10.0}, {("knees", "x"): 40.0}
    assert blend(a, b, 0.0) == {("left_hip", "flexion"): 10.0, ("knees", "x"): 0.0}
    assert blend(a, b, 1.0) == {("left_hip", "flexion"): 0.0, ("knees", "x"): 40.0}
    assert (ease(0), ease(0.5), ease(1), ease(2)) == (0.0, pytest.approx(0.5), 1.0, 1.0)


# -- the skeleton on the floor ---------------------------------------------------------------


def test_a_standing_figure_is_one_body_tall_and_stands_on_the_floor() -> None:
    drawing = draw({}, "standing", "side")
    left, bottom, right, top = drawing.bounds()
    assert bottom == pytest.approx(0.0, abs=1e-9)
    assert 0.95 < top < 1.1
    assert right - left < 0.3


LIMB_DEPTH = 0.07
"""The thickest part of the body below its drawn line (the trunk's half depth and more)."""


def on_the_floor(drawing: Drawing) -> bool:
    """Its lines are never below the floor, and its lowest is no higher than a body's
    half thickness above it: a figure lies on the floor, never in it or above it."""
    # The head rests on a 16-sided outline of its circle: a thousandth below is its roundness.
    return -0.002 <= drawing.bounds()[1] <= LIMB_DEPTH


@pytest.mark.parametrize("name", sorted(BUNDLED_FIGURES))
def test_every_bundled_pose_rests_on_the_floor(name: str) -> None:
    figure = bundled_figure(name)
    assert figure is not None
    keys = keyframes(figure)
    for posture in (keys.start, keys.top, keys.end, keys.hold):
        drawing = draw(posture, keys.base, keys.view)
        if drawing.floor:
            assert on_the_floor(drawing)
        else:
            # Seen from above the picture has no floor: the body's heights say it.
            heights = [h for _, h, _ in landmarks(posture, keys.base, keys.view).values()]
            assert 0.0 <= min(heights) <= LIMB_DEPTH


def test_a_glute_bridge_rests_on_shoulders_and_feet() -> None:
    figure = bundled_figure("glute-bridge-hold")
    assert figure is not None
    keys = keyframes(figure)
    lying, bridge = (draw(p, keys.base, keys.view) for p in (keys.start, keys.hold))
    hips = [s for s in bridge.segments if s.x1 == s.x2 and s.y1 == s.y2]
    assert hips, "the hip joints are where the legs start"
    assert bridge.head[1] - bridge.head_radius < 0.03, "the head stays down"
    assert hips[0].y1 > lying.segments[0].y1 + 0.1, "the hips lift"


# -- the rasteriser -----------------------------------------------------------------------------

angle = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e300]),
)


@given(
    columns=st.integers(0, 40),
    rows=st.integers(0, 20),
    lines=st.lists(st.tuples(angle, angle, angle, angle), max_size=8),
    discs=st.lists(st.tuples(angle, angle, angle), max_size=3),
)
def test_the_canvas_never_writes_outside_itself(
    columns: int,
    rows: int,
    lines: list[tuple[float, float, float, float]],
    discs: list[tuple[float, float, float]],
) -> None:
    canvas = Canvas(columns, rows)
    for x0, y0, x1, y1 in lines:
        canvas.line(x0, y0, x1, y1)
    for cx, cy, r in discs:
        canvas.disc(cx, cy, r)
    text = canvas.text()
    assert len(text) == rows
    assert all(len(row) == columns for row in text)
    assert all(ch == " " or 0x2800 <= ord(ch) <= 0x28FF for row in text for ch in row)


@st.composite
def poses(draw_: st.DrawFn) -> dict[str, dict[str, float]]:
    """A random valid pose: some joints, one movement of each opposite pair, in range."""
    pose: dict[str, dict[str, float]] = {}
    joints = ["neck", "thoracic", "lumbar", "pelvis"]
    joints += [f"{side}_{j}" for j in PAIRED for side in ("left", "right")]
    for joint in draw_(st.lists(st.sampled_from(joints), unique=True, max_size=10)):
        kind = joint.split("_", 1)[1] if joint.split("_", 1)[0] in ("left", "right") else joint
        movements: dict[str, float] = {}
        for pair in OPPOSITES:
            present = [m for m in pair if m in RANGES[kind]]
            if present:
                movement = draw_(st.sampled_from(present))
                movements[movement] = draw_(st.floats(0, RANGES[kind][movement]))
        if not movements:
            movement = next(iter(RANGES[kind]))
            movements[movement] = draw_(st.floats(0, RANGES[kind][movement]))
        pose[joint] = movements
    return pose


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    pose=poses(),
    base=st.sampled_from(BASES),
    view=st.sampled_from(["side", "front"]),
    columns=st.integers(0, 50),
    rows=st.integers(0, 20),
)
def test_any_valid_pose_draws_inside_its_canvas(
    pose: dict[str, dict[str, float]], base: str, view: str, columns: int, rows: int
) -> None:
    figure = Figure.model_validate({"base": base, "view": view, "start": pose})
    keys = keyframes(figure)
    drawing = draw(keys.start, base, view)
    assert on_the_floor(drawing)
    canvas = render(drawing, columns, rows)
    text = canvas.text()
    assert len(text) == rows and all(len(row) == columns for row in text)
    if columns >= 4 and rows >= 2:
        assert any(ch != " " for row in text for ch in row), "something is drawn"


def test_a_fit_keeps_every_frame_of_a_figure_in_one_box() -> None:
    drawing = Drawing((Segment(0.0, 0.0, 0.5, 1.0),), (0.5, 1.0), 0.05)
    place = fit(drawing.bounds(), 20, 10)
    x0, y0 = place.point(0.0, 0.0)
    x1, y1 = place.point(0.5, 1.0)
    assert 0 <= x0 < x1 < 40 and 0 <= y1 < y0 < 40
    assert y0 == 40 - 2, "the floor is the dot row above the floor line"


# -- validation ---------------------------------------------------------------------------------


def figure_file(write: Write, joint: str, movement: str, value: object) -> Path:
    return write(
        "p.yaml",
        "version: 1\n"
        "program:\n"
        "  id: test\n"
        "  name: Test\n"
        "  levels:\n"
        "    - name: Level 1\n"
        "      exercises:\n"
        "        - name: Lift\n"
        "          kind: reps\n"
        "          reps: 5\n"
        "          figure:\n"
        "            start: {}\n"
        "            top:\n"
        f"              {joint}:\n"
        f"                {movement}: {value}\n",
    )


def errors(path: Path) -> list[str]:
    with pytest.raises(SessionFileError) as caught:
        load_session_file(path)
    return [d.render() for d in caught.value.diagnostics if d.severity is Severity.ERROR]


TITLES = {"thoracic": "thoracic spine", "lumbar": "lumbar spine"}


@pytest.mark.parametrize(
    ("joint", "movement"),
    [(joint, movement) for joint, movements in RANGES.items() for movement in movements],
)
def test_each_joint_limit_is_checked_where_it_is_written(
    write: Write, joint: str, movement: str
) -> None:
    key = f"left_{joint}" if joint in PAIRED else joint
    top = RANGES[joint][movement]
    words = f"{TITLES.get(joint, joint)} {movement.replace('_', ' ')}"
    path = figure_file(write, key, movement, top)
    loaded = load_session_file(path)
    assert isinstance(loaded, ProgramFile), "the top of the range is allowed"
    for value in (top + 1, -5):
        path = figure_file(write, key, movement, value)
        assert errors(path) == [
            f"{path}:15:{19 + len(movement)}: {words} must be between 0 and {top} degrees "
            f"(its human range), not {value}"
        ]


def test_both_ways_of_one_angle_is_an_error(write: Write) -> None:
    path = figure_file(write, "hips", "flexion", "30, extension: 10}")
    path.write_text(
        path.read_text().replace(
            "hips:\n                flexion: 30, extension: 10}",
            "hips: {flexion: 30, extension: 10}",
        )
    )
    assert errors(path) == [
        f"{path}:14:21: give 'flexion' or 'extension', not both: they are one angle, in "
        "opposite directions"
    ]


def test_figure_ids_and_the_poses_a_kind_needs(write: Write) -> None:
    path = write(
        "p.yaml",
        "version: 1\n"
        "program:\n"
        "  id: test\n"
        "  name: Test\n"
        "  levels:\n"
        "    - name: Level 1\n"
        "      exercises:\n"
        "        - name: A\n"
        "          kind: reps\n"
        "          reps: 5\n"
        "          figure: bird-dgo\n"
        "        - name: B\n"
        "          kind: reps\n"
        "          reps: 5\n"
        "          figure: {base: all-fours, top: {}}\n"
        "        - name: C\n"
        "          kind: timed\n"
        "          duration: 30s\n"
        "          figure: {base: all-fours, start: {}}\n"
        "        - name: D\n"
        "          kind: hold\n"
        "          hold: 5s\n"
        "          figure: {base: sitting}\n",
    )
    assert errors(path) == [
        f"{path}:11:19: no bundled figure is called 'bird-dgo'; did you mean 'bird-dog'?",
        f"{path}:15:19: a reps exercise's figure needs a 'start' pose ('start: {{}}' for the "
        "base's own)",
        f"{path}:19:19: a timed exercise's figure needs a 'top' pose (where a loop goes from "
        "'start'), or a 'hold' pose to keep still in",
        f"{path}:23:26: must be 'standing', 'kneeling', 'all-fours', 'lying-on-back', "
        "'lying-on-front' or 'lying-on-side', not the text 'sitting'; did you mean 'standing'?",
    ]


def test_an_image_is_confined_to_the_files_folder_and_checked(write: Write) -> None:
    base = (
        "version: 1\nprogram:\n  id: test\n  name: Test\n  levels:\n    - name: Level 1\n"
        "      exercises:\n        - name: A\n          kind: hold\n          hold: 5s\n"
    )
    outside = write("a.yaml", base + "          image: ../x.png\n")
    assert errors(outside) == [
        f"{outside}:11:18: '../x.png' points outside this file's folder; keep it inside"
    ]
    write("pics/x.gif", b"GIF89a")
    gif = write("b.yaml", base + "          image: pics/x.gif\n")
    loaded = load_session_file(gif)
    assert [w.render() for w in loaded.warnings] == [
        f"{gif}:11:18: warning: picture 'x.gif' is not a PNG, JPEG or WebP file; the figure "
        "shows instead"
    ]
    missing = write("c.yaml", base + "          image: pics/none.png\n")
    assert [w.message for w in load_session_file(missing).warnings] == [
        "picture 'none.png' does not exist; the figure shows instead"
    ]


def test_every_base_has_its_own_pose() -> None:
    assert set(BASE_POSTURES) == set(BASES)


# -- outside the player -------------------------------------------------------------------------


def test_preview_prints_each_figures_start_and_top(cli: Callable[..., object]) -> None:
    from coach.config.locations import bundled_sessions_dir

    result: object = cli("preview", bundled_sessions_dir() / "programs" / "holds.yaml", "--figures")
    out = result.out  # type: ignore[attr-defined]
    assert result.code == 0  # type: ignore[attr-defined]
    loaded = load_session_file(bundled_sessions_dir() / "programs" / "holds.yaml")
    assert isinstance(loaded, ProgramFile)
    for exercise in loaded.program.levels[0].exercises:
        assert f"{exercise.name} ({exercise.id})" in out
    blocks = out.strip().split("\n\n")
    assert len(blocks) == len(loaded.program.levels[0].exercises)
    for block in blocks:
        *picture, names = block.splitlines()[1:]
        assert names.split() == ["start", "hold"]
        assert sum(0x2801 <= ord(ch) <= 0x28FF for line in picture for ch in line) > 30


def test_the_guides_pictures_are_current() -> None:
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "scripts" / "make_figure_pictures.py"
    spec = importlib.util.spec_from_file_location("make_figure_pictures", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from coach.cli.figures import figure_svg

    for name in BUNDLED_FIGURES:
        figure = bundled_figure(name)
        assert figure is not None
        kind = "hold" if name in module.HOLDS else "reps"
        expected = figure_svg(keyframes(figure), kind, title=name)
        committed = (module.OUT / f"{name}.svg").read_text(encoding="utf-8")
        assert committed == expected, f"run scripts/make_figure_pictures.py ({name} is stale)"


def test_the_contact_sheet_shows_every_bundled_figure_at_every_level(
    cli: Callable[..., object],
) -> None:
    """`coach preview --figures --all-levels`: every exercise of every level of the
    bundled routine's programs (all the bundled figures), each at its start, its top or
    hold, and its end where a repetition ends elsewhere."""
    result: object = cli("preview", "--figures", "--all-levels")
    out = result.out  # type: ignore[attr-defined]
    assert result.code == 0  # type: ignore[attr-defined]
    for name in BUNDLED_FIGURES:
        assert f"figure {name})" in out, name
    blocks = [b for b in out.strip().split("\n\n") if not b.startswith("==")]
    assert len(blocks) == len(BUNDLED_FIGURES)
    levels = [line for line in out.splitlines() if line.startswith("== ")]
    assert len(levels) == 9  # three programs of three levels
    for block in blocks:
        title, *picture, names = block.splitlines()
        kind = title.split(", ")[-2]
        poses = names.split()
        assert poses[0] == "start"
        assert poses[1:2] == (["hold"] if kind == "hold" else ["top"]), title
        figure_id = title.rsplit("figure ", 1)[1].rstrip(")")
        keys = keyframes(bundled_figure(figure_id))  # type: ignore[arg-type]
        assert ("end" in poses) == (kind != "hold" and keys.end != keys.start), title
        assert sum(0x2801 <= ord(ch) <= 0x28FF for line in picture for ch in line) > 20 * len(poses)
    # cat-camel ends in the sagging back: all three poses.
    assert "start" in out and " end " in out


def test_all_levels_goes_with_figures(cli: Callable[..., object]) -> None:
    result: object = cli("preview", "--all-levels")
    assert result.code == 2  # type: ignore[attr-defined]
    assert "--all-levels goes with --figures" in result.err  # type: ignore[attr-defined]
