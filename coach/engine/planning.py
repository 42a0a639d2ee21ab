"""Today's session plan from a loaded file and the history: levels, doses, decisions.

Glue between the loader, the scaling engine and the timeline, kept out of the TUI so the
whole path from history to plan is plain, testable Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from coach.engine.records import LevelMove, SessionFacts
from coach.engine.scaling import Decision, ProgramPlan, plan_program
from coach.engine.timeline import SessionPlan, plan_session
from coach.format.loader import LoadedFile, ProgramFile
from coach.format.v1 import Program

__all__ = ["Planned", "plan_today", "programs_of"]


@dataclass(frozen=True, slots=True)
class Planned:
    plan: SessionPlan
    programs: Mapping[str, ProgramPlan]

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(d for p in self.programs.values() for d in p.decisions)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(n for p in self.programs.values() for n in p.notes)


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
) -> Planned:
    """Plan every program of the file for a session on ``today``."""
    plans = {
        program.id: plan_program(
            program,
            histories.get(program.id, ()),
            moves.get(program.id, ()),
            start_level=start,
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
    return Planned(plan, plans)
