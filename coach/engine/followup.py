"""After a warning sign during a session or a function check: what the next start asks,
and what follows.

A warning sign reported after a set, or after the holds of a function check (numbness
or tingling, weakness in a leg, pain spreading below the knee), stops it with advice to
see a clinician. The next start asks, before anything else, whether the sign has gone
and whether a clinician has been seen, then runs the red-flag checklist again. What
the answers allow:

* the sign has gone: go on (with a word to mention it at the next visit when nobody has
  seen it yet);
* it is still there (better or not) and a clinician has seen it: go on only on their
  advice, which the person confirms ("Not today" is the default);
* it is still there and nobody has seen it: no session; the question comes back at the
  next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from coach.engine.signs import IN_SESSION

__all__ = [
    "FollowUpAnswer",
    "FollowUpDue",
    "FollowUpStep",
    "SignSource",
    "Symptoms",
    "next_step",
    "sign_words",
]


class Symptoms(StrEnum):
    """The warning sign now, as the person says."""

    GONE = "gone"
    BETTER = "better"
    """Better, but not gone."""
    SAME = "same"
    """The same, or worse."""


class SignSource(StrEnum):
    """Where a warning sign was reported: its identity is this and that fact's uid."""

    SESSION = "session"
    CHECK = "check"
    """After the holds of a function check (its pain-after question)."""


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    """A warning sign (of a session or a function check) not yet followed up."""

    sign_uid: str | None
    """The uid of the session, or of the function check, the sign was reported in (the
    same in the history, the journal and a merged copy; never a row id); None when it is
    not known."""
    day: date
    signs: tuple[str, ...]
    """What was reported, in words ('numbness or tingling', ...); may be empty."""
    source: SignSource = SignSource.SESSION
    at: str | None = None
    """When it was stored (a UTC stamp), when known: a follow-up answered after that
    covers it (see :mod:`coach.engine.safety`)."""

    @property
    def session_uid(self) -> str | None:
        return self.sign_uid if self.source is SignSource.SESSION else None

    @property
    def check_uid(self) -> str | None:
        return self.sign_uid if self.source is SignSource.CHECK else None

    def question(self) -> str:
        """'On Monday 30 November you reported numbness or tingling.'"""
        what = _joined(self.signs) if self.signs else "a warning sign"
        after = ", after the function check," if self.source is SignSource.CHECK else ""
        return f"On {self.day:%A} {self.day.day} {self.day:%B}{after} you reported {what}."


@dataclass(frozen=True, slots=True)
class FollowUpAnswer:
    symptoms: Symptoms
    clinician_seen: bool


@dataclass(frozen=True, slots=True)
class FollowUpStep:
    """What follows an answer: go on at once, ask first (advice with a way on), or stop."""

    go_on: bool
    """Cleared without a question: on to the checklist."""
    title: str = ""
    body: str = ""
    choice: str | None = None
    """The label of the way on, when the person may choose (the default is to stay)."""


def next_step(answer: FollowUpAnswer) -> FollowUpStep:
    """What the answers allow (see the module's docstring)."""
    if answer.symptoms is Symptoms.GONE:
        if answer.clinician_seen:
            return FollowUpStep(go_on=True)
        return FollowUpStep(
            go_on=True,
            title="Good that it has gone",
            body=(
                "Please mention it to your doctor or physiotherapist at your next visit. "
                "If it comes back, stop and see them before exercising again."
            ),
        )
    if answer.clinician_seen:
        return FollowUpStep(
            go_on=False,
            title="Only as your clinician advised",
            body=(
                "The sign is still there. Exercise only if your doctor or physiotherapist "
                "said you can, and stop at once if it gets worse. If it spreads, or you "
                "notice numbness around the groin or changes in your bladder or bowels, get "
                "emergency care."
            ),
            choice="My clinician said I can exercise",
        )
    return FollowUpStep(
        go_on=False,
        title="Please see a clinician first",
        body=(
            "The sign is still there and nobody has looked at it yet. Please see your doctor "
            "or physiotherapist before you exercise again; coach will ask again next time. "
            "If it spreads, or you notice numbness around the groin or changes in your "
            "bladder or bowels, get emergency care today."
        ),
    )


def sign_words(numbness: object, leg_weakness: object, below_knee: object) -> tuple[str, ...]:
    """The warning signs reported (each flag true or false), in the table's words."""
    flags = {"numbness": numbness, "leg_weakness": leg_weakness, "pain_below_knee": below_knee}
    return tuple(sign.text.lower() for sign in IN_SESSION if flags[sign.key])


def _joined(items: tuple[str, ...]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
