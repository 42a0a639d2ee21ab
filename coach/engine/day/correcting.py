"""Correcting the last rating, during play or on the summary. A correction is a rating
like any other: stored wherever the session is before it is acknowledged, then acted on
(during play as a new rating; on the summary, the session's outcome and next time's plan
are decided again). Withdrawing a warning sign is asked first: keeping it is the
default, and the first answer stays in the history beside the correction."""

from __future__ import annotations

from dataclasses import replace

from coach.engine.day.closing import revise, summary_again
from coach.engine.day.context import Host
from coach.engine.day.ends import advise
from coach.engine.day.keeping import lost, note_written
from coach.engine.day.messages import (
    AdviceKind,
    AskCorrection,
    CorrectSet,
    MoveOn,
    Notice,
    Output,
    ReviseSession,
    SessionEnd,
    Tone,
)
from coach.engine.day.playing import after_rating
from coach.engine.day.stages import Advising, At, Correcting, Stage
from coach.engine.followup import sign_words
from coach.engine.records import PainAnswer, SetRecord, Written
from coach.format.v1 import Scaling


def correct_asked(host: Host) -> list[Output]:
    run = host.run
    if run is None or host.state.stage not in (Stage.PLAYING, Stage.SUMMARY):
        return []
    session = run.session
    record = session.last_record
    if record is None:
        return [Notice("No set has been rated yet in this session.", seconds=4)]
    head: list[Output] = []
    if host.state.stage is Stage.PLAYING:
        host.state = Correcting(after=False, resume=session.hold_still())
        head = [MoveOn()]
    else:
        host.state = Correcting(after=True)
    item = session.plan.exercises[record.exercise_index]
    limits = session.scaling.get(item.program_id, Scaling())
    title = (
        f"Correct your rating: {record.exercise_name}, set {record.set_number} of "
        f"{record.sets_planned}"
    )
    return [
        *head,
        AskCorrection(title, limits.safe_max, limits.acceptable_max, record.answer),
    ]


def correction_answered(host: Host, answer: PainAnswer | None) -> list[Output]:
    run, state = host.run, host.state
    if run is None or not isinstance(state, Correcting):
        return []
    last = run.session.last_record
    assert last is not None
    if answer is None or answer == last.answer:
        return correction_done(host)
    withdrawn = _withdrawn(last.answer, answer)
    if withdrawn:
        # Withdrawing a warning sign is asked first; keeping it is the default.
        return advise(
            host,
            Advising(AdviceKind.WITHDRAW, withdrawing=answer, back=state),
            "Withdraw a warning sign?",
            f"You reported {_listed(withdrawn)} after {last.exercise_name}, set "
            f"{last.set_number}. Withdraw it only if it was a slip of the key. If you "
            "felt it, keep it: it is what your clinician needs to know. Your first "
            "answer stays in your history beside the correction.",
            go_on="Withdraw it: it was a slip",
        )
    return _correct_with(host, state, answer)


def withdraw_answered(host: Host, advising: Advising, go_on: bool) -> list[Output]:
    """Back to the correction the question interrupted: withdraw, or keep the sign."""
    assert advising.back is not None and advising.withdrawing is not None
    host.state = advising.back
    if go_on:
        return _correct_with(host, advising.back, advising.withdrawing)
    return correction_done(host)


def _correct_with(host: Host, state: Correcting, answer: PainAnswer) -> list[Output]:
    session = host.played().session
    last = session.last_record
    assert last is not None
    before = last.answer
    record = session.correct(answer)
    opening = host.keeping.opening
    if host.rehearsal or opening is None:
        return _corrected(host, record)  # nothing is stored
    host.state = replace(state, before=before)
    # The correction goes wherever the session is, like any rating: with every set
    # still waiting for the history, in its place among them.
    waiting = [r for r in host.keeping.unsaved if not _same_set(r, record)]
    records = (*waiting, record)
    if not state.after:
        return [CorrectSet(opening, records, record)]
    status, reason, after = revise(host, record)
    advice = [a for p in after.programs.values() for a in p.advice]
    end = SessionEnd(status, reason, after.decisions, tuple(advice))
    return [ReviseSession(opening, records, record, end)]


def set_corrected(host: Host, record: SetRecord, written: Written) -> list[Output]:
    run, state = host.run, host.state
    if run is None or not isinstance(state, Correcting):
        return []
    session = run.session
    problem = lost(written)
    if problem is not None:
        # Not stored: the first rating stands, on screen as in the history.
        assert state.before is not None
        session.correct(state.before)
        if state.after:
            revise(host, session.last_record or record)
        notice = Notice(
            f"Could not store the corrected rating: {problem}. The history keeps the first one.",
            Tone.ERROR,
            12,
        )
        return [notice, *correction_done(host)]
    waiting = tuple(r for r in host.keeping.unsaved if not _same_set(r, record))
    # On the summary, the summary says where it is.
    notes = note_written(host, (*waiting, record), written, closing=state.after)
    return [*notes, *_corrected(host, record)]


def _corrected(host: Host, record: SetRecord) -> list[Output]:
    """The correction is stored: act on it as on a new rating."""
    state = host.state
    assert isinstance(state, Correcting)
    note = Notice(
        f"Corrected: {record.exercise_name}, set {record.set_number}, pain "
        f"{'not rated' if record.answer.pain is None else f'{record.answer.pain}/10'}.",
        seconds=5,
    )
    if state.after:
        return [note, *summary_again(host)]
    host.state = At(Stage.PLAYING)
    outcome = host.played().session.after_correction(record)
    return [note, *after_rating(host, outcome, record, state.resume)]


def correction_done(host: Host) -> list[Output]:
    """Back where the correction was asked from, nothing changed."""
    state = host.state
    if isinstance(state, Correcting) and state.after:
        host.state = At(Stage.SUMMARY)
        return []
    host.state = At(Stage.PLAYING)
    resume = state.resume if isinstance(state, Correcting) else None
    return [MoveOn(tuple(resume()))] if resume is not None else []


def _withdrawn(before: PainAnswer, after: PainAnswer) -> tuple[str, ...]:
    """The warning signs of ``before`` that ``after`` no longer has, in words."""
    was = sign_words(before.numbness, before.leg_weakness, before.pain_below_knee)
    now = sign_words(after.numbness, after.leg_weakness, after.pain_below_knee)
    return tuple(words for words in was if words not in now)


def _listed(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _same_set(a: SetRecord, b: SetRecord) -> bool:
    return (a.session_uid, a.exercise_index, a.set_number, a.attempt) == (
        b.session_uid,
        b.exercise_index,
        b.set_number,
        b.attempt,
    )
