"""The auto-scaling engine: the next session's plan from the program and the history.

A pure function of the history. The plan for a program is rebuilt by replaying every
session in the order it was played from the doses written in the file, so the same
history always gives the same plan (in any time zone: sessions carry the local day they
were played on), an edited program file is honoured at once, and every dose can be
traced to the decisions that made it. Each decision carries its rule, its inputs and
one plain sentence.

The rules follow the pain-monitoring model (Thomeé 1997; Silbernagel et al. 2007), with
the thresholds of the program's ``scaling``:

* **After a session**, per exercise, from the highest pain rating of its sets: at or
  below ``safe_max`` with every set done, one step up; up to ``acceptable_max``, the
  same dose; above it, a warning sign, or a set skipped because it hurt, one step down.
  A set skipped for another reason, or a missing rating, keeps the dose. Sets never
  played follow why: the reason the person gave for stopping the session (only "it
  hurts" steps back), or in a session played to its end, coach ending the exercise for
  a rating (a rating since corrected keeps the dose); not known (a session closed
  after coach was killed), one step down.
* **One step up a day, after a night:** a step up decided after a session applies from
  the next local day; a second session the same day plays the same dose and cannot
  progress.
* **The next morning:** a session starting ``morning_worse_by`` points or more above the
  usual starting pain (the median of the last two weeks' baselines), or above the last
  session's, steps back what was loaded in the last session; at ``rest_day_from`` or
  more the day flow advises an easy day (see :mod:`coach.engine.day`).
* **Week to week:** when the average morning starting pain (each day's first) of the
  last 7 days is ``weekly_rise`` or more above the 7 days before (in the first days of
  use: the latest mornings above the earliest), what went up this week goes back to the
  dose before its first step up of the week, what did not steps back once (once in 7
  days), and nothing progresses until it settles. Arithmetic is exact (fractions), so a
  rise of exactly the threshold counts.
* **After a break** of ``gap_days`` or more, every dose steps back once.
* **A time budget:** in a routine with ``max_minutes``, each program has its part of
  those minutes (in proportion to the time it takes at its starting level: see
  :class:`~coach.format.v1.TimeBudget`); a step up that would take the program past its
  part waits, and the decision says so. The author's order of progression is kept: no
  other part of the dose is raised instead. A dose held so counts as the top of its
  range for the level offer.
* Doses stay within each exercise's progression range and under the program's
  ``ceilings``. A level is offered up after ``sessions_at_max`` sessions in a row (on at
  least two different days) with every exercise at its top and pain at or below
  ``max_pain``, on a day the rules allow progression; pain above the limit at the
  easiest dose in two sessions running advises seeing a clinician (while such sessions
  go on: answering the offer or a rest day between them does not stop the count) and
  offers the level below. The person confirms any level move.

Before a session at most one step back applies to an exercise, whichever rule asks
first (a break, the week, the morning).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from coach.base.types import (
    JsonObject,
    JsonValue,
    read_bool,
    read_int,
    read_list,
    read_object,
    read_optional_int,
    read_optional_str,
    read_str,
)
from coach.engine.progression import describe_change, describe_dose, step_dose
from coach.engine.records import (
    LevelMove,
    SessionFacts,
    SessionStatus,
    SetFacts,
    SkipReason,
    quit_skip,
)
from coach.engine.timeline import Dose, default_dose, program_seconds
from coach.format.durations import format_duration
from coach.format.loader import AnyExercise, exercise_key
from coach.format.v1 import Level, Program, Scaling, TimeBudget

__all__ = [
    "RULES_VERSION",
    "Advice",
    "Decision",
    "ProgramPlan",
    "Replay",
    "Rule",
    "at_max",
    "at_min",
    "budget_words",
    "plan_program",
    "replay_history",
    "rest_day_due",
    "usual_baseline",
    "weekly_rise",
]

RULES_VERSION = 3
"""Bumped whenever a rule changes what a history replays to: saved replays (see
:meth:`Replay.to_json`) of an older version are not used."""

USUAL_SESSIONS = 7
"""How many of the latest baselines (within two weeks) make the usual starting pain."""
FIRST_DAYS_MIN = 3
"""Baselines needed in a first week (no week before it) to tell a rise."""


class Rule(StrEnum):
    # After a session, per exercise.
    PROGRESS = "progress"
    REPEAT = "repeat"
    STEP_BACK = "step back"
    AT_TOP = "at top"
    AT_BOTTOM = "at bottom"
    MISSING_RATING = "missing rating"
    NOT_DONE = "not done"
    NOT_FINISHED = "not finished"
    """Sets skipped for a reason other than pain: the dose stays."""
    NO_PROGRESSION = "no progression"
    ONE_STEP_A_DAY = "one step a day"
    """A step up was due, but this was not the first session of the day."""
    WEEKLY_RISE = "weekly rise"
    """A step up was due, but starting pain is rising week on week."""
    TIME_BUDGET = "time budget"
    """A step up was due, but it would take the program past its part of the routine's
    ``max_minutes``: the dose stays."""
    # Before a session, per exercise.
    SAME_DAY = "same day"
    """A second session the same day plays the dose before the day's step up."""
    MORNING_CHECK = "morning check"
    WEEKLY_STEP_BACK = "weekly step back"
    GAP = "gap"
    # For a whole program.
    RISING_WEEK = "rising week"
    ESCALATION = "escalation"
    # For a whole day, decided with the person in the day flow.
    REST_DAY = "rest day"
    EASY_DAY = "easy day"
    HIGH_PAIN = "high pain"


@dataclass(frozen=True, slots=True)
class Decision:
    """One dose decision, with what it was based on and why."""

    program_id: str
    exercise_id: str
    exercise_name: str
    level: int
    before: Dose
    after: Dose
    rule: Rule
    reason: str
    inputs: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Advice:
    """A decision about a whole program: a rising week, pain at the easiest dose."""

    program_id: str
    rule: Rule
    reason: str
    inputs: JsonObject = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProgramPlan:
    """Where a program stands for the next session."""

    program_id: str
    level: int
    doses: Mapping[str, Dose]
    """Exercise id -> dose, for the exercises of ``level``."""
    decisions: tuple[Decision, ...]
    """The decisions that set today's doses: today's checks, else the last session's."""
    notes: tuple[str, ...] = ()
    offer_up: int | None = None
    """A level the user may move up to."""
    offer_down: int | None = None
    """A level the user may move back to."""
    checks: tuple[Decision, ...] = ()
    """The decisions taken at the start of today's session (a break, the week, the
    morning, a second session the same day): stored with the session."""
    advice: tuple[Advice, ...] = ()
    rest_day: bool = False
    """Today's starting pain (once known) advises an easy day: see :func:`rest_day_due`."""
    morning_note: str = ""
    """A starting pain at ``rest_day_from`` or more that is the person's usual, said in one
    sentence (no easy day is advised for it)."""


def rest_day_due(scaling: Scaling, baseline: int, usual: Fraction | None) -> bool:
    """Whether a morning at ``baseline`` advises an easy day: at ``rest_day_from`` or more,
    unless that is the person's usual starting pain (``usual`` is itself that high) and
    this morning is not ``morning_worse_by`` above it. A person whose back usually starts
    at 7/10 is not sent to rest every day; after a first morning that high (no usual
    yet), the next ones are judged against it."""
    if baseline < scaling.rest_day_from:
        return False
    if usual is None or usual < scaling.rest_day_from:
        return True
    return baseline - usual >= scaling.morning_worse_by


def at_max(exercise: AnyExercise, dose: Dose, scaling: Scaling | None = None) -> bool:
    """True when no progression dose can go higher (or there is no progression)."""
    ceilings = scaling.ceilings if scaling is not None else None
    return step_dose(dose, exercise.progression, 1, ceilings)[1] == ""


def at_min(exercise: AnyExercise, dose: Dose) -> bool:
    return step_dose(dose, exercise.progression, -1)[1] == ""


def _clamp(exercise: AnyExercise, dose: Dose, scaling: Scaling) -> Dose:
    """Keep a dose inside the exercise's current ranges (the file may have changed) and
    under the program's ceilings."""
    changes: dict[str, float] = {}
    progression = exercise.progression
    for name in progression.order if progression is not None else ():
        bounds = getattr(progression, name)
        value = getattr(dose, name)
        if bounds is not None and value is not None:
            clamped = min(bounds.max, max(bounds.min, value))
            if clamped != value:
                changes[name] = clamped
    for name, ceiling in scaling.ceilings:
        value = changes.get(name, getattr(dose, name))
        if ceiling is not None and value is not None and value > ceiling:
            changes[name] = type(value)(ceiling)
    return dose.with_parts(changes) if changes else dose


def _lower_of(dose: Dose, other: Dose) -> Dose:
    """Each part of ``dose`` no higher than in ``other``."""
    changes = {
        name: theirs
        for name in ("hold", "holds", "reps", "duration", "sets")
        if (mine := getattr(dose, name)) is not None
        and (theirs := getattr(other, name)) is not None
        and theirs < mine
    }
    return replace(dose, **changes) if changes else dose


def usual_baseline(sessions: Sequence[SessionFacts], day: date) -> Fraction | None:
    """The usual starting pain before ``day``: the median of the latest baselines of the
    two weeks before it (None when there are none)."""
    found = [
        s.baseline
        for s in sessions
        if s.baseline is not None and timedelta(0) <= day - s.day <= _FORTNIGHT
    ]
    if not found:
        return None
    return Fraction(statistics.median(found[-USUAL_SESSIONS:])).limit_denominator(2)


def mornings(baselines: Sequence[tuple[date, int]]) -> list[tuple[date, int]]:
    """Each day's first starting pain (its morning), by day: a second session the same
    day is not another morning."""
    first: dict[date, int] = {}
    for d, b in baselines:
        first.setdefault(d, b)
    return sorted(first.items())


def weekly_rise(baselines: Sequence[tuple[date, int]], day: date) -> Fraction | None:
    """How much the average morning starting pain (each day's first) of the 7 days up to
    ``day`` is above the 7 days before; in the first days of use (no morning the week
    before), how much the latest half of this week's mornings is above the earliest
    half, from :data:`FIRST_DAYS_MIN` mornings on. None when it cannot be told."""
    days = mornings(baselines)
    this_week = [b for d, b in days if 0 <= (day - d).days < 7]
    week_before = [b for d, b in days if 7 <= (day - d).days < 14]
    if this_week and week_before:
        return _mean(this_week) - _mean(week_before)
    if not week_before and len(this_week) >= FIRST_DAYS_MIN:
        half = len(this_week) // 2
        return _mean(this_week[-half:]) - _mean(this_week[:half])
    return None


def first_days(baselines: Sequence[tuple[date, int]], day: date) -> bool:
    """True when no morning of the 7 days before this week is known: a rise is then
    the latest mornings against the first ones (see :func:`weekly_rise`)."""
    return not any(7 <= (day - d).days < 14 for d, _ in baselines)


def rise_words(rise: Fraction, first: bool) -> str:
    """'Starting pain this week is 1 point above the week before', or in the first days
    (``first``: no week before) what the rise was measured against."""
    if first:
        return f"Starting pain on your latest mornings is {_points(rise)} above your first ones"
    return f"Starting pain this week is {_points(rise)} above the week before"


def _weekly_words(checks: Sequence[Decision]) -> str:
    """What a rising week did to the doses today, for the sentence that says it (ends
    with ', and ' or is empty)."""
    moved = [d for d in checks if d.rule is Rule.WEEKLY_STEP_BACK and d.before != d.after]
    undone = any(d.inputs.get("went_up") for d in moved)
    stepped = any(not d.inputs.get("went_up") for d in moved)
    if undone and stepped:
        return "this week's step ups are undone, what did not go up steps back once, and "
    if undone:
        return "this week's step ups are undone, and "
    if stepped:
        return "what did not go up this week steps back once, and "
    return ""


def _mean(values: Sequence[int]) -> Fraction:
    return Fraction(sum(values), len(values))


def _show(value: Fraction) -> str:
    """'1', '1.5', '0.33': a fraction as people read it."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _finished(done: int, planned: int) -> str:
    """'1 of 2 sets was finished', '0 of 1 sets were finished'."""
    return f"{done} of {planned} sets " + ("was" if done == 1 else "were") + " finished"


def _points(value: Fraction) -> str:
    """'1 point', '1.5 points'."""
    return f"{_show(value)} point" + ("" if value == 1 else "s")


@dataclass
class Replay:
    """A program's scaling state, advanced one session at a time.

    The one way the rules are applied: :func:`plan_program` replays a whole history
    with it, and the synthetic history steps it once per made-up session. :meth:`add`
    applies the checks at a session's start and the decisions after it; :meth:`answer`
    applies the user's answer to a level offer; :meth:`plan` says where the program
    stands on a given day (and morning) without changing the replay.
    """

    program: Program
    level: int = 1
    doses: dict[tuple[int, str], Dose] = field(default_factory=dict)
    """The dose of each exercise from the next day on."""
    same_day: dict[tuple[int, str], Dose] = field(default_factory=dict)
    """What a session still on the last session's day plays instead: the dose before that
    day's step up."""
    progressed_on: dict[tuple[int, str], tuple[tuple[date, Dose], ...]] = field(
        default_factory=dict
    )
    """Each exercise's step ups of the last 7 days, oldest first: the day of each and the
    dose before it (what a rising week undoes, back to the dose before the first)."""
    weekly_on: date | None = None
    """The day a rising week last stepped the doses back: not again for 7 days."""
    last: tuple[Decision, ...] = ()
    """The decisions after the last session."""
    top_days: list[date] = field(default_factory=list)
    """The days of the sessions in a row with every exercise at its top."""
    stuck: int = 0
    """Sessions in a row with pain above the limit at an exercise's easiest dose (a
    session that played nothing of the program, such as a rest day, neither counts nor
    breaks the row; answering a level offer does not either)."""
    stuck_answered: int = 0
    """The count :attr:`stuck` had when the person last answered a level-down offer:
    the offer comes again only after two more such sessions."""
    previous: SessionFacts | None = None
    recent: list[SessionFacts] = field(default_factory=list)
    """The sessions of the two weeks up to the last one (baselines, the usual level)."""
    sessions: int = 0
    """How many sessions it has replayed."""

    def __post_init__(self) -> None:
        self.level = self.program.level_number(self.level)

    @property
    def scaling(self) -> Scaling:
        return self.program.scaling

    def level_spec(self, level: int | None = None) -> Level:
        return self.program.levels[self.program.level_number(level or self.level) - 1]

    def dose(self, exercise: AnyExercise, level: int | None = None) -> Dose:
        key = (level or self.level, exercise_key(exercise))
        if key not in self.doses:
            self.doses[key] = default_dose(exercise)
        return _clamp(exercise, self.doses[key], self.scaling)

    def set_dose(self, exercise: AnyExercise, dose: Dose, level: int | None = None) -> None:
        self.doses[(level or self.level, exercise_key(exercise))] = dose

    # -- keeping a replay -------------------------------------------------------------

    def to_json(self) -> dict[str, JsonValue]:
        """The state, as JSON values (the program itself is not included)."""
        return {
            "level": self.level,
            "doses": _doses_json(self.doses),
            "same_day": _doses_json(self.same_day),
            "progressed_on": [
                [lv, key, d.isoformat(), _dose_json(dose)]
                for (lv, key), ups in self.progressed_on.items()
                for d, dose in ups
            ],
            "weekly_on": None if self.weekly_on is None else self.weekly_on.isoformat(),
            "last": [_decision_json(d) for d in self.last],
            "top_days": [d.isoformat() for d in self.top_days],
            "stuck": self.stuck,
            "stuck_answered": self.stuck_answered,
            "previous": None if self.previous is None else _session_json(self.previous),
            "recent": [_session_json(s) for s in self.recent],
            "sessions": self.sessions,
        }

    @classmethod
    def from_json(cls, program: Program, data: JsonObject) -> Replay:
        """The replay :meth:`to_json` wrote, for ``program``; KeyError, TypeError or
        ValueError when ``data`` is not one."""
        previous = data["previous"]
        progressed_on: dict[tuple[int, str], tuple[tuple[date, Dose], ...]] = {}
        for lv, key, d, dose in map(read_list, read_list(data["progressed_on"])):
            where = (read_int(lv), read_str(key))
            ups = progressed_on.get(where, ())
            progressed_on[where] = (*ups, (date.fromisoformat(read_str(d)), _dose(dose)))
        weekly_on = read_optional_str(data["weekly_on"])
        return cls(
            program,
            read_int(data["level"]),
            doses=_doses(data["doses"]),
            same_day=_doses(data["same_day"]),
            progressed_on=progressed_on,
            weekly_on=None if weekly_on is None else date.fromisoformat(weekly_on),
            last=tuple(_decision(d) for d in read_list(data["last"])),
            top_days=[date.fromisoformat(read_str(d)) for d in read_list(data["top_days"])],
            stuck=read_int(data["stuck"]),
            stuck_answered=read_int(data["stuck_answered"]),
            previous=None if previous is None else _session(previous),
            recent=[_session(s) for s in read_list(data["recent"])],
            sessions=read_int(data["sessions"]),
        )

    def copy(self) -> Replay:
        return replace(
            self,
            doses=dict(self.doses),
            same_day=dict(self.same_day),
            progressed_on=dict(self.progressed_on),
            top_days=list(self.top_days),
            recent=list(self.recent),
        )

    # -- stepping ---------------------------------------------------------------------

    def add(self, session: SessionFacts) -> tuple[Decision, ...]:
        """Replay one more session (sessions come in the order they were played); return
        the decisions it led to for its level."""
        self.level = self.program.level_number(session.level)
        checks, rise, words = self._start(session.day, session.baseline)
        blocked: tuple[Rule, str, JsonObject] | None = None
        if rise is not None and rise >= self.scaling.weekly_rise:
            blocked = (
                Rule.WEEKLY_RISE,
                f"{words[0].lower()}{words[1:]}, so nothing goes up until it settles",
                {"weekly_rise": float(rise), "weekly_rise_limit": self.scaling.weekly_rise},
            )
        elif self.previous is not None and session.day <= self.previous.day:
            blocked = (
                Rule.ONE_STEP_A_DAY,
                "this was not the first session today: one step up a day at most, after a night",
                {"day": session.day.isoformat()},
            )
        self._after(session, blocked, checks)
        self.recent = [s for s in self.recent if session.day - s.day <= _FORTNIGHT]
        self.recent.append(session)
        self.previous = session
        self.sessions += 1
        return tuple(d for d in self.last if d.level == self.level)

    def answer(self, move: LevelMove) -> None:
        """The user answered a level offer after the last session. A level up answered
        starts the count of sessions at the top again; a level down answered leaves the
        count of painful sessions as it is (the advice to see a clinician stays while
        they go on), and the offer comes again only after two more."""
        if move.to_level > move.from_level:
            self.top_days = []
        else:
            self.stuck_answered = self.stuck
        if move.accepted:
            self.level = self.program.level_number(move.to_level)

    def plan(self, today: date, baseline_today: int | None = None) -> ProgramPlan:
        """Where the program stands for a session on ``today`` (``baseline_today``: the
        pain rating at its start, once known, for the next-morning check)."""
        trial = self.copy()
        checks, rise, words = trial._start(today, baseline_today)
        notes: list[str] = []
        advice: list[Advice] = []
        scaling = self.scaling
        rising = rise is not None and rise >= scaling.weekly_rise
        if rising:
            assert rise is not None
            sentence = f"{words}: {_weekly_words(checks)}nothing goes up until it settles."
            notes.append(sentence)
            advice.append(
                Advice(
                    self.program.id,
                    Rule.RISING_WEEK,
                    sentence,
                    # The day whose plan this is: the week it measures ends there. After
                    # a session that is the next day (a plan for next time), while the
                    # advice is stored with the session that led to it.
                    {
                        "weekly_rise": float(rise),
                        "weekly_rise_limit": scaling.weekly_rise,
                        "day": today.isoformat(),
                    },
                )
            )
        offer_down = None
        if trial.stuck >= 2:
            if trial.level > 1 and trial.stuck - trial.stuck_answered >= 2:
                offer_down = trial.level - 1
            sentence = (
                f"{self.program.name}: pain went above {scaling.acceptable_max}/10 at the "
                f"easiest dose in {trial.stuck} sessions in a row. Please see your doctor or "
                "physiotherapist before going on"
                + (f", and consider going back to level {offer_down}." if offer_down else ".")
            )
            notes.append(sentence)
            advice.append(
                Advice(self.program.id, Rule.ESCALATION, sentence, {"sessions": trial.stuck})
            )
        spec = trial.level_spec()
        unlock = spec.unlock
        offer_up = None
        count = len(self.program.levels)
        mastered = len(trial.top_days) >= unlock.sessions_at_max and len(set(trial.top_days)) >= 2
        same_day = self.previous is not None and today <= self.previous.day
        # A level up only on a day the rules would let a dose go up.
        free = not rising and not checks and not same_day
        if mastered and free and trial.level < count:
            offer_up = trial.level + 1
        doses = {exercise_key(e): trial.dose(e) for e in spec.exercises}
        for (level, key), dose in trial.same_day.items():
            if level == trial.level and same_day and key in doses:
                doses[key] = dose
        by_exercise = {d.exercise_id: d for d in trial.last if d.level == trial.level}
        by_exercise |= {d.exercise_id: d for d in checks if d.level == trial.level}
        rest_day, morning_note = False, ""
        if baseline_today is not None and baseline_today >= scaling.rest_day_from:
            usual = usual_baseline(self.recent, today)
            rest_day = rest_day_due(scaling, baseline_today, usual)
            if not rest_day:
                assert usual is not None
                morning_note = (
                    f"Your back started at {baseline_today}/10, about your usual "
                    f"{_show(usual)}: today's session plays as planned. Go gently, and stop "
                    "if it gets worse."
                )
        return ProgramPlan(
            self.program.id,
            trial.level,
            doses,
            tuple(by_exercise.values()),
            tuple(notes),
            offer_up,
            offer_down,
            tuple(checks),
            tuple(advice),
            rest_day,
            morning_note,
        )

    # -- at the start of a session ----------------------------------------------------

    def _start(
        self, day: date, baseline: int | None
    ) -> tuple[list[Decision], Fraction | None, str]:
        """Apply the checks at the start of a session on ``day`` with ``baseline``: a second
        session the same day, a break, a rising week, a worse morning. Returns their
        decisions, the weekly rise (None when it cannot be told) and the words that say
        it (see :func:`rise_words`)."""
        checks: list[Decision] = []
        previous = self.previous
        baselines = [(s.day, s.baseline) for s in self.recent if s.baseline is not None]
        if baseline is not None:
            baselines.append((day, baseline))
        rise = weekly_rise(baselines, day)
        words = "" if rise is None else rise_words(rise, first_days(baselines, day))
        if previous is None:
            return checks, rise, words
        stepped: set[str] = set()
        same_day = day <= previous.day
        if same_day:
            checks.extend(self._same_day())
        else:
            self.same_day.clear()
            days = (day - previous.day).days
            if days >= self.scaling.gap_days:
                for exercise in self.level_spec().exercises:
                    checks.append(self._gap(exercise, days))
                    stepped.add(exercise_key(exercise))
        if rise is not None and rise >= self.scaling.weekly_rise:
            checks.extend(self._weekly(day, rise, words, stepped))
        # Worse than usual, or worse than at the start of the last session: either way
        # the back has not settled since it was loaded (the stricter of the two decides).
        usual = usual_baseline(self.recent, day)
        if baseline is not None:
            by = self.scaling.morning_worse_by
            against: tuple[str, Fraction] | None = None
            if usual is not None and baseline - usual >= by:
                against = ("your usual", usual)
            elif previous.baseline is not None and baseline - previous.baseline >= by:
                against = ("last time's", Fraction(previous.baseline))
            if against is not None:
                checks.extend(self._morning(baseline, usual, against, previous, stepped))
        return checks, rise, words

    def _check(
        self,
        exercise: AnyExercise,
        rule: Rule,
        why: str,
        inputs: JsonObject,
        start: Dose | None = None,
    ) -> Decision:
        """One step back before a session, from ``start`` (the dose played last time) or
        else from the current dose."""
        current = self.dose(exercise)
        base = current if start is None else start
        lower, moved = step_dose(base, exercise.progression, -1)
        # Never above the dose an earlier check of today left (each part at its lowest).
        after = _lower_of(lower, current)
        self.set_dose(exercise, after)
        self.same_day.pop((self.level, exercise_key(exercise)), None)
        if base != current:
            # A step up was planned from last time: it goes, and the load goes below
            # what was played.
            if moved:
                reason = (
                    f"{why}: one step below last time's dose, {describe_change(current, after)}."
                )
            else:
                reason = f"{why}: back to last time's {describe_dose(after)}, already the minimum."
        elif after != current:
            reason = f"{why}: one step back, {describe_change(current, after)}."
        else:
            reason = f"{why}; {describe_dose(after)} is already the minimum."
        return Decision(
            self.program.id,
            exercise_key(exercise),
            exercise.name,
            self.level,
            current,
            after,
            rule,
            reason,
            {**inputs, "stepped_back": bool(moved)},
        )

    def _same_day(self) -> list[Decision]:
        decisions = []
        for exercise in self.level_spec().exercises:
            held = self.same_day.get((self.level, exercise_key(exercise)))
            if held is None:
                continue
            later = self.dose(exercise)
            decisions.append(
                Decision(
                    self.program.id,
                    exercise_key(exercise),
                    exercise.name,
                    self.level,
                    later,
                    held,
                    Rule.SAME_DAY,
                    f"One step up a day, after a night: {describe_dose(later)} starts tomorrow; "
                    f"today {describe_dose(held)} again.",
                    {},
                )
            )
        return decisions

    def _gap(self, exercise: AnyExercise, days: int) -> Decision:
        return self._check(
            exercise,
            Rule.GAP,
            f"{days} days since the last session, so it eases back in",
            {"days": days, "gap_days": self.scaling.gap_days},
        )

    def _weekly(self, day: date, rise: Fraction, words: str, stepped: set[str]) -> list[Decision]:
        """A rising week: what went up this week goes back to the dose before its first
        step up of the week; what did not go up steps back once, at most once in 7 days
        (the same rise the next day does not step it back again)."""
        decisions = []
        due = self.weekly_on is None or (day - self.weekly_on).days >= 7
        inputs = {"weekly_rise": float(rise), "weekly_rise_limit": self.scaling.weekly_rise}
        for exercise in self.level_spec().exercises:
            key = exercise_key(exercise)
            if key in stepped:
                continue
            ups = [
                u for u in self.progressed_on.pop((self.level, key), ()) if (day - u[0]).days < 7
            ]
            if not ups:
                if due:
                    stepped.add(key)
                    decisions.append(
                        self._check(
                            exercise,
                            Rule.WEEKLY_STEP_BACK,
                            f"{words} and nothing went up this week",
                            {**inputs, "went_up": []},
                        )
                    )
                continue
            current = self.dose(exercise)
            # Undoing never raises anything: a dose stepped back since (the next
            # morning, a set that hurt) stays where it is.
            after = _lower_of(current, _clamp(exercise, ups[0][1], self.scaling))
            if after == current:
                continue
            stepped.add(key)
            self.set_dose(exercise, after)
            self.same_day.pop((self.level, key), None)
            days = [f"{d:%A}'s" for d, _ in ups]
            which = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
            decisions.append(
                Decision(
                    self.program.id,
                    key,
                    exercise.name,
                    self.level,
                    current,
                    after,
                    Rule.WEEKLY_STEP_BACK,
                    f"{words}, so {which} step up{'s are' if len(ups) > 1 else ' is'} undone: "
                    f"{describe_change(current, after)}.",
                    {**inputs, "went_up": [d.isoformat() for d, _ in ups]},
                )
            )
        if due:
            self.weekly_on = day
        return decisions

    def _morning(
        self,
        baseline: int,
        usual: Fraction | None,
        against: tuple[str, Fraction],
        previous: SessionFacts,
        stepped: set[str],
    ) -> list[Decision]:
        """Step back what was loaded in the last session, from the dose it was played at."""
        played = {d.exercise_id: d.before for d in self.last if d.level == self.level}
        loaded = {s.exercise_id for s in previous.sets}
        decisions = []
        for exercise in self.level_spec().exercises:
            key = exercise_key(exercise)
            if key not in loaded:
                continue
            start = _clamp(exercise, played.get(key, self.dose(exercise)), self.scaling)
            if key in stepped:
                # Already stepped back today (a rising week, a break): the morning
                # speaks too only where it asks for less.
                current = self.dose(exercise)
                lower = step_dose(start, exercise.progression, -1)[0]
                if _lower_of(lower, current) == current:
                    continue
            stepped.add(key)
            decisions.append(
                self._check(
                    exercise,
                    Rule.MORNING_CHECK,
                    f"Your back started at {baseline}/10, {_show(baseline - against[1])} above "
                    f"{against[0]} {_show(against[1])}, after it was loaded last time",
                    {
                        "baseline": baseline,
                        "usual": None if usual is None else float(usual),
                        "last_baseline": previous.baseline,
                        "morning_worse_by": self.scaling.morning_worse_by,
                    },
                    start=start,
                )
            )
        return decisions

    def _seconds(self, level: int, exercise: AnyExercise, dose: Dose) -> float:
        """How long the program's ``level`` takes with ``exercise`` at ``dose`` and the
        others at their current doses."""
        spec = self.level_spec(level)
        doses = {exercise_key(e): self.dose(e, level) for e in spec.exercises}
        doses[exercise_key(exercise)] = dose
        budget = self.program.budget
        ready = budget.get_ready if budget is not None else None
        return program_seconds(self.program, self.program.level_number(level), doses, ready)

    # -- after a session --------------------------------------------------------------

    def _after(
        self,
        session: SessionFacts,
        blocked: tuple[Rule, str, JsonObject] | None,
        checks: Sequence[Decision],
    ) -> None:
        level = self.level
        spec = self.level_spec(level)
        # What each exercise was played at: the last of the day's checks that spoke of it
        # (a second session the same day plays the dose before that day's step up, and a
        # worse morning or a rising week may have lowered even that), else its dose.
        played_today = {d.exercise_id: d.after for d in checks if d.level == level}
        decisions = []
        peaks: list[int] = []
        all_clean = True
        stuck = False
        used_at_max = True
        for exercise in spec.exercises:
            key = exercise_key(exercise)
            sets = [s for s in session.sets if s.exercise_id == key]
            played = played_today.get(key, self.dose(exercise, level))
            decision = self._decide(exercise, level, played, sets, _unplayed(session))
            # A dose held only by the time budget is as far as this routine takes it: it
            # counts as the top for the level offer.
            used_at_max = used_at_max and (
                at_max(exercise, played, self.scaling) or decision.rule is Rule.TIME_BUDGET
            )
            if blocked is not None and decision.rule is Rule.PROGRESS:
                rule, why, inputs = blocked
                decision = replace(
                    decision,
                    after=played,
                    rule=rule,
                    reason=f"{decision.reason.split(':')[0]}, but {why}: {describe_dose(played)}.",
                    inputs={**decision.inputs, **inputs},
                )
            if decision.rule is Rule.AT_BOTTOM and decision.inputs.get("for_pain"):
                stuck = True
            peaks.extend(s.pain for s in sets if s.pain is not None)
            if decision.rule not in (
                Rule.PROGRESS,
                Rule.AT_TOP,
                Rule.NO_PROGRESSION,
                Rule.TIME_BUDGET,
            ):
                all_clean = False
            decisions.append(decision)
            self._settle(exercise, level, played, decision, session.day)
        self.last = tuple(decisions)
        unlock = spec.unlock
        max_pain = unlock.max_pain if unlock.max_pain is not None else self.scaling.safe_max
        mastered = used_at_max and all_clean and all(p <= max_pain for p in peaks)
        self.top_days = [*self.top_days, session.day] if mastered else []
        if not session.sets:
            # Nothing of the program was played (a rest day, an easy day of other
            # programs, a session stopped before its first rating): the row of painful
            # sessions at the easiest dose goes on as it was.
            return
        self.stuck = self.stuck + 1 if stuck else 0
        if not stuck:
            self.stuck_answered = 0

    def _settle(
        self, exercise: AnyExercise, level: int, played: Dose, decision: Decision, day: date
    ) -> None:
        """Set the doses a decision leads to: a step up from the next day on."""
        key = (level, exercise_key(exercise))
        if decision.rule is Rule.ONE_STEP_A_DAY:
            return  # the day's first step up stands, from tomorrow
        ups = [u for u in self.progressed_on.pop(key, ()) if (day - u[0]).days < 7]
        if decision.rule is Rule.PROGRESS:
            self.same_day.setdefault(key, played)
            ups.append((day, played))
        else:
            self.same_day.pop(key, None)
            if decision.rule in (Rule.STEP_BACK, Rule.AT_BOTTOM) and ups:
                # Back down: the latest step up is undone already (a rising week goes
                # back to before the earlier ones).
                ups.pop()
        if ups:
            self.progressed_on[key] = tuple(ups)
        self.set_dose(exercise, decision.after, level)

    def _decide(
        self,
        exercise: AnyExercise,
        level: int,
        before: Dose,
        sets: list[SetFacts],
        unplayed: tuple[str, bool] | None = None,
    ) -> Decision:
        """The decision after a session from an exercise's sets; ``unplayed``: why sets
        never started were not played, and whether that counts as pain (None when not
        known: they step back, as an unfinished set does)."""
        limits = self.scaling
        key = exercise_key(exercise)
        ratings = [s.pain for s in sets]
        known = [p for p in ratings if p is not None]
        peak = max(known) if known else None
        done = {s.set_number for s in sets if s.completed}
        all_done = done >= set(range(1, before.sets + 1))
        red_flag = any(s.red_flag for s in sets)
        hurt = [s.set_number for s in sets if not s.completed and s.skipped is SkipReason.PAIN]
        other = [
            s for s in sets if not s.completed and s.skipped in (SkipReason.TIME, SkipReason.OTHER)
        ]
        inputs: dict[str, JsonValue] = {
            "ratings": ratings,
            "peak": peak,
            "sets_done": len(done),
            "sets_planned": before.sets,
            "safe_max": limits.safe_max,
            "acceptable_max": limits.acceptable_max,
            "red_flag": red_flag,
        }
        if hurt or other:
            inputs["skipped"] = {str(s.set_number): str(s.skipped) for s in sets if s.skipped}
        now = describe_dose(before)

        def decision(after: Dose, rule: Rule, reason: str, **more: JsonValue) -> Decision:
            return Decision(
                self.program.id,
                key,
                exercise.name,
                level,
                before,
                after,
                rule,
                reason,
                {**inputs, **more},
            )

        def back(why: str, *, for_pain: bool) -> Decision:
            after, what = step_dose(before, exercise.progression, -1)
            if what:
                return decision(after, Rule.STEP_BACK, f"{why}: one step back, {what}.")
            return decision(
                before,
                Rule.AT_BOTTOM,
                f"{why}, and {now} is already the minimum.",
                for_pain=for_pain,
            )

        if not sets and not exercise.rate:
            # A warm-up written 'rate: false': never rated, so never changed.
            return decision(before, Rule.NOT_DONE, f"Played without a pain rating: {now}.")
        if not sets:
            return decision(before, Rule.NOT_DONE, f"Not done this time, so it stays at {now}.")
        if red_flag:
            return back("A warning sign was reported", for_pain=True)
        if peak is not None and peak > limits.acceptable_max:
            return back(f"Pain reached {peak}/10, above {limits.acceptable_max}", for_pain=True)
        if hurt:
            which = ", ".join(str(n) for n in hurt)
            return back(f"Set {which} stopped because it hurt", for_pain=True)
        never = set(range(1, before.sets + 1)) - {s.set_number for s in sets}
        if not all_done and never and unplayed is not None and unplayed[1]:
            return back(f"{_finished(len(done), before.sets)} ({unplayed[0]})", for_pain=True)
        accounted = len(other) + (len(never) if unplayed is not None else 0)
        if not all_done and accounted and len(done) + accounted >= before.sets:
            why = {_SKIPS[s.skipped] for s in other if s.skipped}
            if never and unplayed is not None:
                why.add(unplayed[0])
            reasons = " and ".join(sorted(why))
            return decision(
                before,
                Rule.NOT_FINISHED,
                f"{_finished(len(done), before.sets)} ({reasons}), so the dose stays at {now}.",
            )
        if not all_done:
            return back(_finished(len(done), before.sets), for_pain=False)
        if any(p is None for p in ratings):
            return decision(
                before, Rule.MISSING_RATING, f"A set was not rated, so the dose stays at {now}."
            )
        assert peak is not None
        if peak > limits.safe_max:
            return decision(
                before,
                Rule.REPEAT,
                f"Pain peaked at {peak}/10, in the acceptable zone: the same dose again ({now}).",
            )
        if exercise.progression is None:
            return decision(
                before,
                Rule.NO_PROGRESSION,
                f"Pain peaked at {peak}/10; this exercise has a fixed dose ({now}).",
            )
        after, what = step_dose(before, exercise.progression, 1, limits.ceilings)
        if not what:
            return decision(
                before, Rule.AT_TOP, f"Pain peaked at {peak}/10 and {now} is the top of its range."
            )
        budget = self.program.budget
        if budget is not None:
            longer = self._seconds(level, exercise, after)
            if longer > budget.seconds:
                return decision(
                    before,
                    Rule.TIME_BUDGET,
                    budget_words(now, what, self.program.name, budget),
                    program_seconds=round(longer, 1),
                    budget_seconds=round(budget.seconds, 1),
                    max_minutes=budget.minutes,
                )
        return decision(
            after, Rule.PROGRESS, f"Pain peaked at {peak}/10 and all sets were done: {what}."
        )


def budget_words(now: str, what: str, program: str, budget: TimeBudget) -> str:
    """Why a step up waits for the time budget, in one sentence: 'Held at 3 sets of 8
    reps: sets 3 -> 4 would take Extensions past its 6:00 of Morning's 15 minutes.'"""
    if budget.whole:
        where = f"{budget.routine} past its {budget.minutes} minutes"
    else:
        share = format_duration(round(budget.seconds))
        where = f"{program} past its {share} of {budget.routine}'s {budget.minutes} minutes"
    return f"Held at {now}: {what} would take {where}."


_SKIPS = {SkipReason.TIME: "no time", SkipReason.OTHER: "stopped for another reason"}

_QUITS = {
    SkipReason.PAIN: ("the session was stopped because it hurt", True),
    SkipReason.TIME: ("the session was stopped: no time", False),
    SkipReason.OTHER: ("the session was stopped for another reason", False),
}


def _unplayed(session: SessionFacts) -> tuple[str, bool] | None:
    """Why the sets of ``session`` that never started were not played, in words, and
    whether that counts as pain; None when it is not known.

    A session played to its end lacks only sets coach ended an exercise before, for a
    rating: if the ratings no longer call for it (the rating was corrected), those sets
    were not the person's to finish. A session the person stopped lacks them for the
    reason they gave."""
    if session.status is SessionStatus.COMPLETED:
        return ("coach ended it for a rating since corrected", False)
    why = quit_skip(session.stop_reason)
    return None if why is None else _QUITS[why]


_FORTNIGHT = timedelta(days=13)


def _dose_json(dose: Dose) -> dict[str, int | float]:
    return dose.to_json()


def _dose(data: JsonValue) -> Dose:
    return Dose.from_json(data)


def _doses_json(doses: Mapping[tuple[int, str], Dose]) -> list[JsonValue]:
    return [[level, key, _dose_json(dose)] for (level, key), dose in doses.items()]


def _doses(data: JsonValue) -> dict[tuple[int, str], Dose]:
    return {
        (read_int(lv), read_str(key)): _dose(d) for lv, key, d in map(read_list, read_list(data))
    }


def _decision_json(decision: Decision) -> dict[str, JsonValue]:
    return {
        "program_id": decision.program_id,
        "exercise_id": decision.exercise_id,
        "exercise_name": decision.exercise_name,
        "level": decision.level,
        "before": _dose_json(decision.before),
        "after": _dose_json(decision.after),
        "rule": decision.rule.value,
        "reason": decision.reason,
        "inputs": dict(decision.inputs),
    }


def _decision(value: JsonValue) -> Decision:
    data = read_object(value)
    return Decision(
        read_str(data["program_id"]),
        read_str(data["exercise_id"]),
        read_str(data["exercise_name"]),
        read_int(data["level"]),
        _dose(data["before"]),
        _dose(data["after"]),
        Rule(read_str(data["rule"])),
        read_str(data["reason"]),
        dict(read_object(data["inputs"])),
    )


def _session_json(session: SessionFacts) -> dict[str, JsonValue]:
    return {
        "started_at": session.started_at,
        "uid": session.uid,
        "day": session.day.isoformat(),
        "baseline": session.baseline,
        "level": session.level,
        "status": None if session.status is None else session.status.value,
        "stop_reason": session.stop_reason,
        "sets": [
            [
                s.exercise_index,
                s.program_id,
                s.exercise_id,
                s.set_number,
                s.sets_planned,
                s.pain,
                s.completed,
                s.red_flag,
                s.skipped,
            ]
            for s in session.sets
        ],
    }


def _session(value: JsonValue) -> SessionFacts:
    data = read_object(value)
    status = read_optional_str(data.get("status"))
    return SessionFacts(
        date.fromisoformat(read_str(data["day"])),
        read_optional_int(data["baseline"]),
        read_int(data["level"]),
        tuple(
            SetFacts.of(
                exercise_index=read_int(index),
                program_id=read_str(program),
                exercise_id=read_str(exercise),
                set_number=read_int(number),
                sets_planned=read_int(planned),
                pain=read_optional_int(pain),
                completed=read_bool(completed),
                red_flag=read_bool(red_flag),
                skipped=read_optional_str(skipped),
            )
            for index, program, exercise, number, planned, pain, completed, red_flag, skipped in (
                map(read_list, read_list(data["sets"]))
            )
        ),
        read_str(data.get("started_at", "")),
        read_str(data.get("uid", "")),
        None if status is None else SessionStatus(status),
        read_optional_str(data.get("stop_reason")),
    )


def replay_history(
    program: Program,
    history: Sequence[SessionFacts],
    moves: Sequence[LevelMove] = (),
    *,
    start_level: int = 1,
    start: Replay | None = None,
) -> Replay:
    """``program``'s replay after ``history`` (sessions in the order they were played:
    see :attr:`SessionFacts.order`; ``moves``, the level changes the user answered after
    them), from ``start`` (a saved replay of the sessions before these) or from the
    file's doses at ``start_level``."""
    replay = start.copy() if start is not None else Replay(program, start_level)
    moves_after = {m.after_session: m for m in moves}
    for session in sorted(history, key=lambda s: s.order):
        replay.add(session)
        move = moves_after.get(session.uid)
        if move is not None:
            replay.answer(move)
    return replay


def plan_program(
    program: Program,
    history: Sequence[SessionFacts],
    moves: Sequence[LevelMove] = (),
    *,
    start_level: int = 1,
    start: Replay | None = None,
    today: date,
    baseline_today: int | None = None,
) -> ProgramPlan:
    """The plan for the next session of ``program`` on ``today``.

    ``history`` is every past session of the program after ``start`` (any order);
    ``moves`` the level changes the user answered; ``baseline_today`` the pain rating at
    the start of today's session once it is known (for the next-morning check).
    """
    replay = replay_history(program, history, moves, start_level=start_level, start=start)
    return replay.plan(today, baseline_today)
