"""Where the player's rows go: the count first, then what can give way.

The big digits are what a person on the mat reads, so they get their rows before
anything else: at 80x24 ten rows in every phase (fifteen from 34 rows, twenty from 50).
What is left goes, in order, to the next-step line and one line of the signs to stop,
then to the exercise's figure (beside the digits where the columns allow, under them
where the rows do), and the instructions take the rest (they scroll). A pure function
of the window and the step, so the tests can check every size without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coach.tui.bignumber import FONT_ROWS, glyph_width

__all__ = ["MIN_BESIDE_COLUMNS", "MIN_UNDER_ROWS", "Arrangement", "Place", "arrange"]

MIN_BESIDE_COLUMNS = 24
"""The narrowest figure beside the digits: a lying body 24 columns long reads at 10 rows."""
MIN_UNDER_ROWS = 8
"""The shortest figure under the digits (a standing body of 24 dots and its floor)."""
MIN_NOTE_COLUMNS = 12
"""The narrowest room beside the digits for the note that a larger window shows more."""
GAP = 2
"""Columns between the digits and a figure beside them."""

_STEPS = (4, 3, 2, 1)
"""Cells per font pixel down, largest first: 20, 15, 10 or 5 rows of digits."""
_ACROSS = {4: (8,), 3: (6,), 2: (4, 3), 1: (2, 1)}
"""Cells per font pixel across for each step down, widest (squarest) first."""


class Place(StrEnum):
    BESIDE = "beside"
    UNDER = "under"
    NOTE = "note"
    """No room for a figure that reads: a line saying a larger window shows it, under
    the digits or beside them."""
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Arrangement:
    clock_rows: int
    clock_columns: int
    """The digits' width when a figure (or the note) stands beside them; else 0."""
    figure: Place
    figure_rows: int
    figure_columns: int
    """The figure's (or the note's) width beside the digits; 0 when under them."""
    next_line: bool
    instructions: bool


def _cap(height: int) -> int:
    return 4 if height >= 50 else 3 if height >= 34 else 2


def arrange(
    width: int,
    height: int,
    *,
    template: str,
    figure: bool,
    paused: bool = False,
    compact: bool = False,
    tiny: bool = False,
    margin: int = 2,
    wrapped: int = 0,
) -> Arrangement:
    """Rows and columns for the digits and the figure in a ``width`` x ``height`` player.

    ``template`` is the widest count of the step ('45', '2:30'), so the digits keep one
    size for the whole step; ``figure`` says whether the step has a figure (or picture);
    ``wrapped`` counts the header's lines beyond one each (a long name or dose wraps).
    """
    stage_width = max(1, width - (0 if tiny else 2 * margin))
    # The lines that always show: where, the phase (a 3-row band when paused), the
    # exercise, its detail, the session bar (not in the tiniest layout) and the key bar.
    phase = 3 if paused and not compact else 1
    fixed = 1 + phase + 1 + 1 + wrapped + (0 if tiny else 1) + 1
    # Kept below the digits: what comes next and one line of the signs to stop.
    reserve = 2
    room = height - fixed - reserve
    base = glyph_width(template)
    down = 1
    for step in _STEPS:
        if (
            step <= _cap(height)
            and FONT_ROWS * step <= room
            and base * _ACROSS[step][-1] <= stage_width
        ):
            down = step
            break
    rows = FONT_ROWS * down if FONT_ROWS * down <= room else max(1, room)
    left = height - fixed - rows

    place, fig_rows, fig_cols, clock_cols = Place.NONE, 0, 0, 0
    if figure:
        widest = base * _ACROSS[down][0]
        for across in _ACROSS[down] if rows >= MIN_UNDER_ROWS else ():
            digits = base * across
            if stage_width - digits - GAP >= MIN_BESIDE_COLUMNS:
                place, fig_rows = Place.BESIDE, rows
                clock_cols, fig_cols = digits, stage_width - digits - GAP
                break
        else:
            # Under the digits, up to 10 rows (16 on a huge window), when the next line
            # and four lines of instructions keep their room.
            under = min(16 if height >= 50 else 10, left - reserve - 4)
            if under >= MIN_UNDER_ROWS:
                place, fig_rows = Place.UNDER, under
            elif left - reserve >= 1:
                place, fig_rows = Place.NOTE, 1
            elif stage_width - widest - GAP >= MIN_NOTE_COLUMNS:
                # No row to spare: the note stands beside the digits.
                place, fig_rows = Place.NOTE, rows
                clock_cols, fig_cols = widest, stage_width - widest - GAP
    left -= fig_rows if not fig_cols else 0
    next_line = left >= 2
    instructions = left - int(next_line) >= 4
    return Arrangement(rows, clock_cols, place, fig_rows, fig_cols, next_line, instructions)
