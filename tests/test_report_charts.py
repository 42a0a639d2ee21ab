"""The report's charts, drawn by coach itself: well-formed SVG with its grid, its dates,
its lines and dots where the figures put them, and no text but numbers, dates and the
fixed words given."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from coach.report.charts import CYAN, ORANGE, bar_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def test_round_ticks() -> None:
    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(0, 7) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert nice_ticks(0, 240) == [0, 50, 100, 150, 200]
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(3, 3) == [3]


def test_a_line_chart_puts_each_point_where_its_figures_say() -> None:
    start = date(2026, 1, 5)
    base = [(start + timedelta(days=i), float(i % 3)) for i in range(10)]
    peak = [(start + timedelta(days=i), 5.0) for i in range(10)]
    svg = line_chart(
        [("at the start", base), ("peak <during>", peak)],
        y_range=(0, 10),
        colors=(CYAN, ORANGE),
    )
    root = ET.fromstring(svg)  # well-formed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:6] == ["0", "2", "4", "6", "8", "10"]
    assert "05 Jan 26" in texts and "at the start" in texts
    assert "peak <during>" in texts and "<during>" not in svg  # escaped
    lines = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert [p.get("stroke") for p in lines] == [CYAN, ORANGE]
    # The peak, 5 on 0-10, is a flat line half-way up the plot.
    ys = {float(y) for y in re.findall(r"[ML][\d.]+ ([\d.]+)", lines[1].get("d", ""))}
    assert len(ys) == 1
    grid = {
        float(g.get("y1", "0")) for g in root.iter(f"{SVG}line") if g.get("stroke") == "#d8d8d8"
    }
    assert abs(ys.pop() - (min(grid) + max(grid)) / 2) < 0.2
    assert "<script" not in svg


def test_a_secondary_series_is_dots_on_a_right_hand_axis() -> None:
    day = date(2026, 2, 1)
    svg = line_chart(
        [("dose", [(day, 10.0), (day + timedelta(1), 20.0)])],
        y_range=(0, 25),
        y_labels=[0, 5, 10, 15, 20, 25],
        secondary=("peak pain", [(day, 3.0), (day + timedelta(1), 4.0)]),
        secondary_range=(0, 10),
        dots=False,
    )
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("10") == 2  # 10 on the left (dose) and on the right (pain)
    filled = [p for p in root.iter(f"{SVG}path") if p.get("fill") not in (None, "none")]
    assert len(filled) == 1 and filled[0].get("d", "").count("M") == 2  # two dots


def test_bars_and_an_empty_chart() -> None:
    svg = bar_chart(["w1", "w2", "w3"], [7, None, 3.5], "days", y_range=(0, 7), label_every=2)
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") and r.get("width") != "11"]
    heights = sorted(float(r.get("height", "0")) for r in bars if r.get("fill") is None)
    assert len(heights) == 2 and abs(heights[1] / heights[0] - 2) < 0.01
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "w1" in texts and "w3" in texts and "w2" not in texts
    assert "no data" in line_chart([("x", [])])
