"""Picking up a session the process did not live to finish.

A session that is still marked running when coach starts was interrupted: the process
was killed, crashed, or the machine lost power. Every set rated before that is in the
history, or waits in its journal (the store hands over both as one session). This
module works out, without any UI, whether and where it can go on: the first set that
was not rated, skipping exercises that had already ended for the day because of pain,
and never after a red-flag answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from coach.engine.planning import Planned, plan_today
from coach.engine.records import InterruptedSession, LevelMove, SessionFacts, SessionStatus
from coach.engine.scaling import Decision, Replay
from coach.engine.session import scaling_of
from coach.engine.timeline import SessionPlan, StepKind, Timeline, build_timeline
from coach.format.durations import format_duration
from coach.format.loader import LoadedFile
from coach.format.v1 import Scaling

__all__ = [
    "ResumeOption",
    "ResumePoint",
    "consider",
    "offer_text",
    "resume_point",
    "resume_problem",
    "resume_step",
    "with_its_sets",
]


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """Where an interrupted session goes on."""

    exercise_index: int
    set_number: int
    step_index: int
    """The timeline step to start from: the countdown or rest before that set."""
    ended_exercises: frozenset[int]
    """Exercises stopped for the day by a pain rating above the acceptable zone."""


def resume_problem(session: InterruptedSession, plan: SessionPlan, today: date) -> str | None:
    """Why this session cannot be resumed with ``plan`` today (None when it can)."""
    if any(s.red_flag for s in session.sets):
        return "a nerve-symptom answer stopped it; please see a clinician before going on"
    if session.day != today:
        day = session.day
        return (
            f"it was started on {day:%A} {day.day} {day:%B}; a session can only be resumed "
            "on the day it began"
        )
    if plan.source_id != session.source_id or dict(plan.levels) != dict(session.levels):
        return "the session file has changed since it started"
    for stored in session.sets:
        if stored.exercise_index >= len(plan.exercises):
            return "the session file has changed since it started"
        item = plan.exercises[stored.exercise_index]
        if (item.program_id, item.key) != (stored.program_id, stored.exercise_id):
            return "the session file has changed since it started"
    return None


def resume_point(
    session: InterruptedSession,
    timeline: Timeline,
    scaling: Mapping[str, Scaling],
) -> ResumePoint | None:
    """The first set still to do, or None when every set was rated or ended."""
    plan = timeline.plan
    rated = {(s.exercise_index, s.set_number) for s in session.sets}
    ended = frozenset(
        s.exercise_index
        for s in session.sets
        if s.pain is not None
        and s.pain > scaling.get(s.program_id, Scaling()).acceptable_max
        and s.set_number < s.sets_planned
    )
    for index, item in enumerate(plan.exercises):
        if index in ended:
            continue
        for number in range(1, item.dose.sets + 1):
            if (index, number) not in rated:
                return ResumePoint(index, number, resume_step(timeline, index, number), ended)
    return None


def resume_step(timeline: Timeline, exercise_index: int, set_number: int) -> int:
    """The step to start a set from when resuming: the set's get-ready countdown or the
    rest before it when there is one (time to get back on the mat), else its first step."""
    steps = timeline.steps
    first = next(
        s.index
        for s in steps
        if s.exercise_index == exercise_index
        and s.set_number == set_number
        and (s.kind.is_work or s.kind is StepKind.SWITCH)
    )
    if first > 0:
        before = steps[first - 1]
        lead_in = (
            before.kind is StepKind.GET_READY and before.exercise_index == exercise_index
        ) or (
            before.kind is StepKind.REST
            and before.exercise_index == exercise_index
            and before.set_number == set_number - 1
        )
        if lead_in:
            return first - 1
    return first


@dataclass(frozen=True, slots=True)
class ResumeOption:
    """What can be done with an interrupted session: resume it (when ``point`` is set)
    or close it as partial, storing ``closing`` as its decisions."""

    session: InterruptedSession
    loaded: LoadedFile | None
    histories: Mapping[str, Sequence[SessionFacts]]
    """The stored history of the file's programs, this session included."""
    moves: Mapping[str, Sequence[LevelMove]]
    starts: Mapping[str, Replay]
    """Saved replays the histories follow (see :func:`coach.engine.planning.plan_today`)."""
    planned: Planned | None
    """The plan the session was started with (the history before it, its baseline)."""
    point: ResumePoint | None
    problem: str | None
    """Why it cannot be resumed, for the user."""
    closing: tuple[Decision, ...]
    close_status: SessionStatus

    @property
    def can_resume(self) -> bool:
        return self.point is not None and self.planned is not None

    def resume_at(self) -> str:
        """'Cat-cow, set 2 of 3': where resuming goes on."""
        if self.point is None or self.planned is None:
            return ""
        item = self.planned.plan.exercises[self.point.exercise_index]
        return f"{item.name}, set {self.point.set_number} of {item.dose.sets}"

    def sets_planned(self) -> int | None:
        if self.planned is None:
            return None
        return sum(item.dose.sets for item in self.planned.plan.exercises)


def consider(
    session: InterruptedSession,
    loaded: LoadedFile | None,
    histories: Mapping[str, Sequence[SessionFacts]],
    moves: Mapping[str, Sequence[LevelMove]],
    today: date,
    starts: Mapping[str, Replay] | None = None,
) -> ResumeOption:
    """Work out the options for ``session``, given its session file (None when it can no
    longer be read) and the stored history of that file's programs (which includes the
    interrupted session itself)."""
    starts = starts or {}
    histories = with_its_sets(histories, session)
    red_flag = any(s.red_flag for s in session.sets)
    close_status = SessionStatus.RED_FLAG if red_flag else SessionStatus.STOPPED
    if loaded is None:
        return ResumeOption(
            session,
            None,
            histories,
            moves,
            starts,
            None,
            None,
            f"its session file {session.source_path} can no longer be read",
            (),
            close_status,
        )
    before = {pid: [f for f in facts if f.uid != session.uid] for pid, facts in histories.items()}
    planned = plan_today(
        loaded,
        before,
        moves,
        today=session.day,
        baseline_today=session.baseline_pain,
        starts=starts,
    )
    problem = resume_problem(session, planned.plan, today)
    point = None
    if problem is None:
        point = resume_point(session, build_timeline(planned.plan), scaling_of(loaded))
        if point is None:
            problem = "every set had already been rated"
            close_status = SessionStatus.COMPLETED
    # The decisions a finished session stores are those the engine took after it; they
    # are only that session's when it is the newest one of its programs.
    mine = [facts for facts in histories.values() if any(f.uid == session.uid for f in facts)]
    newest = bool(mine) and all(
        max(facts, key=lambda f: f.order).uid == session.uid for facts in mine
    )
    closing: tuple[Decision, ...] = ()
    if newest:
        closing = plan_today(loaded, histories, moves, today=today, starts=starts).decisions
    return ResumeOption(
        session, loaded, histories, moves, starts, planned, point, problem, closing, close_status
    )


def with_its_sets(
    histories: Mapping[str, Sequence[SessionFacts]], session: InterruptedSession
) -> dict[str, Sequence[SessionFacts]]:
    """The histories with ``session`` as it was played: every set rated in it, those
    still waiting in its journal too (the history's rows may hold only some)."""
    return {
        pid: [
            replace(f, sets=tuple(s for s in session.sets if s.program_id == pid))
            if f.uid == session.uid
            else f
            for f in facts
        ]
        for pid, facts in histories.items()
    }


def offer_text(option: ResumeOption, today: date) -> str:
    """What the person is told about an interrupted session, before they choose."""
    session = option.session
    started = datetime.fromisoformat(session.started_at).astimezone()
    when = (
        f"today at {started:%H:%M}"
        if session.day == today
        else f"on {started:%A} {started.day} {started:%B} at {started:%H:%M}"
    )
    planned_sets = option.sets_planned()
    rated = len({(s.exercise_index, s.set_number) for s in session.sets})
    of = f" of {planned_sets}" if planned_sets else ""
    lines = [
        f"{session.title}, started {when}, stopped before its end: "
        f"{rated}{of} sets rated. Those are saved either way."
    ]
    if option.can_resume:
        assert option.planned is not None and option.point is not None
        timeline = build_timeline(option.planned.plan)
        left = timeline.total - timeline.steps[option.point.step_index].start
        lines.append(
            f"Resume goes on at {option.resume_at()} (about {format_duration(round(left))} "
            "left). Close as partial keeps it in your history as it is."
        )
    else:
        lines.append(
            f"It cannot be resumed: {option.problem}. Close it as partial to keep it "
            "in your history as it is."
        )
    lines.append("Later asks again next time.")
    return "\n\n".join(lines)
