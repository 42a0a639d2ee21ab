"""Exercise pictures (``image:``): detecting the terminal, decoding safely, and the player
showing a picture in the figure's place, or the figure when it cannot.

The player tests never draw with a real protocol: a fixture puts a plain widget in place
of textual-image's (which would write Kitty or Sixel bytes to the test's output), and the
app is given the detection's answer the way the CLI gives it.
"""

from __future__ import annotations

import copy
import importlib
import importlib.metadata
import os
import pty
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.widget import Widget
from textual.widgets import Static

from coach.engine.runner import RunState
from coach.engine.timeline import StepKind
from coach.format.figure_checks import MAX_IMAGE_PIXELS
from coach.tui import picture
from coach.tui.figure import FigureView
from coach.tui.graphics import Graphics
from coach.tui.picture import TEXTUAL_IMAGE_PRIVATE_NAMES, PictureView, decode_picture

from .sessions import SMALL_PROGRAM, write_program
from .tui_helpers import make_app, start_session, wait_for


def png(path: Path, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Path:
    """A small picture, made here rather than kept in the repository."""
    Image.new(mode, size, "white").save(path, format="PNG")
    return path


def with_pictures(folder: Path, *, corrupt: bool = False) -> Path:
    """The small program: the side plank has a figure and no picture, the cat-camel a
    figure and a picture (corrupt: a PNG header and nothing a decoder can use)."""
    document = copy.deepcopy(SMALL_PROGRAM)
    plank, cat = document["program"]["levels"][0]["exercises"]
    plank.update(sets=1, figure="side-bridge-knees")
    cat.update(figure="cat-camel", image="cat.png")
    if corrupt:
        (folder / "cat.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    else:
        png(folder / "cat.png")
    return write_program(folder, document)


class FakeImage(Static):
    """Stands for textual-image's widget: keeps the picture it was given."""

    def __init__(self, image: Image.Image) -> None:
        super().__init__("[picture]")
        self.image = image


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> list[Graphics]:
    """textual-image's widget replaced with :class:`FakeImage`; the graphics asked for."""
    asked: list[Graphics] = []

    def fake(graphics: Graphics) -> Callable[[Image.Image], Widget]:
        asked.append(graphics)
        return FakeImage

    monkeypatch.setattr(picture, "picture_widget", fake)
    return asked


@pytest.fixture(autouse=True)
def fresh_pictures() -> Iterator[None]:
    """Each test decodes its own files (the cache is per path, and tmp paths repeat)."""
    picture._decoded.clear()
    yield
    picture._decoded.clear()


def picture_shown(app: Any) -> bool:
    view = app.screen.query_one("#picture", PictureView)
    return view.shown is not None and bool(view.query(FakeImage))


def figure_shown(app: Any) -> bool:
    return bool(app.screen.query_one("#figure", FigureView).display)


async def play_until(pilot: Any, app: Any, clock: Any, reached: Callable[[Any], bool]) -> None:
    """Move the clock a step at a time, rating every set 0, until ``reached(step)``."""
    for _ in range(400):
        screen = type(app.screen).__name__
        runner = app.session.runner
        if screen == "PainPrompt":
            await pilot.press("0", "enter")
        elif screen == "PlayerScreen" and runner.step is not None and reached(runner.step):
            return
        elif screen == "PlayerScreen" and runner.state is RunState.RUNNING:
            clock.advance(runner.remaining())
            app.player.wake()
        await pilot.pause(0.01)
    raise AssertionError("the step never came")


# -- the player -----------------------------------------------------------------------


async def test_the_picture_takes_the_figures_place_where_the_terminal_shows_pictures(
    tmp_path: Path, renderer: list[Graphics]
) -> None:
    app, clock = make_app(
        with_pictures(tmp_path), tmp_path / "data", graphics=Graphics("kitty", (9, 18))
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await start_session(pilot, app)
        # The plank has no picture: its figure shows, once the pictures are ready too.
        await wait_for(pilot, lambda: bool(renderer), "the pictures to load")
        await pilot.pause(0.05)
        assert figure_shown(app) and not picture_shown(app)
        # The rest before the cat-camel shows what comes next: its picture.
        await play_until(pilot, app, clock, lambda step: step.kind is StepKind.REST_AFTER)
        await wait_for(pilot, lambda: picture_shown(app), "the cat-camel's picture")
        assert not figure_shown(app)
        shown = app.screen.query_one(FakeImage).image
        assert shown.size == (40, 30)
        # And it stays through the cat-camel's repetitions, the figure hidden.
        await play_until(pilot, app, clock, lambda step: step.kind is StepKind.REP)
        assert picture_shown(app) and not figure_shown(app)
    assert renderer == [Graphics("kitty", (9, 18))]


async def test_without_picture_support_every_exercise_shows_its_figure(
    tmp_path: Path, renderer: list[Graphics]
) -> None:
    app, clock = make_app(with_pictures(tmp_path), tmp_path / "data")  # graphics: None
    async with app.run_test(size=(120, 40)) as pilot:
        await start_session(pilot, app)
        await play_until(pilot, app, clock, lambda step: step.kind is StepKind.REP)
        await pilot.pause(0.05)
        assert figure_shown(app) and not picture_shown(app)
    assert renderer == [], "textual-image was imported without picture support"


async def test_a_corrupt_picture_leaves_the_figure_and_says_so_once(
    tmp_path: Path, renderer: list[Graphics], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, clock = make_app(
        with_pictures(tmp_path, corrupt=True), tmp_path / "data", graphics=Graphics("sixel")
    )
    notices: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(message))
    async with app.run_test(size=(120, 40)) as pilot:
        await start_session(pilot, app)
        await wait_for(pilot, lambda: bool(renderer), "the pictures to load")
        await play_until(pilot, app, clock, lambda step: step.kind is StepKind.REP)
        await pilot.pause(0.05)
        assert figure_shown(app) and not picture_shown(app)
    said = [n for n in notices if "cat.png" in n]
    assert said == ["Picture 'cat.png' could not be decoded; the figure shows instead."]


# -- decoding -------------------------------------------------------------------------


def test_a_picture_is_decoded_once_scaled_down_and_cached(tmp_path: Path) -> None:
    path = png(tmp_path / "big.png", (3000, 1500))
    first = decode_picture(path)
    assert isinstance(first, Image.Image)
    assert first.size == (picture.MAX_SIDE, picture.MAX_SIDE // 2)
    assert decode_picture(path) is first


def test_a_picture_claiming_too_many_pixels_is_not_decoded(tmp_path: Path) -> None:
    # A few kilobytes on disk, 25 million pixels once decoded: refused from the header.
    path = png(tmp_path / "bomb.png", (5000, 5000), mode="1")
    assert path.stat().st_size < 100_000 and MAX_IMAGE_PIXELS < 5000 * 5000
    assert decode_picture(path) == (
        "picture 'bomb.png' is 5000x5000 pixels; pictures are limited to 4096x4096"
    )


def test_a_fifo_or_another_format_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert "not a regular file" in str(decode_picture(fifo))
    assert time.monotonic() - started < 1.0
    gif = tmp_path / "moving.png"
    Image.new("RGB", (4, 4)).save(gif, format="GIF")  # a GIF named .png
    assert decode_picture(gif) == "picture 'moving.png' could not be decoded"


def test_textual_image_loads_late_without_asking_the_terminal() -> None:
    """textual-image asks the terminal when imported; loaded while the app runs, it must
    not (the answers would reach the app as keys): on a terminal it writes nothing."""
    master, slave = pty.openpty()
    code = (
        "from coach.tui.graphics import Graphics\n"
        "from coach.tui.picture import picture_widget\n"
        "import textual_image._terminal as t\n"
        "maker = picture_widget(Graphics('sixel', (7, 14)))\n"
        "print('made', maker.__module__, tuple(t.get_cell_size()))\n"
    )
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, close_fds=True
    )
    os.close(slave)
    output = b""
    try:
        child.wait(timeout=30)
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(master)
    assert child.returncode == 0, output
    assert output.strip() == b"made textual_image.widget.sixel (7, 14)"
    assert b"\x1b" not in output
    assert time.monotonic() - started < 30


def test_textual_image_is_the_version_pinned_with_the_private_names_used() -> None:
    """picture_widget sets private parts of textual-image (TEXTUAL_IMAGE_PRIVATE_NAMES):
    an upgrade changes constraints.txt, and meets this test, on purpose."""
    constraints = (Path(__file__).resolve().parent.parent / "constraints.txt").read_text(
        encoding="utf-8"
    )
    pinned = re.search(r"^textual-image==(\S+)$", constraints, re.MULTILINE)
    assert pinned is not None
    assert importlib.metadata.version("textual-image") == pinned.group(1)
    for module, name in TEXTUAL_IMAGE_PRIVATE_NAMES:
        assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"
