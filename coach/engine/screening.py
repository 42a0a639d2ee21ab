"""Red-flag screening: the questions, what the answers mean, and when to ask again.

The questions, their tiers, the advice and what each blocks are the table of signs
(:mod:`coach.engine.signs`). Urgent signs (suspected cauda equina or spinal cord
compression) mean emergency care now: coach will not start a session for the rest of
that day, and asks again the next. Same-day signs (possible infection or cancer) mean
seeing a doctor today before exercising. Other signs mean a prompt review. coach never
diagnoses: it says plainly when to seek care.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from coach.engine.signs import (
    CHECKLIST,
    TIER_ADVICE,
    URGENT_TODAY_ADVICE,
    Outcome,
    Sign,
    blocks_until_seen,
    rank,
)

__all__ = [
    "QUESTIONS",
    "REVIEW_ADVICE",
    "SAME_DAY_ADVICE",
    "URGENT_ADVICE",
    "URGENT_TODAY_ADVICE",
    "LastScreening",
    "Outcome",
    "Question",
    "assess",
    "blocked_today",
    "is_due",
]


Question = Sign
"""A line of the checklist: a sign of :data:`coach.engine.signs.CHECKLIST`."""

QUESTIONS: tuple[Question, ...] = CHECKLIST

URGENT_ADVICE = TIER_ADVICE[Outcome.URGENT][1]
SAME_DAY_ADVICE = TIER_ADVICE[Outcome.SAME_DAY][1]
REVIEW_ADVICE = TIER_ADVICE[Outcome.REVIEW][1]


@dataclass(frozen=True, slots=True)
class LastScreening:
    """The latest checklist answered: when (as a local day) and how it came out."""

    taken_at: str
    local_date: date
    outcome: Outcome
    ticked: tuple[str, ...] = ()
    """The keys of the questions answered yes (:data:`QUESTIONS`), in stored order."""


def assess(answers: Mapping[str, bool]) -> Outcome:
    """The most serious tier among the ticked answers (CLEAR when none is ticked)."""
    found = Outcome.CLEAR
    for question in QUESTIONS:
        if answers.get(question.key) and rank(question.tier) > rank(found):
            found = question.tier
    return found


def blocked_today(last: LastScreening | None, today: date) -> bool:
    """True when an urgent answer was given today: no session until tomorrow."""
    return last is not None and last.outcome is Outcome.URGENT and last.local_date == today


def is_due(last: LastScreening | None, today: date, every_weeks: int) -> bool:
    """True before the first session, every ``every_weeks`` weeks, and at the next start
    after an urgent or same-day answer, or a line that holds sessions until a clinician
    has seen it (asked again rather than remembered as a pass)."""
    if last is None or last.outcome in (Outcome.URGENT, Outcome.SAME_DAY):
        return True
    if blocks_until_seen(last.ticked):
        return True
    return (today - last.local_date).days >= every_weeks * 7
