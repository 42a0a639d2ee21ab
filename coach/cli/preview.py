"""``coach preview``: a session's timeline as a table, with the running clock and total.

Text that comes from YAML goes into :class:`rich.text.Text` objects, never into markup
strings, so a name such as ``Side plank [left]`` shows exactly as written; and through
:func:`coach.format.text.printable`, so nothing in it can act on the terminal (the
reader refuses such text already: this is the second line of defence).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from coach.engine.timeline import (
    PlannedExercise,
    Step,
    StepKind,
    Timeline,
    rep_phases,
    work_words,
)
from coach.format.durations import format_clock, format_duration
from coach.format.text import printable
from coach.format.v1 import RepsExercise

__all__ = ["describe_block", "render_preview"]


def describe_block(steps: tuple[Step, ...], item: PlannedExercise) -> str:
    """One line saying what a block of steps asks the user to do."""
    first = steps[0]
    side = f"{first.side} side, " if first.side else ""
    sets = f"set {first.set_number}/{first.sets}"
    # The same words as the player shows (coach.engine.timeline.work_words).
    words = printable(work_words(item.exercise)[1])
    if first.kind is StepKind.HOLD:
        hold = steps[0].duration
        holds = first.holds or 1
        if first.self_timed:
            # Ended by the person: the time shown is the longest it lasts.
            count = f"{holds} holds" if holds > 1 else "a hold"
            return f"{sets}, {side}{count} of up to {format_duration(hold)}, N ends each"
        if holds == 1:
            return f"{sets}, {side}{words} {format_duration(hold)}"
        gap = next((s.duration for s in steps if s.kind is StepKind.HOLD_REST), 0.0)
        rests = f", {format_duration(gap)} rests" if gap else ""
        own = f" ({words})" if getattr(item.exercise, "label", None) else ""
        return f"{sets}, {side}{holds} holds of {format_duration(hold)}{own}{rests}"
    if first.kind is StepKind.REP:
        assert isinstance(item.exercise, RepsExercise)
        phases = [
            f"{format_duration(seconds)} {phase}" for phase, seconds, _ in rep_phases(item.exercise)
        ]
        return f"{sets}, {side}{_count(first.reps or 0, 'rep')} ({' / '.join(phases)})"
    if first.kind is StepKind.TIMED:
        return f"{sets}, {side}{words}"
    if first.kind is StepKind.SWITCH:
        return f"switch to the {first.side} side"
    if first.kind is StepKind.RATE:
        return f"rate your pain after set {first.set_number}/{first.sets} (0-10)"
    if first.kind is StepKind.REST:
        return f"rest after set {first.set_number}/{first.sets}"
    if first.kind is StepKind.REST_AFTER:
        return "rest before the next exercise"
    return "get ready"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def render_preview(timeline: Timeline, about: Sequence[tuple[str, str]] = ()) -> RenderableType:
    """The whole timeline as a table, one row per block of steps; ``about`` (text and
    style) is what the file says of its programs and levels, shown under the heading."""
    plan = timeline.plan
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column("Clock", justify="right", style="dim", no_wrap=True)
    table.add_column("Exercise", overflow="fold")
    table.add_column("Step", overflow="fold")
    table.add_column("Time", justify="right", no_wrap=True)
    previous_exercise = -1
    for steps in timeline.blocks():
        first = steps[0]
        item = plan.exercises[first.exercise_index]
        seconds = sum(step.duration for step in steps)
        name = Text(printable(item.name)) if first.exercise_index != previous_exercise else Text("")
        if first.exercise_index != previous_exercise and previous_exercise >= 0:
            table.add_section()
        previous_exercise = first.exercise_index
        style = "bold" if first.kind.is_work else ("dim" if first.kind.is_rest else "")
        table.add_row(
            format_clock(first.start),
            name,
            Text(describe_block(steps, item), style=style),
            format_duration(seconds) if first.kind is not StepKind.RATE else "-",
        )

    heading = Text()
    heading.append(printable(plan.title), style="bold")
    programs = []
    seen: set[str] = set()
    for item in plan.exercises:
        if item.program_id not in seen:
            seen.add(item.program_id)
            programs.append(
                printable(f"{item.program_name}: level {item.level} ({item.level_name})")
            )
    summary = Text()
    summary.append(f"Total {format_duration(timeline.total)}", style="bold")
    ratings = sum(1 for s in timeline.steps if s.kind is StepKind.RATE)
    summary.append(
        f"  ({_count(len(plan.exercises), 'exercise')}, {_count(ratings, 'pain rating')}, "
        "which take as long as you need)"
    )
    notes = [Text(printable(text, multiline=True), style=style) for text, style in about]
    return Group(heading, Text("\n".join(programs), style="dim"), *notes, table, summary)
