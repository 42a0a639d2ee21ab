"""What safety asks before a session, in order: an urgent answer earlier today holds
everything; a warning sign of an earlier session or check is followed up first; then the
red-flag checklist when it is due; then, and only then, the baseline question (or the
function check the person asked for).

What is due is derived from the stored facts at every load (:func:`due_from`), never
remembered from an earlier run; answers change it only once they are stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from coach.engine.day.context import Host
from coach.engine.day.ends import (
    ADVISED,
    NOT_FOLLOWED_UP,
    NOT_SCREENED,
    SIGN_STAYS,
    advise,
    blocked,
    load,
)
from coach.engine.day.keeping import stored
from coach.engine.day.messages import (
    AdviceKind,
    AskFollowUp,
    AskScreening,
    Notice,
    Output,
    StoreFollowUp,
    StoreScreening,
)
from coach.engine.day.opening import ask_baseline
from coach.engine.day.stages import Advising, FollowingUp, Screening, Stage
from coach.engine.day.views import safety_notes
from coach.engine.followup import FollowUpAnswer, next_step
from coach.engine.safety import SafetyDue, SafetyFacts, safety_due
from coach.engine.screening import URGENT_TODAY_ADVICE, LastScreening, Outcome, assess
from coach.engine.signs import TIER_ADVICE, blocks_until_seen


def due_from(
    host: Host,
    facts: SafetyFacts,
    *,
    unreadable: bool,
    screening_weeks: int,
    check_weeks: int,
) -> SafetyDue:
    """What is due, read from what the history holds: a new coach, started a minute
    later, asks the same. An urgent answer earlier in this run still holds."""
    due = safety_due(facts, host.today(), screening_weeks=screening_weeks, check_weeks=check_weeks)
    old = host.safety
    # A sign after a check the history could not keep brings no follow-up: the
    # checklist is asked all the same.
    unkept_sign = old.check_sign and due.follow_up is None
    host.safety = replace(
        old,
        follow_up=due.follow_up,
        screening_due=unreadable or due.checklist or unkept_sign,
        blocked=old.blocked or due.blocked,
        review=due.review,
        check_due=due.check,
        shown=safety_notes(due),
        check_sign=False,
    )
    return due


def start(host: Host) -> list[Output]:
    """Start was pressed (or 'coach run' started): the first safety step that applies."""
    safety, day = host.safety, host.day
    if safety.blocked:
        # An urgent answer earlier today: whatever is pressed, no session until
        # tomorrow (a rehearsal neither).
        title = TIER_ADVICE[Outcome.URGENT][0]
        return advise(host, Advising(AdviceKind.URGENT), title, URGENT_TODAY_ADVICE)
    cannot_save = day.cannot_save if day is not None else None
    without_saving = day is not None and day.without_saving
    if cannot_save is not None and not host.rehearsal:
        # Never play a session whose ratings have nowhere to go unless the person
        # agrees, knowing it.
        return advise(
            host,
            Advising(AdviceKind.CANNOT_SAVE),
            "coach cannot save this session",
            f"{cannot_save}\n\nTo keep your history, choose another folder for "
            "it (or leave, free some space, and start coach again, with --data-dir and a "
            "folder you can write). You can also exercise now without saving: nothing of "
            "this session will be recorded, and tomorrow's plan will not count it.",
            go_on="Exercise without saving",
        )
    if host.rehearsal and without_saving:
        return ask_baseline(host)
    if host.rehearsal and safety.follow_up is not None:
        # A rehearsal stores nothing, so it cannot answer the follow-up: it shows
        # the sign and stops, never plays past it.
        return advise(
            host,
            Advising(AdviceKind.FOLLOW_UP),
            "A warning sign waits for its follow-up",
            f"{safety.follow_up.question()} A rehearsal does not play while it waits. "
            "Start coach at normal speed to say how it is now and whether a clinician "
            "has seen it.",
        )
    if host.rehearsal:
        # A coach trying a session out on someone's machine: no checklist, no history.
        notice = Notice(
            f"Rehearsal at {host.speed:g}x: nothing is stored and the plan does not change.",
            seconds=10,
        )
        return [notice, *ask_baseline(host)]
    if safety.follow_up is not None:
        host.state = FollowingUp()
        return [AskFollowUp(safety.follow_up.question())]
    return checklist_or_baseline(host)


def checklist_or_baseline(host: Host, note: str = "") -> list[Output]:
    if host.safety.screening_due:
        host.state = Screening()
        return [AskScreening(note)]
    return ask_baseline(host)


# -- the checklist -----------------------------------------------------------------------


def screening_answered(host: Host, answers: Mapping[str, bool] | None) -> list[Output]:
    if host.state.stage is not Stage.SCREENING:
        return []
    if answers is None:
        return blocked(host, NOT_SCREENED)  # not now: nothing stored, no session
    host.state = Screening(tuple(key for key, yes in answers.items() if yes))
    day = host.day
    if day is not None and day.without_saving:
        return _screened(host, assess(answers))  # agreed: nothing is stored
    return [StoreScreening(dict(answers), assess(answers), host.today())]


def screening_stored(host: Host, outcome: Outcome, problem: str | None) -> list[Output]:
    state = host.state
    ticked = state.ticked if isinstance(state, Screening) else ()
    if not problem:
        # As the next start reads it from the history: a review asked for stands on
        # home until a later checklist clears it.
        review = LastScreening("", host.today(), outcome, ticked)
        host.safety = replace(host.safety, review=review if outcome is Outcome.REVIEW else None)
    return [*stored(host, problem), *_screened(host, outcome)]


def _screened(host: Host, outcome: Outcome) -> list[Output]:
    state = host.state
    ticked = state.ticked if isinstance(state, Screening) else ()
    if outcome is Outcome.CLEAR:
        host.safety = replace(host.safety, screening_due=False)
        return ask_baseline(host)
    title, body = TIER_ADVICE[outcome]
    if outcome is Outcome.URGENT:
        host.safety = replace(host.safety, blocked=True)
        return advise(host, Advising(AdviceKind.URGENT), title, body)
    if outcome is Outcome.SAME_DAY:
        go_on = "I have already seen a doctor about this"
        return advise(host, Advising(AdviceKind.SAME_DAY), title, body, go_on=go_on)
    # A review: gentle exercise is the person's call, unless a line ticked holds
    # sessions until a clinician has seen it (as the same sign after a set does).
    go_on = (
        "A clinician has seen this and said I can exercise"
        if blocks_until_seen(ticked)
        else "Exercise gently today anyway"
    )
    return advise(host, Advising(AdviceKind.REVIEW), title, body, go_on=go_on)


# -- a warning sign last time -------------------------------------------------------------


def follow_up_answered(host: Host, answer: FollowUpAnswer | None) -> list[Output]:
    if host.safety.follow_up is None or host.state.stage is not Stage.FOLLOW_UP:
        return []
    if answer is None:
        return blocked(host, NOT_FOLLOWED_UP)
    step = next_step(answer)
    if step.choice is not None:
        # Going on is the person's call, on their clinician's word: asked first.
        advising = Advising(AdviceKind.FOLLOW_UP, follow_up=answer)
        return advise(host, advising, step.title, step.body, go_on=step.choice)
    return _store_follow_up(host, answer, cleared=step.go_on, went_on=False)


def _store_follow_up(
    host: Host, answer: FollowUpAnswer, *, cleared: bool, went_on: bool
) -> list[Output]:
    due = host.safety.follow_up
    assert due is not None
    host.state = FollowingUp(answer, went_on)
    return [StoreFollowUp(due, answer, cleared, host.today())]


def follow_up_stored(host: Host, problem: str | None) -> list[Output]:
    state = host.state
    if not isinstance(state, FollowingUp) or state.answer is None:
        return []
    step = next_step(state.answer)
    host.state = FollowingUp()
    outputs = stored(host, problem)
    if not (step.go_on or state.went_on):
        if step.choice is not None:
            return [*outputs, *blocked(host, SIGN_STAYS)]
        # Still there and nobody has seen it: say so, then home.
        return [*outputs, *advise(host, Advising(AdviceKind.FOLLOW_UP), step.title, step.body)]
    # The checklist again, whenever it was last answered: a sign may have come since.
    host.safety = replace(host.safety, follow_up=None, screening_due=True)
    # What the follow-up says goes inside the checklist that follows, never as a
    # notice laid over it.
    note = f"{step.title}. {step.body}" if step.title else ""
    return [*outputs, *checklist_or_baseline(host, note)]


# -- answers to the safety advice ---------------------------------------------------------


def advice_answered(host: Host, advising: Advising, go_on: bool) -> list[Output]:
    """The answer to advice safety showed (the checklist's, the follow-up's, or that
    nothing can be saved)."""
    kind = advising.kind
    if kind is AdviceKind.CANNOT_SAVE:
        if not go_on:
            return blocked(host)
        day = host.loaded_day()
        host.day = replace(day, without_saving=True)
        # The checklist still comes first; only nothing of it is stored.
        follow_up = host.safety.follow_up
        if follow_up is not None:
            host.state = FollowingUp()
            return [AskFollowUp(follow_up.question())]
        return checklist_or_baseline(host)
    if kind is AdviceKind.FOLLOW_UP:
        if advising.follow_up is None:
            # The advice after a follow-up that did not clear, or a rehearsal held
            # by a sign that waits for its follow-up.
            return blocked(host, SIGN_STAYS)
        return _store_follow_up(host, advising.follow_up, cleared=go_on, went_on=go_on)
    if kind in (AdviceKind.REVIEW, AdviceKind.SAME_DAY) and go_on:
        return ask_baseline(host)
    return blocked(host, ADVISED.get(kind, ""))


# -- a function check (coach.engine.checks plays it) --------------------------------------


def start_check(host: Host) -> list[Output]:
    """Home's check key: the safety steps first, like a session."""
    if host.state.stage is not Stage.HOME:
        return []
    if host.rehearsal:
        return [Notice("A rehearsal does not do function checks.", seconds=6)]
    host.safety = replace(host.safety, check_wanted=True)
    return start(host)


def check_finished(host: Host, red_flag: bool) -> list[Output]:
    if host.state.stage is not Stage.CHECKING:
        return []
    # Home again, read afresh: what the check stored decides what is due now. A nerve
    # symptom after its holds waits for its follow-up like one during a session
    # (then the checklist), before any exercise or another check.
    host.safety = replace(host.safety, check_sign=red_flag)
    return [load(host, host.source)]
