"""An exercise's figure outside the player: as braille text for ``coach preview
--figures``, and as SVG for the documentation (the same poses, drawn with lines).

Both draw the start pose and the top (or, for holds, the held pose) side by side, fitted
to one box so the two are at the same scale, as the player would show them. The contact
sheet (``coach preview --figures --all-levels``) adds the end pose, for every exercise of
every level of every program, so an author or a physiotherapist checks them all at once.
"""

from __future__ import annotations

from collections.abc import Iterator

from coach.engine.figures.motion import Keyframes, extent, figure_of, keyframes
from coach.engine.figures.skeleton import Drawing, Posture, draw
from coach.engine.timeline import PlannedExercise, SessionPlan, plan_session
from coach.format.loader import LoadedFile, RoutineFile
from coach.format.text import printable
from coach.tui.braille import fit, render

__all__ = ["contact_sheet", "figure_svg", "figure_text", "key_poses", "plan_figures"]

COLUMNS, ROWS = 30, 10
"""Each pose's box in ``coach preview --figures``: a figure that reads, two to a line."""


def key_poses(keys: Keyframes, kind: str, *, end: bool = False) -> list[tuple[str, Posture]]:
    """The poses that say what the exercise is: start, then top (hold for holds); with
    ``end``, then the pose a repetition ends in, where it is not the start."""
    second = ("hold", keys.hold) if kind == "hold" else ("top", keys.top)
    poses = [("start", keys.start)]
    if second[1] != keys.start:
        poses.append(second)
    if end and kind != "hold" and keys.end != keys.start:
        poses.append(("end", keys.end))
    return poses


def figure_text(
    keys: Keyframes,
    kind: str,
    columns: int = COLUMNS,
    rows: int = ROWS,
    *,
    end: bool = False,
) -> list[str]:
    """The start and top poses (and with ``end``, the end) in braille, side by side,
    with their names under them."""
    place = fit(extent(keys), columns, rows)
    poses = key_poses(keys, kind, end=end)
    canvases = [
        render(draw(p, keys.base, keys.view), columns, rows, place).text() for _, p in poses
    ]
    lines = ["   ".join(row) for row in zip(*canvases, strict=True)]
    # A figure lying down fills the bottom rows only: leave out the blank ones above.
    while len(lines) > 1 and not lines[0].strip():
        lines.pop(0)
    lines.append("   ".join(name.center(columns) for name, _ in poses))
    return lines


def plan_figures(plan: SessionPlan) -> Iterator[tuple[PlannedExercise, list[str]]]:
    """Each exercise of the plan that has a figure, with its text."""
    for item in plan.exercises:
        figure = figure_of(item)
        if figure is not None:
            yield item, figure_text(keyframes(figure), item.exercise.kind)


def contact_sheet(loaded: LoadedFile) -> Iterator[str]:
    """Every exercise's figure at every level of every program of the file, at its start,
    top (or hold) and end, as lines of text: one page to check them all."""
    programs = loaded.programs if isinstance(loaded, RoutineFile) else (loaded,)
    for program_file in programs:
        program = program_file.program
        for number, level in enumerate(program.levels, start=1):
            of = len(program.levels)
            yield printable(f"== {program.name}, level {number} of {of}: {level.name}")
            yield ""
            plan = plan_session(program_file, levels={program.id: number})
            for item in plan.exercises:
                figure = figure_of(item)
                if figure is None:
                    yield printable(f"{item.name} ({item.key}): no figure")
                    yield ""
                    continue
                own = item.exercise.figure
                named = f"figure {own}" if isinstance(own, str) else "its own figure"
                yield printable(f"{item.name} ({item.key}, {item.exercise.kind}, {named})")
                yield from figure_text(keyframes(figure), item.exercise.kind, end=True)
                yield ""


def figure_svg(keys: Keyframes, kind: str, *, height: int = 140, title: str = "") -> str:
    """The start and top poses as an SVG picture: lines for the body, a disc for the
    head, the far limbs lighter, a floor line; ``height`` pixels tall."""
    left, bottom, right, top = extent(keys)
    bottom = min(bottom, 0.0)
    span_x, span_y = right - left, max(top - bottom, 1.05)
    scale = (height - 30) / span_y
    box = span_x * scale + 20
    poses = key_poses(keys, kind)
    width = box * len(poses)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" font-family="sans-serif" font-size="11">',
    ]
    if title:
        parts.append(f"<title>{_escape(title)}</title>")
    parts.append(f'<rect width="{width:.0f}" height="{height}" fill="#ffffff"/>')
    floor = height - 18
    for index, (name, posture) in enumerate(poses):
        x0 = index * box + 10
        drawing = draw(posture, keys.base, keys.view)

        def point(x: float, y: float, x0: float = x0) -> str:
            return f"{x0 + (x - left) * scale:.1f},{floor - (y - bottom) * scale:.1f}"

        if drawing.floor:
            parts.append(
                f'<line x1="{x0 - 5:.1f}" y1="{floor + 1}" x2="{x0 + box - 15:.1f}" '
                f'y2="{floor + 1}" stroke="#999" stroke-width="1"/>'
            )
        parts.extend(_lines(drawing, point))
        hx, hy = point(*drawing.head).split(",")
        parts.append(
            f'<circle cx="{hx}" cy="{hy}" r="{drawing.head_radius * scale:.1f}" fill="#2e7d32"/>'
        )
        parts.append(
            f'<text x="{x0 + (box - 20) / 2:.1f}" y="{height - 4}" text-anchor="middle" '
            f'fill="#555">{name}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _lines(drawing: Drawing, point: object) -> Iterator[str]:
    assert callable(point)
    for far in (True, False):
        for s in drawing.segments:
            if s.near is not far:
                colour = "#a5d6a7" if far else "#2e7d32"
                (x1, y1), (x2, y2) = (point(s.x1, s.y1).split(","), point(s.x2, s.y2).split(","))
                yield (
                    f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" '
                    'stroke-width="3" stroke-linecap="round"/>'
                )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
