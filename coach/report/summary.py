"""The report's opening paragraph, written by rules from the data: each sentence says
what the numbers are and nothing they do not show. A change is called a change only
beyond its measurement error (hold times, the PSFS) or, for pain ratings, when it is at
least 2 points (the smallest change that matters on a 0-10 scale in back pain; see
docs/checks.md); otherwise the figures are given as they are."""

from __future__ import annotations

from datetime import timedelta

from coach.base.types import json_int
from coach.engine.checks.psfs import psfs_compare
from coach.engine.checks.records import CheckHistory, CheckRecord
from coach.engine.checks.views import latest_hold_rows
from coach.report.figures import adherence, advice_day, dose_steps, half_average
from coach.store.report import ReportData

__all__ = ["PAIN_CHANGE", "psfs_sentence", "summary_sentences", "summary_topics"]

NOTES_SHOWN = 5
"""The person's most recent notes on page one; the others are in the appendix."""

PAIN_CHANGE = 2.0
"""Points on the 0-10 pain scale from which a difference in averages is called lower or
higher."""


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def summary_sentences(data: ReportData) -> list[str]:
    return [s for _, sentences in summary_topics(data) for s in sentences]


def summary_topics(data: ReportData) -> list[tuple[str, list[str]]]:
    """Page one: each topic with its sentences, in the order a clinician asks."""
    topics = [
        ("Sessions", [_adherence(data), *_weekly(data)]),
        ("Pain", _pain(data)),
        ("Dose", _doses(data)),
        ("Warning signs", [_warnings(data), *_follow_ups(data)]),
        ("Function", _checks(data)),
        ("Notes", _notes(data)),
        ("Advice", _advice(data)),
    ]
    return [(topic, [s for s in sentences if s]) for topic, sentences in topics if any(sentences)]


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _weekly(data: ReportData) -> list[str]:
    from coach.report.figures import weekly_days

    if not data.sessions or data.first_day is None:
        return []
    start = max(data.since, data.first_day)
    weeks = [(monday, n) for monday, n in weekly_days(data) if monday + timedelta(6) >= start]
    if not weeks:
        return []
    average = sum(n for _, n in weeks) / len(weeks)
    low = sum(1 for _, n in weeks if n < 3)
    text = f"Per week: {average:.1f} of 7 days on average over {len(weeks)} weeks"
    if low:
        text += f"; {low} week{'s' if low != 1 else ''} with fewer than 3 days"
    return [text + "."]


def _follow_ups(data: ReportData) -> list[str]:
    if not data.follow_ups:
        return []
    stopped = [f for f in data.follow_ups if not f.went_on]
    seen = sum(1 for f in data.follow_ups if f.clinician_seen)
    count = len(data.follow_ups)
    text = (
        f"The warning signs were followed up {_times(count)}: the sign was gone "
        f"{_times(sum(1 for f in data.follow_ups if f.symptoms == 'gone'))}, "
        f"a clinician had seen it {_times(seen)}"
    )
    if stopped:
        text += f"; {len(stopped)} answer{'s' if len(stopped) != 1 else ''} stopped exercise"
    return [text.replace(" 0 times", " never") + "."]


def _notes(data: ReportData) -> list[str]:
    if not data.notes:
        return []
    shown = data.notes[:NOTES_SHOWN]
    quoted = "; ".join(f"{n.day:%d %b}: \u201c{n.text}\u201d" for n in shown)
    more = len(data.notes) - len(shown)
    tail = f" ({more} more in the appendix)" if more else ""
    return [f"The person's notes, most recent first: {quoted}{tail}."]


def _advice(data: ReportData) -> list[str]:
    advice = [d for d in data.decisions if d["kind"] == "advice"]
    if not advice:
        return []
    rules: dict[str, list[str]] = {}
    for decision in advice:
        # Dated by the plan it was given for (a rising week: the next day's).
        rules.setdefault(decision["rule"] or "", []).append(advice_day(decision) or "")
    parts = [
        f"{rule} {_times(len(days))} (last {max(days)})"
        if max(days)
        else f"{rule} {_times(len(days))}"
        for rule, days in sorted(rules.items(), key=lambda item: -len(item[1]))
    ]
    return [f"coach advised: {'; '.join(parts)}."]


def _adherence(data: ReportData) -> str:
    if not data.sessions:
        return "No sessions were recorded in this period."
    figures = adherence(data)
    share = f" ({figures.share:.0%})" if figures.share is not None else ""
    whole = (data.until - data.since).days + 1
    since = "coach was first used" if figures.planned < whole else "the start of the period"
    text = (
        f"Exercised on {figures.exercised} of the {_days(figures.planned)} planned since "
        f"{since}{share}; the longest run was {_days(figures.longest)} in a row."
    )
    if figures.rest_days:
        text += f" On {_days(figures.rest_days)} the person chose rest because of high pain."
    return text


def _pain(data: ReportData) -> list[str]:
    first, last = half_average(data, True), half_average(data, False)
    out = []
    span = (data.sessions[-1].day - data.sessions[0].day).days if data.sessions else 0
    if first is not None and last is not None and span >= 28:
        out.append(
            f"Pain at the start of sessions averaged {first:.1f}/10 in the first two weeks "
            f"and {last:.1f}/10 in the last two: {_how(first, last)}."
        )
        early = half_average(data, True, peak=True)
        late = half_average(data, False, peak=True)
        if early is not None and late is not None:
            out.append(
                f"The highest pain during exercise averaged {early:.1f}/10 in the first two "
                f"weeks and {late:.1f}/10 in the last two: {_how(early, late)}."
            )
    peaks = [s.peak_pain for s in data.sessions if s.peak_pain is not None]
    if peaks:
        above = sum(1 for p in peaks if p > 5)
        out.append(
            f"The highest pain rated during exercise was {max(peaks)}/10; "
            f"{above} of {len(peaks)} sessions had a set above 5/10."
        )
    return out


def _how(first: float, last: float) -> str:
    """'lower', 'higher', or 'about the same' with the direction of the small change."""
    if abs(last - first) >= PAIN_CHANGE:
        return "lower" if last < first else "higher"
    if round(last - first, 1) == 0:
        return "about the same"
    way = "lower" if last < first else "higher"
    return f"about the same ({abs(last - first):.1f} {way}, less than 2 points apart)"


def _doses(data: ReportData) -> list[str]:
    up, down = dose_steps(data.decisions)
    out = []
    if up or down:
        out.append(
            f"Doses stepped up {_times(up)} and back {_times(down)}, each for a stated "
            "reason.".replace(" 0 times", " never")
        )
    # Each program's exercises at its level now: those of a level left behind in the
    # period are no longer prescribed (the move itself is said below), and counting them
    # too read "5 higher, 5 the same" for a program of five exercises.
    now = {
        program: max(s.points[-1].level for s in data.exercises if s.program_id == program)
        for program in {s.program_id for s in data.exercises}
    }
    programs: dict[str, list[int]] = {}
    for series in data.exercises:
        if series.points[-1].level != now[series.program_id]:
            continue
        first, last = series.points[0].amount, series.points[-1].amount
        counts = programs.setdefault(series.program_id, [0, 0, 0, 0])
        counts[3] = now[series.program_id]
        if first is None or last is None or first == last:
            counts[1] += 1
        else:
            counts[0 if last > first else 2] += 1
    for program, (higher, same, lower, level) in programs.items():
        parts = [
            f"{n} {word}"
            for n, word in ((higher, "higher"), (same, "the same"), (lower, "lower"))
            if n
        ]
        out.append(
            f"{program}, level {level} now: each exercise's dose against its first in the "
            f"period: {', '.join(parts)}."
        )
    moves = [d for d in data.decisions if d["kind"] == "level" and d["accepted"]]
    for move in moves:
        old, new = json_int(move["before"]) or 0, json_int(move["after"]) or 0
        way = "up" if new > old else "down"
        out.append(f"Moved {way} to level {move['after']} of {move['program']} on {move['date']}.")
    return out


def _checks(data: ReportData) -> list[str]:
    history = data.period_checks
    checks = history.checks
    if not checks:
        return ["No function check was done in this period."]
    first, last = checks[0], checks[-1]
    if first is last:
        return [
            f"One function check was done ({last.day:%d %b %Y}); later checks will be "
            "compared with it."
        ]
    out = []
    real, unclear, caveats = [], [], []
    for row in latest_hold_rows(history):
        change = row.since_first
        name = row.info.name.lower()
        if change.delta is None or row.first_day is None or row.day is None:
            continue
        when = f"{row.first_day:%d %b %Y} to {row.day:%d %b %Y}"
        if change.real:
            way = "longer" if change.direction.value == "better" else "shorter"
            real.append(f"{name} {way} by {abs(change.delta):.0f} s ({when})")
        elif change.direction.value == "no clear change":
            unclear.append(f"{name} ({_seconds_way(change.delta)})")
        if change.caveats:
            caveats.append(name)
    text = f"{len(checks)} function checks, {first.day:%d %b %Y} to {last.day:%d %b %Y}"
    done_last = [h for h in last.holds.values() if h.done]
    if not done_last:
        text += f" (the last, {last.day:%d %b %Y}, has no hold: each hold is its last done)"
    text += ": "
    if real:
        text += "real change (beyond the 45 s measurement error) in " + "; ".join(real)
        text += "." if not unclear else f"; no clear change in {', '.join(unclear)}."
    elif unclear:
        text += f"no clear change (within the 45 s measurement error) in {', '.join(unclear)}."
    else:
        text += "the holds cannot be compared (not done the same way twice)."
    out.append(text)
    if caveats:
        out.append(
            f"A hold was stopped by pain in {', '.join(caveats)}: that time may be less than "
            "the position could be held, so its change is uncertain."
        )
    rated = [c for c in checks if c.psfs]
    if len(rated) > 1:
        out.append(psfs_sentence(history, rated[0], rated[-1]))
    return out


def _seconds_way(delta: float) -> str:
    if round(delta) == 0:
        return "the same"
    return f"{abs(delta):.0f} s {'longer' if delta > 0 else 'shorter'}"


def psfs_sentence(history: CheckHistory, first: CheckRecord, last: CheckRecord) -> str:
    compared = psfs_compare(first.psfs, last.psfs)
    when = f"from {first.day:%d %b %Y} to {last.day:%d %b %Y}"
    if compared is None:
        return f"The PSFS cannot be compared {when}: no activity was rated both times."
    count = len(compared.activities)
    names = ", ".join(f"\u201c{history.activity_text(a)}\u201d" for a in compared.activities)
    over = (
        f"over the {count} activities rated both times ({names})"
        if count > 1
        else (f"over the one activity rated both times ({names})")
    )
    change = compared.change
    delta = change.delta or 0.0
    points = _number(abs(delta))
    unit = "point" if points == "1" else "points"
    if change.real:
        verdict = (
            f"up {points} {unit}, a real improvement (2 points or more)"
            if delta > 0
            else f"down {points} {unit}, a real worsening (2 points or more)"
        )
    elif delta == 0:
        verdict = "the same: no clear change"
    else:
        way = "up" if delta > 0 else "down"
        verdict = f"{way} {points} {unit}: no clear change (under 2 points)"
    text = (
        f"The PSFS score {over} went {when} from {compared.before:.1f} to "
        f"{compared.after:.1f}: {verdict}."
    )
    if compared.added:
        added = ", ".join(f"\u201c{history.activity_text(a)}\u201d" for a in compared.added)
        text += f" Also rated at the last check, not in this change: {added}."
    return text


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _warnings(data: ReportData) -> str:
    screenings = [d for d in data.decisions if d["kind"] == "screening"]
    flagged = [d for d in screenings if d["rule"] in ("review", "urgent")]
    parts = []
    if flagged:
        parts.append(
            f"{len(flagged)} of {len(screenings)} warning-sign checklists had an answer to "
            "review with a clinician"
        )
    if data.red_flag_sets:
        parts.append(
            f"nerve symptoms were reported after {len(data.red_flag_sets)} "
            f"set{'s' if len(data.red_flag_sets) != 1 else ''}"
        )
    after_checks = [c for c in data.period_checks.checks if c.red_flag]
    if after_checks:
        n = len(after_checks)
        parts.append(f"after {n} function check{'s' if n != 1 else ''}")
    if not parts:
        return "No warning signs were reported in this period."
    return "Warning signs: " + "; ".join(parts) + " (details below)."
