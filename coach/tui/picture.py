"""An exercise's picture (``image:``) in the figure's place, where the terminal can show it.

Nothing here is imported at start-up beyond this module: Pillow and textual-image load
in a worker thread (:func:`prepare_pictures`), and only for a session that has a picture
on a terminal with Kitty graphics or Sixel (:mod:`coach.tui.graphics`). Each picture is
decoded once per path, with limits that make a hostile file harmless (regular files only,
5 MiB, :data:`~coach.format.figure_checks.MAX_IMAGE_PIXELS`, PNG, JPEG or WebP decoders
only), and scaled down to what a terminal can show. A picture that cannot be decoded,
whatever the loader thought of it, leaves the figure in its place and one sentence.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Container
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Label

from coach.format.figure_checks import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from coach.format.text import quoted
from coach.format.yamlsafe import read_regular_file
from coach.tui.figure import MIN_COLUMNS, MIN_ROWS, TOO_SMALL
from coach.tui.graphics import Graphics

if TYPE_CHECKING:
    from PIL.Image import Image

    from coach.engine.timeline import SessionPlan
    from coach.format.loader import LoadedFile

__all__ = [
    "MAX_SIDE",
    "ImageWidget",
    "PictureView",
    "decode_picture",
    "picture_files",
    "picture_widget",
    "prepare_pictures",
]

MAX_SIDE = 1024
"""Longest side a picture keeps once decoded: more than a terminal's figure area shows
(about 60 cells of 10-20 pixels), and it keeps Sixel encoding, done on every redraw of a
new size, quick."""

ImageWidget = Callable[["Image"], Widget]
"""Makes the widget that draws a decoded picture (textual-image's, for the protocol)."""

_decoded: dict[Path, Image | str] = {}
_decoded_lock = threading.Lock()


def decode_picture(path: Path) -> Image | str:
    """The picture at ``path``, decoded and at most :data:`MAX_SIDE` a side; or why it
    cannot be shown, in one phrase. Cached per path (a session shows each many times)."""
    with _decoded_lock:
        known = _decoded.get(path)
    if known is not None:
        return known
    result = _decode(path)
    with _decoded_lock:
        _decoded[path] = result
    return result


def _decode(path: Path) -> Image | str:
    from PIL import Image as PILImage

    name = quoted(path.name)
    try:
        # Never blocks on a FIFO, never reads a device: the same open as a session file's.
        raw = read_regular_file(path, MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        return f"picture {name} cannot be read ({exc.strerror or exc})"
    if len(raw) > MAX_IMAGE_BYTES:
        return f"picture {name} is larger than 5 MiB"
    try:
        # Only the three formats the session format allows: no other decoder (and its
        # own bugs) ever sees the bytes.
        with PILImage.open(io.BytesIO(raw), formats=("PNG", "JPEG", "WEBP")) as image:
            # The size comes from the header; the pixels are decoded only below the cap.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return (
                    f"picture {name} is {image.width}x{image.height} pixels; "
                    "pictures are limited to 4096x4096"
                )
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a smaller scale
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            return image.convert("RGBA")
    except Exception:
        # Pillow's decoders raise many kinds of error on a damaged file (OSError,
        # SyntaxError, ValueError, struct.error, DecompressionBombError...); every one
        # means the same here: the figure shows instead.
        return f"picture {name} could not be decoded"


def picture_files(loaded: LoadedFile, plan: SessionPlan) -> dict[int, Path]:
    """Each planned exercise's picture file, by its index in the plan, resolved in the
    folder of the file that names it. A picture the loader warned about (outside the
    folder, missing, too large, not a picture) is left out: its warning said the figure
    shows instead."""
    from coach.format.figure_checks import image_problem
    from coach.format.loader import ProgramFile, confined_path

    files = [loaded] if isinstance(loaded, ProgramFile) else list(loaded.programs)
    folders = {pf.program.id: pf.path.resolve().parent for pf in files}
    found: dict[int, Path] = {}
    for index, item in enumerate(plan.exercises):
        folder = folders.get(item.program_id)
        written = item.exercise.image
        if folder is None or written is None:
            continue
        target = confined_path(folder, written)
        if isinstance(target, Path) and image_problem(target) is None:
            found[index] = target
    return found


def prepare_pictures(
    graphics: Graphics, paths: Iterable[Path]
) -> tuple[ImageWidget, dict[Path, Image], list[str]]:
    """Import the drawing widget and decode every picture (in a worker thread): the widget
    maker, the pictures that decoded, and a phrase for each that did not."""
    maker = picture_widget(graphics)
    pictures: dict[Path, Image] = {}
    problems: list[str] = []
    for path in dict.fromkeys(paths):
        result = decode_picture(path)
        if isinstance(result, str):
            problems.append(result)
        else:
            pictures[path] = result
    return maker, pictures, problems


TEXTUAL_IMAGE_PRIVATE_NAMES: tuple[tuple[str, str], ...] = (
    ("textual_image._terminal", "get_cell_size"),
    ("textual_image._terminal", "capture_terminal_response"),
    ("textual_image._terminal", "CellSize"),
    ("textual_image._terminal", "TerminalError"),
)
"""The private parts of textual-image :func:`picture_widget` sets or names (with the
answer ``get_cell_size`` keeps on itself, ``_result``): checked against the pinned
textual-image (constraints.txt) by tests/test_pictures.py."""


def picture_widget(graphics: Graphics) -> ImageWidget:
    """textual-image's widget for ``graphics.protocol``, imported now.

    textual-image asks the terminal about itself while it is imported; with Textual
    running, the answers would reach the app as keys. coach has asked already
    (:func:`coach.tui.graphics.detect`), so the import is told the cell size and given a
    question that fails at once, without writing anything.

    A pinned, tested shim on private names (:data:`TEXTUAL_IMAGE_PRIVATE_NAMES`, checked
    against the textual-image in constraints.txt by tests/test_pictures.py).
    textual-image 0.12.0 has no public way to be told the cell size or to skip its
    questions: it reads TEXTUAL_CELL_WIDTH and TEXTUAL_CELL_HEIGHT only after asking the
    terminal, and its open PR lnqs/textual-image#139 changes the questions, not that. Its
    supported way, importing ``textual_image.renderable`` before the app starts (its
    README), is not taken: it would ask the terminal two or three more questions (up to
    0.1 s each where none is answered) before every first frame, pictures or not, where
    coach asks once, in one round trip (:func:`coach.tui.graphics.detect`).
    """
    import textual_image._terminal as terminal

    # get_cell_size() keeps its answer on itself; the widgets ask it on every layout.
    terminal.get_cell_size._result = terminal.CellSize(*graphics.cell)  # type: ignore[attr-defined]
    asking = terminal.capture_terminal_response
    terminal.capture_terminal_response = _already_asked
    try:
        from textual_image.widget import SixelImage, TGPImage
    finally:
        terminal.capture_terminal_response = asking
    return SixelImage if graphics.protocol == "sixel" else TGPImage


@contextmanager
def _already_asked(
    start_marker: str, end_marker: str, timeout: float | None = None
) -> Iterator[SimpleNamespace]:
    from textual_image._terminal import TerminalError

    raise TerminalError("coach asked the terminal before starting")
    yield  # pragma: no cover - a generator, never resumed


class PictureView(Container):
    """The picture of the exercise shown, fitted to the figure's place with its aspect
    kept; a short note instead when the place is too small to read."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._maker: ImageWidget | None = None
        self._widget: Widget | None = None
        self._picture: Image | None = None
        self._note = Label(TOO_SMALL, classes="picture-note")

    def compose(self) -> ComposeResult:
        yield self._note

    def show(self, picture: Image | None, maker: ImageWidget | None) -> None:
        """Show ``picture`` (None hides the view), drawn with widgets from ``maker``."""
        self.display = picture is not None
        if picture is None or maker is None or picture is self._picture:
            return
        self._picture = picture
        if self._widget is not None and self._maker is maker:
            self._widget.image = picture  # type: ignore[attr-defined]
            return
        if self._widget is not None:
            self._widget.remove()
        self._maker = maker
        self._widget = maker(picture)
        self._widget.add_class("picture-image")
        self.mount(self._widget)
        self._fit()

    @property
    def shown(self) -> Image | None:
        """The picture on show (None while hidden)."""
        return self._picture if self.display else None

    def on_resize(self, event: Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        small = self.content_size.width < MIN_COLUMNS or self.content_size.height < MIN_ROWS
        self._note.display = small
        if self._widget is not None:
            self._widget.display = not small
