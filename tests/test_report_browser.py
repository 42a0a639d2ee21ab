"""The report in a real browser: headless Chromium prints it to PDF and takes a
screenshot; the PDF's pages and text (pdftotext) and the screenshot's pixels are checked.

Skipped where Chromium or poppler's tools are missing, except in CI (CI=1), which
installs them (.ci/run) and fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import struct
import subprocess
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from coach.engine.checks.psfs import psfs_score
from coach.report import ReportOptions, write_report
from coach.store.checks import CheckStore
from coach.store.database import HistoryStore

pytestmark = pytest.mark.browser

END = date(2026, 3, 1)
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def need(*names: str) -> str:
    """The first of ``names`` on PATH; skips the test (fails it in CI) without any."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{' or '.join(names)} is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"CI must install {names[0]} (see .ci/run): {message}")
    pytest.skip(message)


def browser(tmp_path: Path, *args: str) -> None:
    """Headless Chromium as root in a sandbox-less container, with a fresh profile and
    nothing that reaches the network."""
    command = [
        need(*BROWSERS),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, demo_history: Callable[..., object]) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    demo_history(folder / "history.sqlite3", days=200, seed=5, end=END)
    store = HistoryStore(folder / "history.sqlite3")
    # The first activity renamed to 80 characters without a space (as if typed so).
    with sqlite3.connect(folder / "history.sqlite3") as db:
        db.execute(
            "UPDATE psfs_activities SET text = ? WHERE id = (SELECT MIN(id) FROM psfs_activities)",
            (LONG,),
        )
    target = folder / "report.html"
    write_report(store, target, until=END, options=ReportOptions(name="Alex Example"))
    return target


LONG = "Carrying" + "x" * 64 + "shopping"


def pdf_of(html: Path, tmp_path: Path) -> tuple[int, tuple[float, float], list[str]]:
    """The page count, page size (points) and each page's text of ``html`` printed by
    Chromium without its own header and footer (the report has its own)."""
    pdf = tmp_path / "report.pdf"
    browser(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    info = subprocess.run(
        [need("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size is not None
    text = subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return pages, (float(size.group(1)), float(size.group(2))), text.split("\f")[:pages]


def test_twelve_weeks_print_on_four_pages_with_a_header_and_number_on_each(
    report: Path, tmp_path: Path
) -> None:
    pages, (width, height), texts = pdf_of(report, tmp_path)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4
    assert pages <= 4, pages
    for number, text in enumerate(texts, start=1):
        assert "Alex Example · 08 Dec 2025 to 01 Mar 2026" in text, number
        assert f"Page {number} of {pages}" in text, number
    whole = "\n".join(texts)
    # Page one says what matters; the appendix is not printed by default.
    assert "Current prescription" in texts[0] and "Summary" in texts[0]
    assert "Appendix" not in whole


def test_the_psfs_scores_survive_an_unbroken_activity_of_80_characters(
    report: Path, tmp_path: Path
) -> None:
    _, _, texts = pdf_of(report, tmp_path)
    whole = "\n".join(texts)
    # The name wraps inside its column instead of pushing the table off the page...
    assert LONG in "".join(whole.split())
    # ...and every check's score stays on the page, on its row.
    history = CheckStore(HistoryStore(report.parent / "history.sqlite3")).check_history()
    rated = [c for c in history.checks if c.psfs and c.day >= date(2025, 12, 8)]
    assert rated
    for check in rated:
        score = psfs_score(check.psfs)
        assert score is not None
        row = rf"{check.day:%Y-%m-%d}(\s+\d+)+\s+{score:.1f}\b"
        assert re.search(row, whole), (check.day, score)


def test_letter_paper_and_the_full_appendix(tmp_path: Path, report: Path) -> None:
    target = tmp_path / "letter.html"
    store = HistoryStore(report.parent / "history.sqlite3")
    write_report(store, target, until=END, options=ReportOptions(full=True, paper="letter"))
    pages, (width, height), texts = pdf_of(target, tmp_path)
    assert abs(width - 612) < 2 and abs(height - 792) < 2  # US Letter
    assert "Appendix: every decision and checklist" in "\n".join(texts)
    assert "Each exercise: dose and decisions" in "\n".join(texts)
    assert f"Page {pages} of {pages}" in texts[-1]


def test_the_report_prints_to_pdf(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    browser(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    info = subprocess.run(
        [need("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size is not None
    # A4 is 595 x 842 points.
    assert abs(float(size.group(1)) - 595) < 2 and abs(float(size.group(2)) - 842) < 2
    # Page one, then safety, checks, sessions and pain; the appendix is not printed.
    assert 2 <= pages <= 4, pages
    text = subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for expected in (
        "Back exercise progress",
        "From 08 December 2025 to 01 March 2026",
        "Summary",
        "Warning signs and safety checks",
        "Function checks",
        "Patient-Specific Functional Scale",
        "Sessions done",
        "Ratios at the last check that gives each",
    ):
        assert expected in text, expected
    # The person's own words, as typed (the report escaped them; the PDF shows them).
    raw = subprocess.run(
        [need("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    activities = CheckStore(HistoryStore(report.parent / "history.sqlite3")).check_history()
    words = " ".join(raw.split())
    for activity in activities.activities:
        assert activity.text in words, activity.text


def test_the_report_on_screen_is_not_blank(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    browser(tmp_path, "--window-size=1000,1400", f"--screenshot={shot}", report.as_uri())
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (1000, 1400)
    # Text and charts: many colours, and a good share of the page that is not white.
    assert len(set(pixels)) > 50
    inked = sum(1 for p in pixels if p != (255, 255, 255))
    assert inked > 0.05 * len(pixels)


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """The pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), without a library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        position += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), (depth, color)
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(chunks)
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 255
        rows.append(line)
        previous = line
    # Every 4th row and column is plenty to tell a page from a blank one.
    pixels = [
        tuple(row[x * channels : x * channels + 3]) for row in rows[::4] for x in range(0, width, 4)
    ]
    return width, height, pixels
