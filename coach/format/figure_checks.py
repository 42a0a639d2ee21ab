"""Checks of an exercise's ``figure:`` and ``image:`` that need more than their own
values: the bundled figure an id names, the poses an exercise kind needs, the picture
file beside the session file. Each problem is a (where, message, is_error) triple for the
loader to place at its line and column.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

from coach.format.figure_library import BUNDLED_FIGURES, bundled_figure
from coach.format.figures import Figure
from coach.format.v1 import HoldExercise, RepsExercise, TimedExercise

__all__ = [
    "IMAGE_SUFFIXES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "figure_problems",
    "image_problem",
]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Largest picture, as for a custom cue sound."""
MAX_IMAGE_PIXELS = 4096 * 4096
"""Most pixels a picture may decode to (checked by the player before decoding). A 5 MiB
file can hold a photo of about this size; a compressed file that claims far more is a
decompression bomb, whose decoded pixels would take gigabytes."""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")

Problem = tuple[tuple[str | int, ...], str, bool]


def figure_problems(exercise: HoldExercise | RepsExercise | TimedExercise) -> Iterator[Problem]:
    """What is wrong with the exercise's figure, relative to the exercise's ``figure`` key."""
    figure = exercise.figure
    if figure is None:
        return
    if isinstance(figure, str):
        found = bundled_figure(figure)
        if found is None:
            close = difflib.get_close_matches(figure, list(BUNDLED_FIGURES), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else " (see the guide for the list)"
            yield (), f"no bundled figure is called '{figure}'{hint}", True
            return
        own = False
    else:
        found, own = figure, True
    # A timed block may keep still in a held pose (a bundled hold figure for 'lie still').
    still = isinstance(exercise, TimedExercise) and found.hold is not None
    needs_top = isinstance(exercise, RepsExercise | TimedExercise) and not still
    if needs_top and found.top is None:
        what = "a repetition" if isinstance(exercise, RepsExercise) else "a loop"
        yield (
            (),
            (
                f"a {exercise.kind} exercise's figure needs a 'top' pose (where {what} goes "
                "from 'start')"
                + (", or a 'hold' pose to keep still in" if what == "a loop" else "")
            ),
            True,
        )
    if own and isinstance(exercise, RepsExercise) and "start" not in _given(found):
        yield (
            (),
            ("a reps exercise's figure needs a 'start' pose ('start: {}' for the base's own)"),
            True,
        )


def _given(figure: Figure) -> set[str]:
    """The keys the author wrote (``start`` has a default, and must still be written)."""
    return set(figure.model_fields_set)


def image_problem(path: Path) -> str | None:
    """Why the picture at ``path`` cannot be shown (the figure is shown instead), or None."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"picture '{path.name}' is not a PNG, JPEG or WebP file"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return f"picture '{path.name}' does not exist"
    except OSError as exc:
        return f"picture '{path.name}' cannot be read ({exc.strerror})"
    if not path.is_file():
        return f"'{path.name}' is not a file"
    if size > MAX_IMAGE_BYTES:
        return f"picture '{path.name}' is {size // 1024} KiB; pictures are limited to 5 MiB"
    return None
