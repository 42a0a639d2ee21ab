"""What the report for a clinician reads from the history, for a period: plain data.

The sessions with their pain, each exercise's dose per session, every decision with its
reason, the warning signs, the level moves and the function checks. Shaped for ten years
of history: one grouped query per kind of row, and the rest computed in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from coach.engine.checks.records import CheckHistory
from coach.store.checks import read_checks
from coach.store.database import HistoryStore
from coach.store.export import DecisionRow, decision_export
from coach.store.history import DosePoint, FollowUpPoint, HistoryView, SessionPoint, follow_ups
from coach.store.waiting import with_waiting

__all__ = ["ExerciseSeries", "Note", "RedFlagSet", "ReportData", "report_data"]


@dataclass(frozen=True, slots=True)
class Note:
    """The person's note on a session (their own words: untrusted text)."""

    day: date
    text: str


@dataclass(frozen=True, slots=True)
class ExerciseSeries:
    """One exercise over the period: its dose and peak pain in each session."""

    program_id: str
    exercise_id: str
    name: str
    """Its latest name in the period (from a session file: untrusted text)."""
    kind: str
    points: tuple[DosePoint, ...]
    sets_done: int = 0
    """Sets completed in the period (each set once, whatever its attempts)."""
    sets_planned: int = 0
    """Sets planned in the sessions that played it."""
    skipped: tuple[tuple[str, int], ...] = ()
    """Sets skipped, by reason ('pain', 'time', 'other'), most first."""


@dataclass(frozen=True, slots=True)
class RedFlagSet:
    """A set after which a nerve symptom was reported."""

    day: date
    exercise: str
    symptoms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    since: date
    until: date
    sessions: tuple[SessionPoint, ...]
    """The sessions of the period, oldest first (those waiting in the journal too)."""
    first_day: date | None
    """The day of the first session ever (the period may start before it)."""
    exercises: tuple[ExerciseSeries, ...]
    decisions: tuple[DecisionRow, ...]
    """Every decision of the period, as `coach export --what decisions` has it."""
    red_flag_sets: tuple[RedFlagSet, ...]
    checks: CheckHistory
    """Every check ever (the period's are compared with those before them)."""
    follow_ups: tuple[FollowUpPoint, ...] = ()
    """The follow-ups of warning signs answered in the period, oldest first."""
    notes: tuple[Note, ...] = ()
    """The person's notes on sessions of the period, most recent first."""

    @property
    def period_checks(self) -> CheckHistory:
        within = tuple(c for c in self.checks.checks if self.since <= c.day <= self.until)
        return CheckHistory(within, self.checks.activities)


def report_data(store: HistoryStore, since: date, until: date) -> ReportData:
    """Read the period ``since`` to ``until`` (both included) from ``store``, with the
    sessions waiting in its journal (marked: :attr:`SessionPoint.saved`)."""
    store, waiting = with_waiting(store)
    view = HistoryView(store, waiting)
    every = view.sessions()
    sessions = tuple(s for s in every if since <= s.day <= until)
    with store.read() as db:
        # A day earlier in UTC: the local day filters exactly below.
        start = (since - timedelta(days=1)).isoformat()
        rows = db.execute(
            "SELECT t.program_id, t.exercise_id, t.session_id,"
            " COALESCE(s.local_date, date(s.started_at, 'localtime')), t.level,"
            " t.planned_hold, t.planned_holds, t.planned_reps, t.planned_duration,"
            " t.sets_planned, MAX(t.pain), t.exercise_name, t.kind,"
            " COUNT(DISTINCT CASE WHEN t.completed THEN t.set_number END),"
            " SUM(t.skip_reason = 'pain'), SUM(t.skip_reason = 'time'),"
            " SUM(t.skip_reason = 'other')"
            " FROM sets t JOIN sessions s ON s.id = t.session_id WHERE s.started_at >= ?"
            " GROUP BY t.session_id, t.program_id, t.exercise_id ORDER BY t.session_id",
            (start,),
        ).fetchall()
        flagged = db.execute(
            "SELECT COALESCE(s.local_date, date(s.started_at, 'localtime')), t.exercise_name,"
            " t.numbness, t.leg_weakness, t.pain_below_knee FROM sets t"
            " JOIN sessions s ON s.id = t.session_id WHERE s.started_at >= ?"
            " AND (t.numbness OR t.leg_weakness OR t.pain_below_knee) ORDER BY t.id",
            (start,),
        ).fetchall()
        checks = read_checks(db)
        noted = db.execute(
            "SELECT COALESCE(local_date, date(started_at, 'localtime')), note FROM sessions"
            " WHERE started_at >= ? AND note IS NOT NULL AND trim(note) != ''"
            " ORDER BY started_at DESC, id DESC",
            (start,),
        ).fetchall()
    series: dict[tuple[str, str], _Gathered] = {}
    for row in rows:
        day = date.fromisoformat(row[3])
        if not since <= day <= until:
            continue
        program, exercise, sid, _, level, hold, holds, reps, duration, sets, peak, name, kind = row[
            :13
        ]
        done, pain, time, other = row[13:]
        entry = series.setdefault((program, exercise), _Gathered(name, kind))
        entry.name, entry.kind = name, kind  # the latest name it was done under
        entry.points.append(DosePoint(sid, day, level, hold, holds, reps, duration, sets, peak))
        entry.done += done
        entry.planned += sets
        for index, count in enumerate((pain, time, other)):
            entry.skips[index] += count or 0
    exercises = tuple(
        ExerciseSeries(
            program,
            exercise,
            gathered.name,
            gathered.kind,
            tuple(gathered.points),
            gathered.done,
            gathered.planned,
            tuple(
                sorted(
                    (
                        (why, n)
                        for why, n in zip(("pain", "time", "other"), gathered.skips, strict=True)
                        if n
                    ),
                    key=lambda item: -item[1],
                )
            ),
        )
        for (program, exercise), gathered in sorted(
            series.items(), key=lambda item: (item[0][0], item[1].points[0].day, item[1].name)
        )
    )
    notes = tuple(
        Note(date.fromisoformat(day_text), text)
        for day_text, text in noted
        if since <= date.fromisoformat(day_text) <= until
    )
    red_flags = []
    for day_text, name, numb, weak, knee in flagged:
        day = date.fromisoformat(day_text)
        if since <= day <= until:
            words = ("numbness or tingling", "leg weakness", "pain below the knee")
            symptoms = tuple(w for w, on in zip(words, (numb, weak, knee), strict=True) if on)
            red_flags.append(RedFlagSet(day, name, symptoms))
    decisions = tuple(d for d in decision_export(store, since=since) if _until(d, until))
    answered = tuple(f for f in follow_ups(store, since) if f.day <= until)
    return ReportData(
        since,
        until,
        sessions,
        every[0].day if every else None,
        exercises,
        decisions,
        tuple(red_flags),
        checks,
        answered,
        notes,
    )


@dataclass(slots=True)
class _Gathered:
    """One exercise's sets of the period, gathered row by row."""

    name: str
    kind: str
    points: list[DosePoint] = field(default_factory=list)
    done: int = 0
    planned: int = 0
    skips: list[int] = field(default_factory=lambda: [0, 0, 0])
    """Sets cut short for pain, for time, for another reason."""


def _until(decision: DecisionRow, until: date) -> bool:
    day = decision.get("date")
    return day is None or date.fromisoformat(day) <= until
