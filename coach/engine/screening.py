"""Red-flag screening: the questions, what the answers mean, and when to ask again.

The questions follow the red flags of the domain brief (shared/domain.md), in three
tiers. Urgent signs (suspected cauda equina or spinal cord compression) mean emergency
care now: coach will not start a session for the rest of that day, and asks again the
next. Same-day signs (possible infection or cancer) mean seeing a doctor today before
exercising. Other signs mean a prompt review; gentle exercise may go on. coach never
diagnoses: it says plainly when to seek care.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

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


class Outcome(StrEnum):
    """How serious the answers are, from none ticked to the most serious tier ticked."""

    CLEAR = "clear"
    REVIEW = "review"
    SAME_DAY = "same_day"
    URGENT = "urgent"


_RANK = {Outcome.CLEAR: 0, Outcome.REVIEW: 1, Outcome.SAME_DAY: 2, Outcome.URGENT: 3}


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    """Stored with the answers: never renamed."""
    text: str
    tier: Outcome
    """What a tick means: URGENT, SAME_DAY or REVIEW."""


QUESTIONS: tuple[Question, ...] = (
    # Urgent: pressure on the nerves at the base of the spine, or on the spinal cord.
    Question(
        "bladder_bowel",
        "New trouble with your bladder or bowels: difficulty starting or stopping, not "
        "being able to pass urine, or leaking urine or stools you cannot control",
        Outcome.URGENT,
    ),
    Question(
        "saddle_numbness",
        "Numbness around your genitals, buttocks, inner thighs or back passage",
        Outcome.URGENT,
    ),
    Question("sexual", "New problems with sexual function", Outcome.URGENT),
    Question(
        "leg_weakness_worsening",
        "Weakness or numbness in one or both legs that is quickly getting worse",
        Outcome.URGENT,
    ),
    Question("both_legs", "Pain, numbness or tingling in both legs", Outcome.URGENT),
    Question(
        "gait", "A new change in the way you walk, or feeling unsteady on your feet", Outcome.URGENT
    ),
    # Same day: infection or cancer must be ruled out before exercising.
    Question("cancer", "You have or have had cancer, and this back pain is new", Outcome.SAME_DAY),
    Question(
        "fever", "A fever, or feeling generally unwell, with this back pain", Outcome.SAME_DAY
    ),
    Question(
        "immunosuppressed",
        "A weakened immune system, from an illness or from medicines (such as chemotherapy, "
        "transplant medicines or other immune-suppressing treatment)",
        Outcome.SAME_DAY,
    ),
    Question("iv_drugs", "You inject drugs, or have recently", Outcome.SAME_DAY),
    # Prompt review.
    Question("steroids", "You have taken steroid tablets for a long time", Outcome.REVIEW),
    Question(
        "night_pain",
        "Pain at night or at rest that has not eased over 4 to 6 weeks",
        Outcome.REVIEW,
    ),
    Question("weight_loss", "Weight loss you cannot explain", Outcome.REVIEW),
    Question(
        "trauma",
        "A recent fall or accident, or a small one if you have weak bones (osteoporosis) "
        "or take steroid tablets",
        Outcome.REVIEW,
    ),
    Question(
        "new_pain_age", "This back pain is new, and you are under 20 or over 50", Outcome.REVIEW
    ),
    Question(
        "thoracic", "Pain in your upper back, between or around the shoulder blades", Outcome.REVIEW
    ),
    Question(
        "below_knee",
        "Pain spreading below the knee, with numbness or weakness in that leg",
        Outcome.REVIEW,
    ),
    Question(
        "kidney",
        "Pain on one side, high in the back near the ribs, with a fever, trouble passing "
        "urine or feeling unwell (this can come from the kidneys, not the spine)",
        Outcome.REVIEW,
    ),
)

URGENT_ADVICE = (
    "Please get emergency care now: call your emergency number or go to an emergency "
    "department today. These signs can mean pressure on the nerves at the base of the "
    "spine or on the spinal cord, which must be seen the same day. Do not exercise today.\n\n"
    "coach will not start a session for the rest of today. It asks these questions again "
    "tomorrow."
)

URGENT_TODAY_ADVICE = (
    "Earlier today you reported a sign that needs emergency care: please call your "
    "emergency number or go to an emergency department now. coach will not start a session "
    "today; it asks the safety questions again tomorrow."
)

SAME_DAY_ADVICE = (
    "Please contact your doctor today, before you exercise, and tell them what you ticked. "
    "These signs need a check the same day to rule out an infection or another cause that "
    "is not ordinary back pain. Most back pain is not serious, but this deserves a look "
    "first."
)

REVIEW_ADVICE = (
    "Please arrange to see your doctor or physiotherapist soon, and tell them what you "
    "ticked. Most back pain is not serious, but these signs deserve a check. Gentle "
    "movement is usually fine meanwhile; if you are unsure, wait until you have been seen."
)


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
        if answers.get(question.key) and _RANK[question.tier] > _RANK[found]:
            found = question.tier
    return found


def blocked_today(last: LastScreening | None, today: date) -> bool:
    """True when an urgent answer was given today: no session until tomorrow."""
    return last is not None and last.outcome is Outcome.URGENT and last.local_date == today


def is_due(last: LastScreening | None, today: date, every_weeks: int) -> bool:
    """True before the first session, every ``every_weeks`` weeks, and at the next start
    after an urgent or same-day answer (asked again rather than remembered as a pass)."""
    if last is None or last.outcome in (Outcome.URGENT, Outcome.SAME_DAY):
        return True
    return (today - last.local_date).days >= every_weeks * 7
