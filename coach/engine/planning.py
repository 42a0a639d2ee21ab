"""Today's session plan from a loaded file and the history: levels, doses, decisions.

Glue between the loader, the scaling engine and the timeline, kept out of the TUI so the
whole path from history to plan is plain, testable Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from coach.engine.progression import dose_direction
from coach.engine.records import LevelMove, SessionFacts
from coach.engine.scaling import Decision, ProgramPlan, Replay, Rule, plan_program
from coach.engine.timeline import SessionPlan, build_timeline, plan_session
from coach.format.durations import format_duration
from coach.format.loader import LoadedFile, ProgramFile, RoutineFile
from coach.format.v1 import Program

__all__ = [
    "NO_HISTORY",
    "Change",
    "Planned",
    "ProgramPast",
    "changes",
    "over_budget",
    "plan_from",
    "plan_today",
    "programs_of",
]

NO_HISTORY = "The dose written in the program (no sessions yet)."
"""Why an exercise with no decision yet has the dose it has."""


@dataclass(frozen=True, slots=True)
class ProgramPast:
    """A program's past as planning needs it: a saved replay (None: from the start) and
    the sessions and level moves after it."""

    start: Replay | None
    sessions: tuple[SessionFacts, ...]
    moves: tuple[LevelMove, ...]

    @property
    def count(self) -> int:
        """How many sessions the program has had."""
        return (self.start.sessions if self.start is not None else 0) + len(self.sessions)


@dataclass(frozen=True, slots=True)
class Planned:
    plan: SessionPlan
    programs: Mapping[str, ProgramPlan]
    over_budget: str = ""
    """One sentence when the session planned is longer than the routine's max_minutes."""

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(d for p in self.programs.values() for d in p.decisions)

    @property
    def checks(self) -> tuple[Decision, ...]:
        """The decisions taken at the start of today's session, for every program."""
        return tuple(d for p in self.programs.values() for d in p.checks)

    @property
    def notes(self) -> tuple[str, ...]:
        """Each program's notes, once each: the weekly rise reads the same baselines for
        every program of a routine, so they would say the same sentence."""
        found = [n for p in self.programs.values() for n in p.notes]
        if self.over_budget:
            found.append(self.over_budget)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Change:
    """How an exercise's next dose compares with its last one, and why."""

    direction: int | None
    """1 more, -1 less, 0 the same; None with no session to compare with."""
    reason: str
    """The decision's one sentence."""

    @property
    def arrow(self) -> str:
        """'↑', '↓', '=' or ' ' (nothing to compare with)."""
        if self.direction is None:
            return " "
        return {1: "↑", -1: "↓"}.get(self.direction, "=")


def changes(planned: Planned) -> dict[tuple[str, str], Change]:
    """Each exercise's change, by (program id, exercise id); one missing has no history
    (see :data:`NO_HISTORY`). `coach plan` and home both show these."""
    return {
        (program_id, d.exercise_id): Change(_direction(d), d.reason)
        for program_id, plan in planned.programs.items()
        for d in plan.decisions
    }


def _direction(decision: Decision) -> int:
    # A second session the same day compares the step up it holds back ('before') with
    # the dose it keeps: against last time, which is what an arrow tells, nothing moved.
    if decision.rule is Rule.SAME_DAY:
        return 0
    return dose_direction(decision.before, decision.after)


def programs_of(loaded: LoadedFile) -> list[tuple[Program, int]]:
    """Each program of the file with the level a new user starts at."""
    if isinstance(loaded, ProgramFile):
        return [(loaded.program, 1)]
    return [
        (pf.program, start) for pf, start in zip(loaded.programs, loaded.start_levels, strict=True)
    ]


def plan_today(
    loaded: LoadedFile,
    histories: Mapping[str, Sequence[SessionFacts]],
    moves: Mapping[str, Sequence[LevelMove]],
    *,
    today: date,
    baseline_today: int | None = None,
    starts: Mapping[str, Replay] | None = None,
) -> Planned:
    """Plan every program of the file for a session on ``today``.

    ``histories`` and ``moves`` hold each program's sessions and level moves after its
    saved replay in ``starts``, if it has one (all of them otherwise)."""
    starts = starts or {}
    plans = {
        program.id: plan_program(
            program,
            histories.get(program.id, ()),
            moves.get(program.id, ()),
            start_level=start,
            start=starts.get(program.id),
            today=today,
            baseline_today=baseline_today,
        )
        for program, start in programs_of(loaded)
    }
    plan = plan_session(
        loaded,
        levels={pid: p.level for pid, p in plans.items()},
        doses={(pid, ex): dose for pid, p in plans.items() for ex, dose in p.doses.items()},
    )
    return Planned(plan, plans, over_budget(loaded, plan))


def over_budget(loaded: LoadedFile, plan: SessionPlan) -> str:
    """The sentence for a session planned longer than its routine's ``max_minutes``
    (never silently longer), or ''."""
    budget = loaded.routine.max_minutes if isinstance(loaded, RoutineFile) else None
    if budget is None:
        return ""
    total = build_timeline(plan).total
    if total <= budget * 60:
        return ""
    return (
        f"This routine is meant to take at most {budget} minutes; today's doses make it "
        f"{format_duration(total)}. When time is short, end an exercise early with N, then "
        "'No time' (the dose stays), and tell whoever wrote the routine."
    )


def plan_from(
    loaded: LoadedFile,
    pasts: Mapping[str, ProgramPast],
    *,
    today: date,
    baseline_today: int | None = None,
) -> Planned:
    """:func:`plan_today` from each program's past as the store keeps it."""
    return plan_today(
        loaded,
        {pid: past.sessions for pid, past in pasts.items()},
        {pid: past.moves for pid, past in pasts.items()},
        today=today,
        baseline_today=baseline_today,
        starts={pid: past.start for pid, past in pasts.items() if past.start is not None},
    )
