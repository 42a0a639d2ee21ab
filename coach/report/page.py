"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing
fetched from anywhere (a Content-Security-Policy says so to the browser), laid out to
print on A4 or US Letter.

The page is made in one place, the Jinja2 templates in ``templates/``, with autoescape
on: this module computes what each section says (plain text, numbers and dates, in
:class:`Table` and :class:`Cell`) and never writes HTML itself. Every text value that
reaches the page is made printable first (control, bidi and zero-width characters shown
as escapes, the template's ``finalize``), then escaped by the template. The charts are
SVG drawn by :mod:`coach.report.charts`, which carries no text from a session file or
from the person.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from coach.base.types import JsonValue, json_object
from coach.engine.checks.measures import HEALTHY_NORMS, NORM_SOURCE, Change
from coach.engine.checks.protocol import TESTS, Variant
from coach.engine.checks.psfs import psfs_score
from coach.engine.checks.records import CheckHistory, HoldResult
from coach.engine.checks.views import latest_hold_rows, latest_ratios, seconds_text
from coach.format.text import printable
from coach.report import charts
from coach.report.figures import (
    adherence,
    advice_day,
    advice_reason,
    monthly_share,
    pain_periods,
    period_unit,
    point_dose,
    weekly_days,
)
from coach.report.summary import psfs_sentence, summary_topics
from coach.store.export import DecisionRow
from coach.store.history import DosePoint
from coach.store.report import ExerciseSeries, ReportData

if TYPE_CHECKING:
    import jinja2

__all__ = ["Cell", "Table", "esc", "render"]

CSS = """
@page { size: A4; margin: 16mm 13mm 16mm;
  @top-left { font: 8pt "DejaVu Sans", Helvetica, Arial, sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt "DejaVu Sans", Helvetica, Arial, sans-serif; color: #555; } }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 9.5pt/1.35 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1b1b1b;
  background: #fff; margin: 0 auto; max-width: 190mm; padding: 8mm 4mm;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 16pt; margin: 0 0 1mm; color: #0b5f6b; }
h2 { font-size: 12.5pt; margin: 5mm 0 1.5mm; padding-bottom: 1mm;
  border-bottom: 1.5pt solid #0b5f6b; color: #0b5f6b; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.meta, .note, figcaption { color: #555; font-size: 9pt; }
.summary { background: #eef6f7; border-left: 3pt solid #0b5f6b; padding: 2.5mm 4mm;
  margin: 2mm 0; display: grid; grid-template-columns: 26mm 1fr; gap: 1.2mm 3mm; }
.summary dt { font-weight: 700; color: #0b5f6b; }
.summary dd { margin: 0; overflow-wrap: anywhere; }
/* The page-break rule: page one is the summary and the prescription, alone; the detail
   follows on from page two, each section after the last, its heading never alone at the
   foot of a page; the appendix starts a page of its own. */
#summary { break-after: page; page-break-after: always; }
#appendix { break-before: page; page-break-before: always; }
figure svg { max-height: 52mm; }
#notes { font-size: 8.5pt; }
.print-only { display: none; }
@media print { .screen-only { display: none; } .print-only { display: block; }
  body { padding: 0; max-width: none; }
  /* Page one holds the summary and the whole prescription: printed a little tighter
     (after a busy quarter, fifteen exercises spilled three rows onto a page of their
     own). */
  .summary { font-size: 9pt; line-height: 1.3; padding: 2mm 3.5mm; } }
.disclaimer { font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9pt; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.6mm;
  border-bottom: 0.5pt solid #ccc; overflow-wrap: break-word; }
/* The person's words can be one 80-character word: a fixed layout wraps it in its
   column instead of widening the table past the page. */
table.psfs { table-layout: fixed; }
table.psfs td, table.psfs th { overflow-wrap: anywhere; }
th { background: #f1f1f1; font-weight: 600; }
td.num, th.num { text-align: right; }
td.num, td.day { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.decisions, table.compact { font-size: 8.5pt; }
table.compact { font-size: 8pt; }
table.compact td { padding: 0.4mm 1.4mm; }
/* The prescription: one line a row (only the exercise's name wraps), so fifteen
   exercises stay on page one. */
table.prescription td { white-space: nowrap; }
table.prescription td:nth-child(3) { white-space: normal; }
table.decisions td { padding: 0.6mm 1.6mm; }
table.decisions td:nth-child(1) { width: 24%; }
.real { font-weight: 700; color: #0b5f6b; }
.worse { font-weight: 700; color: #a33a00; }
.unclear { color: #555; }
.warn { color: #a33a00; font-weight: 600; }
figure { margin: 2mm 0 3mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
.exercise { break-inside: auto; }
.keep { break-inside: avoid; page-break-inside: avoid; }
@media screen { body { box-shadow: 0 0 6mm #ddd; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(text: object) -> str:
    """``text`` as the template shows it: every character that could start markup is
    escaped, and every one that is not printable (control, C1, bidi, zero-width) shown
    as ``\\u202e``, as on the terminal, so an override cannot reverse what the clinician
    reads."""
    return str(escape(printable(str(text), multiline=True)))


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell or a line of text with a style: ``css`` on its text (``warn``,
    ``real``, ``worse``, ``unclear``), a bold ``lead`` before it, smaller ``notes`` under
    it. Plain text throughout: the template escapes it."""

    text: str
    css: str = ""
    lead: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """Headers and rows of plain values (text, numbers, :class:`Cell`, or a list of
    them shown with commas); ``numeric`` columns align right, ``days`` columns (dates)
    never wrap."""

    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    numeric: Sequence[int] = ()
    days: Sequence[int] = (0,)
    css: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    svg: Markup
    """Drawn by :mod:`coach.report.charts` (numbers, dates and fixed words only)."""
    caption: str


def _figure(svg: str, caption: str) -> Figure:
    return Figure(Markup(svg), caption)


def _environment() -> jinja2.Environment:
    """The Jinja2 environment: autoescape on, and every plain text value made printable
    (control and bidi characters shown as escapes) before it is escaped."""
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("coach.report", "templates"),
            autoescape=True,
            finalize=lambda value: (
                printable(value, multiline=True)
                if isinstance(value, str) and not isinstance(value, Markup)
                else value
            ),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _ENV.tests["cell"] = lambda value: isinstance(value, Cell)
        _ENV.tests["sequence"] = lambda value: isinstance(value, list | tuple)
    return _ENV


_ENV: jinja2.Environment | None = None

PAPER = {"a4": "A4", "letter": "letter"}
"""The paper sizes the report is laid out for (``coach report --paper``)."""


def css_string(text: str) -> str:
    """``text`` as the inside of a CSS string: everything but letters, digits and spaces
    as a CSS escape, so no quote, backslash or '</style>' can leave it."""
    return "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in printable(text))


def render(
    data: ReportData,
    *,
    generated: datetime,
    version: str,
    name: str = "",
    birth: str = "",
    full: bool = False,
    paper: str = "a4",
) -> str:
    """The whole report for ``data``: page one, the sections behind it, and the appendix
    (printed only when ``full``)."""
    days = (data.until - data.since).days + 1
    weeks = f"{days / 7:.0f} weeks" if days >= 14 else _count(days, "day")
    who = " ".join(printable(name).split())
    if birth:
        who = f"{who} (born {birth})" if who else f"born {birth}"
    span = f"{data.since:%d %b %Y} to {data.until:%d %b %Y}"
    running = f"{who} \u00b7 {span}" if who else f"coach report \u00b7 {span}"
    css = (
        CSS.replace("size: A4;", f"size: {PAPER.get(paper, 'A4')};")
        + f'@page {{ @top-left {{ content: "{css_string(running)}"; }} }}\n'
        + ("" if full else "@media print { #appendix { display: none; } }\n")
    )
    page: str = (
        _environment()
        .get_template("report.html.j2")
        .render(
            csp=CSP,
            css=Markup(css),
            title=f"coach report {span}" + (f": {who}" if who else ""),
            who=who,
            since=f"{data.since:%d %B %Y}",
            until=f"{data.until:%d %B %Y}",
            weeks=weeks,
            version=version,
            generated=f"{generated:%d %B %Y at %H:%M}",
            full=full,
            topics=summary_topics(data),
            prescription=_prescription(data),
            warnings=_warnings(data),
            checks=_checks(data),
            sessions=_adherence(data),
            pain=_pain(data),
            levels=_levels(data),
            checklists=_checklists(data),
            advice=_advice(data),
            notes=Table(("Date", "Note"), [(f"{n.day:%Y-%m-%d}", n.text) for n in data.notes]),
            pain_table=_pain_table(data),
            exercises=_exercises(data),
        )
    )
    return page


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _prescription(data: ReportData) -> Table:
    """The exercises of each program's last session in the period (its level now), with
    the dose they started the period at and the dose now."""
    latest: dict[str, date] = {}
    for series in data.exercises:
        day = series.points[-1].day
        latest[series.program_id] = max(day, latest.get(series.program_id, day))
    rows = []
    for series in data.exercises:
        last = series.points[-1]
        if last.day != latest[series.program_id]:
            continue
        share = f"{series.sets_done} of {series.sets_planned}" + (
            f" ({series.sets_done / series.sets_planned:.0%})" if series.sets_planned else ""
        )
        skipped = ", ".join(f"{n} for {why}" for why, n in series.skipped) or "-"
        rows.append(
            (
                series.program_id,
                str(last.level),
                series.name,
                point_dose(series.points[0]),
                point_dose(last),
                str(len(series.points)),
                share,
                skipped,
            )
        )
    return Table(
        (
            "Program",
            "Level",
            "Exercise",
            "Dose at first",
            "Dose now",
            "Sessions",
            "Sets done",
            "Skipped",
        ),
        rows,
        numeric=(1, 5),
        css="compact prescription",
        days=(),
    )


_OUTCOMES = {"clear": "none of the signs", "review": "review soon", "urgent": "urgent"}


@dataclass(frozen=True, slots=True)
class Checklists:
    count: int
    counts: list[tuple[str, int]]
    flagged: Table


def _outcome(screening: DecisionRow) -> str:
    rule = screening["rule"] or ""
    return _OUTCOMES.get(rule, rule)


def _flagged_rows(flagged: list[DecisionRow]) -> list[tuple[object, ...]]:
    return [
        (
            d["date"],
            Cell(_outcome(d), css="warn"),
            "; ".join(_question(k) for k, v in json_object(d["inputs"]).items() if v) or "-",
        )
        for d in flagged
    ]


def _checklists(data: ReportData) -> Checklists:
    """Every checklist, counted by outcome; only those with a sign get a row."""
    screenings = [d for d in data.decisions if d["kind"] == "screening"]
    counts: dict[str, int] = {}
    for d in screenings:
        word = _outcome(d)
        counts[word] = counts.get(word, 0) + 1
    rows = _flagged_rows([d for d in screenings if d["rule"] != "clear"])
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return Checklists(len(screenings), ordered, Table(("Date", "Outcome", "Signs ticked"), rows))


@dataclass(frozen=True, slots=True)
class AdviceGroups:
    count: int
    groups: Table


def _advice(data: ReportData) -> AdviceGroups:
    """Advice grouped by rule: how often, first and last, and the last reason given."""
    advice = [d for d in data.decisions if d["kind"] == "advice"]
    groups: dict[tuple[str, str], list[DecisionRow]] = {}
    for d in advice:
        groups.setdefault((d["rule"] or "", d["program"] or "the day"), []).append(d)
    rows = [
        (
            rule,
            about,
            str(len(found)),
            _day_ranges(sorted({date.fromisoformat(day) for d in found if (day := advice_day(d))}))
            if any(advice_day(d) for d in found)
            else "-",
            advice_reason(found[-1]),
        )
        for (rule, about), found in sorted(groups.items(), key=lambda item: -len(item[1]))
    ]
    headers = ("Rule", "About", "Times", "Days", "What coach said (the last time)")
    return AdviceGroups(len(advice), Table(headers, rows, numeric=(2,), days=()))


_SCREENING_WORDS: dict[str, str] = {}


def _question(key: str) -> str:
    if not _SCREENING_WORDS:
        from coach.engine.screening import QUESTIONS

        _SCREENING_WORDS.update({q.key: q.text for q in QUESTIONS})
    return _SCREENING_WORDS.get(key, key)


# -- sections ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Warnings:
    asked: str
    """'asked 3 times; 1 with a sign to review', or '' when never asked."""
    flagged: Table | None
    red_flag_sets: Table | None
    after_checks: str
    """The days of the checks after which nerve symptoms were reported, or ''."""
    follow_ups: Table | None
    none: bool
    """No warning sign at all in the period."""


def _warnings(data: ReportData) -> Warnings:
    screenings = [d for d in data.decisions if d["kind"] == "screening"]
    flagged = [d for d in screenings if d["rule"] != "clear"]
    asked = (
        f"asked {_count(len(screenings), 'time')}; {len(flagged)} with a sign to review"
        if screenings
        else ""
    )
    red = None
    if data.red_flag_sets:
        red = Table(
            ("Date", "Exercise", "Reported"),
            [
                (f"{r.day:%Y-%m-%d}", r.exercise, Cell(", ".join(r.symptoms), css="warn"))
                for r in data.red_flag_sets
            ],
        )
    flagged_checks = [c for c in data.period_checks.checks if c.red_flag]
    follow = None
    if data.follow_ups:
        follow = Table(
            ("Date", "Sign followed up", "Answer", "Then"),
            [
                (
                    f"{f.day:%Y-%m-%d}",
                    f.followed,
                    f.answer,
                    f.outcome if f.went_on else Cell(f.outcome, css="warn"),
                )
                for f in data.follow_ups
            ],
        )
    return Warnings(
        asked,
        Table(("Date", "Outcome", "Signs ticked"), _flagged_rows(flagged)) if flagged else None,
        red,
        ", ".join(f"{c.day:%d %b %Y}" for c in flagged_checks),
        follow,
        not (data.red_flag_sets or flagged_checks or flagged),
    )


def _change_cell(change: Change) -> Cell:
    caveats = tuple(change.caveats)
    if change.real:
        css = "real" if change.direction.value == "better" else "worse"
        way = "longer" if change.direction.value == "better" else "shorter"
        return Cell(f"real change: {way} by {abs(change.delta or 0):.0f} s", css, notes=caveats)
    if change.direction.value == "no clear change":
        note = change.note
        if change.delta and round(change.delta):
            # The direction too, in the fewest words (the error is said above the table).
            note = f"{abs(change.delta):.0f} s {'longer' if change.delta > 0 else 'shorter'}"
        return Cell(f"no clear change ({note})", "unclear", notes=caveats)
    return Cell(change.note, "unclear")


def _dated(hold: HoldResult | None, day: date | None) -> Cell | str:
    if hold is None or day is None:
        return "-"
    return Cell(seconds_text(hold), notes=(f"{day:%d %b %Y}",))


@dataclass(frozen=True, slots=True)
class Psfs:
    table: Table | None
    sentence: str


@dataclass(frozen=True, slots=True)
class Checks:
    holds: Table | None
    """None when no check was done in the period."""
    chart: Figure | None = None
    changes: Table | None = None
    ratios: Table | None = None
    norm_source: str = NORM_SOURCE
    psfs: Psfs = field(default_factory=lambda: Psfs(None, ""))


def _checks(data: ReportData) -> Checks:
    history = data.period_checks
    if not history.checks:
        return Checks(None)
    rows = []
    for check in history.checks:
        notes: list[object] = []
        if check.status == "stopped":
            notes.append("stopped early")
        elif check.status == "running":
            notes.append("interrupted")
        if check.red_flag:
            notes.append(Cell("nerve symptoms after", css="warn"))
        rows.append(
            (
                f"{check.day:%Y-%m-%d}",
                *(seconds_text(check.holds.get(t.test)) for t in TESTS),
                f"{_dash(check.pain_before)} → {_dash(check.pain_after)}",
                notes,
            )
        )
    headers = ("Date", *(t.short_name for t in TESTS), "Pain before → after", "Notes")
    holds = Table(headers, rows, numeric=(1, 2, 3, 4))
    changes = None
    if len(history.checks) > 1:
        changes = Table(
            ("Hold", "First", "Previous", "Last", "Since the previous", "Since the first"),
            [
                (
                    row.info.name,
                    _dated(row.first, row.first_day),
                    _dated(row.before, row.before_day),
                    _dated(row.today, row.day),
                    _change_cell(row.since_before),
                    _change_cell(row.since_first),
                )
                for row in latest_hold_rows(history)
            ],
            numeric=(1, 2, 3),
            days=(),
        )
    ratio_rows = []
    for dated in latest_ratios(history):
        ratio = dated.ratio
        verdict = {True: "within", False: Cell("outside", css="warn"), None: "-"}[ratio.within]
        ratio_rows.append(
            (
                ratio.name,
                "-" if ratio.value is None else f"{ratio.value:.2f}",
                "-" if dated.day is None else f"{dated.day:%d %b %Y}",
                ratio.guide,
                verdict,
                HEALTHY_NORMS.get(ratio.name, "-"),
                "; ".join(n for n in (ratio.note, *ratio.caveats) if n),
            )
        )
    ratios = Table(
        ("Ratio", "Value", "Check", "Usual guide", "Guide", "Healthy adults*", "Note"),
        ratio_rows,
        numeric=(1,),
        days=(2,),
    )
    return Checks(holds, _hold_chart(history), changes, ratios, NORM_SOURCE, _psfs(data, history))


def _hold_chart(history: CheckHistory) -> Figure | None:
    series = []
    for info in TESTS:
        points = [
            (c.day, c.holds[info.test].seconds)
            for c in history.checks
            if info.test in c.holds
            and c.holds[info.test].done
            and c.holds[info.test].variant is Variant.STANDARD
        ]
        series.append((info.name, [(d, float(s)) for d, s in points if s is not None]))
    if not any(points for _, points in series):
        return None
    svg = charts.line_chart(
        [(info.short_name, points) for info, (_, points) in zip(TESTS, series, strict=True)],
        y_range=(0, 240),
        y_title="seconds",
    )
    return _figure(svg, "Hold times at each check, standard versions only (the ceiling is 240 s).")


def _psfs(data: ReportData, history: CheckHistory) -> Psfs:
    rated = [c for c in history.checks if c.psfs]
    if not rated:
        return Psfs(None, "")
    activities = [a for a in data.checks.activities if any(a.id in c.psfs for c in rated)]
    rows = []
    for check in rated:
        score = psfs_score(check.psfs)
        rows.append(
            (
                f"{check.day:%Y-%m-%d}",
                *(_dash(check.psfs.get(a.id)) for a in activities),
                "-" if score is None else f"{score:.1f}",
            )
        )
    headers = ("Date", *(a.text for a in activities), "Score")
    table = Table(headers, rows, numeric=tuple(range(1, len(activities) + 2)), css="psfs")
    sentence = psfs_sentence(history, rated[0], rated[-1]) if len(rated) > 1 else ""
    return Psfs(table, sentence)


@dataclass(frozen=True, slots=True)
class Sessions:
    sentence: str
    chart: Figure
    waiting: Table | None


def _adherence(data: ReportData) -> Sessions:
    figures = adherence(data)
    share = f" ({figures.share:.0%})" if figures.share is not None else ""
    sentence = (
        f"{figures.exercised} of {figures.planned} days planned{share} had a session "
        f"with at least one rated set; {_count(figures.rest_days, 'rest day')} chosen for "
        f"high pain. Longest run: {_count(figures.longest, 'day')} in a row; current run: "
        f"{_count(figures.current, 'day')}."
    )
    if period_unit(data) == "month":
        months = monthly_share(data)
        labels = [f"{m:%b %Y}" for m, _ in months]
        svg = charts.bar_chart(
            labels,
            [round(v, 1) for _, v in months],
            "share of days with a session (%)",
            y_range=(0, 100),
            label_every=max(1, len(labels) // 8),
        )
        chart = _figure(svg, "Share of the days of each month with a session.")
    else:
        weeks = weekly_days(data)
        labels = [f"{w:%d %b}" for w, _ in weeks]
        svg = charts.bar_chart(
            labels,
            [v for _, v in weeks],
            "days with a session",
            y_range=(0, 7),
            label_every=max(1, len(labels) // 10),
        )
        chart = _figure(svg, "Days with a session in each week (Monday to Sunday).")
    waiting = [s for s in data.sessions if not s.saved]
    table = None
    if waiting:
        # Counted above like any other; said, so that no one takes them for saved.
        rows = [(f"{s.day:%Y-%m-%d}", s.title, s.result, str(s.sets)) for s in waiting]
        table = Table(("Date", "Session", "Result", "Sets"), rows, (3,))
    return Sessions(sentence, chart, table)


def _pain(data: ReportData) -> Figure | None:
    if not data.sessions:
        return None
    unit = period_unit(data)
    if unit == "day":
        base = [
            (s.day, float(s.baseline_pain)) for s in data.sessions if s.baseline_pain is not None
        ]
        peak = [(s.day, float(s.peak_pain)) for s in data.sessions if s.peak_pain is not None]
        caption = "Pain 0-10 at the start of each session and its highest rating during exercise."
    else:
        periods = pain_periods(data, unit)
        base = [(p.start, p.baseline) for p in periods if p.baseline is not None]
        peak = [(p.start, float(p.peak)) for p in periods if p.peak is not None]
        caption = (
            f"Pain 0-10 per {unit}: the average at the start of sessions and the highest "
            "rating during exercise."
        )
    svg = charts.line_chart(
        [("at the start", base), ("peak during exercise", peak)],
        y_range=(0, 10),
        colors=(charts.CYAN, charts.ORANGE),
        dots=len(base) < 200,
    )
    return _figure(svg, caption)


@dataclass(frozen=True, slots=True)
class PainTable:
    by: str
    table: Table


def _pain_table(data: ReportData) -> PainTable | None:
    """Pain per week (or month), for the appendix: the chart shows the same figures."""
    if not data.sessions:
        return None
    by = "week" if period_unit(data) != "month" else "month"
    rows = [
        (
            f"{p.start:%Y-%m-%d}",
            str(p.sessions),
            "-" if p.baseline is None else f"{p.baseline:.1f}",
            _dash(p.peak),
        )
        for p in pain_periods(data, by)
    ]
    headers = (f"{by.title()} from", "Sessions", "Start (average)", "Peak")
    return PainTable(by, Table(headers, rows, (1, 2, 3)))


def _levels(data: ReportData) -> Table | None:
    moves = [d for d in data.decisions if d["kind"] == "level"]
    if not moves:
        return None
    rows = [
        (
            d["date"],
            d["program"],
            f"{d['before']} → {d['after']}",
            "accepted" if d["accepted"] else "declined",
        )
        for d in moves
    ]
    return Table(("Date", "Program", "Level", "Answer"), rows)


@dataclass(frozen=True, slots=True)
class Exercise:
    name: str
    about: str
    """'(core, level 2, 40 sessions)'."""
    chart: Figure
    decisions: Table | None


def _exercises(data: ReportData) -> list[Exercise]:
    decisions: dict[tuple[str, str], list[DecisionRow]] = {}
    for d in data.decisions:
        if d["kind"] == "dose":
            decisions.setdefault((d["program"] or "", d["exercise"] or ""), []).append(d)
    unit = period_unit(data)
    every = (data.until - data.since).days < EVERY_DECISION_UP_TO_DAYS
    return [
        _exercise(series, decisions.get((series.program_id, series.exercise_id), []), unit, every)
        for series in data.exercises
    ]


def _fold(
    points: Sequence[DosePoint], unit: str
) -> tuple[list[tuple[date, float]], list[tuple[date, float]]]:
    """The dose (average) and peak pain (highest) per day, week or month."""
    buckets: dict[date, list[DosePoint]] = {}
    for point in points:
        if unit == "month":
            key = point.day.replace(day=1)
        elif unit == "week":
            key = date.fromordinal(point.day.toordinal() - point.day.weekday())
        else:
            key = point.day
        buckets.setdefault(key, []).append(point)
    amounts, pains = [], []
    for key in sorted(buckets):
        group = buckets[key]
        values = [p.amount for p in group if p.amount is not None]
        if values:
            amounts.append((key, round(sum(values) / len(values), 1)))
        peaks = [p.peak_pain for p in group if p.peak_pain is not None]
        if peaks:
            pains.append((key, float(max(peaks))))
    return amounts, pains


_UNITS = {"hold": "seconds held per set", "reps": "repetitions per set"}


def _exercise(
    series: ExerciseSeries, decisions: list[DecisionRow], unit: str, every: bool
) -> Exercise:
    levels = sorted({p.level for p in series.points})
    level = f"level {levels[0]}" if len(levels) == 1 else f"levels {levels[0]}-{levels[-1]}"
    amounts, pains = _fold(series.points, unit)
    what = _UNITS.get(series.kind, "seconds per set")
    # Five steps on the left that fall on 0, 2, 4... of the pain axis on the right.
    top = 5 * math.ceil(max((v for _, v in amounts), default=1) * 1.2 / 5)
    svg = charts.line_chart(
        [(what, amounts)],
        y_range=(0, top),
        y_labels=[top * k / 5 for k in range(6)],
        secondary=("peak pain 0-10 (right)", pains),
        secondary_range=(0, 10),
        colors=(charts.GREEN, charts.ORANGE),
        dots=len(amounts) < 120,
    )
    per = "" if unit == "day" else f" (per {unit}: the average dose, the highest pain)"
    table = None
    if decisions and every:
        table = Table(
            ("Dates", "Rule and reason, as coach gave it"),
            _decision_rows(decisions),
            days=(),
            css="decisions",
        )
    elif decisions:
        headers = ("Month", "Decisions", "Dose over the month", "Note")
        table = Table(headers, _monthly_rows(decisions))
    return Exercise(
        series.name,
        f"({series.program_id}, {level}, {len(series.points)} sessions)",
        _figure(svg, f"{what.capitalize()} and peak pain{per}."),
        table,
    )


EVERY_DECISION_UP_TO_DAYS = 183
"""Up to about six months, every decision is a row of its own; beyond, a row per month
(ten years of daily decisions would be tens of thousands of rows)."""


def _dose_text(before: JsonValue, after: JsonValue) -> str:
    from coach.engine.dose import Dose
    from coach.engine.progression import describe_dose

    old, new = Dose.from_json(before), Dose.from_json(after)
    if old == new:
        return f"stays at {describe_dose(new)}"
    return f"{describe_dose(old)} → {describe_dose(new)}"


def _mentions_dose(reason: str) -> bool:
    return "->" in reason or " set" in reason or " reps" in reason


def _decision_rows(decisions: list[DecisionRow]) -> list[tuple[str, Cell]]:
    """Every decision with its date, rule, dose and reason. Consecutive decisions by the
    same rule on the same dose share a row that names every date (the reason shown is
    the first one's: the others differ at most in the pain figure they quote)."""
    rows: list[tuple[str, Cell]] = []
    run: list[DecisionRow] = []

    def flush() -> None:
        if not run:
            return
        first = run[0]
        when = _day_ranges([date.fromisoformat(d["date"]) for d in run if d["date"]])
        rule = (first["rule"] or "") + (" (before)" if first["moment"] == "before" else "")
        if len(run) > 1:
            rule += f" ×{len(run)}"
        reason = first["reason"] or ""
        if len(run) > 1 and any(d["reason"] != reason for d in run):
            reason += f" (the same decision {len(run) - 1} more times)"
        # The reason names the dose it leads to; the dose is added where it does not.
        dose = _dose_text(first["before"], first["after"])
        said = reason if _mentions_dose(reason) else f"{reason} ({dose})"
        rows.append((when, Cell(said, lead=rule)))

    for decision in decisions:
        same = bool(run) and all(
            run[-1][key] == decision[key] for key in ("rule", "before", "after", "moment")
        )
        if not same:
            flush()
            run = []
        run.append(decision)
    flush()
    return rows


def _day_ranges(days: list[date]) -> str:
    """'17-21 Sep, 23 Sep, 25-29 Sep': runs of consecutive days as ranges."""
    parts: list[str] = []
    start = previous = days[0]
    for day in [*days[1:], None]:
        if day is not None and (day - previous).days <= 1:
            previous = day
            continue
        if start == previous:
            parts.append(f"{start:%d %b}")
        elif start.month == previous.month:
            parts.append(f"{start:%d}-{previous:%d %b}")
        else:
            parts.append(f"{start:%d %b}-{previous:%d %b}")
        if day is not None:
            start = previous = day
    return ", ".join(parts)


def _monthly_rows(decisions: list[DecisionRow]) -> list[tuple[str, str, str, str]]:
    """A row per month: how many decisions by each rule, the dose at its start and end,
    and the reason of its first step back (the decisions a clinician asks about)."""
    months: dict[str, list[DecisionRow]] = {}
    for decision in decisions:
        months.setdefault((decision["date"] or "")[:7], []).append(decision)
    rows = []
    for month, group in months.items():
        counts: dict[str, int] = {}
        for decision in group:
            rule = decision["rule"] or ""
            counts[rule] = counts.get(rule, 0) + 1
        rules = ", ".join(f"{rule} ×{n}" for rule, n in sorted(counts.items(), key=lambda i: -i[1]))
        dose = _dose_text(group[0]["before"], group[-1]["after"])
        back = next((d for d in group if d["rule"] == "step back"), None)
        reason = f"First step back: {back['reason']}" if back is not None else ""
        rows.append((month, f"{len(group)}: {rules}", dose, reason))
    return rows


def _dash(value: object) -> str:
    return "-" if value is None else str(value)
