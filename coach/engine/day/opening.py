"""Opening a session: how the back feels this morning (today's plan is decided again
with it, and a very painful morning is advised a rest or an easy day), then the session
stored before its first step, or an interrupted one claimed to resume it.

A session is stored before it plays so that a crash at any point leaves it 'interrupted'
in the history, to be resumed or closed, never lost.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from coach.engine.clock import stamp
from coach.engine.day.closing import finish
from coach.engine.day.context import Host, Run
from coach.engine.day.ends import advise, blocked, load
from coach.engine.day.keeping import fresh, note_written
from coach.engine.day.messages import (
    AdviceKind,
    AskBaseline,
    ClaimSession,
    Notice,
    OpenSession,
    Output,
    Play,
    PlayCheck,
    Tone,
)
from coach.engine.day.stages import Advising, At, Opening, Stage
from coach.engine.planning import Planned, plan_today
from coach.engine.records import REST_DAY, Kept, PainAnswer, SessionStatus, Written
from coach.engine.resume import ResumeOption
from coach.engine.scaling import Advice, Rule
from coach.engine.session import SessionController, scaling_of
from coach.engine.signs import EMERGENCY_REMINDER
from coach.engine.timeline import SessionPlan
from coach.format.loader import LoadedFile, RoutineFile


def ask_baseline(host: Host) -> list[Output]:
    """The safety steps are clear: the baseline question, or the function check the
    person asked for."""
    if host.safety.check_wanted:
        host.safety = replace(host.safety, check_wanted=False)
        host.state = At(Stage.CHECKING)
        return [PlayCheck()]
    host.state = At(Stage.BASELINE)
    return [
        AskBaseline(
            "Before we start: how does your back feel right now?",
            "Compare it with how it usually feels: coach checks it against your usual mornings.",
        )
    ]


def baseline_given(host: Host, answer: PainAnswer | None) -> list[Output]:
    if host.state.stage is not Stage.BASELINE:
        return []
    day = host.loaded_day()
    if answer is None:
        return blocked(host)  # back: no session now
    baseline = answer.pain
    # Today's checks need the baseline: the next morning, the week with today in it.
    planned = plan_today(
        day.loaded,
        day.histories,
        day.moves,
        today=host.today(),
        baseline_today=baseline,
        starts=day.starts,
    )
    host.day = replace(day, planned=planned)
    outputs: list[Output] = [*_check_notices(planned)]
    rest_day = any(p.rest_day for p in planned.programs.values())
    if baseline is not None and rest_day and not host.rehearsal:
        easy = _easy_programs(day.loaded)
        return outputs + advise(
            host,
            Advising(AdviceKind.REST_DAY, baseline=baseline),
            "An easy day today",
            rest_day_advice(baseline),
            go_on="Mobility only" if easy else None,
        )
    return outputs + _open(host, planned.plan, baseline)


def _check_notices(planned: Planned) -> list[Output]:
    """Say before the session starts what today's checks changed, in one sentence."""
    notices: list[Output] = []
    usual = [p.morning_note for p in planned.programs.values() if p.morning_note]
    if usual and not any(p.rest_day for p in planned.programs.values()):
        notices.append(Notice(usual[0], seconds=10))
    rules = {d.rule for d in planned.checks}
    if Rule.MORNING_CHECK in rules:
        first = next(d for d in planned.checks if d.rule is Rule.MORNING_CHECK)
        why = first.reason.split(", after")[0]
        notices.append(Notice(f"{why}: what you did last time steps back today.", seconds=10))
    elif Rule.WEEKLY_STEP_BACK in rules:
        # The engine's own sentence: what the week's rule did today, as it did it.
        rising = (
            a.reason
            for p in planned.programs.values()
            for a in p.advice
            if a.rule is Rule.RISING_WEEK
        )
        notices.append(Notice(next(rising), seconds=10))
    return notices


def _easy_programs(loaded: LoadedFile) -> list[str]:
    """The routine's programs for an easy day (none for a single program)."""
    if not isinstance(loaded, RoutineFile):
        return []
    return [
        pf.program.id
        for pf, ref in zip(loaded.programs, loaded.routine.programs, strict=True)
        if ref.easy_day
    ]


def rest_day_answered(host: Host, advising: Advising, go_on: bool) -> list[Output]:
    """A very painful morning: mobility only (an easy day), or rest. Either is stored,
    so the week's trend and the usual starting pain count this morning too."""
    planned, baseline = host.loaded_day().planned, advising.baseline
    plan = planned.plan
    if go_on:
        easy = set(_easy_programs(host.loaded_day().loaded))
        only = replace(plan, exercises=tuple(e for e in plan.exercises if e.program_id in easy))
        why = f"Starting pain {baseline}/10: an easy day, mobility only."
        advice = Advice("", Rule.EASY_DAY, why, {"baseline": baseline})
        return _open(host, only, baseline, (advice,))
    why = f"Starting pain {baseline}/10: a rest day."
    advice = Advice("", Rule.REST_DAY, why, {"baseline": baseline})
    return _open(host, replace(plan, exercises=()), baseline, (advice,), resting=True)


def _open(
    host: Host,
    plan: SessionPlan,
    baseline: int | None,
    day_advice: tuple[Advice, ...] = (),
    *,
    resting: bool = False,
) -> list[Output]:
    """Store the session about to be played (nothing in a rehearsal)."""
    day = host.loaded_day()
    session = controller(host, plan, day.loaded)
    host.run = Run(session, day_advice)
    session.baseline = baseline
    session.rehearsal = host.rehearsal
    host.state = Opening(resting=resting)
    now = host.wall()
    session.started_at, session.uid = stamp(now), host.new_uid()
    if host.rehearsal:
        host.keeping = fresh(host.keeping, None)
        return opened(host, Written(Kept.HISTORY))
    offset = now.astimezone().utcoffset()
    opening = OpenSession(
        uid=session.uid,
        started_at=session.started_at,
        source_id=session.plan.source_id,
        title=session.plan.title,
        source_path=str(session.source_path),
        planned_seconds=session.timeline.total,
        levels=dict(session.plan.levels),
        speed=host.speed,
        baseline_pain=baseline,
        local_date=host.today(),
        utc_offset=round(offset.total_seconds() / 60) if offset is not None else 0,
        checks=day.planned.checks,
    )
    host.keeping = fresh(host.keeping, opening)
    return [opening]


def controller(host: Host, plan: SessionPlan, loaded: LoadedFile) -> SessionController:
    return SessionController(
        plan,
        scaling_of(loaded),
        host.source,
        clock=host.clock,
        wall=host.wall,
        speed=host.speed,
    )


def opened(host: Host, written: Written) -> list[Output]:
    """The session is stored (or kept in the journal): play it, or close a rest day."""
    run = host.run
    if run is None or host.state.stage not in (Stage.OPENING, Stage.RESTING):
        return []
    session = run.session
    notes = note_written(host, (), written)
    if host.state.stage is Stage.RESTING:
        session.stop_reason = REST_DAY
        return [*notes, *finish(host, SessionStatus.STOPPED)]
    host.state = At(Stage.PLAYING)
    return [*notes, Play(session)]


def resume(host: Host, option: ResumeOption) -> list[Output]:
    """Resume an interrupted session where it stopped: claimed first, so that two
    coaches never both act on it."""
    assert option.planned is not None and option.point is not None
    assert option.loaded is not None
    interrupted = option.session
    host.home_source = host.source
    host.source = Path(interrupted.source_path)
    # The history before this session: planning after it adds the session itself.
    histories = {
        pid: [f for f in facts if f.uid != interrupted.uid]
        for pid, facts in option.histories.items()
    }
    moves = {pid: list(moves) for pid, moves in option.moves.items()}
    day = host.loaded_day()
    host.day = replace(
        day,
        loaded=option.loaded,
        planned=option.planned,
        histories=histories,
        moves=moves,
        starts=option.starts,
    )
    session = controller(host, option.planned.plan, option.loaded)
    session.resume(interrupted, option.point.step_index, option.point.ended_exercises)
    host.run = Run(session)
    host.state = Opening(claimed=option)
    opening = OpenSession(
        uid=session.uid,
        started_at=interrupted.started_at,
        source_id=interrupted.source_id,
        title=interrupted.title,
        source_path=interrupted.source_path,
        planned_seconds=session.timeline.total,
        levels=dict(interrupted.levels),
        speed=interrupted.speed,
        baseline_pain=interrupted.baseline_pain,
        local_date=interrupted.day,
        utc_offset=0,
    )
    host.keeping = fresh(host.keeping, opening)
    return [ClaimSession(opening)]


def claim_refused(host: Host, problem: str) -> list[Output]:
    """Another coach resumes or closes the interrupted session: say so, and load the
    day again without it (it is among those offered already)."""
    state = host.state
    if isinstance(state, Opening) and state.claimed is None:
        return []
    if state.stage not in (Stage.RESUME, Stage.OPENING):
        return []
    host.run = None
    host.keeping = replace(host.keeping, opening=None)
    return [Notice(problem, Tone.WARNING, 12), load(host, host.home_source or host.source)]


def rest_day_advice(baseline: int) -> str:
    return (
        f"Your back is at {baseline}/10 this morning, which is high. Today is a day to be "
        "kind to it: rest if you need to, walk a little and change position often; gentle "
        "movement helps more than staying still. Your plan waits for you.\n\n"
        "If the pain is new or much worse than usual, or it comes with numbness, weakness "
        f"in a leg or a fever, see a doctor today. {EMERGENCY_REMINDER}"
    )
