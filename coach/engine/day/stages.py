"""Where the day is: its :class:`Stage`, and for each stage a frozen state holding only
what that stage needs (the rating being saved, the paused player, the advice's kind...).

A transition replaces the state whole. Nothing of a stage outlives it by accident: what
a later stage needs is handed over explicitly (a correction carries the paused player
into the advice that asks about a withdrawn sign, and back), so reading a state says
everything the stage can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from coach.engine.day.messages import AdviceKind, Output
from coach.engine.followup import FollowUpAnswer
from coach.engine.records import PainAnswer, SetRecord
from coach.engine.resume import ResumeOption
from coach.engine.runner import RunnerEvent


class Stage(StrEnum):
    LOADING = "loading"
    FAILED = "failed"
    RESUME = "resume question"
    HOME = "home"
    FOLLOW_UP = "warning-sign follow-up"
    SCREENING = "screening"
    ADVICE = "advice"
    BASELINE = "baseline"
    OPENING = "opening the session"
    PLAYING = "playing"
    RATING = "rating"
    SAVING = "saving a set"
    SKIPPING = "skip question"
    CORRECTING = "correcting a rating"
    CORRECTING_AFTER = "correcting a rating after the session"
    QUITTING = "quit question"
    RESTING = "storing a rest day"
    CLOSING = "closing the session"
    SUMMARY = "summary"
    NOTING = "storing the note on a session"
    LEFT = "left"
    CHECKING = "function check"


Resume = Callable[[], list[RunnerEvent]]
"""Starts a player held still (for a question) again, returning its events."""


@dataclass(frozen=True, slots=True)
class At:
    """A stage with no data of its own (home, the baseline question, playing...)."""

    stage: Stage


@dataclass(frozen=True, slots=True)
class Resuming:
    """The question about an interrupted session."""

    offer: ResumeOption

    @property
    def stage(self) -> Stage:
        return Stage.RESUME


@dataclass(frozen=True, slots=True)
class Opening:
    """The session is being stored before it plays."""

    claimed: ResumeOption | None = None
    """The interrupted session being resumed: when another coach holds it, the day is
    loaded again without it."""
    resting: bool = False
    """A rest day: stored, then closed at once (nothing plays)."""

    @property
    def stage(self) -> Stage:
        return Stage.RESTING if self.resting else Stage.OPENING


@dataclass(frozen=True, slots=True)
class Screening:
    """The red-flag checklist."""

    ticked: tuple[str, ...] = ()
    """The questions answered yes, while their answers are being stored: the advice
    that follows depends on which."""

    @property
    def stage(self) -> Stage:
        return Stage.SCREENING


@dataclass(frozen=True, slots=True)
class FollowingUp:
    """The question about an earlier warning sign, then storing its answer."""

    answer: FollowUpAnswer | None = None
    """Given, while it is being stored (None while asked)."""
    went_on: bool = False
    """The person chose to go on from the advice the answer called for."""

    @property
    def stage(self) -> Stage:
        return Stage.FOLLOW_UP


@dataclass(frozen=True, slots=True)
class Saving:
    """A rated set being stored: acknowledged only once it is on the disk."""

    record: SetRecord

    @property
    def stage(self) -> Stage:
        return Stage.SAVING


@dataclass(frozen=True, slots=True)
class Paused:
    """A question asked during play (skip, quit) with the player held still: the clock
    must not run while the person reads."""

    quitting: bool
    resume: Resume

    @property
    def stage(self) -> Stage:
        return Stage.QUITTING if self.quitting else Stage.SKIPPING


@dataclass(frozen=True, slots=True)
class Correcting:
    """Correcting the last rating, during play or on the summary."""

    after: bool
    """On the summary: the session's outcome and next time's plan follow the correction."""
    resume: Resume | None = None
    """During play: the player, held still until the correction is done."""
    before: PainAnswer | None = None
    """The first answer, while the correction is being stored: it stands again if the
    correction cannot be kept."""

    @property
    def stage(self) -> Stage:
        return Stage.CORRECTING_AFTER if self.after else Stage.CORRECTING


@dataclass(frozen=True, slots=True)
class Advising:
    """Advice on screen; what the answer does depends on its kind, and on the data the
    kind needs (each field below names the kind that uses it)."""

    kind: AdviceKind
    then: tuple[Output, ...] = ()
    """RED_FLAG: what follows the advice (the summary of the session it closed)."""
    resume: Resume | None = None
    """HIGH_PAIN after a corrected rating: the player, held still."""
    withdrawing: PainAnswer | None = None
    """WITHDRAW: the corrected answer that would withdraw a warning sign..."""
    back: Correcting | None = None
    """...and the correction it interrupts, returned to whatever is chosen."""
    follow_up: FollowUpAnswer | None = None
    """FOLLOW_UP: the answer about the earlier sign (None: nothing to store, the sign
    holds the session)."""
    baseline: int | None = None
    """REST_DAY: this morning's pain."""

    @property
    def stage(self) -> Stage:
        return Stage.ADVICE


StageState = (
    At | Resuming | Opening | Screening | FollowingUp | Saving | Paused | Correcting | Advising
)
