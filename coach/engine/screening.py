"""Red-flag screening: the questions, what the answers mean, and when to ask again.

The questions follow the red flags in the domain brief. coach never diagnoses: an urgent
answer stops it from starting a session and says to seek emergency care now; a
prompt-review answer advises seeing a clinician soon and asks before going on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

__all__ = [
    "QUESTIONS",
    "REVIEW_ADVICE",
    "URGENT_ADVICE",
    "Outcome",
    "Question",
    "assess",
    "is_due",
]


class Outcome(StrEnum):
    CLEAR = "clear"
    REVIEW = "review"
    URGENT = "urgent"


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    urgent: bool


QUESTIONS: tuple[Question, ...] = (
    Question(
        "bladder_bowel",
        "New trouble passing urine, or controlling your bladder or bowels",
        urgent=True,
    ),
    Question(
        "saddle_numbness", "Numbness around your genitals, buttocks or inner thighs", urgent=True
    ),
    Question(
        "leg_weakness_worsening",
        "Weakness or numbness in a leg, quickly getting worse",
        urgent=True,
    ),
    Question("night_pain", "Pain at night or at rest that has not eased for weeks", urgent=False),
    Question("weight_loss", "Weight loss you cannot explain", urgent=False),
    Question("fever", "Fever, or feeling generally unwell", urgent=False),
    Question("cancer", "Cancer, now or in the past", urgent=False),
    Question(
        "trauma",
        "A recent fall or accident (or a small one, if you have weak bones or "
        "take steroid tablets)",
        urgent=False,
    ),
    Question("below_knee", "Pain spreading below the knee with numbness or weakness", urgent=False),
    Question(
        "new_pain_age", "This back pain is new, and you are under 20 or over 50", urgent=False
    ),
    Question(
        "kidney",
        "Pain on one side high in the back, near the ribs, with fever or trouble passing urine",
        urgent=False,
    ),
)

URGENT_ADVICE = (
    "Please seek emergency care now (call your emergency number or go to an emergency "
    "department). These signs can mean pressure on the nerves at the base of the spine, "
    "which needs to be seen the same day. Do not exercise today."
)

REVIEW_ADVICE = (
    "Please arrange to see your doctor or physiotherapist soon, and tell them what you "
    "ticked. Most back pain is not serious, but these signs deserve a check. Gentle "
    "movement is usually fine meanwhile; if you are unsure, wait until you have been seen."
)


def assess(answers: Mapping[str, bool]) -> Outcome:
    """The most serious outcome among the ticked answers."""
    ticked = {q.key for q in QUESTIONS if answers.get(q.key)}
    if any(q.urgent for q in QUESTIONS if q.key in ticked):
        return Outcome.URGENT
    if ticked:
        return Outcome.REVIEW
    return Outcome.CLEAR


def is_due(last: tuple[str, str] | None, today: date, every_weeks: int) -> bool:
    """True before the first session, every ``every_weeks`` weeks, and after an urgent
    answer (which must be asked again rather than remembered as a pass)."""
    if last is None:
        return True
    taken_at, outcome = last
    if outcome == Outcome.URGENT:
        return True
    taken = datetime.fromisoformat(taken_at).astimezone().date()
    return (today - taken).days >= every_weeks * 7
