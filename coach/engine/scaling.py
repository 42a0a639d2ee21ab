"""The auto-scaling engine: the next session's plan from the program and the history.

A pure function. The plan for a program is rebuilt by replaying its whole history from
the doses written in the file, applying the rules below after each session, so the same
history always gives the same plan, an edited program file is honoured at once, and
every dose can be traced to the decisions that made it. Each decision carries its
inputs and one plain sentence.

The rules follow the pain-monitoring model (thresholds from the program's ``scaling``):

* after a session, per exercise, from the highest pain rating of its sets: at or below
  ``safe_max`` with every set done, one step up; up to ``acceptable_max``, the same dose;
  above it, a red-flag answer, or a set not finished, one step down. A missing rating
  never counts as a good one: the dose stays;
* next-morning check: if the back is worse at the start of a session than at the start
  of the previous one by ``morning_worse_by`` or more, the progression planned from that
  session is cancelled;
* week to week: if the average starting pain of the last 7 days is higher than the 7
  days before by ``weekly_rise`` or more, nothing progresses;
* after ``gap_days`` or more without a session, every dose steps back once;
* doses stay within each exercise's progression range; a level is offered up when every
  exercise has been at its max for ``sessions_at_max`` sessions in a row with pain at or
  below ``max_pain``, and offered down after two sessions in a row that had to step back
  an exercise already at its minimum. The user confirms either move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from coach.engine.progression import describe_dose, step_dose
from coach.engine.records import LevelMove, SessionFacts, SetFacts
from coach.engine.timeline import Dose, default_dose
from coach.format.loader import AnyExercise, exercise_key
from coach.format.v1 import Level, Program, Scaling

__all__ = [
    "RULES_VERSION",
    "Decision",
    "ProgramPlan",
    "Replay",
    "Rule",
    "at_max",
    "at_min",
    "plan_program",
    "replay_history",
]


RULES_VERSION = 1
"""Bumped whenever a rule changes what a history replays to: saved replay checkpoints
(see :meth:`Replay.to_json`) of an older version are not used."""


class Rule(StrEnum):
    PROGRESS = "progress"
    REPEAT = "repeat"
    STEP_BACK = "step back"
    AT_TOP = "at top"
    AT_BOTTOM = "at bottom"
    MISSING_RATING = "missing rating"
    NOT_DONE = "not done"
    NO_PROGRESSION = "no progression"
    WEEKLY_RISE = "weekly rise"
    MORNING_CHECK = "morning check"
    GAP = "gap"


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
    inputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProgramPlan:
    """Where a program stands for the next session."""

    program_id: str
    level: int
    doses: Mapping[str, Dose]
    """Exercise id -> dose, for the exercises of ``level``."""
    decisions: tuple[Decision, ...]
    """The decisions that set today's doses (from the last session and today's checks)."""
    notes: tuple[str, ...] = ()
    offer_up: int | None = None
    """A level the user may move up to."""
    offer_down: int | None = None
    """A level the user may move back to."""


def at_max(exercise: AnyExercise, dose: Dose) -> bool:
    """True when no progression dose can go higher (or there is no progression)."""
    return step_dose(dose, exercise.progression, 1)[1] == ""


def at_min(exercise: AnyExercise, dose: Dose) -> bool:
    return step_dose(dose, exercise.progression, -1)[1] == ""


def _clamp(exercise: AnyExercise, dose: Dose) -> Dose:
    """Keep a dose inside the exercise's current ranges (the file may have changed)."""
    progression = exercise.progression
    if progression is None:
        return dose
    changes: dict[str, Any] = {}
    for name in progression.order:
        bounds = getattr(progression, name)
        value = getattr(dose, name)
        if bounds is not None and value is not None:
            clamped = min(bounds.max, max(bounds.min, value))
            if clamped != value:
                changes[name] = clamped
    return replace(dose, **changes) if changes else dose


@dataclass
class Replay:
    """A program's scaling state, advanced one session at a time.

    The one way the rules are applied: :func:`plan_program` replays a whole history
    with it, and the synthetic history steps it once per made-up session. Before each
    session :meth:`add` applies the next-morning check against the previous session and
    the gap rule; after it, the dose decisions; :meth:`answer` applies the user's answer
    to a level offer; :meth:`plan` says where the program stands on a given day without
    changing the replay.
    """

    program: Program
    level: int = 1
    doses: dict[tuple[int, str], Dose] = field(default_factory=dict)
    last: tuple[Decision, ...] = ()
    """The decisions that set the current doses."""
    streak_at_max: int = 0
    streak_stuck: int = 0
    previous: SessionFacts | None = None
    recent: list[SessionFacts] = field(default_factory=list)
    """The sessions of the fortnight up to the last one, for the weekly-rise rule."""
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
        return _clamp(exercise, self.doses[key])

    def set_dose(self, exercise: AnyExercise, dose: Dose, level: int | None = None) -> None:
        self.doses[(level or self.level, exercise_key(exercise))] = dose

    # -- keeping a replay -------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The state, as JSON values (the program itself is not included)."""
        return {
            "level": self.level,
            "doses": [[level, key, _dose_json(dose)] for (level, key), dose in self.doses.items()],
            "last": [_decision_json(d) for d in self.last],
            "streak_at_max": self.streak_at_max,
            "streak_stuck": self.streak_stuck,
            "previous": None if self.previous is None else _session_json(self.previous),
            "recent": [_session_json(s) for s in self.recent],
            "sessions": self.sessions,
        }

    @classmethod
    def from_json(cls, program: Program, data: Mapping[str, Any]) -> Replay:
        """The replay :meth:`to_json` wrote, for ``program``; KeyError, TypeError or
        ValueError when ``data`` is not one."""
        previous = data["previous"]
        return cls(
            program,
            int(data["level"]),
            doses={(int(lv), str(key)): _dose(d) for lv, key, d in data["doses"]},
            last=tuple(_decision(d) for d in data["last"]),
            streak_at_max=int(data["streak_at_max"]),
            streak_stuck=int(data["streak_stuck"]),
            previous=None if previous is None else _session(previous),
            recent=[_session(s) for s in data["recent"]],
            sessions=int(data["sessions"]),
        )

    def copy(self) -> Replay:
        return replace(self, doses=dict(self.doses), recent=list(self.recent))

    # -- stepping ---------------------------------------------------------------------

    def add(self, session: SessionFacts) -> tuple[Decision, ...]:
        """Replay one more session (sessions come oldest first); return the decisions
        it led to for its level."""
        previous = self.previous
        if previous is not None:
            self.morning_check(previous.baseline, session.baseline)
            self.gap((session.day - previous.day).days)
        self.level = self.program.level_number(session.level)
        # Only the fortnight up to this session matters to the weekly rise, which keeps a
        # replay of years of history linear rather than quadratic.
        self.recent = [s for s in self.recent if (session.day - s.day) <= _FORTNIGHT]
        self.recent.append(session)
        rise = _weekly_rise(self.recent, session.day, self.scaling.weekly_rise)
        self.after_session(session, rise)
        self.previous = session
        self.sessions += 1
        return tuple(d for d in self.last if d.level == self.level)

    def answer(self, move: LevelMove) -> None:
        """The user answered a level offer after the last session."""
        self.streak_at_max = self.streak_stuck = 0
        if move.accepted:
            self.level = self.program.level_number(move.to_level)

    def plan(self, today: date, baseline_today: int | None = None) -> ProgramPlan:
        """Where the program stands for a session on ``today`` (``baseline_today``: the
        pain rating at its start, once known, for the next-morning check)."""
        trial = self.copy()
        notes: list[str] = []
        previous = trial.previous
        if previous is not None:
            trial.morning_check(previous.baseline, baseline_today)
            trial.gap((today - previous.day).days)
            recent = [s for s in trial.recent if (today - s.day) <= _FORTNIGHT]
            rise = _weekly_rise(recent, today, self.scaling.weekly_rise)
            if rise is not None:
                notes.append(
                    f"Starting pain this week is {rise:.1f} points above the week before: "
                    "nothing goes up until it settles."
                )
        spec = trial.level_spec()
        offer_up = None
        count = len(self.program.levels)
        if trial.streak_at_max >= spec.unlock.sessions_at_max and trial.level < count:
            offer_up = trial.level + 1
        offer_down = trial.level - 1 if trial.streak_stuck >= 2 and trial.level > 1 else None
        doses = {exercise_key(e): trial.dose(e) for e in spec.exercises}
        current = tuple(d for d in trial.last if d.level == trial.level)
        return ProgramPlan(
            self.program.id, trial.level, doses, current, tuple(notes), offer_up, offer_down
        )

    # -- after a session --------------------------------------------------------------

    def after_session(self, session: SessionFacts, week_rise: float | None) -> None:
        level = self.program.level_number(session.level)
        spec = self.level_spec(level)
        decisions = []
        peak_of_level: list[int] = []
        all_clean = True
        stuck = False
        used_at_max = True
        for exercise in spec.exercises:
            key = exercise_key(exercise)
            sets = [s for s in session.sets if s.exercise_id == key]
            before = self.dose(exercise, level)
            used_at_max = used_at_max and at_max(exercise, before)
            decision = self._decide(exercise, level, before, sets)
            if week_rise is not None and decision.rule is Rule.PROGRESS:
                decision = replace(
                    decision,
                    after=before,
                    rule=Rule.WEEKLY_RISE,
                    reason=(
                        f"{decision.reason.split(':')[0]}, but starting pain this week is "
                        f"{week_rise:.1f} points above the week before, so nothing goes up "
                        f"this week: {describe_dose(before)}."
                    ),
                    inputs={**decision.inputs, "weekly_rise": round(week_rise, 2)},
                )
            if decision.rule is Rule.AT_BOTTOM:
                stuck = True
            ratings = [s.pain for s in sets if s.pain is not None]
            peak_of_level.extend(ratings)
            if decision.rule not in (Rule.PROGRESS, Rule.AT_TOP, Rule.NO_PROGRESSION):
                all_clean = False
            decisions.append(decision)
            self.set_dose(exercise, decision.after, level)
        self.last = tuple(decisions)
        # Level offers: mastered, or stuck at the bottom, session after session.
        unlock = spec.unlock
        max_pain = unlock.max_pain if unlock.max_pain is not None else self.scaling.safe_max
        mastered = used_at_max and all_clean and all(p <= max_pain for p in peak_of_level)
        self.streak_at_max = self.streak_at_max + 1 if mastered else 0
        self.streak_stuck = self.streak_stuck + 1 if stuck else 0

    def _decide(
        self, exercise: AnyExercise, level: int, before: Dose, sets: list[SetFacts]
    ) -> Decision:
        limits = self.scaling
        key = exercise_key(exercise)
        ratings = [s.pain for s in sets]
        known = [p for p in ratings if p is not None]
        peak = max(known) if known else None
        done = {s.set_number for s in sets if s.completed}
        all_done = done >= set(range(1, before.sets + 1))
        red_flag = any(s.red_flag for s in sets)
        inputs: dict[str, Any] = {
            "ratings": ratings,
            "peak": peak,
            "sets_done": len(done),
            "sets_planned": before.sets,
            "safe_max": limits.safe_max,
            "acceptable_max": limits.acceptable_max,
            "red_flag": red_flag,
        }
        now = describe_dose(before)

        def decision(after: Dose, rule: Rule, reason: str) -> Decision:
            return Decision(
                self.program.id, key, exercise.name, level, before, after, rule, reason, inputs
            )

        def back(why: str) -> Decision:
            after, what = step_dose(before, exercise.progression, -1)
            if what:
                return decision(after, Rule.STEP_BACK, f"{why}: one step back, {what}.")
            return decision(before, Rule.AT_BOTTOM, f"{why}, and {now} is already the minimum.")

        if not sets:
            return decision(before, Rule.NOT_DONE, f"Not done this time, so it stays at {now}.")
        if red_flag:
            return back("A warning sign was reported")
        if peak is not None and peak > limits.acceptable_max:
            return back(f"Pain reached {peak}/10, above {limits.acceptable_max}")
        if not all_done:
            return back(f"{len(done)} of {before.sets} sets were finished")
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
        after, what = step_dose(before, exercise.progression, 1)
        if not what:
            return decision(
                before, Rule.AT_TOP, f"Pain peaked at {peak}/10 and {now} is the top of its range."
            )
        return decision(
            after, Rule.PROGRESS, f"Pain peaked at {peak}/10 and all sets were done: {what}."
        )

    # -- before a session -------------------------------------------------------------

    def morning_check(self, previous: int | None, today: int | None) -> None:
        """Cancel the last session's progressions if the back is clearly worse now."""
        limit = self.scaling.morning_worse_by
        if previous is None or today is None or today - previous < limit:
            return
        cancelled = []
        for decision in self.last:
            if decision.rule is Rule.PROGRESS:
                exercise = self._exercise(decision.exercise_id, decision.level)
                if exercise is not None:
                    self.set_dose(exercise, decision.before, decision.level)
                cancelled.append(
                    replace(
                        decision,
                        after=decision.before,
                        rule=Rule.MORNING_CHECK,
                        reason=(
                            f"Your back started at {today}/10, {today - previous} worse than "
                            f"last time ({previous}/10), so the planned step up is cancelled: "
                            f"{describe_dose(decision.before)}."
                        ),
                        inputs={**decision.inputs, "baseline": today, "previous": previous},
                    )
                )
            else:
                cancelled.append(decision)
        self.last = tuple(cancelled)

    def gap(self, days: int) -> None:
        """Ease back in after a break: every dose of the current level steps back once."""
        if days < self.scaling.gap_days:
            return
        eased = []
        last = {d.exercise_id: d for d in self.last}
        for exercise in self.level_spec().exercises:
            before = self.dose(exercise)
            after, what = step_dose(before, exercise.progression, -1)
            self.set_dose(exercise, after)
            reason = (
                f"{days} days since the last session: one step back to ease in, {what}."
                if what
                else f"{days} days since the last session; {describe_dose(before)} is "
                "already the minimum."
            )
            eased.append(
                Decision(
                    self.program.id,
                    exercise_key(exercise),
                    exercise.name,
                    self.level,
                    before,
                    after,
                    Rule.GAP,
                    reason,
                    {"days": days, "gap_days": self.scaling.gap_days},
                )
            )
            last.pop(exercise_key(exercise), None)
        self.last = (*eased, *last.values())

    def _exercise(self, key: str, level: int) -> AnyExercise | None:
        for exercise in self.level_spec(level).exercises:
            if exercise_key(exercise) == key:
                return exercise
        return None


_FORTNIGHT = timedelta(days=13)

_DOSE_FIELDS = ("sets", "hold", "holds", "reps", "duration")


def _dose_json(dose: Dose) -> dict[str, Any]:
    return {name: getattr(dose, name) for name in _DOSE_FIELDS if getattr(dose, name) is not None}


def _dose(data: Mapping[str, Any]) -> Dose:
    return Dose(**{name: data[name] for name in _DOSE_FIELDS if name in data})


def _decision_json(decision: Decision) -> dict[str, Any]:
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


def _decision(data: Mapping[str, Any]) -> Decision:
    return Decision(
        str(data["program_id"]),
        str(data["exercise_id"]),
        str(data["exercise_name"]),
        int(data["level"]),
        _dose(data["before"]),
        _dose(data["after"]),
        Rule(data["rule"]),
        str(data["reason"]),
        dict(data["inputs"]),
    )


def _session_json(session: SessionFacts) -> dict[str, Any]:
    return {
        "session_id": session.session_id,
        "day": session.day.isoformat(),
        "baseline": session.baseline,
        "level": session.level,
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
            ]
            for s in session.sets
        ],
    }


def _session(data: Mapping[str, Any]) -> SessionFacts:
    return SessionFacts(
        int(data["session_id"]),
        date.fromisoformat(data["day"]),
        None if data["baseline"] is None else int(data["baseline"]),
        int(data["level"]),
        tuple(
            SetFacts.of(
                exercise_index=index,
                program_id=program,
                exercise_id=exercise,
                set_number=number,
                sets_planned=planned,
                pain=pain,
                completed=completed,
                red_flag=red_flag,
            )
            for index, program, exercise, number, planned, pain, completed, red_flag in data["sets"]
        ),
    )


def _weekly_rise(sessions: Sequence[SessionFacts], day: date, threshold: int) -> float | None:
    """How much the 7-day average starting pain rose against the 7 days before, if it rose
    by ``threshold`` or more (None otherwise, or when either week has no ratings)."""
    this_week = [
        s.baseline for s in sessions if s.baseline is not None and 0 <= (day - s.day).days < 7
    ]
    week_before = [
        s.baseline for s in sessions if s.baseline is not None and 7 <= (day - s.day).days < 14
    ]
    if not this_week or not week_before:
        return None
    rise = sum(this_week) / len(this_week) - sum(week_before) / len(week_before)
    return rise if rise >= threshold else None


def replay_history(
    program: Program,
    history: Sequence[SessionFacts],
    moves: Sequence[LevelMove] = (),
    *,
    start_level: int = 1,
    start: Replay | None = None,
) -> Replay:
    """``program``'s replay after ``history`` (sessions in any order; ``moves``, the level
    changes the user answered after them), from ``start`` (a saved replay of the sessions
    before these) or from the file's doses at ``start_level``."""
    replay = start.copy() if start is not None else Replay(program, start_level)
    moves_after = {m.after_session: m for m in moves}
    for session in sorted(history, key=lambda s: (s.day, s.session_id)):
        replay.add(session)
        move = moves_after.get(session.session_id)
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
