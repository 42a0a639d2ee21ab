"""What safety asks for at a start, as a pure function of what the history holds.

Whether the red-flag checklist is due, which warning sign still needs its follow-up,
whether an urgent answer blocks today, whether a checklist answer still asks for a
review, and whether a function check is offered: all of it follows from the stored
facts (:class:`SafetyFacts`, read in one place by the store), never from what one run of
coach remembers. So leaving and starting again, or a second coach, sees the same.

The rules (see the domain brief, shared/domain.md: screen before the first session and
periodically, ask again when a pain answer is alarming, follow up at the next start
after any warning sign):

* a warning sign reported after a set or after a function check's holds waits for its
  follow-up until a follow-up lets the person go on; one that does covers that sign and
  every sign stored before it was answered;
* the checklist is due before the first session, every few weeks, at the next start
  after an urgent or same-day answer, after a follow-up that let the person go on was
  answered since the last checklist, and after a session stopped for very high pain
  since the last checklist;
* while a warning sign waits, no function check is offered (its holds are maximal).

Times are compared as stored: UTC stamps of one format (:func:`coach.engine.clock.stamp`),
so their text sorts as time does. A tie counts as 'after': asking once more is the safe
side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.engine.followup import FollowUpDue, SignSource
from coach.engine.screening import LastScreening, Outcome, blocked_today, is_due

__all__ = ["FollowedUp", "SafetyDue", "SafetyFacts", "open_sign", "safety_due"]

SCREENING_WEEKS = 4
"""The settings' default weeks between checklists (and between function checks)."""


@dataclass(frozen=True, slots=True)
class FollowedUp:
    """The follow-ups as stored, as far as they decide what is due."""

    session_uid: str = ""
    """The latest session a follow-up that let the person go on was about, by its uid
    (time-ordered: a session's uid sorts by its start), "" for none."""
    check_uid: str = ""
    """The latest function check such a follow-up was about, the same way ("": none)."""
    cleared_at: str | None = None
    """When the latest follow-up that let the person go on was answered."""


@dataclass(frozen=True, slots=True)
class SafetyFacts:
    """What the history holds that decides what safety asks for at a start."""

    last_screening: LastScreening | None = None
    signs: tuple[FollowUpDue, ...] = ()
    """The latest warning sign of a session and the latest of a function check, and
    those of sessions still waiting in the journal."""
    followed_up: FollowedUp = FollowedUp()
    last_high_pain_stop: str | None = None
    """When the latest session stopped for very high pain ended (a UTC stamp), in the
    history or waiting in the journal."""
    last_check: date | None = None
    """The day of the last function check with a hold done."""
    has_sessions: bool = False


@dataclass(frozen=True, slots=True)
class SafetyDue:
    """What a start must do first, and what home says."""

    follow_up: FollowUpDue | None
    """A warning sign to ask about before anything else."""
    checklist: bool
    """The red-flag checklist comes before the next session or check."""
    blocked: bool
    """An urgent answer today: no session until tomorrow."""
    review: LastScreening | None
    """The last checklist asked for a clinician's review and no later one cleared it."""
    check: bool
    """Home offers a function check."""


def open_sign(facts: SafetyFacts) -> FollowUpDue | None:
    """The latest warning sign no follow-up has let the person go on from."""
    done = facts.followed_up

    def covered(sign: FollowUpDue) -> bool:
        # Every sign of a session (or check) that started no later than the one a
        # follow-up cleared: uids are time-ordered, like the facts they name.
        upto = done.session_uid if sign.source is SignSource.SESSION else done.check_uid
        if sign.sign_uid is not None and upto and sign.sign_uid <= upto:
            return True
        # A follow-up answered after the sign was stored covers it, wherever it was.
        return sign.at is not None and done.cleared_at is not None and sign.at < done.cleared_at

    waiting = [sign for sign in facts.signs if not covered(sign)]
    if not waiting:
        return None
    # A sign whose time is unknown (a session its coach never closed) counts as newest.
    return max(waiting, key=lambda sign: (sign.at is None, sign.at or ""))


def _since(moment: str | None, last: LastScreening) -> bool:
    return moment is not None and moment >= last.taken_at


def safety_due(
    facts: SafetyFacts,
    today: date,
    *,
    screening_weeks: int = SCREENING_WEEKS,
    check_weeks: int = SCREENING_WEEKS,
) -> SafetyDue:
    """What is due on ``today`` given ``facts`` (see the module's docstring)."""
    # Here, not at the top: the store imports this module before the first frame, and
    # the checks package is not light.
    from coach.engine.checks.flow import check_due

    last = facts.last_screening
    follow_up = open_sign(facts)
    checklist = is_due(last, today, screening_weeks)
    if last is not None and not checklist:
        checklist = _since(facts.followed_up.cleared_at, last) or _since(
            facts.last_high_pain_stop, last
        )
    blocked = blocked_today(last, today)
    review = last if last is not None and last.outcome is Outcome.REVIEW else None
    check = (
        follow_up is None
        and not blocked
        and check_due(facts.last_check, today, check_weeks, has_sessions=facts.has_sessions)
    )
    return SafetyDue(follow_up, checklist, blocked, review, check)
