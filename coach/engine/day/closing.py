"""The end of a session: closing it with the decisions for next time, the summary (the
advice first after a warning sign), the level offer, the note, and home again.

The session ends in one write (its last sets, its outcome and next time's decisions
together), so an end is never stored without the ratings it was decided from.
"""

from __future__ import annotations

from dataclasses import replace

from coach.engine.day.context import Host, Run
from coach.engine.day.ends import SIGN_STAYS, advise, blocked, load
from coach.engine.day.keeping import note_written, where
from coach.engine.day.messages import (
    AdviceKind,
    AskLevel,
    CloseSession,
    Leave,
    LevelChoice,
    Notice,
    Output,
    SessionEnd,
    ShowSummary,
    StoreLevelMove,
    StoreNote,
)
from coach.engine.day.stages import Advising, At, Stage
from coach.engine.followup import FollowUpDue, SignSource, sign_words
from coach.engine.planning import Planned, programs_of
from coach.engine.records import (
    HIGH_PAIN,
    RED_FLAG_REASON,
    REST_DAY,
    SIGN_WITHDRAWN,
    Kept,
    PainAnswer,
    SessionStatus,
    SetRecord,
    Written,
    quit_skip,
)
from coach.engine.scaling import Advice, Rule
from coach.engine.session import RED_FLAG_ADVICE, SessionController
from coach.format.text import typed


def finish(host: Host, status: SessionStatus) -> list[Output]:
    """The session is over (played to the end, stopped, or a warning sign): close it
    with next time's plan, decided now from the history and this session."""
    run, day = host.played(), host.loaded_day()
    session = run.session
    if session.status is not SessionStatus.RED_FLAG:
        session.status = status
    after = session.plan_after(day.loaded, day.histories, day.moves, host.today(), day.starts)
    host.run = replace(run, after=after)
    host.state = At(Stage.CLOSING)
    opening = host.keeping.opening
    if host.rehearsal or opening is None:
        return closed(host, (), Written(Kept.HISTORY))
    status = session.status
    reason = RED_FLAG_REASON if status is SessionStatus.RED_FLAG else session.stop_reason
    advice = [*run.day_advice, *(a for p in after.programs.values() for a in p.advice)]
    if reason == HIGH_PAIN:
        peak = max((s.pain for s in session.rated if s.pain is not None), default=None)
        advice.append(
            Advice("", Rule.HIGH_PAIN, f"Stopped for today at pain {peak}/10.", {"peak": peak})
        )
    end = SessionEnd(status, reason, after.decisions, tuple(advice))
    return [CloseSession(opening, end, host.keeping.unsaved)]


def closed(host: Host, records: tuple[SetRecord, ...], written: Written) -> list[Output]:
    """The session is closed (wherever it went): the summary, or home after a rest day."""
    run = host.run
    if run is None or run.after is None or host.state.stage is not Stage.CLOSING:
        return []
    session, after = run.session, run.after
    notes = note_written(host, records, written, closing=True)
    if session.stop_reason == REST_DAY:
        notice = Notice(
            "Rest day noted. Gentle walking and changing position often help; see a "
            "doctor or physiotherapist if the pain does not settle.",
            seconds=12,
        )
        return [*notes, notice, *blocked(host)]
    summary = ShowSummary(session.summary(after), where(host))
    if session.status is SessionStatus.RED_FLAG:
        # Stored as a red flag: now the advice, then the summary.
        host.safety = replace(host.safety, follow_up=sign_of(host, session))
        return [*notes, *_red_flag_advice(host, summary)]
    host.state = At(Stage.SUMMARY)
    outputs: list[Output] = [*notes, summary]
    # Stopped by the person for a reason (pain, no time...) counts as settled too.
    settled = session.stop_reason is None or quit_skip(session.stop_reason) is not None
    if settled and not host.rehearsal:
        outputs.extend(_offer_level(host, run, after))
    return outputs


def _red_flag_advice(host: Host, summary: ShowSummary) -> list[Output]:
    return advise(
        host,
        Advising(AdviceKind.RED_FLAG, then=(summary,)),
        "Please stop and see a clinician",
        RED_FLAG_ADVICE,
    )


def red_flag_seen(host: Host, advising: Advising) -> list[Output]:
    """The session is already closed as a red flag: on to its summary."""
    if advising.then:
        host.state = At(Stage.SUMMARY)
        return list(advising.then)
    return blocked(host, SIGN_STAYS)


def sign_of(host: Host, session: SessionController) -> FollowUpDue | None:
    """The follow-up a warning sign in ``session`` calls for, if it had one."""
    follow_up = host.safety.follow_up
    if session.status is not SessionStatus.RED_FLAG:
        if follow_up is not None and follow_up.session_uid == session.uid:
            return None  # the sign was withdrawn (a corrected rating)
        return follow_up
    in_history = host.keeping.kept is Kept.HISTORY
    if not session.uid or not in_history or host.rehearsal:
        # Not in the history (a rehearsal, or kept in the journal): its sign is read
        # from where it is at the next start.
        return follow_up
    last = session.last_record
    answer = last.answer if last is not None else PainAnswer(None)
    signs = sign_words(answer.numbness, answer.leg_weakness, answer.pain_below_knee)
    return FollowUpDue(session.uid, host.today(), signs, SignSource.SESSION)


def _offer_level(host: Host, run: Run, after: Planned) -> list[Output]:
    """Ask about the first level move the engine offers; the person decides."""
    programs = after.programs.values()
    offers = [(p, p.offer_up, True) for p in programs if p.offer_up is not None] + [
        (p, p.offer_down, False) for p in programs if p.offer_down is not None
    ]
    if not offers:
        return []
    program_plan, to_level, up = offers[0]
    name = next(
        (
            e.program_name
            for e in run.session.plan.exercises
            if e.program_id == program_plan.program_id
        ),
        program_plan.program_id,
    )
    host.run = replace(run, level_offer=(program_plan.program_id, program_plan.level, to_level))
    # What the file says of the two levels: the criterion of the one left, and what the
    # one offered is for (issue 25: the stage criterion at the moment of decision).
    program = next(
        (p for p, _ in programs_of(host.loaded_day().loaded) if p.id == program_plan.program_id),
        None,
    )
    if program is None:
        return [AskLevel(name, program_plan.level, to_level, up)]
    here = program.levels[program.level_number(program_plan.level) - 1]
    there = program.levels[program.level_number(to_level) - 1]
    return [
        AskLevel(
            name,
            program_plan.level,
            to_level,
            up,
            here.advance_when if up else "",
            there.name,
            there.description,
        )
    ]


def level_answered(host: Host, accepted: bool) -> list[Output]:
    run = host.run
    if run is None or run.level_offer is None:
        return []
    offer = run.level_offer
    host.run = replace(run, level_offer=None)
    opening = host.keeping.opening
    if opening is None:
        return []  # a rehearsal: nothing is stored
    program_id, from_level, to_level = offer
    choice = LevelChoice(program_id, from_level, to_level, accepted)
    return [StoreLevelMove(opening, choice)]


def summary_done(host: Host, note: str) -> list[Output]:
    """Done: keep the note (if any, and if the session was stored), then home."""
    if host.state.stage is not Stage.SUMMARY:
        return []
    # As typed, without what a terminal would act on (the input refuses it too).
    note = typed(note)
    opening = host.keeping.opening
    if note and host.run is not None and opening is not None:
        # Kept with the session, wherever it is (the history, or its journal).
        host.state = At(Stage.NOTING)
        return [StoreNote(opening, note)]
    return after_summary(host)


def after_summary(host: Host) -> list[Output]:
    """Home again, with today's plan read afresh; out when started by 'coach run'."""
    if host.skip_home:
        host.state = At(Stage.LEFT)
        return [Leave()]
    host.run = None
    return [load(host, host.source, next_due=True)]


def revise(host: Host, record: SetRecord) -> tuple[SessionStatus, str | None, Planned]:
    """The session's outcome and next time's plan with ``record`` in it (a correction
    on the summary)."""
    run, day = host.played(), host.loaded_day()
    session = run.session
    if record.answer.red_flag:
        session.status, session.stop_reason = SessionStatus.RED_FLAG, None
    elif session.status is SessionStatus.RED_FLAG:
        # The warning sign was a slip, corrected: the session did stop there.
        session.status, session.stop_reason = SessionStatus.STOPPED, SIGN_WITHDRAWN
    after = session.plan_after(day.loaded, day.histories, day.moves, host.today(), day.starts)
    host.run = replace(run, after=after)
    reason = RED_FLAG_REASON if session.status is SessionStatus.RED_FLAG else session.stop_reason
    return session.status, reason, after


def summary_again(host: Host) -> list[Output]:
    """The summary, redrawn after a correction (the advice first for a new sign)."""
    run = host.played()
    session, after = run.session, run.after
    assert after is not None
    host.safety = replace(host.safety, follow_up=sign_of(host, session))
    summary = ShowSummary(session.summary(after), where(host))
    if session.status is SessionStatus.RED_FLAG:
        return _red_flag_advice(host, summary)
    host.state = At(Stage.SUMMARY)
    return [summary]
