"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing
fetched from anywhere (a Content-Security-Policy says so to the browser), laid out to
print on A4.

Every piece of text that comes from a session file or from the person (exercise and
routine names, PSFS activities, reasons that quote names) goes through :func:`esc`;
the charts carry no such text (see :mod:`coach.report.charts`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from coach.engine.checks.measures import Change, ratios
from coach.engine.checks.protocol import TESTS, Variant
from coach.engine.checks.psfs import psfs_change, psfs_score
from coach.engine.checks.records import CheckHistory
from coach.engine.checks.views import hold_rows, seconds_text
from coach.format.text import printable
from coach.report import charts
from coach.report.figures import (
    adherence,
    monthly_share,
    pain_periods,
    period_unit,
    weekly_days,
)
from coach.report.summary import summary_sentences
from coach.store.history import DosePoint
from coach.store.report import ExerciseSeries, ReportData

__all__ = ["esc", "render"]

CSS = """
@page { size: A4; margin: 14mm 13mm 16mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1b1b1b;
  background: #fff; margin: 0 auto; max-width: 190mm; padding: 8mm 4mm;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 19pt; margin: 0 0 2mm; color: #0b5f6b; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #0b5f6b;
  color: #0b5f6b; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.meta, .note, figcaption { color: #555; font-size: 9pt; }
.summary { background: #eef6f7; border-left: 3pt solid #0b5f6b; padding: 2.5mm 4mm; }
.disclaimer { font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9pt; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.6mm;
  border-bottom: 0.5pt solid #ccc; }
th { background: #f1f1f1; font-weight: 600; }
td.num, th.num { text-align: right; }
td.num, td.day { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.decisions { font-size: 8.5pt; }
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
    """``text`` for HTML: every character that could start markup is escaped, and every
    one that is not printable (control, C1, bidi, zero-width) shown as ``\\u202e``, as
    on the terminal, so an override cannot reverse what the clinician reads."""
    return html.escape(printable(str(text), multiline=True), quote=True)


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[int] = (),
    days: Sequence[int] = (0,),
    css: str = "",
) -> str:
    """A table of cells that are already HTML (each caller escapes what it puts in);
    ``numeric`` columns align right, ``days`` columns (dates) never wrap."""
    classes = [
        ' class="num"' if i in numeric else ' class="day"' if i in days else ""
        for i in range(len(headers))
    ]
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{h}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>" + "".join(f"<td{classes[i]}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    opening = f'<table class="{css}">' if css else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def render(data: ReportData, *, generated: datetime, version: str) -> str:
    """The whole report for ``data``."""
    weeks = ((data.until - data.since).days + 1) / 7
    title = f"coach report {data.since:%d %b %Y} to {data.until:%d %b %Y}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        "<header><h1>Back exercise progress</h1>",
        f'<p class="meta">From {data.since:%d %B %Y} to {data.until:%d %B %Y} '
        f"({weeks:.0f} weeks) · written by coach {esc(version)} on "
        f"{generated:%d %B %Y at %H:%M}</p>",
        '<p class="meta disclaimer">coach is a training aid, not a diagnosis. These are the '
        "figures the person recorded at home; every decision shown was taken by coach's "
        "rules, with the reason it gave.</p></header>",
        _summary(data),
        _warnings(data),
        _checks(data),
        _adherence(data),
        _pain(data),
        _levels(data),
        _exercises(data),
        _notes(),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# -- sections ----------------------------------------------------------------------------


def _summary(data: ReportData) -> str:
    text = " ".join(esc(s) for s in summary_sentences(data))
    return f'<section id="summary"><h2>Summary</h2><p class="summary">{text}</p></section>'


_SCREENING_WORDS: dict[str, str] = {}


def _question(key: str) -> str:
    if not _SCREENING_WORDS:
        from coach.engine.screening import QUESTIONS

        _SCREENING_WORDS.update({q.key: q.text for q in QUESTIONS})
    return _SCREENING_WORDS.get(key, key)


def _warnings(data: ReportData) -> str:
    out = ['<section id="warnings"><h2>Warning signs and safety checks</h2>']
    screenings = [d for d in data.decisions if d["kind"] == "screening"]
    if screenings:
        rows = []
        for d in screenings:
            ticked = [_question(k) for k, v in (d["inputs"] or {}).items() if v]
            outcome = {"clear": "none of the signs", "review": "review soon", "urgent": "urgent"}
            word = outcome.get(d["rule"], d["rule"])
            css = "" if d["rule"] == "clear" else ' class="warn"'
            rows.append(
                (
                    esc(d["date"]),
                    f"<span{css}>{esc(word)}</span>",
                    esc("; ".join(ticked) or "-"),
                )
            )
        out.append(
            f"<h3>Warning-sign checklist ({len(screenings)} times)</h3>"
            + _table(("Date", "Outcome", "Signs ticked"), rows)
        )
    else:
        out.append('<p class="note">The warning-sign checklist was not asked in this period.</p>')
    if data.red_flag_sets:
        rows = [
            (
                esc(f"{r.day:%Y-%m-%d}"),
                esc(r.exercise),
                f'<span class="warn">{esc(", ".join(r.symptoms))}</span>',
            )
            for r in data.red_flag_sets
        ]
        out.append(
            "<h3>Nerve symptoms reported after a set (the session stopped)</h3>"
            + _table(("Date", "Exercise", "Reported"), rows)
        )
    flagged_checks = [c for c in data.period_checks.checks if c.red_flag]
    if flagged_checks:
        out.append(
            '<p class="warn">Nerve symptoms were reported after the function check of '
            + esc(", ".join(f"{c.day:%d %b %Y}" for c in flagged_checks))
            + ".</p>"
        )
    if data.follow_ups:
        answered = [
            (
                esc(f"{f.day:%Y-%m-%d}"),
                esc(f.followed),
                esc(f.answer),
                f'<span class="warn">{esc(f.outcome)}</span>' if not f.went_on else esc(f.outcome),
            )
            for f in data.follow_ups
        ]
        headers = ("Date", "Sign followed up", "Answer", "Then")
        out.append(
            f"<h3>Follow-ups of warning signs ({len(data.follow_ups)})</h3>"
            + _table(headers, answered)
        )
    advice = [d for d in data.decisions if d["kind"] == "advice"]
    if advice:
        advised = [
            (
                esc(d["date"] or "-"),
                esc(d["program"] or "the day"),
                esc(d["rule"]),
                esc(d["reason"]),
            )
            for d in advice
        ]
        headers = ("Date", "About", "Rule", "What coach said")
        out.append(f"<h3>Advice given ({len(advice)})</h3>" + _table(headers, advised))
    if not (data.red_flag_sets or flagged_checks) and not any(
        d["rule"] != "clear" for d in screenings
    ):
        out.append("<p>No warning signs were reported in this period.</p>")
    out.append("</section>")
    return "".join(out)


def _change_cell(change: Change) -> str:
    if change.real:
        css = "real" if change.direction.value == "better" else "worse"
        way = "longer" if change.direction.value == "better" else "shorter"
        return f'<span class="{css}">real change: {way} by {abs(change.delta or 0):.0f} s</span>'
    if change.direction.value == "no clear change":
        return f'<span class="unclear">no clear change ({esc(change.note)})</span>'
    return f'<span class="unclear">{esc(change.note)}</span>'


def _checks(data: ReportData) -> str:
    history = data.period_checks
    out = ['<section id="checks"><h2>Function checks</h2>']
    if not history.checks:
        out.append(
            "<p>No function check was done in this period. coach offers one every four "
            "weeks: four trunk endurance holds and the Patient-Specific Functional "
            "Scale.</p></section>"
        )
        return "".join(out)
    out.append(
        '<p class="note">Each hold is held until the position is lost, the person stops, '
        "or 240 s. A change under 45 s (the measurement error of these holds in people "
        "with back pain) is shown as no clear change. (easier) marks the easier version, "
        "compared only with itself.</p>"
    )
    rows = []
    for check in history.checks:
        pain = f"{_dash(check.pain_before)} → {_dash(check.pain_after)}"
        notes = []
        if check.status == "stopped":
            notes.append("stopped early")
        elif check.status == "running":
            notes.append("interrupted")
        if check.red_flag:
            notes.append('<span class="warn">nerve symptoms after</span>')
        rows.append(
            (
                esc(f"{check.day:%Y-%m-%d}"),
                *(esc(seconds_text(check.holds.get(t.test))) for t in TESTS),
                esc(pain),
                ", ".join(notes),
            )
        )
    headers = ("Date", *(esc(t.short_name) for t in TESTS), "Pain before → after", "Notes")
    out.append("<h3>Hold times</h3>" + _table(headers, rows, numeric=(1, 2, 3, 4)))
    out.append(_hold_chart(history))
    last = history.checks[-1]
    if len(history.checks) > 1:
        change_rows = []
        for row in hold_rows(history, last):
            first = _first_in(history, row.info.test)
            change_rows.append(
                (
                    esc(row.info.name),
                    esc(seconds_text(first)),
                    esc(seconds_text(row.before)),
                    esc(seconds_text(row.today)),
                    _change_cell(row.since_before),
                    _change_cell(row.since_first),
                )
            )
        out.append(
            f"<h3>Change at the last check ({last.day:%d %b %Y})</h3>"
            + _table(
                ("Hold", "First", "Previous", "Last", "Since the previous", "Since the first"),
                change_rows,
                numeric=(1, 2, 3),
                days=(),
            )
        )
    ratio_rows = []
    for ratio in ratios(last.holds):
        value = "-" if ratio.value is None else f"{ratio.value:.2f}"
        verdict = {True: "within", False: '<span class="warn">outside</span>', None: "-"}[
            ratio.within
        ]
        ratio_rows.append((esc(ratio.name), value, esc(ratio.guide), verdict, esc(ratio.note)))
    out.append(
        f"<h3>Ratios at the last check ({last.day:%d %b %Y})</h3>"
        + _table(("Ratio", "Value", "Usual guide", "Guide", "Note"), ratio_rows, numeric=(1,))
    )
    out.append(_psfs(data, history))
    out.append("</section>")
    return "".join(out)


def _first_in(history: CheckHistory, test: Any) -> Any:
    for check in history.checks:
        hold = check.holds.get(test)
        if hold is not None and hold.done:
            return hold
    return None


def _hold_chart(history: CheckHistory) -> str:
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
        return ""
    svg = charts.line_chart(
        [(info.short_name, points) for info, (_, points) in zip(TESTS, series, strict=True)],
        y_range=(0, 240),
        y_title="seconds",
    )
    return _figure(svg, "Hold times at each check, standard versions only (the ceiling is 240 s).")


def _psfs(data: ReportData, history: CheckHistory) -> str:
    rated = [c for c in history.checks if c.psfs]
    out = ["<h3>Patient-Specific Functional Scale</h3>"]
    if not rated:
        out.append('<p class="note">No PSFS ratings in this period.</p>')
        return "".join(out)
    activities = [a for a in data.checks.activities if any(a.id in c.psfs for c in rated)]
    out.append(
        '<p class="note">Activities the person named as hard because of their back, in '
        "their own words; 0 = unable, 10 = as before the problem. The score is the "
        "average. A change under 2 points is no clear change.</p>"
    )
    rows = []
    for check in rated:
        score = psfs_score(check.psfs)
        rows.append(
            (
                esc(f"{check.day:%Y-%m-%d}"),
                *(esc(_dash(check.psfs.get(a.id))) for a in activities),
                "-" if score is None else f"{score:.1f}",
            )
        )
    headers = ("Date", *(esc(a.text) for a in activities), "Score")
    out.append(_table(headers, rows, numeric=tuple(range(1, len(activities) + 2))))
    if len(rated) > 1:
        change = psfs_change(rated[0].psfs, rated[-1].psfs)
        if change.real:
            css = "real" if change.direction.value == "better" else "worse"
            word = "better" if change.direction.value == "better" else "worse"
            verdict = f'<span class="{css}">real change: {word}</span>'
        else:
            verdict = f'<span class="unclear">{esc(change.words)}</span>'
        out.append(
            f"<p>From {rated[0].day:%d %b %Y} to {rated[-1].day:%d %b %Y}: {verdict} "
            f"({esc(change.note)}).</p>"
        )
    return "".join(out)


def _adherence(data: ReportData) -> str:
    figures = adherence(data)
    out = ['<section id="adherence"><h2>Sessions done</h2>']
    share = f" ({figures.share:.0%})" if figures.share is not None else ""
    out.append(
        f"<p>{figures.exercised} of {figures.planned} days planned{share} had a session "
        f"with at least one rated set; {figures.rest_days} rest days chosen for high pain. "
        f"Longest run: {figures.longest} days in a row; current run: {figures.current}.</p>"
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
        out.append(_figure(svg, "Share of the days of each month with a session."))
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
        out.append(_figure(svg, "Days with a session in each week (Monday to Sunday)."))
    waiting = [s for s in data.sessions if not s.saved]
    if waiting:
        # Counted above like any other; said, so that no one takes them for saved.
        rows = [
            (esc(f"{s.day:%Y-%m-%d}"), esc(s.title), esc(s.result), str(s.sets)) for s in waiting
        ]
        out.append(
            "<h3>Waiting to be saved</h3><p>Kept in the journal beside the history while "
            "it could not take them; they go into the history at the next start of coach.</p>"
            + _table(("Date", "Session", "Result", "Sets"), rows, (3,))
        )
    out.append("</section>")
    return "".join(out)


def _pain(data: ReportData) -> str:
    out = ['<section id="pain"><h2>Pain</h2>']
    if not data.sessions:
        out.append("<p>No sessions in this period.</p></section>")
        return "".join(out)
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
    out.append(_figure(svg, caption))
    by = "week" if unit != "month" else "month"
    periods = pain_periods(data, by)
    rows = [
        (
            esc(f"{p.start:%Y-%m-%d}"),
            str(p.sessions),
            "-" if p.baseline is None else f"{p.baseline:.1f}",
            _dash(p.peak),
        )
        for p in periods
    ]
    out.append(
        f"<h3>Per {by}</h3>"
        + _table((f"{by.title()} from", "Sessions", "Start (average)", "Peak"), rows, (1, 2, 3))
    )
    out.append("</section>")
    return "".join(out)


def _levels(data: ReportData) -> str:
    moves = [d for d in data.decisions if d["kind"] == "level"]
    out = ['<section id="levels"><h2>Level moves</h2>']
    if not moves:
        out.append("<p>No level was offered in this period.</p></section>")
        return "".join(out)
    rows = [
        (
            esc(d["date"]),
            esc(d["program"]),
            f"{d['before']} → {d['after']}",
            "accepted" if d["accepted"] else "declined",
        )
        for d in moves
    ]
    out.append(_table(("Date", "Program", "Level", "Answer"), rows))
    out.append("</section>")
    return "".join(out)


def _exercises(data: ReportData) -> str:
    out = [
        '<section id="exercises"><h2>Each exercise: dose and decisions</h2>',
        '<p class="note">The dose of each session (seconds held per set, repetitions, or '
        "seconds of movement) and the highest pain rated for it. Below each chart, every "
        "decision coach took about the exercise, with the reason it gave (for periods over "
        "six months, counted by month; <code>coach export --what decisions</code> lists "
        "each one).</p>",
    ]
    decisions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for d in data.decisions:
        if d["kind"] == "dose":
            decisions.setdefault((d["program"], d["exercise"]), []).append(d)
    unit = period_unit(data)
    every = (data.until - data.since).days < EVERY_DECISION_UP_TO_DAYS
    for series in data.exercises:
        found = decisions.get((series.program_id, series.exercise_id), [])
        out.append(_exercise(series, found, unit, every=every))
    if not data.exercises:
        out.append("<p>No rated sets in this period.</p>")
    out.append("</section>")
    return "".join(out)


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
    series: ExerciseSeries, decisions: list[dict[str, Any]], unit: str, *, every: bool
) -> str:
    levels = sorted({p.level for p in series.points})
    level = f"level {levels[0]}" if len(levels) == 1 else f"levels {levels[0]}-{levels[-1]}"
    out = [
        '<div class="exercise">',
        f'<h3>{esc(series.name)} <span class="meta">({esc(series.program_id)}, {level}, '
        f"{len(series.points)} sessions)</span></h3>",
    ]
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
    out.append(_figure(svg, f"{esc(what.capitalize())} and peak pain{per}."))
    if decisions and every:
        table = _table(
            ("Dates", "Rule and reason, as coach gave it"),
            _decision_rows(decisions),
            days=(),
            css="decisions",
        )
        out.append(table)
    elif decisions:
        headers = ("Month", "Decisions", "Dose over the month", "Note")
        out.append(_table(headers, _monthly_rows(decisions)))
    out.append("</div>")
    return "".join(out)


EVERY_DECISION_UP_TO_DAYS = 183
"""Up to about six months, every decision is a row of its own; beyond, a row per month
(ten years of daily decisions would be tens of thousands of rows)."""


def _dose_text(before: dict[str, Any], after: dict[str, Any]) -> str:
    from coach.engine.progression import describe_dose
    from coach.engine.timeline import Dose

    old, new = Dose(**before), Dose(**after)
    if old == new:
        return f"stays at {describe_dose(new)}"
    return f"{describe_dose(old)} → {describe_dose(new)}"


def _mentions_dose(reason: str) -> bool:
    return "->" in reason or " set" in reason or " reps" in reason


def _decision_rows(decisions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every decision with its date, rule, dose and reason. Consecutive decisions by the
    same rule on the same dose share a row that names every date (the reason shown is
    the first one's: the others differ at most in the pain figure they quote)."""
    rows = []
    run: list[dict[str, Any]] = []

    def flush() -> None:
        if not run:
            return
        first = run[0]
        when = _day_ranges([date.fromisoformat(d["date"]) for d in run])
        rule = first["rule"] + (" (before)" if first["moment"] == "before" else "")
        if len(run) > 1:
            rule += f" ×{len(run)}"
        reason = first["reason"]
        if len(run) > 1 and any(d["reason"] != reason for d in run):
            reason += f" (the same decision {len(run) - 1} more times)"
        # The reason names the dose it leads to; the dose is added where it does not.
        dose = _dose_text(first["before"], first["after"])
        said = reason if _mentions_dose(reason) else f"{reason} ({dose})"
        rows.append((esc(when), f"<b>{esc(rule)}</b> {esc(said)}"))

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


def _monthly_rows(decisions: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """A row per month: how many decisions by each rule, the dose at its start and end,
    and the reason of its first step back (the decisions a clinician asks about)."""
    months: dict[str, list[dict[str, Any]]] = {}
    for decision in decisions:
        months.setdefault(decision["date"][:7], []).append(decision)
    rows = []
    for month, group in months.items():
        counts: dict[str, int] = {}
        for decision in group:
            counts[decision["rule"]] = counts.get(decision["rule"], 0) + 1
        rules = ", ".join(f"{rule} ×{n}" for rule, n in sorted(counts.items(), key=lambda i: -i[1]))
        dose = _dose_text(group[0]["before"], group[-1]["after"])
        back = next((d for d in group if d["rule"] == "step back"), None)
        reason = f"First step back: {back['reason']}" if back is not None else ""
        rows.append((esc(month), esc(f"{len(group)}: {rules}"), esc(dose), esc(reason)))
    return rows


def _notes() -> str:
    return (
        '<section id="notes"><h2>Notes</h2><ul>'
        "<li>Days planned: coach plans a session every day, from the first session it "
        "stored; a day counts as done when at least one set was rated.</li>"
        "<li>Pain is the person's 0-10 rating (0 = no pain, 10 = worst imaginable): at the "
        "start of a session, and after every set. Up to 5 during exercise is accepted if it "
        "settles by the next morning (the pain-monitoring model: Thomeé, Phys Ther 1997; "
        "Silbernagel et al., Am J Sports Med 2007).</li>"
        "<li>Function checks: the Biering-Sorensen extensor hold (Biering-Sorensen, Spine "
        "1984) and McGill's flexor and side bridge holds (McGill, Childs and Liebenson, Arch "
        "Phys Med Rehabil 1999), each stopped at 240 s. Changes under 45 s, the upper end "
        "of the 30-45 s measurement error reported for the extensor hold in people with back "
        "pain, are shown as no clear change; coach applies it to every hold. Usual guides: "
        "flexor/extensor below 1.0, left and right side bridge within 5% of each other, "
        "side bridge/extensor below 0.75 (McGill).</li>"
        "<li>Patient-Specific Functional Scale (Stratford et al., Physiotherapy Canada "
        "1995): up to three activities in the person's own words, each 0-10; a change of "
        "the average under 2 points is no clear change.</li>"
        "<li>The pain figures in the summary are called lower or higher only when they "
        "differ by 2 points or more on the 0-10 scale.</li>"
        "</ul></section>"
    )


def _dash(value: object) -> str:
    return "-" if value is None else str(value)
