"""The report's charts as inline SVG, drawn with pygal.

pygal is imported here, and only when a report is written: ``coach`` itself starts
without it. Every chart is drawn without scripts (``js=[]``) and without any text from
the session files or the person (titles and names are in the HTML around the chart,
escaped there), so the SVG carries only numbers, dates and fixed words. The colours are
the TUI's: cyan for the pain at the start, orange for the peak, green for a dose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

__all__ = ["CYAN", "GREEN", "ORANGE", "bar_chart", "line_chart"]

CYAN = "#0e8ea0"
"""Pain at the start (the TUI's cyan, darkened to print on white)."""
ORANGE = "#e07000"
"""Peak pain (the TUI's orange)."""
GREEN = "#2a8f3c"
"""A dose (the TUI's green)."""
SERIES = (CYAN, ORANGE, GREEN, "#6a4fb3", "#b0306a", "#555555")

WIDTH, HEIGHT = 760, 250

Points = Sequence[tuple[date, float]]


def _style(colors: Sequence[str]) -> Any:  # any: pygal has no types
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#222222",
        foreground_strong="#111111",
        foreground_subtle="#d8d8d8",
        colors=tuple(colors),
        font_family="DejaVu Sans, Helvetica, Arial, sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        title_font_size=13,
        opacity="1",
        opacity_hover="1",
    )


def _common(colors: Sequence[str]) -> dict[str, Any]:  # any: pygal's options
    return {
        "style": _style(colors),
        "js": [],
        "width": WIDTH,
        "height": HEIGHT,
        "explicit_size": False,
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "margin": 6,
        "margin_bottom": 16,
        "spacing": 8,
        "no_data_text": "no data",
        "tooltip_border_radius": 0,
        "truncate_legend": -1,
        "truncate_label": -1,
    }


# What pygal writes for its interactive tooltips and its own credits: a script with the
# chart's configuration (whatever ``js`` says), a <desc> per point, comments and a title.
# A printed report needs none of them, and a self-contained page runs no script.
_NOT_PRINTED = re.compile(
    r"<script\b.*?</script>|<desc\b.*?</desc>|<!--.*?-->|<title>Pygal</title>", re.S
)


def _render(chart: Any) -> str:  # any: pygal has no types
    text: str = chart.render(is_unicode=True)
    return _NOT_PRINTED.sub("", text)


def line_chart(
    series: Sequence[tuple[str, Points]],
    *,
    y_range: tuple[float, float] | None = None,
    secondary: tuple[str, Points] | None = None,
    secondary_range: tuple[float, float] | None = None,
    colors: Sequence[str] = SERIES,
    dots: bool = True,
    date_format: str = "%d %b %y",
    y_title: str = "",
    y_labels: Sequence[float] | None = None,
) -> str:
    """Lines over dates, one per ``(legend, points)``; an optional ``secondary`` series is
    drawn as dots against a right-hand axis (a peak pain beside a dose)."""
    import pygal

    options = _common(colors)
    # An XY chart over day numbers rather than pygal's DateLine, which converts dates
    # with datetime.utcfromtimestamp (deprecated since Python 3.12).
    days = [d.toordinal() for _, points in series for d, _ in points]
    if secondary is not None:
        days += [d.toordinal() for d, _ in secondary[1]]
    chart = pygal.XY(
        **options,
        show_dots=dots,
        dots_size=2.2,
        stroke_style={"width": 2},
        x_value_formatter=lambda x: date.fromordinal(round(x)).strftime(date_format),
        x_labels=_day_ticks(min(days), max(days)) if days else None,
        x_label_rotation=0,
        y_title=y_title,
        range=y_range,
        y_labels=list(y_labels) if y_labels is not None else None,
        secondary_range=secondary_range,
        allow_interruptions=True,
        print_values=False,
    )
    for legend, points in series:
        chart.add(legend, [(d.toordinal(), v) for d, v in points])
    if secondary is not None:
        legend, points = secondary
        chart.add(
            legend,
            [(d.toordinal(), v) for d, v in points],
            secondary=True,
            stroke=False,
            dots_size=2.6,
        )
    return _render(chart)


def _day_ticks(first: int, last: int, count: int = 6) -> list[int]:
    """About ``count`` evenly spread day numbers from ``first`` to ``last``."""
    if last <= first:
        return [first]
    step = max(1, round((last - first) / (count - 1)))
    return list(range(first, last + 1, step))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    legend: str,
    *,
    y_range: tuple[float, float] | None = None,
    color: str = GREEN,
    label_every: int = 1,
    y_title: str = "",
) -> str:
    """Bars, one per label (a week or a month)."""
    import pygal

    options = _common((color,))
    chart = pygal.Bar(
        **options,
        range=y_range,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, label_every),
        y_title=y_title,
        print_values=False,
    )
    chart.x_labels = list(labels)
    chart.add(legend, list(values))
    return _render(chart)
