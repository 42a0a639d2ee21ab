"""Playing the session: a pain rating after every set, stored before it is
acknowledged, and what a rating leads to (play on, end the exercise or go on with it
again, ask about very high pain, or close the session at a warning sign); skipping and
stopping (with why), each asked with the player held still."""

from __future__ import annotations

from coach.engine.day.closing import finish
from coach.engine.day.context import Host
from coach.engine.day.ends import advise, blocked
from coach.engine.day.keeping import note_written, rated_so_far
from coach.engine.day.messages import (
    AdviceKind,
    AskQuit,
    AskRating,
    AskSkipReason,
    MoveOn,
    Notice,
    Output,
    SaveSets,
)
from coach.engine.day.stages import Advising, At, Paused, Resume, Saving, Stage
from coach.engine.records import (
    HIGH_PAIN,
    Kept,
    PainAnswer,
    SessionStatus,
    SetRecord,
    SkipReason,
    Written,
    quit_reason,
)
from coach.engine.session import HIGH_PAIN_ADVICE, AfterRating
from coach.engine.timeline import Step
from coach.format.v1 import Scaling


def ask_rating(host: Host, step: Step) -> list[Output]:
    session = host.played().session
    item = session.plan.exercises[step.exercise_index]
    limits = session.scaling.get(item.program_id, Scaling())
    host.state = At(Stage.RATING)
    title = f"{item.name}, set {step.set_number} of {step.sets}: how much does your back hurt?"
    return [AskRating(title, limits.safe_max, limits.acceptable_max)]


def rated(host: Host, answer: PainAnswer) -> list[Output]:
    run = host.run
    if run is None or host.state.stage is not Stage.RATING:
        return []
    session = run.session
    record = session.record_for(answer)
    host.state = Saving(record)
    opening = host.keeping.opening
    if host.rehearsal or opening is None:
        return set_saved(host, (record,), Written(Kept.HISTORY))
    # Every set the history has not taken yet goes with it, oldest first, and the
    # session's row when it has none: acknowledged only once durable somewhere.
    return [SaveSets(opening, (*host.keeping.unsaved, record))]


def set_saved(host: Host, records: tuple[SetRecord, ...], written: Written) -> list[Output]:
    run, state = host.run, host.state
    if run is None or not isinstance(state, Saving):
        return []
    outputs = note_written(host, records, written)
    outcome = run.session.accept(state.record)
    host.state = At(Stage.PLAYING)
    return outputs + after_rating(host, outcome, state.record, None)


def after_rating(
    host: Host, outcome: AfterRating, record: SetRecord, resume: Resume | None
) -> list[Output]:
    """What follows a rating (or a corrected one, whose player ``resume`` starts again):
    a warning sign closes the session at once, very high pain asks, pain above the zone
    ends the exercise."""
    session = host.played().session
    if outcome is AfterRating.RED_FLAG:
        # Closed as a red flag before the advice shows: closing coach on the advice
        # must not leave it 'interrupted'.
        return finish(host, SessionStatus.RED_FLAG)
    if outcome is AfterRating.HIGH_PAIN:
        return advise(
            host,
            Advising(AdviceKind.HIGH_PAIN, resume=resume),
            f"Pain {record.answer.pain}/10: stop for today?",
            HIGH_PAIN_ADVICE,
            # After the last exercise there is nothing to carry on with.
            go_on="Carry on with the next exercise" if session.exercise_follows() else None,
        )
    runner = session.runner
    events = resume() if resume is not None else []
    if outcome is AfterRating.REOPEN:
        left = record.sets_planned - record.set_number
        which = (
            f"set {record.sets_planned} of {record.sets_planned} is"
            if left == 1
            else f"sets {record.set_number + 1} to {record.sets_planned} are"
        )
        notice = Notice(
            f"{record.exercise_name} goes on after all: {which} played after all.",
            seconds=8,
        )
        return [notice, MoveOn((*events, *session.reopen(record)))]
    if outcome is AfterRating.END_EXERCISE:
        notice = Notice(
            f"Pain {record.answer.pain}/10 is above the acceptable zone, so "
            f"{record.exercise_name} ends here for today. That is the plan working, "
            "not a failure.",
            seconds=8,
        )
        return [notice, MoveOn((*events, *runner.end_exercise()))]
    if resume is not None:
        return [MoveOn(tuple(events))]  # a correction: play on
    return [MoveOn(tuple(runner.rated()))]


def high_pain_answered(host: Host, advising: Advising, go_on: bool) -> list[Output]:
    """Very high pain: carry on with the next exercise, or stop for today."""
    run = host.run
    if run is None:
        return blocked(host)
    session = run.session
    if go_on:
        host.state = At(Stage.PLAYING)
        if advising.resume is not None:  # after a corrected rating: play on from there
            return [MoveOn(tuple(advising.resume()))]
        return [MoveOn(tuple(session.runner.end_exercise()))]
    session.stop_reason = HIGH_PAIN
    session.runner.abort()
    return finish(host, SessionStatus.STOPPED)


def skip_asked(host: Host) -> list[Output]:
    run = host.run
    if run is None or host.state.stage is not Stage.PLAYING:
        return []
    session = run.session
    step = session.runner.step
    if step is None or not step.kind.is_work:
        return [MoveOn(tuple(session.runner.skip()))]
    if step.self_timed:
        # A hold the person ends ('up to 45 s'): N is its end, not a set cut short.
        return [MoveOn(tuple(session.runner.end_hold()))]
    # Skipping work cuts a set short: ask why, with the clock stopped, so that only
    # pain counts as pain.
    host.state = Paused(quitting=False, resume=session.hold_still())
    item = session.plan.exercises[step.exercise_index]
    return [MoveOn(), AskSkipReason(f"{item.name}, set {step.set_number} of {step.sets}")]


def skip_answered(host: Host, reason: SkipReason | None) -> list[Output]:
    run, state = host.run, host.state
    if run is None or not isinstance(state, Paused) or state.quitting:
        return []
    host.state = At(Stage.PLAYING)
    events = state.resume()
    if reason is not None:
        events += run.session.skip(reason)
    return [MoveOn(tuple(events))]


def quit_asked(host: Host) -> list[Output]:
    run = host.run
    if run is None or host.state.stage is not Stage.PLAYING:
        return []
    # The clock stops while the question is up: a pain prompt must not pop up over
    # it, and the hold must not run out unattended.
    host.state = Paused(quitting=True, resume=run.session.hold_still())
    return [MoveOn(), AskQuit(f"Stop this session? {rated_so_far(host)}")]


def quit_answered(host: Host, stop: bool, reason: SkipReason | None = None) -> list[Output]:
    run, state = host.run, host.state
    if run is None or not isinstance(state, Paused) or not state.quitting:
        return []
    if stop:
        # Stored with the session: the rules read why (only pain costs a step).
        run.session.stop_reason = quit_reason(reason or SkipReason.OTHER)
        run.session.runner.abort()
        return finish(host, SessionStatus.STOPPED)
    host.state = At(Stage.PLAYING)
    return [MoveOn(tuple(state.resume()))]
